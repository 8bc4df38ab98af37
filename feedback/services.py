"""Writes for surveys and skill assessments. Every send is claimed with a conditional UPDATE."""

from collections.abc import Callable
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, Model, OuterRef
from django.template.loader import render_to_string
from django.utils import timezone

from careers.services import assessment_checks_save
from core.mail import DeliveryFailed, absolute_url, error_text, send_each_once
from mentorships.models import LIVE_STATUSES, Mentorship, MentorshipStatus
from people.models import User
from programs.models import Program, Status

from . import plan
from .models import (
    DEFAULT_QUESTIONS,
    AssessmentRequest,
    AssessmentRound,
    AudienceRole,
    QuestionKind,
    RaterRole,
    RoundKind,
    SendStatus,
    SkillRating,
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyQuestion,
)

# How long a survey stays open after it is sent.
SURVEY_OPEN_DAYS = 21
# Assessment requests go out this many days before the round is due.
ASSESSMENT_LEAD_DAYS = 7
# A request sent late (round already overdue) gets this long before its reminder.
REMINDER_GRACE = timedelta(days=2)
# Programs whose pairings exist: surveys and rounds of earlier stages wait.
RUNNING_PROGRAM = (Status.ACTIVE, Status.CLOSED)


# --- surveys: scheduling -------------------------------------------------------------------


def _questions_ensure(survey_ids: list[int]) -> None:
    rows = [
        SurveyQuestion(survey_id=sid, position=i, kind=kind, text=text)
        for sid in survey_ids
        for i, (kind, text) in enumerate(DEFAULT_QUESTIONS, start=1)
    ]
    # Idempotent on (survey, position): a second call or a racing worker adds nothing.
    SurveyQuestion.objects.bulk_create(rows, ignore_conflicts=True)


@transaction.atomic
def surveys_schedule_defaults(*, programs: list[Program]) -> int:
    """Creates the mid-point and end surveys each program lacks; returns how many were added."""
    existing = set(Survey.objects.filter(program__in=programs).values_list("program_id", "kind"))
    new = []
    for program in programs:
        for kind, opens_on in plan.survey_dates(program.start_date, program.end_date).items():
            if (program.pk, kind) not in existing:
                new.append(
                    Survey(
                        program=program,
                        kind=kind,
                        opens_on=opens_on,
                        closes_on=opens_on + timedelta(days=SURVEY_OPEN_DAYS),
                    )
                )
    Survey.objects.bulk_create(new, ignore_conflicts=True)
    _questions_ensure(
        list(
            Survey.objects.filter(program__in=programs)
            .filter(~Exists(SurveyQuestion.objects.filter(survey=OuterRef("pk"))))
            .values_list("pk", flat=True)
        )
    )
    return len(new)


def surveys_schedule_for_active_programs() -> int:
    """Active programs get their two default surveys without HR having to ask."""
    lacking = (
        Program.objects.filter(status=Status.ACTIVE)
        .annotate(n=Exists(Survey.objects.filter(program=OuterRef("pk"))))
        .filter(n=False)
    )
    return surveys_schedule_defaults(programs=list(lacking))


@transaction.atomic
def survey_save(
    *,
    program: Program,
    kind: str,
    opens_on: date,
    closes_on: date,
    for_mentees: bool,
    for_mentors: bool,
    for_managers: bool,
) -> Survey:
    """Creates or adjusts a program's survey of one kind; a sent survey can't change."""
    if closes_on < opens_on:
        raise ValidationError({"closes_on": "The survey can't close before it opens."})
    if not (for_mentees or for_mentors or for_managers):
        raise ValidationError("Choose at least one group to ask.")
    survey = Survey.objects.select_for_update().filter(program=program, kind=kind).first()
    if survey and survey.status != SendStatus.SCHEDULED:
        raise ValidationError("This survey has already been sent; its dates can't change.")
    survey = survey or Survey(program=program, kind=kind)
    survey.opens_on, survey.closes_on = opens_on, closes_on
    survey.for_mentees, survey.for_mentors, survey.for_managers = (
        for_mentees,
        for_mentors,
        for_managers,
    )
    survey.save()
    _questions_ensure([survey.pk])
    return survey


# --- surveys: sending ----------------------------------------------------------------------


def _survey_audience(survey: Survey) -> dict[int, str]:
    """user id → role. A person in two roles is asked once, in the closest role."""
    pairs = Mentorship.objects.filter(
        program_id=survey.program_id,
        status__in=[*LIVE_STATUSES, MentorshipStatus.COMPLETED],
    ).values_list("mentor_id", "mentee_id", "mentee__manager_id")
    roles = survey.roles
    audience: dict[int, str] = {}
    for mentor_id, mentee_id, manager_id in pairs:
        if AudienceRole.MENTEE in roles:
            audience[mentee_id] = AudienceRole.MENTEE
        if AudienceRole.MENTOR in roles and audience.get(mentor_id) != AudienceRole.MENTEE:
            audience[mentor_id] = AudienceRole.MENTOR
        if AudienceRole.MANAGER in roles and manager_id:
            audience.setdefault(manager_id, AudienceRole.MANAGER)
    inactive = set(
        User.objects.filter(pk__in=audience, is_active=False).values_list("pk", flat=True)
    )
    return {uid: role for uid, role in audience.items() if uid not in inactive}


def survey_invitations_create(*, survey: Survey) -> None:
    """Idempotent: the unique (survey, user) key drops anyone already invited."""
    rows = [
        SurveyInvitation(survey=survey, user_id=uid, role=role)
        for uid, role in _survey_audience(survey).items()
    ]
    SurveyInvitation.objects.bulk_create(rows, ignore_conflicts=True)


def _survey_email(invitation: SurveyInvitation) -> None:
    context = {
        "invitation": invitation,
        "survey": invitation.survey,
        "url": absolute_url(invitation.get_absolute_url()),
    }
    send_mail(
        subject=f"{invitation.survey.get_kind_display()}: {invitation.survey.program.name}",
        message=render_to_string("feedback/email/survey_invitation.txt", context),
        from_email=None,
        recipient_list=[invitation.user.email],
    )


def _refused_for_good(field: str) -> Callable[[Model, BaseException], None]:
    """Marks a row whose email the mail server refused for good as handled, with the error:
    retrying would only be refused again. The invitee still finds it in the app."""

    def mark(row: Model, exc: BaseException) -> None:
        type(row).objects.filter(pk=row.pk, **{f"{field}__isnull": True}).update(
            **{field: timezone.now()}, email_error=error_text(exc)
        )

    return mark


def survey_invitations_email(*, survey_ids: list[int]) -> int:
    """Emails every invitation not yet emailed, each once (see `_send_each_once`)."""
    pending = SurveyInvitation.objects.filter(
        survey_id__in=survey_ids, sent_at__isnull=True
    ).select_related("user", "survey__program")
    return send_each_once(
        pending, field="sent_at", send=_survey_email, on_refused=_refused_for_good("sent_at")
    )


def surveys_send_due(*, today: date) -> int:
    """Opens every due survey: claims it, invites its audience, emails each invitee once."""
    surveys_schedule_for_active_programs()
    due = list(
        Survey.objects.filter(
            opens_on__lte=today,
            status__in=[SendStatus.SCHEDULED, SendStatus.SENDING],
            program__status__in=RUNNING_PROGRAM,
        ).values_list("pk", flat=True)
    )
    for survey_id in due:
        Survey.objects.filter(pk=survey_id, status=SendStatus.SCHEDULED).update(
            status=SendStatus.SENDING
        )
        # A survey left in "sending" by a dead worker is finished here: creation is idempotent.
        survey_invitations_create(survey=Survey.objects.get(pk=survey_id))
        Survey.objects.filter(pk=survey_id, status=SendStatus.SENDING).update(
            status=SendStatus.SENT
        )
    return survey_invitations_email(
        survey_ids=list(
            Survey.objects.filter(status=SendStatus.SENT, closes_on__gte=today).values_list(
                "pk", flat=True
            )
        )
    )


# --- surveys: answering --------------------------------------------------------------------


@transaction.atomic
def survey_answer(
    *,
    invitation: SurveyInvitation,
    ratings: dict[int, int],
    comments: dict[int, str],
    today: date | None = None,
) -> SurveyInvitation:
    today = today or timezone.localdate()
    if invitation.survey.closes_on < today:
        raise ValidationError(f"This survey closed on {invitation.survey.closes_on:%d %b %Y}.")
    questions = list(invitation.survey.questions.all())
    answers = []
    for q in questions:
        if q.kind == QuestionKind.RATING:
            rating = ratings.get(q.pk)
            if rating not in (1, 2, 3, 4, 5):
                raise ValidationError(f"Give a rating from 1 to 5 for “{q.text}”.")
            answers.append(SurveyAnswer(invitation=invitation, question=q, rating=rating))
        elif text := comments.get(q.pk, "").strip():
            answers.append(SurveyAnswer(invitation=invitation, question=q, text=text))
    # The claim: a double submit (two tabs, a retried POST) records the answers only once.
    claimed = SurveyInvitation.objects.filter(pk=invitation.pk, answered_at__isnull=True).update(
        answered_at=timezone.now()
    )
    if not claimed:
        raise ValidationError("You have already answered this survey.")
    SurveyAnswer.objects.bulk_create(answers)
    invitation.refresh_from_db()
    return invitation


# --- assessments: scheduling ---------------------------------------------------------------


@transaction.atomic
def assessment_round_schedule(
    *, program: Program, kind: str, due_on: date, include_manager: bool, by: User | None
) -> AssessmentRound:
    if kind not in RoundKind.values:
        raise ValidationError({"kind": "Choose baseline, follow-up or final."})
    if not program.start_date <= due_on <= program.end_date:
        raise ValidationError(
            {
                "due_on": f"Pick a date within the program "
                f"({program.start_date:%d %b %Y} – {program.end_date:%d %b %Y})."
            }
        )
    if AssessmentRound.objects.filter(program=program, kind=kind, due_on=due_on).exists():
        raise ValidationError({"due_on": "A round of this kind is already due on that date."})
    return AssessmentRound.objects.create(
        program=program,
        kind=kind,
        due_on=due_on,
        include_manager=include_manager,
        created_by=by,
    )


@transaction.atomic
def assessment_plan_schedule(
    *, program: Program, include_manager: bool, by: User | None
) -> list[AssessmentRound]:
    """Baseline at start, follow-ups on the milestone cadence, final at the end; skips existing."""
    existing = set(program.assessment_rounds.values_list("kind", "due_on"))
    new = [
        AssessmentRound(
            program=program,
            kind=kind,
            due_on=due_on,
            include_manager=include_manager,
            created_by=by,
        )
        for kind, due_on in plan.assessment_plan(
            program.start_date, program.end_date, program.milestone_cadence
        )
        if (kind, due_on) not in existing
    ]
    AssessmentRound.objects.bulk_create(new, ignore_conflicts=True)
    return new


# --- assessments: sending ------------------------------------------------------------------


def assessment_requests_create(*, round: AssessmentRound) -> None:
    """Mentee, mentor and (if asked) manager rate each mentee of a live pairing. Idempotent."""
    pairs = Mentorship.objects.filter(
        program_id=round.program_id, status__in=LIVE_STATUSES
    ).values_list("pk", "mentor_id", "mentee_id", "mentee__manager_id")
    rows: dict[tuple[int, int], AssessmentRequest] = {}
    for mentorship_id, mentor_id, mentee_id, manager_id in pairs:
        raters = [(mentee_id, RaterRole.MENTEE), (mentor_id, RaterRole.MENTOR)]
        if round.include_manager and manager_id:
            raters.append((manager_id, RaterRole.MANAGER))
        for rater_id, role in raters:
            rows.setdefault(
                (mentee_id, rater_id),
                AssessmentRequest(
                    round=round,
                    mentorship_id=mentorship_id,
                    mentee_id=mentee_id,
                    rater_id=rater_id,
                    rater_role=role,
                ),
            )
    AssessmentRequest.objects.bulk_create(rows.values(), ignore_conflicts=True)


def _assessment_email(request: AssessmentRequest, *, reminder: bool) -> None:
    context = {
        "request": request,
        "round": request.round,
        "reminder": reminder,
        "url": absolute_url(request.get_absolute_url()),
    }
    prefix = "Reminder: " if reminder else ""
    send_mail(
        subject=f"{prefix}Skill assessment for {request.mentee}",
        message=render_to_string("feedback/email/assessment_request.txt", context),
        from_email=None,
        recipient_list=[request.rater.email],
    )


def _requests_email(queryset, *, field: str, reminder: bool) -> int:
    return send_each_once(
        queryset.select_related("rater", "mentee", "round__program"),
        field=field,
        send=lambda request: _assessment_email(request, reminder=reminder),
        on_refused=_refused_for_good(field),
    )


def assessment_requests_send_due(*, today: date) -> dict[str, int]:
    """Opens rounds due within a week, emails each request once, reminds once after due."""
    due = list(
        AssessmentRound.objects.filter(
            due_on__lte=today + timedelta(days=ASSESSMENT_LEAD_DAYS),
            status__in=[SendStatus.SCHEDULED, SendStatus.SENDING],
            program__status__in=RUNNING_PROGRAM,
        ).values_list("pk", flat=True)
    )
    for round_id in due:
        AssessmentRound.objects.filter(pk=round_id, status=SendStatus.SCHEDULED).update(
            status=SendStatus.SENDING
        )
        assessment_requests_create(round=AssessmentRound.objects.get(pk=round_id))
        AssessmentRound.objects.filter(pk=round_id, status=SendStatus.SENDING).update(
            status=SendStatus.SENT
        )
    open_requests = AssessmentRequest.objects.filter(
        round__status=SendStatus.SENT, completed_at__isnull=True
    )
    passes = {
        "sent": (open_requests.filter(sent_at__isnull=True), "sent_at", False),
        "reminded": (
            open_requests.filter(
                sent_at__lte=timezone.now() - REMINDER_GRACE,
                reminded_at__isnull=True,
                round__due_on__lt=today,
            ),
            "reminded_at",
            True,
        ),
    }
    counts: dict[str, int] = {"rounds": len(due)}
    errors: list[str] = []
    # Both passes run whatever the first one met: a bad address must not hold up reminders.
    for name, (queryset, field, reminder) in passes.items():
        try:
            counts[name] = _requests_email(queryset, field=field, reminder=reminder)
        except DeliveryFailed as exc:
            counts[name] = 0
            errors.append(str(exc))
    if errors:
        raise DeliveryFailed(" ".join(errors))
    return counts


# --- assessments: rating -------------------------------------------------------------------


@transaction.atomic
def assessment_submit(
    *,
    request: AssessmentRequest,
    levels: dict[int, int],
    skill_ids: list[int],
    checklist: list[int] = (),
    met: set[int] = frozenset(),
) -> AssessmentRequest:
    """The ratings, and for a mentee with a target role, which of its checklist items
    (`checklist`) the rater saw met (careers)."""
    missing = [sid for sid in skill_ids if levels.get(sid) not in (1, 2, 3, 4, 5)]
    if missing or not skill_ids:
        raise ValidationError("Rate every skill from 1 to 5.")
    claimed = AssessmentRequest.objects.filter(pk=request.pk, completed_at__isnull=True).update(
        completed_at=timezone.now()
    )
    if not claimed:
        raise ValidationError("This assessment has already been completed.")
    SkillRating.objects.bulk_create(
        [SkillRating(request=request, skill_id=sid, level=levels[sid]) for sid in skill_ids]
    )
    if checklist:
        assessment_checks_save(
            request=request, by=request.rater, met_ids=set(met), item_ids=list(checklist)
        )
    request.refresh_from_db()
    return request
