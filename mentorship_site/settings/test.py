"""Test settings: the real PostgreSQL and Redis of this machine."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "tandem-tests-only-" + "x" * 40
DATABASES = {
    "default": env.db("TEST_DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/tandem"),
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# A test's worker subprocess can write its emails to files instead, which outlive a killed worker.
if env.str("TANDEM_TEST_EMAIL_DIR", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = env.str("TANDEM_TEST_EMAIL_DIR")
# ... or hand them to a real SMTP server the test runs on this port (it may be down or slow).
if env.int("TANDEM_TEST_SMTP_PORT", default=0):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = "127.0.0.1"
    EMAIL_PORT = env.int("TANDEM_TEST_SMTP_PORT")
    EMAIL_USE_TLS = EMAIL_USE_SSL = False
    EMAIL_HOST_USER = EMAIL_HOST_PASSWORD = ""
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests run tasks eagerly. A test that needs a real worker starts one in a subprocess
# with TANDEM_TEST_BROKER_URL set, which both the worker and that test's client use.
TEST_BROKER_URL = env.str("TEST_BROKER_URL", default="redis://127.0.0.1:6379/15")
CELERY_BROKER_URL = env.str("TANDEM_TEST_BROKER_URL", default="")
CELERY_RESULT_BACKEND = CELERY_BROKER_URL or None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
AXES_ENABLED = True
# Webhook tests post to receivers on loopback.
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
# Slack and Teams tests talk to local servers on loopback.
CHAT_ALLOW_PRIVATE_ADDRESSES = True
