"""Concord settings, read from environment variables only (documented in README.md).

Nothing here is machine-specific: the same code runs the embedded demo (SQLite under ``var/``) and a
production cluster (PostgreSQL, several web and worker processes), chosen by ``CONCORD_*`` variables.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from concord.config.paths import PACKAGE_DIR, var_dir

# Lets runtime code subscript Django generics (QuerySet[Model], forms) the way the type stubs do.
django_stubs_ext.monkeypatch()

BASE_DIR = PACKAGE_DIR
VAR_DIR = var_dir()


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean flag: 1/true/yes/on are true, 0/false/no/off are false."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


DEBUG = env_bool("CONCORD_DEBUG", False)
TESTING = env_bool("CONCORD_TESTING", False)

_secret = os.environ.get("CONCORD_SECRET_KEY", "")
if not _secret:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured(
            "CONCORD_SECRET_KEY is not set. Set it to a long random string "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set CONCORD_DEBUG=1 for local development."
        )
    _secret = "insecure-development-key-" + "x" * 40
SECRET_KEY = _secret

ALLOWED_HOSTS = env_list("CONCORD_ALLOWED_HOSTS", "127.0.0.1,localhost" if (DEBUG or TESTING) else "")
CSRF_TRUSTED_ORIGINS = env_list("CONCORD_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "ninja",  # serves the vendored Swagger UI assets for /api/v1/docs (no CDN)
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    # the kernel (imports no module)
    "concord.core.identity",
    "concord.core.audit",
    "concord.core.outbox",
    "concord.core.money",
    "concord.core.numbering",
    "concord.core.search",
    "concord.core.lists",
    "concord.core.dataio",
    "concord.core.documents",
    "concord.core.activities",
]
# Business modules (front office and back office), each a Django app under concord.modules.
MODULE_APPS: list[str] = [
    "concord.modules.parties",
    "concord.modules.catalog",
    "concord.modules.accounting",
    "concord.modules.inventory",
    "concord.modules.purchasing",
    "concord.modules.manufacturing",
    "concord.modules.crm",
    "concord.modules.sales",
    "concord.modules.knowledge",
    "concord.modules.helpdesk",
    "concord.modules.portal",
    "concord.modules.assistant",
]
INSTALLED_APPS += [
    *MODULE_APPS,
    "concord.demo",
    # Last on purpose: its ready() freezes the extension registry once every app has registered.
    "concord.core.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "concord.core.audit.context.AuditContextMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "concord.core.identity.otp_middleware.RequireVerifiedIfEnrolledMiddleware",
    "concord.core.identity.middleware.CompanyScopeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "concord.config.urls"
WSGI_APPLICATION = "concord.config.wsgi.application"

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
                "concord.core.web.context_processors.shell",
            ],
            "string_if_invalid": "",
        },
    },
]

# --------------------------------------------------------------------------- database
DEFAULT_DATABASE_URL = f"sqlite:///{VAR_DIR / 'concord.sqlite3'}"
DATABASE_URL = os.environ.get("CONCORD_DATABASE_URL", DEFAULT_DATABASE_URL)


def database_from_url(url: str) -> dict[str, Any]:
    """Turn CONCORD_DATABASE_URL into a Django DATABASES entry with Concord's engine options."""
    config: dict[str, Any] = dict(
        dj_database_url.parse(url, conn_max_age=env_int("CONCORD_DB_CONN_MAX_AGE", 0))
    )
    engine = config["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        # WAL lets readers run beside the single writer; IMMEDIATE transactions take the write lock
        # at BEGIN so two writers queue on busy_timeout instead of failing with "database is locked".
        config["OPTIONS"] = {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=NORMAL;"
                "PRAGMA busy_timeout=20000;"
                "PRAGMA foreign_keys=ON;"
            ),
        }
    elif engine == "django.db.backends.postgresql":
        config.setdefault("OPTIONS", {})
        config["CONN_HEALTH_CHECKS"] = True
    else:
        raise ImproperlyConfigured(
            f"CONCORD_DATABASE_URL: unsupported engine {engine!r} (use sqlite or postgresql)"
        )
    test_url = os.environ.get("CONCORD_TEST_DATABASE_NAME")
    if test_url:
        config["TEST"] = {"NAME": test_url}
    return config


DATABASES = {"default": database_from_url(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --------------------------------------------------------------------------- auth
AUTH_USER_MODEL = "identity.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "concord.core.identity.backends.RoleBackend",
]
LOGIN_URL = "identity:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "identity:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    # Hashing is deliberately slow in production; tests create hundreds of users.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Login throttling (django-axes): lock a username+IP pair after repeated failures.
AXES_FAILURE_LIMIT = env_int("CONCORD_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("CONCORD_LOGIN_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "identity/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLED = env_bool("CONCORD_LOGIN_THROTTLING", True)

OTP_TOTP_ISSUER = "Concord"

# --------------------------------------------------------------------------- i18n
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("th", _("Thai")), ("km", _("Khmer"))]
LOCALE_PATHS = [BASE_DIR / "core" / "web" / "locale"]
TIME_ZONE = os.environ.get("CONCORD_TIME_ZONE", "Asia/Bangkok")
USE_I18N = True
USE_TZ = True

# --------------------------------------------------------------------------- static and media
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("CONCORD_STATIC_ROOT", VAR_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("CONCORD_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if (DEBUG or TESTING)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Serve straight from the apps' static folders when collectstatic has not been run (demo, tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --------------------------------------------------------------------------- mail
EMAIL_BACKEND = os.environ.get(
    "CONCORD_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
# where the file-based backend (the demo's) writes each message, one file per message
EMAIL_FILE_PATH = os.environ.get("CONCORD_EMAIL_FILE_PATH", str(VAR_DIR / "sent-mail"))
EMAIL_HOST = os.environ.get("CONCORD_EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = env_int("CONCORD_EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("CONCORD_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("CONCORD_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("CONCORD_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("CONCORD_EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = os.environ.get("CONCORD_EMAIL_FROM", "Concord <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --------------------------------------------------------------------------- security
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
_https = env_bool("CONCORD_HTTPS", not (DEBUG or TESTING))
SESSION_COOKIE_SECURE = _https
CSRF_COOKIE_SECURE = _https
SECURE_SSL_REDIRECT = _https and env_bool("CONCORD_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("CONCORD_HSTS_SECONDS", 31536000 if _https else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _https
SECURE_HSTS_PRELOAD = _https
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("CONCORD_BEHIND_PROXY", False) else None
)

# --------------------------------------------------------------------------- cache
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if os.environ.get("CONCORD_REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["CONCORD_REDIS_URL"],
        }
    }

# --------------------------------------------------------------------------- outbox worker
# In the embedded default the web server drains the outbox in a thread; production runs `concord worker`.
CONCORD_INPROCESS_WORKER = env_bool("CONCORD_INPROCESS_WORKER", False)
CONCORD_OUTBOX_MAX_ATTEMPTS = env_int("CONCORD_OUTBOX_MAX_ATTEMPTS", 10)
CONCORD_OUTBOX_POLL_SECONDS = float(os.environ.get("CONCORD_OUTBOX_POLL_SECONDS", "1.0"))
# Deliver in-process right after commit as well (the worker remains the guarantee).
CONCORD_OUTBOX_DISPATCH_ON_COMMIT = env_bool("CONCORD_OUTBOX_DISPATCH_ON_COMMIT", True)

# --------------------------------------------------------------------------- background jobs
# Written once against the Django Tasks API (django-tasks backport): the database backend by default
# (`concord worker` / the demo's in-process worker run it), Redis/RQ for scale by settings alone.
TASKS = {"default": {"BACKEND": os.environ.get("CONCORD_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

# Uploads: refuse anything bigger before it reaches a parser (imports, images).
CONCORD_MAX_UPLOAD_BYTES = env_int("CONCORD_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = CONCORD_MAX_UPLOAD_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --------------------------------------------------------------------------- API
CONCORD_API_PAGE_SIZE = env_int("CONCORD_API_PAGE_SIZE", 50)
CONCORD_API_MAX_PAGE_SIZE = 500

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("CONCORD_LOG_LEVEL", "INFO")},
    # weasyprint.progress logs every rendering step at INFO
    "loggers": {"django.db.backends": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}},
}
