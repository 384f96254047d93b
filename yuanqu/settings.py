"""Settings for yuanqu: one module, configured by environment variables.

Defaults are safe for production (DEBUG off, secure cookies behind HTTPS). The embedded demo sets
``YUANQU_DEMO=1``, which turns DEBUG on and relaxes the HTTPS-only settings for http://127.0.0.1.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("YUANQU_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    """Read a yes/no environment variable."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEMO = env_bool("YUANQU_DEMO")
DEBUG = env_bool("DEBUG", default=DEMO)
TESTING = env_bool("YUANQU_TESTING")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEMO or DEBUG or TESTING:
        # A per-installation key, generated once and kept under var/, so sessions survive restarts.
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file = VAR_DIR / "secret_key"
        if not key_file.exists():
            from django.core.management.utils import get_random_secret_key

            key_file.write_text(get_random_secret_key() + get_random_secret_key())
            key_file.chmod(0o600)
        SECRET_KEY = key_file.read_text().strip()
    else:
        raise ImproperlyConfigured("SECRET_KEY must be set outside the demo (环境变量 SECRET_KEY 未设置)")

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "yuanqu.core",
    "yuanqu.accounts",
    "yuanqu.parks",
    "yuanqu.enterprises",
    "yuanqu.investment",
    "yuanqu.stats",
    "yuanqu.figures",
    "yuanqu.dashboards",
    "yuanqu.briefings",
    "yuanqu.tabular",
    "yuanqu.api",
    "yuanqu.site",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "yuanqu.core.middleware.RequestContextMiddleware",
]

ROOT_URLCONF = "yuanqu.urls"
WSGI_APPLICATION = "yuanqu.wsgi.application"
ASGI_APPLICATION = "yuanqu.asgi.application"

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
                "django.template.context_processors.i18n",
                "yuanqu.site.context_processors.navigation",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'yuanqu.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web server and the task worker share the file.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")} if env_bool("YUANQU_E2E") else {}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- audit log and database roles (等保三级 安全审计; issue 12 M4 and issue 13 item 3) --------------------
# The application connects with DATABASE_URL, a role that may INSERT and SELECT audit rows but not UPDATE,
# DELETE or TRUNCATE them and has no DDL rights; migrations and the audit maintenance path run as the owner
# role in DATABASE_OWNER_URL (MIGRATE_DATABASE_URL is read as a synonym). See deploy/postgres-roles.sql.
DATABASE_OWNER_URL = os.environ.get("DATABASE_OWNER_URL", "") or os.environ.get("MIGRATE_DATABASE_URL", "")
#: Commands that change the schema or the audit log run as the owner when DATABASE_OWNER_URL is set.
OWNER_COMMANDS = frozenset({"migrate", "audit_archive", "flush", "createcachetable", "upgrade", "restore",
                            "demo", "load_reference"})
_command = sys.argv[1] if len(sys.argv) > 1 and Path(sys.argv[0]).name in {"yuanqu", "manage.py", "cli.py"} else ""
if DATABASE_OWNER_URL and (env_bool("YUANQU_DB_AS_OWNER") or _command in OWNER_COMMANDS):
    DATABASES["default"] = dj_database_url.parse(DATABASE_OWNER_URL, conn_max_age=0)
# The audit chain's HMAC key. Set it (and keep it: events hashed with another key fail verification) so that
# someone who can write to the database but not read this setting cannot recompute the chain.
AUDIT_CHAIN_KEY = os.environ.get("AUDIT_CHAIN_KEY", "")
# Audit events are kept at least 190 days (等保三级 / 网络安全法 第二十一条: 不少于六个月).
AUDIT_MIN_RETENTION_DAYS = 190
AUDIT_RETENTION_DAYS = int(os.environ.get("AUDIT_RETENTION_DAYS", str(AUDIT_MIN_RETENTION_DAYS)))
if AUDIT_RETENTION_DAYS < AUDIT_MIN_RETENTION_DAYS:
    raise ImproperlyConfigured(
        f"AUDIT_RETENTION_DAYS={AUDIT_RETENTION_DAYS} is below the minimum of {AUDIT_MIN_RETENTION_DAYS} days "
        f"(审计日志保存期限 AUDIT_RETENTION_DAYS 不得少于 {AUDIT_MIN_RETENTION_DAYS} 天)")
AUDIT_ARCHIVE_DIR = Path(os.environ.get("AUDIT_ARCHIVE_DIR", VAR_DIR / "audit-archive"))
# --- end of audit log and database roles ----------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is deliberately slow; the suite logs users in hundreds of times.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "yuanqu.accounts.validators.CharacterClassValidator"},
]
# 等保三级: lock an account after repeated failures, and end idle sessions.
LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
LOGIN_LOCK_MINUTES = int(os.environ.get("LOGIN_LOCK_MINUTES", "15"))
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(30 * 60)))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
NODE_MODULES = PROJECT_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",  # the project's own assets (yuanqu/ is not an installed app, so no app finder sees them)
    ("vendor/tabler/css", NODE_MODULES / "@tabler/core/dist/css"),
    ("vendor/tabler/js", NODE_MODULES / "@tabler/core/dist/js"),
    ("vendor/echarts", NODE_MODULES / "echarts/dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
if TESTING:
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Security: behind an HTTPS reverse proxy in production.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not (DEMO or DEBUG or TESTING):
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Spreadsheet import: the largest upload, and the limits a zip container must keep when unpacked.
TABULAR_MAX_UPLOAD_BYTES = int(os.environ.get("TABULAR_MAX_UPLOAD_MB", "20")) * 1024 * 1024
TABULAR_MAX_UNCOMPRESSED_BYTES = int(os.environ.get("TABULAR_MAX_UNCOMPRESSED_MB", "300")) * 1024 * 1024
TABULAR_MAX_ZIP_ENTRIES = int(os.environ.get("TABULAR_MAX_ZIP_ENTRIES", "1000"))
# Files above this size are checked and imported by the task worker, with a progress bar.
TABULAR_SYNC_MAX_BYTES = int(os.environ.get("TABULAR_SYNC_MAX_KB", "512")) * 1024
# The district this installation serves; the demo is Licang (370213).
YUANQU_REGION_CODE = os.environ.get("YUANQU_REGION_CODE", "370213")
YUANQU_REGION_LABEL = _("Park platform")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
