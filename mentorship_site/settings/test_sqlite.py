"""Test settings for the SQLite lane: the embedded default's database, everything else as test.py.

Every test that is not about PostgreSQL itself (marker `postgres`) runs here too, inside
`make test`, so each feature keeps working on the SQLite database `make run` ships with.
"""

from .test import *  # noqa: F403

# Django's test runner gives each run a shared in-memory database (the live server's thread
# uses the same one).
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": ":memory:",
        "ATOMIC_REQUESTS": False,
        "CONN_MAX_AGE": 0,
    },
}
