"""Reads that matching pages share."""

from django.db.models import QuerySet

from mentorships.models import Mentorship, MentorshipStatus
from outbox.selectors import EmailProgress, email_progress
from people.models import User
from programs.models import EnrolmentRole, EnrolmentStatus, Format, Program

from .models import MatchingRun, PairRule, Proposal


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
