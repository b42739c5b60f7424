"""Test settings: the real ones, with a fast password hasher."""

import tempfile
from pathlib import Path

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True

# Trained suggestion models go to a throw-away folder, never into var/.
SUGGEST_MODEL_DIR = Path(tempfile.mkdtemp(prefix="hotline-models-"))

# --- Login lockout, API tokens and throttles: rates no test reaches (tests/test_throttling.py runs the defaults).
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {  # noqa: F405
    scope: "1000000/min" for scope in REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]}}  # noqa: F405
