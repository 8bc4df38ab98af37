"""A real OpenID Connect provider for the tests: django-oidc-provider in a small Django project
of its own (its own SQLite file, its own RSA key), started by tests/sso/idp.py as a process."""

import json
import os

CONFIG = json.loads(os.environ["IDP_CONFIG"])

SECRET_KEY = "test-identity-provider-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "oidc_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "idp_urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [os.path.join(os.path.dirname(__file__), "templates")],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": CONFIG["db"]}}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
USE_TZ = True
LOGIN_URL = "/accounts/login/"
# Tandem and this provider both run on loopback: cookies don't tell ports apart.
SESSION_COOKIE_NAME = "idp_sessionid"
CSRF_COOKIE_NAME = "idp_csrftoken"

OIDC_IDTOKEN_INCLUDE_CLAIMS = True  # email in the ID token, as Entra, Okta, Google do
OIDC_IDTOKEN_EXPIRE = CONFIG.get("idtoken_expire", 600)
OIDC_USERINFO = "idp_settings.userinfo"
OIDC_IDTOKEN_PROCESSING_HOOK = "idp_settings.add_amr"


def userinfo(claims, user):
    claims["email"] = user.email
    claims["email_verified"] = not user.last_name.startswith("unverified")
    claims["name"] = user.get_full_name()
    return claims


def add_amr(id_token, user, **kwargs):
    # People whose last name says so signed in with a second factor.
    id_token["amr"] = ["pwd", "mfa"] if "mfa" in user.last_name else ["pwd"]
    return id_token
