"""Bad input never causes a 500: oversized bodies and uploads, NUL and other control characters.

PostgreSQL refuses NUL (0x00) in text, and psycopg raises before the query is sent, so a NUL
that slips past a form's validation turns into a 500. These tests send NULs and escape
characters through every query string and every form of the site, as each role.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from checkins.models import CheckIn
from imports.models import ImportBatch
from people.models import User
from tests.factories import PASSWORD
from tests.site.access_world import World, build_world

from .pages import QUERY_PARAMS, html_forms, page_paths

pytestmark = pytest.mark.django_db

NUL = "bad\x00value"
ESCAPE = "red \x1b[31m text \x07 bell"
# Forms whose success would end the walk for everyone (sign-out, erasure, closing a program).
SKIPPED_ACTIONS = ("/logout/", "/erase/", "/status/")


@pytest.fixture
def world(db) -> World:
    return build_world()


def _client(user: User) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _forms(html: str) -> list[tuple[str, dict[str, str]]]:
    """Every POST form of a page, its text fields filled with NUL, the rest as a browser sends."""
    forms = []
    for form in html_forms(html):
        if form.method != "post":
            continue
        fields: dict[str, str] = {}
        for f in form.fields:
            if f.kind in {"checkbox", "radio"}:
                fields.setdefault(f.name, f.value or "on")
            elif f.kind in {"text", "textarea"} and f.name != "csrfmiddlewaretoken":
                fields[f.name] = NUL
            elif f.kind == "select":
                if f.value:
                    fields.setdefault(f.name, f.value)
            elif f.kind != "file":
                fields[f.name] = f.value
        forms.append((form.action, fields))
    return forms


def test_it_refuses_a_form_body_over_the_limit_with_a_400(world: World, settings) -> None:
    client = _client(world.mentee)
    huge = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1024)
    response = client.post(reverse("people:profile_edit"), {"full_name": huge})
    assert response.status_code == 400
    assert User.objects.get(pk=world.mentee.pk).full_name == world.mentee.full_name


def test_it_refuses_too_many_form_fields_with_a_400(world: World, settings) -> None:
    client = _client(world.mentee)
    fields = {f"f{i}": "1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 10)}
    response = client.post(reverse("people:profile_edit"), fields)
    assert response.status_code == 400


def test_it_refuses_a_csv_over_the_upload_limit_with_a_clear_message(world: World) -> None:
    client = _client(world.hr)
    big = SimpleUploadedFile(
        "people.csv", b"email,full_name\n" + b"a" * (6 * 1024 * 1024), content_type="text/csv"
    )
    response = client.post(reverse("imports:people_upload"), {"file": big})
    assert response.status_code == 200
    assert "the limit is 5 MB" in response.content.decode()
    assert not ImportBatch.objects.filter(filename="people.csv").exists()


def test_it_reports_a_control_character_in_a_csv_by_line(world: World) -> None:
    client = _client(world.hr)
    text = "email,full_name,job_title\nnew.person@example.com,New\x1bPerson,Engineer\n"
    upload = SimpleUploadedFile("people.csv", text.encode(), content_type="text/csv")
    response = client.post(reverse("imports:people_upload"), {"file": upload}, follow=True)
    assert response.status_code == 200
    assert "control character" in response.content.decode()
    assert not User.objects.filter(email="new.person@example.com").exists()


def test_it_never_fails_on_nul_in_a_query_string(world: World) -> None:
    query = "?" + "&".join(f"{name}=%00x" for name in QUERY_PARAMS)
    failures = []
    for user in (world.hr, world.mentee, world.mentor):
        client = _client(user)
        for path in page_paths(world):
            response = client.get(path + query)
            if response.status_code >= 500:
                failures.append((user.email, path, response.status_code))
    assert not failures


def test_it_answers_a_nul_in_the_calendar_feed_address_with_a_400(world: World) -> None:
    # No sign-in: the token in the address is the credential, and it is looked up in the database.
    response = Client(raise_request_exception=False).get("/reminders/calendar/abc%00def.ics")
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()


def test_it_answers_a_nul_in_a_form_field_name_with_a_400(world: World) -> None:
    client = _client(world.mentee)
    response = client.post(
        reverse("people:profile_edit"),
        {"location": "Lisbon", "timezone": "Europe/Lisbon", "x\x00": "1"},
    )
    assert response.status_code == 400
    assert User.objects.get(pk=world.mentee.pk).location != "Lisbon"


def test_it_answers_a_nul_in_the_session_cookie_with_a_400(world: World) -> None:
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "abcdefgh\x00ijklmnop"
    response = client.get(reverse("people:my_data"))
    assert response.status_code == 400


@pytest.mark.parametrize(
    "content",
    [
        b"email,full_name\x00\nx@example.com,X\n",
        b"email,full_name\nx@example.com,X\x00Y\n",
        "email,full_name\n".encode("utf-16-le"),
    ],
    ids=["header", "cell", "utf-16"],
)
@pytest.mark.parametrize("upload", ["imports:people_upload", "imports:enrolment_upload"])
def test_it_refuses_a_csv_with_a_nul_byte_with_a_clear_message(world: World, upload, content):
    args = [world.p.slug] if upload == "imports:enrolment_upload" else []
    batches = ImportBatch.objects.count()
    response = _client(world.hr).post(
        reverse(upload, args=args),
        {
            "file": SimpleUploadedFile("nul.csv", content, content_type="text/csv"),
        },
    )
    assert response.status_code == 200
    assert "contains a NUL byte" in response.content.decode()
    assert ImportBatch.objects.count() == batches


def test_it_never_fails_on_nul_in_a_sign_in(world: World) -> None:
    response = Client(raise_request_exception=False).post(
        reverse("login"), {"username": "mentee\x00@access.example", "password": PASSWORD}
    )
    assert response.status_code < 500


@pytest.mark.slow
def test_it_never_fails_on_nul_in_any_form_field(world: World) -> None:
    tried, failures = 0, []
    for user in (world.hr, world.mentee, world.mentor):
        client = _client(user)
        for path in page_paths(world):
            page = client.get(path)
            if page.status_code != 200 or "text/html" not in page.get("Content-Type", ""):
                continue
            for action, fields in _forms(page.content.decode()):
                target = action or path
                if any(skip in target for skip in SKIPPED_ACTIONS):
                    continue
                tried += 1
                response = client.post(target, fields)
                if response.status_code >= 500:
                    failures.append((user.email, path, target, sorted(fields)))
    print(f"\nNUL in every text field: {tried} form submissions, {len(failures)} 5xx")
    assert tried > 20
    assert not failures, failures


def test_it_stores_escape_characters_in_a_check_in_harmlessly(world: World) -> None:
    client = _client(world.mentee)
    response = client.post(
        reverse("checkins:create", args=[world.m.pk]),
        {
            "date": date.today().isoformat(),
            "duration_minutes": "45",
            "activity": "pair_programming",
            "shared_summary": ESCAPE,
            "private_notes": ESCAPE,
            "items-TOTAL_FORMS": "0",
            "items-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code in (200, 302)
    saved = CheckIn.objects.filter(shared_summary__contains="\x1b").first()
    print(f"\nESC/BEL in a check-in: {'stored as typed' if saved else 'refused'}")
    if response.status_code == 200:  # refused: the form says why, next to the field
        assert saved is None
        assert "control character" in response.content.decode().lower()
    else:  # kept as typed; templates escape it like any other text
        assert saved is not None and saved.shared_summary == ESCAPE
