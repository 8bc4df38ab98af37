"""Vectorised mentee × mentor compatibility scores (pure numpy, no Django).

Every pair gets an integer score 0–100 that is the sum of six integer component
points (skill fit, career goal, communication, experience, availability,
diversity).  Each component is a value in [0, 1] times an integer weight; the
six integer weights sum to exactly 100, so the total never needs clipping and
``explain`` can list the very same integers that ``score_matrix`` added up.

Exactness between ``score_matrix`` and ``explain`` comes from sharing code:
both call the same per-component functions (``explain`` on one-element
arrays), and those functions only use correctly rounded IEEE operations
(+ − × ÷ min max floor), whose results do not depend on array shape. Where
``score_matrix`` takes a faster route to the skill fit (a table, or an integer
multiply-add and shift), that route is checked against the shared function on
every value it can meet before it is used.

Complexity, for n mentees, m mentors and s skills (docs/matching.md, "Complexity"):
``score_matrix`` is O(n·m·s) vectorised numpy work, never a Python loop over
pairs, in row chunks (mentees sorted by how many skills they seek, O(n log n))
so extra memory stays O(chunk·m) beside the int16 result.
Components that depend on a few mentee scalars are tabulated once per distinct
mentee key (O(k·m) for k distinct keys, k ≤ n) and gathered per chunk.
``explain`` and ``component_points`` recompute one pair, O(s). Weights become
whole points by the largest remainder method (Hamilton's apportionment; see
M. L. Balinski, H. P. Young, *Fair Representation*, 1982), so they sum to 100.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from typing import NamedTuple

import numpy as np

from . import threads

MAX_LEVEL = 5
STYLE_NAMES: tuple[str, ...] = ("structured", "exploratory", "direct", "supportive")
# Symmetric: like styles get along best; structured/exploratory and
# direct/supportive are the least natural pairings.
DEFAULT_STYLE_COMPATIBILITY: tuple[tuple[float, ...], ...] = (
    (1.0, 0.4, 0.7, 0.6),
    (0.4, 1.0, 0.5, 0.8),
    (0.7, 0.5, 1.0, 0.4),
    (0.6, 0.8, 0.4, 1.0),
)
COMPONENTS: tuple[str, ...] = (
    "skill_fit",
    "career_goal",
    "communication",
    "experience",
    "availability",
    "diversity",
)
# How each component is named to people (pages, emails, exports): never the code above.
COMPONENT_LABELS: dict[str, str] = {
    "skill_fit": "Skill fit",
    "career_goal": "Career goal",
    "communication": "Communication",
    "experience": "Experience",
    "availability": "Availability",
    "diversity": "Diversity",
}
# Mentee-side lookup tables larger than this are computed per chunk instead.
_TABLE_CELLS = 8_000_000
# Largest joint table of merged components (``_merged``): 16 MB.
_MERGED_CELLS = 16_000_000
# Largest skill-fit table (``_fit_table``): its flat index must fit in uint16.
_FIT_TABLE_CELLS = 65_536


@dataclass(frozen=True)
class Weights:
    """Relative importance of each component; rescaled to integers summing to 100."""

    skill_fit: float = 40
    career_goal: float = 15
    communication: float = 10
    experience: float = 15
    availability: float = 10
    diversity: float = 10

    def __post_init__(self) -> None:
        values = [getattr(self, f.name) for f in fields(self)]
        if any(not np.isfinite(v) or v < 0 for v in values) or sum(values) <= 0:
            raise ValueError("weights must be finite, non-negative and not all zero")

    def points(self) -> dict[str, int]:
        """Integer points per component, summing to exactly 100 (largest remainder).

        Hamilton's method: floor each quota, then give the leftover points to the largest
        remainders (ties in field order). O(c log c) for c = 6 components.
        """
        raw = np.array([float(getattr(self, name)) for name in COMPONENTS])
        quota = raw * 100.0 / raw.sum()
        base = np.floor(quota).astype(np.int64)
        # Stable sort keeps the field order as tie-breaker, so results are reproducible.
        order = np.argsort(-(quota - base), kind="stable")
        base[order[: 100 - int(base.sum())]] += 1
        return dict(zip(COMPONENTS, (int(b) for b in base), strict=True))


@dataclass(frozen=True)
class ScoringOptions:
    """Shape of the component curves; per program, rarely changed."""

    # Mentor more senior by this many years (mentee more senior when reverse) is ideal.
    experience_band: tuple[float, float] = (3.0, 10.0)
    # Years outside the band over which the experience value falls from 1 to 0
    # (below the band, above the band).
    experience_falloff: tuple[float, float] = (5.0, 15.0)
    # Time-zone distance that costs nothing, and distance at which the
    # time-zone half of availability is entirely lost.
    timezone_free_hours: float = 2.0
    timezone_zero_hours: float = 10.0
    # Default department preference for mentees without their own: 1 = strongly
    # prefer another department, 0 = indifferent, -1 = prefer the same one.
    diversity_preference: float = 1.0
    style_compatibility: tuple[tuple[float, ...], ...] = DEFAULT_STYLE_COMPATIBILITY
    # Compatibility assumed when either side has not picked a style.
    unknown_style_value: float = 0.5

    def __post_init__(self) -> None:
        lo, hi = self.experience_band
        if lo > hi or min(self.experience_falloff) <= 0:
            raise ValueError("experience band must be ordered and falloffs positive")
        if not 0 <= self.timezone_free_hours < self.timezone_zero_hours:
            raise ValueError("need 0 <= timezone_free_hours < timezone_zero_hours")
        if not -1 <= self.diversity_preference <= 1:
            raise ValueError("diversity_preference must be in [-1, 1]")
        compat = np.asarray(self.style_compatibility, dtype=np.float64)
        if compat.ndim != 2 or compat.shape[0] != compat.shape[1]:
            raise ValueError("style_compatibility must be a square matrix")
        if compat.min() < 0 or compat.max() > 1 or not 0 <= self.unknown_style_value <= 1:
            raise ValueError("style compatibilities must be in [0, 1]")


def _vector(value: object, n: int, dtype: type, name: str) -> np.ndarray:
    array = np.ascontiguousarray(value, dtype=dtype)
    if array.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},), got {array.shape}")
    if array.dtype.kind == "f" and not np.isfinite(array).all():
        raise ValueError(f"{name} must be finite")
    return array


def _levels(value: object, name: str) -> np.ndarray:
    array = np.ascontiguousarray(value, dtype=np.int8)
    if array.ndim != 2:
        raise ValueError(f"{name} must be a 2-D (people × skills) matrix")
    if array.size and (array.min() < 0 or array.max() > MAX_LEVEL):
        raise ValueError(f"{name} must hold levels 0..{MAX_LEVEL}")
    return array


@dataclass(frozen=True, eq=False)
class MenteeData:
    """Mentee attributes as parallel arrays (row i = mentee i).

    Skill levels are 0..5 with 0 meaning "none"; a skill is *sought* when
    ``target_levels > current_levels`` and its gap (target − current) is how much
    it weighs.  Index arrays use -1 for "not given".
    """

    current_levels: np.ndarray  # (n, n_skills) int 0..5
    target_levels: np.ndarray  # (n, n_skills) int 0..5, 0/≤ current = not sought
    career_track: np.ndarray  # (n,) int track index or -1
    style: np.ndarray  # (n,) int index into STYLE_NAMES or -1
    years_experience: np.ndarray  # (n,) float
    hours_per_month: np.ndarray  # (n,) float, hours wanted
    utc_offset: np.ndarray  # (n,) float hours, e.g. 5.5
    department: np.ndarray  # (n,) int department id or -1
    diversity_preference: np.ndarray | None = None  # (n,) float in [-1, 1]; None = default

    def __post_init__(self) -> None:
        current = _levels(self.current_levels, "current_levels")
        target = _levels(self.target_levels, "target_levels")
        if current.shape != target.shape:
            raise ValueError("current_levels and target_levels must have the same shape")
        n = current.shape[0]
        set_ = object.__setattr__  # frozen: normalise once at construction
        set_(self, "current_levels", current)
        set_(self, "target_levels", target)
        track = _vector(self.career_track, n, np.int64, "career_track")
        if track.size and track.min() < -1:
            raise ValueError("career_track must be a track index or -1")
        set_(self, "career_track", track)
        set_(self, "style", _vector(self.style, n, np.int64, "style"))
        for name in ("years_experience", "hours_per_month", "utc_offset"):
            set_(self, name, _vector(getattr(self, name), n, np.float64, name))
        set_(self, "department", _vector(self.department, n, np.int64, "department"))
        if self.diversity_preference is not None:
            pref = _vector(self.diversity_preference, n, np.float64, "diversity_preference")
            if pref.size and (pref.min() < -1 or pref.max() > 1):
                raise ValueError("diversity_preference must be in [-1, 1]")
            set_(self, "diversity_preference", pref)

    @property
    def n(self) -> int:
        return self.current_levels.shape[0]

    @property
    def n_skills(self) -> int:
        return self.current_levels.shape[1]

    @property
    def gap(self) -> np.ndarray:
        """Levels still wanted per skill (target − current, 0 if not sought)."""
        diff = self.target_levels.astype(np.int16) - self.current_levels
        return np.maximum(diff, 0).astype(np.int8)

    def take(self, rows: np.ndarray | Sequence[int]) -> MenteeData:
        rows = np.asarray(rows, dtype=np.int64)
        pref = self.diversity_preference
        return MenteeData(
            self.current_levels[rows],
            self.target_levels[rows],
            self.career_track[rows],
            self.style[rows],
            self.years_experience[rows],
            self.hours_per_month[rows],
            self.utc_offset[rows],
            self.department[rows],
            None if pref is None else pref[rows],
        )


@dataclass(frozen=True, eq=False)
class MentorData:
    """Mentor attributes as parallel arrays (row j = mentor j).

    ``career_tracks`` is either a boolean (n_mentors × n_tracks) "supports
    track" matrix or a 1-D track index per mentor (-1 = none).
    """

    proficiency: np.ndarray  # (m, n_skills) int 0..5
    career_tracks: np.ndarray  # (m, n_tracks) bool, or (m,) int index / -1
    style: np.ndarray  # (m,) int index into STYLE_NAMES or -1
    years_experience: np.ndarray  # (m,) float
    hours_per_month: np.ndarray  # (m,) float, hours offered
    utc_offset: np.ndarray  # (m,) float hours
    department: np.ndarray  # (m,) int department id or -1

    def __post_init__(self) -> None:
        proficiency = _levels(self.proficiency, "proficiency")
        m = proficiency.shape[0]
        set_ = object.__setattr__  # frozen: normalise once at construction
        set_(self, "proficiency", proficiency)
        set_(self, "career_tracks", _track_matrix(self.career_tracks, m))
        set_(self, "style", _vector(self.style, m, np.int64, "style"))
        for name in ("years_experience", "hours_per_month", "utc_offset"):
            set_(self, name, _vector(getattr(self, name), m, np.float64, name))
        set_(self, "department", _vector(self.department, m, np.int64, "department"))

    @property
    def m(self) -> int:
        return self.proficiency.shape[0]

    def take(self, cols: np.ndarray | Sequence[int]) -> MentorData:
        cols = np.asarray(cols, dtype=np.int64)
        return MentorData(
            self.proficiency[cols],
            self.career_tracks[cols],
            self.style[cols],
            self.years_experience[cols],
            self.hours_per_month[cols],
            self.utc_offset[cols],
            self.department[cols],
        )


def _track_matrix(value: object, m: int) -> np.ndarray:
    array = np.asarray(value)
    if array.ndim == 2 and array.shape[0] == m:
        return np.ascontiguousarray(array, dtype=bool)
    if array.shape != (m,):
        raise ValueError("career_tracks must be (m, n_tracks) bool or (m,) track indices")
    index = array.astype(np.int64)
    if m and index.min() < -1:
        raise ValueError("track indices must be >= -1")
    matrix = np.zeros((m, int(index.max(initial=-1)) + 1), dtype=bool)
    has = index >= 0
    matrix[np.nonzero(has)[0], index[has]] = True
    return matrix


class Reason(NamedTuple):
    """One line of an explanation; ``points`` of all lines sum to the score."""

    text: str
    points: int


def signed(points: int) -> str:
    """Points as shown to people: +28, +0, −6 (true minus sign)."""
    return f"+{points}" if points >= 0 else f"\u2212{-points}"


# ---------------------------------------------------------------------------
# Component points.  Mentee-side inputs arrive as (k,) arrays, mentor-side as
# MentorData; results are (k, m) integer points in [0, weight].
# ---------------------------------------------------------------------------


def _round_points(value: np.ndarray) -> np.ndarray:
    # Round half up; inputs are in [0, weight] so the result fits in uint8.
    return np.floor(value + 0.5).astype(np.uint8)


def _career_points(track: np.ndarray, mentors: MentorData, weight: int) -> np.ndarray:
    supports = mentors.career_tracks
    if track.size and track.max() >= supports.shape[1]:
        # A track no mentor supports: pad so the lookup stays valid.
        pad = np.zeros((supports.shape[0], int(track.max()) + 1 - supports.shape[1]), bool)
        supports = np.hstack([supports, pad])
    # Row 0 is "no goal given"; a goal is worth the full weight when supported.
    table = np.vstack([np.zeros((1, supports.shape[0]), bool), supports.T])
    return (table[track + 1] * np.uint8(weight)).astype(np.uint8)


def _style_value(style_a: np.ndarray, style_b: np.ndarray, opt: ScoringOptions) -> np.ndarray:
    compat = np.asarray(opt.style_compatibility, dtype=np.float64)
    size = compat.shape[0]
    # Extra last row/column is the "unknown style" value.
    padded = np.full((size + 1, size + 1), opt.unknown_style_value)
    padded[:size, :size] = compat
    a = np.where((style_a >= 0) & (style_a < size), style_a, size)
    b = np.where((style_b >= 0) & (style_b < size), style_b, size)
    return padded[a[:, None], b[None, :]]


def _style_points(
    style: np.ndarray, mentors: MentorData, weight: int, opt: ScoringOptions
) -> np.ndarray:
    return _round_points(weight * _style_value(style, mentors.style, opt))


def _experience_gap(years: np.ndarray, mentors: MentorData, reverse: bool) -> np.ndarray:
    mentee, mentor = years[:, None], mentors.years_experience[None, :]
    return mentee - mentor if reverse else mentor - mentee


def _experience_value(gap: np.ndarray, opt: ScoringOptions) -> np.ndarray:
    lo, hi = opt.experience_band
    fall_lo, fall_hi = opt.experience_falloff
    below = np.minimum(np.maximum(lo - gap, 0.0) / fall_lo, 1.0)
    above = np.minimum(np.maximum(gap - hi, 0.0) / fall_hi, 1.0)
    return 1.0 - below - above


def _experience_points(
    years: np.ndarray, mentors: MentorData, weight: int, opt: ScoringOptions, reverse: bool
) -> np.ndarray:
    gap = _experience_gap(years, mentors, reverse)
    return _round_points(weight * _experience_value(gap, opt))


def _hours_ratio(hours: np.ndarray, mentors: MentorData) -> np.ndarray:
    wanted = hours[:, None]
    offered = mentors.hours_per_month[None, :]
    # Wanting nothing is always satisfied; avoid dividing by zero.
    safe = np.where(wanted > 0, wanted, 1.0)
    return np.where(wanted > 0, np.minimum(offered, safe) / safe, 1.0)


def _timezone_distance(offset: np.ndarray, mentors: MentorData) -> np.ndarray:
    apart = np.abs(offset[:, None] - mentors.utc_offset[None, :]) % 24.0
    return np.minimum(apart, 24.0 - apart)


def _timezone_loss(distance: np.ndarray, opt: ScoringOptions) -> np.ndarray:
    free, zero = opt.timezone_free_hours, opt.timezone_zero_hours
    return np.minimum(np.maximum(distance - free, 0.0) / (zero - free), 1.0)


def _availability_points(
    hours: np.ndarray,
    offset: np.ndarray,
    mentors: MentorData,
    weight: int,
    opt: ScoringOptions,
    *,
    ignore_timezone: bool = False,
) -> np.ndarray:
    ratio = _hours_ratio(hours, mentors)
    loss = _timezone_loss(_timezone_distance(offset, mentors), opt)
    if ignore_timezone:
        loss = np.zeros_like(loss)
    return _round_points(weight * (0.5 * ratio + 0.5 * (1.0 - loss)))


def _diversity_value(
    department: np.ndarray, preference: np.ndarray, mentors: MentorData
) -> np.ndarray:
    mentee = department[:, None]
    mentor = mentors.department[None, :]
    known = (mentee >= 0) & (mentor >= 0)
    pref = preference[:, None]
    value = np.where(mentee == mentor, 0.5 - 0.5 * pref, 0.5 + 0.5 * pref)
    # Unknown departments are neutral: neither bonus nor penalty.
    return np.where(known, value, 0.5)


def _diversity_points(
    department: np.ndarray,
    preference: np.ndarray,
    mentors: MentorData,
    weight: int,
    opt: ScoringOptions,
) -> np.ndarray:
    return _round_points(weight * _diversity_value(department, preference, mentors))


def _diversity_preferences(mentees: MenteeData, opt: ScoringOptions) -> np.ndarray:
    if mentees.diversity_preference is not None:
        return mentees.diversity_preference
    return np.full(mentees.n, float(opt.diversity_preference))


class _Component(NamedTuple):
    name: str
    keys: tuple[np.ndarray, ...]  # mentee-side inputs, each (n,)
    points: Callable[..., np.ndarray]  # (*keys[rows]) -> (rows, m) uint8


def _table_components(
    mentees: MenteeData,
    mentors: MentorData,
    pts: dict[str, int],
    opt: ScoringOptions,
    reverse: bool,
) -> list[_Component]:
    """Components that depend on a few mentee scalars, so they can be tabulated."""

    def career(track: np.ndarray) -> np.ndarray:
        return _career_points(track, mentors, pts["career_goal"])

    def communication(style: np.ndarray) -> np.ndarray:
        return _style_points(style, mentors, pts["communication"], opt)

    def experience(years: np.ndarray) -> np.ndarray:
        return _experience_points(years, mentors, pts["experience"], opt, reverse)

    def availability(hours: np.ndarray, offset: np.ndarray) -> np.ndarray:
        return _availability_points(hours, offset, mentors, pts["availability"], opt)

    def diversity(department: np.ndarray, preference: np.ndarray) -> np.ndarray:
        return _diversity_points(department, preference, mentors, pts["diversity"], opt)

    prefs = _diversity_preferences(mentees, opt)
    return [
        _Component("career_goal", (mentees.career_track,), career),
        _Component("communication", (mentees.style,), communication),
        _Component("experience", (mentees.years_experience,), experience),
        _Component("availability", (mentees.hours_per_month, mentees.utc_offset), availability),
        _Component("diversity", (mentees.department, prefs), diversity),
    ]


def _factorise(keys: tuple[np.ndarray, ...]) -> tuple[tuple[np.ndarray, ...], np.ndarray]:
    """Unique mentee key tuples and, per mentee, the index of its tuple."""
    # One 1-D unique per key, then one over the combined int64 codes: no row-wise
    # (axis=0) unique, which sorts rows as raw bytes and is far slower.
    values, codes = [], np.zeros(keys[0].size, np.int64)
    for k in keys:
        unique, inverse = np.unique(k, return_inverse=True)
        values.append(unique)
        codes = codes * unique.size + inverse.reshape(-1)
    joint, inverse = np.unique(codes, return_inverse=True)
    columns = []
    for unique in reversed(values):
        joint, index = np.divmod(joint, unique.size)
        columns.append(unique[index])
    return tuple(reversed(columns)), inverse.reshape(-1)


class _Plan(NamedTuple):
    """Per-component way to produce a chunk: lookup table rows, or direct compute."""

    component: _Component
    table: np.ndarray | None
    inverse: np.ndarray | None


def _plan(component: _Component, m: int) -> _Plan:
    if component.keys[0].size == 0:
        return _Plan(component, None, None)
    unique, inverse = _factorise(component.keys)
    if unique[0].size * max(m, 1) > _TABLE_CELLS:
        return _Plan(component, None, None)
    return _Plan(component, component.points(*unique), inverse)


def _merged(plans: list[_Plan], m: int) -> list[_Plan]:
    """Tabulated components merged into joint tables while a joint table stays under
    ``_MERGED_CELLS`` (fewest distinct keys first): each merge saves a gather and an add per
    chunk. A joint row is the sum of its parts' rows (at most 100, so uint8 stays exact).
    O(n log n + k·m) per merge for k joint keys."""
    direct = [p for p in plans if p.table is None]
    tabled = sorted((p for p in plans if p.table is not None), key=lambda p: p.table.shape[0])
    out: list[_Plan] = []
    for plan in tabled:
        if out:
            last = out[-1]
            key = last.inverse.astype(np.int64) * plan.table.shape[0] + plan.inverse
            unique, inverse = np.unique(key, return_inverse=True)
            if unique.size * max(m, 1) <= _MERGED_CELLS:
                a, b = np.divmod(unique, plan.table.shape[0])
                out[-1] = _Plan(last.component, last.table[a] + plan.table[b], inverse.ravel())
                continue
        out.append(plan)
    return out + direct


def _plan_rows(plan: _Plan, rows: slice) -> np.ndarray:
    if plan.table is not None:
        return plan.table[plan.inverse[rows]]
    return plan.component.points(*(k[rows] for k in plan.component.keys))


# ---------------------------------------------------------------------------
# Skill fit: units of wanted level a mentor can cover, over units wanted.
# A mentee at level c wanting level t on a skill needs t − c units; a mentor at
# level p covers clip(p − c, 0, t − c) of them.  Fit = covered / needed, so a
# mentor at ≥ target on every sought skill scores 1 and bigger gaps weigh more.
# ---------------------------------------------------------------------------


class _SkillPlan(NamedTuple):
    codes: np.ndarray  # (n, max_sought) index into covers, -1 padded
    counts: np.ndarray  # (n,) number of sought skills
    needed: np.ndarray  # (n,) total wanted units
    covers: np.ndarray  # (n_codes + 1, m) uint16 units covered per (skill, current, target);
    # the last row is zeros, so a -1 code (no skill in that column) adds nothing


def _covered_units(current: np.ndarray, target: np.ndarray, proficiency: np.ndarray):
    """Units covered for broadcastable (current, target, mentor proficiency) levels:
    clip(proficiency − current, 0, target − current), as minimum(maximum(…)) (what ``np.clip``
    computes, without its slower broadcast of array bounds)."""
    above = proficiency.astype(np.int16) - current
    np.maximum(above, 0, out=above)
    return np.minimum(above, target.astype(np.int16) - current, out=above)


def _skill_plan(mentees: MenteeData, mentors: MentorData) -> _SkillPlan:
    gap = mentees.gap
    sought = gap > 0
    counts = sought.sum(axis=1)
    width = int(counts.max(initial=0))
    rows, skills = np.nonzero(sought)  # row-major, so skills ascend within a row
    levels = (MAX_LEVEL + 1) ** 2
    key = (
        skills * levels
        + mentees.current_levels[rows, skills].astype(np.int64) * (MAX_LEVEL + 1)
        + mentees.target_levels[rows, skills]
    )
    unique, code = np.unique(key, return_inverse=True)
    skill, rest = np.divmod(unique, levels)
    cur, tgt = np.divmod(rest, MAX_LEVEL + 1)
    # One row per distinct (skill, current, target): what every mentor covers.
    covers = np.zeros((unique.size + 1, mentors.m), dtype=np.uint16)
    offered = np.ascontiguousarray(mentors.proficiency.T)[skill]  # rows, not strided columns
    covers[:-1] = _covered_units(cur[:, None], tgt[:, None], offered)
    codes = np.full((mentees.n, width), -1, dtype=np.int64)
    position = np.arange(rows.size) - np.repeat(np.cumsum(counts) - counts, counts)
    codes[rows, position] = code.reshape(-1)
    needed = gap.sum(axis=1, dtype=np.int64)
    return _SkillPlan(codes, counts, needed, covers)


def _skill_fit_points(units: np.ndarray, needed: np.ndarray, weight: int) -> np.ndarray:
    """round_half_up(weight × units / needed) exactly, via float32.

    floor((2·w·u + N) / (2·N)) is the exact half-up rounding; operands are
    small integers (exact in float32) and a non-integer quotient is at least
    1/(2N) away from an integer, far more than float32 error at ≤ 100.
    """
    dtype = np.float32 if int(needed.max(initial=0)) * (2 * weight + 1) < 2**22 else np.float64
    n = needed.astype(dtype)[:, None]
    safe = np.where(n > 0, n, 1)
    value = np.floor((units.astype(dtype) * dtype(2 * weight) + n) / (2 * safe))
    return np.where(n > 0, value, 0).astype(np.uint8)


def _skill_units(plan: _SkillPlan, rows: slice, m: int) -> np.ndarray:
    """(rows, m) uint16 units covered: a sum of tabulated rows per sought-skill column. A
    column most rows have is one gather and one in-place add over the chunk (the zero row
    serves rows without it); a sparse column (past most rows' last skill) touches its rows."""
    codes = plan.codes[rows]
    if codes.shape[1] == 0:
        return np.zeros((codes.shape[0], m), dtype=np.uint16)
    counts = plan.counts[rows]
    units = plan.covers[codes[:, 0]]
    for col in range(1, codes.shape[1]):
        which = np.nonzero(counts > col)[0]
        if 2 * which.size > codes.shape[0]:
            units += plan.covers[codes[:, col]]
        elif which.size:
            units[which] += plan.covers[codes[which, col]]
    return units


def _fit_table(needed: np.ndarray, weight: int, dtype: type) -> np.ndarray | None:
    """Skill-fit points for every (needed N, covered u ≤ N) as one flat table at N·(top + 1) + u,
    ``_skill_fit_points`` itself on every cell (so bit-identical): a chunk's skill fit is then
    one uint16 add and one ``take`` instead of seven float passes. None if an index would not
    fit in uint16 (a mentee wanting more than 254 levels in all). O(top²)."""
    width = int(needed.max(initial=0)) + 1
    if width * width > _FIT_TABLE_CELLS:
        return None
    units = np.broadcast_to(np.arange(width, dtype=np.uint16), (width, width))
    return _skill_fit_points(units, np.arange(width), weight).astype(dtype).reshape(-1)


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------


def score_matrix(
    mentees: MenteeData,
    mentors: MentorData,
    weights: Weights | None = None,
    *,
    reverse: bool = False,
    options: ScoringOptions | None = None,
    chunk: int = 64,
    dtype: type = np.int16,
) -> np.ndarray:
    """Integer scores 0–100 for every (mentee, mentor) pair, shape (n, m), int16.

    ``reverse=True`` is reverse mentoring: the mentee should be the more
    experienced one.  Work is done in row chunks so memory stays near the
    size of the result.  ``dtype=np.int8`` is exact too (scores never exceed
    100) and halves the matrix: one byte per pair, what the engine needs at
    50,000 × 12,500 (docs/benchmarks.md).

    O(n·m·s) time, all in numpy (skill fit is the s factor; the other five
    components are table look-ups, O(n·m) plus O(k·m) to build each table for
    its k distinct mentee keys), chunks on both cores (``threads.each``; numpy releases
    the GIL); O(threads·chunk·m) memory beside the result. Chunks take the mentees in
    order of how many skills they seek (``_chunk_order``), so a chunk adds one
    tabulated row per sought skill with few wasted additions, and turn covered units into
    points by one integer multiply-add and shift (``_fit_affine``) where that is exact.
    """
    if np.dtype(dtype) not in (np.dtype(np.int8), np.dtype(np.int16)):
        raise ValueError("scores are int16 or int8")
    weights = weights or Weights()
    opt = options or ScoringOptions()
    _check_compatible(mentees, mentors)
    pts = weights.points()
    n, m = mentees.n, mentors.m
    out = np.zeros((n, m), dtype=dtype)
    if n == 0 or m == 0:
        return out
    skills = _skill_plan(mentees, mentors)
    fit = _fit_table(skills.needed, pts["skill_fit"], dtype)
    if fit is not None:
        width = int(skills.needed.max(initial=0)) + 1
        base = (skills.needed * width).astype(np.uint16)
    scale, shift, exact = _fit_affine(skills.needed, pts["skill_fit"])
    components = _table_components(mentees, mentors, pts, opt, reverse)
    # Points add as unsigned integers of the score's width (scores are 0–100, so the bits
    # are the same): one same-type add per plan, not a mixed-type add through a cast.
    unsigned = np.dtype(np.uint8) if np.dtype(dtype) == np.int8 else np.dtype(np.uint16)
    plans = [
        p if p.table is None else p._replace(table=p.table.astype(unsigned, copy=False))
        for p in _merged([_plan(c, m) for c in components], m)
    ]
    order, bounds = _chunk_order(skills, exact, chunk)
    small = skills.covers.astype(np.uint8)  # one skill covers at most MAX_LEVEL units

    def one(bound: tuple[int, int]) -> None:
        idx = order[bound[0] : bound[1]]
        # Rows in their own order (sorted input) are filled in place, others copied once.
        in_place = bool((np.diff(idx) == 1).all())
        rows = slice(int(idx[0]), int(idx[-1]) + 1) if in_place else idx
        block = out[rows] if in_place else np.empty((idx.size, m), dtype)
        if exact[idx[0]]:  # the chunk's rows all have an exact multiply-add (_chunk_order)
            # Units fit in a byte (at most the levels wanted, < 256 here): sum bytes, then
            # multiply-add in uint16.
            scaled = np.multiply(_dense_units(skills, rows, small), scale[rows, None])
            scaled += shift[rows, None]
            np.right_shift(scaled, 8, out=block, casting="unsafe")
        elif fit is None:
            units = _dense_units(skills, rows)
            block[...] = _skill_fit_points(units, skills.needed[rows], pts["skill_fit"])
        else:
            units = _dense_units(skills, rows)
            units += base[rows, None]
            np.take(fit, units, out=block, mode="clip")  # clip: no copy; indices are valid
        total = block.view(unsigned)
        for plan in plans:
            total += _plan_rows(plan, rows)
        if not in_place:
            out[rows] = block

    threads.each(one, bounds)
    return out


def _chunk_order(
    skills: _SkillPlan, exact: np.ndarray, chunk: int
) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Mentee rows sorted by (exact multiply-add or not, skills sought, levels wanted), and
    chunks of at most ``chunk`` of them that never mix exact and inexact rows: a chunk's
    rows seek nearly as many skills each, so adding one tabulated row per column of the
    widest one wastes little. O(n log n)."""
    order = np.lexsort((skills.needed, skills.counts, ~exact)).astype(np.int64)
    split = int(exact.sum())
    bounds = [
        (start, min(start + chunk, stop))
        for begin, stop in ((0, split), (split, order.size))
        for start in range(begin, stop, chunk)
    ]
    return order, bounds


def _dense_units(
    plan: _SkillPlan, rows: slice | np.ndarray, covers: np.ndarray | None = None
) -> np.ndarray:
    """(rows, m) units covered, in the dtype of ``covers`` (default ``plan.covers``, uint16;
    the caller vouches that the sums fit): one gather and one in-place add per sought-skill
    column up to the chunk's widest row; a -1 code reads the zero row."""
    covers = plan.covers if covers is None else covers
    codes = plan.codes[rows]
    units = covers[codes[:, 0]] if codes.shape[1] else covers[np.full(len(codes), -1)]
    for col in range(1, int(plan.counts[rows].max(initial=0))):
        units += covers[codes[:, col]]
    return units


def _fit_affine(needed: np.ndarray, weight: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per mentee, integers (a, b) with (a·u + b) >> 8 equal to ``_skill_fit_points`` for
    every covered amount u in 0..needed, and a · needed + b < 2¹⁶, so a chunk's skill fit is
    a sum of bytes, a uint16 multiply-add and a shift (no float, no index look-up). Checked
    on every u for every distinct ``needed``, hence bit-identical; rows with no such pair
    (at weight 40, a mentee wanting more than 57 levels in all) or wanting 256 levels or
    more (units must fit in a byte) are ``exact`` False and keep the look-up table.
    O(k·N) for k distinct totals up to N < 256."""
    values, inverse = np.unique(needed, return_inverse=True)
    a = np.zeros(values.size, np.uint16)
    b = np.zeros(values.size, np.uint16)
    ok = np.zeros(values.size, bool)
    for k, total in enumerate(values.tolist()):
        if total >= 256:
            break  # values ascend
        units = np.arange(total + 1, dtype=np.int64)
        want = 256 * _skill_fit_points(units[None, :], np.array([total]), weight)[0].astype(
            np.int64
        )
        guess = 256 * weight // max(total, 1)
        for slope in range(max(guess - 2, 0), guess + 3):
            low = max(int((want - units * slope).max()), 0)
            high = int((want + 255 - units * slope).min())
            if low <= high and slope * total + low < 2**16:
                a[k], b[k], ok[k] = slope, low, True
                break
    inverse = inverse.reshape(-1)
    return a[inverse], b[inverse], ok[inverse]


def _check_compatible(mentees: MenteeData, mentors: MentorData) -> None:
    if mentees.n_skills != mentors.proficiency.shape[1]:
        raise ValueError(
            f"mentees have {mentees.n_skills} skills but mentors {mentors.proficiency.shape[1]}"
        )


def component_points(
    mentees: MenteeData,
    mentors: MentorData,
    i: int,
    j: int,
    weights: Weights | None = None,
    *,
    reverse: bool = False,
    options: ScoringOptions | None = None,
) -> dict[str, int]:
    """Integer points per component for one pair; they sum to its score.

    The same component functions as ``score_matrix`` on one-element arrays, so
    the figures are identical; O(s) for s skills.
    """
    weights = weights or Weights()
    opt = options or ScoringOptions()
    _check_compatible(mentees, mentors)
    pts = weights.points()
    one_mentee, one_mentor = mentees.take([i]), mentors.take([j])
    skills = _skill_plan(one_mentee, one_mentor)
    units = _skill_units(skills, slice(0, 1), 1)
    result = {"skill_fit": int(_skill_fit_points(units, skills.needed, pts["skill_fit"])[0, 0])}
    for comp in _table_components(one_mentee, one_mentor, pts, opt, reverse):
        result[comp.name] = int(comp.points(*comp.keys)[0, 0])
    return result


def explain(
    mentees: MenteeData,
    mentors: MentorData,
    i: int,
    j: int,
    weights: Weights | None = None,
    skill_names: Sequence[str] | None = None,
    *,
    reverse: bool = False,
    options: ScoringOptions | None = None,
    track_names: Sequence[str] | None = None,
    style_names: Sequence[str] = STYLE_NAMES,
) -> list[Reason]:
    """Why mentee ``i`` and mentor ``j`` score what they do, in words.

    Returns ``Reason(text, points)`` lines whose points sum exactly to
    ``score_matrix(...)[i, j]``; each text already ends in its points, e.g.
    "cloud security: offers 5, wants 4 from 2 (+28)".  Zero-point lines are
    kept where they tell something (a sought skill the mentor lacks).

    O(s): ``component_points`` for the pair, then each component's points split
    over its lines by the largest remainder method (``_apportion``).
    """
    opt = options or ScoringOptions()
    parts = component_points(mentees, mentors, i, j, weights, reverse=reverse, options=opt)
    names = list(skill_names) if skill_names is not None else None
    reasons = _skill_reasons(mentees, mentors, i, j, parts["skill_fit"], names)
    reasons.append(_career_reason(mentees, i, parts["career_goal"], track_names))
    reasons.append(_style_reason(mentees, mentors, i, j, parts["communication"], style_names))
    reasons.append(_experience_reason(mentees, mentors, i, j, parts["experience"], reverse))
    weight = (weights or Weights()).points()["availability"]
    reasons.extend(
        _availability_reasons(mentees, mentors, i, j, parts["availability"], weight, opt)
    )
    reasons.append(_diversity_reason(mentees, mentors, i, j, parts["diversity"]))
    return reasons


def _reason(text: str, points: int) -> Reason:
    return Reason(f"{text} ({signed(points)})", int(points))


def _apportion(total: int, shares: np.ndarray) -> np.ndarray:
    """Split integer ``total`` in proportion to integer ``shares`` (largest remainder)."""
    whole = int(shares.sum())
    if whole == 0:
        return np.zeros_like(shares)
    base, rest = np.divmod(total * shares, whole)
    order = np.argsort(-rest, kind="stable")
    base[order[: total - int(base.sum())]] += 1
    return base


def _skill_reasons(
    mentees: MenteeData,
    mentors: MentorData,
    i: int,
    j: int,
    points: int,
    names: list[str] | None,
) -> list[Reason]:
    current = mentees.current_levels[i].astype(np.int64)
    target = mentees.target_levels[i].astype(np.int64)
    offered = mentors.proficiency[j].astype(np.int64)
    sought = np.nonzero(target > current)[0]
    if sought.size == 0:
        return [_reason("no skills sought", points)]
    units = _covered_units(current[sought], target[sought], offered[sought]).astype(np.int64)
    split = _apportion(points, units)
    order = sorted(range(sought.size), key=lambda k: (-split[k], -units[k], sought[k]))
    reasons = []
    for k in order:
        s = sought[k]
        name = names[s] if names is not None else f"skill {s}"
        text = f"{name}: offers {offered[s]}, wants {target[s]} from {current[s]}"
        reasons.append(_reason(text, int(split[k])))
    return reasons


def _career_reason(
    mentees: MenteeData, i: int, points: int, track_names: Sequence[str] | None
) -> Reason:
    track = int(mentees.career_track[i])
    if track < 0:
        return _reason("no career goal given", points)
    label = track_names[track] if track_names is not None else f"track {track}"
    if points > 0:
        return _reason(f"supports career goal {label}", points)
    return _reason(f"does not cover career goal {label}", points)


def _style_reason(
    mentees: MenteeData,
    mentors: MentorData,
    i: int,
    j: int,
    points: int,
    style_names: Sequence[str],
) -> Reason:
    def name(index: int) -> str:
        return style_names[index] if 0 <= index < len(style_names) else "unstated"

    a, b = int(mentees.style[i]), int(mentors.style[j])
    if a == b and a >= 0:
        return _reason(f"both prefer {name(a)} communication", points)
    return _reason(f"communication styles {name(a)} / {name(b)}", points)


def _experience_reason(
    mentees: MenteeData, mentors: MentorData, i: int, j: int, points: int, reverse: bool
) -> Reason:
    mentee, mentor = mentees.years_experience[i], mentors.years_experience[j]
    gap = mentee - mentor if reverse else mentor - mentee
    who = "mentee" if reverse else "mentor"
    years = _format_number(abs(gap))
    if gap == 0:
        return _reason("same years of experience", points)
    if gap > 0:
        return _reason(f"{who} has {years} more years of experience", points)
    return _reason(f"{who} has {years} fewer years of experience", points)


def _availability_reasons(
    mentees: MenteeData,
    mentors: MentorData,
    i: int,
    j: int,
    points: int,
    weight: int,
    opt: ScoringOptions,
) -> list[Reason]:
    wanted, offered = mentees.hours_per_month[i], mentors.hours_per_month[j]
    # Hours line = availability as if time zones matched; the time-zone line
    # is the (non-positive) rest, so the two add up to the component exactly.
    hours_only = int(
        _availability_points(
            mentees.hours_per_month[[i]],
            mentees.utc_offset[[i]],
            mentors.take([j]),
            weight,
            opt,
            ignore_timezone=True,
        )[0, 0]
    )
    hours_text = f"{_format_number(offered)} h/month offered, {_format_number(wanted)} wanted"
    apart = _timezone_distance(mentees.utc_offset[[i]], mentors.take([j]))[0, 0]
    tz_text = "same time zone" if apart == 0 else f"time zone {_format_number(apart)} h apart"
    return [
        _reason(hours_text, hours_only),
        _reason(tz_text, points - hours_only),
    ]


def _diversity_reason(
    mentees: MenteeData, mentors: MentorData, i: int, j: int, points: int
) -> Reason:
    a, b = int(mentees.department[i]), int(mentors.department[j])
    if a < 0 or b < 0:
        return _reason("department unknown", points)
    return _reason("same department" if a == b else "different department", points)


def _format_number(value: float) -> str:
    return f"{value:g}"
