"""The smallest Django project running django-helpdesk 1.0.0 as its install docs say, for bench/peer/run.py only.

Apps and SITE_ID as docs/install.rst lists them, teams off as docs/teams.rst says to (pinax-teams 2.0.0, the
newest, imports ugettext_lazy, gone since Django 4.0, so it cannot be in INSTALLED_APPS); the REST API on
(HELPDESK_ACTIVATE_API_ENDPOINT, docs/api.rst). The API docs leave authentication to DEFAULT_AUTHENTICATION_CLASSES:
DRF tokens here, as our intake is driven with a token (Basic auth would hash the password on every request), and
limit/offset paging of 50 as ours. Same database settings as ours (persistent connections, 60 s), DEBUG off.
E-mail goes to the dummy backend: helpdesk still renders its new-ticket mails, nothing leaves the machine.
"""

import os

import dj_database_url

SECRET_KEY = os.environ.get("SECRET_KEY", "peer-bench-only-key-not-secret-0123456789abcdefghijklmnop")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "bootstrap4form",
    "rest_framework",
    "rest_framework.authtoken",
    "helpdesk",
]
SITE_ID = 1

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "helpdesk_site.urls"
WSGI_APPLICATION = "helpdesk_site.wsgi.application"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.debug",
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]},
}]

DATABASES = {"default": dj_database_url.parse(
    os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hl_peer_helpdesk"), conn_max_age=60)}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
STATIC_URL = "/static/"
MEDIA_ROOT = os.environ.get("PEER_MEDIA_ROOT", "/tmp/peer-helpdesk-media")
LOGIN_URL = "helpdesk:login"
LOGIN_REDIRECT_URL = "helpdesk:home"
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
DEFAULT_FROM_EMAIL = "helpdesk@example.com"

HELPDESK_TEAMS_MODEL = "auth.User"
HELPDESK_TEAMS_MIGRATION_DEPENDENCIES = []
HELPDESK_KBITEM_TEAM_GETTER = lambda _: None  # noqa: E731
HELPDESK_ACTIVATE_API_ENDPOINT = True
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
}
