"""Reads that matching pages share."""

from collections import Counter

from django.db.models import QuerySet

from mentorships.models import LIVE_STATUSES, Mentorship, MentorshipStatus
from outbox.selectors import EmailProgress, email_progress
from people.models import User
from programs.models import Enrolment, EnrolmentRole, EnrolmentStatus, Format, Program

from .models import MatchingRun, PairRule, Proposal, ProposalStatus, RunStatus


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
