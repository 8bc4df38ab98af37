"""Reads that matching pages share, and mentor ranking for one mentee (``allowed_mentors``)."""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from django.db.models import QuerySet

from mentorships.models import LIVE_STATUSES, Mentorship, MentorshipStatus
from outbox.selectors import EmailProgress, email_progress
from people.models import User
from programs.models import Enrolment, EnrolmentRole, EnrolmentStatus, Format, Program

from . import rules, scoring, solve
from .data import load_program_data
from .models import MatchingRun, PairRule, ProgramWeights, Proposal, ProposalStatus, RunStatus


def runs_for_program(program: Program) -> QuerySet[MatchingRun]:
    return MatchingRun.objects.filter(program=program).select_related("started_by")


def latest_run(program: Program) -> MatchingRun | None:
    return runs_for_program(program).first()


def run_proposals(run: MatchingRun) -> QuerySet[Proposal]:
    return run.proposals.select_related("mentee", "mentor", "mentorship").order_by("-score", "id")


def rules_for_program(program: Program) -> QuerySet[PairRule]:
    return PairRule.objects.filter(program=program).select_related("mentee", "mentor", "created_by")


def enrolled_users(program: Program, role: str):
    """Approved participants of one side, for choosing people in forms."""
    if program.format == Format.PEER:
        role = EnrolmentRole.PEER
    return User.objects.filter(
        enrolments__program=program,
        enrolments__role=role,
        enrolments__status=EnrolmentStatus.APPROVED,
    ).order_by("full_name", "email")


def run_email_progress(run: MatchingRun) -> EmailProgress:
    """How far the publish emails of a run have gone: sent, waiting, refused."""
    return email_progress(f"run:{run.pk}")


def run_pairs_activating(run: MatchingRun) -> int:
    """Pairs of a published run the worker has not activated yet."""
    if run.published_at is None:
        return 0
    return Mentorship.objects.filter(matching_run=run, status=MentorshipStatus.PROPOSED).count()


def open_proposals(program: Program) -> QuerySet[Proposal]:
    """Proposals still waiting for HR (or being accepted) in the program's unpublished runs.

    A full run supersedes the open proposals of older runs, so these are the open proposals of
    the latest full run and of the runs for those left that followed it.
    """
    return Proposal.objects.filter(
        run__program=program,
        run__status=RunStatus.SUCCEEDED,
        run__published_at__isnull=True,
        status__in=(ProposalStatus.PROPOSED, ProposalStatus.ACCEPTING),
    )


def mentees_left(program: Program) -> int:
    """Approved mentees (peers) a run for those left would try to match: not in a live
    mentorship and without an open proposal. A few queries whatever the program size."""
    peer = program.format == Format.PEER
    role = EnrolmentRole.PEER if peer else EnrolmentRole.MENTEE
    live = Mentorship.objects.filter(program=program, status__in=LIVE_STATUSES)
    proposed = open_proposals(program)
    rows = Enrolment.objects.filter(
        program=program, role=role, status=EnrolmentStatus.APPROVED
    ).exclude(user_id__in=live.values("mentee_id"))
    rows = rows.exclude(user_id__in=proposed.values("mentee_id"))
    if peer:
        rows = rows.exclude(user_id__in=live.values("mentor_id"))
        rows = rows.exclude(user_id__in=proposed.values("mentor_id"))
    return rows.count()


def latest_finished_run(program: Program) -> MatchingRun | None:
    return runs_for_program(program).filter(status=RunStatus.SUCCEEDED).first()


def has_open_run(program: Program) -> bool:
    return MatchingRun.objects.filter(
        program=program, status__in=(RunStatus.QUEUED, RunStatus.RUNNING)
    ).exists()


def places_now(program: Program, mentor_ids: set[int]) -> dict[int, int]:
    """Places each of these mentors has left now: capacity (capped at the group size) minus
    live mentorships minus open proposals. For peers: 1 for someone not paired or proposed.
    Three queries."""
    peer = program.format == Format.PEER
    live = Mentorship.objects.filter(program=program, status__in=LIVE_STATUSES)
    proposed = open_proposals(program)
    if peer:
        taken = set()
        for rows in (live, proposed):
            for a, b in rows.values_list("mentee_id", "mentor_id"):
                taken.update((a, b))
        return {pk: 0 if pk in taken else 1 for pk in mentor_ids}
    used = Counter(live.filter(mentor_id__in=mentor_ids).values_list("mentor_id", flat=True))
    used.update(proposed.filter(mentor_id__in=mentor_ids).values_list("mentor_id", flat=True))
    capacity = dict(
        Enrolment.objects.filter(
            program=program,
            role=EnrolmentRole.MENTOR,
            status=EnrolmentStatus.APPROVED,
            user_id__in=mentor_ids,
        ).values_list("user_id", "capacity")
    )
    if program.format == Format.GROUP:
        capacity = {k: min(v, program.max_group_size) for k, v in capacity.items()}
    return {pk: max(capacity.get(pk, 0) - used[pk], 0) for pk in mentor_ids}


def alternatives_now(run: MatchingRun, proposals: list[Proposal]) -> dict[int, list[dict]]:
    """The stored alternatives of these proposals that could still take the mentee now: a
    place left, or a swap chain whose mover is still proposed with that mentor and whose
    target still has a place. Each keeps its ``capacity_left`` as of now."""
    ids = set()
    for proposal in proposals:
        for option in proposal.alternatives or []:
            ids.add(option["mentor_id"])
            if option.get("via"):
                ids.add(option["via"]["to_mentor_id"])
    if not ids:
        return {p.pk: [] for p in proposals}
    places = places_now(run.program, ids)
    still = set(
        run.proposals.filter(status=ProposalStatus.PROPOSED).values_list("mentee_id", "mentor_id")
    )
    out: dict[int, list[dict]] = {}
    for proposal in proposals:
        keep = []
        for option in proposal.alternatives or []:
            if option["mentor_id"] == proposal.mentor_id:
                continue  # swapped to that mentor since the run
            left = places.get(option["mentor_id"], 0)
            via = option.get("via")
            if left > 0:
                keep.append({**option, "capacity_left": left, "via": None})
            elif (
                via
                and (via["mentee_id"], option["mentor_id"]) in still
                and places.get(via["to_mentor_id"], 0) > 0
            ):
                keep.append({**option, "capacity_left": 0})
        out[proposal.pk] = keep
    return out


def run_weak_count(run: MatchingRun) -> int:
    """Open or accepted proposals of the run flagged as weak matches."""
    rows = run.proposals.exclude(
        status__in=[ProposalStatus.REJECTED, ProposalStatus.SUPERSEDED]
    ).values_list("weak", flat=True)
    return sum(1 for weak in rows if weak)


CSV_HEADER = [
    "Row",
    "Mentee",
    "Mentee email",
    "Mentor",
    "Mentor email",
    "Score",
    "Status",
    "Weak match",
    "Unmatched reason",
    "Nearest miss",
    "Nearest miss score",
    "Nearest miss stopped by",
]


def run_csv_write(run: MatchingRun, out) -> None:
    """Write the run's proposals and unmatched mentees as CSV rows to ``out``. O(rows)."""
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for p in run_proposals(run).iterator(chunk_size=1000):
        writer.writerow(
            [
                "Proposal",
                p.mentee.full_name,
                p.mentee.email,
                p.mentor.full_name,
                p.mentor.email,
                p.score,
                p.get_status_display(),
                "; ".join(p.weak),
                "",
                "",
                "",
                "",
            ]
        )
    emails = dict(
        User.objects.filter(pk__in=[row["mentee_id"] for row in run.unmatched]).values_list(
            "pk", "email"
        )
    )
    for row in run.unmatched:
        nearest = row.get("nearest") or {}
        writer.writerow(
            [
                "Unmatched",
                row["name"],
                emails.get(row["mentee_id"], ""),
                "",
                "",
                "",
                "",
                "",
                row["reason"],
                nearest.get("name", ""),
                nearest.get("score", ""),
                nearest.get("stopped_by", ""),
            ]
        )


def run_weight_lines(run: MatchingRun) -> list[str]:
    """The run's weights in words, as shares of the 100 points: "Skill fit 40 %"."""
    points = run.parameters.get("points") or run.parameters.get("weights") or {}
    return [
        f"{scoring.COMPONENT_LABELS.get(name, name.replace('_', ' ').capitalize())} {value} %"
        for name, value in points.items()
    ]


def run_duration_text(run: MatchingRun) -> str:
    """How long the run took, in words ("under a second", "2 s", "3 min 5 s")."""
    seconds = run.total_seconds
    if seconds is None:
        return "–"
    if seconds < 1:
        return "under a second"
    whole = round(seconds)
    return f"{whole // 60} min {whole % 60} s" if whole >= 60 else f"{whole} s"


def matching_settings(program: Program) -> ProgramWeights:
    """The program's saved weights and must-have rules, or unsaved defaults (the skill rule
    is on except for peer programs)."""
    found = ProgramWeights.objects.filter(program=program).first()
    if found is not None:
        return found
    return ProgramWeights(program=program, rule_skill_at_target=program.format != Format.PEER)


@dataclass(frozen=True)
class MentorOption:
    """One mentor as a mentee would be offered them, with the scorer's and the rules' verdict."""

    mentor_id: int  # the mentor's user id
    name: str
    score: int  # 0–100, the same scorer as matching runs
    explanation: list[list]  # [[text, points], ...]; the points sum to score
    forbidden_reason: str | None  # None = allowed; else what stops the pair, in words
    places_left: int  # the mentor's places not taken by live mentorships
    weak: list[str] = field(default_factory=list)  # what makes the fit weak ([] = sound)


def allowed_mentors(program: Program, mentee: Enrolment | User) -> list[MentorOption]:
    """Every mentor of ``program`` for one mentee, ranked as a run would rank them.

    Uses the program's current weights and must-have rules (``matching_settings``), the same
    scorer (``scoring.score_matrix``), the same rule mask (``rules.violations``) and the same
    hard constraints as runs (reporting line, avoid lists, ended pairings, HR pair rules).
    Allowed mentors come first, best score first (then name), then forbidden ones, each with
    ``forbidden_reason`` in words. A full mentor (``places_left == 0``) is allowed by the rules;
    whether to offer them is the caller's choice. [] when the mentee is not an approved mentee
    of the program or is already in a live mentorship there.

    O(E + m·s) for E enrolment rows: one program load (a constant number of queries), one
    row of scores and rule bits, and one explanation per mentor.
    """
    user_id = mentee.user_id if isinstance(mentee, Enrolment) else mentee.pk
    data = load_program_data(program)
    i = data.mentee_index.get(user_id)
    if i is None:
        return []
    settings = matching_settings(program)
    must = settings.must_have()
    weights = settings.weights()
    solve.apply_will_not_mentor(data, must)
    one = data.mentees.take([i])
    scores = scoring.score_matrix(one, data.mentors, weights, reverse=data.reverse)[0]
    bits = rules.row_violations(data.mentees, data.mentors, i, must, data.limits, scores)
    view = solve.RunResult(
        assignment=np.full(data.mentees.n, -1, dtype=np.int64),
        scores=_row_matrix(data, i, scores),
        allowed=data.allowed,
        must=must,
        violations=_row_matrix(data, i, bits),
    )
    out = []
    for j, person in enumerate(data.mentor_people):
        if person.user_id == user_id:
            continue
        score = int(scores[j])
        out.append(
            MentorOption(
                mentor_id=person.user_id,
                name=person.name,
                score=score,
                explanation=solve.explain_pair(data, weights, i, j),
                forbidden_reason=solve.pair_stopped_by(data, view, i, j, with_capacity=False),
                places_left=int(data.capacity[j]),
                weak=solve.weak_parts(data, weights, i, j, score, settings.weak_below),
            )
        )
    out.sort(key=lambda o: (o.forbidden_reason is not None, -o.score, o.name))
    return out


def _row_matrix(data, i: int, row: np.ndarray) -> np.ndarray:
    """An (n, m) array holding ``row`` at row i (a broadcast view: no n·m copy). O(1)."""
    full = np.broadcast_to(row, (data.mentees.n, data.mentors.m))
    return full
