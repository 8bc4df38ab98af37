"""What the SCIM service publishes about itself (RFC 7643 §5–7, RFC 7644 §4).

The resource models are scim2-models' own (`User[EnterpriseUser]`, `Group`); the schemas
published on /Schemas name only the attributes Tandem keeps, so a client (and the
conformance checker) never sends an attribute that would be dropped.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from scim2_models import (
    AuthenticationScheme,
    Bulk,
    ChangePassword,
    EnterpriseUser,
    ETag,
    Filter,
    Group,
    Meta,
    Mutability,
    Patch,
    Required,
    ResourceType,
    Schema,
    ScimPolicy,
    ServiceProviderConfig,
    Sort,
    User,
)

UserResource = User[EnterpriseUser]
GroupResource = Group
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
DEFAULT_COUNT = 100
MAX_COUNT = 1000

# Entra ID's habits are accepted: a `remove` carrying the value to remove, and a `replace`
# whose path filter matches no entry yet (emails[type eq "work"].value on a new person).
POLICY = ScimPolicy(
    unknown=ScimPolicy.Unknown.ignore,
    remove_value_as_filter=ScimPolicy.RemoveValue.apply,
    unmatched_path_filter=ScimPolicy.UnmatchedPathFilter.create,
)

# Attribute -> the sub-attributes kept (None: a simple attribute).
USER_ATTRIBUTES: dict[str, tuple[str, ...] | None] = {
    "userName": None,
    "name": ("formatted", "familyName", "givenName"),
    "displayName": None,
    "title": None,
    "active": None,
    "emails": ("value", "type", "primary"),
    "groups": ("value", "$ref", "display", "type"),
}
ENTERPRISE_ATTRIBUTES: dict[str, tuple[str, ...] | None] = {
    "department": None,
    "manager": ("value", "$ref"),
}
GROUP_ATTRIBUTES: dict[str, tuple[str, ...] | None] = {
    "displayName": None,
    "members": ("value", "$ref", "type"),
}
# Tandem needs an email address for everyone, and always knows whether a person is active:
# announced as required (a PUT without `active` still leaves it as it is).
REQUIRED = {("emails", None), ("emails", "value"), ("active", None)}


def _trim(schema: Schema, keep: dict[str, tuple[str, ...] | None]) -> Schema:
    attributes = []
    for attribute in schema.attributes or []:
        if attribute.name not in keep:
            continue
        update: dict[str, Any] = {}
        subs = keep[attribute.name]
        if subs is not None and attribute.sub_attributes:
            update["sub_attributes"] = [
                sub.model_copy(
                    update={"required": Required.true}
                    if (attribute.name, sub.name) in REQUIRED
                    else {}
                )
                for sub in attribute.sub_attributes
                if sub.name in subs
            ]
        if (attribute.name, None) in REQUIRED:
            update["required"] = Required.true
        attributes.append(attribute.model_copy(update=update))
    return schema.model_copy(update={"attributes": attributes})


@cache
def schemas() -> tuple[Schema, ...]:
    return (
        _trim(User.to_schema(), USER_ATTRIBUTES),
        _trim(EnterpriseUser.to_schema(), ENTERPRISE_ATTRIBUTES),
        _trim(Group.to_schema(), GROUP_ATTRIBUTES),
    )


def schema_list(base: str) -> list[Schema]:
    return [
        s.model_copy(
            update={"meta": Meta(resource_type="Schema", location=f"{base}/Schemas/{s.id}")}
        )
        for s in schemas()
    ]


def resource_type_list(base: str) -> list[ResourceType]:
    user = ResourceType.from_resource(UserResource)
    user.description = "A person of the company (an employee in Tandem)"
    group = ResourceType.from_resource(GroupResource)
    group.description = "A department of the company"
    for item in (user, group):
        item.meta = Meta(resource_type="ResourceType", location=f"{base}/ResourceTypes/{item.id}")
    return [user, group]


def service_provider_config(base: str) -> ServiceProviderConfig:
    return ServiceProviderConfig(
        documentation_uri=None,
        patch=Patch(supported=True),
        bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
        filter=Filter(supported=True, max_results=MAX_COUNT),
        change_password=ChangePassword(supported=False),
        sort=Sort(supported=False),
        etag=ETag(supported=False),
        authentication_schemes=[
            AuthenticationScheme(
                type="oauthbearertoken",
                name="Bearer token",
                description="A token made by `manage.py create_scim_token`, sent as "
                "`Authorization: Bearer <token>`.",
                primary=True,
            )
        ],
        meta=Meta(resource_type="ServiceProviderConfig", location=f"{base}/ServiceProviderConfig"),
    )


def readonly(mutability: Any) -> bool:
    return mutability == Mutability.read_only
