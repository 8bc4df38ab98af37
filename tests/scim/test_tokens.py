"""Bearer tokens: made by a superuser, printed once, stored hashed, revocable, audited."""

import hashlib
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from audit.models import AuditEvent
from scim.models import ScimToken
from scim.services import token_create, token_revoke
from tests import factories
from tests.scim.conftest import ScimClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return factories.UserFactory(email="root@example.com", is_superuser=True, is_staff=True)


def test_it_prints_the_token_once_and_stores_only_its_digest(superuser):
    out = io.StringIO()
    call_command("create_scim_token", "--name", "Okta", stdout=out)
    raw = out.getvalue().strip().splitlines()[-1]
    token = ScimToken.objects.get()
    assert token.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in str(ScimToken.objects.values().get())
    assert token.created_by == superuser
    event = AuditEvent.objects.get(action="scim.token_created")
    assert event.actor == superuser and raw not in str(event.payload)
    assert ScimClient(raw).get("ServiceProviderConfig").status_code == 200


def test_it_needs_a_superuser_to_create_a_token():
    factories.UserFactory(email="someone@example.com")
    with pytest.raises(CommandError):
        call_command("create_scim_token", "--name", "Okta", stdout=io.StringIO())
    assert not ScimToken.objects.exists()


def test_it_refuses_a_revoked_token_with_401(superuser):
    token, raw = token_create(name="Okta", by=superuser)
    call_command("revoke_scim_token", "Okta", stdout=io.StringIO())
    response = ScimClient(raw).get("Users")
    assert response.status_code == 401
    assert response.json()["status"] == "401"
    assert AuditEvent.objects.filter(action="scim.token_revoked").count() == 1
    assert token_revoke(token=token, by=superuser) is False  # twice: nothing more
    assert AuditEvent.objects.filter(action="scim.token_revoked").count() == 1


@pytest.mark.parametrize("header", [None, "Bearer ", "Bearer tandem_scim_wrong", "Basic abc"])
def test_it_refuses_requests_without_a_valid_token(db, header):
    client = Client()
    headers = {"Authorization": header} if header else {}
    for method in ("get", "post", "delete"):
        response = getattr(client, method)("/scim/v2/Users", headers=headers)
        assert response.status_code == 401
        body = response.json()
        assert body["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
        assert body["status"] == "401"
        assert "Bearer" in response["WWW-Authenticate"]


def test_it_refuses_a_signed_in_hr_coordinator_without_a_token(db):
    client = Client()
    client.force_login(factories.HRFactory())
    assert client.get("/scim/v2/Users").status_code == 401
    assert client.post("/scim/v2/Users", {}).status_code == 401


def test_it_gives_a_token_no_access_outside_scim(scim_token):
    client = Client()
    response = client.get("/people/", headers={"Authorization": f"Bearer {scim_token[1]}"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_it_is_exempt_from_csrf_only_on_scim(scim):
    # The SCIM client enforces CSRF checks, as a browser would, and still creates people.
    response = scim.post(
        "Users",
        {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "ada@example.com"},
    )
    assert response.status_code == 201
    client = Client(enforce_csrf_checks=True)
    client.force_login(factories.UserFactory())
    assert client.post("/people/me/edit/").status_code == 403


def test_it_lets_a_superuser_revoke_a_token_in_the_admin(superuser):
    token, raw = token_create(name="Okta", by=superuser)
    client = Client()
    client.force_login(superuser)
    page = client.get("/admin/scim/scimtoken/")
    assert page.status_code == 200 and token.digest not in page.content.decode()
    response = client.post(
        "/admin/scim/scimtoken/",
        {
            "action": "revoke",
            "_selected_action": [token.pk],
        },
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert ScimClient(raw).get("Users").status_code == 401
