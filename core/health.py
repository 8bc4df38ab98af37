"""Is this process able to serve? Database, cache, broker and migrations, each with a short timeout.

Served at /healthz by `HealthCheckMiddleware` (first in MIDDLEWARE) and run by
`python -m core.health` (exit status 0 or 1) for the worker and beat containers.

The middleware answers before SecurityMiddleware and CommonMiddleware, so the check is neither
redirected to HTTPS nor refused for its Host header: a container's own health check calls
http://127.0.0.1:8000/healthz, which is not an allowed host and not HTTPS. Nothing in the
answer depends on the Host header or the user, and it names no host, address or error text:
only "ok" or the kind of failure, per check.
"""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.http import HttpRequest, JsonResponse

logger = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
TIMEOUT = 2  # seconds, per check that opens a connection

# Applied migrations don't become pending again in a running process (new migrations come with
# new code, hence a new process), so once up to date the migration files aren't read again.
_migrations_up_to_date = False


def _database() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _cache() -> str:
    from django.core.cache import cache

    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    found = cache.get(key)
    cache.delete(key)
    return "ok" if found == "1" else "fail: a value written was not read back"


def _broker() -> str:
    url = settings.CELERY_BROKER_URL
    if not url:
        return "ok (none configured: tasks run in the web process)"
    from kombu import Connection

    options = {"socket_connect_timeout": TIMEOUT, "socket_timeout": TIMEOUT, "max_retries": 0}
    with Connection(url, connect_timeout=TIMEOUT, transport_options=options) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=TIMEOUT)
    return "ok"


def _migrations() -> str:
    global _migrations_up_to_date
    if _migrations_up_to_date:
        return "ok"
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        return f"fail: {len(plan)} migration(s) not applied"
    _migrations_up_to_date = True
    return "ok"


CHECKS = {"database": _database, "cache": _cache, "broker": _broker, "migrations": _migrations}


def run_checks() -> tuple[bool, dict[str, str]]:
    """Every check's result; True when all passed."""
    results: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as exc:  # any failure is an answer, never a 500
            logger.warning("Health check %s failed: %r", name, exc)
            results[name] = f"fail: {type(exc).__name__}"
    return all(r.startswith("ok") for r in results.values()), results


def health_response() -> JsonResponse:
    healthy, results = run_checks()
    response = JsonResponse(
        {"status": "ok" if healthy else "fail", "checks": results}, status=200 if healthy else 503
    )
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if request.path_info == HEALTH_PATH and request.method in {"GET", "HEAD"}:
            return health_response()
        return self.get_response(request)


def main() -> int:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship_site.settings.local")
    django.setup()
    healthy, results = run_checks()
    for name, result in results.items():
        print(f"{name}: {result}")
    return 0 if healthy else 1


if __name__ == "__main__":
    raise SystemExit(main())
