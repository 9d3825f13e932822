"""Settings for the commissioning portal, read from the environment.

This is the only settings module. Production differs from a first run on a
laptop only by environment variables (see ``.env.example``); every variable is
read through ``portal.env`` so a bad value stops start-up with its name.
"""

import re
from pathlib import Path

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from portal.env import (
    env_bool,
    env_colour,
    env_database,
    env_email_url,
    env_int,
    env_list,
    env_redis_url,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)

if DEBUG:
    SECRET_KEY = env_str("SECRET_KEY", "insecure-development-key-do-not-use-in-production")
else:
    SECRET_KEY = env_str("SECRET_KEY")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long.")

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set ALLOWED_HOSTS to the portal's host names, comma separated.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
for origin in CSRF_TRUSTED_ORIGINS:
    if not origin.startswith(("https://", "http://")):
        raise ImproperlyConfigured(
            f"CSRF_TRUSTED_ORIGINS entries must start with https://, not {origin!r}."
        )

# The portal's own address, for links in emails sent outside a request. Unset,
# it is where bin/run serves: 127.0.0.1 on PORT.
run_port = env_int("PORT", 8000, minimum=1)
SITE_URL = env_str("SITE_URL", f"http://127.0.0.1:{run_port}")
if not SITE_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(f"SITE_URL must start with https://, not {SITE_URL!r}.")

# The council whose portal this is. Branding only: no logic depends on it.
COUNCIL_NAME = env_str("COUNCIL_NAME", "Birmingham City Council")
COUNCIL_BRAND_COLOUR = env_colour("COUNCIL_BRAND_COLOUR", "#1d4f91")
COUNCIL_URL = env_str("COUNCIL_URL", "https://www.birmingham.gov.uk/")
SERVICE_NAME = env_str("SERVICE_NAME", "Commissioning portal")
SUPPORT_EMAIL = env_str("SUPPORT_EMAIL", "commissioning@example.org")
PHASE = env_str("PHASE", "beta")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",  # intcomma: "More than 1,000 opportunities"
    "axes",
    "crispy_forms",
    "crispy_forms_gds",
    "django_filters",
    "portal",
    "accounts",
    "organisations",
    "opendata",  # OCDS releases, stored as events happen, and the open data API
    "opportunities",
    "tenders",
    "commissioning",
    "exchange",  # the social value exchange: needs, offers and matches
    "tracking",
    "councillors",
    "home",  # the front page and the demo seed, on top of every app
]

MIDDLEWARE = [
    # First, so the moment a request reached the portal is taken before any other work.
    "portal.middleware.ReceivedAtMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before anything reads the body (CSRF checking reads request.POST).
    "portal.middleware.RequestGuardMiddleware",
    "portal.middleware.PrivateCacheMiddleware",
    "portal.middleware.SlowQueryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so it sees the outcome of every login attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "portal.context_processors.portal",
            ],
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# Web processes (gunicorn.conf.py sets PORTAL_PROCESS=web) ask PostgreSQL to stop
# any statement running longer than this, below gunicorn's own 30 seconds, so a
# runaway query ends in the database with a clear page, not a killed worker that
# leaves it running. Workers, beat and commands have no such limit. 0 turns it off.
DATABASE_STATEMENT_TIMEOUT_MS = env_int("DATABASE_STATEMENT_TIMEOUT_MS", 20_000, minimum=0)
if (
    env_str("PORTAL_PROCESS", "") == "web"
    and DATABASE_STATEMENT_TIMEOUT_MS
    and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
):
    DATABASES["default"]["OPTIONS"]["options"] = (
        f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT_MS}"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
# Email confirmation and password reset links stop working after three days.
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3
ACCOUNT_CONFIRMATION_MAX_AGE = PASSWORD_RESET_TIMEOUT
# Invitations to join an organisation work for seven days.
INVITATION_MAX_AGE = 60 * 60 * 24 * 7

# Login throttling: five failures for one email from one address lock that
# pair out for fifteen minutes; the lockout page says when to try again.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
# Sign-in ignores the email's case, so the lockout counts every spelling as one.
AXES_USERNAME_CALLABLE = "accounts.lockout.username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLED = env_bool("AXES_ENABLED", default=True)
# Axes counts the address the rate limits count: the client's, not the proxy's.
AXES_CLIENT_IP_CALLABLE = "portal.ratelimit.client_address"

# Rate limits on registrations, password resets, questions and partner contacts
# (portal.ratelimit), counted in the cache; they fail open if it is down.
RATE_LIMITS_ENABLED = env_bool("RATE_LIMITS_ENABLED", default=True)
# How many proxies in front of the portal append to X-Forwarded-For (1 with
# docker-compose's nginx); 0 trusts only REMOTE_ADDR.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
# Whether the proxy in front sets X-Request-Start (docker-compose's nginx does): a
# bid is then judged against its deadline by when nginx received it, not when a
# busy worker got to it. Leave false unless that proxy replaces the header.
TRUST_REQUEST_START = env_bool("TRUST_REQUEST_START", default=False)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed names need `collectstatic`; production images run it.
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", default=not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Request sizes. Someone not signed in may post an ordinary form (Django's
# DATA_UPLOAD_MAX_MEMORY_SIZE, held in memory); a signed-in person one upload
# of at most 10 MB plus the form around it. Larger bodies get 413 unread
# (portal.middleware); the proxy in front should refuse them first.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # 2.5 MB, Django's default, stated
REQUEST_MAX_BYTES = env_int(
    "REQUEST_MAX_BYTES", 11 * 1024 * 1024, minimum=DATA_UPLOAD_MAX_MEMORY_SIZE
)
# Uploaded files are never served from a public URL: views check access first.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# A virus scanner for uploads: the dotted path of a callable that takes the file
# and raises ValidationError when it is infected (docs/uploads.md). None by default.
UPLOAD_SCANNER = env_str("UPLOAD_SCANNER", "")

# Redis is the cache and Celery's broker when REDIS_URL is set; without it the
# cache is local memory and tasks run eagerly in the web process.
REDIS_URL = env_redis_url("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Eager tasks still pass their arguments through a producer on this broker; its
# pooled connection needs a host, or kombu warns on the first task and uses one.
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = REDIS_URL
# Tasks are fire-and-forget: their effects are rows and emails. A caller that
# needs a return value asks with apply_async(ignore_result=False).
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = REDIS_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 300
CELERY_TASK_TIME_LIMIT = 360
CELERY_RESULT_EXPIRES = 60 * 60 * 24
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60}
# Periodic jobs, all declared here and nowhere else. Each is idempotent.
CELERY_BEAT_SCHEDULE = {
    "clear-expired-sessions": {
        "task": "portal.tasks.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=15),
    },
    "send-document-expiry-reminders": {
        "task": "organisations.tasks.send_expiry_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
    "delete-old-sign-in-records": {
        "task": "accounts.tasks.delete_old_sign_in_records",
        "schedule": crontab(hour=3, minute=30),
    },
    # Hourly, so "1 day before the deadline" is never a day late.
    "send-deadline-reminders": {
        "task": "opportunities.tasks.send_deadline_reminders",
        "schedule": crontab(minute=5),
    },
    # Hourly: each opportunity's contact hears of new questions in one email.
    "send-question-notices": {
        "task": "opportunities.tasks.send_question_notices",
        "schedule": crontab(minute=20),
    },
    # Daily; each saved search says whether it wants a daily or weekly email.
    "send-search-alerts": {
        "task": "opportunities.tasks.send_alerts",
        "schedule": crontab(hour=7, minute=0),
    },
    # Daily; reminders before scrutiny tracking deadlines and late notices to officers.
    "send-tracking-reminders": {
        "task": "tracking.tasks.send_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
    # Daily: each bidder of a tender in evaluation hears at least every 14 days, once a period.
    "send-evaluation-updates": {
        "task": "tenders.tasks.send_evaluation_updates",
        "schedule": crontab(hour=9, minute=0),
    },
    # Hourly: assessment summaries a failed send left unsent go again, each once.
    "send-assessment-summaries": {
        "task": "tenders.tasks.send_assessment_summaries",
        "schedule": crontab(minute=35),
    },
    # Hourly: each councillor's weekly digest goes at the day and time they chose; the
    # same job sends again what a failed send or a dead worker left unsent.
    "send-weekly-digest": {
        "task": "councillors.tasks.start_weekly_digest",
        "schedule": crontab(minute=0),
    },
    # Every 30 minutes: decommissioning notices a failed send left unsent go again, each once.
    "send-decommissioning-notices": {
        "task": "commissioning.tasks.send_decommissioning_notices",
        "schedule": crontab(minute="10,40"),
    },
    # Every 15 minutes: followers of a pipeline item hear, once, that it is published.
    "tell-pipeline-followers": {
        "task": "commissioning.tasks.tell_pipeline_followers",
        "schedule": crontab(minute="*/15"),
    },
    # Hourly: confirmed attendees of events starting tomorrow are reminded (from 9am), once each.
    "send-event-reminders": {
        "task": "commissioning.tasks.send_event_reminders",
        "schedule": crontab(minute=45),
    },
    # Every 4 minutes, within the 5 the spend page keeps its figures: they are made
    # again before they lapse, so no reader of the unfiltered page waits for them.
    "keep-spend-figures": {
        "task": "commissioning.tasks.keep_spend_figures",
        "schedule": crontab(minute="*/4"),
    },
    # Hourly: contracts for any confirmed award the on-commit task missed.
    "make-missing-contracts": {
        "task": "commissioning.tasks.make_missing_contracts",
        "schedule": crontab(minute=40),
    },
    # Daily: KPI return reminders, a week before the due date and once overdue.
    "send-return-reminders": {
        "task": "commissioning.tasks.send_return_reminders",
        "schedule": crontab(hour=8, minute=30),
    },
    # Daily: the exchange reminds organisations of needs due within a week, once per date.
    "send-need-expiry-reminders": {
        "task": "exchange.tasks.send_need_expiry_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
    # Nightly, when the portal is quiet: the bulk download of every OCDS release made
    # afresh; a run while another is building does nothing.
    "make-open-data-bulk-file": {
        "task": "opendata.tasks.make_bulk_file",
        "schedule": crontab(hour=2, minute=30),
    },
    # Monday morning: the exchange's weekly summary of new suggestions, once a week each.
    "send-exchange-summaries": {
        "task": "exchange.tasks.send_exchange_summaries",
        "schedule": crontab(hour=7, minute=30, day_of_week="mon"),
    },
}

# Email: files under tmp/mail by default, so a first run sends nothing anywhere.
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", f"{SERVICE_NAME} <noreply@example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_FILE_PATH = Path(env_str("EMAIL_FILE_PATH", str(BASE_DIR / "tmp" / "mail")))
_email = env_email_url("EMAIL_URL")
if _email:
    globals().update(_email)
elif env_str("EMAIL_HOST", None):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env_str("EMAIL_HOST")
    EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
    EMAIL_TIMEOUT = 20
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"

# Opportunities. References look like BCC-2026-0042.
OPPORTUNITY_REFERENCE_PREFIX = env_str("OPPORTUNITY_REFERENCE_PREFIX", "BCC")
# The ocid prefix the Open Contracting Partnership registered for the council
# (ocds- and 6 letters or digits). The default is obviously local: register one
# before publishing for real (https://standard.open-contracting.org/1.1/en/guidance/build/).
OCDS_PREFIX = env_str("OCDS_PREFIX", "ocds-local0")
if not re.fullmatch(r"ocds-[a-z0-9]{6}", OCDS_PREFIX):
    raise ImproperlyConfigured(
        f"OCDS_PREFIX must be ocds- and 6 lowercase letters or digits, not {OCDS_PREFIX!r}."
    )
# Where an opportunity must be advertised, by value including VAT, in pounds.
# Procurement Act 2023 thresholds from 1 January 2026; change them here only.
PROCUREMENT_THRESHOLDS = {
    "portal": env_int("THRESHOLD_PORTAL", 10_000, minimum=0),
    "notifiable": env_int("THRESHOLD_NOTIFIABLE", 30_000, minimum=0),
    "services": env_int("THRESHOLD_SERVICES", 207_720, minimum=0),
    "light_touch": env_int("THRESHOLD_LIGHT_TOUCH", 663_540, minimum=0),
}
# The Compact gives organisations 12 weeks to bid; shorter needs a public reason.
COMPACT_MINIMUM_WINDOW_DAYS = 84

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"
CRISPY_GDS_FRONTEND_VERSION = "5.8.0"
# Dates and times are typed as text (27/3/2027, 17:30): style them as GOV.UK inputs.
CRISPY_CLASS_CONVERTERS = {"dateinput": "govuk-input", "timeinput": "govuk-input"}

# Security. Behind a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER_ENABLED.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Container and load balancer health checks ask over plain HTTP from inside.
SECURE_REDIRECT_EXEMPT = [r"^health/$", r"^health/workers/$"]
# Operators' /health/workers/ (which pings Celery workers) answers only
# "Authorization: Bearer <HEALTH_TOKEN>"; unset, it is never answered.
HEALTH_TOKEN = env_str("HEALTH_TOKEN", "")
if env_bool("SECURE_PROXY_SSL_HEADER_ENABLED", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy: nothing from other sites, inline script and style
# only with the per-request nonce.
from csp.constants import NONCE, NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
CSRF_FAILURE_VIEW = "portal.views.csrf_failure"
