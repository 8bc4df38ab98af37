"""Big worlds built with bulk_create, so a worker's job takes long enough to be killed mid-way."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password

from mentorships.models import Mentorship
from people.models import Department, User
from programs.models import (
    CareerTrack,
    CommunicationStyle,
    Enrolment,
    EnrolmentSkill,
    Program,
    Seniority,
)
from tests.factories import PASSWORD, ProgramFactory, SkillFactory

BATCH = 2000


def users(prefix: str, count: int) -> list[User]:
    department = Department.objects.get_or_create(name=f"{prefix} department")[0]
    password = make_password(PASSWORD)
    User.objects.bulk_create(
        [
            User(
                email=f"{prefix}{i}@bulk.example",
                full_name=f"{prefix.title()} {i}",
                department=department,
                timezone="Europe/London",
                password=password,
            )
            for i in range(count)
        ],
        batch_size=BATCH,
    )
    return list(
        User.objects.filter(email__startswith=prefix, email__endswith="@bulk.example").order_by(
            "pk"
        )
    )


def matching_program(*, mentees: int, mentors: int, seed: int = 7) -> Program:
    """A one-to-one program in matching with approved enrolments, each with three skills."""
    rng = random.Random(seed)
    program = ProgramFactory(status="matching", format="one_to_one")
    skills = [SkillFactory(name=f"Bulk skill {k}") for k in range(12)]
    rows = [
        Enrolment(
            program=program,
            user=user,
            role=role,
            status="approved",
            capacity=rng.randint(1, 4) if role == "mentor" else 2,
            career_track=rng.choice(CareerTrack.values),
            communication_style=rng.choice(CommunicationStyle.values),
            seniority=rng.choice(Seniority.values),
            years_experience=rng.randint(8, 20) if role == "mentor" else rng.randint(0, 5),
            hours_per_month=rng.choice([2, 4, 6]),
        )
        for role, people in (
            ("mentee", users("mentee", mentees)),
            ("mentor", users("mentor", mentors)),
        )
        for user in people
    ]
    Enrolment.objects.bulk_create(rows, batch_size=BATCH)
    skill_rows = []
    for enrolment in Enrolment.objects.filter(program=program):
        for skill in rng.sample(skills, 3):
            mentee = enrolment.role == "mentee"
            level = rng.randint(1, 3) if mentee else rng.randint(3, 5)
            skill_rows.append(
                EnrolmentSkill(
                    enrolment=enrolment,
                    skill=skill,
                    level=level,
                    target_level=min(level + 2, 5) if mentee else None,
                )
            )
    EnrolmentSkill.objects.bulk_create(skill_rows, batch_size=BATCH)
    return program


def due_pairings(count: int) -> int:
    """`count` active weekly pairings started 8 days ago: each owes a check-in reminder to both."""
    program = ProgramFactory(status="active", meeting_cadence="weekly")
    mentors = users("remmentor", count)
    mentees = users("remmentee", count)
    started = date.today() - timedelta(days=8)
    Mentorship.objects.bulk_create(
        [
            Mentorship(
                program=program,
                mentor=mentor,
                mentee=mentee,
                status="active",
                source="manual",
                started_on=started,
            )
            for mentor, mentee in zip(mentors, mentees, strict=True)
        ],
        batch_size=BATCH,
    )
    return 2 * count
