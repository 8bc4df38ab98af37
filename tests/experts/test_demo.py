"""The demo lists a few experts, with a session held and a request waiting."""

import pytest
from django.core.management import call_command

from experts.models import ExpertProfile, FlashSession
from experts.selectors import expert_search, flash_stats
from people.models import User

pytestmark = pytest.mark.django_db


@pytest.mark.slow
def test_it_seeds_listed_mentors_and_their_sessions_once():
    call_command("seed_demo")
    call_command("seed_demo")
    mentor = User.objects.get(email="mentor@tandem.example")
    assert ExpertProfile.objects.filter(listed=True).count() == 6
    assert mentor.pk in {p.user_id for p in expert_search()}
    assert flash_stats(mentor.pk).held == 1
    waiting = FlashSession.objects.get(requester__email="mentee@tandem.example")
    assert (waiting.expert, waiting.status) == (mentor, "requested")
