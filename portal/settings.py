"""
Settings of the portal, read from the environment (django-environ).

With no environment at all the portal runs on embedded defaults: SQLite under
``var/``, Celery tasks executed in-process, e-mail written to files under
``var/mail/``. Production sets ``DATABASE_URL``, ``REDIS_URL`` (or
``CELERY_BROKER_URL``), ``DJANGO_SECRET_KEY`` and ``ALLOWED_HOSTS``; README lists
every variable.

A value that cannot be used raises ``ImproperlyConfigured`` naming the variable;
``portal.config.exit_on_bad_config`` turns that into one line on start-up.
"""

import warnings
from pathlib import Path
from urllib.parse import urlsplit

import environ
import xstatic.pkg.bootstrap
import xstatic.pkg.leaflet
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")  # optional; real environment wins


def _env_value(read, name, **kwargs):
    """Read one variable; turn any parse error into a message naming it."""
    try:
        return read(name, **kwargs)
    except ImproperlyConfigured as exc:
        raise ImproperlyConfigured(f"{name}: {exc}") from None
    except Exception as exc:
        raise ImproperlyConfigured(
            f"{name} has a value that cannot be used ({type(exc).__name__}: {exc})."
        ) from None


_SUPPORTED_ENGINES = {"django.db.backends.postgresql", "django.db.backends.sqlite3"}


def _database_from_env():
    default = f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # environ only warns on an unknown scheme
        config = _env_value(env.db_url, "DATABASE_URL", default=default)
    if config.get("ENGINE") not in _SUPPORTED_ENGINES or not config.get("NAME"):
        raise ImproperlyConfigured(
            "DATABASE_URL is not a supported database URL; expected "
            "postgres://user:password@host:5432/portal or sqlite:////path/db.sqlite3."
        )
    config["CONN_MAX_AGE"] = _env_value(env.int, "DATABASE_CONN_MAX_AGE", default=60)
    config["CONN_HEALTH_CHECKS"] = True
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # The embedded database: avoid "database is locked" under the dev server.
        config["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    return config


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _env_bool(name, default):
    """Read a yes/no variable; refuse anything that is neither (no silent False)."""
    raw = env.str(name, default="1" if default else "0").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no, on/off."
    )


def _phone_setting(name, demo_default):
    """Read a phone number shown to subscribers; return it in E.164.

    Outside DEBUG the number is required: a wrong hotline number shown to
    subscribers is worse than a failed start.
    """
    import phonenumbers

    raw = env.str(name, default=demo_default if DEBUG else "")
    if not raw:
        raise ImproperlyConfigured(f"{name} is required when DJANGO_DEBUG is off.")
    try:
        number = phonenumbers.parse(raw, "RU")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ImproperlyConfigured(
            f"{name} is not a valid phone number; expected for example +78001000800."
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _url_setting(name, default=""):
    value = _env_value(env.str, name, default=default)
    if value and "://" not in value:
        raise ImproperlyConfigured(
            f"{name} is not a URL; expected for example redis://127.0.0.1:6379/0."
        )
    return value


# Core ----------------------------------------------------------------------

DEBUG = _env_bool("DJANGO_DEBUG", False)
SECRET_KEY = _env_value(env.str, "DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off."
        )
    SECRET_KEY = "insecure-development-key-only-for-debug-mode"  # noqa: S105

ALLOWED_HOSTS = _env_value(
    env.list,
    "ALLOWED_HOSTS",
    default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [],
)
CSRF_TRUSTED_ORIGINS = _env_value(env.list, "CSRF_TRUSTED_ORIGINS", default=[])


def _base_url():
    """Return the portal's public address, used in links sent by e-mail and SMS.

    Links never take the host from a request (a forged Host header would
    otherwise reach subscribers' mailboxes).
    """
    url = _url_setting("PORTAL_BASE_URL").rstrip("/")
    if url:
        return url
    if DEBUG:
        return "http://127.0.0.1:8000"
    hosts = [h for h in ALLOWED_HOSTS if h and not h.startswith(".") and h != "*"]
    if not hosts:
        raise ImproperlyConfigured(
            "PORTAL_BASE_URL is required when ALLOWED_HOSTS names no single host."
        )
    return f"https://{hosts[0]}"


PORTAL_BASE_URL = _base_url()

DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.postgres",  # full-text and trigram search where on PostgreSQL
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
]
THIRD_PARTY_APPS = [
    "crispy_forms",
    "crispy_bootstrap5",
    "captcha",
    "phonenumber_field",
    "csp",
    "axes",
]
LOCAL_APPS = [
    "portal",
    "accounts",
    "tickets",
    "offices",
    "faq",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "portal.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a lockout into the sign-in page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
# Widgets render through TEMPLATES, so that templates/ may restyle one.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

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
                "portal.context_processors.contacts",
                "portal.context_processors.navigation",
            ],
        },
    },
]

# Data ----------------------------------------------------------------------

DATABASES = {"default": _database_from_env()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

REDIS_URL = _url_setting("REDIS_URL")
if REDIS_URL:
    # A Redis outage must not take the portal down with it: short timeouts,
    # and errors are logged and treated as a miss (rate limits let requests
    # through meanwhile; sessions are read from the database).
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "portal",
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    # Sessions are read on every signed-in page: from Redis, written through
    # to the database so that a Redis restart signs nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Uploads are private: MEDIA_ROOT is outside the static tree and no URL serves
# it; files reach their owner and staff only through views that check access.
MEDIA_ROOT = Path(_env_value(env.str, "MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
if MEDIA_ROOT.resolve().is_relative_to((BASE_DIR / "static").resolve()):
    raise ImproperlyConfigured(
        "MEDIA_ROOT must not be inside the public static/ folder."
    )
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750

# Auth ----------------------------------------------------------------------

_VALIDATORS_MODULE = "django.contrib.auth.password_validation."
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": _VALIDATORS_MODULE + "UserAttributeSimilarityValidator",
        # The portal's users have one name field: full_name.
        "OPTIONS": {"user_attributes": ("username", "full_name", "email")},
    },
    *(
        {"NAME": _VALIDATORS_MODULE + name}
        for name in (
            "MinimumLengthValidator",
            "CommonPasswordValidator",
            "NumericPasswordValidator",
        )
    ),
]
AUTHENTICATION_BACKENDS = [
    # First: refuses every attempt while the login is locked out.
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.EmailOrPhoneBackend",
]
CSRF_FAILURE_VIEW = "portal.views.csrf_failure"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600  # also the life of an e-mail confirmation link

# How many proxies in front of the portal append to X-Forwarded-For (the
# visitor's address is taken that far from the right); 0 trusts none.
TRUSTED_PROXY_COUNT = _env_value(env.int, "TRUSTED_PROXY_COUNT", default=0)

# Failed sign-ins are counted per login *and* address: an attacker elsewhere
# cannot lock the real subscriber out, and a lockout ends by itself.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_CALLABLE = "accounts.backends.axes_login_key"
AXES_CLIENT_IP_CALLABLE = "portal.throttle.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True

# Personal accounts and sign-up -------------------------------------------

# The billing system's account number format (a regular expression matched in
# full) and an example shown when a subscriber types something else.
PORTAL_ACCOUNT_NUMBER_PATTERN = _env_value(
    env.str, "ACCOUNT_NUMBER_PATTERN", default=r"\d{12}"
)
PORTAL_ACCOUNT_NUMBER_EXAMPLE = _env_value(
    env.str, "ACCOUNT_NUMBER_EXAMPLE", default="100012345678"
)
# Linking an account is guarded by the contract number; wrong guesses are limited.
PORTAL_LINK_ACCOUNT_LIMIT = (5, 3600)  # failed tries, per seconds, per user
PORTAL_LINK_NUMBER_LIMIT = (10, 86400)  # failed tries at one account number a day
PORTAL_SIGNUP_LIMIT = (5, 3600)  # sign-ups per seconds, per address
PORTAL_SIGNIN_IP_LIMIT = (100, 3600)  # failed sign-ins per address, any login
PORTAL_EMAIL_LINK_LIMIT = (3, 900)  # confirmation or reset e-mails per address
PORTAL_PHONE_CODE_LIMIT = (3, 900)  # SMS codes to confirm a phone, per user
# Tickets: attachments (count, size of one file, size together) and how many
# tickets one address or one account may file per period.
# How often a process asks whether reference tables (topics, service types,
# routing rules) changed in the admin; see portal/refcache.py.
PORTAL_REFERENCE_CHECK_SECONDS = 1.0
PORTAL_ATTACHMENT_MAX_FILES = _env_value(env.int, "ATTACHMENT_MAX_FILES", default=5)
PORTAL_ATTACHMENT_MAX_SIZE = _env_value(
    env.int, "ATTACHMENT_MAX_SIZE", default=10 * 1024 * 1024
)
PORTAL_ATTACHMENT_MAX_TOTAL = _env_value(
    env.int, "ATTACHMENT_MAX_TOTAL", default=20 * 1024 * 1024
)
PORTAL_TICKET_LIMIT = (
    _env_value(env.int, "TICKET_LIMIT", default=5),
    _env_value(env.int, "TICKET_LIMIT_SECONDS", default=600),
)
PORTAL_TICKET_MESSAGE_LIMIT = (10, 600)  # messages to one ticket per period
PORTAL_GUEST_CODE_LIMIT = (3, 900)  # access codes sent per ticket per period
# Version of the consent text on /legal/consent/; stored with every consent.
PORTAL_CONSENT_VERSION = "2026-11-01"

# Language and time ---------------------------------------------------------

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Moscow"
USE_TZ = True

# Static files (own assets under static/, vendor packages from PyPI) ---------


STATIC_URL = "/static/"
STATIC_ROOT = Path(_env_value(env.str, "STATIC_ROOT", default=str(VAR_DIR / "static")))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", xstatic.pkg.bootstrap.BASE_DIR),
    ("vendor/leaflet", xstatic.pkg.leaflet.BASE_DIR),
    # From the npm registry by `python -m portal.vendor` (make setup).
    ("vendor/chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist"),
]
if MEDIA_ROOT.resolve().is_relative_to(STATIC_ROOT.resolve()):
    raise ImproperlyConfigured("MEDIA_ROOT must not be inside STATIC_ROOT.")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# E-mail --------------------------------------------------------------------

DEFAULT_FROM_EMAIL = _env_value(
    env.str, "DEFAULT_FROM_EMAIL", default="Поддержка <support@portal.example>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_SUBJECT_PREFIX = "[portal] "
if _env_value(env.str, "EMAIL_URL", default=""):
    globals().update(_env_value(env.email_url, "EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = Path(
        _env_value(env.str, "EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
    )

# SMS gateway: a class with send(phone, text); the default records the message.
SMS_BACKEND = _env_value(
    env.str, "SMS_BACKEND", default="portal.sms.DatabaseSmsBackend"
)
# portal.sms.HttpSmsBackend: the provider's endpoint and credentials.
SMS_HTTP_URL = _env_value(env.str, "SMS_HTTP_URL", default="")
SMS_HTTP_TOKEN = _env_value(env.str, "SMS_HTTP_TOKEN", default="")
SMS_HTTP_SENDER = _env_value(env.str, "SMS_HTTP_SENDER", default="Portal")
SMS_HTTP_TIMEOUT = 10
if SMS_BACKEND.endswith(".HttpSmsBackend") and not SMS_HTTP_URL:
    raise ImproperlyConfigured("SMS_HTTP_URL is required with the HTTP SMS gateway.")

# Celery --------------------------------------------------------------------

CELERY_BROKER_URL = _url_setting("CELERY_BROKER_URL") or REDIS_URL
# Without a broker (make run, make test) tasks run in-process, in the caller.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task not acknowledged within the visibility timeout is delivered again: it
# is longer than any retry delay (at most 10 minutes) and any task's limit.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    # Publishing must never hang a web request when Redis is down.
    "socket_connect_timeout": 1,
    "socket_timeout": 5,
    "max_retries": 1,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
# Separate queues, so that a flood of one kind of work never delays another.
# A worker started without -Q consumes them all; README shows how to split.
CELERY_TASK_QUEUES = {
    "routing": {},
    "notifications": {},
    "periodic": {},
    "celery": {},
}
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ROUTES = {
    "tickets.tasks.ticket_route_task": {"queue": "routing"},
    "tickets.tasks.notification_send_task": {"queue": "notifications"},
    "tickets.tasks.notification_send_batch_task": {"queue": "notifications"},
    "tickets.tasks.guest_code_send_task": {"queue": "notifications"},
    "accounts.tasks.*": {"queue": "notifications"},
    "tickets.tasks.*_sweep_task": {"queue": "periodic"},
    "tickets.tasks.*_watch_task": {"queue": "periodic"},
    "tickets.tasks.*_digest_task": {"queue": "periodic"},
    "portal.tasks.*": {"queue": "periodic"},
}
CELERY_TASK_IGNORE_RESULT = True
# Celery's Django fix-up would open a new database connection for every task;
# portal/celery.py closes connections the way Django does per request instead
# (CONN_MAX_AGE, health checks), so a worker keeps its connection.
CELERY_DB_REUSE_MAX = 1_000_000
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Periodic work; a run missed while workers were down expires instead of piling up.
CELERY_BEAT_SCHEDULE = {
    "ticket-routing-sweep": {
        "task": "tickets.tasks.ticket_routing_sweep_task",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "notification-sweep": {
        "task": "tickets.tasks.notification_sweep_task",
        "schedule": 300.0,
        "options": {"expires": 290},
    },
    "ticket-sla-watch": {
        "task": "tickets.tasks.ticket_sla_watch_task",
        "schedule": 120.0,
        "options": {"expires": 110},
    },
    "queue-digest": {
        "task": "tickets.tasks.queue_digest_task",
        "schedule": 900.0,
        "options": {"expires": 600},
    },
}
# The desk marks a deadline as "due soon" this many hours before it.
PORTAL_SLA_DUE_SOON_HOURS = 4
# FAQ search results are kept this long per query (0: not kept); an edit of
# an article or a category drops them at once.
FAQ_SEARCH_CACHE_SECONDS = _env_value(env.int, "FAQ_SEARCH_CACHE_SECONDS", default=600)
# Where a ticket goes when no rule, category or topic says otherwise.
PORTAL_DEFAULT_QUEUE = "first_line"
# A routing task drains up to this many waiting tickets in one transaction
# (a flood, or the sweeper after an outage); notifications queued together are
# sent by tasks of this many.
PORTAL_ROUTING_BATCH = 100
PORTAL_NOTIFICATION_BATCH = 25
# A ticket still waiting for routing this long after the last publish is
# published again by the sweeper (a broker outage, a lost message).
PORTAL_ROUTING_RETRY_AFTER = 60
# A failed sending is retried six times, after up to factor × 2^n seconds
# (at most the second number), then shows as failed in the admin.
PORTAL_NOTIFICATION_RETRY_BACKOFF = (
    _env_value(env.int, "NOTIFICATION_RETRY_FACTOR", default=30),
    _env_value(env.int, "NOTIFICATION_RETRY_MAX", default=600),
)
# The sweeper publishes again a notification not sent this long after its
# last attempt: longer than the longest retry delay.
PORTAL_NOTIFICATION_RETRY_AFTER = 900
# New tickets are announced to a queue's agents in one e-mail per this period.
PORTAL_QUEUE_DIGEST_SECONDS = 900
# How old a worker's last heartbeat may be before /healthz stops counting it
# (each worker records one a minute, see portal.tasks.WorkerHeartbeatStep).
PORTAL_WORKER_SILENT_AFTER = 300

# Security ------------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = _env_value(
    env.int, "SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = _env_bool("SECURE_HSTS_PRELOAD", True)
if _env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# The offices map's tiles ({z}/{x}/{y}); empty: the map shows markers without
# a background, and the list of offices works either way.
OFFICES_MAP_TILES_URL = _env_value(
    env.str,
    "OFFICES_MAP_TILES_URL",
    default="https://tile.openstreetmap.org/{z}/{x}/{y}.png",
)
OFFICES_MAP_ATTRIBUTION = _env_value(
    env.str,
    "OFFICES_MAP_ATTRIBUTION",
    default="© OpenStreetMap contributors",
)
_tiles = urlsplit(OFFICES_MAP_TILES_URL.replace("{s}", "*"))  # a.tile…, b.tile…
_TILES_ORIGIN = (
    [f"{_tiles.scheme}://{_tiles.netloc}"] if _tiles.scheme and _tiles.netloc else []
)

# No inline script or style anywhere: every script is a static file.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *_TILES_ORIGIN],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Forms and captcha ---------------------------------------------------------

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
CAPTCHA_LENGTH = 5
CAPTCHA_IMAGE_SIZE = (150, 60)
CAPTCHA_FONT_SIZE = 36
CAPTCHA_TIMEOUT = 10  # minutes
PHONENUMBER_DEFAULT_REGION = "RU"
PHONENUMBER_DEFAULT_FORMAT = "E164"

# Operator contacts (shown in the footer and on the hotline page) -------------

PORTAL_HOTLINE_INDIVIDUALS = _phone_setting("HOTLINE_PHONE_INDIVIDUALS", "+78001000800")
PORTAL_HOTLINE_BUSINESS = _phone_setting("HOTLINE_PHONE_BUSINESS", "+78002003000")
PORTAL_OPERATOR_NAME = _env_value(
    env.str,
    "OPERATOR_LEGAL_NAME",
    default="ПАО «Демо Телеком» (демонстрационные данные)" if DEBUG else "",
)
PORTAL_OPERATOR_ADDRESS = _env_value(
    env.str,
    "OPERATOR_LEGAL_ADDRESS",
    default="123456, г. Москва, ул. Примерная, д. 1" if DEBUG else "",
)
for _name, _value in (
    ("OPERATOR_LEGAL_NAME", PORTAL_OPERATOR_NAME),
    ("OPERATOR_LEGAL_ADDRESS", PORTAL_OPERATOR_ADDRESS),
):
    if not _value:
        # The consent to process personal data must name the operator.
        raise ImproperlyConfigured(f"{_name} is required when DJANGO_DEBUG is off.")
PORTAL_SOCIAL_LINKS = {
    "vk": _env_value(env.str, "SOCIAL_VK_URL", default=""),
    "ok": _env_value(env.str, "SOCIAL_OK_URL", default=""),
    "telegram": _env_value(env.str, "SOCIAL_TELEGRAM_URL", default=""),
}

# Logging -------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # Every sign-in is already in the admin's access log; keep warnings only.
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
