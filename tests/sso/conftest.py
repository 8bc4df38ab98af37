import pytest
from django.core.cache import cache

from tests.sso.idp import CLIENT_ID, CLIENT_SECRET, start_provider


@pytest.fixture(scope="session")
def oidc_provider(live_server, tmp_path_factory):
    """The test OpenID Connect provider, started once per run for the live server."""
    provider = start_provider(
        tandem_url=live_server.url, workdir=tmp_path_factory.mktemp("oidc-provider")
    )
    yield provider
    provider.stop()


@pytest.fixture
def oidc(oidc_provider, settings):
    """Tandem configured for the test provider (and its cached documents cleared after)."""
    settings.OIDC_ISSUER = oidc_provider.issuer
    settings.OIDC_CLIENT_ID = CLIENT_ID
    settings.OIDC_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_ALLOWED_DOMAINS = ["example.com"]
    yield oidc_provider
    cache.clear()
