"""Matching runs: start, execute (on the worker), accept, swap, publish; weights and rules."""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from audit.services import audit_record
from chat.selectors import slack_only_user_ids
from chat.services import Notice, slack_notify_many, teams_announce
from core.errors import validation_text
from core.mail import absolute_url
from mentorships.models import Mentorship, MentorshipStatus, Source
from mentorships.services import mentorship_create, mentorships_activate_many
from outbox.services import Email, emails_enqueue, emails_retry, event_record, outbox_enqueue
from people.models import User
from programs.models import Format, Program
from programs.models import Status as ProgramStatus

from . import selectors, solve
from .data import ProgramData, load_program_data
from .models import (
    OPEN_STATUSES,
    MatchingRun,
    Objective,
    PairRule,
    ProgramWeights,
    Proposal,
    ProposalStatus,
    RuleKind,
    RunStatus,
)

logger = logging.getLogger(__name__)

RUNNABLE_PROGRAM_STATUSES = (ProgramStatus.MATCHING, ProgramStatus.ACTIVE)


# --- weights and rules ------------------------------------------------------------------------


def program_weights(program: Program) -> ProgramWeights:
    """The program's saved weights and must-have rules, or unsaved defaults."""
    return selectors.matching_settings(program)


@transaction.atomic
def program_weights_update(*, program: Program, by: User, data: dict) -> ProgramWeights:
    weights = program_weights(program)
    for name, value in data.items():
        setattr(weights, name, value)
    weights.updated_by = by
    weights.full_clean()
    weights.save()
    audit_record(
        actor=by,
        action="matching.weights_updated",
        obj=weights,
        program=program,
        payload={
            **weights.as_dict(),
            "load_penalty": weights.load_penalty,
            "objective": weights.objective,
            "rules": weights.must_have().as_dict(),
            "weak_below": weights.weak_below,
        },
    )
    return weights


@transaction.atomic
def pair_rule_create(
    *, program: Program, mentee: User, mentor: User, kind: str, by: User
) -> PairRule:
    if mentee.pk == mentor.pk:
        raise ValidationError("Choose two different people.")
    if kind not in RuleKind.values:
        raise ValidationError("Choose pin or forbid.")
    if (
        kind == RuleKind.PIN
        and PairRule.objects.filter(program=program, mentee=mentee, kind=RuleKind.PIN).exists()
    ):
        raise ValidationError(f"{mentee} is already pinned to someone; remove that pin first.")
    try:
        with transaction.atomic():
            rule = PairRule.objects.create(
                program=program, mentee=mentee, mentor=mentor, kind=kind, created_by=by
            )
    except IntegrityError:
        raise ValidationError("There is already a rule for this pair.") from None
    audit_record(actor=by, action=f"matching.rule_{kind}", obj=rule, program=program)
    return rule


@transaction.atomic
def pair_rule_delete(*, rule: PairRule, by: User) -> None:
    audit_record(actor=by, action="matching.rule_removed", obj=rule, program=rule.program)
    rule.delete()


# --- starting and executing a run ---------------------------------------------------------


def _parameters(program: Program, weights: ProgramWeights, mode: str) -> dict:
    return {
        "mode": mode,
        "format": program.format,
        "weights": weights.as_dict(),
        "points": weights.weights().points(),
        "load_penalty": list(weights.penalty()),
        "min_group_size": program.min_group_size,
        "max_group_size": program.max_group_size,
        "rules": weights.must_have().as_dict(),
        "weak_below": weights.weak_below,
    }


@transaction.atomic
def matching_run_start(
    *,
    program: Program,
    by: User | None,
    mode: str | None = None,
    enqueue: bool = True,
    remaining_only: bool = False,
) -> MatchingRun:
    """Queue a run; ``enqueue=False`` leaves executing it to the caller (``--sync``).

    ``remaining_only``: a run for those left. Live mentorships (accepted proposals among them)
    and the open proposals of unpublished runs are held fixed, pairs HR rejected since the last
    full run are not proposed again, and the rest is matched optimally (docs/matching.md).
    """
    if program.status not in RUNNABLE_PROGRAM_STATUSES:
        raise ValidationError(
            f"“{program}” is {program.get_status_display().lower()}: move it to matching "
            "before running the matcher."
        )
    weights = program_weights(program)
    mode = mode or weights.objective
    if mode not in Objective.values:
        raise ValidationError("Unknown objective.")
    parameters = _parameters(program, weights, mode)
    if remaining_only:
        if selectors.open_proposals(program).filter(status=ProposalStatus.ACCEPTING).exists():
            raise ValidationError(
                "Proposals are still being accepted; match those left once that is done."
            )
        parameters["remaining_only"] = True
        after = selectors.latest_finished_run(program)
        parameters["after_run"] = after.pk if after else None
    try:
        with transaction.atomic():
            run = MatchingRun.objects.create(
                program=program,
                started_by=by,
                mode=mode,
                parameters=parameters,
                progress_message="Waiting for a worker…",
            )
    except IntegrityError:
        raise ValidationError("A matching run is already in progress for this program.") from None
    audit_record(
        actor=by,
        action="matching.run_started",
        obj=run,
        program=program,
        payload={"mode": mode, "remaining_only": remaining_only},
    )
    if enqueue:
        outbox_enqueue(task="matching.tasks.execute_run", args=[run.pk])
    return run


def _mine(run_id: int, task_id: str) -> Q:
    """The run, while it is running under this task (any task when task_id is blank)."""
    condition = Q(pk=run_id, status=RunStatus.RUNNING)
    return condition & Q(task_id=task_id) if task_id else condition


def _progress(run_id: int, task_id: str = "") -> solve.Progress:
    def report(percent: int, message: str) -> None:
        MatchingRun.objects.filter(_mine(run_id, task_id)).update(
            progress=percent, progress_message=message, heartbeat_at=timezone.now()
        )

    return report


def matching_run_execute(*, run_id: int, task_id: str = "") -> MatchingRun | None:
    """Compute a run's proposals. Safe to call twice: a redelivered task redoes the same work.

    With a task_id, only a queued run, or one running under this same task (its retry or the
    broker's redelivery), is taken: a task the stale-run check replaced never runs alongside
    its replacement.
    """
    claimable = Q(status=RunStatus.QUEUED)
    claimable |= (
        Q(status=RunStatus.RUNNING, task_id=task_id) if task_id else Q(status=RunStatus.RUNNING)
    )
    now = timezone.now()
    claimed = MatchingRun.objects.filter(claimable, pk=run_id).update(
        status=RunStatus.RUNNING,
        started_at=now,
        heartbeat_at=now,
        task_id=task_id,
        attempts=F("attempts") + 1,
        progress=5,
        progress_message="Loading enrolments…",
        error="",
    )
    if not claimed:
        return None
    run = MatchingRun.objects.select_related("program").get(pk=run_id)
    try:
        with _heartbeat(run_id, task_id):
            _execute(run, task_id)
    except OperationalError:
        raise  # the database blinked: the task retries and re-claims the running run
    except Exception as exc:  # a failed run must say why, never stay "running"
        logger.exception("Matching run %s failed", run_id)
        matching_run_fail(run_id=run_id, error=str(exc) or exc.__class__.__name__)
    run.refresh_from_db()
    return run


@contextmanager
def _heartbeat(run_id: int, task_id: str) -> Iterator[None]:
    """Stamps the run's heartbeat every MATCHING_HEARTBEAT_SECONDS from a side thread while
    the solver works, so a long phase is not mistaken for a dead worker."""
    stop = threading.Event()

    def tick() -> None:
        try:
            while not stop.wait(settings.MATCHING_HEARTBEAT_SECONDS):
                try:
                    MatchingRun.objects.filter(_mine(run_id, task_id)).update(
                        heartbeat_at=timezone.now()
                    )
                except Exception:  # a database blink: the next tick tries again
                    logger.warning("Heartbeat of matching run %s not stamped", run_id)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=tick, name=f"run-{run_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


def matching_runs_recover_stale() -> dict[str, int]:
    """Requeues or fails runs whose worker stopped stamping the heartbeat (lost for good).

    A run is stale once its heartbeat is MATCHING_STALE_AFTER minutes old. It is queued again
    while it has had fewer than MATCHING_MAX_ATTEMPTS tries, then failed with a clear message;
    either way the program may start new runs again. Each run is taken by a conditional
    UPDATE on the heartbeat it was seen with, so two checks at once act on it once.
    """
    cutoff = timezone.now() - timedelta(minutes=settings.MATCHING_STALE_AFTER)
    stale = (
        MatchingRun.objects.filter(status=RunStatus.RUNNING)
        .filter(Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff))
        .values_list("pk", "heartbeat_at", "attempts")
    )
    out = {"requeued": 0, "failed": 0}
    minutes = f"{settings.MATCHING_STALE_AFTER:g}"
    for run_id, heartbeat, attempts in list(stale):
        seen = MatchingRun.objects.filter(
            pk=run_id, status=RunStatus.RUNNING, heartbeat_at=heartbeat
        )
        with transaction.atomic():
            if attempts < settings.MATCHING_MAX_ATTEMPTS:
                if seen.update(
                    status=RunStatus.QUEUED,
                    task_id="",
                    progress=0,
                    progress_message=f"The worker stopped responding for {minutes} "
                    "minutes; the run was queued again…",
                ):
                    outbox_enqueue(task="matching.tasks.execute_run", args=[run_id])
                    out["requeued"] += 1
                    logger.warning("Matching run %s: worker lost, requeued", run_id)
            elif seen.update(
                status=RunStatus.FAILED,
                finished_at=timezone.now(),
                progress_message="Failed",
                error=f"The worker running this run stopped responding for {minutes} minutes "
                f"(after {attempts} tries; it was probably out of memory or its machine "
                "was lost). Start a new run; if it happens again, ask an administrator "
                "to check the worker.",
            ):
                out["failed"] += 1
                logger.warning("Matching run %s: worker lost, failed", run_id)
    return out


def matching_run_fail(*, run_id: int, error: str) -> None:
    MatchingRun.objects.filter(pk=run_id, status__in=OPEN_STATUSES).update(
        status=RunStatus.FAILED,
        error=error[:2000],
        finished_at=timezone.now(),
        progress_message="Failed",
    )


def _since_full_run(program: Program, before: MatchingRun | None = None) -> list[int]:
    """Ids of the latest full run that succeeded and of the runs for those left after it."""
    runs = MatchingRun.objects.filter(program=program, status=RunStatus.SUCCEEDED)
    if before is not None:
        runs = runs.filter(created_at__lt=before.created_at)
    out = []
    for pk, parameters in runs.order_by("-created_at").values_list("pk", "parameters"):
        out.append(pk)
        if not (parameters or {}).get("remaining_only"):
            break
    return out


def _residual_data(run: MatchingRun) -> ProgramData:
    """The problem a run solves: everyone not yet paired, or only those left (remaining_only)."""
    program = run.program
    if not run.parameters.get("remaining_only"):
        return load_program_data(program)
    held = selectors.open_proposals(program).exclude(run=run).values_list("mentee_id", "mentor_id")
    rejected = Proposal.objects.filter(
        run_id__in=_since_full_run(program, before=run), status=ProposalStatus.REJECTED
    ).values_list("mentee_id", "mentor_id")
    return load_program_data(program, held=list(held), rejected=list(rejected))


def _execute(run: MatchingRun, task_id: str = "") -> None:
    progress = _progress(run.pk, task_id)
    started = time.perf_counter()
    data = _residual_data(run)
    load_seconds = round(time.perf_counter() - started, 4)
    progress(20, f"Scoring {data.mentees.n} × {data.mentors.m} pairs…")
    result = solve.compute(data, run.parameters, progress)
    progress(75, "Explaining the matches…")
    started = time.perf_counter()
    proposals = _proposals(run, data, result)
    unmatched = _unmatched(data, result, run.mode)
    result.timings = {
        "load": load_seconds,
        **result.timings,
        "explain": round(time.perf_counter() - started, 4),
    }
    progress(95, "Saving proposals…")
    _save(run, data, result, proposals, unmatched)


def _proposals(run: MatchingRun, data: ProgramData, result: solve.RunResult) -> list[Proposal]:
    """One proposal per pair of the run, with its explanation, alternatives and weak parts.

    Not peers: the component points of all pairs at once (``solve.pair_points``) feed both
    the explanations and the weak-match check; alternatives go in row blocks. Peers (small
    pools) are explained pair by pair, both ways.
    """
    with _collector_paused():
        return _build_proposals(run, data, result)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while a run builds its proposals: 50,000 proposals
    with their explanation lists would set off full collections that rescan all built so
    far, again and again (about 40 % of the stage, measured), and none of it is garbage."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _build_proposals(
    run: MatchingRun, data: ProgramData, result: solve.RunResult
) -> list[Proposal]:
    weights = solve.weights_from(run.parameters)
    weak_below = int(run.parameters.get("weak_below", 0))
    left = solve.places_left(data, result)
    chains = solve.swap_chains(data, result, left)
    peer = data.program.format == Format.PEER
    rows = np.nonzero(result.assignment >= 0)[0]
    cols = result.assignment[rows]
    if peer:
        keep = cols > rows  # one proposal per peer pair
        rows, cols = rows[keep], cols[keep]
        explanations = [
            solve.explain_peers(data, weights, i, j)
            for i, j in zip(rows.tolist(), cols.tolist(), strict=True)
        ]
        career = [None] * rows.size
    else:
        parts = solve.pair_points(data, weights, rows, cols)
        explanations = solve.explain_pairs(data, weights, rows, cols, parts)
        career = parts["career_goal"].tolist()
    options = solve.alternatives_many(data, result, rows, left, chains)
    scores = result.scores[rows, cols].tolist()
    return [
        Proposal(
            run=run,
            mentee_id=data.mentee_people[i].user_id,
            mentor_id=data.mentor_people[j].user_id,
            score=score,
            explanation=explanations[t],
            alternatives=options[t],
            weak=solve.weak_parts(data, weights, i, j, score, weak_below, career[t]),
        )
        for t, (i, j, score) in enumerate(zip(rows.tolist(), cols.tolist(), scores, strict=True))
    ]


def _unmatched(data: ProgramData, result: solve.RunResult, mode: str) -> list[dict]:
    left = solve.places_left(data, result)
    return [
        {
            "mentee_id": data.mentee_people[i].user_id,
            "name": data.mentee_people[i].name,
            "reason": solve.unmatched_reason(data, result, i, mode),
            "nearest": solve.nearest_miss(data, result, i, left),
        }
        for i in np.nonzero(result.assignment < 0)[0].tolist()
    ]


@transaction.atomic
def _save(
    run: MatchingRun,
    data: ProgramData,
    result: solve.RunResult,
    proposals: list[Proposal],
    unmatched: list[dict],
) -> None:
    # Delete-then-insert makes a re-execution after a crash give the same rows.
    Proposal.objects.filter(run=run).delete()
    Proposal.objects.bulk_create(proposals, batch_size=1000)
    if not run.parameters.get("remaining_only"):  # a run for those left holds them instead
        Proposal.objects.filter(
            run__program=run.program,
            run__created_at__lt=run.created_at,
            status=ProposalStatus.PROPOSED,
        ).update(status=ProposalStatus.SUPERSEDED)
    odd = None
    if result.peer and data.mentees.n % 2 == 1 and unmatched:
        odd = unmatched[0]
    MatchingRun.objects.filter(pk=run.pk).update(
        status=RunStatus.SUCCEEDED,
        progress=100,
        progress_message="Done",
        finished_at=timezone.now(),
        timings=result.timings,
        objective=result.objective,
        greedy_objective=result.greedy_objective,
        matched_count=int((result.assignment >= 0).sum()),
        unmatched_count=len(unmatched),
        unmatched=unmatched,
        odd_one_out=odd,
        method_note=result.note,
        fairness=solve.fairness(data, result),
    )


# --- reviewing the proposals -------------------------------------------------------------


@dataclass
class AcceptResult:
    accepted: list[Proposal] = field(default_factory=list)
    refused: list[tuple[Proposal, str]] = field(default_factory=list)


def _require_reviewable(run: MatchingRun) -> None:
    if run.status != RunStatus.SUCCEEDED:
        raise ValidationError("Only a finished run's proposals can be reviewed.")
    if run.published_at is not None:
        raise ValidationError("This run is already published; start a new run to change pairs.")


@transaction.atomic
def proposals_accept(*, run: MatchingRun, proposal_ids: list[int] | None, by: User) -> AcceptResult:
    """Create proposed mentorships for the chosen proposals (None = all still proposed).

    For the few ticked on a page; "Accept all" goes to the worker (proposals_accept_all_start).
    """
    _require_reviewable(run)
    rows = run.proposals.filter(status=ProposalStatus.PROPOSED).select_related("mentor", "mentee")
    if proposal_ids is not None:
        rows = rows.filter(pk__in=proposal_ids)
    result = AcceptResult()
    for proposal in rows.order_by("id"):
        _accept(run, proposal, by, result)
    audit_record(
        actor=by,
        action="matching.proposals_accepted",
        obj=run,
        program=run.program,
        payload={"accepted": len(result.accepted), "refused": len(result.refused)},
    )
    return result


def _accept(run: MatchingRun, proposal: Proposal, by: User | None, result: AcceptResult) -> None:
    try:
        mentorship = mentorship_create(
            program=run.program,
            mentor=proposal.mentor,
            mentee=proposal.mentee,
            by=by,
            source=Source.MATCHING,
            status=MentorshipStatus.PROPOSED,
            matching_run=run,
            score=proposal.score,
            explanation=proposal.explanation,
            note=f"Accepted from matching run {run.pk}",
        )
    except ValidationError as exc:
        proposal.status, proposal.refusal = ProposalStatus.PROPOSED, validation_text(exc)[:500]
        proposal.save(update_fields=["status", "refusal"])
        result.refused.append((proposal, proposal.refusal))
        return
    proposal.status, proposal.mentorship, proposal.refusal = ProposalStatus.ACCEPTED, mentorship, ""
    proposal.save(update_fields=["status", "mentorship", "refusal"])
    result.accepted.append(proposal)


ACCEPT_CHUNK = 50


@transaction.atomic
def proposals_accept_all_start(*, run: MatchingRun, by: User) -> int:
    """Hands every open proposal of the run to the worker to accept; returns how many.

    Each pairing is checked under row locks, which takes a while for thousands: the page
    answers at once and shows how far the worker got.
    """
    _require_reviewable(run)
    count = run.proposals.filter(status=ProposalStatus.PROPOSED).update(
        status=ProposalStatus.ACCEPTING, refusal=""
    )
    if count:
        audit_record(
            actor=by,
            action="matching.accept_all_started",
            obj=run,
            program=run.program,
            payload={"proposals": count},
        )
        outbox_enqueue(
            task="matching.tasks.accept_proposals", args=[run.pk], kwargs={"by_id": by.pk}
        )
    return count


def proposals_accept_queued(
    *, run_id: int, by_id: int | None, time_budget: float | None = None
) -> dict[str, int | bool]:
    """Accepts the run's proposals marked "being accepted", a chunk per transaction.

    Safe to run twice or at once: each chunk is claimed with SKIP LOCKED and leaves the
    "being accepted" state in the commit that pairs it. Returns the counts, and whether the
    time budget ran out with proposals left ("more").
    """
    run = MatchingRun.objects.select_related("program").filter(pk=run_id).first()
    by = User.objects.filter(pk=by_id).first() if by_id else None
    result = AcceptResult()
    started = time.monotonic()
    more = False
    while run is not None:
        if time_budget is not None and time.monotonic() - started > time_budget:
            more = run.proposals.filter(status=ProposalStatus.ACCEPTING).exists()
            break
        with transaction.atomic():
            chunk = list(
                run.proposals.select_for_update(skip_locked=True, of=("self",))
                .filter(status=ProposalStatus.ACCEPTING)
                .select_related("mentor", "mentee")
                .order_by("id")[:ACCEPT_CHUNK]
            )
            if not chunk:
                break
            before = (len(result.accepted), len(result.refused))
            for proposal in chunk:
                _accept(run, proposal, by, result)
            audit_record(
                actor=by,
                action="matching.proposals_accepted",
                obj=run,
                program=run.program,
                payload={
                    "accepted": len(result.accepted) - before[0],
                    "refused": len(result.refused) - before[1],
                },
            )
    return {"accepted": len(result.accepted), "refused": len(result.refused), "more": more}


REJECTED_REASON = "proposal rejected by HR"
# How a rejected mentee's nearest miss reads: "Nearest miss: Lena (score 38), who …".
REJECTED_MISS = "was proposed and rejected by HR"


@transaction.atomic
def proposals_reject(*, run: MatchingRun, proposal_ids: list[int], by: User) -> int:
    """Drop open proposals: their mentees go back to the run's unmatched list ("proposal
    rejected by HR") and the run's counts change; their mentors' places become free for swaps
    and for a run for those left, which never proposes the rejected pair again."""
    # The run row is locked so two rejections at once both land in its unmatched list.
    run = MatchingRun.objects.select_for_update().select_related("program").get(pk=run.pk)
    _require_reviewable(run)
    rows = list(
        run.proposals.select_for_update(of=("self",))
        .filter(pk__in=proposal_ids, status=ProposalStatus.PROPOSED)
        .select_related("mentee", "mentor")
        .order_by("id")
    )
    count = run.proposals.filter(pk__in=[p.pk for p in rows]).update(status=ProposalStatus.REJECTED)
    peer = run.program.format == Format.PEER
    back = []
    for proposal in rows:
        sides = ((proposal.mentee, proposal.mentor),)
        if peer:
            sides += ((proposal.mentor, proposal.mentee),)
        back += [
            {
                "mentee_id": person.pk,
                "name": person.full_name or person.email,
                "reason": REJECTED_REASON,
                "rejected_mentor_id": other.pk,
                "rejected_mentor": other.full_name or other.email,
                # The same shape as a run's nearest miss: who they could not get, and why.
                "nearest": {
                    "mentor_id": other.pk,
                    "name": other.full_name or other.email,
                    "score": proposal.score,
                    "stopped_by": REJECTED_MISS,
                },
            }
            for person, other in sides
        ]
    if back:
        run.unmatched = [*run.unmatched, *back]
        run.unmatched_count += len(back)
        run.matched_count = max(run.matched_count - len(back), 0)
        run.save(update_fields=["unmatched", "unmatched_count", "matched_count"])
    audit_record(
        actor=by,
        action="matching.proposals_rejected",
        obj=run,
        program=run.program,
        payload={"rejected": count},
    )
    return count


def swap_candidates(*, proposal: Proposal, data: ProgramData | None = None) -> list[dict]:
    """Mentors this proposal's mentee could switch to now: allowed, and with a place left, or
    full but with a swap chain (one of their open proposals moves to a mentor with a place
    left, given as ``via``). Best score first."""
    run = proposal.run
    data = data or load_program_data(run.program)
    i = data.mentee_index.get(proposal.mentee_id)
    if i is None or data.program.format == Format.PEER:
        return []
    held = _held(run, data, proposal)
    left = data.capacity - held
    scores, allowed = _rows(run, data, [i])
    scores, allowed = scores[0], allowed[0]
    usable = [
        j
        for j, p in enumerate(data.mentor_people)
        if allowed[j]
        and p.user_id != proposal.mentor_id
        and not _group_problem(data, proposal, held, j)
    ]
    chains = _live_chains(run, data, proposal, left, [j for j in usable if left[j] <= 0])
    out = []
    for j in usable:
        if left[j] <= 0 and j not in chains:
            continue
        option = {
            "mentor_id": data.mentor_people[j].user_id,
            "name": data.mentor_people[j].name,
            "score": int(scores[j]),
            "capacity_left": max(int(left[j]), 0),
        }
        if j in chains:
            option["via"] = chains[j]
        out.append(option)
    return sorted(out, key=lambda c: (-c["score"], c["name"]))


def _rows(run: MatchingRun, data: ProgramData, rows: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """These mentees' scores (int64) and allowed masks (hard and must-have rules) against every
    mentor, under the run's parameters: the one place swaps read pairs from. O(len(rows)·m·s)."""
    scores = np.zeros((len(rows), data.mentors.m), dtype=np.int64)
    allowed = data.allowed[rows].copy()
    for r, i in enumerate(rows):
        row, bits = solve.score_row(data, run.parameters, i)  # must-have rules too
        scores[r] = row
        allowed[r] &= bits == 0
    return scores, allowed


def _live_chains(
    run: MatchingRun, data: ProgramData, proposal: Proposal, left: np.ndarray, full: list[int]
) -> dict[int, dict]:
    """For full mentors, the open proposal of this run whose move to a mentor with a place
    left frees a place at the fewest points lost (one-to-one and reverse formats only)."""
    if not full or data.program.format not in (Format.ONE_TO_ONE, Format.REVERSE):
        return {}
    index = data.mentor_index
    by_id = {data.mentor_people[j].user_id: j for j in full}
    movers = [
        (pk, index[mentor_id], data.mentee_index[mentee_id])
        for pk, mentor_id, mentee_id in run.proposals.filter(
            status=ProposalStatus.PROPOSED, mentor_id__in=list(by_id)
        )
        .exclude(pk=proposal.pk)
        .values_list("pk", "mentor_id", "mentee_id")
        if mentee_id in data.mentee_index
    ]
    if not movers:
        return {}
    scores, allowed = _rows(run, data, [k for _, _, k in movers])
    out: dict[int, dict] = {}
    best_loss: dict[int, int] = {}
    for r, (pk, j, k) in enumerate(movers):
        usable = allowed[r] & (left > 0)
        usable[j] = False
        if not usable.any():
            continue
        to = int(np.argmax(np.where(usable, scores[r], np.iinfo(np.int64).min)))
        loss = int(scores[r, j] - scores[r, to])
        if j not in out or loss < best_loss[j]:
            best_loss[j] = loss
            out[j] = {
                "proposal_id": pk,
                "mentee_id": data.mentee_people[k].user_id,
                "mentee_name": data.mentee_people[k].name,
                "to_mentor_id": data.mentor_people[to].user_id,
                "to_name": data.mentor_people[to].name,
                "score_before": int(scores[r, j]),
                "score_after": int(scores[r, to]),
            }
    return out


def _held(run: MatchingRun, data: ProgramData, proposal: Proposal) -> np.ndarray:
    """Places per mentor held by this run's other open proposals.

    Accepted proposals are live mentorships already (counted in data.load and
    data.capacity); open ones of this run hold their place too, except the one
    being swapped.
    """
    held = np.zeros(data.mentors.m, dtype=np.int64)
    index = data.mentor_index
    rows = (
        run.proposals.filter(status=ProposalStatus.PROPOSED)
        .exclude(pk=proposal.pk)
        .values_list("mentor_id", flat=True)
    )
    for mentor_id in rows:
        if mentor_id in index:
            held[index[mentor_id]] += 1
    return held


def _group_problem(data: ProgramData, proposal: Proposal, held: np.ndarray, j: int) -> str:
    """Why moving the mentee to mentor j would break the group size rule ('' if it doesn't)."""
    if data.program.format != Format.GROUP:
        return ""
    minimum = data.program.min_group_size
    size = data.load + held
    if size[j] + 1 < minimum:
        return (
            f"{data.mentor_people[j].name}'s group would have {size[j] + 1} member(s); "
            f"groups need at least {minimum}."
        )
    old = data.mentor_index.get(proposal.mentor_id)
    if old is not None and 0 < size[old] < minimum:
        return (
            f"{data.mentor_people[old].name}'s group would shrink to {size[old]}; "
            f"groups need at least {minimum}."
        )
    return ""


def _why_not_swappable(proposal: Proposal) -> str:
    """The words for a refusal that `Proposal.can_be_swapped` decided."""
    try:
        _require_reviewable(proposal.run)
    except ValidationError as exc:
        return exc.messages[0]
    if proposal.status != ProposalStatus.PROPOSED:
        return "Only a proposal that is still open can be swapped."
    return "Peer pairs can't be swapped by hand; forbid the pair and run again."


@transaction.atomic
def proposal_swap(
    *,
    proposal: Proposal,
    new_mentor: User,
    by: User,
    move: Proposal | None = None,
    move_to: User | None = None,
) -> Proposal:
    """Give the proposal's mentee another mentor. With ``move`` and ``move_to`` (a swap chain)
    the open proposal ``move``, whose mentor is ``new_mentor``, first moves to ``move_to`` to
    free the place; both happen or neither."""
    # Lock the run so two swaps can't both take a mentor's last place; decide on fresh rows.
    run = MatchingRun.objects.select_for_update().select_related("program").get(pk=proposal.run_id)
    proposal.refresh_from_db()
    proposal.run = run
    if not proposal.can_be_swapped:
        raise ValidationError(_why_not_swappable(proposal))
    data = load_program_data(run.program)
    if move is not None:
        if move_to is None:
            raise ValidationError("Say where the other mentee moves to.")
        move.refresh_from_db()
        move.run = run
        if move.run_id != run.pk or move.pk == proposal.pk or move.mentor_id != new_mentor.pk:
            raise ValidationError(
                f"That swap chain no longer frees a place with {new_mentor}; choose again."
            )
        if not move.can_be_swapped:
            raise ValidationError(
                f"{move.mentee}'s proposal is no longer open, so it can't move; choose again."
            )
        _swap_one(run, data, move, move_to, by)
    _swap_one(run, data, proposal, new_mentor, by)
    return proposal


def _swap_one(
    run: MatchingRun, data: ProgramData, proposal: Proposal, new_mentor: User, by: User
) -> None:
    i = data.mentee_index.get(proposal.mentee_id)
    j = data.mentor_index.get(new_mentor.pk)
    if i is None:
        raise ValidationError(f"{proposal.mentee} can no longer be matched in this program.")
    if j is None:
        raise ValidationError(f"{new_mentor} is not an enrolled mentor in this program.")
    if new_mentor.pk == proposal.mentor_id:
        raise ValidationError("Choose a different mentor from the proposed one.")
    if not data.allowed[i, j]:
        raise ValidationError(
            f"{new_mentor} can't mentor {proposal.mentee}: a hard rule forbids "
            "this pair (reporting line, avoid list, ended pairing or HR rule)."
        )
    _scores, bits = solve.score_row(data, run.parameters, i)
    if bits[j]:
        words = solve.rule_words(data, run.parameters, i, j, bits)
        raise ValidationError(
            f"{new_mentor} can't mentor {proposal.mentee}: the program's must-have rules "
            f"forbid this pair ({new_mentor} {words})."
        )
    held = _held(run, data, proposal)
    if data.capacity[j] - held[j] <= 0:
        raise ValidationError(f"{new_mentor} has no place left.")
    problem = _group_problem(data, proposal, held, j)
    if problem:
        raise ValidationError(problem)
    weights = solve.weights_from(run.parameters)
    old = proposal.mentor
    proposal.mentor = new_mentor
    proposal.explanation = solve.explain_pair(data, weights, i, j)
    proposal.score = sum(points for _, points in proposal.explanation)
    proposal.weak = solve.weak_parts(
        data, weights, i, j, proposal.score, int(run.parameters.get("weak_below", 0))
    )
    proposal.swapped = True
    proposal.save(update_fields=["mentor", "explanation", "score", "weak", "swapped"])
    audit_record(
        actor=by,
        action="matching.proposal_swapped",
        obj=proposal,
        program=run.program,
        payload={"from": old.pk, "to": new_mentor.pk},
    )


@transaction.atomic
def run_publish(*, run: MatchingRun, by: User) -> int:
    """Publish this run's accepted pairs; a second publish does nothing. Returns how many.

    The page answers at once: the worker activates the pairs and queues both sides' emails
    (run_publish_activate), and the run page shows how far that and the emails got.
    """
    if run.status != RunStatus.SUCCEEDED:
        raise ValidationError("Only a finished run can be published.")
    if run.proposals.filter(status=ProposalStatus.ACCEPTING).exists():
        raise ValidationError("Proposals are still being accepted; publish once that is done.")
    pending = Mentorship.objects.filter(matching_run=run, status=MentorshipStatus.PROPOSED).count()
    if not pending and run.published_at is None:
        raise ValidationError("Accept at least one proposal before publishing.")
    claimed = MatchingRun.objects.filter(pk=run.pk, published_at__isnull=True).update(
        published_at=timezone.now()
    )
    if not claimed:
        raise ValidationError("This run is already published.")
    audit_record(
        actor=by,
        action="matching.run_published",
        obj=run,
        program=run.program,
        payload={"pairs": pending},
    )
    outbox_enqueue(task="matching.tasks.publish_run", args=[run.pk], kwargs={"by_id": by.pk})
    # Once: only the request that set published_at gets here.
    event_record(
        kind="run.published",
        program_id=run.program_id,
        data={
            "run": {"id": run.pk, "pairs": pending, "published_by": by.pk},
            "program": {"id": run.program_id, "slug": run.program.slug},
        },
    )
    run.refresh_from_db()
    return pending


@transaction.atomic
def run_publish_activate(*, run_id: int, by_id: int | None) -> int:
    """The worker's half of publishing: activates the published run's pairs that are still
    proposed and records both sides' emails, in one transaction and a few statements.

    Safe to run twice or at once: the run row is locked, and a pair is activated, and its
    emails recorded, only while it is still proposed. Returns how many were activated.
    """
    run = (
        MatchingRun.objects.select_for_update(of=("self",))
        .select_related("program")
        .filter(pk=run_id, published_at__isnull=False)
        .first()
    )
    if run is None:
        return 0
    by = User.objects.filter(pk=by_id).first() if by_id else None
    pending = list(
        Mentorship.objects.filter(matching_run=run, status=MentorshipStatus.PROPOSED).values_list(
            "pk", flat=True
        )
    )
    activated = mentorships_activate_many(program=run.program, ids=pending, by=by)
    people = [p for m in activated for p in (m.mentor_id, m.mentee_id)]
    slack_only = slack_only_user_ids(people)
    emails = [
        email
        for mentorship in activated
        for person_id, email in _emails(mentorship)
        if person_id not in slack_only
    ]
    _announce_in_chat(run, activated)
    # Recorded with the activation; the worker sends them, once each, after the commit.
    emails_enqueue(kind="matching.published", emails=emails, batch=run_email_batch(run))
    return len(activated)


def run_email_batch(run: MatchingRun) -> str:
    """The key of a run's publish emails in the email queue."""
    return f"run:{run.pk}"


@transaction.atomic
def run_emails_retry(*, run: MatchingRun, by: User) -> int:
    """Sends the publish emails the mail server refused once more; returns how many."""
    count = emails_retry(batch=run_email_batch(run))
    if count:
        audit_record(
            actor=by,
            action="matching.emails_retried",
            obj=run,
            program=run.program,
            payload={"emails": count},
        )
    return count


def _announce_in_chat(run: MatchingRun, activated: list[Mentorship]) -> None:
    """Each person's match as a Slack message (per their chat preference), and the run's news
    in the program's Teams channel: how many pairs, no names."""
    slack_notify_many(
        Notice(
            user=person,
            kind="matching.published",
            key=f"mentorship:{mentorship.pk}",
            title=f"Your match in {mentorship.program}",
            text=f"You have been matched with {other.full_name or other.email}. Open your "
            "mentorship to agree how you will work together.",
            link_path=mentorship.get_absolute_url(),
            link_label="Open the mentorship",
        )
        for mentorship in activated
        for person, other in (
            (mentorship.mentee, mentorship.mentor),
            (mentorship.mentor, mentorship.mentee),
        )
    )
    if activated:
        count = len(activated)
        teams_announce(
            program=run.program,
            kind="matching.published",
            key=f"run:{run.pk}",
            title=f"New pairs in {run.program}",
            text=f"{count} new pair{'s' if count != 1 else ''} {'were' if count != 1 else 'was'} "
            "matched and told by email or Slack. Each pair's first step: agree how they will "
            "work together.",
            link_path=run.program.get_absolute_url(),
            link_label="Open the program",
        )


def _emails(mentorship: Mentorship) -> list[tuple[int, Email]]:
    link = absolute_url(mentorship.get_absolute_url())
    # Only what the pair has going for it: zero-fit lines ("offers 0") are never quoted.
    reasons = "\n".join(f"- {text}" for text, points in mentorship.explanation or [] if points > 0)
    peer = mentorship.program.format == Format.PEER
    out = []
    for person, other, role in (
        (mentorship.mentee, mentorship.mentor, "peer" if peer else "mentor"),
        (mentorship.mentor, mentorship.mentee, "peer" if peer else "mentee"),
    ):
        why = f"Why you were matched (score {mentorship.score}):\n{reasons}\n\n" if reasons else ""
        body = (
            f"Hello {person.full_name or person.email},\n\n"
            f"You have been matched in “{mentorship.program}”: your {role} is "
            f"{other.full_name or other.email}.\n\n"
            f"{why}"
            f"Open your mentorship to agree how you will work together:\n{link}\n"
        )
        out.append((person.pk, Email(person.email, f"Your match in {mentorship.program}", body)))
    return out
