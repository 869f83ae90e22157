"""Sanshe settings: one module, configured only through environment variables (.env is read)."""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from apps.core.storage_url import storages_from_url
from marketplace.secret_key import secret_key_load

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
if (BASE_DIR / ".env").exists():
    env.read_env(str(BASE_DIR / ".env"))

DEBUG = env.bool("DJANGO_DEBUG", False)
# DJANGO_ENV=production: a deployment for real users. It refuses to start without a secret key and
# redirects HTTP to HTTPS; anything else is the embedded default (`make run`, tests).
DJANGO_ENV = env("DJANGO_ENV", default="embedded")
if DJANGO_ENV not in ("embedded", "production"):
    raise ImproperlyConfigured(f"DJANGO_ENV is {DJANGO_ENV!r}: use 'production' or leave it unset.")
PRODUCTION = DJANGO_ENV == "production"
# No public default key: DJANGO_SECRET_KEY, else a key file (generated with mode 0600 on the
# embedded default's first start; production refuses to start without either). See secret_key.py.
SECRET_KEY = secret_key_load(
    key=env("DJANGO_SECRET_KEY", default=""),
    key_file=env("DJANGO_SECRET_KEY_FILE", default=""),
    default_file=BASE_DIR / ".secret_key",
    production=PRODUCTION,
)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
]
THIRD_PARTY_APPS = [
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_celery_beat",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "js_lib_leaflet",  # Leaflet 1.9.4, vendored from PyPI (django-js-lib-leaflet): the maps, no CDN
]
LOCAL_APPS = [
    "apps.core",
    "apps.accounts",
    "apps.regions",
    "apps.organizations",
    "apps.workers",
    "apps.notifications",
    "apps.ledger",
    "apps.funds",
    "apps.bidding",
    "apps.projects",
    "apps.shifts",
    "apps.revenue",
    "apps.cooperatives",
    "apps.certification",
    "apps.dispatch",
    "apps.participation",
    "apps.expenses",
    "apps.fundreports",
    "apps.search",
    "apps.stats",
    "apps.opendata",
    "cms",
    "apps.portal",
    "apps.ops",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    # First: the request id (X-Request-ID) and the request metrics see every response (apps.ops).
    "apps.ops.logs.RequestIdMiddleware",
    "apps.ops.metrics.MetricsMiddleware",
    "apps.ops.outage.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "apps.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "apps.core.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Anonymous GETs read from the replica when DATABASE_REPLICA_URL is set (apps.ops.replica).
    "apps.ops.replica.ReplicaMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # A refused upload (full or read-only disk, object store down) is a 503, nothing half-saved.
    "apps.core.uploads.StorageFailureMiddleware",
    "apps.accounts.middleware.RequireMFAMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "marketplace.urls"
WSGI_APPLICATION = "marketplace.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.core.context_processors.site",
                "apps.notifications.context_processors.unread_notifications",
            ],
            "builtins": ["apps.core.templatetags.sanshe_format"],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Seconds a connection is kept between requests (0: one connection per request). A server process
# should keep it: a new PostgreSQL connection costs a backend process, and SQLite's page cache and
# FTS5 structures live in the connection.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL plus a busy timeout lets the dev server and in-process tasks share the file;
    # IMMEDIATE transactions take the write lock up front, so balance checks are serialised.
    # Reads go through a memory map of up to SQLITE_MMAP_MB (the OS page cache, shared by every
    # process) and a per-connection cache of SQLITE_CACHE_MB: with SQLite's 2 MB default, each
    # new connection read the search index's pages from the file again.
    _pragmas = [
        "journal_mode=WAL",
        f"mmap_size={env.int('SQLITE_MMAP_MB', default=512) * 1024 * 1024}",
        f"cache_size=-{env.int('SQLITE_CACHE_MB', default=32) * 1024}",
    ]
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": ";".join(f"PRAGMA {p}" for p in _pragmas)}
    )
# A read replica (PostgreSQL streaming replication): anonymous visitors' safe requests read public
# data from it; writes, signed-in users' reads, money and sealed proposals stay on the primary
# (apps.ops.replica; deploy/README.md, "Read replica"). Tests make it a mirror of the test database.
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = env.db_url_config(DATABASE_REPLICA_URL)
    DATABASES["replica"].update(
        {
            "ATOMIC_REQUESTS": False,
            "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
            "CONN_HEALTH_CHECKS": True,
            "TEST": {"MIRROR": "default"},
        }
    )
    if DATABASES["replica"]["ENGINE"] == "django.db.backends.postgresql":
        # a replica that does not answer costs 2 s once per REPLICA_RETRY_SECONDS, then the primary serves
        DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
DATABASE_ROUTERS = ["apps.ops.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "workspace"
LOGOUT_REDIRECT_URL = "/"

# django-allauth: sign-up with mandatory e-mail verification, TOTP for sensitive roles.
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
# Sign-in lockout: 5 failures per 15 minutes per client address and per account (username and
# e-mail count as one account; apps.accounts.adapter). The client address is the peer's, or with
# TRUSTED_PROXY_COUNT = N proxies in front, the Nth entry from the right of X-Forwarded-For.
ACCOUNT_RATE_LIMITS = {"login_failed": "5/15m/ip,5/15m/key"}
ACCOUNT_ADAPTER = "apps.accounts.adapter.AccountAdapter"
# A person signing up may choose their street and community and becomes its resident (#21).
ACCOUNT_SIGNUP_FORM_CLASS = "apps.accounts.forms.ResidentSignupForm"
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", 0)
# Resident reports (POST reports/, open to anyone): at most this many reports and joins an hour per
# client address (as TRUSTED_PROXY_COUNT finds it) and per e-mail; beyond, 429.
RESIDENT_REPORTS_PER_HOUR = env.int("RESIDENT_REPORTS_PER_HOUR", 10)
RESIDENT_REPORTS_PER_EMAIL_PER_HOUR = env.int("RESIDENT_REPORTS_PER_EMAIL_PER_HOUR", 5)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Sanshe"
SANSHE_MFA_ROLES = ("platform_staff", "reviewer", "fund_manager")
SANSHE_ENFORCE_MFA = env.bool("SANSHE_ENFORCE_MFA", True)
LOGIN_LOCKOUT_ATTEMPTS = env.int("LOGIN_LOCKOUT_ATTEMPTS", 5)
LOGIN_LOCKOUT_SECONDS = env.int("LOGIN_LOCKOUT_SECONDS", 15 * 60)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# locale_wagtail: Chinese for the Wagtail admin words its own zh_Hans catalog lacks (hand-made,
# after ours so that makemessages never writes there; LOCALE_PATHS win over the apps' catalogs).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_wagtail"]
TIME_ZONE = "Asia/Shanghai"
# Dates in page text (#20): 2026年12月4日 on zh pages, 4 Dec 2026 on en pages; templates use |date.
FORMAT_MODULE_PATH = ["marketplace.formats"]
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static_collected"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Front-end packages come from npm (package.json + package-lock.json, `make install` runs `npm ci`);
# only the folder a page needs is served, under a prefix, so nothing else in node_modules is. Without
# npm the folder is absent: the entry is left out (no staticfiles warning) and /shifts/mine/ keeps
# the code input without the in-page scanner (apps/shifts/views.py).
JSQR_DIST = BASE_DIR / "node_modules" / "jsqr" / "dist"
if (JSQR_DIST / "jsQR.js").is_file():
    STATICFILES_DIRS.append(("vendor/jsqr", JSQR_DIST))
MEDIA_URL = "/media/"
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "media"))
# Files only some users may see (proposal attachments, reports) live outside MEDIA_ROOT
# and are streamed by views that check access first.
PRIVATE_MEDIA_ROOT = env("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private_media"))
MAX_UPLOAD_BYTES = env.int("MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
# Static files: the production profile serves what `collectstatic` wrote, with a manifest (hashed
# names, cached for a year) and compressed copies (gzip, and brotli when installed), by whitenoise in
# the gunicorn processes. The embedded default (`make run`, tests) serves from the apps' folders as
# they are (no collectstatic step, no manifest to keep in step). STATIC_MANIFEST=true/false forces it.
STATIC_MANIFEST = env.bool("STATIC_MANIFEST", PRODUCTION and not DEBUG)
# Uploads: the folders above, or an S3-compatible bucket when STORAGE_URL is set
# (apps/core/storage_url.py; deploy/README.md, "Object storage"). "private" is the storage of every
# private FileField (apps.core.uploads.private_storage).
STORAGE_URL = env("STORAGE_URL", default="")
STORAGES = {
    **storages_from_url(STORAGE_URL),
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "whitenoise.storage.CompressedStaticFilesStorage"
    },
}
STATIC_ROOT = env("STATIC_ROOT", default=str(STATIC_ROOT))
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
WHITENOISE_AUTOREFRESH = DEBUG

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Sanshe <noreply@sanshe.local>")
SITE_ID = 1

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://sanshe")}

# Celery: with no broker configured, tasks run eagerly in the calling process. Celery still takes
# a producer from its broker for an eager task; the in-memory transport stands in for it (with no
# URL it built one for AMQP on localhost and logged "No hostname was supplied" on every command).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="") or "memory://localhost/"
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL.startswith("memory://")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
# A task whose worker dies mid-run goes back to the queue (tasks are idempotent: deploy/README.md),
# and a worker holds one message at a time, so a killed worker loses no prefetched message.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The worker logs through LOGGING below (JSON lines with the request id), not its own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A broker that stops answering (Redis hung, a failover, a dropped NAT entry) must not hold a
# request: without socket timeouts a publish waits forever on the dead connection, and with
# Celery's default retries a hung broker held it for 50 s. With these, a publish gives up within a
# few seconds (tests/ops/test_faults_redis.py); the outbox keeps the mails that could not be queued.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 3}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
# The Whoosh index has one writer: run `celery -A marketplace worker -Q search_writer --concurrency 1`.
CELERY_TASK_ROUTES = {"apps.search.tasks.whoosh_write": {"queue": "search_writer"}}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Beat runs each periodic job as its own task: marketplace/celery.py adds one entry per job of the
# registry (apps.core.jobs.beat_schedule) to what is listed here.
CELERY_BEAT_SCHEDULE: dict[str, dict] = {}

SEARCH_BACKEND = env("SEARCH_BACKEND", default="sqlite")
SEARCH_INDEX_DIR = env("SEARCH_INDEX_DIR", default=str(BASE_DIR / "search_index"))
# Whoosh stores token positions only when asked (no query of ours reads them; see whoosh.schema).
SEARCH_WHOOSH_PHRASES = env.bool("SEARCH_WHOOSH_PHRASES", default=False)

STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env("STRIPE_API_BASE", default="")
OCDS_OCID_PREFIX = env("OCDS_OCID_PREFIX", default="ocds-sanshe")
# Map tiles for the maps (report form, public report list, dispatch map): a URL template such as
# https://tiles.example.org/{z}/{x}/{y}.png. Empty (the default): no tile host is assumed reachable;
# the forms offer a grid picker and the dispatch map shows the grid view.
MAP_TILE_URL = env("MAP_TILE_URL", default="")
SITE_BASE_URL = env("SITE_BASE_URL", default="http://127.0.0.1:8000")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apps.accounts.authentication.BearerTokenAuthentication",
        "apps.accounts.authentication.MFASessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_PARSER_CLASSES": [
        "apps.core.parsers.DepthLimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "apps.core.api.StandardPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["apps.core.api.StrictFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "apps.core.schema.SansheAutoSchema",
    "EXCEPTION_HANDLER": "apps.core.api.exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
    "DATETIME_FORMAT": "iso-8601",
    # ISO 8601, as the schema's format says: strftime writes the year 413 as "413", not "0413".
    "DATE_FORMAT": "iso-8601",
    "TIME_FORMAT": "%H:%M",
    "TIME_INPUT_FORMATS": ["%H:%M", "iso-8601"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Sanshe API",
    "DESCRIPTION": (
        "三社联动 platform: needs, sealed bidding, service hours, community funds, certification.\n\n"
        "**References.** A request names a region (community, street, district, grid), a fund, an "
        "organization or a category by its id or by its code, whichever it has: a JSON integer is the id, "
        "a JSON string is the code (a region's `code`, a fund's or category's `code`, an organization's "
        "`credit_code`). A string is always read as a code, even when it is all digits as region codes "
        "are; a form (multipart) body carries only text, so there it is the code. A reference that names "
        'nothing is a 400 on its field (`{"community": ["No region has the code …"]}`). Every read '
        "gives both names: where a field `x` holds the id, `x_code` holds the code; where `x` has always "
        "held the code (needs, work orders, organizations' `region`, …), `x_id` holds the id; a list of "
        "categories (`skills`) adds `skill_ids`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "PREPROCESSING_HOOKS": ["apps.core.api.schema_only_public_api"],
    # One name per choice set used under several field names (`check --deploy` warned otherwise).
    "ENUM_NAME_OVERRIDES": {
        "WorkerLevelEnum": "apps.workers.models.SocialWorker.Level",
        "MilestoneStatusEnum": "apps.projects.models.Milestone.Status",
        "CertificateStatusEnum": "apps.certification.models.Certificate.Status",
        "WorkOrderStatusEnum": "apps.dispatch.models.WorkOrder.Status",
        "ObjectionStatusEnum": "apps.bidding.models.Objection.Status",
    },
}

WAGTAIL_SITE_NAME = "三社联动 Sanshe"
WAGTAILADMIN_BASE_URL = SITE_BASE_URL
# Avatars are the initials Wagtail draws itself: no address of a user is sent to gravatar.com.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_SERVE_METHOD = "serve_view"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# HTTPS: with debug off, HSTS (sent on HTTPS responses only) and Secure cookies (browsers accept
# them from http://127.0.0.1 and localhost, so `make run` signs in; serving plain HTTP to other
# machines needs DJANGO_SECURE_COOKIES=false). Production also redirects HTTP to HTTPS; behind a
# TLS-terminating proxy, name the header it sets (DJANGO_SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto)
# and make sure the proxy overwrites it.
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", PRODUCTION)
_proxy_ssl_header = env("DJANGO_SECURE_PROXY_SSL_HEADER", default="")
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_" + _proxy_ssl_header.upper().replace("-", "_"), "https") if _proxy_ssl_header else None
)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE

# Logs: JSON lines (time, level, logger, message, request_id, …) in production, readable text
# otherwise; LOG_FORMAT=json|text overrides. Every line carries the request id (apps.ops.logs).
LOG_FORMAT = env("LOG_FORMAT", default="json" if PRODUCTION else "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "apps.ops.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "apps.ops.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}

# /metrics (Prometheus): allowed with `Authorization: Bearer <METRICS_TOKEN>` or from an address in
# METRICS_ALLOWED_IPS (comma-separated addresses or networks); neither set: refused to everyone.
METRICS_TOKEN = env("METRICS_TOKEN", default="")
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=[])

# Sentry: errors (web and Celery) go to SENTRY_DSN when it is set; nothing is sent otherwise.
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        environment=env("SENTRY_ENVIRONMENT", default=DJANGO_ENV),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        send_default_pii=False,
    )
