"""The demo seeds a resource library, a certification catalogue and a certification goal."""

import pytest
from django.core.management import call_command

from learning.demo import PILOT_SLUG
from learning.models import (
    Certification,
    CertificationGoal,
    ExamResult,
    Resource,
    ResourceCompletion,
)
from metrics import selectors
from metrics.selectors import Scope
from programs.models import Program

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
    # The pilot's exam results give both groups figures of 3 or more on the dashboards.
    results = ExamResult.objects.filter(certification_goal__isnull=True).count()
    call_command("seed_demo")
    assert ExamResult.objects.filter(certification_goal__isnull=True).count() == results
    figures = selectors.certifications(
        Scope(program_ids=(Program.objects.get(slug=PILOT_SLUG).pk,))
    )
    for group in ("participants", "comparison"):
        assert figures["pass_rate"][group]["n"] >= 3
        assert figures["time"][group]["n"] >= 3
