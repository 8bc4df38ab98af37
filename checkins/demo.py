"""Demo check-ins for the onboarding pairings made by `mentorships.demo`.

Each pairing gets a history ending at a different point, so the health board shows every
state: the demo pair and some others on track, some due or overdue, some at risk (a long
silence or low pulses) and one inactive (never logged). Idempotent: pairings that already
have check-ins are left alone.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.utils import timezone

from mentorships.models import Mentorship, Milestone

from .default_templates import DEFAULT_TEMPLATES
from .models import ActionItem, Activity, CheckIn, CheckInTemplate, Pulse

# Scenario -> (days since the last check-in as a multiple of the cadence, pulse range)
SCENARIOS: dict[str, tuple[float, tuple[int, int]]] = {
    "on_track": (0.25, (4, 5)),
    "due": (1.05, (3, 5)),
    "overdue": (1.6, (3, 4)),
    "at_risk_silent": (2.3, (3, 4)),
    "at_risk_pulse": (0.3, (1, 2)),
    "inactive": (-1, (3, 3)),
}
ROTATION = [
    "on_track",
    "due",
    "overdue",
    "at_risk_silent",
    "on_track",
    "at_risk_pulse",
    "inactive",
    "on_track",
    "due",
    "overdue",
]

SESSIONS: list[tuple[str, str, str, str, str]] = [
    # activity, template, private note, shared summary, action item
    (
        Activity.CAREER_CONVERSATION,
        "First meeting",
        "Nervous about on-call; agreed we can say when something feels too much.",
        "Agreed expectations, goals and how we meet.",
        "Write down three goals for the program",
    ),
    (
        Activity.TROUBLESHOOTING,
        "Troubleshooting debrief",
        "Mentee jumped to restarting pods before reading logs; practised one change at a time.",
        "Debriefed a DNS resolution incident step by step.",
        "Read the DNS runbook end to end",
    ),
    (
        Activity.CODE_REVIEW,
        "Code review walk-through",
        "Feedback from the team lead felt harsh; talked through how to respond.",
        "Walked through a Terraform pull request together.",
        "Open a PR for the S3 module",
    ),
    (
        Activity.INCIDENT_REVIEW,
        "Incident retrospective",
        "Still unsure who to escalate to at night — added names to the escalation sheet.",
        "Reviewed last week's payment outage timeline.",
        "Draft the incident timeline",
    ),
    (
        Activity.PAIR_PROGRAMMING,
        "",
        "Good flow today; mentee drove the whole session.",
        "Paired on the pipeline's test stage.",
        "Add the failing test to CI",
    ),
    (
        Activity.SHADOWING,
        "",
        "Shadowed the on-call handover; mentee asked great questions.",
        "Shadowed an on-call handover.",
        "Shadow one more night shift",
    ),
    (
        Activity.CAREER_CONVERSATION,
        "Career conversation",
        "Interested in SRE longer-term; worried it looks disloyal to the current team.",
        "Talked about next role and skills to build.",
        "Book a coffee with an SRE lead",
    ),
    (
        Activity.OTHER,
        "Milestone review",
        "Behind on the exam plan because of the release crunch — no pressure from me.",
        "Reviewed milestones and adjusted dates.",
        "Update milestone dates",
    ),
]


def _dates(started: date, last: date, cadence: int) -> list[date]:
    found: list[date] = []
    day = last
    while day >= started and len(found) < 8:
        found.append(day)
        day -= timedelta(days=cadence)
    return sorted(found)


def _history(
    mentorship: Mentorship,
    scenario: str,
    today: date,
    rng: random.Random,
    templates: dict[str, CheckInTemplate],
) -> None:
    factor, (low, high) = SCENARIOS[scenario]
    if factor < 0:
        return
    cadence = mentorship.program.cadence_days
    started = mentorship.started_on or today - timedelta(days=60)
    last = today - timedelta(days=max(1, int(cadence * factor)))
    if last < started:
        last = started
    milestones = list(Milestone.objects.filter(goal__mentorship=mentorship, done_at__isnull=False))
    dates = _dates(started, last, cadence)
    for index, when in enumerate(dates):
        activity, template_name, note, summary, action = SESSIONS[index % len(SESSIONS)]
        author = mentorship.mentee if index % 3 else mentorship.mentor
        checkin = CheckIn.objects.create(
            mentorship=mentorship,
            author=author,
            date=when,
            duration_minutes=rng.choice([30, 45, 45, 60, 90]),
            activity=activity,
            private_notes=note,
            shared_summary=summary if index % 4 != 3 else "",
            next_steps=f"{action}.",
            template=templates.get(template_name),
            next_meeting_date=when + timedelta(days=cadence),
        )
        if milestones and index < len(milestones):
            checkin.milestones.add(milestones[index])
            checkin.goals.add(milestones[index].goal_id)
        is_latest = index == len(dates) - 1
        ActionItem.objects.create(
            checkin=checkin,
            mentorship=mentorship,
            text=action,
            owner=mentorship.mentee,
            due_date=when + timedelta(days=cadence),
            done_at=None if is_latest or rng.random() < 0.2 else timezone.now(),
        )
        for person in (mentorship.mentor, mentorship.mentee):
            # The other side sometimes hasn't rated the latest check-in yet.
            if is_latest and person.pk != author.pk and rng.random() < 0.5:
                continue
            Pulse.objects.create(checkin=checkin, user=person, score=rng.randint(low, high))


def seed(context: dict) -> None:
    program = context["programs"].get("onboarding")
    if program is None:
        return
    for name, agenda in DEFAULT_TEMPLATES:
        CheckInTemplate.objects.get_or_create(program=None, name=name, defaults={"agenda": agenda})
    templates = {t.name: t for t in CheckInTemplate.objects.filter(program=None)}
    rng = random.Random(7)  # our own generator: other apps' demo data stays the same
    today = timezone.localdate()
    demo = context["demo"]
    pairings = list(
        Mentorship.objects.filter(program=program, status="active")
        .select_related("program", "mentor", "mentee")
        .order_by("pk")
    )
    others = [m for m in pairings if m.mentee_id != demo["mentee"].pk]
    plan = [(m, "on_track") for m in pairings if m.mentee_id == demo["mentee"].pk]
    plan += [(m, ROTATION[i % len(ROTATION)]) for i, m in enumerate(others)]
    for mentorship, scenario in plan:
        if mentorship.checkins.exists():
            continue
        _history(mentorship, scenario, today, rng, templates)
