"""Deployment settings, checked the way an operator meets them: a process started with a given environment."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from demodata.users import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[1]


def manage(*args, **env):
    """`manage.py` with the real settings and exactly the security variables given (none inherited from tests)."""
    clean = {k: v for k, v in os.environ.items()
             if k not in {"SECRET_KEY", "DEBUG", "LOCAL_HTTP", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE",
                          "DJANGO_ALLOW_ASYNC_UNSAFE"}}  # the browser tests set it; production must not
    clean.update(env, DJANGO_SETTINGS_MODULE="config.settings")
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True,
                          text=True, timeout=120)


def production_env():
    return {"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(60), "ALLOWED_HOSTS": "hotline.example.gov.cn"}


def test_without_secret_key_and_debug_off_the_process_refuses_to_start():
    result = manage("check")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "未设置 SECRET_KEY" in result.stderr and "SECRET_KEY is not set" in result.stderr


def test_the_in_repo_key_is_only_a_debug_fallback():
    assert manage("check", DEBUG="1").returncode == 0
    assert manage("check", SECRET_KEY="").returncode != 0  # an empty value is no key either


def test_check_deploy_with_production_values_prints_no_warning():
    result = manage("check", "--deploy", **production_env())
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout, result.stderr  # no security or schema warning


def test_production_defaults_are_on_unless_local_http_is_set():
    script = ("from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, "
              "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
              "s.SECURE_PROXY_SSL_HEADER)")
    production = manage("shell", "--no-imports", "-c", script, **production_env())
    assert production.stdout.split() == ["True", "31536000", "True", "True", "True", "('HTTP_X_FORWARDED_PROTO',",
                                         "'https')"], production.stderr
    local = manage("shell", "--no-imports", "-c", script, LOCAL_HTTP="1", **production_env())
    assert local.stdout.split()[:5] == ["False", "0", "True", "False", "False"], local.stderr


def test_run_command_starts_with_debug_off_and_a_persistent_generated_key(tmp_path):
    """The environment run.sh gives the server: its lines up to the first manage.py command, in a scratch dir."""
    lines = (ROOT / "scripts" / "run.sh").read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("source ")) + 1
    stop = next(i for i, line in enumerate(lines) if line.startswith("python manage.py"))
    preamble = "\n".join(lines[start:stop]) + '\necho "DEBUG=$DEBUG LOCAL_HTTP=$LOCAL_HTTP KEY=$SECRET_KEY"'
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "LOCAL_HTTP"}}

    def run():
        result = subprocess.run(["bash", "-euo", "pipefail", "-c", preamble], cwd=tmp_path, env=clean,
                                capture_output=True, text=True, check=True)
        return dict(item.split("=", 1) for item in result.stdout.split())

    first, second = run(), run()
    assert first["DEBUG"] == "0" and first["LOCAL_HTTP"] == "1"
    assert len(first["KEY"]) >= 50 and first["KEY"] == second["KEY"]  # generated once, kept in var/secret_key
    assert (tmp_path / "var" / "secret_key").stat().st_mode & 0o077 == 0  # readable by its owner only
    run_sh = (ROOT / "scripts" / "run.sh").read_text()
    assert 'runserver "${HOST:-127.0.0.1}:' in run_sh and "collectstatic" in run_sh


@pytest.mark.django_db
def test_passwords_too_short_or_like_the_username_are_refused(users):
    wangjing = users["wangjing"]
    for weak in ["wangjing1", "wangjing2026", "1234567890", "password123"]:
        with pytest.raises(ValidationError):
            validate_password(weak, wangjing)
        form = SetPasswordForm(wangjing, {"new_password1": weak, "new_password2": weak})
        assert not form.is_valid() and form.errors["new_password2"]
    for user in users.values():
        validate_password(DEMO_PASSWORD, user)  # the demo password stays valid for every demo user


def test_celery_filesystem_broker_keeps_its_control_folder_under_var():
    """kombu's filesystem transport puts its exchange table in ./control unless told: it goes under var/ now."""
    script = ("from django.conf import settings as s; from pathlib import Path; "
              "print(Path(s.CELERY_BROKER_TRANSPORT_OPTIONS['control_folder']).is_relative_to(s.VAR_DIR))")
    clean = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
    result = subprocess.run([sys.executable, "manage.py", "shell", "--no-imports", "-c", script], cwd=ROOT,
                            env={**clean, "DEBUG": "1"}, capture_output=True, text=True, timeout=120)
    assert result.stdout.strip() == "True", result.stderr


@pytest.mark.django_db
def test_every_page_carries_a_content_security_policy_without_inline_scripts(client):
    policy = client.get("/login/")["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy and "unsafe-inline" not in policy
