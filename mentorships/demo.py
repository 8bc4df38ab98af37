"""Demo pairings in the onboarding program, with agreements, goals and milestones.

Runs after the programs demo (enrolments exist). Idempotent: people who already have a live
mentorship are skipped, and goals are only added to pairings without any.
"""

import random
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from people.models import User
from programs.models import Enrolment, EnrolmentRole, EnrolmentStatus, Program, Skill

from . import services
from .models import LIVE_STATUSES, Agreement, Goal, GoalStatus, Mentorship, Milestone

EXTRA_PAIRS = 10

# (title, skills, description, measure of success, milestone titles)
GOALS = [
    (
        "Run the on-call rotation solo",
        ["Site reliability engineering", "Incident response"],
        "Be the primary on-call engineer for the payments platform for a full week.",
        "One full on-call week with every page acknowledged within SLA and a clean handover.",
        [
            "Shadow two on-call shifts",
            "Rewrite the top five runbooks",
            "Lead a game-day drill",
            "Primary on-call week with mentor as backup",
        ],
    ),
    (
        "Pass AWS Solutions Architect Associate",
        ["AWS", "Cloud architecture"],
        "Structured study plan: well-architected framework, VPC design, IAM and storage.",
        "Certificate earned before the program ends.",
        ["Finish the VPC and IAM modules", "Score 75% on a practice exam", "Book and sit the exam"],
    ),
    (
        "Ship a Terraform module to production",
        ["Terraform", "CI/CD pipelines"],
        "Own the shared S3 bucket module: inputs, tests, versioning and release.",
        "Module merged, released and used by two teams.",
        ["Draft the module interface", "Add tests in the pipeline", "First team adopts it"],
    ),
    (
        "Tune our slowest PostgreSQL queries",
        ["PostgreSQL", "Query tuning"],
        "Find and fix the three slowest queries behind the customer portal.",
        "p95 of the portal's worst endpoint under 300 ms.",
        ["Capture a week of pg_stat_statements", "Fix the top query", "Present results"],
    ),
    (
        "Lead a blameless post-incident review",
        ["Incident response", "Code review"],
        "Facilitate the review of a real incident and publish the write-up.",
        "Review held, actions tracked to done, write-up praised by the team lead.",
        ["Observe a review", "Draft the timeline", "Facilitate the review"],
    ),
]


def _skills(names: list[str]) -> list[Skill]:
    return list(Skill.objects.filter(name__in=names))


def _milestone_dates(mentorship: Mentorship, count: int) -> list[date]:
    start = mentorship.started_on or date.today()
    end = mentorship.program.end_date
    step = max((end - start).days // (count + 1), 14)
    return [start + timedelta(days=step * (i + 1)) for i in range(count)]


def _add_goals(mentorship: Mentorship, rng: random.Random, *, how_many: int) -> None:
    if Goal.objects.filter(mentorship=mentorship).exists():
        return
    for title, skill_names, description, measure, steps in rng.sample(GOALS, how_many):
        goal = services.goal_create(
            mentorship=mentorship,
            by=mentorship.mentee,
            skills=_skills(skill_names),
            data={
                "title": title,
                "description": description,
                "success_measure": measure,
                "target_date": mentorship.program.end_date - timedelta(days=14),
                "status": GoalStatus.IN_PROGRESS,
            },
        )
        dates = _milestone_dates(mentorship, len(steps))
        Milestone.objects.bulk_create(
            # Checkpoints already due in the past are done, so progress bars show real progress.
            Milestone(
                goal=goal,
                title=step,
                due_date=due,
                done_at=timezone.now() if due <= date.today() else None,
                evidence="Shared in the last check-in." if due <= date.today() else "",
            )
            for step, due in zip(steps, dates, strict=True)
        )


def _backdate(mentorship: Mentorship, days: int) -> None:
    # Demo pairings started weeks ago, so some milestones are already behind them.
    Mentorship.objects.filter(pk=mentorship.pk).update(
        started_on=date.today() - timedelta(days=days)
    )
    mentorship.refresh_from_db()


def _pair(program: Program, mentor: User, mentee: User, hr: User) -> Mentorship | None:
    existing = Mentorship.objects.filter(
        program=program, mentee=mentee, status__in=LIVE_STATUSES
    ).first()
    if existing:
        return existing if existing.mentor_id == mentor.pk else None
    try:
        mentorship = services.mentorship_create(
            program=program,
            mentor=mentor,
            mentee=mentee,
            by=hr,
            note="Paired for the demo.",
        )
    except ValidationError:
        return None
    _backdate(mentorship, 60)
    return mentorship


def _confirm(mentorship: Mentorship, *people: User) -> None:
    agreement = services.agreement_ensure(mentorship=mentorship)
    Agreement.objects.filter(pk=agreement.pk).update(channel="Teams video, camera on")
    for person in people:
        field = (
            "mentor_confirmed_at" if person.pk == mentorship.mentor_id else "mentee_confirmed_at"
        )
        Agreement.objects.filter(pk=agreement.pk, **{f"{field}__isnull": True}).update(
            **{field: timezone.now()}
        )


def _enrolled(program: Program, role: str) -> list[User]:
    ids = Enrolment.objects.filter(
        program=program, role=role, status=EnrolmentStatus.APPROVED
    ).values_list("user_id", flat=True)
    return list(User.objects.filter(pk__in=ids).order_by("email"))


def seed(context: dict) -> None:
    rng = random.Random(2026)  # our own generator: other apps' demo data stays the same
    demo, program = context["demo"], context["programs"]["onboarding"]
    hr = demo["hr"]
    main = _pair(program, demo["mentor"], demo["mentee"], hr)
    if main is not None:
        _confirm(main, main.mentor)  # the demo mentee still has the agreement to confirm
        _add_goals(main, rng, how_many=2)
    mentors = [m for m in _enrolled(program, EnrolmentRole.MENTOR) if m.pk != demo["mentor"].pk]
    mentees = [m for m in _enrolled(program, EnrolmentRole.MENTEE) if m.pk != demo["mentee"].pk]
    made = 0
    for index, mentee in enumerate(mentees):
        if made >= EXTRA_PAIRS:
            break
        mentor = mentors[index % len(mentors)] if mentors else None
        pairing = _pair(program, mentor, mentee, hr) if mentor else None
        if pairing is None:
            continue
        made += 1
        if index % 2 == 0:
            _confirm(pairing, pairing.mentor, pairing.mentee)
        _add_goals(pairing, rng, how_many=1 + index % 2)
