"""Demo programs and enrolments with skills, so matching and pages have real data."""

import random
from datetime import date, timedelta

from people.models import User

from .models import (
    CareerTrack,
    CommunicationStyle,
    Enrolment,
    EnrolmentRole,
    EnrolmentSkill,
    EnrolmentStatus,
    Format,
    MeetingMode,
    Program,
    Purpose,
    Seniority,
    Skill,
    Status,
)


def _program(slug: str, hr: User, **fields) -> Program:
    program, _ = Program.objects.update_or_create(slug=slug, defaults=fields)
    program.coordinators.add(hr)
    return program


def seed_programs(hr: User) -> dict[str, Program]:
    today = date.today()
    onboarding = _program(
        "onboarding-2026",
        hr,
        name="New joiner onboarding 2026",
        purpose=Purpose.ONBOARDING,
        format=Format.ONE_TO_ONE,
        status=Status.ACTIVE,
        start_date=today - timedelta(days=90),
        end_date=today + timedelta(days=180),
        meeting_cadence="fortnightly",
        milestone_cadence="monthly",
        default_mentor_capacity=2,
        requires_manager_approval=False,
        description="Every new IT joiner is paired with an experienced engineer for their first "
        "six months: how we run production, who to ask, and how to grow here.",
        mentor_expectations="Meet every two weeks, review one piece of the mentee's work each "
        "month, open doors to the right people.",
        mentee_expectations="Own the agenda, bring real problems, log each check-in and keep "
        "goals up to date.",
        meeting_expectations="Every two weeks, 45 minutes, by video or in person.",
    )
    cloud = _program(
        "cloud-upskilling",
        hr,
        name="Cloud upskilling cohort",
        purpose=Purpose.TECHNICAL,
        format=Format.GROUP,
        status=Status.MATCHING,
        start_date=today + timedelta(days=14),
        end_date=today + timedelta(days=14 + 270),
        meeting_cadence="weekly",
        milestone_cadence="quarterly",
        default_mentor_capacity=4,
        min_group_size=2,
        max_group_size=4,
        requires_manager_approval=True,
        description="Small cohorts learn AWS, Kubernetes and Terraform from the engineers who "
        "run our platform.",
        mentor_expectations="Lead a weekly hands-on session for your cohort.",
        mentee_expectations="Do the lab work between sessions and share what broke.",
        meeting_expectations="Weekly, one hour, as a group.",
    )
    return {"onboarding": onboarding, "cloud": cloud}


def _enrol(
    program: Program, user: User, role: str, rng: random.Random, skills: list[Skill], **fields
) -> Enrolment:
    defaults = {
        "role": role,
        "capacity": program.default_mentor_capacity if role == EnrolmentRole.MENTOR else 1,
        "career_track": rng.choice(CareerTrack.values),
        "communication_style": rng.choice(CommunicationStyle.values),
        "meeting_mode": rng.choice(MeetingMode.values),
        "years_experience": rng.randint(8, 20)
        if role == EnrolmentRole.MENTOR
        else rng.randint(0, 4),
        "seniority": Seniority.SENIOR if role == EnrolmentRole.MENTOR else Seniority.JUNIOR,
        "hours_per_month": rng.choice([2, 4, 6, 8]),
        **fields,
    }
    enrolment, created = Enrolment.objects.update_or_create(
        program=program, user=user, defaults=defaults
    )
    if created:
        chosen = rng.sample(skills, 3)
        EnrolmentSkill.objects.bulk_create(
            EnrolmentSkill(enrolment=enrolment, skill=s, level=rng.randint(4, 5))
            if role == EnrolmentRole.MENTOR
            else EnrolmentSkill(
                enrolment=enrolment,
                skill=s,
                level=rng.randint(1, 2),
                target_level=rng.randint(3, 5),
            )
            for s in chosen
        )
    return enrolment


def seed_enrolments(
    programs: dict[str, Program], demo: dict[str, User], rng: random.Random
) -> None:
    cloud_skills = list(Skill.objects.filter(category__in=["cloud", "devops"]))
    all_skills = list(Skill.objects.exclude(category="leadership"))
    employees = list(User.objects.filter(email__startswith="employee").order_by("email"))
    seniors = [e for e in employees if e.job_title.startswith("Senior")]
    juniors = [e for e in employees if not e.job_title.startswith("Senior")]
    onboarding, cloud = programs["onboarding"], programs["cloud"]
    _enrol(
        onboarding,
        demo["mentor"],
        EnrolmentRole.MENTOR,
        rng,
        all_skills,
        career_track=CareerTrack.CLOUD,
        years_experience=14,
        seniority=Seniority.PRINCIPAL,
    )
    _enrol(
        onboarding,
        demo["mentee"],
        EnrolmentRole.MENTEE,
        rng,
        all_skills,
        career_track=CareerTrack.CLOUD,
        career_goal="Become a cloud engineer within two years.",
    )
    for user in seniors[:12]:
        _enrol(onboarding, user, EnrolmentRole.MENTOR, rng, all_skills)
    for user in juniors[:20]:
        _enrol(onboarding, user, EnrolmentRole.MENTEE, rng, all_skills)
    for user in seniors[12:22]:
        _enrol(cloud, user, EnrolmentRole.MENTOR, rng, cloud_skills)
    for user in juniors[20:50]:
        _enrol(cloud, user, EnrolmentRole.MENTEE, rng, cloud_skills)
    taken = {u.pk for u in seniors[12:22] + juniors[20:50]}
    _seed_pending_approval(cloud, demo["manager"], cloud_skills, taken)


def _seed_pending_approval(
    program: Program, manager: User, skills: list[Skill], taken: set[int]
) -> None:
    """One report of the demo manager waits for approval, so the approvals page has a row."""
    candidate = (
        User.objects.filter(manager__manager=manager, is_active=True)
        .exclude(pk__in=taken)
        .order_by("email")
        .first()
    )
    # Same person on every run; once they exist, never reset the manager's decision.
    if candidate is None or Enrolment.objects.filter(program=program, user=candidate).exists():
        return
    # Own generator: the shared one must give other apps the same sequence as before.
    _enrol(
        program,
        candidate,
        EnrolmentRole.MENTEE,
        random.Random(7),
        skills,
        status=EnrolmentStatus.PENDING,
        career_track=CareerTrack.CLOUD,
        career_goal="Move from on-prem systems to our cloud platform team.",
    )
