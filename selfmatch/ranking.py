"""The mentors one mentee may choose, ranked for them: the one place self-match asks the
matcher (`rank_mentors`).

It uses the same scorer, the same hard rules and the same explanation as a matching run
(`matching.data.load_program_data`, `matching.scoring`, `matching.solve.explain_pair`), so a
mentee browsing sees what HR's run would weigh. Swapping in another source of allowed
mentors (the program's must-have rules) is one edit, here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from matching import scoring, solve
from matching.data import ProgramData, load_program_data, utc_offset_hours
from matching.services import program_weights
from people.models import User
from programs.models import Program

# Why a pair is not allowed, in words for HR (mentees never see these: avoid lists are private).
BLOCK_WORDS = (
    ("self_pair", "the same person"),
    ("reporting_line", "in the mentee's reporting line"),
    ("ended", "paired before in this program"),
    ("avoid", "one of them asked not to be paired"),
    ("forbidden", "an HR pair rule forbids it"),
    ("pinned_elsewhere", "HR pinned the mentee to another mentor"),
)


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

    @property
    def allowed(self) -> bool:
        return not self.forbidden_reason


@dataclass
class Ranking:
    """The mentee's options, best first; `mentee_utc_offset` for the time-zone filter."""

    options: list[MentorOption]
    mentee_utc_offset: float = 0.0
    found: bool = True  # False: the mentee can't self-match (no approved enrolment, or paired)


def _reason(data: ProgramData, i: int, j: int) -> str:
    for name, words in BLOCK_WORDS:
        if getattr(data.blocks, name)[i, j]:
            return words
    return ""


def rank_mentors(program: Program, mentee: User) -> Ranking:
    """Every mentor of `program` for `mentee`, best score first, with the explanation and,
    for a pair the rules forbid, why.

    One `load_program_data` (a constant number of queries), one score row (O(m·s)) and an
    explanation per mentor (O(s) each).
    """
    data = load_program_data(program)
    i = data.mentee_index.get(mentee.pk)
    if i is None:
        return Ranking(options=[], found=False)
    weights = program_weights(program).weights()
    row = scoring.score_matrix(data.mentees.take([i]), data.mentors, weights, reverse=data.reverse)[
        0
    ]
    options = []
    for j, person in enumerate(data.mentor_people):
        reason = _reason(data, i, j)
        options.append(
            MentorOption(
                user_id=person.user_id,
                name=person.name,
                department=person.department,
                score=int(row[j]),
                places_left=int(data.capacity[j]),
                explanation=[] if reason else solve.explain_pair(data, weights, i, j),
                forbidden_reason=reason,
                utc_offset=float(data.mentors.utc_offset[j]),
            )
        )
    order = np.argsort(-np.array([o.score for o in options], dtype=np.int64), kind="stable")
    return Ranking(
        options=[options[k] for k in order],
        mentee_utc_offset=utc_offset_hours(mentee.timezone),
    )
