"""The API's resources and machinery, on the access world (tests/site/access_world.py)."""

from __future__ import annotations

import re

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from api import scopes
from api.services import api_token_create
from audit.models import AuditEvent
from mentorships.models import EventKind, Mentorship, MentorshipStatus
from programs.models import Enrolment, EnrolmentStatus, Program, Skill
from tests.factories import EnrolmentFactory


def _token(user, token_scopes=scopes.SCOPES) -> Client:
    created = api_token_create(user=user, name="t", scopes=list(token_scopes), expires_in_days=1)
    return Client(HTTP_AUTHORIZATION=f"Bearer {created.secret}")


def _session(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def _post(client: Client, url: str, data: dict | None = None):
    return client.post(url, data=data or {}, content_type="application/json")


# --- machinery ---------------------------------------------------------------------------


def test_it_throttles_each_token_with_429_and_retry_after(world, settings):
    settings.API_RATE_TOKEN = "3/min"
    first, second = _token(world.mentee), _token(world.mentee)
    statuses = [first.get("/api/v1/programs/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = first.get("/api/v1/programs/")
    assert refused.json()["code"] == "throttled"
    assert 0 < int(refused["Retry-After"]) <= 60
    # Another token (even of the same person) has its own allowance.
    assert second.get("/api/v1/programs/").status_code == 200


def test_it_throttles_a_browser_session_per_person(world, settings):
    settings.API_RATE_SESSION = "2/min"
    client = _session(world.mentor)
    assert [client.get("/api/v1/programs/").status_code for _ in range(3)] == [200, 200, 429]
    assert _session(world.mentee).get("/api/v1/programs/").status_code == 200


def test_it_enforces_csrf_on_writes_from_the_browser_session(world):
    client = _session(world.hr, enforce_csrf_checks=True)
    url = reverse("api:mentorship-end", args=[world.m.pk])
    refused = _post(client, url, {"end_reason": "other", "reason": "Stop"})
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    assert Mentorship.objects.get(pk=world.m.pk).status == MentorshipStatus.ACTIVE
    page = client.get(reverse("api:docs"))
    csrf = re.search(r'data-csrf-token="([^"]+)"', page.content.decode()).group(1)
    done = client.post(
        url,
        data={"end_reason": "other", "reason": "Stop"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=csrf,
    )
    assert done.status_code == 200
    assert Mentorship.objects.get(pk=world.m.pk).status == MentorshipStatus.ENDED


def test_it_pages_with_a_cursor(world):
    client = _token(world.hr)
    first = client.get("/api/v1/people/", {"page_size": 2}).json()
    second = client.get(first["next"]).json()
    names = [p["full_name"] for p in first["results"] + second["results"]]
    assert len(first["results"]) == 2 and len(set(names)) == 4
    assert names == sorted(names)


def test_it_answers_bad_input_with_the_error_body(world):
    response = _token(world.hr).get("/api/v1/programs/", {"status": "sideways"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and "status" in body["errors"]


def test_it_answers_a_nul_in_the_query_with_the_json_error_body(world):
    response = _token(world.hr).get("/api/v1/people/", {"q": "a\x00b"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_it_answers_an_unknown_api_address_with_a_json_404(world):
    response = _token(world.hr).get("/api/v1/nothing/here")
    assert response.status_code == 404
    assert response.json() == {
        "status": 404,
        "code": "not_found",
        "detail": "Not found.",
        "errors": {},
    }


def test_it_documents_every_error_status_of_every_operation(world):
    schema = _session(world.mentee).get("/api/schema/").json()
    operations = [op for path in schema["paths"].values() for op in path.values()]
    assert len(operations) >= 18
    for operation in operations:
        for status in ("400", "401", "403", "404", "429"):
            content = operation["responses"][status]["content"]["application/json"]
            assert content["schema"] == {"$ref": "#/components/schemas/Error"}
        assert "Retry-After" in operation["responses"]["429"]["headers"]


def test_the_schema_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", tmp_path / "s.yaml")
    assert "openapi: 3" in (tmp_path / "s.yaml").read_text()


def test_the_docs_page_runs_no_inline_script_and_loads_vendored_files(world):
    response = _session(world.mentee).get(reverse("api:docs"))
    html = response.content.decode()
    assert "script-src 'self'" in response["Content-Security-Policy"]
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts and all("src=" in attrs and not body.strip() for attrs, body in scripts)
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "/static/api/swagger-init.js" in html
    assert "cdn" not in html.lower()


# --- people ------------------------------------------------------------------------------


def test_it_gives_hr_the_directory_fields_only(world):
    person = _token(world.other_hr).get(reverse("api:person-detail", args=[world.mentee.pk]))
    assert set(person.json()) == {
        "id",
        "full_name",
        "email",
        "job_title",
        "department",
        "manager",
        "web_url",
    }
    assert person.json()["manager"] == {"id": world.line_manager.pk, "full_name": "Lena Manager"}


def test_it_tells_anyone_who_they_are(world):
    me = _token(world.mentor, ["people:read"]).get(reverse("api:person-me")).json()
    assert me["email"] == "mentor@access.example"


def test_it_finds_people_by_name_email_or_department(world):
    found = _token(world.hr).get("/api/v1/people/", {"q": "mona"}).json()["results"]
    assert [p["email"] for p in found] == ["mentor@access.example"]


# --- programs ----------------------------------------------------------------------------


def test_it_hides_draft_programs_from_people_who_do_not_coordinate_them(world):
    Program.objects.filter(pk=world.o.pk).update(status="draft")
    mine = {p["slug"] for p in _token(world.hr).get("/api/v1/programs/").json()["results"]}
    theirs = {p["slug"] for p in _token(world.mentee).get("/api/v1/programs/").json()["results"]}
    assert "prog-o" in mine and "prog-o" not in theirs


def test_a_coordinator_moves_a_programs_status_through_the_service(world):
    url = reverse("api:program-change-status", args=[world.p.slug])
    response = _post(_token(world.hr), url, {"status": "closed"})
    assert response.status_code == 200 and response.json()["status"] == "closed"
    assert Program.objects.get(pk=world.p.pk).status == "closed"
    assert AuditEvent.objects.filter(action="program.status_changed", program=world.p).exists()


def test_a_forbidden_status_move_is_a_400_with_the_services_reason(world):
    url = reverse("api:program-change-status", args=[world.p.slug])
    response = _post(_token(world.hr), url, {"status": "draft"})
    assert response.status_code == 400
    assert Program.objects.get(pk=world.p.pk).status == "active"


# --- enrolments --------------------------------------------------------------------------


def test_a_person_enrols_through_the_api_and_waits_for_their_manager(world):
    skill = Skill.objects.first()
    response = _post(
        _token(world.mentor),
        "/api/v1/enrolments/",
        {
            "program": "prog-o",
            "role": "mentee",
            "skills": [{"skill": skill.pk, "level": 1, "target_level": 3}],
            "career_goal": "Lead the platform team",
        },
    )
    assert response.status_code == 201, response.content
    enrolment = Enrolment.objects.get(program=world.o, user=world.mentor)
    assert enrolment.status == EnrolmentStatus.PENDING  # the mentor has a manager
    assert enrolment.career_goal == "Lead the platform team"
    assert response.json()["details"]["career_goal"] == "Lead the platform team"


def test_enrolling_in_a_program_not_open_is_a_400(world):
    skill = Skill.objects.first()
    response = _post(
        _token(world.privacy_officer),
        "/api/v1/enrolments/",
        {"program": "prog-p", "role": "mentor", "skills": [{"skill": skill.pk, "level": 4}]},
    )
    assert response.status_code == 400
    assert "not open" in response.json()["detail"]


def test_a_manager_sees_a_reports_pending_enrolment_without_their_answers(world):
    seen = _token(world.line_manager).get(
        reverse("api:enrolment-detail", args=[world.pending_enrolment.pk])
    )
    assert seen.status_code == 200
    assert seen.json()["details"] is None
    own = _token(world.mentee).get(
        reverse("api:enrolment-detail", args=[world.pending_enrolment.pk])
    )
    assert own.json()["details"] is not None


def test_the_line_manager_approves_through_the_service(world):
    url = reverse("api:enrolment-decide", args=[world.pending_enrolment.pk])
    response = _post(_token(world.line_manager), url, {"decision": "approve"})
    assert response.status_code == 200 and response.json()["status"] == "approved"
    assert Enrolment.objects.get(pk=world.pending_enrolment.pk).decided_by == world.line_manager


def test_declining_without_a_reason_is_a_400_naming_the_field(world):
    url = reverse("api:enrolment-decide", args=[world.pending_enrolment.pk])
    response = _post(_token(world.line_manager), url, {"decision": "decline"})
    assert response.status_code == 400
    assert "reason" in response.json()["errors"]
    assert Enrolment.objects.get(pk=world.pending_enrolment.pk).status == "pending"


def test_withdrawing_ends_the_persons_pairings_in_that_program(world):
    enrolment = Enrolment.objects.get(program=world.p, user=world.mentee)
    response = _post(_token(world.mentee), reverse("api:enrolment-withdraw", args=[enrolment.pk]))
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    assert Mentorship.objects.get(pk=world.m.pk).status == MentorshipStatus.ENDED


def test_hr_sees_their_programs_enrolments_and_not_others(world):
    EnrolmentFactory(program=world.q, role="mentee")
    found = _token(world.hr).get("/api/v1/enrolments/", {"program": "prog-q"}).json()
    assert found["results"] == []


# --- mentorships -------------------------------------------------------------------------


def test_hr_ends_a_pairing_through_the_service_with_its_history(world):
    url = reverse("api:mentorship-end", args=[world.m.pk])
    response = _post(_token(world.hr), url, {"end_reason": "not_working", "reason": "No fit"})
    assert response.status_code == 200
    mentorship = Mentorship.objects.get(pk=world.m.pk)
    assert mentorship.status == MentorshipStatus.ENDED and mentorship.end_reason == "not_working"
    assert mentorship.events.filter(kind=EventKind.ENDED, by=world.hr).exists()


def test_participants_list_their_own_pairings_only(world):
    found = _token(world.mentor).get("/api/v1/mentorships/").json()["results"]
    assert [m["id"] for m in found] == [world.m.pk]
    assert found[0]["web_url"].endswith(f"/mentorships/{world.m.pk}/")


def test_hr_lists_their_programs_pairings_with_the_hr_page_link(world):
    found = _token(world.hr).get("/api/v1/mentorships/", {"program": "prog-p"}).json()["results"]
    assert [m["id"] for m in found] == [world.m.pk]
    assert "/hr/" in found[0]["web_url"]
