"""Django settings for AnSinh.

One office runs it on a laptop with the embedded SQLite default; a province runs it on
PostgreSQL by setting DATABASE_URL (postgres://user@host:5432/name).
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("ANSINH_VAR", Path.cwd() / "var"))

DEBUG = os.environ.get("ANSINH_DEBUG", "1") == "1"
ALLOWED_HOSTS = os.environ.get("ANSINH_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")


def _secret_key() -> str:
    """ANSINH_SECRET_KEY; else, served without DEBUG, a random key made once and kept in
    VAR_DIR/secret_key (readable by its owner only); else a development key."""
    if os.environ.get("ANSINH_SECRET_KEY"):
        return os.environ["ANSINH_SECRET_KEY"]
    if DEBUG:
        return "dev-only-not-secret-change-me-in-production"
    import secrets

    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()

# Hardening (README, "Security"). Served without DEBUG the site is taken to be behind HTTPS:
# HTTP is redirected, HSTS is sent and the cookies are secure. An office laptop serving its
# LAN over plain HTTP sets ANSINH_HTTPS=0 (and then the four HTTPS checks of
# `check --deploy` are silenced, on purpose). Behind a proxy that ends TLS, set
# ANSINH_PROXY_SSL_HEADER=1 so X-Forwarded-Proto: https counts as HTTPS.
HTTPS = os.environ.get("ANSINH_HTTPS", "0" if DEBUG else "1") == "1"
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("ANSINH_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
elif not DEBUG:
    SILENCED_SYSTEM_CHECKS = ["security.W004", "security.W008", "security.W012", "security.W016"]
# The HI cards' person index carries the columns the figures count on PostgreSQL (decision
# 0030); SQLite keeps the index on its key column alone, as intended.
SILENCED_SYSTEM_CHECKS = [*globals().get("SILENCED_SYSTEM_CHECKS", []), "models.W040"]
if os.environ.get("ANSINH_PROXY_SSL_HEADER") == "1":
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# A session ends after 8 hours without a request (ANSINH_SESSION_IDLE_HOURS); a request moves
# the end on, writing the session at most every 5 minutes (web.middleware.SessionRefreshMiddleware).
SESSION_COOKIE_AGE = int(float(os.environ.get("ANSINH_SESSION_IDLE_HOURS", "8")) * 3600)
SESSION_REFRESH_SECONDS = 300
SESSION_COOKIE_HTTPONLY = True

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tables2",
    "django_filters",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "ansinh.common",
    "ansinh.accounts",
    "ansinh.parameters",
    "ansinh.places",
    "ansinh.registry",
    "ansinh.enrolment",
    "ansinh.collection",
    "ansinh.counselling",
    "ansinh.targets",
    "ansinh.campaigns",
    "ansinh.reports",
    "ansinh.lookup",
    "ansinh.risk",
    "ansinh.demo",
    "ansinh.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "ansinh.web.middleware.CompressPagesMiddleware",  # gzip when asked, not Excel/Word/PDF
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ansinh.web.middleware.SessionRefreshMiddleware",
    "ansinh.web.middleware.VietnameseFirstMiddleware",
    "ansinh.web.middleware.ParameterUseMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "ansinh.web.middleware.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "ansinh.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ansinh.web.context.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "ansinh.wsgi.application"

DEFAULT_SQLITE = f"sqlite:///{VAR_DIR / 'ansinh.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", DEFAULT_SQLITE))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = 60

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Passwords: at least 10 characters, not like the username or name, not a common password,
# not all digits (Django's validators; their messages come in Vietnamese with the page).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes): five failures lock the username+IP for 15 minutes.
# The participant's public look-up (/tra-cuu/, decision 0021): attempts per window (seconds)
# per IP address and per code entered, counted in a cache every worker shares (a directory
# under ANSINH_VAR: gunicorn's workers on one server see the same counts).
LOOKUP_LIMIT_PER_IP = (
    int(os.environ.get("ANSINH_LOOKUP_PER_IP", "20")),
    int(os.environ.get("ANSINH_LOOKUP_IP_WINDOW", "600")),
)
LOOKUP_LIMIT_PER_IDENTITY = (
    int(os.environ.get("ANSINH_LOOKUP_PER_CODE", "5")),
    int(os.environ.get("ANSINH_LOOKUP_CODE_WINDOW", "3600")),
)
LOOKUP_CACHE = "lookups"
#: Figures kept for every process of the server and its task worker (the dashboard's on-time
#: share, refreshed by the worker: decision 0026); the tests use "default".
FIGURES_CACHE = "figures"
#: Pension outlooks remembered under their inputs (decision 0029), apart from the figures: one
#: entry per person viewed in a day must not cull the figures' few (a file cache culls a third
#: of its entries at random once it holds MAX_ENTRIES); the tests use "default".
OUTLOOK_CACHE = "outlooks"
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "lookups": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache" / "lookups"),
    },
    "figures": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache" / "figures"),
    },
    "outlooks": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache" / "outlooks"),
        "OPTIONS": {"MAX_ENTRIES": 5_000},
    },
}
#: The public address QR codes point to (e.g. https://ansinh.bhxh-dongthap.vn); empty: the
#: address of the request that made the page or file.
PUBLIC_URL = os.environ.get("ANSINH_PUBLIC_URL", "")

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False  # grouping only where asked (intcomma, money)
FORMAT_MODULE_PATH = ["ansinh.formats"]

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # also creates VAR_DIR for the SQLite file
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "ansinh.collection.api.pagination.StrictLimitOffsetPagination",
    "PAGE_SIZE": 100,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "AnSinh API",
    "DESCRIPTION": "Lists, receipts and non-payment reasons for collection organisations.",
    "VERSION": "1.0.0",
    # Swagger UI and Redoc served from the installed sidecar package: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "ansinh.collection.api.schema.add_error_responses",
    ],
}

TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "ANSINH_TASK_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"
        )
    }
}

# E-mail (reason reminders): printed to the console unless a backend is configured.
EMAIL_BACKEND = os.environ.get(
    "ANSINH_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("ANSINH_FROM_EMAIL", "ansinh@localhost")

# The office's monthly practice, not law (decision 0017), so settings and not parameters: the
# due and unpaid lists go out on the 25th, the organisations' reasons are due by the 20th of
# the next month. (Keep the cron lines of the README on the same days.)
CYCLE_DAY = int(os.environ.get("ANSINH_CYCLE_DAY", "25"))
REASONS_DUE_DAY = int(os.environ.get("ANSINH_REASONS_DUE_DAY", "20"))
if not (1 <= CYCLE_DAY <= 28 and 1 <= REASONS_DUE_DAY <= 28):
    raise ValueError("ANSINH_CYCLE_DAY and ANSINH_REASONS_DUE_DAY are days 1 to 28")

DJANGO_TABLES2_TEMPLATE = "django_tables2/semantic.html"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
