"""Withdrawing from a program ends the person's live pairings in it, and nothing else."""

import pytest
from django.core.exceptions import PermissionDenied

from mentorships.models import Mentorship
from mentorships.services import enrolment_withdraw_ending_pairings
from programs.models import Enrolment
from tests.factories import EnrolmentFactory, MentorshipFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def test_it_ends_my_live_mentorship_when_i_withdraw(client_for, employee):
    program = ProgramFactory(status="active")
    EnrolmentFactory(program=program, user=employee, role="mentee")
    mentorship = MentorshipFactory(program=program, mentee=employee)
    other = MentorshipFactory(mentee=employee)  # another program: untouched
    client_for(employee).post(f"/programs/{program.slug}/my-enrolment/withdraw/")
    mentorship.refresh_from_db()
    assert (mentorship.status, mentorship.end_reason) == ("ended", "withdrew")
    assert mentorship.ended_on is not None
    assert Mentorship.objects.get(pk=other.pk).status == "active"


def test_it_ends_each_pairing_of_a_mentor_who_withdraws(client_for, employee):
    program = ProgramFactory(status="active", format="group")
    EnrolmentFactory(program=program, user=employee, role="mentor")
    pairs = MentorshipFactory.create_batch(2, program=program, mentor=employee)
    client_for(employee).post(f"/programs/{program.slug}/my-enrolment/withdraw/")
    assert {Mentorship.objects.get(pk=m.pk).end_reason for m in pairs} == {"withdrew"}


def test_it_ends_no_pairing_when_someone_else_tries_to_withdraw_me(employee, stranger):
    program = ProgramFactory(status="active")
    enrolment = EnrolmentFactory(program=program, user=employee, role="mentee")
    mentorship = MentorshipFactory(program=program, mentee=employee)
    with pytest.raises(PermissionDenied):
        enrolment_withdraw_ending_pairings(enrolment=enrolment, by=stranger)
    assert Enrolment.objects.get(pk=enrolment.pk).status == "approved"
    assert Mentorship.objects.get(pk=mentorship.pk).status == "active"
