"""The role library: starter data, CSV and JSON import with row-level errors, export."""

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from careers.models import CareerPath, ChecklistItem, RoleSkill, WorkRole
from careers.services import roles_import, starter_roles_load
from tests import factories

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, int, int, int]:
    return (
        WorkRole.objects.count(),
        RoleSkill.objects.count(),
        ChecklistItem.objects.count(),
        CareerPath.objects.count(),
    )


def test_it_loads_about_twenty_starter_roles_with_skills_from_the_taxonomy(starter):
    roles, needs, items, paths = _counts()
    assert 18 <= roles <= 24 and needs > roles * 3 and items >= 10 and paths >= 15
    cloud = WorkRole.objects.get(title="Cloud operations engineer")
    assert cloud.family == "cloud"
    assert cloud.requirements.get(skill__name="Terraform").level == 3
    assert CareerPath.objects.filter(
        from_role__title="Help desk analyst", to_role__title="Systems administrator"
    ).exists()
    assert CareerPath.objects.filter(
        from_role__title="Network technician", to_role__title="Cloud operations engineer"
    ).exists()
    assert CareerPath.objects.filter(
        from_role__title="Software developer", to_role__title="Software architect"
    ).exists()


def test_it_loads_the_starter_roles_twice_without_duplicates(hr, starter):
    before = _counts()
    again = starter_roles_load(by=hr)
    assert again.ok and again.roles_created == 0 and again.paths_created == 0
    assert _counts() == before


def test_it_loads_the_starter_roles_from_the_command(hr):
    call_command("load_starter_roles")
    assert WorkRole.objects.filter(title="Help desk analyst").exists()


def test_it_refuses_an_import_by_someone_not_hr(db):
    with pytest.raises(PermissionDenied):
        roles_import(content="{}", fmt="json", by=factories.UserFactory())


def test_it_reports_every_bad_csv_row_in_plain_words_and_imports_nothing(hr):
    content = (
        "kind,role,family,description,skill,level,text,to_role\r\n"
        "requirement,Platform engineer,cloud,,Terraform,3,,\r\n"
        "requirement,Platform engineer,cloud,,Basket weaving,3,,\r\n"
        "requirement,Platform engineer,spaceships,,AWS,9,,\r\n"
        "checklist,,,,AWS,2,,\r\n"
        "path,Platform engineer,,,,,,Astronaut\r\n"
        "teleport,X,,,,,,\r\n"
    )
    result = roles_import(content=content, fmt="csv", by=hr)
    messages = dict(result.errors)
    assert set(messages) == {"Row 3", "Row 4", "Row 5", "Row 6", "Row 7"}
    assert "no skill called “Basket weaving”" in messages["Row 3"]
    assert "“spaceships” is not a family" in messages["Row 4"]
    assert "from 1 to 5, not “9”" in messages["Row 4"]
    assert "text is missing" in messages["Row 5"]
    assert "no role called “Astronaut”" in messages["Row 6"]
    assert "kind must be" in messages["Row 7"]
    assert _counts() == (0, 0, 0, 0)


def test_it_reports_bad_json_rows_and_invalid_json(hr):
    bad = json.dumps(
        {"roles": [{"title": "", "skills": [{"skill": "AWS", "level": "high"}]}, "x"], "paths": 3}
    )
    messages = dict(roles_import(content=bad, fmt="json", by=hr).errors)
    assert "“paths” must be a list" in messages["paths"]
    assert "role is missing" in messages["Role 1, skill 1"]
    assert "not “high”" in messages["Role 1, skill 1"]
    assert "Role 2" in messages
    broken = roles_import(content="{not json", fmt="json", by=hr)
    assert "not valid JSON" in broken.errors[0][1]
    assert _counts() == (0, 0, 0, 0)


def test_it_imports_what_it_exports(client_for, hr, starter):
    client = client_for(hr)
    exported = {}
    for fmt in ("csv", "json"):
        response = client.get(reverse("careers:export"), {"format": fmt})
        assert response.status_code == 200
        exported[fmt] = response.content.decode()
    before = _counts()
    for fmt, text in exported.items():
        WorkRole.objects.all().delete()
        ChecklistItem.objects.all().delete()
        result = roles_import(content=text, fmt=fmt, by=hr)
        assert result.ok, result.errors
        assert _counts() == before


def test_it_shows_row_errors_on_the_import_page_never_a_500(client_for, hr):
    client = client_for(hr)
    upload = SimpleUploadedFile(
        "roles.csv", b"kind,role,skill,level\r\nrequirement,Ops,Nope,2\r\n", "text/csv"
    )
    response = client.post(reverse("careers:import"), {"file": upload})
    assert response.status_code == 200
    assert "Row 2" in response.content.decode()
    assert "no skill called “Nope”" in response.content.decode()
    binary = SimpleUploadedFile("roles.csv", b"\xff\xfe\x00\x00garbage", "text/csv")
    response = client.post(reverse("careers:import"), {"file": binary})
    assert response.status_code == 200
    assert "UTF-8" in response.content.decode()
    header = SimpleUploadedFile("roles.csv", b"name,age\r\nx,1\r\n", "text/csv")
    response = client.post(reverse("careers:import"), {"file": header})
    assert "missing: kind, role, skill, level" in response.content.decode()


def test_it_loads_the_starter_roles_from_the_button_after_confirming(client_for, hr):
    client = client_for(hr)
    confirm = client.get(reverse("careers:starter_load"))
    assert confirm.status_code == 200 and WorkRole.objects.count() == 0
    response = client.post(reverse("careers:starter_load"))
    assert response.status_code == 302
    assert WorkRole.objects.filter(title="Cloud operations engineer").exists()


def test_it_edits_a_role_and_its_required_skills(client_for, hr, cloud_ops):
    aws = cloud_ops.requirements.get(skill__name="AWS").skill
    response = client_for(hr).post(
        reverse("careers:role_edit", args=[cloud_ops.pk]),
        {
            "title": "Cloud operations engineer",
            "family": "cloud",
            "description": "Runs the cloud.",
            "req-TOTAL_FORMS": "1",
            "req-INITIAL_FORMS": "0",
            "req-0-skill": aws.pk,
            "req-0-level": "4",
        },
    )
    assert response.status_code == 302
    assert list(RoleSkill.objects.filter(role=cloud_ops).values_list("skill", "level")) == [
        (aws.pk, 4)
    ]


def test_it_keeps_the_roles_page_queries_constant(
    client_for, hr, starter, django_assert_max_num_queries
):
    client = client_for(hr)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("careers:roles")).status_code == 200
    role = WorkRole.objects.get(title="Cloud operations engineer")
    with django_assert_max_num_queries(14):
        assert client.get(reverse("careers:role_edit", args=[role.pk])).status_code == 200


def test_it_answers_an_oversized_csv_field_with_a_message(hr):
    content = "kind,role,skill,level\r\nrequirement," + "x" * 200_000 + ",AWS,2\r\n"
    result = roles_import(content=content, fmt="csv", by=hr)
    assert result.errors and result.errors[0][0] == "File"
    assert _counts() == (0, 0, 0, 0)


def test_it_names_a_bad_csv_row_by_the_line_it_starts_on(hr):
    content = (
        "kind,role,family,description,skill,level,text,to_role\r\n"
        '\r\nrequirement,Platform engineer,cloud,"Two\r\nlines",Terraform,3,,\r\n'
        "teleport,X,,,,,,\r\n"
    )
    result = roles_import(content=content, fmt="csv", by=hr)
    assert [where for where, _ in result.errors] == ["Row 5"]
    assert _counts() == (0, 0, 0, 0)
