"""Development settings: the embedded default of `make run` and `manage.py` with nothing set.

DEBUG on, a SQLite file in the checkout, Celery tasks run eagerly in the web process, emails
printed to the console, a memory cache. Setting DATABASE_URL / CELERY_BROKER_URL / EMAIL_URL /
CACHE_URL switches each part to its production shape (base.py reads the last three).
"""

from .base import *  # noqa: F403
from .base import BASE_DIR, CELERY_BROKER_URL, env

DEBUG = env.bool("DEBUG", default=True)
# Only good for development; production.py refuses to start with a django-insecure key.
SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-tandem-local-development-only")

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))

# No broker configured: run tasks in-process, eagerly.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL

# Development: a webhook receiver on this machine is fine.
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = env.bool("WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", default=True)
CHAT_ALLOW_PRIVATE_ADDRESSES = env.bool("CHAT_ALLOW_PRIVATE_ADDRESSES", default=True)
