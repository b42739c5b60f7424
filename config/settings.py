"""Settings come from the environment only; defaults give a working local system."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default=False):
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# The in-repo key only with DEBUG on; otherwise the process refuses to start without SECRET_KEY.
SECRET_KEY = os.environ.get("SECRET_KEY") or ("dev-only-insecure-key-set-SECRET_KEY-in-production" if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "未设置 SECRET_KEY：DEBUG 关闭时必须在环境变量中提供 SECRET_KEY（长随机串）。"
        " SECRET_KEY is not set: with DEBUG off the environment must provide SECRET_KEY (a long random string)."
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "dispatch",
    "hotline",
    "assessment",
    "demodata",
    "core",
    "attachments",
    "knowledge",
    "topics",
    "bigscreen",
    "django_prometheus",
    "axes",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.sessions.IdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database: PostgreSQL from DATABASE_URL, else a local SQLite file in WAL mode.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    # No JIT compilation on the primary (pages, API, worklists): PostgreSQL compiles every query whose planner cost
    # passes jit_above_cost (100 000), and a list's capped count or page that tests each order's scope is costed far
    # above that while it runs in tens of ms. At a quarter the compilation was 60 ms of the district's 督办 count
    # (850 ms) and 66 ms of 本区工单's (107 ms); past jit_optimize_above_cost (the year's costs) ~0.6 s a query. The
    # word search and the month refresh had turned it off for their own transactions already; the reports replica
    # (rankings, drill-down, charts) keeps the server's setting.
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        _options = DATABASES["default"].setdefault("OPTIONS", {})
        _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# --- Reports replica: rankings, drill-down, exports and charts read from REPORTS_DATABASE_URL (a streaming
# replica, see docker-compose.yml) through config/db_router.py; unset, they read the primary. Writes: always default.
REPORTS_DATABASE_URL = os.environ.get("REPORTS_DATABASE_URL", "")
if REPORTS_DATABASE_URL:
    DATABASES["reports"] = dj_database_url.parse(REPORTS_DATABASE_URL, conn_max_age=60)
REPORTS_DATABASE = "reports" if REPORTS_DATABASE_URL else "default"
DATABASE_ROUTERS = ["config.db_router.PrimaryReplicaRouter"]

AUTH_USER_MODEL = "dispatch.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"

# --- Attachments (attachments/): Django's default storage. The filesystem under VAR_DIR/attachments unless
# AWS_STORAGE_BUCKET_NAME is set: then S3-compatible object storage through django-storages (MinIO in
# docker-compose.yml). Files are never public: attachments/views.py streams them after the ticket page's check.
ATTACHMENTS_DIR = Path(os.environ.get("ATTACHMENTS_DIR", VAR_DIR / "attachments"))
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
if AWS_STORAGE_BUCKET_NAME:
    _default_storage = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": AWS_STORAGE_BUCKET_NAME,
        "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,  # MinIO: http://minio:9000
        "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
        "access_key": os.environ.get("AWS_ACCESS_KEY_ID") or None,
        "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY") or None,
        "addressing_style": os.environ.get("AWS_S3_ADDRESSING_STYLE", "path"),
        "default_acl": "private", "querystring_auth": True, "file_overwrite": False,
    }}
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage",
                        "OPTIONS": {"location": ATTACHMENTS_DIR, "base_url": None}}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploads above this size go to a temporary file, not memory (a photo is at most 10 MB, a document 20 MB).
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- Redis: broker and cache when REDIS_URL is set; otherwise a server-less filesystem broker.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CACHES = {"default": {"BACKEND": "core.cache.RedisCache", "LOCATION": REDIS_URL}}
else:
    CELERY_BROKER_URL = "filesystem://"
    _broker_dir = VAR_DIR / "celery-broker"
    for sub in ("in", "processed", "control"):
        (_broker_dir / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "in"),
        "data_folder_out": str(_broker_dir / "in"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
        "control_folder": str(_broker_dir / "control"),  # kombu's default is ./control in the working directory
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_IGNORE_RESULT = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    # Deadlines are stored rows; one sweep a minute warns and flags breaches (assessment/clock/sweep.py).
    "sweep-sla-clocks": {"task": "assessment.sweep_clocks", "schedule": 60.0, "options": {"expires": 55}},
    # Month close on the 1st freezes last month; a nightly refresh keeps the running month's figures current.
    "close-assessment-month": {
        "task": "assessment.close_previous_month", "schedule": crontab(minute=0, hour=1, day_of_month=1)
    },
    "refresh-assessment-month": {"task": "assessment.refresh_current_month", "schedule": crontab(minute=30, hour=2)},
    "detect-hotspots": {"task": "assessment.detect_hotspots", "schedule": crontab(minute=0, hour=3)},
    "retrain-suggester": {"task": "hotline.train_suggester", "schedule": crontab(minute=0, hour=4)},
    # 知识库: expire lapsed articles, remind owners of reviews due and articles lapsing within 14 days
    "knowledge-reminders": {"task": "knowledge.send_reminders", "schedule": crontab(minute=0, hour=5)},
    # 大屏: the snapshots of the screens open now are recomputed here, so no screen's poll waits for the aggregate
    "refresh-big-screen": {"task": "bigscreen.refresh_snapshots", "schedule": 10.0, "options": {"expires": 9}},
}

# --- Celery queues: each group runs on its own workers (docker-compose.yml), so a month close or a retrain never
# delays the minute sweep. Notifications and SMS have no task of their own: the sweep writes them as rows in its
# claiming transaction (exactly once) and urging writes them in the request; "notify" is where the SMS gateway's
# sender goes. Unrouted tasks land on Celery's default queue "celery"; tests/test_celery_queues.py holds every
# project task to a route.
WORKER_QUEUES = ["clock", "notify", "reports", "training"]

# How often each open page asks /notifications/unread.json for the header badge (static/js/alerts.js)
ALERTS_POLL_SECONDS = float(os.environ.get("ALERTS_POLL_SECONDS", "20"))
# 大屏 (bigscreen/): how often a screen asks for new figures; how long one computed snapshot is served (beat
# recomputes the open screens' snapshots every 10 s, so this is the staleness bound when beat stops; 0: no cache)
BIG_SCREEN_POLL_SECONDS = float(os.environ.get("BIG_SCREEN_POLL_SECONDS", "15"))
BIG_SCREEN_CACHE_SECONDS = int(os.environ.get("BIG_SCREEN_CACHE_SECONDS", "30"))
CELERY_TASK_ROUTES = {
    "assessment.sweep_clocks": {"queue": "clock"},
    "assessment.close_previous_month": {"queue": "reports"},
    "assessment.refresh_current_month": {"queue": "reports"},
    "assessment.detect_hotspots": {"queue": "reports"},
    "hotline.train_suggester": {"queue": "training"},
    "hotline.build_list_export": {"queue": "reports"},
    "knowledge.send_reminders": {"queue": "reports"},
    "bigscreen.refresh_snapshots": {"queue": "reports"},
}

# Smart intake: repeat-request window and where trained suggestion models are stored.
REPEAT_WINDOW_DAYS = int(os.environ.get("REPEAT_WINDOW_DAYS", "7"))
SUGGEST_MODEL_DIR = Path(os.environ.get("SUGGEST_MODEL_DIR", VAR_DIR / "models"))
# Third-party reference data lives beside the project, never in it (../shared/data; README "Reference data").
SHARED_DATA_DIR = Path(os.environ.get("SHARED_DATA_DIR", BASE_DIR.parent / "shared" / "data"))
# Real complaints labelled with a category (CSV: text,label) that train_suggester and the Celery retrain add to
# the catalog and the closed tickets; files that are absent are skipped. os.pathsep-separated; "" for none.
SUGGEST_LABELLED_CSV = [Path(p) for p in os.environ.get(
    "SUGGEST_LABELLED_CSV", str(SHARED_DATA_DIR / "complaints_dev.csv")).split(os.pathsep) if p]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "core.tokens.ExpiringTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.api_errors.exception_handler",
}
# --- OpenAPI schema (drf-spectacular): config/openapi.py adds the Error responses; the schema leaves itself out
SPECTACULAR_SETTINGS = {
    "TITLE": "12345 接诉即办 API", "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "config.openapi.add_error_responses"],
    "ENUM_NAME_OVERRIDES": {"TicketStatusEnum": "hotline.choices.Status",
                            "MonthCloseStatusEnum": "assessment.monthly.choices.CloseStatus"},
}

# --- Security and operations
# Production defaults; LOCAL_HTTP=1 (run.sh, tests) only for plain http on a developer's machine.
LOCAL_HTTP = env_bool("LOCAL_HTTP", False)
SECURE_SSL_REDIRECT = not LOCAL_HTTP
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]  # probes inside the host speak http
SECURE_HSTS_SECONDS = 0 if LOCAL_HTTP else int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not LOCAL_HTTP
# Sessions end when the browser closes and after SESSION_IDLE_MINUTES without a request (core/sessions.py).
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
SESSION_COOKIE_AGE = max(12 * 3600, 2 * SESSION_IDLE_MINUTES * 60)  # the stored row outlives the idle check
CSRF_FAILURE_VIEW = "core.error_views.csrf_failure"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    },
}
# /healthz: the sweep counts as stale after this many seconds; /metrics: a bearer token (or 127.0.0.1 only).
SWEEP_MAX_AGE_SECONDS = int(os.environ.get("SWEEP_MAX_AGE_SECONDS", "300"))
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# --- Login lockout, API tokens and throttles
# Lockout (django-axes, core/lockout.py): a user name after LOGIN_FAILURE_LIMIT failures, an address after
# LOGIN_ADDRESS_FAILURE_LIMIT, for LOGIN_LOCKOUT_MINUTES after the last one; the admin unlocks under 访问尝试.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_HANDLER = "core.lockout.LockoutHandler"
AXES_LOCKOUT_CALLABLE = "core.lockout.lockout_response"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("LOGIN_ADDRESS_FAILURE_LIMIT", "50"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")))
AXES_RESET_ON_SUCCESS = True
# Behind a reverse proxy set TRUSTED_PROXY_COUNT (the proxies that append to X-Forwarded-For); else the peer address.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
if TRUSTED_PROXY_COUNT:
    AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
# API tokens expire TOKEN_TTL_HOURS after they are issued (core/tokens.py).
TOKEN_TTL_HOURS = float(os.environ.get("TOKEN_TTL_HOURS", "8"))
# Rates per user (per address when anonymous) and scope (core/throttling.py): intake admits the intake
# integration's one account at 200 tickets/s twice over; the token endpoint is tight.
REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = ["core.throttling.ScopedThrottle"]
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {
    scope: os.environ.get(f"THROTTLE_{scope.upper()}", default) for scope, default in {
        "intake": "24000/min", "read": "600/min", "actions": "300/min", "token": "10/min", "search": "30/min",
        "lookup": "20/min",
    }.items()
}
REST_FRAMEWORK["NUM_PROXIES"] = TRUSTED_PROXY_COUNT
