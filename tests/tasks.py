"""A task for tests only: the worker tests' round trip and readiness probe.

The test process imports it through tests/conftest.py; a worker started by the tests imports it
with `--include tests.tasks`. Production code never sees it.
"""

from celery import shared_task


@shared_task(name="tests.tasks.echo")
def echo(value: str) -> str:
    """Returns what it was given and how many users the database holds (it is shared)."""
    from people.models import User  # after Django is set up: the worker imports this early

    return f"{value}:{User.objects.count()}"
