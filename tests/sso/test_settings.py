"""Production settings and OpenID Connect: a half configuration refuses to start."""

import pytest

from tests.site.test_settings import PROD, run_manage

# Each test starts manage.py in a subprocess: left out of `make test-fast`.
pytestmark = pytest.mark.slow


@pytest.mark.parametrize("missing", ["OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"])
def test_it_refuses_to_start_with_an_issuer_but_no_client(missing):
    env = {
        **PROD,
        "OIDC_ISSUER": "https://login.example.com",
        "OIDC_CLIENT_ID": "tandem",
        "OIDC_CLIENT_SECRET": "s3cret",
        missing: "",
    }
    result = run_manage(env, "check")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "OIDC_CLIENT_ID and OIDC_CLIENT_SECRET must be set" in result.stderr


# Each test starts manage.py in a subprocess: left out of `make test-fast`.
pytestmark = pytest.mark.slow


def test_it_refuses_an_issuer_that_is_not_https():
    env = {
        **PROD,
        "OIDC_ISSUER": "http://login.example.com",
        "OIDC_CLIENT_ID": "tandem",
        "OIDC_CLIENT_SECRET": "s3cret",
    }
    result = run_manage(env, "check")
    assert result.returncode != 0
    assert "OIDC_ISSUER must be the provider's https:// address" in result.stderr


def test_it_passes_check_deploy_with_oidc_and_sso_only_configured():
    env = {
        **PROD,
        "OIDC_ISSUER": "https://login.example.com",
        "OIDC_CLIENT_ID": "tandem",
        "OIDC_CLIENT_SECRET": "s3cret",
        "SSO_ONLY": "true",
    }
    result = run_manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
