"""Rapport settings: one file, every knob an environment variable with a safe default.

docs/administration.md ("Configuration") lists every variable read here.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


RAPPORT_ENV = env_str("RAPPORT_ENV", "development")
if RAPPORT_ENV not in ("development", "production", "test"):
    raise ImproperlyConfigured("RAPPORT_ENV must be development, production or test")
PRODUCTION = RAPPORT_ENV == "production"

VAR_DIR = Path(env_str("RAPPORT_VAR_DIR", str(BASE_DIR / "var")))


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        # Refuse to start: a generated key in production would log everyone out on each deploy.
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when RAPPORT_ENV=production (a long random string, e.g. "
            "`python3 -c 'import secrets; print(secrets.token_urlsafe(50))'`)"
        )
    # Development: generate once and keep it under var/ so sessions survive restarts.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", not PRODUCTION and RAPPORT_ENV != "test")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "localhost,127.0.0.1,[::1]")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when RAPPORT_ENV=production")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Links in e-mails (password reset, invitations) point here.
# Without SITE_URL, links use the address `rapport serve` / `make run` listen on (PORT).
SITE_URL = env_str("SITE_URL", f"http://127.0.0.1:{env_int('PORT', 8000)}").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # its widget templates, for FORM_RENDERER below
    "django_htmx",
    "csp",
    "ninja",
    "axes",
    "auditlog",
    "django_tasks",
    "django_tasks_db",
    "rapport.accounts",
    "rapport.projects",
    "rapport.stakeholders",
    "rapport.raci",
    "rapport.status",
    "rapport.comms",
    "rapport.promises",
    "rapport.estimates",
    "rapport.relations",
    "rapport.meetings",
    "rapport.education",
    "rapport.lessons",
    "rapport.experts",
    "rapport.satisfaction",
    "rapport.slas",
    "rapport.relationship",
    "rapport.api",
    "rapport.demo",
    "rapport.ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise, so static files stay cacheable: CSP, Permissions-Policy, no-store.
    "csp.middleware.CSPMiddleware",
    "rapport.lib.headers.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Dates and times print in the reader's locale (their browser's language), see LANGUAGES.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the messages middleware: it says on the sign-in page why the session ended.
    "rapport.accounts.session_timeout.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # A duplicate refused by the database becomes a 409 page, not a 500.
    "rapport.lib.middleware.ConflictMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "rapport.urls"
# Widgets render through our TEMPLATES, so rapport/templates/django/forms/ can word them for people
# (the empty choice reads "— choose —", not "---------").
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "rapport.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "rapport" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "rapport.accounts.context_processors.navigation",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'rapport.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # One writer at a time: each transaction takes the write lock when it begins (IMMEDIATE), so
    # a second writer waits its turn (up to SQLITE_BUSY_TIMEOUT seconds) rather than failing
    # halfway. WAL lets readers go on while someone writes; synchronous=NORMAL is safe with WAL
    # (a power cut may lose the last commits, never corrupt the file) and much faster than FULL.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": env_int("SQLITE_BUSY_TIMEOUT", 20),
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        }
    )
    if DATABASES["default"]["NAME"] != ":memory:":
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out login before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if RAPPORT_ENV == "test":
    # Tests create many users; a fast hash keeps the suite quick. Never used outside tests.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "project-list"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Login throttling (django-axes): after this many failures for one e-mail from one address,
# that pair is locked out for the cool-off period.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("LOGIN_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env_int("PROXY_COUNT", 0)

LANGUAGE_CODE = "en-gb"
# Rapport's text is English; the locale only chooses how dates and times read, from the
# browser's Accept-Language: "Nov 30, 2026, 9:00 AM" in the US, "30 Nov 2026, 09:00" elsewhere.
# A browser asking for another language gets LANGUAGE_CODE, never a half-translated page.
LANGUAGES = [
    ("en-gb", "English (United Kingdom)"),
    ("en", "English (United States)"),
    ("en-au", "English (Australia)"),
    ("en-ca", "English (Canada)"),
    ("en-ie", "English (Ireland)"),
]
# Rapport's own date formats per locale (rapport/formats/<locale>/formats.py): short month names
# and the same shapes in pages, e-mails and PDFs.
FORMAT_MODULE_PATH = ["rapport.formats"]
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Rapport's own assets (rapport/static/); apps' assets are found in each app.
STATICFILES_DIRS = [BASE_DIR / "rapport" / "static"]
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Outside production, serve static files straight from the apps (no collectstatic needed).
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# E-mail. Development keeps mail in the outbox page (/o/<org>/outbox/) unless EMAIL_HOST is set.
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION or os.environ.get("EMAIL_HOST")
    else "rapport.ops.outbox.OutboxBackend",
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Rapport <rapport@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background work: Django's Tasks API with the database backend; `rapport worker` runs them.
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Security. Production defaults are strict; a proxy that terminates TLS sets SECURE_PROXY_SSL_HEADER.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", PRODUCTION)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", PRODUCTION)
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Preloading is a per-domain commitment that is hard to undo, so it stays opt-in; until an operator
# opts in, Django's reminder about it (security.W021) would fail `check --deploy --fail-level WARNING`.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts only from Rapport's own static files, never
# inline. Inline styles stay allowed because the server-drawn SVG charts carry them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)
# Sessions end after SESSION_IDLE_TIMEOUT_MINUTES without a request, and at the latest
# SESSION_ABSOLUTE_TIMEOUT_HOURS after sign-in (rapport.accounts.session_timeout).
SESSION_IDLE_TIMEOUT_SECONDS = env_int("SESSION_IDLE_TIMEOUT_MINUTES", 8 * 60) * 60
SESSION_ABSOLUTE_TIMEOUT_SECONDS = env_int("SESSION_ABSOLUTE_TIMEOUT_HOURS", 24) * 3600
# How often a busy session records that it was seen (a session write): once a minute is plenty
# against an idle limit of hours.
SESSION_LAST_SEEN_RESOLUTION_SECONDS = 60
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT_SECONDS
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Audit history (django-auditlog): who changed what, before and after.
AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = True

PAGE_SIZE = env_int("PAGE_SIZE", 50)

# Report delivery (rapport.comms): attempts before a delivery is marked failed, the first retry
# delay (doubling each time), how long a worker may hold a delivery before another reclaims it,
# and the weekly communications per person above which the plan warns "probably too much".
RAPPORT_DELIVERY_MAX_ATTEMPTS = env_int("RAPPORT_DELIVERY_MAX_ATTEMPTS", 5)
RAPPORT_DELIVERY_BACKOFF_SECONDS = env_int("RAPPORT_DELIVERY_BACKOFF_SECONDS", 60)
RAPPORT_DELIVERY_LEASE_SECONDS = env_int("RAPPORT_DELIVERY_LEASE_SECONDS", 300)
RAPPORT_COMMS_LOAD_THRESHOLD = env_int("RAPPORT_COMMS_LOAD_THRESHOLD", 5)
# Key customers (power or interest 4+) with no interaction in this many weeks are listed.
RAPPORT_NOT_HEARD_FROM_WEEKS = env_int("RAPPORT_NOT_HEARD_FROM_WEEKS", 4)
# Days after which a stakeholder's portal comment nobody answered is listed as "without an answer".
RAPPORT_COMMENT_ANSWER_DAYS = env_int("RAPPORT_COMMENT_ANSWER_DAYS", 3)

# Largest spreadsheet (CSV/XLSX) an import accepts, in bytes; larger uploads are refused unread.
RAPPORT_IMPORT_MAX_BYTES = env_int("RAPPORT_IMPORT_MAX_BYTES", 10 * 1024 * 1024)
# An XLSX is checked before it is opened: it may unpack to at most this many bytes (parsing time
# and memory follow the unpacked size), compressed at most this ratio (rapport.lib.xlsx_guard).
RAPPORT_IMPORT_MAX_UNPACKED_BYTES = env_int("RAPPORT_IMPORT_MAX_UNPACKED_BYTES", 50 * 1024 * 1024)
RAPPORT_IMPORT_MAX_COMPRESSION_RATIO = env_int("RAPPORT_IMPORT_MAX_COMPRESSION_RATIO", 100)
# The import limit holds on every route: the JSON API sends files base64-encoded (4/3 larger),
# and Django refuses bodies above DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB by default) with a 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = RAPPORT_IMPORT_MAX_BYTES * 4 // 3 + 64 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "forbidden_without_traceback": {"()": "rapport.lib.log_filters.ForbiddenWithoutTraceback"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "django.request": {"filters": ["forbidden_without_traceback"]},
    },
}
