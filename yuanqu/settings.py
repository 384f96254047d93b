"""Settings for yuanqu: one module, configured by environment variables.

Defaults are safe for production (DEBUG off, secure cookies behind HTTPS). The embedded demo sets
``YUANQU_DEMO=1``, which turns DEBUG on and relaxes the HTTPS-only settings for http://127.0.0.1.
"""

from __future__ import annotations

import datetime as dt
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

# --- Production serving (issue 13): start-up validation, proxy trust, the web server ------------------------------
# Outside the demo, debugging and the tests, a bad setting stops the server at start with a message naming it.
PRODUCTION = not (DEMO or DEBUG or TESTING)
if PRODUCTION:
    from yuanqu.core.deployment import check_allowed_hosts, check_secret_key

    check_secret_key(SECRET_KEY)
ALLOWED_HOSTS = [h.strip() for h in os.environ.get(
    "ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost").split(",") if h.strip()]
if PRODUCTION:
    check_allowed_hosts(ALLOWED_HOSTS)
# The reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (addresses or CIDR networks);
# yuanqu.core.middleware.TrustedProxyMiddleware applies them, and `yuanqu serve` hands them to gunicorn.
from yuanqu.core.deployment import parse_trusted_proxies  # noqa: E402

TRUSTED_PROXIES = parse_trusted_proxies(os.environ.get("YUANQU_TRUSTED_PROXIES", "127.0.0.1,::1"))
# The scheme comes from the WSGI server and the middleware above, which check the peer; Django's own
# SECURE_PROXY_SSL_HEADER would believe the header from anyone.
SECURE_PROXY_SSL_HEADER = None
# The load balancer's probes answer over plain HTTP too (SECURE_SSL_REDIRECT would send them to https).
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# gunicorn: processes and threads per process (`yuanqu serve`, deploy/yuanqu-web.service).
WEB_WORKERS = int(os.environ.get("YUANQU_WEB_WORKERS", str(min(4, (os.cpu_count() or 1) * 2))))
WEB_THREADS = int(os.environ.get("YUANQU_WEB_THREADS", "4"))
WEB_TIMEOUT = int(os.environ.get("YUANQU_WEB_TIMEOUT", "120"))
# whitenoise pre-compresses static files (gzip and brotli) at collectstatic; source maps are for a developer's
# browser only, and compressing their megabytes took most of the collection's minute.
from whitenoise.compress import Compressor  # noqa: E402

WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]
# --- end of production serving --------------------------------------------------------------------------------------
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
    "yuanqu.innovation",
    "yuanqu.support",
    "yuanqu.figures",
    "yuanqu.policies",
    "yuanqu.chains",
    "yuanqu.evaluation",
    "yuanqu.ladder",
    "yuanqu.dashboards",
    "yuanqu.briefings",
    "yuanqu.intake",
    "yuanqu.tabular",
    "yuanqu.api",
    "yuanqu.site",
]

MIDDLEWARE = [
    "yuanqu.core.middleware.TrustedProxyMiddleware",  # first: the scheme and client address for all below
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "yuanqu.core.middleware.SessionRenewalMiddleware",  # the idle timeout, renewed by use
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "yuanqu.core.middleware.RequestContextMiddleware",
    "yuanqu.core.middleware.RefusalAuditMiddleware",  # audits views refused for the user's role
]

ROOT_URLCONF = "yuanqu.urls"
WSGI_APPLICATION = "yuanqu.wsgi.application"
ASGI_APPLICATION = "yuanqu.asgi.application"

# Selects write their options in Python, not a template per option (yuanqu/core/forms_renderer.py).
FORM_RENDERER = "yuanqu.core.forms_renderer.FastSelectRenderer"

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
OWNER_COMMANDS = frozenset({"migrate", "audit_archive", "flush", "createcachetable", "upgrade", "backup", "restore",
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
# Where `yuanqu backup` writes its archives when no --output is given (issue 13 item 4).
BACKUP_DIR = Path(os.environ.get("YUANQU_BACKUP_DIR", VAR_DIR / "backups"))
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
# --- identity and log-in security (等保三级 身份鉴别; issue 12 M6/M8): everything of it is in this block --------
INSTALLED_APPS += ["django_otp", "django_otp.plugins.otp_totp", "django_otp.plugins.otp_static", "axes"]
# django-otp marks the verified device right after authentication; the identity middleware then keeps a session
# on the second-factor and password pages until they are done; axes answers a lock-out last.
MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
                  "django_otp.middleware.OTPMiddleware")
MIDDLEWARE += ["yuanqu.accounts.middleware.IdentityMiddleware", "axes.middleware.AxesMiddleware"]
AUTH_PASSWORD_VALIDATORS.append({"NAME": "yuanqu.accounts.validators.PasswordHistoryValidator"})
# Lock-out (django-axes): failures are counted per user name + client address, so nobody can lock ``admin`` out
# from everywhere, and per address alone with a higher limit, so one address cannot try many user names.
LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
LOGIN_IP_MAX_FAILURES = int(os.environ.get("LOGIN_IP_MAX_FAILURES", "20"))
LOGIN_LOCK_MINUTES = int(os.environ.get("LOGIN_LOCK_MINUTES", "15"))
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_HANDLER = "yuanqu.accounts.lockout.LockoutHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_FAILURE_LIMIT = LOGIN_MAX_FAILURES
AXES_COOLOFF_TIME = dt.timedelta(minutes=LOGIN_LOCK_MINUTES)
AXES_CLIENT_IP_CALLABLE = "yuanqu.core.middleware.client_ip"
AXES_LOCKOUT_CALLABLE = "yuanqu.accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = False  # the handler resets the user + address pair only (never the address's count)
AXES_DISABLE_ACCESS_LOG = True  # successful log-ins are in the audit log
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
# Second factor (django-otp, TOTP) for these roles; the others may enrol from their security page.
OTP_REQUIRED_ROLES = [r.strip() for r in os.environ.get(
    "OTP_REQUIRED_ROLES", "region_admin,auditor,region_staff,leader").split(",") if r.strip()]
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "园区平台")
OTP_RECOVERY_CODES = 10
# Passwords expire after this many days (0 turns expiry off: OWASP ASVS 5.0 advises against expiry, 等保三级
# assessors ask for it); the last PASSWORD_HISTORY passwords cannot be used again.
PASSWORD_MAX_AGE_DAYS = int(os.environ.get("PASSWORD_MAX_AGE_DAYS", "90") or 0)
PASSWORD_HISTORY = int(os.environ.get("PASSWORD_HISTORY", "5"))
# Concurrent sessions per role, "role=n,…" (a role not named is unlimited); the newest log-in wins and the older
# sessions are ended (audited).
SESSION_LIMITS = {role.strip(): int(n) for role, _sep, n in (
    item.partition("=") for item in os.environ.get("SESSION_LIMITS", "region_admin=1,auditor=1").split(",")
    if "=" in item)}
# --- end of identity and log-in security ----------------------------------------------------------------------
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(30 * 60)))
# The idle timeout is renewed by use, written at most once a minute (core.middleware.SessionRenewalMiddleware),
# not on every request.
SESSION_RENEW_SECONDS = int(os.environ.get("SESSION_RENEW_SECONDS", "60"))
if not 0 <= SESSION_RENEW_SECONDS < SESSION_COOKIE_AGE:
    raise ImproperlyConfigured(
        f"SESSION_RENEW_SECONDS 应为 0 到 SESSION_COOKIE_AGE ({SESSION_COOKIE_AGE}) 之间的秒数 (SESSION_RENEW_SECONDS)")
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
]
# Third-party assets from npm, file by file: only what the templates load, with the source maps they name
# (a whole package directory would bring stylesheets that refer to images the package does not ship).
VENDOR_STATIC = [
    ("vendor/tabler/css", NODE_MODULES / "@tabler/core/dist/css",
     ["tabler.min.css", "tabler.min.css.map", "tabler-vendors.min.css", "tabler-vendors.min.css.map"]),
    ("vendor/tabler/js", NODE_MODULES / "@tabler/core/dist/js", ["tabler.min.js", "tabler.min.js.map"]),
    ("vendor/echarts", NODE_MODULES / "echarts/dist", ["echarts.min.js"]),
    # Tom Select for the searchable pickers, with its Bootstrap 5 theme; tabler-vendors adapts it to Tabler.
    ("vendor/tom-select/js", NODE_MODULES / "tom-select/dist/js",
     ["tom-select.complete.min.js", "tom-select.complete.min.js.map"]),
    ("vendor/tom-select/css", NODE_MODULES / "tom-select/dist/css",
     ["tom-select.bootstrap5.min.css", "tom-select.bootstrap5.min.css.map"]),
]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "yuanqu.core.staticfinders.VendorFinder",
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
# How many days after its commit an import batch may still be reverted (while nothing depends on its rows).
IMPORT_REVERT_DAYS = int(os.environ.get("IMPORT_REVERT_DAYS", "7"))
# The district this installation serves; the demo is Licang (370213).
YUANQU_REGION_CODE = os.environ.get("YUANQU_REGION_CODE", "370213")
YUANQU_REGION_LABEL = _("Park platform")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# ==== Browser security headers (issue 12: no stored XSS; CSP, Permissions-Policy, no-store) — one block ====
# Content-Security-Policy by django-csp: scripts only from this site's static files carrying the page's nonce
# (templates put nonce="{{ request.csp_nonce }}" on every <script>; none is inline, no handler attribute;
# 'self' keeps the API's Swagger page, which loads its own static files, working). Styles:
# style sheets from this site or with the nonce; style *attributes* stay allowed (style-src-attr), because
# ECharts' HTML tooltips and the progress bars size themselves with them; an attribute cannot run script.
# Everything else from this site only; nothing may frame the pages; forms post only here.
from csp import constants as _csp  # noqa: E402

INSTALLED_APPS.append("csp")

MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "csp.middleware.CSPMiddleware")
MIDDLEWARE.insert(MIDDLEWARE.index("csp.middleware.CSPMiddleware") + 1,
                  "django_permissions_policy.PermissionsPolicyMiddleware")
MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
                  "yuanqu.core.middleware.NoStoreWhenAuthenticatedMiddleware")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_csp.SELF],
        "script-src": [_csp.SELF, _csp.NONCE],
        "style-src": [_csp.SELF, _csp.NONCE],
        "style-src-attr": [_csp.UNSAFE_INLINE],
        "img-src": [_csp.SELF, "data:"],  # Tabler draws its check boxes and select arrows as data: SVG
        "font-src": [_csp.SELF],
        "connect-src": [_csp.SELF],
        "object-src": [_csp.NONE],
        "base-uri": [_csp.NONE],
        "frame-ancestors": [_csp.NONE],
        "form-action": [_csp.SELF],
        **({"report-uri": [os.environ["CSP_REPORT_URI"]]} if os.environ.get("CSP_REPORT_URI") else {}),
    },
}
# Permissions-Policy (django-permissions-policy): no page may use these browser powers.
PERMISSIONS_POLICY: dict[str, list[str]] = {feature: [] for feature in (
    "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media", "fullscreen", "geolocation",
    "gyroscope", "hid", "magnetometer", "microphone", "midi", "payment", "picture-in-picture", "screen-wake-lock",
    "serial", "usb", "xr-spatial-tracking",
)}
# ==== end of browser security headers ====
