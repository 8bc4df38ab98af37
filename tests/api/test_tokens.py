"""API tokens: made, shown once, stored hashed, scoped, expiring, revocable, audited."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from api.models import ApiToken, TokenKind
from api.services import api_token_create, api_token_revoke
from audit.models import AuditEvent
from tests.factories import HRFactory, ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db

PROGRAMS = "/api/v1/programs/"


def _bearer(secret: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_it_stores_only_the_sha256_of_the_secret_and_its_prefix():
    created = api_token_create(
        user=UserFactory(), name="Sync", scopes=["programs:read"], expires_in_days=30
    )
    token = ApiToken.objects.get(pk=created.token.pk)
    assert token.digest == hashlib.sha256(created.secret.encode()).hexdigest()
    assert created.secret.startswith("tdm_") and len(created.secret) > 40
    assert token.prefix == created.secret[:12]
    stored = " ".join(str(v) for v in ApiToken.objects.filter(pk=token.pk).values().get().values())
    assert created.secret not in stored


def test_it_authenticates_a_bearer_token_as_its_owner_and_records_the_last_use():
    ProgramFactory(slug="open-one", status="enrolling")
    created = api_token_create(
        user=UserFactory(), name="Sync", scopes=["programs:read"], expires_in_days=30
    )
    response = _bearer(created.secret).get(PROGRAMS)
    assert response.status_code == 200
    assert [p["slug"] for p in response.json()["results"]] == ["open-one"]
    assert ApiToken.objects.get(pk=created.token.pk).last_used_at is not None


def test_it_refuses_an_expired_token_with_401():
    created = api_token_create(
        user=UserFactory(), name="Old", scopes=["programs:read"], expires_in_days=1
    )
    ApiToken.objects.filter(pk=created.token.pk).update(expires_at=timezone.now())
    response = _bearer(created.secret).get(PROGRAMS)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_it_refuses_a_revoked_token_with_401_and_audits_the_revocation():
    owner = UserFactory()
    created = api_token_create(user=owner, name="Gone", scopes=["programs:read"], expires_in_days=1)
    api_token_revoke(token=created.token, by=owner)
    assert _bearer(created.secret).get(PROGRAMS).status_code == 401
    event = AuditEvent.objects.get(action="api_token.revoke")
    assert event.actor == owner and event.object_id == str(created.token.pk)


def test_it_audits_a_creation_without_the_secret():
    owner = UserFactory()
    created = api_token_create(user=owner, name="BI", scopes=["people:read"], expires_in_days=5)
    event = AuditEvent.objects.get(action="api_token.create")
    assert event.actor == owner
    assert event.payload["scopes"] == ["people:read"]
    assert created.secret not in str(event.payload) and created.secret not in event.object_label


def test_it_refuses_a_token_whose_scope_does_not_cover_the_request_with_403():
    created = api_token_create(
        user=UserFactory(), name="People", scopes=["mentorships:read"], expires_in_days=1
    )
    response = _bearer(created.secret).get(PROGRAMS)
    assert response.status_code == 403
    assert "programs:read" in response.json()["detail"]


@pytest.mark.parametrize(
    ("scopes", "message"),
    [([], "at least one"), (["programs:delete"], "Unknown scope"), (["metrics:write"], "Unknown")],
)
def test_it_refuses_unknown_or_no_scopes(scopes, message):
    with pytest.raises(ValidationError, match=message):
        api_token_create(user=UserFactory(), name="x", scopes=scopes, expires_in_days=1)


@pytest.mark.parametrize("days", [0, -1, 366])
def test_it_refuses_an_expiry_outside_one_day_to_a_year(days):
    with pytest.raises(ValidationError, match="expires"):
        api_token_create(user=UserFactory(), name="x", scopes=["people:read"], expires_in_days=days)


def test_it_lets_only_hr_coordinators_own_service_tokens():
    with pytest.raises(PermissionDenied):
        api_token_create(
            user=UserFactory(),
            name="HRIS",
            scopes=["people:read"],
            expires_in_days=30,
            kind=TokenKind.SERVICE,
        )
    created = api_token_create(
        user=HRFactory(), name="HRIS", scopes=["people:read"], expires_in_days=30, kind="service"
    )
    assert created.token.kind == TokenKind.SERVICE


def test_it_lets_another_hr_coordinator_revoke_a_service_token_but_not_a_personal_one():
    owner, colleague = HRFactory(), HRFactory()
    service = api_token_create(
        user=owner, name="HRIS", scopes=["people:read"], expires_in_days=30, kind="service"
    ).token
    personal = api_token_create(
        user=owner, name="Mine", scopes=["people:read"], expires_in_days=30
    ).token
    client = Client()
    client.force_login(colleague)
    assert client.get(reverse("api_tokens:revoke", args=[personal.pk])).status_code == 404
    assert client.post(reverse("api_tokens:revoke", args=[service.pk])).status_code == 302
    service.refresh_from_db()
    personal.refresh_from_db()
    assert service.revoked_by == colleague
    assert personal.revoked_at is None


def test_it_shows_the_secret_once_on_the_page_that_creates_the_token():
    user = UserFactory()
    client = Client()
    client.force_login(user)
    response = client.post(
        reverse("api_tokens:create"),
        {
            "name": "Laptop script",
            "scopes": ["programs:read", "mentorships:read"],
            "expires_in_days": 30,
        },
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(user=user)
    secret = response.context["secret"]
    assert secret in response.content.decode()
    assert hashlib.sha256(secret.encode()).hexdigest() == token.digest
    listing = client.get(reverse("api_tokens:list")).content.decode()
    assert token.prefix in listing and secret not in listing
    assert token.scopes == ["programs:read", "mentorships:read"]


def test_it_hides_the_service_kind_from_people_who_are_not_hr():
    client = Client()
    client.force_login(UserFactory())
    response = client.post(
        reverse("api_tokens:create"),
        {"name": "x", "scopes": ["people:read"], "expires_in_days": 3, "kind": "service"},
    )
    assert response.status_code == 200
    assert ApiToken.objects.get().kind == TokenKind.PERSONAL


def test_it_asks_for_confirmation_before_revoking():
    user = UserFactory()
    token = api_token_create(user=user, name="x", scopes=["people:read"], expires_in_days=3).token
    client = Client()
    client.force_login(user)
    page = client.get(reverse("api_tokens:revoke", args=[token.pk]))
    assert page.status_code == 200 and "Revoke token" in page.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None
    assert client.post(reverse("api_tokens:revoke", args=[token.pk])).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_it_shows_an_empty_state_without_tokens():
    client = Client()
    client.force_login(UserFactory())
    assert "You have no API tokens" in client.get(reverse("api_tokens:list")).content.decode()


def test_the_command_prints_the_secret_once_for_the_given_person():
    user = UserFactory(email="ci.bot@example.com")
    out, err = StringIO(), StringIO()
    call_command(
        "create_api_token",
        "--user",
        "CI.Bot@example.com",
        "--scopes",
        "programs:read,people:read",
        "--expires",
        "7",
        "--name",
        "CI",
        stdout=out,
        stderr=err,
    )
    secret = out.getvalue().strip()
    token = ApiToken.objects.get(user=user)
    assert hashlib.sha256(secret.encode()).hexdigest() == token.digest
    assert token.scopes == ["people:read", "programs:read"]
    assert token.expires_at - timezone.now() < timedelta(days=7, minutes=1)
    assert secret not in err.getvalue()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--user", "nobody@example.com", "--scopes", "people:read"], "No active person"),
        (["--user", "u@example.com", "--scopes", "people:fly"], "Unknown scope"),
        (["--user", "u@example.com", "--scopes", "people:read", "--service"], "HR coordinators"),
    ],
)
def test_the_command_explains_what_is_wrong(args, message):
    UserFactory(email="u@example.com")
    with pytest.raises(CommandError, match=message):
        call_command("create_api_token", *args, stdout=StringIO(), stderr=StringIO())
    assert not ApiToken.objects.exists()


def test_it_refuses_every_token_on_a_resource_that_forgot_its_scope_group():
    from types import SimpleNamespace

    from api.permissions import HasScope
    from api.scopes import SCOPES

    token = api_token_create(
        user=UserFactory(), name="all", scopes=list(SCOPES), expires_in_days=1
    ).token
    request = SimpleNamespace(auth=token, method="GET")
    assert not HasScope().has_permission(request, SimpleNamespace())
    assert HasScope().has_permission(request, SimpleNamespace(scope_free=True))
    assert HasScope().has_permission(request, SimpleNamespace(scope_group="people"))
