"""The mentors one mentee may choose, ranked for them: the one place self-match asks the
matcher (`rank_mentors`).

It is `matching.selectors.allowed_mentors`: the same scorer, weights, must-have rules, hard
constraints (reporting line, avoid lists, ended pairings, HR pair rules) and explanation as a
matching run, so a mentee browsing sees what HR's run would weigh.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from matching.data import utc_offset_hours
from matching.selectors import allowed_mentors
from mentorships.models import LIVE_STATUSES, Mentorship
from people.models import User
from programs.models import Enrolment, EnrolmentRole, EnrolmentStatus, Program


@dataclass
class MentorOption:
    user_id: int
    name: str
    department: str
    score: int
    places_left: int
    explanation: list[list] = field(default_factory=list)
    forbidden_reason: str = ""
    utc_offset: float = 0.0
    weak: list[str] = field(default_factory=list)

    @property
    def allowed(self) -> bool:
        return not self.forbidden_reason


@dataclass
class Ranking:
    """The mentee's options, best first; `mentee_utc_offset` for the time-zone filter."""

    options: list[MentorOption]
    mentee_utc_offset: float = 0.0
    found: bool = True  # False: the mentee can't self-match (no approved enrolment, or paired)


def _can_choose(program: Program, mentee: User) -> bool:
    enrolled = Enrolment.objects.filter(
        program=program, user=mentee, role=EnrolmentRole.MENTEE, status=EnrolmentStatus.APPROVED
    ).exists()
    paired = Mentorship.objects.filter(
        program=program, mentee=mentee, status__in=LIVE_STATUSES
    ).exists()
    return enrolled and not paired


def rank_mentors(program: Program, mentee: User) -> Ranking:
    """Every mentor of `program` for `mentee`: allowed ones best score first, then those the
    rules forbid, with why (for HR; a mentee only sees allowed mentors).

    `allowed_mentors` (one program load, O(m·s)) and one query for the mentors' departments
    and time zones.
    """
    if not _can_choose(program, mentee):
        return Ranking(options=[], found=False)
    found = allowed_mentors(program, mentee)
    people = {
        u.pk: u
        for u in User.objects.filter(pk__in=[o.mentor_id for o in found]).select_related(
            "department"
        )
    }
    options = []
    for o in found:
        user = people.get(o.mentor_id)
        options.append(
            MentorOption(
                user_id=o.mentor_id,
                name=o.name,
                department=user.department.name if user and user.department_id else "",
                score=o.score,
                places_left=o.places_left,
                explanation=o.explanation,
                forbidden_reason=o.forbidden_reason or "",
                utc_offset=utc_offset_hours(user.timezone) if user else 0.0,
                weak=list(o.weak),
            )
        )
    return Ranking(options=options, mentee_utc_offset=utc_offset_hours(mentee.timezone))
