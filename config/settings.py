"""Settings read from the environment, so one codebase runs on a laptop (SQLite) and on many
app servers over PostgreSQL. Every variable is listed in the README's configuration table."""

import os
import warnings
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# The fallback is good enough for a laptop demo and the tests; production sets SECRET_KEY.
SECRET_KEY = os.environ.get("SECRET_KEY") or "insecure-development-key-set-SECRET_KEY"
# PRODUCTION=1 behind a TLS-terminating load balancer: secure cookies, HTTPS redirect, HSTS,
# JSON logs, hashed static files. `manage.py check --deploy` is clean with it (a test says so).
PRODUCTION = env_bool("PRODUCTION", False)
if PRODUCTION and "SECRET_KEY" not in os.environ:
    raise ImproperlyConfigured("PRODUCTION=1 needs SECRET_KEY in the environment.")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "axes",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_tasks_db",
    "athletes",
    "workouts",
    "plans",
    "plan_templates",
    "exports",
    "notifications",
    "web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "web.request_log.RequestLogMiddleware",
    # API answers are private to their caller: no shared cache keeps them.
    "web.cache_control.PrivateApiMiddleware",
    # A lost database connection answers 503, not a traceback (see web/health.py).
    "web.health.DatabaseUnavailableMiddleware",
    # Serves static/ itself (Bootstrap, htmx): no CDN, so the app works on a laptop offline.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so it sees the failed login of any view and turns a lockout into its answer.
    "axes.middleware.AxesMiddleware",
]

# Axes first: it refuses a locked-out username+address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, loading the user's coach or athlete profile with the user.
    "athletes.backends.ProfileModelBackend",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "django.template.context_processors.csp",
                "web.context_processors.load_unit",
            ],
        },
    },
]

# SQLite unless DATABASE_URL says otherwise. SQLite is tuned for a web app that writes:
# WAL lets readers run beside the writer, the busy timeout waits for the lock instead of failing,
# and IMMEDIATE transactions take the write lock up front so two writers never deadlock on an
# upgrade from a read lock ("database is locked").
DATABASE_URL = os.environ.get("DATABASE_URL", "")
from_url = dj_database_url.parse(DATABASE_URL) if DATABASE_URL else {}
if from_url and from_url["ENGINE"] != "django.db.backends.sqlite3":
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
            conn_health_checks=True,
        )
    }
    # Fail fast when PostgreSQL is away instead of hanging the worker.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)
    # Prepared statements: parameters bound by the server, and psycopg prepares a query on its
    # sixth run on a connection, so PostgreSQL stops parsing and planning it on every request
    # (planning the token query's four-table join cost twice its execution; Django leaves
    # them off by default). Off for a pooler that cannot keep them (PgBouncer in transaction
    # mode before 1.21): DATABASE_PREPARED_STATEMENTS=0.
    if os.environ.get("DATABASE_PREPARED_STATEMENTS", "1") != "0":
        DATABASES["default"]["OPTIONS"] |= {"server_side_binding": True, "prepare_threshold": 5}
else:
    # The default, or a sqlite:///path DATABASE_URL: the same tuned SQLite either way.
    DATABASES = {
        "default": {
            # Django's own backend. The threads of a process take turns for the write lock in
            # arrival order in athletes/transactions.py (write_turn says why).
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": from_url.get("NAME")
            or os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            # A worker keeps its connection between requests: opening one (the connection,
            # its functions, the PRAGMAs) cost more than the whole of a /healthz.
            "CONN_MAX_AGE": int(os.environ.get("CONN_MAX_AGE", "60")),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA busy_timeout=20000;"
                    "PRAGMA foreign_keys=ON;"
                ),
            },
            # The test database is a file, not shared memory: with an in-memory database the
            # live server's request threads all share one connection, and two concurrent
            # requests from a browser (a page and its service worker) could read through
            # each other's cursor. A file gives each thread its own connection, as in use.
            "TEST": {"NAME": os.environ.get("SQLITE_TEST_PATH", str(BASE_DIR / "test-db.sqlite3"))},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where collectstatic writes; a deployment (or a test) may put it elsewhere.
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # In production, hashed names (cached forever by browsers) and gzip/brotli copies made by
    # collectstatic (`make serve` runs it); elsewhere compressed copies without a manifest, so
    # pages render before any collectstatic.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "whitenoise.storage.CompressedStaticFilesStorage"
    },
}
# Serve straight from static/ when collectstatic has not run (make run, the tests).
WHITENOISE_USE_FINDERS = not PRODUCTION
# Until collectstatic has made STATIC_ROOT, WhiteNoise says so on every start; the finders serve.
warnings.filterwarnings("ignore", message="No directory at", module="whitenoise.base")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "plans:home"
LOGOUT_REDIRECT_URL = "login"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# One cache all app processes share, so throttle counters hold across them: Redis when
# REDIS_URL is set, else this process's memory (a laptop, the tests).
REDIS_URL = os.environ.get("REDIS_URL", "")
# Background work (applying a big plan template, the weekly rollout) on Django's Tasks framework,
# queued in the database by django-tasks-db: a laptop needs nothing more than the app's own
# database; `manage.py db_worker` runs the tasks (README "Background work").
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        # Room for a cached answer per athlete (the dashboard's compliance, the week API):
        # locmem's default of 300 entries would cull a 500-athlete roster on every visit.
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    )
}

REST_FRAMEWORK = {
    # Token first, so an anonymous call is told how to authenticate (401, not 403). knox's
    # tokens, read with the caller's profile in one query (athletes/authentication.py).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "athletes.authentication.ProfileTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "web.api.HasRole",
    ],
    "DEFAULT_PARSER_CLASSES": ["web.api.LimitedJSONParser"],
    # Kilograms always; `?units=lb` adds pounds beside them (web/units.py).
    "DEFAULT_RENDERER_CLASSES": ["web.units.UnitsJSONRenderer"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "web.units.UnitsNegotiation",
    "DEFAULT_PAGINATION_CLASS": "web.api.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "web.api_schema.AutoSchema",
    "EXCEPTION_HANDLER": "web.api.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["web.api.AnonThrottle", "web.api.UserThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_THROTTLE_ANON", "60/min"),
        "user": os.environ.get("API_THROTTLE_USER", "600/min"),
    },
    "COERCE_DECIMAL_TO_STRING": False,
    # ISO 8601 with an explicit offset ("+00:00"), seconds precision: sessions are minute-grained.
    "DATETIME_FORMAT": "%Y-%m-%dT%H:%M:%S%:z",
    "TIME_FORMAT": "%H:%M",
    "TIME_INPUT_FORMATS": ["%H:%M", "%H:%M:%S"],
}
# Run files from watches (README "Run files"): each file at most RUN_FILE_MAX_BYTES (larger ones
# are refused by name, the others of the upload still imported), one upload at most
# RUN_UPLOAD_MAX_BYTES in all (413) and DATA_UPLOAD_MAX_NUMBER_FILES files (Django's 100).
# Uploads stay in memory, capped per file: nothing is written to an app server's disk.
RUN_FILE_MAX_BYTES = int(os.environ.get("RUN_FILE_MAX_BYTES", str(10 * 1024 * 1024)))
RUN_UPLOAD_MAX_BYTES = int(os.environ.get("RUN_UPLOAD_MAX_BYTES", str(64 * 1024 * 1024)))
DATA_UPLOAD_MAX_NUMBER_FILES = 100
FILE_UPLOAD_HANDLERS = ["web.uploads.CappedMemoryUploadHandler"]

# Bodies larger than this are refused with 413 before they are parsed.
API_MAX_BODY_BYTES = int(os.environ.get("API_MAX_BODY_BYTES", str(64 * 1024)))

REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=int(os.environ.get("API_TOKEN_TTL_HOURS", "720"))),
    "AUTO_REFRESH": False,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Ironstride API",
    "DESCRIPTION": "Weekly plans for runners who deadlift: athletes, sessions, sets, weeks. "
    "Loads are kilograms (`*_kg`, exact to 10 decimals: 1 lb = 0.45359237 kg); reads take "
    "`?units=lb` to add each load in pounds beside it (`*_lb`); writes take kilograms.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Swagger UI from the installed sidecar package: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "SessionStatusEnum": "workouts.models.SessionStatus",
        # What scheduling a deadlift did: the week's scheduling and a template's preview alike.
        "ScheduleOutcomeEnum": "plans.services.OUTCOMES",
        # Why autoregulation moved a set's target: an e1RM, or the drop after failure/RIR 0.
        "AdjustmentKindEnum": "plans.domain.autoregulation.ADJUSTMENT_KINDS",
        "RunKindEnum": "workouts.models.RunKind",
    },
}

# Repeated failed logins lock out that username from that address (web login and API alike).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_CALLABLE = "web.api.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Behind N trusted proxies (load balancers) the client's address is the Nth from the right in
# X-Forwarded-For; without this every client would share the balancer's address. Lock-outs and
# throttles read it the same way; what a client wrote further left is never read. (DRF's
# default, None, would key anonymous throttles on the client's own X-Forwarded-For.)
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "web.request_log.client_address"
REST_FRAMEWORK["NUM_PROXIES"] = TRUSTED_PROXY_COUNT

LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    # The calendar feed's secret is its only credential: no log line may carry it, so every
    # handler masks it, including the request log of runserver ("django.server").
    "filters": {"calendar_secret": {"()": "web.log_filters.MaskCalendarSecret"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["calendar_secret"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["calendar_secret"],
        },
    },
    "loggers": {
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        # Lockouts are warnings; each login's bookkeeping is not worth a line.
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}


# ---------------------------------------------------------------------------- hardening

# A TLS-terminating load balancer says the original scheme in X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
# Load balancers probe over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = PRODUCTION
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000" if PRODUCTION else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = PRODUCTION
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Scripts only from the app itself (nonces for any inline script that remains), no plugins,
# no <base> tricks, never framed. Every asset is served by the app, so 'self' is enough.
SECURE_CSP: dict[str, list[str]] = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "manifest-src": [CSP.SELF],
    "worker-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}

# The app's own address as the emails link to it (no request to read it from when the worker
# sends): scheme and host, no trailing slash.
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000").rstrip("/")

# Mail: SMTP when SMTP_HOST is set, else printed to the console (a laptop).
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Ironstride <noreply@localhost>")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
ADMINS = [("Operator", address) for address in env_list("ADMINS", "")]
MAILERS = {
    "default": (
        {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["SMTP_HOST"],
                "port": int(os.environ.get("SMTP_PORT", "587")),
                "username": os.environ.get("SMTP_USER", ""),
                "password": os.environ.get("SMTP_PASSWORD", ""),
                "use_tls": env_bool("SMTP_TLS", True),
                "timeout": 10,
            },
        }
        if os.environ.get("SMTP_HOST")
        else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    )
}
# Without SMTP_HOST the notifications (README "Notifications") go to the console: production
# without it is a deployment choice (no emails), not a mistake for check --deploy.
if not os.environ.get("SMTP_HOST"):
    SILENCED_SYSTEM_CHECKS = ["mail.E001"]

# Logs: JSON lines in production (LOG_FORMAT=json), readable text elsewhere.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json" if PRODUCTION else "text")
LOGGING["formatters"]["json"] = {"()": "web.log_filters.JsonFormatter"}
LOGGING["formatters"]["text"] = {"format": "{levelname} {name}: {message}", "style": "{"}
LOGGING["handlers"]["console"]["formatter"] = LOG_FORMAT
LOGGING["loggers"]["ironstride"] = {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False}
