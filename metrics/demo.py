"""Demo outcomes: a finished pilot program and career events for participants and others.

The onboarding program started too recently for 6- and 12-month retention, so this adds a
closed "Mentoring pilot" that began 15 months ago, with completed pairings, check-ins and
pulses, and outcome events (certifications, promotions, internal moves, departures, project
outcomes) for its participants and for non-participants, who form the comparison group.
Idempotent: every row is looked up by its natural key before it is created.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from checkins.models import CheckIn, Pulse
from learning import selectors as learning_selectors
from mentorships.models import Mentorship, MentorshipStatus
from people.models import User
from programs.models import Enrolment, EnrolmentSkill, Program, Skill

from . import services
from .models import OutcomeEvent, OutcomeKind

PILOT_SLUG = "mentoring-pilot"
CERTIFICATIONS = [
    ("AWS Solutions Architect – Associate", "Amazon Web Services"),
    ("Certified Kubernetes Administrator", "CNCF"),
    ("CCNA", "Cisco"),
    ("Security+", "CompTIA"),
    ("Terraform Associate", "HashiCorp"),
]


def seed(context: dict) -> None:
    rng = random.Random(606)  # own generator: the same events on every run and machine
    today = date.today()
    pilot = _pilot(context["demo"]["hr"], today)
    participants = _pilot_enrolments(pilot, context["demo"], rng)
    _pilot_pairings(pilot, participants, rng)
    _outcomes(pilot, participants, today)


def seed_exam_outcomes(context: dict) -> None:
    """The certification outcome event of every exam pass the learning demo seeded, as
    recording a pass on the exam pages would have made it. Runs after learning's demo;
    idempotent (an event already there is kept)."""
    services.certification_passes_record(
        results=learning_selectors.exam_results().filter(passed=True), by=context["demo"]["hr"]
    )


def _pilot(hr: User, today: date) -> Program:
    program, created = Program.objects.get_or_create(
        slug=PILOT_SLUG,
        defaults={
            "name": "Mentoring pilot",
            "purpose": "retention",
            "format": "one_to_one",
            "status": "closed",
            "start_date": today - timedelta(days=460),
            "end_date": today - timedelta(days=190),
            "meeting_cadence": "fortnightly",
            "description": (
                "The first, finished run of mentoring in IT: its outcomes are on the dashboards."
            ),
        },
    )
    if created:
        program.coordinators.add(hr)
    return program


def _pilot_enrolments(pilot: Program, demo: dict, rng: random.Random) -> dict[str, list[User]]:
    start = pilot.start_date
    staff = list(
        User.objects.filter(email__startswith="employee", hire_date__lt=start)
        .select_related("manager")
        .order_by("email")
    )
    # The demo manager's reports take part too, so the team dashboard has figures of 3+.
    subtree = [u for u in staff if u.manager and u.manager.manager_id == demo["manager"].pk]
    others = [u for u in staff if u not in subtree]
    mentees = subtree[:6] + others[1::4][:24]
    mentors = [u for u in others if u.job_title.startswith("Senior") and u not in mentees][:10]
    skills = list(Skill.objects.exclude(category="leadership").order_by("name"))
    for role, people in (("mentor", mentors), ("mentee", mentees)):
        for user in people:
            enrolment, created = Enrolment.objects.get_or_create(
                program=pilot,
                user=user,
                defaults={
                    "role": role,
                    "status": "approved",
                    "capacity": 3 if role == "mentor" else 1,
                },
            )
            if created and skills:
                EnrolmentSkill.objects.bulk_create(
                    EnrolmentSkill(
                        enrolment=enrolment,
                        skill=s,
                        level=rng.randint(4, 5) if role == "mentor" else rng.randint(1, 3),
                        target_level=None if role == "mentor" else rng.randint(3, 5),
                    )
                    for s in rng.sample(skills, min(3, len(skills)))
                )
    return {"mentors": mentors, "mentees": mentees}


def _pilot_pairings(pilot: Program, people: dict[str, list[User]], rng: random.Random) -> None:
    mentors = people["mentors"]
    if not mentors:
        return
    for i, mentee in enumerate(people["mentees"]):
        mentor = mentors[i % len(mentors)]
        if mentor.pk == mentee.pk:
            continue
        ended_early = i % 9 == 4
        reason = ("not_working" if i % 2 else "reassigned") if ended_early else "program_closed"
        mentorship, created = Mentorship.objects.get_or_create(
            program=pilot,
            mentor=mentor,
            mentee=mentee,
            defaults={
                "status": MentorshipStatus.ENDED if ended_early else MentorshipStatus.COMPLETED,
                "started_on": pilot.start_date,
                "ended_on": pilot.start_date + timedelta(days=80)
                if ended_early
                else pilot.end_date,
                "end_reason": reason,
            },
        )
        if created:
            _checkins(mentorship, rng)


def _checkins(mentorship: Mentorship, rng: random.Random) -> None:
    day = mentorship.started_on + timedelta(days=7)
    while day < mentorship.ended_on:
        checkin = CheckIn.objects.create(
            mentorship=mentorship,
            author=mentorship.mentee,
            date=day,
            duration_minutes=rng.choice([30, 45, 60]),
            activity=rng.choice(["code_review", "troubleshooting", "career_conversation"]),
        )
        Pulse.objects.create(checkin=checkin, user=mentorship.mentee, score=rng.randint(3, 5))
        day += timedelta(days=rng.choice([14, 14, 21, 28]))


def _event(user: User, kind: str, day: date, **fields) -> None:
    key = OutcomeEvent.key_for(
        kind, fields.get("certification_name", ""), fields.get("project_name", "")
    )
    OutcomeEvent.objects.get_or_create(
        employee=user, kind=kind, occurred_on=day, natural_key=key, defaults=fields
    )


def _outcomes(pilot: Program, people: dict[str, list[User]], today: date) -> None:
    """Participants do a little better than the rest: more stay, move up and certify."""
    took_part = {u.pk for group in people.values() for u in group}
    everyone = list(User.objects.filter(email__startswith="employee").order_by("email"))
    span = (pilot.end_date - pilot.start_date).days
    for user in everyone:
        rng = random.Random(user.email)  # per person, so reruns roll the same dice
        joined = user.pk in took_part
        odds = {
            "leave": 0.08 if joined else 0.2,
            "promote": 0.25 if joined else 0.12,
            "move": 0.15 if joined else 0.07,
            "certify": 0.45 if joined else 0.2,
        }
        roll = {k: rng.random() for k in odds}
        when = pilot.start_date + timedelta(days=rng.randint(20, span))
        if roll["leave"] < odds["leave"]:
            _event(
                user,
                OutcomeKind.DEPARTURE,
                pilot.start_date + timedelta(days=rng.randint(30, 400)),
                voluntary=rng.random() < 0.8,
            )
            continue
        if roll["promote"] < odds["promote"]:
            _event(
                user,
                OutcomeKind.PROMOTION,
                when,
                from_role=user.job_title,
                to_role="Senior " + user.job_title.removeprefix("Senior ").lower(),
            )
        if roll["move"] < odds["move"]:
            _event(
                user,
                OutcomeKind.INTERNAL_MOVE,
                when + timedelta(days=10),
                from_department=str(user.department or ""),
                to_department="Cloud Platform",
            )
        if roll["certify"] < odds["certify"]:
            name, issuer = rng.choice(CERTIFICATIONS)
            _event(
                user,
                OutcomeKind.CERTIFICATION,
                when - timedelta(days=5),
                certification_name=name,
                certification_issuer=issuer,
            )
        if joined and rng.random() < 0.3:
            _event(
                user,
                OutcomeKind.PROJECT_OUTCOME,
                min(when + timedelta(days=30), today),
                project_name="Monitoring overhaul",
                rating=rng.randint(3, 5),
                note="Delivered the new alerting rules.",
            )
