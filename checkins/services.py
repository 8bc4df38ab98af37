"""Writes for check-ins, action items, pulses, templates, nudges and recognition."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from email.utils import parseaddr
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from chat.selectors import slack_only_user_ids
from chat.services import slack_notify
from core.mail import absolute_url, site_host
from mentorships.models import Goal, Mentorship, MentorshipStatus, Milestone
from mentorships.selectors import require_participant
from mentorships.services import mentorship_end
from outbox.services import Attachment, Email, email_enqueue, emails_enqueue, event_record
from people.models import User
from programs.models import Program, Skill

from . import invites, selectors
from .models import (
    ActionItem,
    CheckIn,
    CheckInTemplate,
    HealthFigures,
    Meeting,
    MeetingStatus,
    MentorshipHealth,
    Pulse,
    Recognition,
)

DURATION_MIN = 5
DURATION_MAX = 600


@dataclass(frozen=True)
class ActionItemData:
    text: str
    owner: User
    due_date: date | None


def mentorship_path(mentorship: Mentorship) -> str:
    """The mentorship page (the check-in timeline if the pairings app has no such page)."""
    try:
        return reverse("mentorships:detail", args=[mentorship.pk])
    except NoReverseMatch:
        return reverse("checkins:timeline", args=[mentorship.pk])


def mentorship_url(mentorship: Mentorship) -> str:
    """Absolute link for emails."""
    return absolute_url(mentorship_path(mentorship))


def _check_checkin_data(
    mentorship: Mentorship,
    *,
    when: date,
    duration_minutes: int,
    next_meeting_date: date | None,
    goals: list[Goal],
    milestones: list[Milestone],
    action_items: list[ActionItemData],
) -> None:
    errors: dict[str, str] = {}
    if mentorship.status != MentorshipStatus.ACTIVE:
        raise ValidationError("Check-ins can only be logged while the mentorship is active.")
    if when > timezone.localdate():
        errors["date"] = "A check-in can't be in the future."
    elif mentorship.started_on and when < mentorship.started_on:
        errors["date"] = "A check-in can't be before the mentorship started."
    if not DURATION_MIN <= duration_minutes <= DURATION_MAX:
        errors["duration_minutes"] = f"Enter between {DURATION_MIN} and {DURATION_MAX} minutes."
    if next_meeting_date and next_meeting_date < when:
        errors["next_meeting_date"] = "The next meeting must be on or after this check-in."
    if any(g.mentorship_id != mentorship.pk for g in goals):
        errors["goals"] = "Choose goals of this mentorship only."
    goal_ids = set(Goal.objects.filter(mentorship=mentorship).values_list("pk", flat=True))
    if any(m.goal_id not in goal_ids for m in milestones):
        errors["milestones"] = "Choose milestones of this mentorship only."
    if any(
        item.owner.pk not in (mentorship.mentor_id, mentorship.mentee_id) for item in action_items
    ):
        errors["__all__"] = "An action item's owner must be one of the two participants."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def checkin_create(
    *,
    mentorship: Mentorship,
    author: User,
    when: date,
    duration_minutes: int,
    activity: str,
    skills: list[Skill],
    goals: list[Goal],
    milestones: list[Milestone],
    next_steps: str = "",
    next_meeting_date: date | None = None,
    next_meeting_time: time | None = None,
    private_notes: str = "",
    shared_summary: str = "",
    template: CheckInTemplate | None = None,
    action_items: list[ActionItemData] | None = None,
    pulse: int | None = None,
) -> CheckIn:
    require_participant(mentorship, author)
    items = action_items or []
    _check_checkin_data(
        mentorship,
        when=when,
        duration_minutes=duration_minutes,
        next_meeting_date=next_meeting_date,
        goals=goals,
        milestones=milestones,
        action_items=items,
    )
    if next_meeting_time and not next_meeting_date:
        raise ValidationError({"next_meeting_date": "Choose the day of the next meeting too."})
    checkin = CheckIn.objects.create(
        mentorship=mentorship,
        author=author,
        date=when,
        duration_minutes=duration_minutes,
        activity=activity,
        next_steps=next_steps.strip(),
        next_meeting_date=next_meeting_date,
        next_meeting_time=next_meeting_time,
        private_notes=private_notes.strip(),
        shared_summary=shared_summary.strip(),
        template=template,
    )
    checkin.skills.set(skills)
    checkin.goals.set(goals)
    checkin.milestones.set(milestones)
    ActionItem.objects.bulk_create(
        ActionItem(
            checkin=checkin,
            mentorship=mentorship,
            text=i.text.strip(),
            owner=i.owner,
            due_date=i.due_date,
        )
        for i in items
    )
    if pulse is not None:
        _pulse_save(checkin=checkin, user=author, score=pulse)
    mentorship_health_changed(mentorship_id=mentorship.pk)
    if next_meeting_date and next_meeting_time:
        try:
            meeting_schedule(
                mentorship=mentorship, by=author, day=next_meeting_date, at=next_meeting_time
            )
        except ValidationError as exc:
            raise ValidationError({"next_meeting_time": exc.messages}) from exc
    # For the integrations (webhooks): facts only, never the notes, next steps or summary.
    event_record(
        kind="checkin.logged",
        program_id=mentorship.program_id,
        data={
            "checkin": {
                "id": checkin.pk,
                "date": checkin.date.isoformat(),
                "duration_minutes": checkin.duration_minutes,
                "activity": checkin.activity,
                "author_id": author.pk,
                "action_items": len(items),
            },
            "mentorship": {"id": mentorship.pk},
            "program": {"id": mentorship.program_id, "slug": mentorship.program.slug},
        },
    )
    return checkin


@transaction.atomic
def action_item_set_done(*, item: ActionItem, by: User, done: bool) -> ActionItem:
    require_participant(item.mentorship, by)
    # Conditional update: a double click doesn't move the completion time.
    if done:
        ActionItem.objects.filter(pk=item.pk, done_at__isnull=True).update(done_at=timezone.now())
    else:
        ActionItem.objects.filter(pk=item.pk).update(done_at=None)
    item.refresh_from_db(fields=["done_at"])
    return item


@transaction.atomic
def pulse_give(*, checkin: CheckIn, user: User, score: int) -> Pulse:
    pulse = _pulse_save(checkin=checkin, user=user, score=score)
    mentorship_health_changed(mentorship_id=checkin.mentorship_id)
    return pulse


def _pulse_save(*, checkin: CheckIn, user: User, score: int) -> Pulse:
    require_participant(checkin.mentorship, user)
    if not 1 <= score <= 5:
        raise ValidationError({"score": "Choose a score from 1 to 5."})
    pulse, _ = Pulse.objects.update_or_create(checkin=checkin, user=user, defaults={"score": score})
    return pulse


# --- stored health (what the HR board reads) --------------------------------------------------

# Mentorships recomputed per transaction: a few queries each, whatever the batch.
HEALTH_BATCH = 500
HEALTH_FIELDS = [f.name for f in MentorshipHealth._meta.concrete_fields if not f.primary_key]


@transaction.atomic
def mentorship_health_changed(*, mentorship_id: int) -> None:
    """A check-in or pulse of this mentorship was written (in the caller's transaction):
    flag it, which takes its row lock, so a recomputation under way elsewhere finishes first
    and the one here sees this change; then recompute its stored health now."""
    Mentorship.objects.filter(pk=mentorship_id).update(health_stale=True)
    _health_refresh_batch([mentorship_id], timezone.localdate())


def mentorship_health_refresh(*, mentorship_ids: list[int], today: date) -> int:
    """Recompute the stored health of these mentorships from their inputs (the rules of
    `checkins.health`), in batches of HEALTH_BATCH, each a transaction of 5 queries: read and
    lock the rows (skipping those a writer holds: it flagged them and they stay flagged, or it
    recomputes them itself), their milestones and pulses, upsert the live ones' rows (delete
    the others'), clear the flags. Idempotent. Returns how many were recomputed."""
    ids = sorted(set(mentorship_ids))
    return sum(
        _health_refresh_batch(ids[start : start + HEALTH_BATCH], today)
        for start in range(0, len(ids), HEALTH_BATCH)
    )


@transaction.atomic
def _health_refresh_batch(ids: list[int], today: date) -> int:
    # Locked FOR NO KEY UPDATE SKIP LOCKED while read: it waits for nobody and blocks no
    # check-in insert (their foreign key check takes KEY SHARE), only another recomputation
    # or flagging of the same rows, which then comes after this one.
    locked, snapshots = selectors.health_snapshots(ids, today, lock=True)
    if not locked:
        return 0
    rows = [MentorshipHealth(**fields) for fields in snapshots]
    MentorshipHealth.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["mentorship"],
        update_fields=HEALTH_FIELDS,
    )
    live = {row.mentorship_id for row in rows}
    gone = [pk for pk in locked if pk not in live]
    if gone:
        MentorshipHealth.objects.filter(mentorship_id__in=gone).delete()
    Mentorship.objects.filter(pk__in=locked, health_stale=True).update(health_stale=False)
    return len(locked)


def program_health_refresh(*, program: Program, today: date) -> dict[str, int]:
    """Bring the stored health of a program's pairings up to date before the board reads it,
    and return the board's counts per state: the stale ones (`selectors.stale_health_ids`,
    read with the counts in one query: when none is, that is all), then, if the counting saw
    rows of another cadence (the program's changed), those, and count again."""
    stale, counts, off_cadence = selectors.board_look(program, today)
    if stale:
        mentorship_health_refresh(mentorship_ids=stale, today=today)
        counts, off_cadence = selectors.board_counts(program)
    if off_cadence:
        mentorship_health_refresh(mentorship_ids=selectors.off_cadence_ids(program), today=today)
        counts, _ = selectors.board_counts(program)
    return counts


def health_sweep(*, today: date) -> int:
    """Every stored health that may be wrong today, recomputed in bulk (hourly, on the
    worker): the rows whose next_change_on has come, the flagged ones, those of a program
    whose cadence changed. Safe to run twice: a second run finds nothing to do."""
    return mentorship_health_refresh(mentorship_ids=selectors.stale_health_ids(today), today=today)


@transaction.atomic
def health_figures_forget() -> int:
    """Forget every stored count of the health boards (`HealthFigures`): each is counted
    afresh, and stored again, on its program's next read. Returns how many were forgotten."""
    return HealthFigures.objects.all().delete()[0]


def _template_fields(name: str, agenda: str) -> tuple[str, str]:
    name, agenda = name.strip(), agenda.strip()
    errors = {}
    if not name:
        errors["name"] = "Give the template a name."
    if not agenda:
        errors["agenda"] = "Write the agenda."
    if errors:
        raise ValidationError(errors)
    return name, agenda


@transaction.atomic
def template_create(*, program: Program, name: str, agenda: str) -> CheckInTemplate:
    name, agenda = _template_fields(name, agenda)
    return CheckInTemplate.objects.create(program=program, name=name, agenda=agenda)


@transaction.atomic
def template_update(*, template: CheckInTemplate, name: str, agenda: str) -> CheckInTemplate:
    template.name, template.agenda = _template_fields(name, agenda)
    template.save(update_fields=["name", "agenda"])
    return template


@transaction.atomic
def template_set_retired(*, template: CheckInTemplate, retired: bool) -> CheckInTemplate:
    template.is_retired = retired
    template.save(update_fields=["is_retired"])
    return template


@transaction.atomic
def mentorship_nudge(*, mentorship: Mentorship, by: User) -> int:
    """Email both participants a reminder to meet; returns the number of emails and Slack
    messages queued.

    The worker sends them after the commit: the request never waits on the mail server.
    """
    link = mentorship_url(mentorship)
    emails = []
    slack_only = slack_only_user_ids([mentorship.mentor_id, mentorship.mentee_id])
    for person in (mentorship.mentor, mentorship.mentee):
        other = mentorship.other_side(person)
        body = (
            f"Hello {person.full_name or person.email},\n\n"
            f"{by.full_name or by.email} from HR is checking in on your mentorship with "
            f"{other.full_name or other.email} in {mentorship.program.name}. It's been a while "
            "since the last check-in: please find a time to meet and log it.\n\n"
            f"Your mentorship page: {link}\n"
        )
        if person.pk not in slack_only:
            emails.append(
                Email(person.email, f"Time for a check-in · {mentorship.program.name}", body)
            )
    # Also (or instead) as a Slack message, per each person's chat preference; one per nudge.
    slack = slack_notify(
        users=[mentorship.mentor, mentorship.mentee],
        kind="checkins.nudge",
        key=f"nudge:{mentorship.pk}:{uuid.uuid4().hex}",
        title=f"Time for a check-in · {mentorship.program.name}",
        text=(
            f"{by.full_name or by.email} from HR is checking in on your mentorship: it's been "
            "a while since the last check-in. Please find a time to meet and log it."
        ),
        link_path=mentorship.get_absolute_url(),
        link_label="Open the mentorship",
    )
    return emails_enqueue(kind="checkins.nudge", emails=emails) + slack


def mentorship_reset(*, mentorship: Mentorship, note: str, by: User) -> Mentorship:
    """End a pairing that isn't working (the pairings app owns the transition)."""
    note = note.strip()
    if not note:
        raise ValidationError({"note": "Say why the pairing is reset."})
    return mentorship_end(mentorship=mentorship, reason="not_working", note=note, by=by)


@transaction.atomic
def recognition_send(*, mentor: User, by: User, message: str) -> Recognition:
    message = message.strip()
    if not message:
        raise ValidationError({"message": "Write a short note."})
    manager = mentor.manager
    if manager is None or not manager.email:
        raise ValidationError("This mentor has no manager on record to send the note to.")
    recognition = Recognition.objects.create(
        mentor=mentor, sent_by=by, sent_to=manager, message=message
    )
    link = absolute_url(reverse("checkins:mentor_stats", args=[mentor.pk]))
    body = (
        f"Hello {manager.full_name or manager.email},\n\n"
        f"{by.full_name or by.email} (HR) would like to recognise the mentoring done by "
        f"{mentor.full_name or mentor.email}:\n\n{message}\n\nMentoring figures: {link}\n"
    )
    email_enqueue(
        kind="checkins.recognition",
        to=manager.email,
        subject=f"Recognition for {mentor.full_name or mentor.email}",
        body=body,
    )
    return recognition


# --- the next meeting and its calendar invitation -------------------------------------------

MEETING_MIN_MINUTES = 15
MEETING_MAX_MINUTES = 480


def person_zone(user: User) -> ZoneInfo:
    """The person's time zone (their profile), the site's if it is unknown."""
    try:
        return ZoneInfo(user.timezone or settings.TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


def upcoming_meeting(mentorship: Mentorship) -> Meeting | None:
    return selectors.scheduled_meetings(mentorship).first()


@transaction.atomic
def meeting_schedule(
    *, mentorship: Mentorship, by: User, day: date, at: time, duration_minutes: int = 60
) -> Meeting:
    """Set (or move) the pair's next meeting; both get an invitation, or an update.

    The time is read in the time zone of the person setting it. Moving the upcoming meeting
    keeps its UID and raises its SEQUENCE; the same time again sends nothing.
    """
    require_participant(mentorship, by)
    # One pair, one upcoming meeting: two people setting it at once are serialised here.
    mentorship = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    if mentorship.status != MentorshipStatus.ACTIVE:
        raise ValidationError("A meeting can only be set while the mentorship is active.")
    if not MEETING_MIN_MINUTES <= duration_minutes <= MEETING_MAX_MINUTES:
        raise ValidationError(
            {
                "duration_minutes": (
                    f"Enter between {MEETING_MIN_MINUTES} and {MEETING_MAX_MINUTES} minutes."
                )
            }
        )
    zone = person_zone(by)
    starts_at = datetime.combine(day, at.replace(second=0, microsecond=0), tzinfo=zone)
    if starts_at <= timezone.now():
        raise ValidationError({"time": "The meeting must be in the future."})
    if starts_at > timezone.now() + timedelta(days=366):
        raise ValidationError({"date": "Choose a day within the next year."})
    meeting = upcoming_meeting(mentorship)
    if meeting is None:
        meeting = Meeting.objects.create(
            mentorship=mentorship,
            starts_at=starts_at,
            duration_minutes=duration_minutes,
            time_zone=zone.key,
            set_by=by,
        )
    elif meeting.starts_at == starts_at and meeting.duration_minutes == duration_minutes:
        return meeting  # nothing changed: no new invitation
    else:
        meeting.starts_at = starts_at
        meeting.duration_minutes = duration_minutes
        meeting.time_zone = zone.key
        meeting.sequence += 1
        meeting.set_by = by
        meeting.save(
            update_fields=[
                "starts_at",
                "duration_minutes",
                "time_zone",
                "sequence",
                "set_by",
                "updated_at",
            ]
        )
    _invitation_emails(meeting, mentorship, by=by, method=invites.REQUEST)
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, by: User) -> Meeting:
    """Cancel a scheduled meeting; both get a CANCEL for it (same UID, next SEQUENCE)."""
    mentorship = meeting.mentorship
    require_participant(mentorship, by)
    cancelled = Meeting.objects.filter(pk=meeting.pk, status=MeetingStatus.SCHEDULED).update(
        status=MeetingStatus.CANCELLED, sequence=F("sequence") + 1, updated_at=timezone.now()
    )
    if not cancelled:
        raise ValidationError("This meeting is already cancelled.")
    meeting.refresh_from_db()
    _invitation_emails(meeting, mentorship, by=by, method=invites.CANCEL)
    return meeting


def _invitation_emails(meeting: Meeting, mentorship: Mentorship, *, by: User, method: str) -> int:
    mentor, mentee = mentorship.mentor, mentorship.mentee
    program = mentorship.program
    link = mentorship_url(mentorship)
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    starts_at = meeting.starts_at.astimezone(ZoneInfo(meeting.time_zone))
    summary = (
        f"Mentoring: {mentor.full_name or mentor.email} and {mentee.full_name or mentee.email}"
    )
    text = invites.render(
        invites.Invitation(
            method=method,
            uid=f"meeting-{meeting.uid}@{site_host()}",
            sequence=meeting.sequence,
            starts_at=starts_at,
            duration_minutes=meeting.duration_minutes,
            summary=summary,
            description=f"{program.name}. Your mentorship in Tandem: {link}",
            url=link,
            organizer=invites.Person(address or "noreply@localhost", name or "Tandem"),
            attendees=(
                invites.Person(mentor.email, mentor.full_name),
                invites.Person(mentee.email, mentee.full_name),
            ),
        ),
        now=timezone.now(),
    )
    attachment = Attachment(
        "invite.ics" if method == invites.REQUEST else "cancel.ics",
        f"text/calendar; method={method}",
        text,
    )
    emails = []
    for person in (mentor, mentee):
        other = mentorship.other_side(person)
        local = meeting.starts_at.astimezone(person_zone(person))
        when = f"{local:%A %d %B %Y, %H:%M} ({local.tzinfo.key})"
        if method == invites.CANCEL:
            subject = f"Cancelled: mentoring meeting with {other.full_name or other.email}"
            said = f"{by.full_name or by.email} cancelled your meeting of {when}."
        elif meeting.sequence == 0:
            subject = f"Mentoring meeting with {other.full_name or other.email}"
            said = f"{by.full_name or by.email} set your next meeting: {when}."
        else:
            subject = f"Moved: mentoring meeting with {other.full_name or other.email}"
            said = f"{by.full_name or by.email} moved your next meeting to {when}."
        body = (
            f"Hello {person.full_name or person.email},\n\n{said}\n"
            f"The calendar invitation is attached.\n\nYour mentorship page: {link}\n"
        )
        emails.append(Email(person.email, subject, body, attachment))
    return emails_enqueue(kind=f"checkins.meeting_{method.lower()}", emails=emails)
