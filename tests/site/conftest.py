"""The access-control world, built once per module for tests that make many requests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import transaction

from tests.conftest import restore_migration_seed_data
from tests.site.access_world import World, build_world


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker) -> Iterator[World]:
    """Built once per module inside a transaction that is rolled back at the end.

    Each test still runs in its own savepoint (the `db` fixture), so whatever a request
    changes is undone before the next test: every test sees the same world.
    Building it per test would cost ~0.5 s x ~800 (URL, role) pairs.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        restore_migration_seed_data()  # a transactional test before this module may have flushed
        built = build_world()
        yield built
        transaction.set_rollback(True)


@pytest.fixture
def world(shared_world: World, db) -> World:
    return shared_world
