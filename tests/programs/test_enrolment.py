"""Employees enrol, edit and withdraw; the program's state decides what is allowed."""

import pytest

from programs.models import Enrolment
from programs.services import SkillRow, enrolment_create
from tests.factories import (
    EnrolmentFactory,
    EnrolmentSkillFactory,
    ProgramFactory,
    SkillFactory,
    UserFactory,
)
from tests.programs.helpers import details, skill_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def program():
    return ProgramFactory(status="enrolling", default_mentor_capacity=3)


@pytest.fixture
def skills():
    return [SkillFactory(name="Kubernetes"), SkillFactory(name="Terraform")]


def enrol_url(program, role: str) -> str:
    return f"/programs/{program.slug}/enrol/{role}/"


def test_it_shows_enrol_buttons_on_an_enrolling_program(client_for, employee, program):
    body = client_for(employee).get(f"/programs/{program.slug}/").content.decode()
    assert enrol_url(program, "mentor") in body
    assert enrol_url(program, "mentee") in body


def test_it_offers_only_peer_in_a_peer_program(client_for, employee):
    program = ProgramFactory(format="peer")
    body = client_for(employee).get(f"/programs/{program.slug}/").content.decode()
    assert enrol_url(program, "peer") in body
    assert enrol_url(program, "mentor") not in body
    assert client_for(employee).get(enrol_url(program, "mentor")).status_code == 404


def test_it_shows_the_form_with_my_timezone(client_for, employee, program, skills):
    response = client_for(employee).get(enrol_url(program, "mentee"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Europe/London" in body
    assert "Kubernetes" in body


def test_it_enrols_a_mentee_with_skills(client_for, employee, program, skills):
    data = {**details(), **skill_rows([(skills[0], 1, 4), (skills[1], 2, 3)], extra=2)}
    response = client_for(employee).post(enrol_url(program, "mentee"), data)
    assert response.status_code == 302
    enrolment = Enrolment.objects.get(program=program, user=employee)
    assert (enrolment.role, enrolment.status, enrolment.career_track) == (
        "mentee",
        "approved",
        "cloud",
    )
    assert enrolment.capacity == 1
    rows = sorted(enrolment.skills.values_list("skill__name", "level", "target_level"))
    assert rows == [("Kubernetes", 1, 4), ("Terraform", 2, 3)]


def test_it_enrols_a_mentor_with_proficiency_and_capacity(client_for, employee, program, skills):
    data = {**details(capacity="2"), **skill_rows([(skills[0], 5, "")])}
    client_for(employee).post(enrol_url(program, "mentor"), data)
    enrolment = Enrolment.objects.get(program=program, user=employee)
    assert (enrolment.role, enrolment.capacity) == ("mentor", 2)
    assert list(enrolment.skills.values_list("level", "target_level")) == [(5, None)]


def test_it_defaults_mentor_capacity_from_the_program(client_for, employee, program):
    body = client_for(employee).get(enrol_url(program, "mentor")).content.decode()
    assert 'name="capacity" value="3"' in body


def test_it_refuses_a_target_not_above_the_current_level(client_for, employee, program, skills):
    data = {**details(), **skill_rows([(skills[0], 3, 3)])}
    response = client_for(employee).post(enrol_url(program, "mentee"), data)
    assert response.status_code == 200
    assert "The target must be above your current level." in response.content.decode()
    assert not Enrolment.objects.filter(user=employee).exists()


def test_it_refuses_a_duplicate_skill(client_for, employee, program, skills):
    data = {**details(), **skill_rows([(skills[0], 1, 3), (skills[0], 2, 4)])}
    response = client_for(employee).post(enrol_url(program, "mentee"), data)
    assert "This skill is already listed above." in response.content.decode()
    assert not Enrolment.objects.filter(user=employee).exists()


def test_it_refuses_an_enrolment_without_skills(client_for, employee, program):
    data = {**details(), **skill_rows([], extra=3)}
    response = client_for(employee).post(enrol_url(program, "mentee"), data)
    assert "Add at least one skill." in response.content.decode()
    assert not Enrolment.objects.filter(user=employee).exists()


def test_it_requires_a_career_track_from_a_mentee(client_for, employee, program, skills):
    data = {**details(career_track=""), **skill_rows([(skills[0], 1, 3)])}
    response = client_for(employee).post(enrol_url(program, "mentee"), data)
    assert response.status_code == 200
    assert not Enrolment.objects.filter(user=employee).exists()


def test_it_refuses_unknown_people_to_avoid(client_for, employee, program, skills):
    data = {**details(avoid_emails="nobody@example.com"), **skill_rows([(skills[0], 1, 3)])}
    response = client_for(employee).post(enrol_url(program, "mentee"), data)
    assert "No colleague with this email: nobody@example.com." in response.content.decode()
    assert not Enrolment.objects.filter(user=employee).exists()


def test_it_refuses_to_avoid_myself(client_for, employee, program, skills):
    data = {**details(avoid_emails=employee.email), **skill_rows([(skills[0], 1, 3)])}
    response = client_for(employee).post(enrol_url(program, "mentee"), data)
    assert response.status_code == 200
    # The service's rule, shown on the field it is about.
    assert response.context["form"].errors["avoid_emails"] == ["You can't avoid yourself."]
    assert "You can&#x27;t avoid yourself." in response.content.decode()
    assert not Enrolment.objects.filter(user=employee).exists()


def test_it_refuses_to_avoid_myself_when_editing(client_for, employee, program, skills):
    enrolment = EnrolmentFactory(program=program, user=employee, role="mentee", hours_per_month=4)
    EnrolmentSkillFactory(enrolment=enrolment, skill=skills[0], level=1, target_level=2)
    data = {
        **details(avoid_emails=employee.email.upper(), hours_per_month="10"),
        **skill_rows([(skills[1], 2, 5)]),
    }
    response = client_for(employee).post(f"/programs/{program.slug}/my-enrolment/", data)
    assert response.context["form"].errors["avoid_emails"] == ["You can't avoid yourself."]
    enrolment.refresh_from_db()
    assert enrolment.hours_per_month == 4
    assert not enrolment.avoid.exists()
    assert list(enrolment.skills.values_list("skill__name", flat=True)) == ["Kubernetes"]


def test_it_refuses_to_avoid_myself_in_the_service_too(employee, program, skills):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        enrolment_create(
            program=program,
            user=employee,
            role="mentee",
            data={"career_track": "cloud", "hours_per_month": 4},
            skills=[SkillRow(skills[0].pk, 1, 3)],
            avoid=[employee],
        )
    assert caught.value.message_dict == {"avoid": ["You can't avoid yourself."]}
    assert not Enrolment.objects.filter(user=employee).exists()


def test_it_records_people_to_avoid(client_for, employee, program, skills):
    colleague = UserFactory(email="colleague@example.com")
    data = {
        **details(avoid_emails="Colleague@example.com", prefer_other_department="on"),
        **skill_rows([(skills[0], 1, 3)]),
    }
    client_for(employee).post(enrol_url(program, "mentee"), data)
    enrolment = Enrolment.objects.get(user=employee)
    assert list(enrolment.avoid.all()) == [colleague]
    assert enrolment.prefer_other_department is True


def test_it_refuses_enrolment_when_the_program_is_not_enrolling(client_for, employee, skills):
    program = ProgramFactory(status="matching")
    data = {**details(), **skill_rows([(skills[0], 1, 3)])}
    response = client_for(employee).post(enrol_url(program, "mentee"), data, follow=True)
    assert "This program is not open for enrolment." in response.content.decode()
    assert not Enrolment.objects.filter(user=employee).exists()


def test_it_hides_a_draft_program_from_employees(client_for, employee, skills):
    program = ProgramFactory(status="draft")
    assert client_for(employee).get(enrol_url(program, "mentee")).status_code == 404


def test_it_sends_an_enrolled_person_to_edit_instead(client_for, employee, program):
    EnrolmentFactory(program=program, user=employee)
    response = client_for(employee).get(enrol_url(program, "mentor"))
    assert response["Location"] == f"/programs/{program.slug}/my-enrolment/"


def test_the_service_refuses_a_second_enrolment(employee, program, skills):
    EnrolmentFactory(program=program, user=employee)
    with pytest.raises(Exception, match="already enrolled"):
        enrolment_create(
            program=program,
            user=employee,
            role="mentee",
            data={},
            skills=[SkillRow(skills[0].pk, 1, 3)],
            avoid=[],
        )


def test_it_lets_a_withdrawn_person_enrol_again(client_for, employee, program, skills):
    EnrolmentFactory(program=program, user=employee, status="withdrawn", role="mentor")
    data = {**details(), **skill_rows([(skills[0], 1, 3)])}
    client_for(employee).post(enrol_url(program, "mentee"), data)
    enrolment = Enrolment.objects.get(user=employee)
    assert (enrolment.role, enrolment.status) == ("mentee", "approved")


def test_it_starts_pending_when_the_manager_must_approve(client_for, program, skills):
    program.requires_manager_approval = True
    program.save()
    person = UserFactory(manager=UserFactory())
    data = {**details(), **skill_rows([(skills[0], 1, 3)])}
    client_for(person).post(enrol_url(program, "mentee"), data)
    assert Enrolment.objects.get(user=person).status == "pending"


def test_it_edits_my_enrolment_while_enrolling(client_for, employee, program, skills):
    enrolment = EnrolmentFactory(program=program, user=employee, role="mentee")
    EnrolmentSkillFactory(enrolment=enrolment, skill=skills[0], level=1, target_level=2)
    client = client_for(employee)
    body = client.get(f"/programs/{program.slug}/my-enrolment/").content.decode()
    assert "Edit my enrolment" in body
    data = {**details(hours_per_month="10"), **skill_rows([(skills[1], 2, 5)])}
    response = client.post(f"/programs/{program.slug}/my-enrolment/", data)
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.hours_per_month == 10
    assert list(enrolment.skills.values_list("skill__name", "level", "target_level")) == [
        ("Terraform", 2, 5)
    ]


def test_it_refuses_editing_once_matching_started(client_for, employee, skills):
    program = ProgramFactory(status="matching")
    enrolment = EnrolmentFactory(program=program, user=employee, hours_per_month=4)
    data = {**details(hours_per_month="10"), **skill_rows([(skills[1], 2, 5)])}
    response = client_for(employee).post(
        f"/programs/{program.slug}/my-enrolment/", data, follow=True
    )
    assert "Matching has started" in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.hours_per_month == 4


def test_it_gives_a_stranger_no_enrolment_to_edit(client_for, employee, stranger, program):
    EnrolmentFactory(program=program, user=employee)
    assert client_for(stranger).get(f"/programs/{program.slug}/my-enrolment/").status_code == 404


def test_it_withdraws_my_enrolment(client_for, employee, program):
    enrolment = EnrolmentFactory(program=program, user=employee)
    response = client_for(employee).post(f"/programs/{program.slug}/my-enrolment/withdraw/")
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.status == "withdrawn"


def test_it_refuses_withdrawing_by_get(client_for, employee, program):
    enrolment = EnrolmentFactory(program=program, user=employee)
    assert (
        client_for(employee).get(f"/programs/{program.slug}/my-enrolment/withdraw/").status_code
        == 405
    )
    enrolment.refresh_from_db()
    assert enrolment.status == "approved"


def test_it_does_not_let_a_stranger_withdraw_someone(client_for, employee, stranger, program):
    enrolment = EnrolmentFactory(program=program, user=employee)
    response = client_for(stranger).post(f"/programs/{program.slug}/my-enrolment/withdraw/")
    assert response.status_code == 404
    enrolment.refresh_from_db()
    assert enrolment.status == "approved"


def test_it_lists_my_enrolments(client_for, employee, program):
    EnrolmentFactory(program=program, user=employee, role="mentor")
    EnrolmentFactory(user=employee, program=ProgramFactory(status="matching"))
    EnrolmentFactory(program=program)  # someone else's
    response = client_for(employee).get("/programs/me/enrolments/")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("Withdraw</button>") == 2
    assert body.count(">Edit</a>") == 1  # only the enrolling program can still be edited


def test_it_explains_an_empty_enrolment_list(client_for, employee):
    body = client_for(employee).get("/programs/me/enrolments/").content.decode()
    assert "You haven't enrolled in any program yet." in body


def test_my_enrolments_keep_constant_queries(client_for, employee, django_assert_max_num_queries):
    client = client_for(employee)
    EnrolmentFactory.create_batch(2, user=employee)
    with django_assert_max_num_queries(7):
        assert client.get("/programs/me/enrolments/").status_code == 200
    EnrolmentFactory.create_batch(12, user=employee)
    with django_assert_max_num_queries(7):
        assert client.get("/programs/me/enrolments/").status_code == 200


def test_it_enrols_a_peer_with_optional_targets(client_for, employee, skills):
    program = ProgramFactory(format="peer")
    data = {**details(career_track=""), **skill_rows([(skills[0], 4, ""), (skills[1], 1, 3)])}
    response = client_for(employee).post(enrol_url(program, "peer"), data)
    assert response.status_code == 302
    enrolment = Enrolment.objects.get(user=employee)
    assert enrolment.role == "peer"
    assert sorted(enrolment.skills.values_list("level", "target_level")) == [(1, 3), (4, None)]


def test_the_service_refuses_a_mentor_role_in_a_peer_program(employee, skills):
    program = ProgramFactory(format="peer")
    with pytest.raises(Exception, match="as peer"):
        enrolment_create(
            program=program,
            user=employee,
            role="mentor",
            data={},
            skills=[SkillRow(skills[0].pk, 4)],
            avoid=[],
        )
    assert not Enrolment.objects.exists()


def test_a_reverse_program_keeps_mentor_and_mentee(client_for, employee):
    program = ProgramFactory(format="reverse")
    body = client_for(employee).get(f"/programs/{program.slug}/").content.decode()
    assert enrol_url(program, "mentor") in body
    assert enrol_url(program, "mentee") in body


def test_it_never_500s_on_a_tampered_skill(client_for, employee, program, skills):
    data = {**details(), **skill_rows([(skills[0], 1, 3)])}
    data["skills-0-skill"] = "999999"
    data["skills-0-level"] = "9"
    response = client_for(employee).post(enrol_url(program, "mentee"), data)
    assert response.status_code == 200
    assert not Enrolment.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_enrolments_leave_one_row():
    from tests.concurrency import run_at_once

    program = ProgramFactory(status="enrolling")
    person = UserFactory()
    skill = SkillFactory(name="Race skill")

    def attempt(role: str) -> str:
        enrolment_create(
            program=program,
            user=person,
            role=role,
            data={"career_track": "cloud"},
            skills=[SkillRow(skill.pk, 1, 3)],
            avoid=[],
        )
        return "ok"

    results = run_at_once(lambda: attempt("mentee"), lambda: attempt("mentor"))
    # The loser must get a refusal, not a crash.
    outcomes = [type(r).__name__ if isinstance(r, Exception) else r for r in results]
    assert sorted(outcomes) == ["ValidationError", "ok"]
    assert Enrolment.objects.filter(program=program, user=person).count() == 1


def test_the_program_page_offers_only_withdraw_once_matching_started(client_for, employee):
    program = ProgramFactory(status="matching")
    EnrolmentFactory(program=program, user=employee)
    body = client_for(employee).get(f"/programs/{program.slug}/").content.decode()
    assert f"/programs/{program.slug}/my-enrolment/withdraw/" in body
    assert f'href="/programs/{program.slug}/my-enrolment/"' not in body
    assert "data-confirm=" in body


def test_the_program_page_shows_no_enrol_button_when_closed(client_for, employee):
    program = ProgramFactory(status="active")
    body = client_for(employee).get(f"/programs/{program.slug}/").content.decode()
    assert "/enrol/" not in body
