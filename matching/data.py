"""Turn a program's approved enrolments into the arrays the scorer and solver need.

A constant number of queries whatever the program size: enrolments with users,
their skills, live and finished mentorships, avoid lists, HR pair rules and the
reporting lines.  Hard constraints become one boolean ``allowed`` matrix; the
reason masks are kept too, so unmatched mentees can be told *why* in words. They are kept
sparse (``PairMask``: the blocked cells, row by row), since hard rules block few pairs and a
dense mask per rule would cost n·m bytes each (625 MB at 50,000 × 12,500).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np

from careers.selectors import gap_sought_skills
from mentorships.models import LIVE_STATUSES, Mentorship, MentorshipStatus
from people.models import User
from people.selectors import ancestor_ids
from programs.models import (
    CareerTrack,
    Enrolment,
    EnrolmentRole,
    EnrolmentSkill,
    EnrolmentStatus,
    Format,
    Program,
)

from .models import PairRule, RuleKind
from .rules import Limits, language_bits, padded
from .scoring import STYLE_NAMES, MenteeData, MentorData

TRACKS: tuple[str, ...] = tuple(CareerTrack.values)
TRACK_NAMES: tuple[str, ...] = tuple(CareerTrack.labels)
FINISHED_STATUSES = (MentorshipStatus.ENDED, MentorshipStatus.COMPLETED)


@dataclass(frozen=True)
class Person:
    user_id: int
    name: str
    department: str
    location: str
    seniority: str
    languages: tuple[str, ...] = ()


class PairMask:
    """An (n, m) boolean mask kept as its True cells, row by row (hard rules block few pairs).

    ``mask[i]`` is row i as an (m,) bool array (O(m)), ``mask[i, j]`` one cell (O(1)).
    With ``complement=True`` a listed row is True everywhere *except* at its columns (a pin
    blocks every mentor but one); unlisted rows are all False either way. Memory O(cells).
    """

    def __init__(
        self, shape: tuple[int, int], cells: Iterable[tuple[int, int]], *, complement=False
    ) -> None:
        self.shape = shape
        self.complement = complement
        rows: dict[int, set[int]] = defaultdict(set)
        for i, j in cells:
            rows[i].add(j)
        self._rows = {i: np.array(sorted(cols), dtype=np.int64) for i, cols in rows.items()}

    def __getitem__(self, key):
        if isinstance(key, tuple):
            i, j = (int(k) for k in key)
            cols = self._rows.get(i)
            if cols is None:
                return False
            return bool(np.isin(j, cols)) != self.complement
        row = np.zeros(self.shape[1], dtype=bool)
        cols = self._rows.get(int(key))
        if cols is not None:
            if self.complement:
                row[:] = True
                row[cols] = False
            else:
                row[cols] = True
        return row

    def clear(self, allowed: np.ndarray) -> None:
        """``allowed[mask] = False`` in place. O(cells + m per complement row)."""
        for i, cols in self._rows.items():
            if self.complement:
                keep = allowed[i, cols].copy()
                allowed[i] = False
                allowed[i, cols] = keep
            else:
                allowed[i, cols] = False

    def dense(self) -> np.ndarray:
        """The full (n, m) bool array (tests and small programs). O(n·m)."""
        out = np.zeros(self.shape, dtype=bool)
        for i in self._rows:
            out[i] = self[i]
        return out


@dataclass
class Blocks:
    """Why pairs are not allowed: one sparse (n, m) mask per hard constraint (True = blocked)."""

    self_pair: PairMask
    reporting_line: PairMask
    ended: PairMask
    avoid: PairMask
    forbidden: PairMask
    pinned_elsewhere: PairMask
    # Pairs HR rejected earlier in a chain of runs for those left (None outside such runs).
    rejected: PairMask | None = None

    def allowed(self) -> np.ndarray:
        """(n, m) bool, True where no hard constraint blocks the pair: the only dense mask.

        O(n·m) to fill, then O(blocked cells)."""
        out = np.ones(self.self_pair.shape, dtype=bool)
        for mask in (
            self.pinned_elsewhere,
            self.self_pair,
            self.reporting_line,
            self.ended,
            self.avoid,
            self.forbidden,
            self.rejected,
        ):
            if mask is not None:
                mask.clear(out)
        return out


@dataclass
class ProgramData:
    program: Program
    mentees: MenteeData
    mentors: MentorData
    mentee_people: list[Person]
    mentor_people: list[Person]
    capacity: np.ndarray  # (m,) places left per mentor
    load: np.ndarray  # (m,) live mentorships per mentor now
    allowed: np.ndarray  # (n, m) bool
    blocks: Blocks
    skill_names: list[str]
    pins: dict[int, int] = field(default_factory=dict)  # mentee index -> mentor index
    # Languages and what mentors won't mentor, for the must-have rules (matching.rules).
    limits: Limits | None = None

    @property
    def reverse(self) -> bool:
        return self.program.format == Format.REVERSE

    @property
    def mentee_index(self) -> dict[int, int]:
        return {p.user_id: i for i, p in enumerate(self.mentee_people)}

    @property
    def mentor_index(self) -> dict[int, int]:
        return {p.user_id: j for j, p in enumerate(self.mentor_people)}


@lru_cache(maxsize=512)
def utc_offset_hours(tz_name: str) -> float:
    try:
        offset = datetime.now(ZoneInfo(tz_name)).utcoffset()
    except (KeyError, ValueError):  # unknown zone in old data: treat as UTC
        return 0.0
    return offset.total_seconds() / 3600 if offset is not None else 0.0


def _person(enrolment: Enrolment) -> Person:
    user = enrolment.user
    return Person(
        user_id=user.pk,
        name=user.full_name or user.email,
        department=user.department.name if user.department_id else "No department",
        location=user.location or "Unknown location",
        seniority=enrolment.get_seniority_display(),
        languages=tuple(enrolment.language_list),
    )


def _enrolments(program: Program) -> tuple[list[Enrolment], list[Enrolment]]:
    rows = list(
        Enrolment.objects.filter(program=program, status=EnrolmentStatus.APPROVED)
        .select_related("user__department")
        .order_by("user_id")
    )
    if program.format == Format.PEER:
        peers = [e for e in rows if e.role == EnrolmentRole.PEER]
        return peers, peers
    return (
        [e for e in rows if e.role == EnrolmentRole.MENTEE],
        [e for e in rows if e.role == EnrolmentRole.MENTOR],
    )


def _skills(
    enrolment_ids: list[int],
) -> tuple[dict[int, list[EnrolmentSkill]], list[int], list[str]]:
    by_enrolment: dict[int, list[EnrolmentSkill]] = defaultdict(list)
    names: dict[int, str] = {}
    for row in EnrolmentSkill.objects.filter(enrolment_id__in=enrolment_ids).select_related(
        "skill"
    ):
        by_enrolment[row.enrolment_id].append(row)
        names[row.skill_id] = row.skill.name
    skill_ids = sorted(names)
    return by_enrolment, skill_ids, [names[s] for s in skill_ids]


def _with_gap(
    skills: dict[int, list[EnrolmentSkill]],
    names: dict[int, str],
    gap: dict[int, list[tuple]],
) -> tuple[dict[int, list[EnrolmentSkill]], list[int], list[str]]:
    """A program that matches on the gap to target roles (careers): each skill of a mentee's
    gap is sought up to the required level, beside what they asked for themselves. The rows
    are in memory only."""
    for enrolment_id, found in gap.items():
        rows = {r.skill_id: r for r in skills[enrolment_id]}
        for skill_id, name, current, required in found:
            names[skill_id] = name
            row = rows.get(skill_id)
            if row is None:
                skills[enrolment_id].append(
                    EnrolmentSkill(
                        enrolment_id=enrolment_id,
                        skill_id=skill_id,
                        level=max(current, 1),
                        target_level=required,
                    )
                )
            else:
                row.target_level = max(row.target_level or 0, required)
    skill_ids = sorted(names)
    return skills, skill_ids, [names[s] for s in skill_ids]


def _style(value: str) -> int:
    return STYLE_NAMES.index(value) if value in STYLE_NAMES else -1


def _track(value: str) -> int:
    return TRACKS.index(value) if value in TRACKS else -1


def _common(rows: list[Enrolment]) -> dict[str, np.ndarray]:
    return {
        "style": np.array([_style(e.communication_style) for e in rows], dtype=np.int64),
        "years_experience": np.array([e.years_experience for e in rows], dtype=np.float64),
        "hours_per_month": np.array([e.hours_per_month for e in rows], dtype=np.float64),
        "utc_offset": np.array([utc_offset_hours(e.user.timezone) for e in rows], dtype=np.float64),
        "department": np.array([e.user.department_id or -1 for e in rows], dtype=np.int64),
    }


def _mentee_data(rows, skills, column) -> MenteeData:
    current = np.zeros((len(rows), len(column)), dtype=np.int8)
    target = np.zeros_like(current)
    for i, e in enumerate(rows):
        for s in skills.get(e.pk, ()):
            current[i, column[s.skill_id]] = s.level
            target[i, column[s.skill_id]] = s.target_level or 0
    return MenteeData(
        current_levels=current,
        target_levels=target,
        career_track=np.array([_track(e.career_track) for e in rows], dtype=np.int64),
        diversity_preference=np.array(
            [1.0 if e.prefer_other_department else 0.0 for e in rows], dtype=np.float64
        ),
        **_common(rows),
    )


def _mentor_data(rows, skills, column) -> MentorData:
    proficiency = np.zeros((len(rows), len(column)), dtype=np.int8)
    for j, e in enumerate(rows):
        for s in skills.get(e.pk, ()):
            proficiency[j, column[s.skill_id]] = s.level
    tracks = np.array([_track(e.career_track) for e in rows], dtype=np.int64)
    # Every track column exists even if no mentor has it, so indices stay valid.
    matrix = np.zeros((len(rows), len(TRACKS)), dtype=bool)
    has = tracks >= 0
    matrix[np.nonzero(has)[0], tracks[has]] = True
    return MentorData(proficiency=proficiency, career_tracks=matrix, **_common(rows))


def _live_load(program: Program) -> tuple[dict[int, int], set[int]]:
    """Live mentorships per mentor, and everyone already in a live pairing as mentee."""
    load: dict[int, int] = defaultdict(int)
    busy: set[int] = set()
    rows = Mentorship.objects.filter(program=program, status__in=LIVE_STATUSES).values_list(
        "mentor_id", "mentee_id"
    )
    peer = program.format == Format.PEER
    for mentor_id, mentee_id in rows:
        load[mentor_id] += 1
        busy.add(mentee_id)
        if peer:
            busy.add(mentor_id)
    return load, busy


def _capacity(program: Program, mentors: list[Enrolment], load: dict[int, int]) -> np.ndarray:
    if program.format == Format.PEER:
        return np.ones(len(mentors), dtype=np.int64)
    caps = []
    for e in mentors:
        limit = e.capacity
        if program.format == Format.GROUP:
            limit = min(limit, program.max_group_size)
        caps.append(max(limit - load.get(e.user_id, 0), 0))
    return np.array(caps, dtype=np.int64)


def _pair_mask(pairs, row_of: dict[int, int], col_of: dict[int, int], shape) -> PairMask:
    return PairMask(
        shape, ((row_of[a], col_of[b]) for a, b in pairs if a in row_of and b in col_of)
    )


def _blocks(program: Program, mentees, mentors, row_of, col_of) -> tuple[Blocks, dict[int, int]]:
    shape = (len(mentees), len(mentors))
    self_pair = _pair_mask(((u, u) for u in row_of), row_of, col_of, shape)
    managers = dict(User.objects.values_list("pk", "manager_id"))
    above = ((e.user_id, a) for e in mentees for a in ancestor_ids(e.user_id, managers))
    reporting_line = _pair_mask(above, row_of, col_of, shape)
    finished = list(
        Mentorship.objects.filter(program=program, status__in=FINISHED_STATUSES).values_list(
            "mentee_id", "mentor_id"
        )
    )
    if program.format == Format.PEER:
        finished += [(b, a) for a, b in finished]
    ended = _pair_mask(finished, row_of, col_of, shape)
    avoid_rows = list(
        Enrolment.avoid.through.objects.filter(enrolment__program=program).values_list(
            "enrolment__user_id", "user_id"
        )
    )
    # Either side asking to avoid the other blocks the pair.
    avoid = _pair_mask(avoid_rows + [(b, a) for a, b in avoid_rows], row_of, col_of, shape)
    rules = list(
        PairRule.objects.filter(program=program).values_list("mentee_id", "mentor_id", "kind")
    )
    forbid_pairs = [(a, b) for a, b, kind in rules if kind == RuleKind.FORBID]
    if program.format == Format.PEER:
        forbid_pairs += [(b, a) for a, b in forbid_pairs]
    forbidden = _pair_mask(forbid_pairs, row_of, col_of, shape)
    pins = {
        row_of[a]: col_of[b]
        for a, b, kind in rules
        if kind == RuleKind.PIN and a in row_of and b in col_of
    }
    pinned_elsewhere = PairMask(shape, pins.items(), complement=True)
    blocks = Blocks(self_pair, reporting_line, ended, avoid, forbidden, pinned_elsewhere)
    return blocks, pins


def _limits(mentee_rows, mentor_rows, column: dict[int, int]) -> Limits:
    """Language bit sets (one bit per language given in the program, at most 64) and what
    each mentor won't mentor, in two queries."""
    code: dict[str, int] = {}

    def codes(rows) -> list[list[int]]:
        out = []
        for e in rows:
            out.append([code.setdefault(name, len(code)) % 64 for name in e.language_list])
        return out

    mentee_langs, mentor_langs = codes(mentee_rows), codes(mentor_rows)
    mentor_of = {e.pk: j for j, e in enumerate(mentor_rows)}
    excluded = np.zeros((len(mentor_rows), len(column)), dtype=bool)
    through = Enrolment.will_not_mentor_skills.through.objects
    for enrolment_id, skill_id in through.filter(enrolment_id__in=list(mentor_of)).values_list(
        "enrolment_id", "skill_id"
    ):
        if skill_id in column:
            excluded[mentor_of[enrolment_id], column[skill_id]] = True
    departments: list[list[int]] = [[] for _ in mentor_rows]
    through = Enrolment.will_not_mentor_departments.through.objects
    for enrolment_id, department_id in through.filter(enrolment_id__in=list(mentor_of)).values_list(
        "enrolment_id", "department_id"
    ):
        departments[mentor_of[enrolment_id]].append(department_id)
    return Limits(
        language_bits(mentee_langs), language_bits(mentor_langs), excluded, padded(departments)
    )


def load_program_data(
    program: Program,
    *,
    held: Iterable[tuple[int, int]] = (),
    rejected: Iterable[tuple[int, int]] = (),
) -> ProgramData:
    """Everything a run needs about ``program``, in a constant number of queries.

    For a run for those left: ``held`` (mentee id, mentor id) pairs are held fixed like live
    mentorships (the mentee is left out, the mentor's place is taken; for peers both are
    left out) and ``rejected`` pairs are not allowed.
    """
    mentee_rows, mentor_rows = _enrolments(program)
    load, busy = _live_load(program)
    paired = set(busy)
    for mentee_id, mentor_id in held:
        if mentee_id in paired or mentor_id in paired and program.format == Format.PEER:
            continue  # an open proposal overtaken by a live pairing holds nothing
        load[mentor_id] += 1
        busy.add(mentee_id)
        if program.format == Format.PEER:
            busy.add(mentor_id)
    mentee_rows = [e for e in mentee_rows if e.user_id not in busy]
    if program.format == Format.PEER:
        mentor_rows = mentee_rows
    ids = list({e.pk for e in mentee_rows + mentor_rows})
    skills, skill_ids, skill_names = _skills(ids)
    gap = gap_sought_skills(program, mentee_rows)
    if gap:
        names = dict(zip(skill_ids, skill_names, strict=True))
        skills, skill_ids, skill_names = _with_gap(skills, names, gap)
    column = {s: k for k, s in enumerate(skill_ids)}
    row_of = {e.user_id: i for i, e in enumerate(mentee_rows)}
    col_of = {e.user_id: j for j, e in enumerate(mentor_rows)}
    blocks, pins = _blocks(program, mentee_rows, mentor_rows, row_of, col_of)
    rejected = list(rejected)
    if rejected:
        if program.format == Format.PEER:
            rejected += [(b, a) for a, b in rejected]
        shape = (len(mentee_rows), len(mentor_rows))
        blocks.rejected = _pair_mask(rejected, row_of, col_of, shape)
    capacity = _capacity(program, mentor_rows, load)
    return ProgramData(
        program=program,
        mentees=_mentee_data(mentee_rows, skills, column),
        mentors=_mentor_data(mentor_rows, skills, column),
        mentee_people=[_person(e) for e in mentee_rows],
        mentor_people=[_person(e) for e in mentor_rows],
        capacity=capacity,
        load=np.array([load.get(e.user_id, 0) for e in mentor_rows], dtype=np.int64),
        allowed=blocks.allowed(),
        blocks=blocks,
        skill_names=skill_names,
        pins=pins,
        limits=_limits(mentee_rows, mentor_rows, column),
    )
