"""The demo mentee works towards a target role, with evidence waiting for their mentor."""

import pytest
from django.core.management import call_command

from careers.models import Evidence, TargetRole, WorkRole

pytestmark = pytest.mark.django_db


@pytest.mark.slow
def test_it_seeds_the_starter_roles_and_a_target_role_for_the_demo_mentee_once():
    call_command("seed_demo")
    call_command("seed_demo")
    assert WorkRole.objects.filter(title="Cloud operations engineer").count() == 1
    target = TargetRole.objects.get(enrolment__user__email="mentee@tandem.example")
    assert target.role.title == "Cloud operations engineer"
    evidence = Evidence.objects.get(mentorship__mentee__email="mentee@tandem.example")
    assert evidence.confirmed_at is None
