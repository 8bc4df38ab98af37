"""The Django admin is for staff only, follows model permissions and never shows private notes."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import NoReverseMatch, reverse

from checkins.models import CheckIn
from tests.factories import UserFactory
from tests.site.access_world import PRIVATE_NOTE, ROLES, SIGNED_IN, World, build_world

ADMIN_LOGIN = "/admin/login/"


@pytest.fixture
def world(db) -> World:
    return build_world()


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def superuser(db):
    return UserFactory(email="root@access.example", is_staff=True, is_superuser=True)


def test_it_sends_anonymous_visitors_to_the_admin_sign_in(db):
    response = Client().get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(ADMIN_LOGIN)


@pytest.mark.parametrize("role", sorted(SIGNED_IN))
def test_it_refuses_the_admin_to_every_role_that_is_not_staff(world, role):
    client = client_for(world.user(role))
    for url in (
        "/admin/",
        "/admin/checkins/checkin/",
        "/admin/people/user/",
        f"/admin/mentorships/mentorship/{world.m.pk}/change/",
    ):
        response = client.get(url)
        assert response.status_code == 302, (role, url)
        assert response["Location"].startswith(ADMIN_LOGIN), (role, url)
    assert len(ROLES) == len(SIGNED_IN) + 1


def test_it_shows_staff_only_the_models_their_permissions_allow(world):
    staff = UserFactory(email="staff@access.example", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_checkin"))
    client = client_for(staff)
    index = client.get("/admin/")
    assert index.status_code == 200
    assert b"/admin/checkins/checkin/" in index.content
    assert b"/admin/people/user/" not in index.content
    assert b"/admin/mentorships/mentorship/" not in index.content
    assert client.get("/admin/checkins/checkin/").status_code == 200
    for url in (
        "/admin/people/user/",
        "/admin/mentorships/mentorship/",
        f"/admin/mentorships/goal/{world.goal.pk}/change/",
        "/admin/audit/auditevent/",
    ):
        assert client.get(url).status_code == 403, url
    # View permission only: the check-in can be read but not changed or deleted.
    change = client.post(f"/admin/checkins/checkin/{world.checkin.pk}/change/", {})
    assert change.status_code == 403
    assert (
        client.post(
            f"/admin/checkins/checkin/{world.checkin.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    assert CheckIn.objects.filter(pk=world.checkin.pk).exists()


def test_it_keeps_private_notes_out_of_the_checkin_admin_configuration():
    model_admin = admin.site._registry[CheckIn]
    request = None
    assert "private_notes" not in model_admin.list_display
    assert "private_notes" not in model_admin.get_search_fields(request)
    assert not any("private_notes" in str(f) for f in model_admin.list_filter)
    form = model_admin.get_form(request)
    assert "private_notes" not in form.base_fields
    assert "private_notes" not in model_admin.get_readonly_fields(request)


def test_it_cannot_find_a_checkin_by_searching_for_its_private_notes(world, superuser):
    client = client_for(superuser)
    everything = client.get("/admin/checkins/checkin/")
    assert f"/admin/checkins/checkin/{world.checkin.pk}/change/".encode() in everything.content
    # The search box echoes the query, so only the absence of the row proves anything.
    found = client.get("/admin/checkins/checkin/", {"q": PRIVATE_NOTE})
    assert found.status_code == 200
    assert f"/admin/checkins/checkin/{world.checkin.pk}/change/".encode() not in found.content


def _admin_pages(world: World) -> list[str]:
    """Every registered model's list, plus change/history/delete pages of the world's rows."""
    urls = ["/admin/"]
    for model, _ in admin.site._registry.items():
        meta = model._meta
        try:
            urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        except NoReverseMatch:
            continue
        row = model.objects.order_by("pk").first()
        if row is None:
            continue
        for view in ("change", "history", "delete"):
            urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=[row.pk]))
    # The rows that hold or sit next to the notes, whatever comes first in each table.
    for name, obj in (
        ("checkins_checkin", world.checkin),
        ("mentorships_mentorship", world.m),
        ("mentorships_goal", world.goal),
        ("mentorships_agreement", world.agreement),
        ("people_user", world.mentee),
    ):
        for view in ("change", "history", "delete"):
            urls.append(reverse(f"admin:{name}_{view}", args=[obj.pk]))
    return urls


@pytest.mark.slow
def test_it_never_shows_private_notes_to_a_superuser_anywhere_in_the_admin(world, superuser):
    client = client_for(superuser)
    pages = _admin_pages(world)
    assert len(pages) > 40
    opened = 0
    for url in pages:
        response = client.get(url)
        # 403: an append-only model (the audit log) has no delete page, even for a superuser.
        assert response.status_code == 200 or (
            url.endswith("/delete/") and response.status_code == 403
        ), url
        assert PRIVATE_NOTE.encode() not in response.content, f"{url} shows private notes"
        opened += response.status_code == 200
    assert opened > 40
