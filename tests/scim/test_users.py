"""SCIM Users: create, read, filter, paginate, PATCH, PUT, DELETE, as Tandem people."""

import pytest
from django.contrib.auth import get_user_model

from people.models import Department
from scim.models import ScimUser
from tests import factories
from tests.scim.conftest import ENTERPRISE, user_payload

User = get_user_model()
pytestmark = pytest.mark.django_db


def create(scim, user_name, **kwargs):
    response = scim.post("Users", user_payload(user_name, **kwargs))
    assert response.status_code == 201, response.content
    return response.json()


def test_it_creates_a_person_with_department_and_manager(scim):
    boss = create(scim, "grace@example.com", display="Grace Hopper")
    body = create(
        scim,
        "Ada@Example.com",
        department="Platform",
        manager=boss["id"],
        title="Engineer",
        externalId="abc-1",
    )
    ada = User.objects.get(pk=int(body["id"]))
    assert ada.email == "ada@example.com"
    assert ada.full_name == "Ada Lovelace"
    assert ada.job_title == "Engineer"
    assert ada.department.name == "Platform"
    assert ada.manager_id == int(boss["id"])
    assert ada.is_active and not ada.has_usable_password() and ada.invited_at is not None
    assert ScimUser.objects.get(user=ada).external_id == "abc-1"
    assert body["userName"] == "Ada@Example.com"
    assert body[ENTERPRISE]["manager"]["value"] == boss["id"]
    assert body["meta"]["location"].endswith(f"/scim/v2/Users/{ada.pk}")


def test_it_reuses_an_existing_department_whatever_its_case(scim):
    department = factories.DepartmentFactory(name="Platform")
    body = create(scim, "ada@example.com", department="PLATFORM")
    assert User.objects.get(pk=int(body["id"])).department_id == department.pk
    assert Department.objects.count() == 1


def test_it_refuses_a_taken_user_name_with_409_uniqueness(scim):
    create(scim, "ada@example.com")
    response = scim.post("Users", user_payload("ADA@example.com", email="other@example.com"))
    assert response.status_code == 409
    body = response.json()
    assert body["status"] == "409" and body["scimType"] == "uniqueness"
    assert body["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    assert User.objects.filter(email="other@example.com").count() == 0


def test_it_refuses_an_email_a_person_already_has(scim):
    factories.UserFactory(email="ada@example.com")
    response = scim.post("Users", user_payload("ada"))
    assert response.status_code == 400  # "ada" isn't an email and no other email differs
    response = scim.post("Users", user_payload("ada", email="ADA@example.com"))
    assert response.status_code == 409


def test_it_refuses_an_unknown_manager_and_a_circle(scim):
    response = scim.post("Users", user_payload("ada@example.com", manager="999999"))
    assert response.status_code == 400 and response.json()["scimType"] == "invalidValue"
    boss = create(scim, "grace@example.com")
    ada = create(scim, "ada@example.com", manager=boss["id"])
    response = scim.patch(
        f"Users/{boss['id']}",
        {
            "op": "replace",
            "path": f"{ENTERPRISE}:manager",
            "value": ada["id"],
        },
    )
    assert response.status_code == 400
    assert User.objects.get(pk=int(boss["id"])).manager_id is None


def test_it_refuses_bad_json_and_bad_payloads_with_scim_errors(scim):
    response = scim.post("Users", "{not json")
    assert response.status_code == 400 and response.json()["scimType"] == "invalidSyntax"
    response = scim.post("Users", {"schemas": [], "displayName": "x"})
    assert response.status_code == 400 and response.json()["status"] == "400"


def test_it_answers_404_with_a_scim_error_for_an_unknown_user(scim):
    for path in ("Users/999999", "Users/nope", "Nothing/here"):
        response = scim.get(path)
        assert response.status_code == 404
        assert response.json()["status"] == "404"
        assert response["Content-Type"] == "application/scim+json"


def test_it_lists_people_made_by_the_csv_import_with_their_email_as_user_name(scim):
    imported = factories.UserFactory(email="imported@example.com", full_name="Imported Person")
    body = scim.get("Users", {"filter": 'userName eq "IMPORTED@example.com"'}).json()
    assert body["totalResults"] == 1
    assert body["Resources"][0]["id"] == str(imported.pk)
    assert body["Resources"][0]["userName"] == "imported@example.com"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('userName eq "ada@example.com"', {"ada"}),
        ('userName co "example.org"', {"grace"}),
        ('userName sw "AL"', {"alan"}),
        ('displayName sw "Alan" or displayName eq "Grace Hopper"', {"alan", "grace"}),
        ('emails co "lovelace" and active eq true', {"ada"}),
        ('emails[type eq "work" and value sw "grace"]', {"grace"}),
        ('emails.value ew ".org"', {"grace"}),
        ('externalId eq "ext-ada"', {"ada"}),
        ("externalId pr", {"ada"}),
        ('not (userName sw "a")', {"grace"}),
        (f'{ENTERPRISE}:department eq "platform"', {"alan"}),
    ],
)
def test_it_filters_users(scim, text, expected):
    ids = {
        "ada": create(
            scim, "ada@example.com", email="ada.lovelace@example.com", externalId="ext-ada"
        )["id"],
        "grace": create(scim, "grace@example.org", display="Grace Hopper")["id"],
        "alan": create(scim, "alan@example.com", display="Alan Turing", department="Platform")[
            "id"
        ],
    }
    body = scim.get("Users", {"filter": text}).json()
    found = {name for name, pk in ids.items() if pk in {r["id"] for r in body["Resources"] or []}}
    assert found == expected
    assert body["totalResults"] == len(expected)


@pytest.mark.parametrize("text", ["userName eq", 'nickName eq "x"', 'userName zz "x"', "("])
def test_it_refuses_a_bad_filter_with_invalid_filter(scim, text):
    response = scim.get("Users", {"filter": text})
    assert response.status_code == 400
    assert response.json()["scimType"] == "invalidFilter"


def test_it_paginates_with_start_index_and_count(scim):
    ids = [create(scim, f"p{i}@example.com")["id"] for i in range(5)]
    body = scim.get("Users", {"startIndex": 2, "count": 2}).json()
    assert body["totalResults"] == 5 and body["startIndex"] == 2 and body["itemsPerPage"] == 2
    assert [r["id"] for r in body["Resources"]] == ids[1:3]
    body = scim.get("Users", {"count": 0}).json()
    assert body["totalResults"] == 5 and body["itemsPerPage"] == 0
    assert scim.get("Users", {"count": "many"}).status_code == 400


def test_it_returns_only_the_attributes_asked_for(scim):
    create(scim, "ada@example.com")
    body = scim.get("Users", {"attributes": "userName"}).json()
    resource = body["Resources"][0]
    assert "userName" in resource and "emails" not in resource and "id" in resource


def test_it_patches_an_email_through_a_path_filter_and_the_title(scim):
    ada = create(scim, "ada@example.com")
    response = scim.patch(
        f"Users/{ada['id']}",
        {"op": "replace", "path": 'emails[type eq "work"].value', "value": "ada@new.example"},
        {"op": "add", "path": "title", "value": "Head of Platform"},
    )
    assert response.status_code == 200, response.content
    person = User.objects.get(pk=int(ada["id"]))
    assert person.email == "ada@new.example" and person.job_title == "Head of Platform"
    response = scim.patch(f"Users/{ada['id']}", {"op": "remove", "path": "title"})
    assert response.status_code == 200
    person.refresh_from_db()
    assert person.job_title == ""
    assert "title" not in response.json()


def test_it_takes_entra_style_patches_without_paths_and_with_a_bare_manager_id(scim):
    boss = create(scim, "grace@example.com")
    ada = create(scim, "ada@example.com")
    response = scim.patch(
        f"Users/{ada['id']}",
        {"op": "Replace", "value": {"displayName": "Ada King", "title": "CTO"}},
        {"op": "Add", "path": f"{ENTERPRISE}:manager", "value": boss["id"]},
        {"op": "Replace", "path": f"{ENTERPRISE}:department", "value": "Research"},
    )
    assert response.status_code == 200, response.content
    person = User.objects.get(pk=int(ada["id"]))
    assert (person.full_name, person.job_title) == ("Ada King", "CTO")
    assert person.manager_id == int(boss["id"]) and person.department.name == "Research"


def test_it_refuses_a_patch_on_an_unknown_path(scim):
    ada = create(scim, "ada@example.com")
    response = scim.patch(f"Users/{ada['id']}", {"op": "replace", "path": "nope[", "value": 1})
    assert response.status_code == 400
    assert response.json()["scimType"] in {"invalidPath", "invalidValue", "invalidSyntax"}


def test_it_replaces_a_person_with_put(scim):
    ada = create(scim, "ada@example.com", department="Platform", title="Engineer")
    payload = user_payload("ada@example.com", display="Ada King")
    response = scim.put(f"Users/{ada['id']}", payload)
    assert response.status_code == 200, response.content
    person = User.objects.get(pk=int(ada["id"]))
    assert person.full_name == "Ada King"
    assert person.job_title == "" and person.department is None


def test_it_deletes_by_deactivating_and_reactivates_on_return(scim, client):
    ada = create(scim, "ada@example.com")
    person = User.objects.get(pk=int(ada["id"]))
    assert scim.delete(f"Users/{ada['id']}").status_code == 204
    person.refresh_from_db()
    assert person.is_active is False  # still there: never deleted
    assert scim.get(f"Users/{ada['id']}").status_code == 404
    assert (
        scim.get("Users", {"filter": 'userName eq "ada@example.com"'}).json()["totalResults"] == 0
    )
    again = create(scim, "ada@example.com", display="Ada Lovelace")
    assert again["id"] == ada["id"] and again["active"] is True
    person.refresh_from_db()
    assert person.is_active is True


def test_it_answers_413_to_a_body_too_large(scim, settings):
    settings.SCIM_MAX_BODY_BYTES = 1000
    response = scim.post("Users", user_payload("ada@example.com", title="x" * 2000))
    assert response.status_code == 413
    assert response.json()["status"] == "413"
    assert not User.objects.filter(email="ada@example.com").exists()


def test_it_answers_405_with_a_scim_error_to_a_method_not_allowed(scim):
    response = scim.delete("Users")
    assert response.status_code == 405 and response.json()["status"] == "405"


def test_it_forgets_the_directory_copy_when_a_person_is_erased(scim):
    from people.services import person_erase

    ada = create(scim, "ada@example.com", name={"givenName": "Ada", "familyName": "Lovelace"})
    officer = factories.PrivacyOfficerFactory()
    person_erase(person=User.objects.get(pk=int(ada["id"])), by=officer)
    assert not ScimUser.objects.filter(user_id=int(ada["id"])).exists()
    assert scim.get(f"Users/{ada['id']}").status_code == 404
    assert (
        scim.get("Users", {"filter": 'userName eq "ada@example.com"'}).json()["totalResults"] == 0
    )


def test_it_refuses_a_nul_character_in_a_value_with_a_400(scim):
    response = scim.post("Users", user_payload("ada\u0000@example.com"))
    assert response.status_code == 400 and response.json()["scimType"] == "invalidValue"
    ada = create(scim, "ada@example.com")
    response = scim.patch(
        f"Users/{ada['id']}", {"op": "replace", "path": "title", "value": "x\u0000y"}
    )
    assert response.status_code == 400
    assert User.objects.get(pk=int(ada["id"])).job_title == ""
