"""The demo check-ins: every health state appears, notes and pulses exist, safe to run twice."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.utils import timezone

from checkins import demo
from checkins.models import ActionItem, CheckIn, Pulse
from checkins.selectors import health_for_mentorships
from mentorships.models import Mentorship
from programs.models import Program

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _seeded_skills() -> None:
    """A transactional test elsewhere in the run may have flushed the migration-seeded skills."""
    importlib.import_module("programs.migrations.0002_seed_skills").seed(django_apps, None)


@pytest.mark.slow
def test_it_seeds_histories_showing_several_health_states():
    call_command("seed_demo")
    program = Program.objects.get(slug="onboarding-2026")
    assert CheckIn.objects.filter(mentorship__program=program).exclude(private_notes="").exists()
    assert CheckIn.objects.exclude(shared_summary="").exists()
    assert ActionItem.objects.filter(done_at__isnull=False).exists()
    assert ActionItem.objects.filter(done_at__isnull=True).exists()
    assert Pulse.objects.exists()
    live = Mentorship.objects.filter(program=program, status="active")
    states = {info.state for info in health_for_mentorships(live, timezone.localdate()).values()}
    assert {"on_track", "at_risk"} <= states
    assert states & {"due", "overdue"}
    main = live.get(mentee__email="mentee@tandem.example")
    assert health_for_mentorships([main], timezone.localdate())[main.pk].state == "on_track"


@pytest.mark.slow
def test_it_is_safe_to_run_twice():
    call_command("seed_demo")
    counts = (CheckIn.objects.count(), Pulse.objects.count(), ActionItem.objects.count())
    call_command("seed_demo")
    assert (CheckIn.objects.count(), Pulse.objects.count(), ActionItem.objects.count()) == counts


def test_it_does_nothing_without_mentorships():
    demo.seed({"demo": {}, "programs": {}, "rng": None})
    assert not CheckIn.objects.exists()
