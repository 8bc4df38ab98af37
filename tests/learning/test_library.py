"""HR's library of learning resources: list, search, add, edit, delete with confirmation."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from learning.models import Resource
from tests import factories

pytestmark = pytest.mark.django_db


def _data(skill, **extra) -> dict:
    return {
        "skill": skill.pk,
        "title": "Kubernetes the hard way",
        "provider": "GitHub",
        "url": "https://github.com/kelseyhightower/kubernetes-the-hard-way",
        "kind": "lab",
        "level": 4,
        **extra,
    }


def test_it_adds_a_resource_for_hr(client_for, hr_user, skill) -> None:
    response = client_for(hr_user).post(reverse("learning:resource_create"), _data(skill))
    assert response.status_code == 302
    found = Resource.objects.get()
    assert (found.skill_id, found.kind, found.level, found.created_by_id) == (
        skill.pk,
        "lab",
        4,
        hr_user.pk,
    )


@pytest.mark.parametrize("url", ["ftp://example.com/file", "javascript:alert(1)", "not a link"])
def test_it_refuses_a_link_that_is_not_http(client_for, hr_user, skill, url) -> None:
    response = client_for(hr_user).post(reverse("learning:resource_create"), _data(skill, url=url))
    assert response.status_code == 200
    assert "Enter a valid URL" in response.content.decode()
    assert not Resource.objects.exists()


def test_it_refuses_the_same_link_twice_for_a_skill_in_plain_words(
    client_for, hr_user, skill
) -> None:
    client = client_for(hr_user)
    client.post(reverse("learning:resource_create"), _data(skill))
    response = client.post(reverse("learning:resource_create"), _data(skill, title="Again"))
    assert response.status_code == 200
    assert "already has a resource with this link" in response.content.decode()
    assert Resource.objects.count() == 1


def test_it_edits_a_resource(client_for, hr_user, skill, resources) -> None:
    target = resources[0]
    response = client_for(hr_user).post(
        reverse("learning:resource_edit", args=[target.pk]), _data(skill, title="Renamed")
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.title, target.level) == ("Renamed", 4)


def test_it_asks_before_deleting_and_deletes_on_post(client_for, hr_user, resources) -> None:
    client = client_for(hr_user)
    url = reverse("learning:resource_delete", args=[resources[0].pk])
    page = client.get(url)
    assert page.status_code == 200 and "Delete this resource?" in page.content.decode()
    assert Resource.objects.filter(pk=resources[0].pk).exists()
    assert client.post(url).status_code == 302
    assert not Resource.objects.filter(pk=resources[0].pk).exists()


@pytest.mark.parametrize("name", ["resources", "resource_create", "certifications"])
def test_it_refuses_the_library_to_non_hr(client_for, stranger, name) -> None:
    assert client_for(stranger).get(reverse(f"learning:{name}")).status_code == 403


def test_it_refuses_edit_and_delete_to_non_hr_and_changes_nothing(
    client_for, stranger, skill, resources
) -> None:
    client = client_for(stranger)
    target = resources[0]
    assert (
        client.post(
            reverse("learning:resource_edit", args=[target.pk]), _data(skill, title="X")
        ).status_code
        == 403
    )
    assert client.post(reverse("learning:resource_delete", args=[target.pk])).status_code == 403
    target.refresh_from_db()
    assert target.title == "Kubernetes level 1"


def test_it_searches_and_pages_the_library(client_for, hr_user, skill, resources) -> None:
    client = client_for(hr_user)
    page = client.get(reverse("learning:resources"), {"q": "level 3"}).content.decode()
    assert "Kubernetes level 3" in page and "Kubernetes level 4" not in page
    empty = client.get(reverse("learning:resources"), {"q": "zzz"}).content.decode()
    assert "No resource matches this search." in empty
    Resource.objects.bulk_create(
        Resource(skill=skill, title=f"R{i}", url=f"https://e.com/{i}", kind="book", level=1)
        for i in range(30)
    )
    second = client.get(reverse("learning:resources"), {"page": 2}).content.decode()
    assert "Page 2 of 2" in second


def test_it_lists_the_library_in_constant_queries(client_for, hr_user, skill) -> None:
    client = client_for(hr_user)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("learning:resources")).status_code == 200
        return len(ctx.captured_queries)

    Resource.objects.create(skill=skill, title="One", url="https://e.com/0", kind="book", level=1)
    count()  # the first request of a session warms caches
    few = count()
    other = factories.SkillFactory(name="Terraform")
    Resource.objects.bulk_create(
        Resource(skill=s, title=f"R{i}", url=f"https://e.com/{i}", kind="course", level=2)
        for i, s in enumerate([skill, other] * 10, start=1)
    )
    assert count() == few
