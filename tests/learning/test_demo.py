"""The demo seeds a resource library, a certification catalogue and a certification goal."""

import pytest
from django.core.management import call_command

from learning.models import Certification, CertificationGoal, Resource, ResourceCompletion

pytestmark = pytest.mark.django_db


@pytest.mark.slow
def test_it_seeds_resources_and_a_certification_goal_once():
    call_command("seed_demo")
    call_command("seed_demo")
    assert Resource.objects.count() >= 8
    assert Certification.objects.count() == 3
    cg = CertificationGoal.objects.select_related("goal__mentorship__mentee").get()
    assert cg.goal.mentorship.mentee.email == "mentee@tandem.example"
    assert cg.goal.milestones.count() == 6  # five objectives and the exam
    assert ResourceCompletion.objects.count() == 1
