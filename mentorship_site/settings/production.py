"""Production settings: every secret must come from the environment."""

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


DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = _check_secret_key(_require("SECRET_KEY"))
ALLOWED_HOSTS = _check_hosts(env.list("ALLOWED_HOSTS", default=[]))
DATABASES = {"default": _check_database_url(_require("DATABASE_URL"))}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
