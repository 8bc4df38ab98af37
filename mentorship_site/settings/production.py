"""Production settings: every secret must come from the environment."""

from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env


def _require(name: str) -> str:
    value = env.str(name, default="")
    if not value:
        raise ImproperlyConfigured(f"{name} must be set in production.")
    return value


def _check_secret_key(value: str) -> str:
    if value.startswith("django-insecure") or len(value) < 50 or len(set(value)) < 5:
        raise ImproperlyConfigured(
            "SECRET_KEY must be at least 50 characters, with at least 5 distinct characters, "
            "and not a django-insecure development key."
        )
    return value


def _check_hosts(hosts: list[str]) -> list[str]:
    if not hosts or any(not h.strip() or " " in h for h in hosts):
        raise ImproperlyConfigured("ALLOWED_HOSTS must be a comma-separated list of host names.")
    return hosts


def _check_database_url(value: str) -> dict:
    try:
        config = env.db_url_config(value)
    except Exception as exc:  # django-environ raises plain errors on a bad scheme
        raise ImproperlyConfigured(f"DATABASE_URL is malformed: {exc}") from exc
    if not config.get("ENGINE") or not config.get("NAME"):
        raise ImproperlyConfigured("DATABASE_URL is malformed: no engine or database name.")
    return config


def _check_site_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ImproperlyConfigured(
            "SITE_URL must be the site's public address, e.g. https://tandem.example.com "
            "(every link in an email is built from it)."
        )
    return value


def _check_debug_off() -> bool:
    if env.bool("DEBUG", default=False):
        raise ImproperlyConfigured(
            "DEBUG must be off in production: its error pages show settings and code to anyone."
        )
    return False


def _check_cache_url(value: str) -> str:
    # A per-process memory cache would multiply every limit by the number of processes.
    if urlsplit(value).scheme not in {"redis", "rediss", "unix"}:
        raise ImproperlyConfigured(
            "CACHE_URL must be a shared Redis cache in production, e.g. redis://redis:6379/1."
        )
    return value


IS_PRODUCTION = True
DEBUG = _check_debug_off()
SECRET_KEY = _check_secret_key(_require("SECRET_KEY"))
ALLOWED_HOSTS = _check_hosts(env.list("ALLOWED_HOSTS", default=[]))
DATABASES = {"default": _check_database_url(_require("DATABASE_URL"))}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
SITE_URL = _check_site_url(_require("SITE_URL"))
_check_cache_url(_require("CACHE_URL"))  # base.py built CACHES from it
if OIDC_ISSUER and not (OIDC_CLIENT_ID and OIDC_CLIENT_SECRET):  # noqa: F405
    raise ImproperlyConfigured(
        "OIDC_ISSUER is set: OIDC_CLIENT_ID and OIDC_CLIENT_SECRET must be set too."
    )
if OIDC_ISSUER and urlsplit(OIDC_ISSUER).scheme != "https":  # noqa: F405
    raise ImproperlyConfigured(
        "OIDC_ISSUER must be the provider's https:// address, e.g. "
        "https://login.microsoftonline.com/<tenant-id>/v2.0."
    )
# Eager tasks would make pages wait on the mail server, console email would lose every email:
# both development defaults are refused (base.py built the settings from these URLs).
_require("CELERY_BROKER_URL")
_require("EMAIL_URL")

# Required for HR coordinators, privacy officers, staff and superusers signing in with a password.
TWO_FACTOR_REQUIRED = env.bool("TWO_FACTOR_REQUIRED", default=True)

# Per gunicorn process (gthread, 8 threads): 4 pages at once, 2 waiting, the rest a quick 503
# (core.middleware.LoadShedMiddleware; the figures behind it: docs/benchmarks.md).
WEB_MAX_IN_FLIGHT = env.int("WEB_MAX_IN_FLIGHT", default=4)

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# The proxy (deploy/Caddyfile) terminates TLS and sets X-Forwarded-Proto; gunicorn listens only
# on the private network behind it, so nobody else can set the header. The proxy passes the
# Host header through unchanged, so USE_X_FORWARDED_HOST stays off.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True


def _check_saml() -> None:
    """SAML is either off (nothing set) or fully set: half a configuration is refused."""
    names = (
        "SAML_IDP_METADATA_URL",
        "SAML_IDP_METADATA_FILE",
        "SAML_SP_ENTITY_ID",
        "SAML_SP_KEY_FILE",
        "SAML_SP_CERT_FILE",
    )
    given = {name for name in names if env.str(name, default="")}
    if not given:
        return
    sources = given & {"SAML_IDP_METADATA_URL", "SAML_IDP_METADATA_FILE"}
    if len(sources) != 1:
        raise ImproperlyConfigured(
            "SAML sign-in needs exactly one of SAML_IDP_METADATA_URL or SAML_IDP_METADATA_FILE."
        )
    if "SAML_SP_ENTITY_ID" not in given:
        raise ImproperlyConfigured("SAML sign-in needs SAML_SP_ENTITY_ID (this site's entity ID).")
    if ("SAML_SP_KEY_FILE" in given) != ("SAML_SP_CERT_FILE" in given):
        raise ImproperlyConfigured("SAML_SP_KEY_FILE and SAML_SP_CERT_FILE go together.")
    for name in ("SAML_IDP_METADATA_FILE", "SAML_SP_KEY_FILE", "SAML_SP_CERT_FILE"):
        path = env.str(name, default="")
        if path and not Path(path).is_file():
            raise ImproperlyConfigured(f"{name} names no readable file: {path}")
    url = env.str("SAML_IDP_METADATA_URL", default="")
    if url and urlsplit(url).scheme != "https":
        raise ImproperlyConfigured("SAML_IDP_METADATA_URL must be an https:// address.")


_check_saml()
