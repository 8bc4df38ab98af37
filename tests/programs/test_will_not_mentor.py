"""Enrolment form: languages, and what a mentor won't mentor (a must-have rule of matching)."""

import pytest

from programs.models import Enrolment
from tests.factories import DepartmentFactory, ProgramFactory, SkillFactory
from tests.programs.helpers import details, skill_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def program():
    return ProgramFactory(status="enrolling")


def enrol_url(program, role: str) -> str:
    return f"/programs/{program.slug}/enrol/{role}/"


def test_it_saves_what_a_mentor_will_not_mentor_and_their_languages(client_for, employee, program):
    kubernetes, wifi = SkillFactory(name="Kubernetes"), SkillFactory(name="Wi-Fi design")
    sales = DepartmentFactory(name="Sales")
    data = {
        **details(capacity="2", languages=" English,  german ,english"),
        **skill_rows([(kubernetes, 5, "")]),
        "will_not_mentor_skills": [wifi.pk],
        "will_not_mentor_departments": [sales.pk],
    }
    response = client_for(employee).post(enrol_url(program, "mentor"), data)
    assert response.status_code == 302
    enrolment = Enrolment.objects.get(program=program, user=employee)
    assert list(enrolment.will_not_mentor_skills.values_list("name", flat=True)) == ["Wi-Fi design"]
    assert list(enrolment.will_not_mentor_departments.all()) == [sales]
    assert enrolment.language_list == ["english", "german"]


def test_it_offers_the_will_not_mentor_fields_to_mentors_only(client_for, employee, program):
    SkillFactory(name="Kubernetes")
    mentor_form = client_for(employee).get(enrol_url(program, "mentor")).content.decode()
    mentee_form = client_for(employee).get(enrol_url(program, "mentee")).content.decode()
    assert "Skills I won" in mentor_form and 'name="languages"' in mentor_form
    assert "Skills I won" not in mentee_form and 'name="languages"' in mentee_form


def test_it_ignores_will_not_mentor_values_posted_for_a_mentee(client_for, employee, program):
    kubernetes = SkillFactory(name="Kubernetes")
    data = {
        **details(),
        **skill_rows([(kubernetes, 1, 4)]),
        "will_not_mentor_skills": [kubernetes.pk],
    }
    assert client_for(employee).post(enrol_url(program, "mentee"), data).status_code == 302
    enrolment = Enrolment.objects.get(program=program, user=employee)
    assert not enrolment.will_not_mentor_skills.exists()


def test_it_refuses_an_unknown_skill_with_a_clear_error(client_for, employee, program):
    kubernetes = SkillFactory(name="Kubernetes")
    data = {
        **details(capacity="2"),
        **skill_rows([(kubernetes, 5, "")]),
        "will_not_mentor_skills": ["999999"],
    }
    response = client_for(employee).post(enrol_url(program, "mentor"), data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Enrolment.objects.filter(program=program, user=employee).exists()
