"""Personal data (export, erase) and invitations to choose a password."""

import re
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from audit.services import audit_record
from core.mail import absolute_url, send_each_once
from outbox.models import OutgoingEmail
from outbox.services import outbox_enqueue

from . import privacy
from .models import User
from .permissions import can_erase
from .signin import sign_in_unlock
from .tokens import invitation_tokens

# Role name (as audited) -> the flag on User that holds it.
ROLE_FLAGS = {"privacy_officer": "is_privacy_officer", "leadership": "can_view_leadership"}

# Free text and JSON that may quote a person's name or email (labels, uploaded files, emails).
SCRUB: list[tuple[str, list[str]]] = [
    ("audit.AuditEvent", ["actor_label", "object_label", "payload"]),
    ("imports.ImportBatch", ["content", "errors", "summary"]),
    ("reminders.EmailLog", ["to", "subject"]),
    ("matching.MatchingRun", ["unmatched", "parameters"]),
    ("matching.Proposal", ["alternatives", "explanation"]),
    ("mentorships.Mentorship", ["explanation"]),
    ("outbox.OutgoingEmail", ["to", "subject", "body"]),
    # Slack messages to others and Teams cards may name them.
    ("chat.ChatMessage", ["title", "text"]),
]


def _model(label: str):
    try:
        return apps.get_model(label)
    except LookupError:  # an optional app's model that isn't installed
        return None


def person_export(*, person: User) -> dict[str, Any]:
    """Everything Tandem holds about `person`, minus other people's private notes."""
    data: dict[str, Any] = {
        "Profile": {
            "email": person.email,
            "full_name": person.full_name,
            "job_title": person.job_title,
            "job_family": person.job_family,
            "department": person.department.name if person.department else None,
            "manager": person.manager.full_name if person.manager else None,
            "hire_date": person.hire_date,
            "location": person.location,
            "timezone": person.timezone,
            "is_active": person.is_active,
        },
    }
    for label, path, fields in privacy.EXPORT:
        model = _model(label)
        if model is None:
            continue
        data[_section_name(model, path, data)] = list(
            model.objects.filter(**{path: person}).values(*fields)
        )
    return data


def _section_name(model, path: str, taken: dict) -> str:
    """A readable name for an export section: "Flash sessions (as expert)", never the model's
    code ("experts.FlashSession")."""
    plural = str(model._meta.verbose_name_plural)
    name = f"{plural[:1].upper()}{plural[1:]}"
    role = path.split("__")[-1].replace("_", " ")
    if role != "user":  # "Enrolments", but "Mentorships (as mentee)"
        name += f" (as {role})"
    return name if name not in taken else f"{name}, {path.replace('__', ' ').replace('_', ' ')}"


def _replace(value: Any, pattern: re.Pattern, replacement: str) -> Any:
    if isinstance(value, str):
        return pattern.sub(replacement, value)
    if isinstance(value, list):
        return [_replace(v, pattern, replacement) for v in value]
    if isinstance(value, dict):
        return {k: _replace(v, pattern, replacement) for k, v in value.items()}
    return value


def _scrub(needles: list[str], replacement: str) -> int:
    pattern = re.compile("|".join(re.escape(n) for n in needles), re.IGNORECASE)
    changed = 0
    for label, fields in SCRUB:
        model = _model(label)
        if model is None:
            continue
        present = [f for f in fields if any(x.name == f for x in model._meta.get_fields())]
        annotations = {f"{f}__as_text": Cast(f, TextField()) for f in present}
        query = Q()
        for f in present:
            for needle in needles:
                query |= Q(**{f"{f}__as_text__icontains": needle})
        rows = list(model.objects.annotate(**annotations).filter(query)) if present else []
        for row in rows:
            for f in present:
                setattr(row, f, _replace(getattr(row, f), pattern, replacement))
        if rows:
            model.objects.bulk_update(rows, present)
            changed += len(rows)
    return changed


def _clear_avoid_lists(person: User) -> None:
    enrolment = apps.get_model("programs.Enrolment")
    enrolment.avoid.through.objects.filter(Q(user=person) | Q(enrolment__user=person)).delete()


@transaction.atomic
def person_erase(*, person: User, by: User) -> User:
    """Right to erasure: personal data removed or anonymised; counts and levels kept.

    Irreversible, so only a privacy officer or a superuser may do it (not every HR coordinator).
    """
    if not can_erase(by):
        raise PermissionDenied("Only a privacy officer or a superuser can erase a person.")
    if person.pk == by.pk:
        raise ValidationError("You can't erase yourself; ask another privacy officer.")
    if person.email.endswith("@erased.invalid"):
        raise ValidationError("This person has already been erased.")
    privileged = (
        person.is_superuser
        or person.is_staff
        or person.is_hr_coordinator
        or person.is_privacy_officer
    )
    if privileged and not by.is_superuser:
        raise ValidationError(
            "Only a superuser can erase an HR coordinator, a privacy officer or a staff account."
        )
    label = f"Erased person {person.pk}"
    needles = [n for n in {person.email, person.full_name} if n and len(n) >= 3]
    for model_label, path, values in privacy.ERASE:
        model = _model(model_label)
        if model is not None:
            model.objects.filter(**{path: person}).update(**values)
    for model_label, path in privacy.DELETE:
        model = _model(model_label)
        if model is not None:
            model.objects.filter(**{path: person}).delete()
    _clear_avoid_lists(person)
    # Emails to them not yet sent would only go to the erased address: dropped.
    OutgoingEmail.objects.filter(to__iexact=person.email, sent_at__isnull=True).delete()
    _scrub(needles, label)
    _forget_sign_in_attempts(person.email)
    User.objects.filter(pk=person.pk).update(
        email=f"erased-{person.pk}@erased.invalid",
        full_name=label,
        job_title="",
        location="",
        timezone="UTC",
        is_active=False,
        is_staff=False,
        is_superuser=False,
        is_hr_coordinator=False,
        can_view_leadership=False,
        is_privacy_officer=False,
        password="!erased",
    )
    audit_record(actor=by, action="person.erased", payload={"person_id": person.pk})
    person.refresh_from_db()
    return person


@transaction.atomic
def person_role_set(*, person: User, role: str, granted: bool, by: User) -> User:
    """Grant or revoke a role flag (`ROLE_FLAGS`), audited as `role.<name>_granted/revoked`.

    A conditional update: granting twice (a double click) changes and audits once. Who may
    grant is the caller's rule (see privacy_officer_set)."""
    field = ROLE_FLAGS[role]
    changed = (
        User.objects.filter(pk=person.pk).exclude(**{field: granted}).update(**{field: granted})
    )
    if changed:
        audit_record(
            actor=by, action=f"role.{role}_" + ("granted" if granted else "revoked"), obj=person
        )
    person.refresh_from_db(fields=[field])
    return person


def privacy_officer_set(*, person: User, granted: bool, by: User) -> User:
    """Grant or revoke the privacy-officer role (who may erase); superusers only, audited."""
    if not (by.is_superuser and by.is_active):
        raise PermissionDenied("Only a superuser can grant or revoke the privacy-officer role.")
    if granted and not person.is_active:
        raise ValidationError("Only an active employee can be a privacy officer.")
    return person_role_set(person=person, role="privacy_officer", granted=granted, by=by)


def _forget_sign_in_attempts(email: str) -> None:
    for label in ("axes.AccessAttempt", "axes.AccessLog", "axes.AccessFailureLog"):
        model = _model(label)
        if model is not None:
            model.objects.filter(username__iexact=email).delete()


def invitations_enqueue() -> None:
    """Has the worker email every invitation asked for and not sent yet (after the commit)."""
    outbox_enqueue(task="people.tasks.send_invitations")


@transaction.atomic
def person_invite(*, person: User, by: User) -> User:
    """HR sends someone's invitation again: a fresh link, older links void, emailed once."""
    person = User.objects.select_for_update().get(pk=person.pk)
    if not person.is_active:
        raise ValidationError("This account is inactive; activate it before inviting the person.")
    if person.has_usable_password():
        raise ValidationError(
            "This person has already chosen a password. If they forgot it, they can use "
            "“Forgotten your password?” on the sign-in page."
        )
    User.objects.filter(pk=person.pk).update(invited_at=timezone.now(), invitation_sent_at=None)
    audit_record(actor=by, action="person.invited", obj=person)
    invitations_enqueue()
    person.refresh_from_db()
    return person


def invitations_send() -> int:
    """Emails each pending invitation once (worker); returns how many went. Safe to run twice."""
    pending = User.objects.filter(
        invited_at__isnull=False, invitation_sent_at__isnull=True, is_active=True
    ).order_by("pk")
    return send_each_once(
        list(pending.only("pk")),
        field="invitation_sent_at",
        # Re-read under send_once's lock: the link must match the latest invitation.
        send=lambda row: _invitation_email(User.objects.get(pk=row.pk)).send(),
        on_refused=_invitation_refused,
    )


def _invitation_refused(person: User, exc: BaseException) -> None:
    # Refused for good: retrying gives the same answer. HR can send it again once fixed.
    User.objects.filter(pk=person.pk, invitation_sent_at__isnull=True).update(
        invitation_sent_at=timezone.now()
    )


def invitation_link(person: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    return absolute_url(
        reverse("invitation_confirm", args=[uid, invitation_tokens.make_token(person)])
    )


def _invitation_email(person: User) -> EmailMessage:
    if settings.SSO_ONLY and not person.is_superuser:
        return _company_sign_in_email(person)
    days = settings.INVITATION_DAYS
    lines = [
        f"Hello {person.full_name or person.email},",
        "You have an account on Tandem, our mentorship programme. Choose your password here "
        f"to sign in:\n{invitation_link(person)}",
        f"The link works once and for {days} days. After that, use “Forgotten your password?” "
        f"on the sign-in page ({absolute_url(reverse('login'))}), or ask HR to invite you again.",
        f"You sign in with this email address: {person.email}",
        "— Tandem",
    ]
    return EmailMessage(
        subject="Your Tandem account: choose a password",
        body="\n\n".join(lines) + "\n",
        to=[person.email],
    )


def _company_sign_in_email(person: User) -> EmailMessage:
    """SSO-only mode (docs/identity.md): nobody but a superuser has a password, so the invitation
    points at the company sign-in instead of a set-password link."""
    lines = [
        f"Hello {person.full_name or person.email},",
        "You have an account on Tandem, our mentorship programme. Sign in with your company "
        f"account here:\n{absolute_url(reverse('login'))}",
        f"Your account is linked by this email address: {person.email}",
        "— Tandem",
    ]
    return EmailMessage(
        subject="Your Tandem account: sign in with your company account",
        body="\n\n".join(lines) + "\n",
        to=[person.email],
    )


def password_set(*, person: User) -> None:
    """After a password was chosen through an emailed link: the sign-in lock is lifted."""
    sign_in_unlock(person.email)
