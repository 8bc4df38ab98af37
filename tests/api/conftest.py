"""The access-control world (tests/site), built once per module."""

from tests.site.conftest import shared_world, world  # noqa: F401
