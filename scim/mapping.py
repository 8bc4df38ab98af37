"""Tandem's rows as SCIM resources, and SCIM resources as Tandem's writes.

| SCIM attribute                      | Tandem                                              |
| ----------------------------------- | --------------------------------------------------- |
| id                                  | the person's id                                     |
| userName                            | kept by SCIM (the email for people not provisioned) |
| externalId                          | kept by SCIM                                        |
| displayName (else name.formatted,   | full name                                           |
|   else givenName familyName)        |                                                     |
| name.*                              | kept by SCIM                                        |
| title                               | job title                                           |
| active                              | active (false: signed out, mentorships ended)       |
| emails (primary, else work, else    | the sign-in email; the other entries kept by SCIM   |
|   first; else userName if an email) |                                                     |
| enterprise department               | department (by name, created when new)              |
| enterprise manager.value            | manager (the id of another User)                    |
| groups (read-only)                  | the department, as a Group                          |
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from scim2_models import (
    Email,
    EnterpriseUser,
    GroupMember,
    GroupMembership,
    Manager,
    Meta,
    Name,
)

from people.models import Department, User

from .documents import GroupResource, UserResource
from .services import GroupData, PersonData, Refused


def _location(base: str, kind: str, pk: int) -> str:
    return f"{base}/{kind}/{pk}"


def _emails(user: User, stored: list[dict[str, Any]] | None) -> list[Email]:
    if not stored:
        return [Email(value=user.email, type="work", primary=True)]
    emails = [Email.model_validate(e) for e in stored]
    if not any((e.value or "").lower() == user.email for e in emails):
        # Changed in Tandem since the directory last wrote: Tandem's address is the one used.
        chosen = _chosen(emails)
        chosen.value = user.email
    return emails


def _chosen(emails: list[Email]) -> Email:
    for test in (
        lambda e: e.primary,
        lambda e: str(e.type or "").lower() == "work",
        lambda e: True,
    ):
        for email in emails:
            if test(email) and email.value:
                return email
    return emails[0]


def user_resource(user: User, base: str) -> Any:
    scim = getattr(user, "scim", None)
    attrs = scim.attributes if scim is not None else {}
    enterprise = EnterpriseUser(
        department=user.department.name if user.department_id else None,
        manager=Manager(value=str(user.manager_id), ref=_location(base, "Users", user.manager_id))
        if user.manager_id
        else None,
    )
    resource = UserResource(
        id=str(user.pk),
        external_id=(scim.external_id or None) if scim is not None else None,
        user_name=scim.user_name if scim is not None else user.email,
        name=Name.model_validate(attrs["name"]) if attrs.get("name") else None,
        display_name=user.full_name if (scim is None or attrs.get("displayName")) else None,
        title=user.job_title or None,
        active=user.is_active,
        emails=_emails(user, attrs.get("emails")),
        groups=[
            GroupMembership(
                value=str(user.department_id),
                ref=_location(base, "Groups", user.department_id),
                display=user.department.name,
                type="direct",
            )
        ]
        if user.department_id
        else None,
        meta=Meta(
            resource_type="User",
            created=user.date_joined,
            last_modified=scim.updated_at if scim is not None else user.date_joined,
            location=_location(base, "Users", user.pk),
        ),
    )
    if enterprise.department or enterprise.manager:
        resource[EnterpriseUser] = enterprise
    return resource


def group_resource(department: Department, base: str, member_ids: list[int]) -> Any:
    scim = getattr(department, "scim", None)
    return GroupResource(
        id=str(department.pk),
        external_id=(scim.external_id or None) if scim is not None else None,
        display_name=department.name,
        members=[
            GroupMember(value=str(pk), ref=_location(base, "Users", pk), type="User")
            for pk in member_ids
        ]
        or None,
        meta=Meta(
            resource_type="Group",
            created=scim.created_at if scim is not None else None,
            last_modified=scim.updated_at if scim is not None else None,
            location=_location(base, "Groups", department.pk),
        ),
    )


def _id(value: Any, what: str) -> int:
    try:
        number = int(str(value or "").strip())
    except ValueError:
        number = 0
    if number <= 0 or number > 2**31 - 1:
        raise Refused(f"{what} “{value}” is not the id of a User of this service.")
    return number


def _is_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def person_data(resource: Any) -> PersonData:
    """A User resource (as sent, or as patched) in Tandem's terms; refuses what can't be kept."""
    user_name = (resource.user_name or "").strip()
    if not user_name:
        raise Refused("userName is required.")
    emails = [e for e in (resource.emails or []) if e.value]
    email = _chosen(emails).value.strip() if emails else ""
    if not email and _is_email(user_name):
        email = user_name
    if not email:
        raise Refused("Tandem needs an email address: send emails (or a userName that is one).")
    if not _is_email(email):
        raise Refused(f"“{email}” isn't a valid email address.")
    name = resource.name
    full_name = (
        resource.display_name
        or (name.formatted if name else None)
        or " ".join(part for part in ((name.given_name, name.family_name) if name else ()) if part)
        or ""
    ).strip() or email.split("@")[0]
    enterprise = resource[EnterpriseUser]
    manager = enterprise.manager if enterprise is not None else None
    manager_id = _id(manager.value, "manager") if manager is not None and manager.value else None
    attributes: dict[str, Any] = {
        "emails": [e.model_dump(mode="json", exclude_none=True) for e in resource.emails or []],
    }
    if name is not None:
        attributes["name"] = name.model_dump(mode="json", exclude_none=True, by_alias=True)
    if resource.display_name:
        attributes["displayName"] = True
    return PersonData(
        user_name=user_name,
        email=email,
        full_name=full_name,
        external_id=(resource.external_id or "").strip(),
        job_title=resource.title or "",
        active=resource.active,
        department=(enterprise.department or None) if enterprise is not None else None,
        manager_id=manager_id,
        attributes=attributes,
    )


def group_data(resource: Any) -> GroupData:
    members: list[int] = []
    for member in resource.members or []:
        if True:
            if str(member.type or "User") != "User":
                raise Refused("A department's members are people: nested groups can't be kept.")
            members.append(_id(member.value, "member"))
    return GroupData(
        display_name=resource.display_name or "",
        external_id=(resource.external_id or "").strip(),
        member_ids=members,
    )
