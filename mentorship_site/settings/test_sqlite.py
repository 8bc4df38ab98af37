"""Test settings for the SQLite lane: the embedded default's database, everything else as test.py.

Every test that is not about PostgreSQL itself runs here too (`make test` runs both lanes), so
each feature keeps working on the SQLite database `make run` ships with.
"""

from .test import *  # noqa: F403
from .test import BASE_DIR

# An in-memory database per test run (Django's test runner shares it with the live server's
# thread); NAME only matters outside tests.
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": BASE_DIR / "test-db.sqlite3",
        "ATOMIC_REQUESTS": False,
        "CONN_MAX_AGE": 0,
    },
}
