"""pdplatform settings: one module, every value read from the environment with its default.

With nothing set you get the embedded default (SQLite file, Celery tasks run eagerly, mail
printed to the console) so `make run` needs nothing installed. Production differs only by
environment values: DJANGO_ENV=production, DATABASE_URL, CELERY_BROKER_URL, REDIS_URL, EMAIL_URL...

One file: one settings module that reads the environment is the project's rule (STYLE.md 7); split into
parts, it would become the settings chain this design avoids.
"""

import os
from pathlib import Path

import dj_database_url
import dj_email_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DJANGO_ENV = env("DJANGO_ENV", "development")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env_bool("DJANGO_DEBUG", not PRODUCTION)
SECRET_KEY = env(
    "DJANGO_SECRET_KEY", "" if PRODUCTION else "dev-only-secret-key-change-me-in-production-0123456789"
)
if PRODUCTION and len(SECRET_KEY) < 50:
    raise RuntimeError("DJANGO_SECRET_KEY must be set to at least 50 random characters in production.")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "" if PRODUCTION else "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")
SITE_NAME = env("SITE_NAME", "pdplatform")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sites",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "simple_history",
    "csp",
    "core",
    "pdplatform",
    "accounts",
    "notifications",
    "courses",
    "cohorts",
    "surveys",
    "communities",
    "mentoring",
    "pdplatform.reports",
]

MIDDLEWARE = [
    "pdplatform.middleware.ServerTimingMiddleware",
    # a database or Redis outage raised in a view answers 503 with Retry-After (core/unavailable.py)
    "core.unavailable.ServiceUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.PreferredLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.SuperuserAdminMFAMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
]

# Anonymous visitors' catalogue and course pages are served from the cache for this long (0: off).
PUBLIC_PAGE_CACHE_SECONDS = int(env("PUBLIC_PAGE_CACHE_SECONDS", "60"))
# Signed-in people's busiest pages (cabinet, course player, review queue, reports) keep their rendered
# content this long, dropped at once by any change to the rows they show (each app's scopes.py, core/caching.py; 0: off).
PERSONAL_PAGE_CACHE_SECONDS = int(env("PERSONAL_PAGE_CACHE_SECONDS", "60"))

# Server-Timing header with each response's SQL query count and time (bench/run turns it on).
SERVER_TIMING = env_bool("SERVER_TIMING", False)

# Django's form rendering with <select> built in Python (one template per option was slow).
FORM_RENDERER = "core.renderers.FastSelectRenderer"

ROOT_URLCONF = "pdplatform.urls"
WSGI_APPLICATION = "pdplatform.wsgi.application"
ASGI_APPLICATION = "pdplatform.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pdplatform.context_processors.navigation",
                "notifications.context_processors.unread_count",
                "communities.context_processors.unread_topics",
            ],
        },
    },
]

# --- Database: SQLite file by default, PostgreSQL via DATABASE_URL -------------------------
# PostgreSQL through psycopg 3. DATABASE_POOL_SIZE > 0 turns on Django's connection pool (one per
# process, up to that many connections; persistent connections are then off, as Django requires):
# use it where a process serves several threads or many short requests (gunicorn in compose).
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DATABASE_POOL_SIZE = int(env("DATABASE_POOL_SIZE", "0"))
if DATABASE_POOL_SIZE and DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": DATABASE_POOL_SIZE,
        "timeout": int(env("DATABASE_POOL_TIMEOUT", "10")),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: Redis when REDIS_URL is set (shared by all processes), else local memory --------
REDIS_URL = env("REDIS_URL")


def redis_cache(url: str) -> dict:
    """The shared cache on Redis. An outage of it is not an outage of the site: an operation that cannot
    reach Redis within a second is logged and behaves as a miss (core/redis_cache.py, docs/decisions/0151)."""
    return {
        "BACKEND": "core.redis_cache.FailSafeRedisCache",
        "LOCATION": url,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1, "FAILURE_PAUSE": 5},
    }


if REDIS_URL:
    CACHES = {"default": redis_cache(REDIS_URL)}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if PRODUCTION and not REDIS_URL:
    # A process-local cache would keep page-cache renewals, rate limits and sessions in one process
    # while gunicorn and the workers are several: refuse to start rather than serve stale pages.
    raise ImproperlyConfigured(
        "DJANGO_ENV=production needs REDIS_URL: the cache must be shared by all processes."
    )
# Sessions live in the database only: a page needs no Redis to know who is signed in, and a sign-out
# made while Redis is down cannot come back from a cached copy when it returns (docs/decisions/0151).
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Accounts --------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SITE_ID = 1
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "cabinet"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupExtraForm"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
# Nobody learns from a page whether an address has an account: password reset shows the same "sent"
# page for any address (an unknown one gets a mail saying there is no account there), and sign-up with
# a used address shows the usual "confirm your address" page while its owner gets a mail about it.
# With mandatory verification True behaves at sign-up as "strict" does, and keeps addresses unique.
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[pdplatform] "
# Per-user write limits (core/ratelimit.py): action=COUNT/PERIOD, PERIOD one of s, m, h, d (e.g. 5/10m).
RATE_LIMITS = env(
    "PDP_RATE_LIMITS",
    "preview=30/m,post=10/m,topic=5/m,question=5/m,material=5/m,upload=20/h,api_anon=60/m,api_user=600/m,"
    "report=5/m,draft=60/m,reaction=60/m,mention=120/m,badge_verify=20/m,school_move=5/h,api_token=5/m",
)
# How long (hours) authors may edit their own forum posts; moderators always may (communities.services).
COMMUNITIES_EDIT_WINDOW_HOURS = int(env("COMMUNITIES_EDIT_WINDOW_HOURS", "24"))
ACCOUNT_RATE_LIMITS = {
    "login_failed": env("LOGIN_RATE_LIMIT", "10/m/ip,5/5m/key"),
}
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
# Second factor (allauth.mfa): an authenticator app (TOTP) with recovery codes, optional for anyone
# at /accounts/2fa/; staff sign in to the admin through allauth (pdplatform/urls.py), so it holds there.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "pdplatform"
# Superusers reach the admin only once they have an authenticator (accounts/middleware.py).
ADMIN_REQUIRE_MFA_FOR_SUPERUSERS = env_bool("ADMIN_REQUIRE_MFA_FOR_SUPERUSERS", PRODUCTION)

# --- Internationalisation --------------------------------------------------------------------
# Russian first: the site's default language; a person's own language is stored at sign-up (core/i18n.py).
LANGUAGE_CODE = env("DJANGO_LANGUAGE_CODE", "ru")
LANGUAGES = [("ru", _("Russian")), ("uk", _("Ukrainian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", "Europe/Moscow")
USE_I18N = True
USE_TZ = True

# --- Static and media files (Django storage everywhere) ------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
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
# Media in an S3-compatible bucket (decision 0361): s3://key:secret@host:port/bucket with the options
# region=…, secure=0 (plain http, e.g. MinIO on the compose network), expire=seconds a signed download URL
# lives (300), public_endpoint=http://host:port (the address browsers reach the store at, when the servers
# reach it at another one), connect_timeout=seconds (3). Empty: files in MEDIA_ROOT on the local disk.
STORAGE_URL = env("STORAGE_URL")
STORAGE_ORIGIN = ""  # where browsers fetch signed URLs from; added to the CSP's img-src and media-src
if STORAGE_URL:
    from core.storage import storage_origin, storage_settings

    STORAGES["default"] = {"BACKEND": "core.storage.ObjectStorage", "OPTIONS": storage_settings(STORAGE_URL)}
    STORAGE_ORIGIN = storage_origin(STORAGE_URL)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Private files leave through views that authorize the request (core/files.py). Set to nginx's internal
# location (deploy/nginx.conf: /protected-files/) and the view answers with X-Accel-Redirect for nginx
# to send the bytes; empty: Django streams the file itself.
FILES_ACCEL_REDIRECT_PREFIX = env("FILES_ACCEL_REDIRECT_PREFIX", "")
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Mail: console by default, EMAIL_URL (smtp://user:pass@host:port) for real mail --------
EMAIL_URL = env("EMAIL_URL")
if EMAIL_URL:
    vars().update(dj_email_url.parse(EMAIL_URL))
else:
    EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# Only for EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend (tests count a worker's mail there).
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", str(BASE_DIR / "tmp" / "mail"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "pdplatform <noreply@pdplatform.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery: eager without a broker, Redis via CELERY_BROKER_URL --------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", CELERY_BROKER_URL or None) or None
# Reliability (tasks are idempotent, so running one twice is harmless; losing one is not):
# ack after the task ran; a task whose worker process died is rejected and redelivered; each
# process reserves one message at a time, so a long task does not hold others hostage.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis redelivers an unacknowledged message after the visibility timeout, so it must be longer
# than the longest task (the hard time limit below) and the longest retry countdown (10 min).
CELERY_TASK_TIME_LIMIT = int(env("CELERY_TASK_TIME_LIMIT", "1800"))
CELERY_TASK_SOFT_TIME_LIMIT = int(env("CELERY_TASK_SOFT_TIME_LIMIT", str(CELERY_TASK_TIME_LIMIT - 60)))
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": int(env("CELERY_VISIBILITY_TIMEOUT", "3600"))}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None  # a Redis restart or outage: keep reconnecting, never exit
# A late-ack task running when the broker connection drops cannot be acked any more; it is
# cancelled and redelivered instead of finishing and running again (Celery 6 default).
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_TASK_DEFAULT_QUEUE = "default"
# Certificates and exports go to "heavy", and fan-outs to many people (announcements, forum posts,
# digests) to "bulk", so reminders and mail on "default" never wait behind them. Every worker command
# (Makefile, docker-compose.yml, .ci/run, bench/run) consumes exactly CELERY_WORKER_QUEUES; a test holds it.
# Globs (fnmatch) on task names.
CELERY_WORKER_QUEUES = "default,heavy,bulk"
CELERY_TASK_ROUTES = {
    "cohorts.tasks.announcement_notify": {"queue": "bulk"},
    "communities.tasks.post_notify": {"queue": "bulk"},
    "notifications.tasks.send_digest": {"queue": "bulk"},
    "notifications.tasks.send_digests": {"queue": "bulk"},
    "cohorts.certificates.tasks.*": {"queue": "heavy"},
    "cohorts.tasks.certificate*": {"queue": "heavy"},
    "cohorts.tasks.*certificates*": {"queue": "heavy"},
    "*.tasks.export*": {"queue": "heavy"},
}
CELERY_TIMEZONE = TIME_ZONE
# One beat (docs/decisions/0362-one-beat.md): celery-redbeat keeps the schedule and a leader lock in Redis;
# any number of `celery beat` may run, one sends (it renews the lock each tick, at most every
# PDP_BEAT_MAX_INTERVAL seconds) and the others wait; a dead leader's lock expires after
# PDP_BEAT_LOCK_TIMEOUT seconds and a waiting beat takes over. /healthz?role=worker answers 503 when the
# last tick is older than PDP_BEAT_STUCK_AFTER seconds.
CELERY_BEAT_SCHEDULER = "pdplatform.beat:LeaderScheduler"
CELERY_REDBEAT_REDIS_URL = CELERY_BROKER_URL or None
CELERY_REDBEAT_REDIS_OPTIONS: dict = {}
CELERY_BEAT_MAX_LOOP_INTERVAL = int(env("PDP_BEAT_MAX_INTERVAL", "5"))
CELERY_REDBEAT_LOCK_TIMEOUT = int(env("PDP_BEAT_LOCK_TIMEOUT", "30"))
PDP_BEAT_STUCK_AFTER = int(env("PDP_BEAT_STUCK_AFTER", "300"))
# Unfinished background work (docs/decisions/0201-batch-resume-sweep.md): a certificate batch, bulk
# operation or export with no progress for PDP_STALLED_AFTER seconds shows "stalled, resuming" and the
# sweep (every PDP_RESUME_SWEEP_MINUTES) queues what is left again; the visibility timeout above stays
# global (the Redis transport has no per-queue one) and is only the late backstop.
PDP_STALLED_AFTER = int(env("PDP_STALLED_AFTER", "300"))
PDP_RESUME_SWEEP_MINUTES = int(env("PDP_RESUME_SWEEP_MINUTES", "2"))
# Files under the private media folders that no row points to are removed once older than this.
PDP_ORPHAN_FILES_AFTER = int(env("PDP_ORPHAN_FILES_AFTER", "3600"))
CELERY_BEAT_SCHEDULE: dict = {
    "healthcheck-heartbeat": {
        "task": "pdplatform.tasks.heartbeat",
        "schedule": crontab(minute="*/30"),
    },
    "cohorts-quiz-close-expired": {
        "task": "cohorts.tasks.quiz_close_expired",
        "schedule": crontab(minute="*/5"),
    },
    "cohorts-expire-offers": {
        "task": "cohorts.tasks.expire_offers",
        "schedule": crontab(minute="*/10"),
    },
    "cohorts-deadline-reminders": {
        "task": "notifications.tasks.reminder_sweep",
        "schedule": crontab(minute=5),
        "args": ["cohorts.reminders.deadline_soon"],
    },
    "cohorts-curator-escalation": {
        "task": "notifications.tasks.reminder_sweep",
        "schedule": crontab(minute="*/15"),
        "args": ["cohorts.reminders.curator_escalation"],
    },
    "cohorts-methodologist-escalation": {
        "task": "notifications.tasks.reminder_sweep",
        "schedule": crontab(minute="7-59/15"),
        "args": ["cohorts.reminders.methodologist_escalation"],
    },
    "cohorts-announcement-unconfirmed": {
        "task": "notifications.tasks.reminder_sweep",
        "schedule": crontab(minute=20),
        "args": ["cohorts.reminders.announcement_unconfirmed"],
    },
    "cohorts-announcement-unconfirmed-school-admins": {
        "task": "notifications.tasks.reminder_sweep",
        "schedule": crontab(minute=25),
        "args": ["cohorts.reminders.announcement_unconfirmed_school_admins"],
    },
    "surveys-feedback-reminders": {
        "task": "notifications.tasks.reminder_sweep",
        "schedule": crontab(minute=35),
        "args": ["surveys.reminders.feedback_survey_due"],
    },
    "surveys-reminders": {
        "task": "notifications.tasks.reminder_sweep",
        "schedule": crontab(minute=40),
        "args": ["surveys.reminders.survey_reminder_due"],
    },
    "notifications-daily-digest": {
        "task": "notifications.tasks.send_digests",
        "schedule": crontab(hour=int(env("NOTIFICATIONS_DIGEST_HOUR", "7")), minute=0),
    },
    "notifications-recover-pending": {
        "task": "notifications.tasks.recover_pending",
        "schedule": crontab(minute="*/5"),
    },
    "mentoring-feedback-reminders": {
        "task": "mentoring.tasks.feedback_reminders",
        "schedule": crontab(hour=8, minute=30),
    },
    "communities-event-reminders": {
        "task": "notifications.tasks.reminder_sweep",
        "schedule": crontab(minute="*/5"),
        "args": ["communities.reminders.event_reminders_due"],
    },
    "communities-cohort-sync": {
        "task": "communities.tasks.cohort_communities_sync",
        "schedule": crontab(minute="*/15"),
    },
    "pdplatform-unfinished-work-resume": {
        "task": "pdplatform.tasks.unfinished_work_resume",
        "schedule": crontab(minute=f"*/{PDP_RESUME_SWEEP_MINUTES}"),
    },
    "pdplatform-media-orphans-remove": {
        "task": "pdplatform.tasks.media_orphans_remove",
        "schedule": crontab(minute=45),
    },
}

# --- API -----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: its `WWW-Authenticate: Token` header makes a missing or bad credential a 401, not a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api_auth.TokenAuthentication",  # people's own tokens + their language (accounts/api_auth.py)
        "rest_framework.authentication.SessionAuthentication",
    ],
    # api_anon per client address, api_user per person, from PDP_RATE_LIMITS (core/api_limits.py).
    "DEFAULT_THROTTLE_CLASSES": ["core.api_limits.ApiRateLimit"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api_errors.exception_handler",  # + 429 for writes past PDP_RATE_LIMITS
    "DEFAULT_PAGINATION_CLASS": "core.pagination.ApiPagination",  # refuses a bad page or page_size
    "PAGE_SIZE": 20,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "pdplatform API",
    "DESCRIPTION": "Teachers' professional development platform",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Every operation documents the error answers it can give, in the one error shape (core/api_schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api_schema.error_responses_hook",
    ],
}

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# How many proxies of ours stand before gunicorn (0: clients connect to it directly). This one number
# decides which X-Forwarded-For entry is the client's address (the last N-th: what our outermost proxy
# saw; allauth's per-IP limits count it) and whether X-Forwarded-Proto says HTTPS. With 0 both headers
# come from the client and are ignored. allauth reads X-Forwarded-For, not a custom client-IP header.
TRUSTED_PROXY_COUNT = int(env("DJANGO_TRUSTED_PROXY_COUNT", "0"))
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = None
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXY_COUNT else None
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(env("DJANGO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
# Video players a lesson may embed (scheme + host): the lesson page frames only these, and the CSP's
# frame-src allows only these, so a video link can never frame another site.
VIDEO_EMBED_ORIGINS = env_list(
    "VIDEO_EMBED_ORIGINS", "https://www.youtube-nocookie.com,https://player.vimeo.com,https://rutube.ru"
)

# Images in what users write may come from other sites over https (decision 0241): this one list is both what
# the sanitizer lets through (core/markup.py) and the CSP's img-src, so an image that passes also shows.
# "https:" = any https image; or name origins ("https://img.example.org"); empty = this site's files only.
USER_IMAGE_SOURCES = env_list("PDP_USER_IMAGE_SOURCES", "https:")
# Where a mention `@[Name](user:123)` in user text links to (core/markup.py): the user card of communities/.
USER_CARD_URL = "/communities/people/{id}/"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
        "img-src": ["'self'", "data:", *USER_IMAGE_SOURCES, *([STORAGE_ORIGIN] if STORAGE_ORIGIN else [])],
        "style-src": ["'self'", "'unsafe-inline'"],
        "script-src": ["'self'"],
        "frame-src": ["'self'", *VIDEO_EMBED_ORIGINS, *([STORAGE_ORIGIN] if STORAGE_ORIGIN else [])],
        "media-src": ["'self'", "https:", *([STORAGE_ORIGIN] if STORAGE_ORIGIN else [])],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Logging ---------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO" if PRODUCTION else "WARNING")},
}

# --- Product settings -----------------------------------------------------------------------
PAGE_SIZE = int(env("PAGE_SIZE", "20"))
# A review comment must carry at least this many letters or digits (not punctuation, not one repeated character).
# A split of a cohort into groups can be undone for this many hours after it finished.
# Open Badges 3.0 (cohorts/certificates/badges.py, decision 0391): the ES256 (P-256) key that signs each
# certificate's credential, as PEM (newlines may be written \n) or a JWK with its private part; unset: a
# development key derived from SECRET_KEY. Retired keys: their public JWKs (a JSON list or JWK set) stay
# published by kid so what they signed still verifies. Years a credential is valid (0: no end).
OPEN_BADGES_SIGNING_KEY = env("OPEN_BADGES_SIGNING_KEY", "")
OPEN_BADGES_PREVIOUS_KEYS = env("OPEN_BADGES_PREVIOUS_KEYS", "")
OPEN_BADGES_VALID_YEARS = int(env("OPEN_BADGES_VALID_YEARS", "0"))
OPEN_BADGES_MAX_UPLOAD_BYTES = int(env("OPEN_BADGES_MAX_UPLOAD_BYTES", str(512 * 1024)))
COHORTS_SPLIT_UNDO_HOURS = int(env("COHORTS_SPLIT_UNDO_HOURS", "48"))
COHORTS_REVIEW_MIN_COMMENT_CHARS = int(env("COHORTS_REVIEW_MIN_COMMENT_CHARS", "20"))
# An answer is flagged as a possible copy when this share (0 to 1) of its phrases is found in another
# teacher's answer to the same assignment of the course (cohorts/services/copies.py).
COHORTS_COPY_SIMILARITY_THRESHOLD = float(env("COHORTS_COPY_SIMILARITY_THRESHOLD", "0.5"))
# Lessons are marked, work is submitted and enrollments complete from the cohort's first day until
# this many days after its last day (cohorts/services/learning.py).
COHORTS_COMPLETION_GRACE_DAYS = int(env("COHORTS_COMPLETION_GRACE_DAYS", "14"))
# Surveys: no figure, row or text for a group under K respondents; anonymous answers are released K at a time.
SURVEYS_ANONYMITY_K = int(env("SURVEYS_ANONYMITY_K", "5"))
# Reminders and mails still pending after this long were cut off by a crash: the sweep sends them.
NOTIFICATIONS_RECOVER_AFTER_MINUTES = int(env("NOTIFICATIONS_RECOVER_AFTER_MINUTES", "10"))
# Reports: exports above this many rows are built by a worker ("heavy" queue); the hours ledger's rules.
REPORTS_EXPORT_ASYNC_ROWS = int(env("REPORTS_EXPORT_ASYNC_ROWS", "50000"))
REPORTS_HOURS_LEDGER = {
    "required_hours": int(env("REPORTS_CYCLE_REQUIRED_HOURS", "72")),
    "cycle_years": 3,
    "cycle_start": env("REPORTS_CYCLE_START", "2024-09-01"),
    "event_hours": int(env("REPORTS_EVENT_HOURS", "2")),
    "mentor_pair_hours": int(env("REPORTS_MENTOR_PAIR_HOURS", "18")),
    "mentee_pair_hours": int(env("REPORTS_MENTEE_PAIR_HOURS", "18")),
}
SPECTACULAR_SETTINGS.update(
    {"SWAGGER_UI_DIST": "SIDECAR", "SWAGGER_UI_FAVICON_HREF": "SIDECAR", "REDOC_DIST": "SIDECAR"}
)
# Choice sets that share a field name ("state", "status") across apps get their own schema names.
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {}).update(
    {
        "MentoringPairStateEnum": "mentoring.models.PairState",
        "MentoringGoalStateEnum": "mentoring.models.GoalState",
        "DevelopmentPlanStateEnum": "mentoring.models.PlanState",
        "MeetingStatusEnum": "mentoring.models.MeetingStatus",
        "CourseStatusEnum": "courses.models.Course.Status",
        "EnrollmentStateEnum": "cohorts.models.Enrollment.State",
    }
)
CSRF_FAILURE_VIEW = "pdplatform.views.csrf_failure"
WHITENOISE_AUTOREFRESH = DEBUG
