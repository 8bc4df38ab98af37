"""Demo rows for self-match: a program where mentees choose their mentor, one request waiting
for the demo mentor's answer."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError

from people.models import User
from programs.models import (
    Enrolment,
    EnrolmentRole,
    EnrolmentSkill,
    Format,
    Program,
    Purpose,
    Skill,
)
from programs.models import Status as ProgramStatus

from .models import Mode, ProgramMatching
from .services import match_request_create

SLUG = "platform-guild"
MENTORS = 4
MENTEES = 6


def _enrol(program: Program, user: User, role: str, skills: list[Skill]) -> Enrolment:
    mentor = role == EnrolmentRole.MENTOR
    enrolment, created = Enrolment.objects.get_or_create(
        program=program,
        user=user,
        defaults={
            "role": role,
            "capacity": 2 if mentor else 1,
            "years_experience": 12 if mentor else 2,
        },
    )
    if created:
        EnrolmentSkill.objects.bulk_create(
            EnrolmentSkill(enrolment=enrolment, skill=s, level=5)
            if mentor
            else EnrolmentSkill(enrolment=enrolment, skill=s, level=1, target_level=3)
            for s in skills
        )
    return enrolment


def seed(context: dict) -> None:
    if Program.objects.filter(slug=SLUG).exists():
        return  # already seeded
    demo = context["demo"]
    today = date.today()
    program = Program.objects.create(
        slug=SLUG,
        name="Platform guild (choose your mentor)",
        purpose=Purpose.TECHNICAL,
        format=Format.ONE_TO_ONE,
        status=ProgramStatus.MATCHING,
        start_date=today + timedelta(days=7),
        end_date=today + timedelta(days=7 + 180),
        meeting_cadence="fortnightly",
        milestone_cadence="monthly",
        default_mentor_capacity=2,
        requires_manager_approval=False,
        description="Mentees browse the platform engineers ranked for them and ask up to three; "
        "each mentor accepts or declines within five days.",
        mentor_expectations="Answer requests within five days; meet every two weeks.",
        mentee_expectations="Ask the mentors whose skills match your goals; bring a real problem.",
        meeting_expectations="Every two weeks, 45 minutes.",
    )
    program.coordinators.add(demo["hr"])
    ProgramMatching.objects.create(
        program=program, mode=Mode.SELF, response_days=5, updated_by=demo["hr"]
    )
    skills = list(Skill.objects.filter(category__in=["cloud", "devops"]).order_by("name")[:3])
    employees = list(User.objects.filter(email__startswith="employee").order_by("email"))
    seniors = [e for e in employees if e.job_title.startswith("Senior")][: MENTORS - 1]
    juniors = [e for e in employees if not e.job_title.startswith("Senior")][:MENTEES]
    for mentor in [demo["mentor"], *seniors]:
        _enrol(program, mentor, EnrolmentRole.MENTOR, skills)
    _enrol(program, demo["mentee"], EnrolmentRole.MENTEE, skills[:1])
    for mentee in juniors:
        _enrol(program, mentee, EnrolmentRole.MENTEE, skills[:2])
    if juniors:
        try:  # one request waits for the demo mentor's answer
            match_request_create(
                program=program,
                mentee=juniors[0],
                mentor_ids=[demo["mentor"].pk],
                note="I'd like help moving our team's services onto Kubernetes.",
            )
        except ValidationError:
            pass  # a rule or a manager line keeps them apart in this organisation: no request
