"""Settings shared by every environment; not a settings module of its own.

Run with one of: `local` (development, the embedded default of `make run` and `manage.py`:
SQLite, eager Celery, console email, DEBUG on), `production` (every secret from the
environment, refuses to start without one) or `test` / `test_sqlite` (the test suite).
Here DEBUG is off, and there is no database and no secret key: each of those modules says
which it uses, so production cannot fall into a development default.
"""

import os
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

if os.environ.get("DJANGO_SETTINGS_MODULE") == __name__:
    raise ImproperlyConfigured(
        f"{__name__} holds what every environment shares and does not run on its own: use "
        "mentorship_site.settings.local (development), mentorship_site.settings.production "
        "or mentorship_site.settings.test."
    )

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
# local.py and test.py set a development key; production.py requires a real one.
SECRET_KEY = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Base of the links in emails and the calendar feed. By default the port `make run` serves
# (it exports PORT), so the links work on the embedded default too.
SITE_URL = env.str("SITE_URL", default=f"http://127.0.0.1:{env.int('PORT', default=8000)}")
# production.py sets this; commands that must not run on a live site (seed_demo) check it.
IS_PRODUCTION = False

INSTALLED_APPS = [
    "mentorship_site.apps.TandemAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "axes",
    "core",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "people",
    # After django-otp's plugins: its admin replaces theirs, which show the secrets.
    "twofactor",
    "programs",
    "mentorships",
    "matching",
    "selfmatch",
    "checkins",
    "metrics",
    "imports",
    "reminders",
    "feedback",
    "experts",
    "careers",
    "learning",
    "scim",
    "audit",
    "outbox",
    "pages",
    "demo",
    "sso",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
    "webhooks",
    "chat",
]

MIDDLEWARE = [
    # First: answers /healthz before the HTTPS redirect and the host check (see health.py).
    "core.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Too many requests at once in this process -> a quick 503 with Retry-After (WEB_MAX_*).
    "core.middleware.LoadShedMiddleware",
    # A NUL in the path, query, cookies or form -> 400, before sessions touch the database.
    "core.middleware.RejectNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session typed a two-factor code.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
    # A half-signed-in session (code not typed yet, or an app its role requires not set up)
    # reaches only the two-factor pages and sign-out.
    "twofactor.middleware.TwoFactorMiddleware",
    # Last, so it sees failed logins after authentication has run.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mentorship_site.urls"
WSGI_APPLICATION = "mentorship_site.wsgi.application"

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
                "people.context_processors.roles",
            ],
        },
    },
]

# DATABASES: each environment's module sets it (local.py: SQLite unless DATABASE_URL is set;
# production.py: DATABASE_URL required; test.py: TEST_DATABASE_URL).

# What counts across requests (the people-search rate limit) must be shared by every gunicorn
# worker and machine: CACHE_URL (e.g. redis://127.0.0.1:6379/1, not the broker's database,
# which a cache clear would empty) selects Django's Redis cache. Without it each process keeps
# its own memory cache, which is only good for one process (`make run`, tests).
CACHE_URL = env.str("CACHE_URL", default="")
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "tandem",
            # A down Redis fails a request quickly instead of hanging it.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "people.User"
# people.backends.ModelBackend: Django's, with the per-request user read built once (CPU).
# Sessions signed in with django.contrib.auth.backends.ModelBackend (before 2026-12-03) end
# once on upgrade: their holders sign in again (docs/operations.md).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "people.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Company sign-in (app sso, docs/identity.md). SSO_ONLY: password sign-in, password resets and
# invitation links work for superusers only (break-glass); everyone else uses the company's
# identity provider.
SSO_ONLY = env.bool("SSO_ONLY", default=False)
# OpenID Connect: off while OIDC_ISSUER is unset. The app reads
# <OIDC_ISSUER>/.well-known/openid-configuration (cached, like the provider's keys).
OIDC_ISSUER = env.str("OIDC_ISSUER", default="")
OIDC_CLIENT_ID = env.str("OIDC_CLIENT_ID", default="")
OIDC_CLIENT_SECRET = env.str("OIDC_CLIENT_SECRET", default="")
# Email domains a first sign-in may link to an existing employee by address. Empty: nobody is
# linked by address (only links a superuser made in the admin work).
OIDC_ALLOWED_DOMAINS = env.list("OIDC_ALLOWED_DOMAINS", default=[])
OIDC_BUTTON_LABEL = env.str("OIDC_BUTTON_LABEL", default="Sign in with your company account")
OIDC_SCOPES = env.str("OIDC_SCOPES", default="openid email profile")
# Seconds the provider's discovery document and signing keys are kept in the cache.
OIDC_METADATA_CACHE_SECONDS = env.int("OIDC_METADATA_CACHE_SECONDS", default=3600)
# Seconds the token exchange (the one outside call a request waits on) may take.
OIDC_HTTP_TIMEOUT = env.float("OIDC_HTTP_TIMEOUT", default=10)
# `acr` values that mean the provider checked more than one factor (an `amr` of "mfa", "otp",
# "hwk"... always does), e.g. Okta's urn:okta:loa:2fa:any.
OIDC_MFA_ACR_VALUES = env.list(
    "OIDC_MFA_ACR_VALUES",
    default=[
        "http://schemas.openid.net/pape/policies/2007/06/multi-factor",
        "urn:okta:loa:2fa:any",
        "urn:okta:loa:2fa:any:ifpossible",
    ],
)
SAML_ALLOWED_DOMAINS = env.list("SAML_ALLOWED_DOMAINS", default=[])

# Sign-in lockout (django-axes; the policy is in people/signin.py and docs/security.md).
# Addresses are compared in one spelling (people.signin.normalise_email), failures are counted
# per (account, client address) and per client address, and a lock runs its course: failures
# while it is in force don't extend it. A password reset (or invitation) clears it.
# people.signin's handler, where only the second step clears the failures of an account with
# two-factor sign-in (twofactor/signin.py).
AXES_HANDLER = "twofactor.signin.LockoutHandler"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
# Failures from one client address, over every account, before that address is locked out.
SIGN_IN_IP_FAILURE_LIMIT = env.int("SIGN_IN_IP_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "people.signin.axes_username"
AXES_CLIENT_IP_CALLABLE = "people.signin.client_ip"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# Never written to the failure records: the password (always) and a mistyped two-factor code.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code"]
# How many reverse proxies of ours stand in front of the app, each appending to
# X-Forwarded-For. 0: the header is ignored (anyone can write it).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# Two-factor sign-in (twofactor/, docs/two-factor.md). On: HR coordinators, privacy officers,
# staff and superusers who sign in with a password must set up and use an authenticator app.
# Off in the embedded default, so the demo logins work with their password alone;
# production.py turns it on unless TWO_FACTOR_REQUIRED=false.
TWO_FACTOR_REQUIRED = env.bool("TWO_FACTOR_REQUIRED", default=False)
# The name authenticator apps show next to the codes.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Tandem")
# One throttle: wrong codes count toward the sign-in lockout above; django-otp's own back-off
# per device would be a second, different rule.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Days an invitation's set-password link stays valid.
INVITATION_DAYS = env.int("INVITATION_DAYS", default=14)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Size limits on request bodies and uploads (CSV imports stay well under this).
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=5 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
# Directory provisioning (SCIM): the largest request body accepted (larger: 413), and whether
# people the directory creates get an email invitation to choose a password (off when everyone
# signs in through the identity provider).
SCIM_MAX_BODY_BYTES = env.int("SCIM_MAX_BODY_BYTES", default=1024 * 1024)
SCIM_INVITE_NEW_PEOPLE = env.bool("SCIM_INVITE_NEW_PEOPLE", default=True)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

# One URL for the mail server (production.py requires it; elsewhere the console).
_email = env.email_url_config(env.str("EMAIL_URL", default="") or "consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"] or "localhost"
EMAIL_PORT = _email["EMAIL_PORT"] or 25
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"] or ""
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"] or ""
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_FILE_PATH = _email["EMAIL_FILE_PATH"]
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Tandem <tandem@tandem.example>")
# Seconds an SMTP connection may hang before a send fails (and is retried): a sweep holds a row
# lock while it sends, and must not wait for ever on a stuck mail server.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# Every email goes through the outbox's queue (outbox.OutgoingEmail), sent by the worker. A
# "try later" for one message waits this many seconds, doubling each time (at most an hour);
# after this many tries it is marked refused for HR to see. A mail server outage is not
# counted: the emails wait, and the periodic task tries again every minute.
OUTBOX_EMAIL_RETRY_SECONDS = env.int("OUTBOX_EMAIL_RETRY_SECONDS", default=60)
OUTBOX_EMAIL_MAX_ATTEMPTS = env.int("OUTBOX_EMAIL_MAX_ATTEMPTS", default=8)
# Reminder and queued (outbox) emails go out in batches (docs/operations.md): a sender
# leases EMAIL_BATCH rows for EMAIL_LEASE_SECONDS, sends them over one SMTP connection and stamps
# them sent in one commit. A sender that dies leaves its batch leased; once the lease runs out,
# the next sender resends it under the same Message-ID.
EMAIL_BATCH = env.int("EMAIL_BATCH", default=100)
EMAIL_LEASE_SECONDS = env.int("EMAIL_LEASE_SECONDS", default=300)

# Load shedding (core.middleware.LoadShedMiddleware), per web process: at most this many
# requests run at once (0: no limit), this many more wait at most WEB_QUEUE_SECONDS for a turn,
# and the rest get a 503 with Retry-After at once. gunicorn.conf.py gives each process more
# threads than the two together. docs/operations.md, "Web server: workers and load shedding".
WEB_MAX_IN_FLIGHT = env.int("WEB_MAX_IN_FLIGHT", default=0)
WEB_MAX_QUEUED = env.int("WEB_MAX_QUEUED", default=2)
WEB_QUEUE_SECONDS = env.float("WEB_QUEUE_SECONDS", default=2.0)
WEB_RETRY_AFTER_SECONDS = env.int("WEB_RETRY_AFTER_SECONDS", default=2)

X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
# Django's database sessions, with the per-request read built once (core/sessions.py).
SESSION_ENGINE = "core.sessions"
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 10)
# No inline scripts: every script is a static file. Inline style attributes (progress
# bars) are allowed; they cannot run code.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; "
    "base-uri 'self'; object-src 'none'"
)

# Celery. production.py requires a broker; local.py runs tasks in-process, eagerly, when none
# is configured, so `make run` needs nothing else.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
# The matching run is the longest task; its hard limit bounds how long a live worker holds it.
MATCHING_RUN_TIME_LIMIT = env.int("MATCHING_RUN_TIME_LIMIT", default=660)
# A running matching run whose heartbeat is older than this many minutes lost its worker for
# good (OOM, node loss): the periodic check requeues it (up to MATCHING_MAX_ATTEMPTS runs of
# the task in all), then fails it with a message on the run page.
MATCHING_STALE_AFTER = env.float("MATCHING_STALE_AFTER", default=3)
MATCHING_HEARTBEAT_SECONDS = env.float("MATCHING_HEARTBEAT_SECONDS", default=10)
MATCHING_MAX_ATTEMPTS = env.int("MATCHING_MAX_ATTEMPTS", default=2)
# A task is acknowledged only after it finishes, so a killed worker's task is redelivered.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Fail fast when Redis is down: pages record work in the outbox instead of hanging.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # How long Redis waits before redelivering a task whose worker died unacknowledged: the
    # longest task's hard time limit and a margin, so a live worker's task is never handed out
    # twice, and a dead one's comes back within minutes rather than an hour.
    "visibility_timeout": env.int(
        "CELERY_VISIBILITY_TIMEOUT",
        default=max(CELERY_TASK_TIME_LIMIT, MATCHING_RUN_TIME_LIMIT) + 60,
    ),
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    "max_retries": 0,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
CELERY_REDIS_SOCKET_TIMEOUT = 5
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict = {
    "heartbeat": {"task": "people.tasks.heartbeat", "schedule": crontab(minute="*/15")},
    "flush-outbox": {"task": "outbox.tasks.flush", "schedule": 60.0},
    # Invitations a worker's time limit cut short; each import and re-send also triggers one.
    "send-invitations": {
        "task": "people.tasks.send_invitations",
        "schedule": crontab(minute="*/15"),
    },
    "send-emails": {"task": "outbox.tasks.send_emails", "schedule": 60.0},
    "stale-matching-runs": {"task": "matching.tasks.recover_stale_runs", "schedule": 60.0},
    "purge-closed-programs": {
        "task": "programs.tasks.purge_expired_programs",
        "schedule": crontab(hour=3, minute=30),
    },
    "reminders-sweep": {"task": "reminders.tasks.sweep", "schedule": crontab(minute=5)},
    # The health board's stored states whose day to change has come (checkins.MentorshipHealth).
    "checkins-health-sweep": {
        "task": "checkins.tasks.health_sweep",
        "schedule": crontab(minute=1),
    },
    "reminders-digests": {
        "task": "reminders.tasks.send_digests",
        "schedule": crontab(minute=0, hour=7, day_of_week="mon"),
    },
    "feedback-surveys": {
        "task": "feedback.tasks.send_due_surveys",
        "schedule": crontab(hour=7, minute=10),
    },
    # Before OIDC_METADATA_CACHE_SECONDS runs out (an hour by default).
    "sso-oidc-documents": {"task": "sso.tasks.refresh_oidc_documents", "schedule": 15 * 60.0},
    "feedback-assessments": {
        "task": "feedback.tasks.send_assessment_requests",
        "schedule": crontab(hour=7, minute=20),
    },
}
# Dashboards (metrics.snapshots): every unfiltered view built early each morning, so its
# viewers read stored figures; a run stops starting views after the budget (under the task
# time limit) and queues the next run, which goes on where it stopped.
CELERY_BEAT_SCHEDULE["metrics-dashboards"] = {
    "task": "metrics.tasks.refresh_dashboards",
    "schedule": crontab(hour=6, minute=0),
}
METRICS_REFRESH_BUDGET_SECONDS = env.int(
    "METRICS_REFRESH_BUDGET_SECONDS", default=max(CELERY_TASK_SOFT_TIME_LIMIT - 60, 30)
)
# Self-match: mentors' deadlines pass requests on, reminders, hybrid programs' closing days.
CELERY_BEAT_SCHEDULE["selfmatch-sweep"] = {"task": "selfmatch.tasks.sweep", "schedule": 300.0}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}, "axes": {"level": "WARNING"}},
}
AXES_VERBOSE = False

# Data of programs closed (ended) longer than this is purged by a periodic task.
RETENTION_DAYS_AFTER_CLOSE = env.int("RETENTION_DAYS_AFTER_CLOSE", default=730)

# SAML 2.0 sign-in (sso/saml.py, docs/identity.md#saml-20). Off unless the identity provider's
# metadata is given by URL (fetched through the cache) or file.
SAML_IDP_METADATA_URL = env.str("SAML_IDP_METADATA_URL", default="")
SAML_IDP_METADATA_FILE = env.str("SAML_IDP_METADATA_FILE", default="")
SAML_IDP_METADATA_TTL = env.int("SAML_IDP_METADATA_TTL", default=24 * 60 * 60)
SAML_IDP_ENTITY_ID = env.str("SAML_IDP_ENTITY_ID", default="")
SAML_SP_ENTITY_ID = env.str("SAML_SP_ENTITY_ID", default="")
SAML_BUTTON_LABEL = env.str("SAML_BUTTON_LABEL", default="Sign in with your company account")
SAML_SP_KEY_FILE = env.str("SAML_SP_KEY_FILE", default="")
SAML_SP_CERT_FILE = env.str("SAML_SP_CERT_FILE", default="")
SAML_NAMEID_FORMAT = env.str(
    "SAML_NAMEID_FORMAT", default="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
)
# The stable subject: the persistent NameID, or this attribute when set (e.g. Entra ID's
# http://schemas.microsoft.com/identity/claims/objectidentifier).
SAML_SUBJECT_ATTRIBUTE = env.str("SAML_SUBJECT_ATTRIBUTE", default="")
SAML_EMAIL_ATTRIBUTES = env.list(
    "SAML_EMAIL_ATTRIBUTES",
    default=[
        "mail",
        "email",
        "emailaddress",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
        "urn:oid:0.9.2342.19200300.100.1.3",
    ],
)
# AuthnContextClassRef values (or Microsoft authnmethodsreferences) meaning the IdP did MFA.
SAML_MFA_CONTEXTS = env.list(
    "SAML_MFA_CONTEXTS",
    default=[
        "http://schemas.microsoft.com/claims/multipleauthn",
        "https://refeds.org/profile/mfa",
        "urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract",
        "urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorUnregistered",
        "urn:oasis:names:tc:SAML:2.0:ac:classes:TimeSyncToken",
    ],
)
SAML_ALLOW_IDP_INITIATED = env.bool("SAML_ALLOW_IDP_INITIATED", default=True)
SAML_CLOCK_SKEW_SECONDS = env.int("SAML_CLOCK_SKEW_SECONDS", default=60)
# The IdP's metadata from its URL is refreshed in the cache by beat, hourly.
CELERY_BEAT_SCHEDULE["sso-saml-metadata"] = {
    "task": "sso.tasks.refresh_saml_metadata",
    "schedule": 60 * 60.0,
}
# How long an assertion without NotOnOrAfter is remembered against replays.
SAML_REPLAY_WINDOW_SECONDS = env.int("SAML_REPLAY_WINDOW_SECONDS", default=24 * 60 * 60)
# pysaml2 logs each NameID and parsed message at INFO, and xmlschema its schema loading.
LOGGING["loggers"].update({"saml2": {"level": "WARNING"}, "xmlschema": {"level": "WARNING"}})

# REST API (app api, docs/api.md): bearer tokens for integrations, the session for our own
# scripts (CSRF enforced); one error body; cursor pagination; limits on the shared cache.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # First: its `WWW-Authenticate: Bearer` makes an unauthenticated request a 401.
        "api.authentication.BearerTokenAuthentication",
        "api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "api.permissions.HasScope",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ApiRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.ApiCursorPagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.ApiAutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "PAGE_SIZE": 50,
    # `?format=` is a filter (programs' format), not a renderer switch: JSON is the only one.
    "URL_FORMAT_OVERRIDE": None,
}
# Requests per token, per signed-in user (browser session) and per anonymous address.
API_RATE_TOKEN = env.str("API_RATE_TOKEN", default="600/min")
API_RATE_SESSION = env.str("API_RATE_SESSION", default="600/min")
API_RATE_ANON = env.str("API_RATE_ANON", default="60/min")
# The longest life of an API token, in days.
API_TOKEN_MAX_DAYS = env.int("API_TOKEN_MAX_DAYS", default=365)
SPECTACULAR_SETTINGS = {
    "TITLE": "Tandem API",
    "DESCRIPTION": "Tandem's REST API: the same data and rules as the pages. See docs/api.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # One name per choice set called `status` (add yours: `spectacular --validate --fail-on-warn`).
    "ENUM_NAME_OVERRIDES": {
        "ProgramStatusEnum": "programs.models.Status",
        "EnrolmentStatusEnum": "programs.models.EnrolmentStatus",
        "MentorshipStatusEnum": "mentorships.models.MentorshipStatus",
        "GoalStatusEnum": "mentorships.models.GoalStatus",
        "RunStatusEnum": "matching.models.RunStatus",
        "ProposalStatusEnum": "matching.models.ProposalStatus",
        "OutcomeKindEnum": "metrics.models.OutcomeKind",
        "ColumnKindEnum": "api.resources.metrics.COLUMN_KINDS",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
# Webhooks (docs/webhooks.md): delivery timeouts, retries with exponential backoff, pausing.
WEBHOOK_CONNECT_TIMEOUT_SECONDS = env.float("WEBHOOK_CONNECT_TIMEOUT_SECONDS", default=3.0)
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=10.0)
WEBHOOK_RETRY_SECONDS = env.int("WEBHOOK_RETRY_SECONDS", default=30)
WEBHOOK_RETRY_MAX_SECONDS = env.int("WEBHOOK_RETRY_MAX_SECONDS", default=3600)
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=10)
WEBHOOK_PAUSE_AFTER_FAILURES = env.int("WEBHOOK_PAUSE_AFTER_FAILURES", default=10)
# SSRF care: receivers on private, loopback or link-local addresses are refused unless allowed.
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = env.bool("WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", default=False)
CELERY_BEAT_SCHEDULE["webhooks-sweep"] = {
    "task": "webhooks.tasks.sweep",
    "schedule": env.float("WEBHOOK_SWEEP_SECONDS", default=30.0),
}
# Slack and Microsoft Teams (docs/chat.md). Slack is on once a bot token is set.
SLACK_BOT_TOKEN = env.str("SLACK_BOT_TOKEN", default="")
SLACK_API_URL = env.str("SLACK_API_URL", default="https://slack.com/api/")
CHAT_CONNECT_TIMEOUT_SECONDS = env.float("CHAT_CONNECT_TIMEOUT_SECONDS", default=3.0)
CHAT_TIMEOUT_SECONDS = env.float("CHAT_TIMEOUT_SECONDS", default=10.0)
CHAT_RETRY_SECONDS = env.int("CHAT_RETRY_SECONDS", default=30)
CHAT_RETRY_MAX_SECONDS = env.int("CHAT_RETRY_MAX_SECONDS", default=3600)
CHAT_MAX_ATTEMPTS = env.int("CHAT_MAX_ATTEMPTS", default=8)
# SSRF care for Teams webhook URLs, as for webhooks: private addresses (and http://) refused.
CHAT_ALLOW_PRIVATE_ADDRESSES = env.bool("CHAT_ALLOW_PRIVATE_ADDRESSES", default=False)
CELERY_BEAT_SCHEDULE["chat-send"] = {
    "task": "chat.tasks.send",
    "schedule": env.float("CHAT_SWEEP_SECONDS", default=30.0),
}
CELERY_BEAT_SCHEDULE["chat-purge"] = {
    "task": "chat.tasks.purge",
    "schedule": crontab(minute=40, hour=3),
}
