"""A pair whose mentee seeks Kubernetes (level 2, target 4), resources at every level, and a
certification with three exam objectives."""

from __future__ import annotations

import pytest

from learning.models import Certification, Resource
from tests import factories


@pytest.fixture
def skill(db):
    return factories.SkillFactory(name="Kubernetes", category="cloud")


@pytest.fixture
def pair(db, skill, hr_user):
    program = factories.ProgramFactory(status="active", coordinators=[hr_user])
    mentee = factories.UserFactory(full_name="Mia Mentee", email="mia@example.com")
    mentor = factories.UserFactory(full_name="Max Mentor", email="max@example.com")
    enrolment = factories.EnrolmentFactory(program=program, user=mentee, role="mentee")
    factories.EnrolmentSkillFactory(enrolment=enrolment, skill=skill, level=2, target_level=3)
    factories.EnrolmentFactory(program=program, user=mentor, role="mentor")
    mentorship = factories.MentorshipFactory(program=program, mentor=mentor, mentee=mentee)
    goal = factories.GoalFactory(mentorship=mentorship, title="Run the cluster")
    goal.skills.set([skill])
    return mentorship


@pytest.fixture
def resources(db, skill, hr_user):
    return [
        Resource.objects.create(
            skill=skill,
            title=f"Kubernetes level {level}",
            provider="kubernetes.io",
            url=f"https://kubernetes.io/docs/level-{level}/",
            kind="documentation",
            level=level,
            created_by=hr_user,
        )
        for level in range(1, 6)
    ]


@pytest.fixture
def certification(db, skill):
    cert = Certification.objects.create(
        name="Certified Kubernetes Administrator",
        issuer="CNCF",
        objectives="Cluster architecture\nWorkloads and scheduling\n\nTroubleshooting\n",
        url="https://www.cncf.io/training/certification/cka/",
    )
    cert.skills.set([skill])
    return cert
