"""Must-have rules: which (mentee, mentor) pairs may never be proposed (pure numpy, no Django).

A program's must-have rules are data (``MustHave``); ``violations`` turns them into one
``uint8`` bit mask per pair, bit ``BIT[rule]`` set when that rule forbids the pair, so the
solver's forbidden-pair mask is ``violations(...) != 0`` and the *reason* for every pair is
in the same array (``rule_names(bits)`` reads it back). The solver takes the mask as hard
constraints, exactly like HR's "never pair them" rules: a forbidden pair is simply not an
arc of the flow network, so the solution stays certified optimal over the allowed pairs
(see ``matching.engine``; docs/matching.md, "Must-have rules").

The rules, in the order reasons are given:

* ``will_not_mentor`` — the mentor said they won't mentor the mentee's department, or every
  skill the mentee seeks;
* ``skill`` — the mentor offers at least one of the mentee's sought skills at or above the
  mentee's target level (skills the mentor won't mentor don't count); a mentee seeking no
  skill passes;
* ``language`` — they share a language (someone with no language given passes);
* ``department`` — the mentor is outside the mentee's department (unknown passes);
* ``timezone`` — their time zones are at most ``max_timezone_hours`` apart (on the 24-hour
  circle, as ``matching.scoring`` measures it);
* ``min_score`` — the pair scores at least ``min_score``.

Method: every rule is a vectorised comparison over row chunks of the (n, m) matrix. The
skill rules use the same trick as ``matching.scoring``'s skill fit: one (m,) boolean row is
tabulated per distinct (skill, target level) a mentee seeks, bit-packed (8 mentors a byte),
and a mentee's row is the OR of its few tabulated rows, unpacked once per chunk, so no
Python loop runs over pairs.

Complexity, for n mentees, m mentors, s skills, w the most skills one mentee seeks and k the
most departments one mentor excludes: ``violations`` is O(n·m·(w + k) + c·m) time for the c ≤
5·s distinct (skill, target) pairs, O(chunk·m) extra memory beside the uint8 result (n·m
bytes), row chunks on two threads. ``restrict`` is the same time with no n·m result (it ANDs the
rules into a given mask in place). ``row_violations`` is the same for one mentee, O(m·(w + k)).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from . import threads
from .scoring import MenteeData, MentorData

RULES: tuple[str, ...] = (
    "will_not_mentor",
    "skill",
    "language",
    "department",
    "timezone",
    "min_score",
)
BIT: dict[str, int] = {name: 1 << k for k, name in enumerate(RULES)}


@dataclass(frozen=True)
class MustHave:
    """A program's must-have rules. Falsy values switch a rule off."""

    skill_at_target: bool = True
    min_score: int = 0
    max_timezone_hours: float | None = None
    same_language: bool = False
    other_department: bool = False
    will_not_mentor: bool = True

    def __post_init__(self) -> None:
        if self.min_score < 0 or self.min_score > 100:
            raise ValueError("min_score must be between 0 and 100")
        if self.max_timezone_hours is not None and not 0 <= self.max_timezone_hours <= 12:
            raise ValueError("max_timezone_hours must be between 0 and 12")

    @property
    def active(self) -> tuple[str, ...]:
        """Names of the rules that are on, in reason order."""
        on = {
            "will_not_mentor": self.will_not_mentor,
            "skill": self.skill_at_target,
            "language": self.same_language,
            "department": self.other_department,
            "timezone": self.max_timezone_hours is not None,
            "min_score": self.min_score > 0,
        }
        return tuple(name for name in RULES if on[name])

    @classmethod
    def from_dict(cls, values: dict) -> MustHave:
        """From a run's stored parameters (unknown keys ignored, missing ones default)."""
        known = {f: values[f] for f in cls.__dataclass_fields__ if f in values}
        return cls(**known)

    def as_dict(self) -> dict:
        return {f: getattr(self, f) for f in self.__dataclass_fields__}


class Limits(NamedTuple):
    """What the rules need beyond the scorer's arrays.

    Languages are bit sets (bit b = language b; 0 = none given). A mentor's excluded
    departments are department ids padded with -1 to a common width.
    """

    mentee_languages: np.ndarray  # (n,) uint64
    mentor_languages: np.ndarray  # (m,) uint64
    excluded_skills: np.ndarray  # (m, s) bool: mentor won't mentor skill
    excluded_departments: np.ndarray  # (m, k) int64, -1 padded

    @classmethod
    def none(cls, n: int, m: int, s: int) -> Limits:
        """No languages given and nothing excluded."""
        return cls(
            np.zeros(n, np.uint64),
            np.zeros(m, np.uint64),
            np.zeros((m, s), bool),
            np.zeros((m, 0), np.int64),
        )

    def take_mentees(self, rows: np.ndarray | list[int]) -> Limits:
        return self._replace(mentee_languages=self.mentee_languages[np.asarray(rows)])


def offered_levels(mentors: MentorData, limits: Limits, rules: MustHave) -> np.ndarray:
    """Mentor proficiency with skills the mentor won't mentor set to 0 (when that rule is on)."""
    if not rules.will_not_mentor or not limits.excluded_skills.any():
        return mentors.proficiency
    return np.where(limits.excluded_skills, 0, mentors.proficiency).astype(np.int8)


class _SkillTables(NamedTuple):
    codes: np.ndarray  # (n, w) index into the tables, -1 padded
    counts: np.ndarray  # (n,) sought skills per mentee (codes[i, :counts[i]] are >= 0)
    # Tables are bit-packed along the mentors (np.packbits, little bit order: 8 mentors a
    # byte), so a chunk's OR / AND over its columns reads an eighth of the bytes. Row -1 of
    # each is the identity of its reduction, so a -1 code (no skill in that column) needs no
    # masking: all 0 for reach (an OR), all 1 for refuse (an AND).
    reach: np.ndarray  # (c + 1, ⌈m/8⌉) uint8: mentor offers skill at ≥ target
    refuse: np.ndarray  # (c + 1, ⌈m/8⌉) uint8: mentor won't mentor the skill
    refuses: bool  # some mentor refuses some sought skill


def _pack(rows: np.ndarray) -> np.ndarray:
    return np.packbits(rows, axis=1, bitorder="little")


def _skill_tables(mentees: MenteeData, offered: np.ndarray, excluded: np.ndarray) -> _SkillTables:
    sought = mentees.target_levels > mentees.current_levels
    counts = sought.sum(axis=1)
    width = int(counts.max(initial=0))
    rows, skills = np.nonzero(sought)
    key = skills.astype(np.int64) * 8 + mentees.target_levels[rows, skills]
    unique, code = np.unique(key, return_inverse=True)
    skill, target = np.divmod(unique, 8)
    m = offered.shape[0]
    by_skill = np.ascontiguousarray(offered.T)  # (s, m): rows, not strided columns
    reach = np.vstack([by_skill[skill] >= target[:, None], np.zeros((1, m), bool)])
    refuse = np.ones_like(reach)
    if excluded.size:
        refuse[:-1] = np.ascontiguousarray(excluded.T)[skill]
    codes = np.full((mentees.n, width), -1, np.int64)
    position = np.arange(rows.size) - np.repeat(np.cumsum(counts) - counts, counts)
    codes[rows, position] = code.reshape(-1)
    refuses = bool(excluded.size) and bool(refuse[:-1].any())
    return _SkillTables(codes, counts, _pack(reach), _pack(refuse), refuses)


def timezone_apart(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    apart = np.abs(a[:, None] - b[None, :]) % 24.0
    return np.minimum(apart, 24.0 - apart)


def violations(
    mentees: MenteeData,
    mentors: MentorData,
    rules: MustHave,
    limits: Limits | None = None,
    scores: np.ndarray | None = None,
    *,
    chunk: int = 128,
) -> np.ndarray:
    """(n, m) uint8: for each pair, the bits (``BIT``) of the must-have rules it breaks.

    ``scores`` is the (n, m) score matrix, needed only when ``rules.min_score`` is on.
    Forbidden pairs are ``violations(...) != 0``. O(n·m·(w + k)); see the module docstring.
    """
    n, m = mentees.n, mentors.m
    out = np.zeros((n, m), np.uint8)
    active = rules.active
    if n == 0 or m == 0 or not active:
        return out
    limits, tables = _prepare(mentees, mentors, rules, limits, scores)

    def one(rows: slice) -> None:
        out[rows] = _block(mentees, mentors, rules, limits, scores, tables, rows)

    _each_chunk(n, chunk, one)
    return out


def restrict(
    allowed: np.ndarray,
    mentees: MenteeData,
    mentors: MentorData,
    rules: MustHave,
    limits: Limits | None = None,
    scores: np.ndarray | None = None,
    *,
    chunk: int = 128,
) -> np.ndarray:
    """``allowed &= (violations(...) == 0)`` in place, chunk by chunk; returns ``allowed``.

    The same mask without the n·m bytes of violation bits (nor the n·m temporary of the
    comparison): what a solve at 50,000 × 12,500 needs to stay within its memory budget.
    Same O(n·m·(w + k)) time as ``violations``, O(threads·chunk·m) extra memory.
    """
    n, m = mentees.n, mentors.m
    if allowed.shape != (n, m) or allowed.dtype != bool:
        raise ValueError("allowed must be an (n, m) bool array")
    active = rules.active
    if n == 0 or m == 0 or not active:
        return allowed
    limits, tables = _prepare(mentees, mentors, rules, limits, scores)

    def one(rows: slice) -> None:
        block = allowed[rows]  # a view: ANDed in place, rule by rule
        for _name, ok in _passes(mentees, mentors, rules, limits, scores, tables, rows):
            block &= ok

    _each_chunk(n, chunk, one)
    return allowed


def _prepare(
    mentees: MenteeData,
    mentors: MentorData,
    rules: MustHave,
    limits: Limits | None,
    scores: np.ndarray | None,
):
    """What every row chunk reads: the limits (none given: none) and the skill tables."""
    limits = limits or Limits.none(mentees.n, mentors.m, mentees.n_skills)
    if "min_score" in rules.active and scores is None:
        raise ValueError("the min_score rule needs the score matrix")
    offered = offered_levels(mentors, limits, rules)
    return limits, _skill_tables(mentees, offered, limits.excluded_skills)


def _each_chunk(n: int, chunk: int, work: Callable[[slice], None]) -> None:
    """``work(rows)`` for every row chunk, on both cores (`threads.each`)."""
    threads.each(work, (slice(s, min(s + chunk, n)) for s in range(0, n, chunk)))


def row_violations(
    mentees: MenteeData,
    mentors: MentorData,
    i: int,
    rules: MustHave,
    limits: Limits | None = None,
    scores_row: np.ndarray | None = None,
) -> np.ndarray:
    """(m,) uint8 violation bits of mentee ``i`` against every mentor. O(m·(w + k))."""
    limits = limits or Limits.none(mentees.n, mentors.m, mentees.n_skills)
    one = mentees.take([i])
    scores = None if scores_row is None else np.asarray(scores_row)[None, :]
    return violations(one, mentors, rules, limits.take_mentees([i]), scores)[0]


def _block(mentees, mentors, rules, limits, scores, tables, rows: slice) -> np.ndarray:
    """(rows, m) uint8 violation bits of a row chunk."""
    bits = np.zeros((rows.stop - rows.start, mentors.m), np.uint8)
    for name, ok in _passes(mentees, mentors, rules, limits, scores, tables, rows):
        broken = np.logical_not(ok, out=ok).view(np.uint8)
        broken <<= RULES.index(name)  # BIT[name]: arithmetic, not boolean-mask assignment
        bits |= broken
    return bits


def _fold(table: np.ndarray, codes: np.ndarray, width: int, op) -> np.ndarray:
    """``op``-reduce each row's tabulated (bit-packed) rows: out[r] = op(table[codes[r, 0]],
    ...) over the chunk's first ``width`` columns. Row -1 of ``table`` is ``op``'s identity,
    so every column is one gather and one in-place ``op`` over the chunk, on packed bytes."""
    out = table[codes[:, 0]]
    for col in range(1, width):
        op(out, table[codes[:, col]], out=out)
    return out


def _unpack(packed: np.ndarray, m: int) -> np.ndarray:
    """(rows, m) bool from bit-packed rows (a fresh array)."""
    return np.unpackbits(packed, axis=1, count=m, bitorder="little").view(bool)


def _passes(mentees, mentors, rules, limits, scores, tables, rows: slice):
    """(name, ok) per active rule that can fail in this chunk, ok[r, j] True where pair
    (rows.start + r, j) passes it: a fresh (rows, m) bool array the caller may overwrite.

    Each skill rule is a gather of tabulated rows and an in-place OR (or AND) per sought-skill
    column on bit-packed rows (see ``_SkillTables``), then one unpacking pass over the chunk.
    """
    active = rules.active
    codes = tables.codes[rows]
    counts = tables.counts[rows]
    width = int(counts.max(initial=0))
    seeks_none = counts == 0
    if "will_not_mentor" in active:
        blocked = None
        if width and tables.refuses:
            # Refuses everything sought: AND over the sought skills' "refuse" rows.
            packed = _fold(tables.refuse, codes, width, np.bitwise_and)
            packed[seeks_none] = 0
            blocked = _unpack(packed, mentors.m)
        dept = mentees.department[rows]
        for col in range(limits.excluded_departments.shape[1]):
            excluded = limits.excluded_departments[:, col]
            hit = (dept[:, None] == excluded[None, :]) & (dept[:, None] >= 0)
            blocked = hit if blocked is None else np.logical_or(blocked, hit, out=blocked)
        if blocked is not None:
            yield "will_not_mentor", np.logical_not(blocked, out=blocked)
    if "skill" in active and width:
        packed = _fold(tables.reach, codes, width, np.bitwise_or)
        packed[seeks_none] = 0xFF  # a mentee seeking no skill passes
        yield "skill", _unpack(packed, mentors.m)
    if "language" in active:
        a = limits.mentee_languages[rows].astype(np.uint64)
        b = limits.mentor_languages.astype(np.uint64)
        apart = (a[:, None] & b[None, :]) == 0
        known = (a[:, None] != 0) & (b[None, :] != 0)
        yield "language", ~(apart & known)
    if "department" in active:
        a, b = mentees.department[rows][:, None], mentors.department[None, :]
        yield "department", ~((a == b) & (a >= 0))
    if "timezone" in active:
        apart = timezone_apart(mentees.utc_offset[rows], mentors.utc_offset)
        yield "timezone", ~(apart > float(rules.max_timezone_hours) + 1e-9)
    if "min_score" in active:
        yield "min_score", ~(scores[rows] < rules.min_score)


def forbidden(
    mentees: MenteeData,
    mentors: MentorData,
    rules: MustHave,
    limits: Limits | None = None,
    scores: np.ndarray | None = None,
) -> np.ndarray:
    """(n, m) bool, True where a must-have rule forbids the pair. O(n·m·(w + k))."""
    return violations(mentees, mentors, rules, limits, scores) != 0


def describe(must: MustHave) -> list[str]:
    """The rules that are on, in words, in reason order. O(1)."""
    words = {
        "will_not_mentor": "nobody is matched for what their mentor said they won't mentor",
        "skill": "the mentor offers one of the mentee's sought skills at the target level",
        "language": "they share a language",
        "department": "the mentor works outside the mentee's department",
        "timezone": f"their time zones are at most {must.max_timezone_hours or 0:g} hours apart",
        "min_score": f"the pair scores at least {must.min_score}",
    }
    return [words[name] for name in must.active]


def rule_names(bits: int) -> list[str]:
    """The rules set in one pair's violation bits, in reason order."""
    return [name for name in RULES if bits & BIT[name]]


def language_bits(codes: list[list[int]]) -> np.ndarray:
    """Bit set per person from their language indices (each index < 64). O(total)."""
    out = np.zeros(len(codes), np.uint64)
    for p, langs in enumerate(codes):
        value = 0
        for code in langs:
            value |= 1 << code
        out[p] = np.uint64(value)
    return out


def padded(values: list[list[int]]) -> np.ndarray:
    """Ragged lists of ids as a (len, width) int64 array padded with -1. O(total)."""
    width = max((len(v) for v in values), default=0)
    out = np.full((len(values), width), -1, np.int64)
    for p, row in enumerate(values):
        out[p, : len(row)] = row
    return out
