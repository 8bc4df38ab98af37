import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.template.loader import render_to_string
from django.urls import reverse

from imports import csvcheck
from imports.models import BatchStatus, ImportBatch
from people.models import User
from programs.models import Enrolment
from tests import factories
from tests.imports.helpers import enrolment, enrolments_csv, people_csv, person

pytestmark = pytest.mark.django_db


def upload(content: str | bytes, name: str = "people.csv") -> SimpleUploadedFile:
    data = content.encode() if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type="text/csv")


@pytest.fixture
def program(hr_user):
    return factories.ProgramFactory(coordinators=[hr_user])


def test_it_walks_people_upload_preview_and_confirm(hr_user, client_for):
    client = client_for(hr_user)
    response = client.post(
        reverse("imports:people_upload"), {"file": upload(people_csv(person("new@example.com")))}
    )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == batch.get_absolute_url()
    page = client.get(batch.get_absolute_url())
    assert page.status_code == 200
    assert b"Confirm import" in page.content
    assert b"new@example.com" in page.content
    assert not User.objects.filter(email="new@example.com").exists()
    client.post(reverse("imports:confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == BatchStatus.APPLIED
    assert User.objects.filter(email="new@example.com").exists()


def test_it_shows_the_validation_report_with_lines(hr_user, client_for):
    client = client_for(hr_user)
    content = people_csv(
        person("a@example.com"), person("b@example.com", manager_email="nobody@example.com")
    )
    client.post(reverse("imports:people_upload"), {"file": upload(content)})
    batch = ImportBatch.objects.get()
    page = client.get(batch.get_absolute_url())
    assert batch.status == BatchStatus.FAILED
    assert b"Nothing was imported" in page.content
    assert b"<td>3</td><td><code>manager_email</code></td>" in page.content
    assert b"Confirm import" not in page.content


def test_it_double_confirm_applies_once(hr_user, client_for):
    client = client_for(hr_user)
    client.post(
        reverse("imports:people_upload"), {"file": upload(people_csv(person("twice@example.com")))}
    )
    batch = ImportBatch.objects.get()
    client.post(reverse("imports:confirm", args=[batch.pk]))
    User.objects.filter(email="twice@example.com").update(job_title="Changed after import")
    second = client.post(reverse("imports:confirm", args=[batch.pk]), follow=True)
    assert b"already imported" in second.content
    assert User.objects.get(email="twice@example.com").job_title == "Changed after import"


def test_it_refuses_confirm_by_get(hr_user, client_for):
    client = client_for(hr_user)
    client.post(
        reverse("imports:people_upload"), {"file": upload(people_csv(person("x@example.com")))}
    )
    batch = ImportBatch.objects.get()
    assert client.get(reverse("imports:confirm", args=[batch.pk])).status_code == 405
    assert not User.objects.filter(email="x@example.com").exists()


@pytest.mark.parametrize(
    "name", ["index", "people_upload", "people_template", "enrolment_template"]
)
def test_it_refuses_non_hr_employees(employee, client_for, name):
    assert client_for(employee).get(reverse(f"imports:{name}")).status_code == 403


def test_it_refuses_people_upload_by_non_hr(employee, client_for):
    response = client_for(employee).post(
        reverse("imports:people_upload"), {"file": upload(people_csv(person("sneaky@example.com")))}
    )
    assert response.status_code == 403
    assert not ImportBatch.objects.exists()


def test_it_redirects_anonymous_users_to_login(client):
    response = client.get(reverse("imports:index"))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_it_refuses_enrolment_import_by_hr_of_another_program(program, other_hr, client_for):
    user = factories.UserFactory(email="e@example.com")
    client = client_for(other_hr)
    url = reverse("imports:enrolment_upload", args=[program.slug])
    assert client.get(url).status_code == 403
    response = client.post(url, {"file": upload(enrolments_csv(enrolment(user.email)))})
    assert response.status_code == 403
    assert not ImportBatch.objects.exists()
    assert not Enrolment.objects.filter(program=program).exists()


def test_it_hides_and_refuses_another_programs_batch(program, hr_user, other_hr, client_for):
    user = factories.UserFactory(email="e@example.com")
    client_for(hr_user).post(
        reverse("imports:enrolment_upload", args=[program.slug]),
        {"file": upload(enrolments_csv(enrolment(user.email)), "secret-list.csv")},
    )
    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.PREVIEWED
    intruder = client_for(other_hr)
    assert intruder.get(batch.get_absolute_url()).status_code == 404
    assert intruder.post(reverse("imports:confirm", args=[batch.pk])).status_code == 404
    assert b"secret-list" not in intruder.get(reverse("imports:index")).content
    batch.refresh_from_db()
    assert batch.status == BatchStatus.PREVIEWED
    assert not Enrolment.objects.filter(program=program).exists()


def test_it_lets_only_the_uploader_confirm_a_people_import(hr_user, other_hr, client_for):
    client_for(hr_user).post(
        reverse("imports:people_upload"), {"file": upload(people_csv(person("p@example.com")))}
    )
    batch = ImportBatch.objects.get()
    assert client_for(other_hr).post(reverse("imports:confirm", args=[batch.pk])).status_code == 403
    assert not User.objects.filter(email="p@example.com").exists()


def test_it_imports_enrolments_for_a_coordinator(program, hr_user, client_for):
    user = factories.UserFactory(email="e@example.com")
    client = client_for(hr_user)
    client.post(
        reverse("imports:enrolment_upload", args=[program.slug]),
        {"file": upload(enrolments_csv(enrolment(user.email)), "e.csv")},
    )
    batch = ImportBatch.objects.get()
    client.post(reverse("imports:confirm", args=[batch.pk]))
    assert Enrolment.objects.get(program=program, user=user).role == "mentee"


def test_it_refuses_import_into_a_closed_program(hr_user, client_for):
    closed = factories.ProgramFactory(coordinators=[hr_user], status="closed")
    assert (
        client_for(hr_user).get(reverse("imports:enrolment_upload", args=[closed.slug])).status_code
        == 403
    )


@pytest.mark.parametrize(
    ("name", "filename", "header"),
    [
        (
            "people_template",
            "people-template.csv",
            "email,full_name,job_title,job_family,department,manager_email,hire_date,location,timezone,active",
        ),
        (
            "enrolment_template",
            "enrolments-template.csv",
            "email,role,capacity,skills,career_track,career_goal,communication_style,meeting_mode,"
            "years_experience,seniority,hours_per_month",
        ),
    ],
)
def test_it_downloads_templates_with_headers(hr_user, client_for, name, filename, header):
    response = client_for(hr_user).get(reverse(f"imports:{name}"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    lines = response.content.decode().splitlines()
    assert lines[0] == header
    assert len(lines) == 3


def test_it_accepts_its_own_people_template(hr_user, client_for):
    client = client_for(hr_user)
    template = client.get(reverse("imports:people_template")).content
    client.post(reverse("imports:people_upload"), {"file": upload(template)})
    assert ImportBatch.objects.get().errors == []


def test_it_refuses_a_too_large_upload_cleanly(hr_user, client_for):
    big = b"email,full_name\n" + b"x" * csvcheck.MAX_BYTES
    response = client_for(hr_user).post(reverse("imports:people_upload"), {"file": upload(big)})
    assert response.status_code == 200
    assert "the limit is 5 MB" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_it_refuses_a_non_utf8_upload_cleanly(hr_user, client_for):
    data = "email,full_name\njose@example.com,José\n".encode("latin-1")
    response = client_for(hr_user).post(reverse("imports:people_upload"), {"file": upload(data)})
    assert response.status_code == 200
    assert "UTF-8 text" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_it_refuses_too_many_rows_cleanly(hr_user, client_for, monkeypatch):
    monkeypatch.setattr(csvcheck, "MAX_ROWS", 3)
    content = people_csv(*[person(f"p{i}@example.com") for i in range(4)])
    response = client_for(hr_user).post(reverse("imports:people_upload"), {"file": upload(content)})
    assert response.status_code == 200
    assert "more than 3 rows" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_it_keeps_history_queries_constant(hr_user, client_for, django_assert_max_num_queries):
    client = client_for(hr_user)
    program = factories.ProgramFactory(coordinators=[hr_user])
    for total in (3, 20):
        while ImportBatch.objects.count() < total:
            ImportBatch.objects.create(
                kind="enrolments",
                program=program,
                uploaded_by=hr_user,
                filename="x.csv",
                content="",
                status=BatchStatus.APPLIED,
            )
            ImportBatch.objects.create(
                kind="people",
                uploaded_by=hr_user,
                filename="p.csv",
                content="",
                status=BatchStatus.FAILED,
            )
        with django_assert_max_num_queries(10):
            assert client.get(reverse("imports:index")).status_code == 200


def test_it_paginates_long_error_reports(hr_user, client_for):
    batch = ImportBatch.objects.create(
        kind="people",
        uploaded_by=hr_user,
        filename="p.csv",
        content="",
        status=BatchStatus.FAILED,
        errors=[{"line": n, "column": "email", "message": "bad"} for n in range(2, 252)],
    )
    page = client_for(hr_user).get(batch.get_absolute_url() + "?page=3")
    assert page.status_code == 200
    assert b"Page 3 of 3" in page.content
    assert b"<td>202</td>" in page.content


def test_it_offers_the_enrolment_import_on_the_program_manage_panel(program):
    html = render_to_string("imports/_manage_panel.html", {"program": program})
    assert reverse("imports:enrolment_upload", args=[program.slug]) in html
    program.status = "closed"
    assert "no longer be imported" in render_to_string(
        "imports/_manage_panel.html", {"program": program}
    )


def test_it_reports_a_database_conflict_without_an_error_page(hr_user, client_for, monkeypatch):
    client = client_for(hr_user)
    client.post(
        reverse("imports:people_upload"), {"file": upload(people_csv(person("c@example.com")))}
    )
    batch = ImportBatch.objects.get()

    def conflict(**kwargs):
        raise IntegrityError("duplicate key")

    monkeypatch.setattr("imports.services._apply", conflict)
    response = client.post(reverse("imports:confirm", args=[batch.pk]), follow=True)
    batch.refresh_from_db()
    assert response.status_code == 200
    assert batch.status == BatchStatus.FAILED
    assert b"Nothing was imported" in response.content


def test_it_asks_for_a_file_when_none_is_sent(hr_user, client_for):
    response = client_for(hr_user).post(reverse("imports:people_upload"), {})
    assert response.status_code == 200
    assert b"This field is required" in response.content
    assert not ImportBatch.objects.exists()


def test_it_folds_the_programs_to_import_into_after_the_first_six(hr_user, client_for):
    for i in range(8):
        factories.ProgramFactory(name=f"Program {i}", status="active", coordinators=[hr_user])
    html = client_for(hr_user).get(reverse("imports:index")).content.decode()
    assert "2 more programs" in html
    assert all(f"Import into Program {i}" in html for i in range(8))
