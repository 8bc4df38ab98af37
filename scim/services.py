"""Writes for directory provisioning: tokens, people and departments as the directory says.

People are written one at a time with the same rules as the CSV import of the directory
(`imports/people.py`): the email is the sign-in name (lower-case, unique), a new person gets an
unusable password and an invitation to choose one (unless `SCIM_INVITE_NEW_PEOPLE` is off),
departments are matched by name (any case) or created, and a manager must exist and must not
make the reporting line go round in a circle. Deactivating signs the person out everywhere and
ends their live mentorships; nothing of theirs is deleted.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.models import Session
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.services import audit_record
from mentorships.services import mentorships_end_for_person
from people.models import Department, User, normalise_email
from people.services import invitations_enqueue

from .models import ScimGroup, ScimToken, ScimUser

TOKEN_PREFIX = "tandem_scim_"
LEFT_NOTE = "Left the company (deactivated by the directory)"
MAX_LENGTH = {
    "email": 254,
    "full_name": 150,
    "job_title": 150,
    "department": 120,
    "user_name": 254,
    "external_id": 254,
}


class Refused(ValueError):
    """A write the directory asked for that Tandem refuses; `scim_type` says why (RFC 7644)."""

    def __init__(self, detail: str, *, scim_type: str = "invalidValue", status: int = 400):
        super().__init__(detail)
        self.detail = detail
        self.scim_type = scim_type
        self.status = status


def conflict(detail: str) -> Refused:
    return Refused(detail, scim_type="uniqueness", status=409)


# --- tokens ----------------------------------------------------------------------------------


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


@transaction.atomic
def token_create(*, name: str, by: User | None) -> tuple[ScimToken, str]:
    """A new bearer token: returns the row and the token itself, which is never stored."""
    name = (name or "").strip()
    if not name:
        raise ValueError("Give the token a name (which directory uses it).")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ScimToken.objects.create(name=name[:120], digest=token_digest(raw), created_by=by)
    audit_record(actor=by, action="scim.token_created", obj=token, payload={"name": token.name})
    return token, raw


@transaction.atomic
def token_revoke(*, token: ScimToken, by: User | None) -> bool:
    """Revoke a token (once: a second revoke changes and audits nothing)."""
    changed = ScimToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if changed:
        audit_record(actor=by, action="scim.token_revoked", obj=token, payload={"name": token.name})
    token.refresh_from_db()
    return bool(changed)


def token_authenticate(raw: str) -> ScimToken | None:
    """The live token `raw` is, or None. The secret is only ever compared as its digest, and
    the digests are compared in constant time."""
    if not raw or len(raw) > 200:
        return None
    digest = token_digest(raw)
    token = ScimToken.objects.filter(digest=digest).first()
    if token is None or not hmac.compare_digest(token.digest, digest) or not token.is_live:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ScimToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


# --- people ----------------------------------------------------------------------------------


@dataclass
class PersonData:
    """One person as the directory describes them, in Tandem's terms."""

    user_name: str
    email: str
    full_name: str
    external_id: str = ""
    job_title: str = ""
    active: bool | None = None  # None: leave as it is (new people start active)
    department: str | None = None  # a department name, or None for none
    manager_id: int | None = None
    attributes: dict[str, Any] = field(default_factory=dict)


def _check(data: PersonData) -> None:
    for name, limit in MAX_LENGTH.items():
        value = getattr(data, name, None)
        if isinstance(value, str) and len(value) > limit:
            raise Refused(f"{name} is too long: at most {limit} characters.")
    if not data.user_name.strip():
        raise Refused("userName is required.")
    if not data.full_name.strip():
        raise Refused("A name is required (displayName or name).")


def _check_manager(user_id: int | None, manager_id: int | None) -> User | None:
    if manager_id is None:
        return None
    manager = User.objects.filter(pk=manager_id).first()
    removed = ScimUser.objects.filter(user_id=manager_id, removed_at__isnull=False).exists()
    if manager is None or removed:
        raise Refused(f"The manager {manager_id} is not a User of this service.")
    if user_id is not None:
        if manager_id == user_id:
            raise Refused("Nobody can be their own manager.")
        seen: set[int] = set()
        current: int | None = manager.manager_id
        while current is not None and current not in seen:
            if current == user_id:
                raise Refused("This manager would make the reporting line go round in a circle.")
            seen.add(current)
            current = User.objects.filter(pk=current).values_list("manager_id", flat=True).first()
    return manager


def department_for(name: str | None) -> Department | None:
    name = (name or "").strip()
    if not name:
        return None
    if len(name) > MAX_LENGTH["department"]:
        raise Refused(f"department is too long: at most {MAX_LENGTH['department']} characters.")
    found = Department.objects.filter(name__iexact=name).first()
    if found is None:
        found, _ = Department.objects.get_or_create(name=name)
    return found


def _check_unique(data: PersonData, user_id: int | None) -> None:
    others = ScimUser.objects.filter(user_name__iexact=data.user_name)
    if user_id is not None:
        others = others.exclude(user_id=user_id)
    if others.exists():
        raise conflict(f"Another person already has the userName “{data.user_name}”.")
    emails = User.objects.filter(email__iexact=data.email)
    if user_id is not None:
        emails = emails.exclude(pk=user_id)
    if emails.exists():
        raise conflict(f"Another person already has the email address {data.email}.")


def _apply(user: User, data: PersonData) -> None:
    user.email = normalise_email(data.email)
    user.full_name = data.full_name.strip()
    user.job_title = data.job_title.strip()
    user.department = department_for(data.department)
    user.manager = _check_manager(user.pk, data.manager_id)


@transaction.atomic
def scim_user_create(*, data: PersonData, token: ScimToken) -> User:
    """A person the directory creates (or re-creates after deleting them: reactivated)."""
    _check(data)
    returning = (
        ScimUser.objects.select_related("user")
        .filter(user_name__iexact=data.user_name, removed_at__isnull=False)
        .first()
    )
    if returning is not None:
        ScimUser.objects.filter(pk=returning.pk).update(removed_at=None)
        data.active = True if data.active is None else data.active
        return scim_user_replace(user=returning.user, data=data, token=token, action="created")
    _check_unique(data, None)
    user = User(password=make_password(None), is_active=data.active is not False)
    _apply(user, data)
    if user.is_active and settings.SCIM_INVITE_NEW_PEOPLE:
        user.invited_at = timezone.now()
    try:
        with transaction.atomic():
            user.save()
            ScimUser.objects.create(
                user=user,
                user_name=data.user_name,
                external_id=data.external_id,
                attributes=data.attributes,
            )
    except IntegrityError as exc:  # created meanwhile by a parallel request
        raise conflict("This person was created meanwhile; read them again.") from exc
    if user.invited_at:
        invitations_enqueue()
    audit_record(actor=None, action="scim.user_created", obj=user, payload=_by(token))
    return user


@transaction.atomic
def scim_user_replace(
    *, user: User, data: PersonData, token: ScimToken, action: str = "updated"
) -> User:
    """The directory's full picture of a person (PUT, or a PATCH applied to their picture)."""
    _check(data)
    user = User.objects.select_for_update().get(pk=user.pk)
    _check_unique(data, user.pk)
    _apply(user, data)
    was_active = user.is_active
    try:
        with transaction.atomic():
            user.save()
            ScimUser.objects.update_or_create(
                user=user,
                defaults={
                    "user_name": data.user_name,
                    "external_id": data.external_id,
                    "attributes": data.attributes,
                },
            )
    except IntegrityError as exc:
        raise conflict("Another person has this userName or email address.") from exc
    audit_record(actor=None, action=f"scim.user_{action}", obj=user, payload=_by(token))
    if data.active is False and was_active:
        person_deactivate(user=user, token=token)
    elif data.active is True and not was_active:
        person_reactivate(user=user, token=token)
    user.refresh_from_db()
    return user


@transaction.atomic
def scim_user_remove(*, user: User, token: ScimToken) -> None:
    """DELETE from the directory: deactivated and hidden from SCIM, never deleted."""
    ScimUser.objects.get_or_create(user=user, defaults={"user_name": user.email})
    ScimUser.objects.filter(user=user).update(removed_at=timezone.now())
    audit_record(actor=None, action="scim.user_removed", obj=user, payload=_by(token))
    if user.is_active:
        person_deactivate(user=user, token=token)


def person_deactivate(*, user: User, token: ScimToken) -> int:
    """Sign the person out everywhere and end their live mentorships ("left the company")."""
    User.objects.filter(pk=user.pk).update(is_active=False)
    sessions_end(user_id=user.pk)
    ended = mentorships_end_for_person(person=user, note=LEFT_NOTE, by=None)
    audit_record(
        actor=None,
        action="scim.user_deactivated",
        obj=user,
        payload={**_by(token), "mentorships_ended": len(ended)},
    )
    return len(ended)


def person_reactivate(*, user: User, token: ScimToken) -> None:
    User.objects.filter(pk=user.pk).update(is_active=True)
    audit_record(actor=None, action="scim.user_reactivated", obj=user, payload=_by(token))


def sessions_end(*, user_id: int) -> int:
    """Delete every session of a user (database sessions: each live one is decoded once)."""
    ids = [
        s.pk
        for s in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(s.get_decoded().get("_auth_user_id")) == str(user_id)
    ]
    return Session.objects.filter(pk__in=ids).delete()[0]


def _by(token: ScimToken) -> dict[str, Any]:
    return {"scim_token": token.name}


# --- departments as groups -------------------------------------------------------------------


@dataclass
class GroupData:
    display_name: str
    external_id: str = ""
    member_ids: list[int] | None = None  # None: leave the members as they are


def _members(ids: list[int]) -> list[int]:
    found = set(User.objects.filter(pk__in=ids).values_list("pk", flat=True))
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise Refused(f"No User with the id {', '.join(missing)}.")
    return sorted(set(ids))


def _group_check(data: GroupData, department_id: int | None) -> str:
    name = (data.display_name or "").strip()
    if not name:
        raise Refused("displayName is required.")
    if len(name) > MAX_LENGTH["department"]:
        raise Refused(f"displayName is too long: at most {MAX_LENGTH['department']} characters.")
    others = Department.objects.filter(name__iexact=name)
    if department_id is not None:
        others = others.exclude(pk=department_id)
    if others.exists():
        raise conflict(f"Another department is already called “{name}”.")
    return name


@transaction.atomic
def scim_group_create(*, data: GroupData, token: ScimToken) -> Department:
    name = _group_check(data, None)
    members = _members(data.member_ids or [])
    try:
        with transaction.atomic():
            department = Department.objects.create(name=name)
    except IntegrityError as exc:
        raise conflict(f"Another department is already called “{name}”.") from exc
    ScimGroup.objects.create(department=department, external_id=data.external_id)
    User.objects.filter(pk__in=members).update(department=department)
    audit_record(
        actor=None,
        action="scim.group_created",
        obj=department,
        payload={**_by(token), "members": len(members)},
    )
    return department


@transaction.atomic
def scim_group_replace(*, department: Department, data: GroupData, token: ScimToken) -> Department:
    """Rename the department and, when given, make its members exactly these people."""
    name = _group_check(data, department.pk)
    department = Department.objects.select_for_update().get(pk=department.pk)
    department.name = name
    department.save(update_fields=["name"])
    ScimGroup.objects.update_or_create(
        department=department, defaults={"external_id": data.external_id}
    )
    if data.member_ids is not None:
        members = _members(data.member_ids)
        User.objects.filter(department=department).exclude(pk__in=members).update(department=None)
        User.objects.filter(pk__in=members).update(department=department)
    audit_record(actor=None, action="scim.group_updated", obj=department, payload=_by(token))
    return department


@transaction.atomic
def scim_group_remove(*, department: Department, token: ScimToken) -> None:
    """The department goes; its members stay, with no department."""
    audit_record(actor=None, action="scim.group_removed", obj=department, payload=_by(token))
    department.delete()
