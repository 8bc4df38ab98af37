"""SAML configuration: off unless configured, the sign-in button, metadata by file or cached
URL, plain pages when the IdP can't be reached, production refusing half a configuration."""

import os
import secrets
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from saml2.metadata import create_metadata_string

from tests.sso.saml_idp.idp import idp_config
from tests.sso.saml_idp.keys import make_key_pair

ROOT = Path(__file__).resolve().parents[2]
IDP = "https://idp.company.example"


@pytest.fixture
def idp_metadata(tmp_path) -> str:
    make_key_pair(tmp_path, "idp")
    conf = idp_config(IDP, str(tmp_path / "idp.key"), str(tmp_path / "idp.crt"), None)
    return create_metadata_string(None, config=conf, sign=False).decode()


@pytest.fixture
def saml_off(settings):
    settings.SAML_IDP_METADATA_URL = settings.SAML_IDP_METADATA_FILE = ""


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/metadata"


def test_it_answers_404_on_every_saml_page_while_saml_is_off(client, saml_off):
    assert client.get("/sso/saml/login/").status_code == 404
    assert client.get("/sso/saml/metadata/").status_code == 404
    assert client.post("/sso/saml/acs/", {"SAMLResponse": "x"}).status_code == 404


@pytest.mark.django_db
def test_it_shows_no_saml_button_while_saml_is_off(client, saml_off):
    assert "/sso/saml/login/" not in client.get("/accounts/login/").content.decode()


@pytest.mark.django_db
def test_it_shows_the_company_sign_in_button_when_saml_is_set_up(
    client, settings, tmp_path, idp_metadata
):
    settings.SAML_IDP_METADATA_FILE = str(tmp_path / "idp.xml")
    body = client.get("/accounts/login/?next=/programs/open/").content.decode()
    assert 'href="/sso/saml/login/?next=%2Fprograms%2Fopen%2F"' in body
    assert "Sign in with your company account" in body


def test_it_starts_sign_in_with_the_idp_metadata_from_a_file(
    client, settings, tmp_path, idp_metadata
):
    path = tmp_path / "idp.xml"
    path.write_text(idp_metadata)
    settings.SAML_IDP_METADATA_FILE = str(path)
    response = client.get("/sso/saml/login/")
    assert response.status_code == 302
    assert response["Location"].startswith(f"{IDP}/sso/redirect?SAMLRequest=")


def test_it_shows_a_plain_page_when_the_idp_metadata_cannot_be_fetched(client, settings):
    cache.clear()
    settings.SAML_IDP_METADATA_URL = closed_port_url()
    response = client.get("/sso/saml/login/")
    assert response.status_code == 503
    assert "be reached right now" in response.content.decode()


def test_it_keeps_the_last_good_idp_metadata_when_the_url_is_down(client, settings, idp_metadata):
    from sso import saml

    cache.clear()
    url = closed_port_url()
    settings.SAML_IDP_METADATA_URL = url
    cache.set(saml._metadata_cache_key(url, "last"), idp_metadata, timeout=None)
    response = client.get("/sso/saml/login/")
    assert response.status_code == 302
    assert response["Location"].startswith(f"{IDP}/sso/redirect?SAMLRequest=")


def test_it_reports_a_failed_metadata_refresh_and_keeps_the_last_good_copy(settings, idp_metadata):
    from sso import saml
    from sso.tasks import refresh_saml_metadata

    cache.clear()
    url = closed_port_url()
    settings.SAML_IDP_METADATA_URL = url
    cache.set(saml._metadata_cache_key(url, "last"), idp_metadata, timeout=None)
    assert refresh_saml_metadata() == "failed"
    assert cache.get(saml._metadata_cache_key(url, "last")) == idp_metadata


def test_it_refreshes_nothing_while_saml_is_off(saml_off):
    from sso.tasks import refresh_saml_metadata

    assert refresh_saml_metadata() == "off"


def test_it_shows_a_plain_page_when_the_metadata_names_no_identity_provider(
    client, settings, tmp_path
):
    path = tmp_path / "empty.xml"
    path.write_text('<EntitiesDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata"/>')
    settings.SAML_IDP_METADATA_FILE = str(path)
    response = client.get("/sso/saml/login/")
    assert response.status_code == 503
    assert "not set up correctly" in response.content.decode()


# --- production settings -----------------------------------------------------------------

PROD = {
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "tandem.example",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/tandem",
    "SITE_URL": "https://tandem.example",
    "CACHE_URL": "redis://127.0.0.1:6379/1",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_URL": "smtp://127.0.0.1:25",
}


def run_manage(overrides: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("SAML_") and k not in PROD and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update(
        {"DJANGO_SETTINGS_MODULE": "mentorship_site.settings.production", **PROD, **overrides}
    )
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def sp_files(tmp_path) -> dict[str, str]:
    key, cert = make_key_pair(tmp_path, "sp")
    return {"SAML_SP_KEY_FILE": str(key), "SAML_SP_CERT_FILE": str(cert)}


FULL = {
    "SAML_IDP_METADATA_URL": "https://login.company.example/federationmetadata.xml",
    "SAML_SP_ENTITY_ID": "https://tandem.example/sso/saml/metadata/",
}


@pytest.mark.slow
def test_it_passes_check_deploy_with_saml_fully_configured(sp_files):
    result = run_manage({**FULL, **sp_files}, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.slow
@pytest.mark.parametrize(
    ("drop", "add", "message"),
    [
        ("SAML_SP_ENTITY_ID", {}, "SAML_SP_ENTITY_ID"),
        ("SAML_IDP_METADATA_URL", {}, "exactly one of SAML_IDP_METADATA_URL"),
        ("", {"SAML_IDP_METADATA_FILE": "/etc/hosts"}, "exactly one of SAML_IDP_METADATA_URL"),
        ("SAML_SP_CERT_FILE", {}, "go together"),
        ("", {"SAML_SP_KEY_FILE": "/nonexistent/sp.key"}, "names no readable file"),
        ("", {"SAML_IDP_METADATA_URL": "http://login.company.example/m.xml"}, "https://"),
    ],
)
def test_it_refuses_to_start_with_half_a_saml_configuration(sp_files, drop, add, message):
    config = {k: v for k, v in {**FULL, **sp_files}.items() if k != drop}
    result = run_manage({**config, **add}, "check")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr
