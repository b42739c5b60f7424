"""Test settings: the real ones, with a fast password hasher."""

import os
import tempfile
from pathlib import Path

# Tests run over plain http (test client, live server) with a throw-away key; DEBUG stays off as in production.
os.environ.setdefault("SECRET_KEY", "test-only-key-" + "x" * 50)
os.environ.setdefault("LOCAL_HTTP", "1")

from config.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    # attachments go to a throw-away folder, never into var/
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": tempfile.mkdtemp(prefix="hotline-attachments-"), "base_url": None}},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True

# Trained suggestion models go to a throw-away folder, never into var/.
SUGGEST_MODEL_DIR = Path(tempfile.mkdtemp(prefix="hotline-models-"))
SUGGEST_LABELLED_CSV = []  # a test that trains on labelled complaints names its file

# --- Login lockout, API tokens and throttles: rates no test reaches (tests/test_throttling.py runs the defaults).
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {  # noqa: F405
    scope: "1000000/min" for scope in REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]}}  # noqa: F405

# --- Reports replica: a second alias on the test database (a mirror, never created or flushed); on PostgreSQL its
# sessions are read-only, as a streaming replica's are. Reports keep reading "default" unless a test sets
# REPORTS_DATABASE="reports": a mirror is another connection, which cannot see a rolled-back test's rows, so only
# transaction=True tests read through it (tests/test_reports_replica.py).
DATABASES["reports"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
if DATABASES["reports"]["ENGINE"].endswith("postgresql"):  # noqa: F405
    DATABASES["reports"]["OPTIONS"] = {**DATABASES["reports"].get("OPTIONS", {}),  # noqa: F405
                                       "options": "-c default_transaction_read_only=on"}
REPORTS_DATABASE = "default"
