"""Two people booking an expert's last place of a month at the same moment (PostgreSQL)."""

import pytest
from django.core.exceptions import ValidationError

from experts import services
from experts.models import FlashSession
from experts.services import expert_profile_save
from outbox.models import OutgoingEmail
from tests import factories
from tests.experts.conftest import next_month


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_gives_the_last_place_of_a_month_to_one_of_two_simultaneous_bookings():
    from tests.concurrency import run_at_once

    skill = factories.SkillFactory(name="Race skill")
    expert = factories.UserFactory()
    expert_profile_save(
        user=expert, listed=True, monthly_sessions=1, share_program_skills=False, skills=[skill]
    )
    first, second = factories.UserFactory.create_batch(2)

    def attempt(person, day: int) -> str:
        services.flash_session_request(
            requester=person,
            expert=expert,
            skill=skill,
            note="Help with the race",
            options=[next_month(day)],
        )
        return "booked"

    results = run_at_once(lambda: attempt(first, 8), lambda: attempt(second, 9))
    outcomes = sorted(type(r).__name__ if isinstance(r, Exception) else r for r in results)
    assert outcomes == ["ValidationError", "booked"]
    refusal = next(r for r in results if isinstance(r, ValidationError))
    assert "no places left" in " ".join(refusal.messages)
    assert FlashSession.objects.filter(expert=expert).count() == 1
    assert OutgoingEmail.objects.filter(kind="experts.requested").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_answers_a_request_once_when_accept_and_decline_race():
    from tests.concurrency import run_at_once

    skill = factories.SkillFactory(name="Race skill two")
    expert, asker = factories.UserFactory.create_batch(2)
    expert_profile_save(
        user=expert, listed=True, monthly_sessions=3, share_program_skills=False, skills=[skill]
    )
    session = services.flash_session_request(
        requester=asker, expert=expert, skill=skill, note="Either way", options=[next_month(8)]
    )
    results = run_at_once(
        lambda: services.flash_session_accept(session=session, by=expert, when=session.option_1),
        lambda: services.flash_session_decline(session=session, by=expert),
    )
    assert sum(isinstance(r, ValidationError) for r in results) == 1
    answered = OutgoingEmail.objects.filter(kind__in=["experts.accepted", "experts.declined"])
    assert answered.count() == 1
