"""SCIM Groups are Tandem's departments: members are the people in the department."""

import pytest
from django.contrib.auth import get_user_model

from people.models import Department
from tests import factories

User = get_user_model()
pytestmark = pytest.mark.django_db
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"


def _group(scim, name, members=()):
    response = scim.post(
        "Groups",
        {
            "schemas": [GROUP],
            "displayName": name,
            "members": [{"value": str(m.pk)} for m in members],
        },
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_it_creates_a_department_with_its_members(scim):
    ada, alan = factories.UserFactory(), factories.UserFactory()
    body = _group(scim, "Platform", [ada, alan])
    department = Department.objects.get(pk=int(body["id"]))
    assert department.name == "Platform"
    assert set(department.members.values_list("pk", flat=True)) == {ada.pk, alan.pk}
    assert {m["value"] for m in body["members"]} == {str(ada.pk), str(alan.pk)}


def test_it_adds_and_removes_members_with_patch(scim):
    ada, alan, third = factories.UserFactory(), factories.UserFactory(), factories.UserFactory()
    third_department = third.department_id
    body = _group(scim, "Platform", [ada])
    response = scim.patch(
        f"Groups/{body['id']}", {"op": "add", "path": "members", "value": [{"value": str(alan.pk)}]}
    )
    assert response.status_code == 200, response.content
    response = scim.patch(
        f"Groups/{body['id']}", {"op": "remove", "path": f'members[value eq "{ada.pk}"]'}
    )
    assert response.status_code == 200, response.content
    ada.refresh_from_db()
    alan.refresh_from_db()
    third.refresh_from_db()
    assert ada.department is None and alan.department_id == int(body["id"])
    assert third.department_id == third_department


def test_it_filters_groups_by_display_name_and_member(scim):
    ada = factories.UserFactory()
    platform = _group(scim, "Platform", [ada])
    _group(scim, "Research")
    body = scim.get("Groups", {"filter": 'displayName eq "platform"'}).json()
    assert [g["id"] for g in body["Resources"]] == [platform["id"]]
    body = scim.get("Groups", {"filter": f'members[value eq "{ada.pk}"]'}).json()
    assert [g["id"] for g in body["Resources"]] == [platform["id"]]


def test_it_refuses_a_taken_name_and_an_unknown_member(scim):
    _group(scim, "Platform")
    response = scim.post("Groups", {"schemas": [GROUP], "displayName": "PLATFORM"})
    assert response.status_code == 409 and response.json()["scimType"] == "uniqueness"
    response = scim.post(
        "Groups", {"schemas": [GROUP], "displayName": "New", "members": [{"value": "999999"}]}
    )
    assert response.status_code == 400
    assert not Department.objects.filter(name="New").exists()


def test_it_deletes_the_department_but_keeps_its_people(scim):
    ada = factories.UserFactory()
    body = _group(scim, "Platform", [ada])
    assert scim.delete(f"Groups/{body['id']}").status_code == 204
    assert scim.get(f"Groups/{body['id']}").status_code == 404
    ada.refresh_from_db()
    assert ada.department is None and ada.is_active
