"""A small organisation whose every dashboard figure is worked out by hand in the tests.

Program P started 400 days ago and ended 100 days ago. Engineering only:
participants: mentees m1–m4 (hired 800 days before the start: tenure bucket 2) and mentors
M1, M2 (hired 3000 days before: bucket 8). Non-participants: c1–c3 (Eng, bucket 2) and c4
(Eng, bucket 8) match; c5 (Ops), c6 (Eng, bucket 4) and c7 (hired after the start) don't.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.urls import reverse

from checkins.models import CheckIn, Pulse
from mentorships.models import ResetRequest
from metrics.models import OutcomeEvent
from tests import factories


@dataclass
class Org:
    today: date
    start: date
    end: date
    program: object
    hr: object
    boss: object
    outside_boss: object
    leader: object
    people: dict
    skills: dict
    mentorships: dict


def event(user, kind: str, day: date, **extra) -> OutcomeEvent:
    key = OutcomeEvent.key_for(
        kind, extra.get("certification_name", ""), extra.get("project_name", "")
    )
    return OutcomeEvent.objects.create(
        employee=user, kind=kind, occurred_on=day, natural_key=key, **extra
    )


@pytest.fixture
def org(db, hr_user) -> Org:
    today = date.today()
    start, end = today - timedelta(days=400), today - timedelta(days=100)
    eng = factories.DepartmentFactory(name="Engineering")
    ops = factories.DepartmentFactory(name="Operations")
    boss = factories.UserFactory(full_name="Bea Boss", department=eng, hire_date=None)
    outside_boss = factories.UserFactory(full_name="Otto Outside", department=ops, hire_date=None)
    leader = factories.UserFactory(full_name="Lee Leader", hire_date=None, can_view_leadership=True)
    program = factories.ProgramFactory(
        name="Onboarding",
        slug="onboarding-p",
        status="active",
        start_date=start,
        end_date=end,
        meeting_cadence="fortnightly",
        coordinators=[hr_user],
    )

    def person(name: str, dept, hired_days_before: int, manager=None):
        return factories.UserFactory(
            full_name=name,
            department=dept,
            manager=manager,
            hire_date=start - timedelta(days=hired_days_before),
        )

    p: dict = {}
    p["M1"] = person("Mentor One", eng, 3000)
    p["M2"] = person("Mentor Two", eng, 3000, manager=p["M1"])
    p["m1"] = person("Mentee One", eng, 800, manager=boss)
    p["m2"] = person("Mentee Two", eng, 800, manager=boss)
    p["m3"] = person("Mentee Three", eng, 800, manager=p["m1"])
    p["m4"] = person("Mentee Four", eng, 800)
    p["c1"] = person("Comp One", eng, 800, manager=boss)
    p["c2"] = person("Comp Two", eng, 800)
    p["c3"] = person("Comp Three", eng, 800)
    p["c4"] = person("Comp Four", eng, 3000)
    p["c5"] = person("Comp Ops", ops, 800, manager=outside_boss)
    p["c6"] = person("Comp Longer", eng, 1500)
    p["c7"] = factories.UserFactory(
        full_name="Comp New", department=eng, hire_date=today - timedelta(days=10)
    )

    skills = {
        "k8s": factories.SkillFactory(name="Kube test skill", category="cloud"),
        "net": factories.SkillFactory(name="BGP test skill", category="networking"),
        "sec": factories.SkillFactory(name="Threat test skill", category="cybersecurity"),
    }
    enrol = {}
    for key, role, cap in (
        ("M1", "mentor", 2),
        ("M2", "mentor", 3),
        ("m1", "mentee", 1),
        ("m2", "mentee", 1),
        ("m3", "mentee", 1),
        ("m4", "mentee", 1),
    ):
        enrol[key] = factories.EnrolmentFactory(
            program=program,
            user=p[key],
            role=role,
            capacity=cap,
            career_goal=f"Secret goal of {key}",
        )
    for key, skill, level, target in (
        ("m1", "k8s", 2, 4),
        ("m2", "k8s", 1, 4),
        ("m3", "k8s", 3, 4),
        ("m3", "net", 2, 3),
        ("m4", "sec", 1, 3),
        ("M1", "k8s", 5, None),
        ("M1", "net", 4, None),
        ("M2", "k8s", 4, None),
        ("M2", "sec", 3, None),
    ):
        factories.EnrolmentSkillFactory(
            enrolment=enrol[key], skill=skills[skill], level=level, target_level=target
        )

    ms = {}
    for key, mentor, mentee, status, ended, reason in (
        ("a", "M1", "m1", "active", None, ""),
        ("b", "M1", "m2", "active", None, ""),
        ("c", "M2", "m3", "ended", start + timedelta(days=100), "not_working"),
        ("d", "M2", "m4", "ended", start + timedelta(days=200), "left_company"),
    ):
        ms[key] = factories.MentorshipFactory(
            program=program,
            mentor=p[mentor],
            mentee=p[mentee],
            status=status,
            started_on=start,
            ended_on=ended,
            end_reason=reason,
            end_note="Private end note",
        )
    ResetRequest.objects.create(mentorship=ms["c"], raised_by=p["m3"], reason="Secret reset reason")

    def checkin(m, day: date):
        return CheckIn.objects.create(
            mentorship=m,
            author=m.mentor,
            date=day,
            duration_minutes=30,
            activity="other",
            private_notes="Top secret note",
            shared_summary="Shared summary text",
        )

    first = checkin(ms["a"], today - timedelta(days=40))
    checkin(ms["a"], today - timedelta(days=20))
    checkin(ms["a"], today - timedelta(days=5))
    late = checkin(ms["b"], today - timedelta(days=60))
    checkin(ms["c"], start + timedelta(days=20))
    checkin(ms["c"], start + timedelta(days=50))
    Pulse.objects.create(checkin=first, user=p["m1"], score=4)
    Pulse.objects.create(checkin=first, user=p["M1"], score=5)
    Pulse.objects.create(checkin=late, user=p["m2"], score=3)

    event(p["m3"], "departure", start + timedelta(days=100), voluntary=True)
    event(p["m4"], "departure", start + timedelta(days=200), voluntary=False)
    event(p["c1"], "departure", start + timedelta(days=50), voluntary=True)
    event(p["c2"], "departure", start + timedelta(days=300), voluntary=True)
    event(p["m1"], "promotion", start + timedelta(days=30), to_role="Engineer II")
    event(p["m2"], "promotion", end + timedelta(days=10), to_role="Engineer II")
    event(p["c3"], "promotion", start + timedelta(days=60), to_role="Engineer II")
    event(p["m2"], "internal_move", start + timedelta(days=90), to_department="Platform")
    event(
        p["m1"],
        "certification",
        start + timedelta(days=40),
        certification_name="CKA",
        certification_issuer="CNCF",
    )
    event(
        p["M1"],
        "certification",
        start + timedelta(days=10),
        certification_name="CKS",
        certification_issuer="CNCF",
    )
    event(
        p["c4"],
        "certification",
        start - timedelta(days=5),
        certification_name="CKA",
        certification_issuer="CNCF",
    )
    return Org(today, start, end, program, hr_user, boss, outside_boss, leader, p, skills, ms)


@pytest.fixture
def dashboard_urls(org) -> dict:
    """Each dashboard's addresses by who opens them: HR's programs and program dashboards,
    the manager's team dashboard, the leadership view (the first of each is the main one)."""
    return {
        org.hr: [reverse("metrics:hr"), reverse("metrics:program", args=[org.program.slug])],
        org.boss: [reverse("metrics:team")],
        org.leader: [reverse("metrics:leadership")],
    }


@pytest.fixture
def assessments(org) -> None:
    """Kubernetes ratings. Self: m1 2→4, m2 1→2, m3 3→3 (mean 1.0, n 3).
    Mentor: m1 2→3, m2 1→3 (mean 1.5, n 2). m4's self-rating is not completed: ignored."""
    from django.utils import timezone

    from feedback.models import AssessmentRequest, AssessmentRound, SkillRating

    rounds = {
        kind: AssessmentRound.objects.create(
            program=org.program, kind=kind, due_on=org.start + timedelta(days=days)
        )
        for kind, days in (("baseline", 5), ("follow_up", 90), ("final", 290))
    }
    k8s = org.skills["k8s"]
    done = timezone.now()
    p = org.people
    for mentee, rater, role, levels in (
        ("m1", "m1", "mentee", {"baseline": 2, "follow_up": 3, "final": 4}),
        ("m1", "M1", "mentor", {"baseline": 2, "final": 3}),
        ("m2", "m2", "mentee", {"baseline": 1, "follow_up": 2}),
        ("m2", "M1", "mentor", {"baseline": 1, "follow_up": 3}),
        ("m3", "m3", "mentee", {"baseline": 3, "final": 3}),
        ("m4", "m4", "mentee", {"baseline": 1, "final": 5}),
    ):
        for kind, level in levels.items():
            request = AssessmentRequest.objects.create(
                round=rounds[kind],
                mentee=p[mentee],
                rater=p[rater],
                rater_role=role,
                completed_at=None if mentee == "m4" else done,
            )
            SkillRating.objects.create(request=request, skill=k8s, level=level)
