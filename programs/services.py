from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from audit.services import audit_record
from chat.selectors import wants_email
from chat.services import slack_notify
from core.mail import absolute_url, send_each_once
from outbox.services import event_record, outbox_enqueue
from people.models import User
from people.selectors import manages

from .models import (
    LIVE_ENROLMENT,
    Enrolment,
    EnrolmentRole,
    EnrolmentSkill,
    EnrolmentStatus,
    Format,
    Program,
    Skill,
    Status,
)

# The details a participant fills in; everything else on Enrolment is set by the services.
ENROLMENT_FIELDS = frozenset(
    {
        "capacity",
        "career_track",
        "career_goal",
        "communication_style",
        "meeting_mode",
        "years_experience",
        "seniority",
        "hours_per_month",
        "prefer_other_department",
        "languages",
        "will_not_mentor_skills",
        "will_not_mentor_departments",
    }
)
# Many-to-many details, set after the enrolment is saved (mentors only).
_WILL_NOT = ("will_not_mentor_skills", "will_not_mentor_departments")


def program_unique_slug(name: str, *, exclude_pk: int | None = None) -> str:
    """A slug for links made from the name, unique among programs: "Cloud 2027" ->
    "cloud-2027", then "cloud-2027-2", "cloud-2027-3", … when taken. O(taken slugs)."""
    base = slugify(name)[:70].strip("-") or "program"
    taken = set(
        Program.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def program_create(*, data: dict, coordinators: list[User], created_by: User) -> Program:
    data = {**data, "slug": data.get("slug") or program_unique_slug(data.get("name", ""))}
    program = Program(**data)
    program.full_clean()
    program.save()
    # The creator always coordinates what they create.
    program.coordinators.set({created_by, *coordinators})
    audit_record(actor=created_by, action="program.created", obj=program, program=program)
    return program


@transaction.atomic
def program_update(*, program: Program, data: dict, coordinators: list[User], by: User) -> Program:
    for field, value in data.items():
        setattr(program, field, value)
    program.full_clean()
    program.save()
    program.coordinators.set({by, *coordinators})
    audit_record(
        actor=by,
        action="program.updated",
        obj=program,
        program=program,
        payload={"fields": sorted(data), "coordinators": sorted(u.pk for u in coordinators)},
    )
    return program


@transaction.atomic
def program_change_status(*, program: Program, new_status: str, by: User) -> Program:
    # Lock the row so two coordinators clicking at once can't skip a step.
    locked = Program.objects.select_for_update().get(pk=program.pk)
    locked.check_transition(new_status)
    updated = Program.objects.filter(pk=locked.pk, status=locked.status).update(status=new_status)
    if not updated:
        raise ValidationError("The program changed meanwhile; reload and try again.")
    locked.refresh_from_db()
    audit_record(
        actor=by,
        action="program.status_changed",
        obj=locked,
        program=locked,
        payload={"status": new_status},
    )
    return locked


# --- enrolment ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SkillRow:
    """One skill line of an enrolment: mentor proficiency, or mentee current → target."""

    skill_id: int
    level: int
    target_level: int | None = None


def _check_role(program: Program, role: str) -> None:
    allowed = (
        (EnrolmentRole.PEER,)
        if program.format == Format.PEER
        else (EnrolmentRole.MENTOR, EnrolmentRole.MENTEE)
    )
    if role not in allowed:
        labels = " or ".join(EnrolmentRole(r).label.lower() for r in allowed)
        raise ValidationError(f"In this program you can enrol as {labels}.")


def _check_skills(role: str, skills: list[SkillRow]) -> None:
    if not skills:
        raise ValidationError("Add at least one skill.")
    ids = [row.skill_id for row in skills]
    if len(ids) != len(set(ids)):
        raise ValidationError("Each skill can appear only once.")
    if Skill.objects.filter(pk__in=ids).count() != len(ids):
        raise ValidationError("One of the skills no longer exists; reload and try again.")
    for row in skills:
        if not 1 <= row.level <= 5:
            raise ValidationError("Levels go from 1 to 5.")
        if role == EnrolmentRole.MENTEE and row.target_level is None:
            raise ValidationError("Give a target level for every skill you seek.")
        if row.target_level is not None and not row.level < row.target_level <= 5:
            raise ValidationError("The target level must be above the current level (up to 5).")


def _check_avoid(user: User, avoid: list[User]) -> None:
    if any(person.pk == user.pk for person in avoid):
        raise ValidationError({"avoid": "You can't avoid yourself."})


def _write_details(
    enrolment: Enrolment, *, data: dict, skills: list[SkillRow], avoid: list[User]
) -> Enrolment:
    data = dict(data)
    will_not = {name: list(data.pop(name, None) or []) for name in _WILL_NOT}
    for field, value in data.items():
        if field not in ENROLMENT_FIELDS:
            raise ValueError(f"{field} is not an enrolment detail")
        setattr(enrolment, field, value)
    if enrolment.role != EnrolmentRole.MENTOR:
        # Only mentors take several mentees; the field keeps its meaning for matching.
        enrolment.capacity = 1
    if enrolment.role == EnrolmentRole.MENTOR:
        skills = [SkillRow(r.skill_id, r.level, None) for r in skills]
    enrolment.full_clean(exclude=["program", "user", "avoid"], validate_unique=False)
    enrolment.save()
    enrolment.skills.all().delete()
    EnrolmentSkill.objects.bulk_create(
        EnrolmentSkill(
            enrolment=enrolment, skill_id=r.skill_id, level=r.level, target_level=r.target_level
        )
        for r in skills
    )
    enrolment.avoid.set(avoid)
    mentor = enrolment.role == EnrolmentRole.MENTOR
    for name, values in will_not.items():
        getattr(enrolment, name).set(values if mentor else [])
    return enrolment


def enrolment_approved_event(enrolment: Enrolment, *, decided_by: User | None) -> None:
    """Records "enrolment approved" for the integrations (webhooks): no free text."""
    user = enrolment.user
    event_record(
        kind="enrolment.approved",
        program_id=enrolment.program_id,
        data={
            "enrolment": {"id": enrolment.pk, "role": enrolment.role},
            "person": {"id": user.pk, "email": user.email, "name": user.full_name},
            "program": {"id": enrolment.program_id, "slug": enrolment.program.slug},
            "approved_by": decided_by.pk if decided_by else None,
        },
    )


def _initial_status(program: Program, user: User) -> str:
    # Nobody can approve for someone without a manager, so they are enrolled straight away.
    if program.requires_manager_approval and user.manager_id:
        return EnrolmentStatus.PENDING
    return EnrolmentStatus.APPROVED


@transaction.atomic
def enrolment_create(
    *,
    program: Program,
    user: User,
    role: str,
    data: dict,
    skills: list[SkillRow],
    avoid: list[User],
) -> Enrolment:
    # Lock the program so enrolment can't slip in while HR moves it to matching.
    program = Program.objects.select_for_update().get(pk=program.pk)
    if program.status != Status.ENROLLING:
        raise ValidationError("This program is not open for enrolment.")
    _check_role(program, role)
    _check_skills(role, skills)
    _check_avoid(user, avoid)
    existing = Enrolment.objects.select_for_update().filter(program=program, user=user).first()
    if existing and existing.is_live:
        raise ValidationError(
            "You are already enrolled in this program; edit your enrolment instead."
        )
    # A withdrawn or declined enrolment is reused: one row per person and program.
    enrolment = existing or Enrolment(program=program, user=user)
    enrolment.role = role
    enrolment.status = _initial_status(program, user)
    enrolment.decision_reason, enrolment.decided_by, enrolment.decided_at = "", None, None
    if role == EnrolmentRole.MENTOR and "capacity" not in data:
        data = {**data, "capacity": program.default_mentor_capacity}
    enrolment = _write_details(enrolment, data=data, skills=skills, avoid=avoid)
    if enrolment.status == EnrolmentStatus.APPROVED:
        enrolment_approved_event(enrolment, decided_by=None)
    else:
        _approval_request_slack(enrolment)
    return enrolment


def _approval_request_slack(enrolment: Enrolment) -> int:
    """Tells the employee's manager in Slack (if they want Slack) that a request waits."""
    person, program = enrolment.user, enrolment.program
    stamp = int((enrolment.updated_at or timezone.now()).timestamp())
    return slack_notify(
        users=[person.manager] if person.manager_id else [],
        kind="programs.approval_request",
        key=f"enrolment:{enrolment.pk}:{stamp}",
        title=f"{person.full_name or person.email} asks to join {program.name}",
        text=f"As {enrolment.get_role_display().lower()}. Approve or decline in Tandem.",
        link_path=reverse("programs:approval_decide", args=[enrolment.pk]),
        link_label="Approve or decline",
    )


def can_edit_enrolment(enrolment: Enrolment) -> bool:
    return enrolment.is_live and enrolment.program.status == Status.ENROLLING


@transaction.atomic
def enrolment_update(
    *, enrolment: Enrolment, data: dict, skills: list[SkillRow], avoid: list[User], by: User
) -> Enrolment:
    enrolment = Enrolment.objects.select_for_update().select_related("program").get(pk=enrolment.pk)
    if enrolment.user_id != by.pk:
        raise PermissionDenied("Only the participant can edit an enrolment.")
    if not enrolment.is_live:
        raise ValidationError("This enrolment is no longer active; enrol again instead.")
    if enrolment.program.status != Status.ENROLLING:
        raise ValidationError(
            "Matching has started, so enrolments can no longer be changed. "
            "Ask the program's HR coordinator if something is wrong."
        )
    _check_skills(enrolment.role, skills)
    _check_avoid(enrolment.user, avoid)
    return _write_details(enrolment, data=data, skills=skills, avoid=avoid)


@transaction.atomic
def enrolment_withdraw(*, enrolment: Enrolment, by: User) -> Enrolment:
    """The enrolment alone. A participant withdraws through
    `mentorships.services.enrolment_withdraw_ending_pairings`, which also ends their pairings."""
    if enrolment.user_id != by.pk:
        raise PermissionDenied("Only the participant can withdraw.")
    claimed = Enrolment.objects.filter(pk=enrolment.pk, status__in=LIVE_ENROLMENT).update(
        status=EnrolmentStatus.WITHDRAWN, updated_at=timezone.now()
    )
    if not claimed:
        raise ValidationError("This enrolment is already withdrawn or declined.")
    enrolment.refresh_from_db()
    return enrolment


@transaction.atomic
def enrolment_decide(*, enrolment: Enrolment, approve: bool, reason: str, by: User) -> Enrolment:
    if not manages(by, enrolment.user_id):
        raise PermissionDenied("Only a manager in the employee's reporting line can decide.")
    reason = reason.strip()
    if not approve and not reason:
        raise ValidationError(
            {"reason": "Say why you decline, so your report knows what to change."}
        )
    decided = Enrolment.objects.filter(pk=enrolment.pk, status=EnrolmentStatus.PENDING).update(
        status=EnrolmentStatus.APPROVED if approve else EnrolmentStatus.DECLINED,
        decision_reason=reason,
        decided_by=by,
        decided_at=timezone.now(),
        updated_at=timezone.now(),
    )
    if not decided:
        raise ValidationError("This enrolment was already decided or withdrawn.")
    enrolment.refresh_from_db()
    if approve:
        enrolment_approved_event(enrolment, decided_by=by)
    # Through the outbox: sent by the worker after the commit (a rolled-back decision is never
    # announced), retried if the mail server is down, never holding up the manager's request.
    outbox_enqueue(task="programs.tasks.email_decision", args=[enrolment.pk])
    _decision_slack(enrolment, by)
    return enrolment


def _decision_slack(enrolment: Enrolment, by: User) -> int:
    """The decision as a Slack message, for an employee who wants Slack; the manager's note
    stays in Tandem."""
    verb = "approved" if enrolment.status == EnrolmentStatus.APPROVED else "declined"
    program = enrolment.program
    return slack_notify(
        users=[enrolment.user],
        kind="programs.decision",
        key=f"decision:{enrolment.pk}:{int(enrolment.decided_at.timestamp())}",
        title=f"Your enrolment in {program.name}: {verb}",
        text=f"{by.full_name or by.email} {verb} your enrolment as "
        f"{enrolment.get_role_display().lower()}."
        + (" Their note is in Tandem." if enrolment.decision_reason else "")
        + (" You can enrol again while the program is open." if verb == "declined" else ""),
        link_path=program.get_absolute_url(),
        link_label="Open the program",
    )


def enrolment_decision_email(*, enrolment_id: int) -> bool:
    """Emails the employee their manager's decision, once; True if it went now.

    Sent whatever the reminder preference says: that switch is about reminders, and a decision
    on the employee's own request is an answer they are waiting for. Safe to run twice.
    """
    enrolment = (
        Enrolment.objects.select_related("program", "user", "decided_by")
        .filter(pk=enrolment_id, decided_at__isnull=False)
        .first()
    )
    if enrolment is None:
        return False
    return bool(
        send_each_once(
            [enrolment],
            field="decision_emailed_at",
            # Left out (but stamped) for an employee who chose Slack only.
            send=lambda row: wants_email(row.user) and _decision_email(row, row.decided_by).send(),
            on_refused=_decision_email_refused,
        )
    )


def _decision_email_refused(enrolment: Enrolment, exc: BaseException) -> None:
    # Refused for good: retrying gives the same answer; the decision shows on My enrolments.
    Enrolment.objects.filter(pk=enrolment.pk, decision_emailed_at__isnull=True).update(
        decision_emailed_at=timezone.now()
    )


def _decision_email(enrolment: Enrolment, by: User | None) -> EmailMessage:
    """The employee's notice of their manager's decision, with the page to act on it."""
    approved = enrolment.status == EnrolmentStatus.APPROVED
    verb = "approved" if approved else "declined"
    program, person = enrolment.program, enrolment.user
    link = absolute_url(program.get_absolute_url())
    lines = [
        f"Hello {person.full_name or person.email},",
        f"{(by.full_name or by.email) if by else 'Your manager'} {verb} your enrolment as "
        f"{enrolment.get_role_display().lower()} in “{program.name}”.",
    ]
    if enrolment.decision_reason:
        lines.append(
            f"{'Their note' if approved else 'Their reason'}: “{enrolment.decision_reason}”"
        )
    if approved:
        lines.append(f"See or change your enrolment here:\n{link}")
    else:
        lines.append(f"See your enrolment here, and enrol again while the program is open:\n{link}")
    lines.append("— Tandem")
    return EmailMessage(
        subject=f"Your enrolment in {program.name}: {verb}",
        body="\n\n".join(lines) + "\n",
        to=[person.email],
    )


@transaction.atomic
def programs_purge_expired(*, today: date | None = None) -> list[str]:
    """Delete programs closed for longer than the retention period, with all their data."""
    cutoff = (today or date.today()) - timedelta(days=settings.RETENTION_DAYS_AFTER_CLOSE)
    # Locked, skipping what another purge holds: two purges at once (a redelivered task while
    # the first still runs) never delete or audit the same program twice.
    expired = list(
        Program.objects.select_for_update(skip_locked=True)
        .filter(status=Status.CLOSED, end_date__lt=cutoff)
        .order_by("pk")
    )
    names = [p.name for p in expired]
    for program in expired:
        audit_record(
            actor=None,
            action="program.purged",
            payload={"program": program.name, "ended": str(program.end_date)},
        )
        program.delete()
    return names
