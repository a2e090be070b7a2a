"""Settings, read from the environment (docs/architecture.md "配置"; README "配置参考").

Every value that differs between a laptop and a production server comes from an environment
variable. Without any, the platform runs as a single-machine demo: SQLite under ``var/``, a secret
key and a data key generated once into ``var/`` (so restarts keep sessions and encrypted data
readable). Production sets ``DANGJIAN_ENV=production``, which refuses to start without real keys.

This is the only module that reads ``os.environ`` for a setting: the apps read ``django.conf.settings``,
and every variable is listed in the README's configuration table.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("DANGJIAN_VAR_DIR", BASE_DIR / "var"))
if os.environ.get("PYTEST_XDIST_WORKER"):
    # `make test` runs the suite in parallel processes (pytest-xdist): each keeps its keys, media,
    # exports and backups in a folder of its own, as each has a test database of its own.
    VAR_DIR = VAR_DIR / os.environ["PYTEST_XDIST_WORKER"]
VAR_DIR.mkdir(parents=True, exist_ok=True)

ENVIRONMENT = os.environ.get("DANGJIAN_ENV", "development")
PRODUCTION = ENVIRONMENT == "production"


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _key_from_env_or_file(env_name: str, file_name: str, nbytes: int) -> str:
    """A key from the environment; outside production, one kept in var/ and made on first use."""
    value = os.environ.get(env_name)
    if value:
        return value
    if PRODUCTION:
        raise RuntimeError(f"生产环境必须设置环境变量 {env_name}")
    path = VAR_DIR / file_name
    if not path.exists():
        path.write_text(secrets.token_hex(nbytes))
        path.chmod(0o600)
    return path.read_text().strip()


KEY_HELP = "可用 python3 -c 'import secrets; print(secrets.token_hex(32))' 生成"


def _checked_data_key(name: str, value: str) -> str:
    """A data key is 32 random bytes written as 64 hex digits: a short or typed-in value (``abc``)
    would be stretched into a key anyone could guess, so it is refused at start."""
    try:
        raw = bytes.fromhex(value)
    except ValueError:
        raw = b""
    if len(value) != 64 or len(raw) != 32:
        raise RuntimeError(f"{name} 必须是 64 位十六进制数字（32 字节随机数），当前值不符合；{KEY_HELP}")
    if len(set(raw)) < 8:
        raise RuntimeError(f"{name} 不是随机生成的（重复字节过多）；{KEY_HELP}")
    return value.lower()


def _checked_secret_key(value: str) -> str:
    if len(value) < 50 or len(set(value)) < 5:
        raise RuntimeError(f"DANGJIAN_SECRET_KEY 至少 50 个字符且应随机生成；{KEY_HELP}")
    return value


SECRET_KEY = _checked_secret_key(_key_from_env_or_file("DANGJIAN_SECRET_KEY", "secret.key", 32))
# 32 bytes, hex: the master key from which the SM4 data key and the blind-index key are derived.
DATA_KEY = _checked_data_key("DANGJIAN_DATA_KEY", _key_from_env_or_file("DANGJIAN_DATA_KEY", "data.key", 32))
# Decrypt-only keys (comma-separated) for the window of a key rotation: rows sealed by them stay
# readable and findable; new values are always sealed with DATA_KEY (``dangjian rotate_data_key``).
# Not format-checked: an old weak key must be readable here once, to rotate away from it.
# Where the data key came from: rotate_data_key tells the operator which of the two to change.
DATA_KEY_FROM_ENV = bool(os.environ.get("DANGJIAN_DATA_KEY"))
# The new key for ``dangjian rotate_data_key`` when no --new-key-file is given; empty otherwise.
NEW_DATA_KEY = os.environ.get("DANGJIAN_NEW_DATA_KEY", "").strip()
DATA_KEYS_EXTRA = [k.strip() for k in os.environ.get("DANGJIAN_DATA_KEYS_EXTRA", "").split(",") if k.strip()]
DEBUG = _env_bool("DANGJIAN_DEBUG", not PRODUCTION)
ALLOWED_HOSTS = [h for h in os.environ.get("DANGJIAN_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
# The reverse proxies in front of the application (addresses or networks, comma-separated). Only a
# request arriving from one of them has its X-Forwarded-For read for the client's address (audit
# log, login lockout); without this setting that header is ignored (core.context).
def _proxies(text: str) -> list[str]:
    import ipaddress

    proxies = [p.strip() for p in text.split(",") if p.strip()]
    for proxy in proxies:
        try:
            ipaddress.ip_network(proxy, strict=False)
        except ValueError as exc:
            raise RuntimeError(
                f"DANGJIAN_TRUSTED_PROXIES 中的“{proxy}”不是地址或网段（如 10.0.0.5 或 10.0.0.0/24）") from exc
    return proxies


TRUSTED_PROXIES = _proxies(os.environ.get("DANGJIAN_TRUSTED_PROXIES", ""))
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("DANGJIAN_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "dangjian.core",
    "dangjian.jobs",
    "dangjian.accounts",
    "dangjian.orgs",
    "dangjian.members",
    "dangjian.orglife",
    "dangjian.worklists",
    "dangjian.assessment",
    "dangjian.campaigns",
    "dangjian.dues",
    "dangjian.mobility",
    "dangjian.community",
    "dangjian.administration",
    "dangjian.appraisal",
    "dangjian.dashboard",
    "dangjian.twonew",
    "dangjian.learning",
    "dangjian.notices",
    "dangjian.recruitment",
    # After the feature apps: its demo data is their work as it stands once their demo records exist.
    "dangjian.inbox",
    "dangjian.home",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "dangjian.core.context.RequestContextMiddleware",
    "dangjian.core.apiguard.ApiErrorBodyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "dangjian.core.apiguard.JsonBodyLimitMiddleware",
    "dangjian.core.nulguard.NulCharacterMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "dangjian.core.replicas.ReplicaPinMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "dangjian.core.refusals.RefusalAuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "dangjian.core.middleware.NoStoreMiddleware",
    "dangjian.core.middleware.TryAgainLaterMiddleware",
    "dangjian.core.middleware.SecurityHeadersMiddleware",
    "dangjian.accounts.middleware.SessionLimitMiddleware",
    "dangjian.accounts.middleware.PasswordChangeRequiredMiddleware",
]

ROOT_URLCONF = "dangjian.urls"
WSGI_APPLICATION = "dangjian.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "dangjian" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dangjian.inbox.context.inbox_count",
                "dangjian.home.navigation.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'dangjian.sqlite3'}",
        conn_max_age=int(os.environ.get("DANGJIAN_DB_CONN_MAX_AGE", "60")),
    )
}
# Read replicas (docs/scaling.md): one or more PostgreSQL streaming replicas, comma-separated, become
# the aliases "replica", "replica2", …; reports, statistics, dashboards and exports read there inside
# ``core.replicas.reading()``. A session that wrote reads from the primary until a replica has replayed
# its write, at most this many seconds (the cookie's lifetime).
REPLICA_URLS = [u.strip() for u in os.environ.get("DANGJIAN_REPLICA_URL", "").split(",") if u.strip()]
REPLICA_PIN_SECONDS = int(os.environ.get("DANGJIAN_REPLICA_PIN_SECONDS", "300"))
if REPLICA_URLS and "postgresql" not in DATABASES["default"]["ENGINE"]:
    raise RuntimeError("DANGJIAN_REPLICA_URL（只读副本）只用于 PostgreSQL：DATABASE_URL 也必须是 postgres://…")
REPLICA_ALIASES = ["replica" if i == 1 else f"replica{i}" for i in range(1, len(REPLICA_URLS) + 1)]
for _alias, _url in zip(REPLICA_ALIASES, REPLICA_URLS, strict=True):
    DATABASES[_alias] = dj_database_url.parse(_url, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"])
    # the test runner makes no database on a read-only server: in tests the alias mirrors "default"
    DATABASES[_alias]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["dangjian.core.replicas.ReplicaRouter"]
# pgbouncer in transaction mode (docs/scaling.md): a server connection serves a client for one
# transaction only, so no server-side cursors (they outlive the transaction of .iterator()); Django
# already disables psycopg's prepared statements, and the code sets nothing beyond a transaction
# (SET LOCAL, pg_advisory_xact_lock).
PGBOUNCER = _env_bool("DANGJIAN_PGBOUNCER", False)
if PGBOUNCER:
    for _db in DATABASES.values():
        _db["DISABLE_SERVER_SIDE_CURSORS"] = True
# The shared cache: subtree summaries (dangjian/core/summaries.py) are computed once for every
# worker and user. The database cache needs nothing beyond the database (the offline PC); Redis,
# when given, through Django's own RedisCache.
REDIS_URL = os.environ.get("DANGJIAN_REDIS_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL else
    {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "dangjian_cache",
     "OPTIONS": {"MAX_ENTRIES": 20000}},
}
CACHES["shared"] = CACHES["default"]
# How long a subtree summary is served before it is recomputed (seconds); pages show its time.
SUMMARY_SECONDS = int(os.environ.get("DANGJIAN_SUMMARY_SECONDS", "300"))
# 双报到: the yearly service hours a reporting member is expected to give the community (0 = no expectation)
COMMUNITY_YEARLY_HOURS = int(os.environ.get("DANGJIAN_COMMUNITY_YEARLY_HOURS", "12"))

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer writes; IMMEDIATE transactions serialise writers up
    # front instead of failing half-way with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "dangjian.accounts.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    # Refuses the last PASSWORD_HISTORY passwords, and records each new one (its hash) when set.
    {"NAME": "dangjian.accounts.validators.PasswordHistoryValidator"},
]
# A password must be changed this many days after it was set (0: never); the last N passwords may
# not be reused (0: no history kept).
PASSWORD_MAX_AGE_DAYS = int(os.environ.get("DANGJIAN_PASSWORD_MAX_AGE_DAYS", "90"))
PASSWORD_HISTORY = int(os.environ.get("DANGJIAN_PASSWORD_HISTORY", "5"))
# TOTP second factor: always required of the 三员 (AdminDuty holders), also of users holding one of
# these roles (comma-separated Role values, e.g. "superior_admin"); optional for everyone else.
TOTP_REQUIRED_ROLES = [r.strip() for r in os.environ.get("DANGJIAN_TOTP_REQUIRED_ROLES", "").split(",") if r.strip()]
OTP_TOTP_ISSUER = os.environ.get("DANGJIAN_TOTP_ISSUER", "党建工作平台")
# Failed codes count toward the login lockout (5 failures, 30 minutes) instead of django-otp's own
# per-device delay, so one rule governs both factors.
OTP_TOTP_THROTTLE_FACTOR = 0
# The audit log is kept at least this many days; ``dangjian audit-archive`` moves older rows to
# compressed, hash-verified archive files under var/audit-archive/ (never younger ones).
AUDIT_RETENTION_DAYS = int(os.environ.get("DANGJIAN_AUDIT_RETENTION_DAYS", "180"))
# API tokens expire this many days after they are issued (``dangjian api-token --days`` may ask for
# fewer, never more).
API_TOKEN_DAYS = int(os.environ.get("DANGJIAN_API_TOKEN_DAYS", "90"))
LOGIN_URL = "accounts:login"
# Usernames are matched in their normal form (NFKC, case-folded): accounts/usernames.py.
AUTHENTICATION_BACKENDS = ["dangjian.accounts.backends.NormalisedUsernameBackend"]
LOGIN_REDIRECT_URL = "home:home"
LOGOUT_REDIRECT_URL = "accounts:login"
# Idle timeout: the session expires this long after the last request (each request renews it).
SESSION_COOKIE_AGE = int(os.environ.get("DANGJIAN_SESSION_IDLE_SECONDS", str(30 * 60)))
# renewed at most once a minute by accounts.middleware.SessionLimitMiddleware, not written on every request
SESSION_SAVE_EVERY_REQUEST = False
# Absolute limit: however active, a session ends this long after login.
SESSION_MAX_SECONDS = int(os.environ.get("DANGJIAN_SESSION_MAX_SECONDS", str(8 * 3600)))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (core.middleware.SecurityHeadersMiddleware): scripts and styles only from
# the platform's own static files, never inline; nothing may frame the pages.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
if PRODUCTION:
    SECURE_SSL_REDIRECT = _env_bool("DANGJIAN_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("DANGJIAN_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = os.environ.get("DANGJIAN_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "dangjian" / "static"]
# Front-end libraries installed by npm (package.json) are served by the application itself:
# deployments are offline, so nothing comes from a CDN.
NODE_MODULES = BASE_DIR / "node_modules"
if NODE_MODULES.exists():
    STATICFILES_DIRS.append(("vendor", NODE_MODULES))
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_ROOT = VAR_DIR / "media"

# Background jobs (exports, imports, scans, daily reminders): Django's tasks API through the
# django-tasks backport, queued in a table of this same database, so a single PC needs no other
# server. ``dangjian worker`` runs them (started beside the web server by ``make demo``/``make serve``).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Optional e-mail copies of 待办 (inbox) items through an SMTP server of the deployment's own. Off
# unless DANGJIAN_EMAIL_HOST is set: without it nothing leaves the machine.
EMAIL_HOST = os.environ.get("DANGJIAN_EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("DANGJIAN_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DANGJIAN_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DANGJIAN_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("DANGJIAN_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DANGJIAN_EMAIL_FROM", "dangjian@localhost")
INBOX_EMAIL = bool(EMAIL_HOST)

# Largest upload accepted (Excel imports, documents), in bytes.
MAX_UPLOAD_BYTES = int(os.environ.get("DANGJIAN_MAX_UPLOAD_BYTES", str(50 * 1024 * 1024)))

# Rate limits, "count/seconds", counted per user and per source address (core/ratelimit.py) in the
# shared cache below: lookups and registrations by ID or phone number (a refusal says the number
# exists), imports, and login attempts (besides the per-account lockout).
RATE_LIMIT_ID_LOOKUPS = os.environ.get("DANGJIAN_RATE_LIMIT_ID_LOOKUPS", "60/600")
RATE_LIMIT_IMPORTS = os.environ.get("DANGJIAN_RATE_LIMIT_IMPORTS", "30/3600")
RATE_LIMIT_LOGINS = os.environ.get("DANGJIAN_RATE_LIMIT_LOGINS", "30/600")
# The limits count in the shared cache above (CACHES["shared"], the same store as the summaries), so a
# limit holds across gunicorn workers; its table is made after each migrate by core.apps.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# JSON request bodies (the API): refused above this size (413) or nesting depth (422) before parsing.
API_MAX_JSON_BYTES = int(os.environ.get("DANGJIAN_API_MAX_JSON_BYTES", str(1024 * 1024)))
API_MAX_JSON_DEPTH = int(os.environ.get("DANGJIAN_API_MAX_JSON_DEPTH", "32"))
# Organisational life (orglife/conf.py reads these): days after a meeting when its record locks
# (later changes are amendments with a reason), days after which an entry counts as 补录, days
# without activity that make a branch 静默, and the largest attachment in bytes.
ORGLIFE_LOCK_DAYS = int(os.environ.get("DANGJIAN_ORGLIFE_LOCK_DAYS", "30"))
ORGLIFE_LATE_ENTRY_DAYS = int(os.environ.get("DANGJIAN_ORGLIFE_LATE_ENTRY_DAYS", "7"))
ORGLIFE_SILENT_DAYS = int(os.environ.get("DANGJIAN_ORGLIFE_SILENT_DAYS", "30"))
ORGLIFE_MAX_ATTACHMENT_BYTES = int(os.environ.get("DANGJIAN_ORGLIFE_MAX_ATTACHMENT_BYTES", str(10 * 1024 * 1024)))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DANGJIAN_LOG_LEVEL", "WARNING")},
}

# The compliance report's covering index (orglife.Meeting) carries INCLUDE columns on PostgreSQL;
# SQLite builds it as a plain index, which is all a small embedded installation needs.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
