"""Flash sessions count in the mentor's figures; the knowledge-concentration view links a sole
expert to Ask an expert."""

import pytest
from django.urls import reverse
from django.utils import timezone

from experts import services
from experts.models import FlashSession
from experts.selectors import flash_stats
from experts.services import expert_profile_save
from tests import factories
from tests.experts.conftest import next_month

pytestmark = pytest.mark.django_db


def held_session(expert, asker, skill, minutes=30):
    session = services.flash_session_request(
        requester=asker,
        expert=expert,
        skill=skill,
        note="Please help",
        options=[next_month(10)],
        duration_minutes=minutes,
    )
    services.flash_session_accept(session=session, by=expert, when=session.option_1)
    FlashSession.objects.filter(pk=session.pk).update(scheduled_at=timezone.now())
    return services.flash_session_complete(session=session, by=asker, held=True)


def test_it_counts_held_sessions_hours_and_people_helped(expert, skill):
    a, b = factories.UserFactory.create_batch(2)
    held_session(expert, a, skill, minutes=60)
    held_session(expert, b, skill, minutes=30)
    not_held = services.flash_session_request(
        requester=a, expert=expert, skill=skill, note="x", options=[next_month(12, months=2)]
    )
    services.flash_session_decline(session=not_held, by=expert)
    stats = flash_stats(expert.pk)
    assert (stats.held, stats.hours, stats.people, stats.skills) == (2, 1.5, 2, ["SD-WAN"])


def test_it_shows_flash_sessions_on_the_mentors_own_figures_page(client_for, expert, asker, skill):
    held_session(expert, asker, skill, minutes=60)
    body = client_for(expert).get(reverse("checkins:mentor_stats", args=[expert.pk]))
    html = body.content.decode()
    assert 'data-stat="flash-held">1<' in html and 'data-stat="flash-hours">1.0<' in html
    assert "Please help" not in html


@pytest.fixture
def sole_expert_world(hr_user):
    """A program where one mentor is the only level-5 holder of a skill a mentee seeks."""
    skill = factories.SkillFactory(name="Kafka internals")
    program = factories.ProgramFactory(status="active", coordinators=[hr_user])
    sole = factories.UserFactory(full_name="Sol Sole")
    mentee = factories.UserFactory()
    mentor_e = factories.EnrolmentFactory(program=program, user=sole, role="mentor")
    mentee_e = factories.EnrolmentFactory(program=program, user=mentee, role="mentee")
    factories.EnrolmentSkillFactory(enrolment=mentor_e, skill=skill, level=5, target_level=None)
    factories.EnrolmentSkillFactory(enrolment=mentee_e, skill=skill, level=1, target_level=3)
    return skill, sole


def test_the_concentration_view_offers_to_book_a_listed_sole_expert(
    client_for, hr_user, sole_expert_world
):
    skill, sole = sole_expert_world
    expert_profile_save(
        user=sole, listed=True, monthly_sessions=2, share_program_skills=True, skills=[]
    )
    html = client_for(hr_user).get(reverse("metrics:hr")).content.decode()
    book = f"{reverse('experts:book', args=[sole.pk])}?skill={skill.pk}"
    assert f'<a href="{book}">Book Sol Sole for Kafka internals</a>' in html


def test_the_concentration_view_only_finds_others_when_the_expert_is_not_listed(
    client_for, hr_user, sole_expert_world
):
    skill, sole = sole_expert_world
    html = client_for(hr_user).get(reverse("metrics:hr")).content.decode()
    assert reverse("experts:book", args=[sole.pk]) not in html
    find = f"{reverse('experts:find')}?skill={skill.pk}"
    assert f'<a href="{find}">Find who else knows Kafka internals</a>' in html
