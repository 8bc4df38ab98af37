"""SCIM filters (RFC 7644 §3.4.2.2) as database queries.

scim2-models parses the filter; this walks its syntax tree into a Django `Q` over the
attributes Tandem can search (`USER_FIELDS`, `GROUP_FIELDS`). An attribute outside them is an
`invalidFilter` error, never a silent "matches nothing". Tandem keeps one email per person:
`emails`, `emails.value` and `emails[...]` compare with it, and a condition on an email's
`type` or `primary` holds for it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from scim2_models import InvalidFilterException, ScimFilter
from scim2_models.path.expressions import (
    Comparison,
    LogicalExpr,
    LogicalOperator,
    Not,
    Present,
    ValuePath,
)

from .documents import ENTERPRISE

# attribute path (lower case) -> (model field, case exact, kind)
STR, BOOL, ID, ANY = "str", "bool", "id", "any"
USER_FIELDS: dict[str, tuple[str, bool, str]] = {
    "id": ("pk", True, ID),
    "username": ("scim_user_name", False, STR),
    "externalid": ("scim__external_id", True, STR),
    "displayname": ("full_name", False, STR),
    "title": ("job_title", False, STR),
    "active": ("is_active", False, BOOL),
    "emails": ("email", False, STR),
    "emails.value": ("email", False, STR),
    "emails.type": ("", False, ANY),
    "emails.primary": ("", False, ANY),
    "name.givenname": ("scim__attributes__name__givenName", False, STR),
    "name.familyname": ("scim__attributes__name__familyName", False, STR),
    "name.formatted": ("scim__attributes__name__formatted", False, STR),
    f"{ENTERPRISE}:department".lower(): ("department__name", False, STR),
    f"{ENTERPRISE}:manager".lower(): ("manager_id", True, ID),
    f"{ENTERPRISE}:manager.value".lower(): ("manager_id", True, ID),
    "groups": ("department_id", True, ID),
    "groups.value": ("department_id", True, ID),
}
GROUP_FIELDS: dict[str, tuple[str, bool, str]] = {
    "id": ("pk", True, ID),
    "displayname": ("name", False, STR),
    "externalid": ("scim__external_id", True, STR),
    "members": ("members__pk", True, ID),
    "members.value": ("members__pk", True, ID),
}
LOOKUP = {
    "eq": "exact",
    "co": "contains",
    "sw": "startswith",
    "ew": "endswith",
    "gt": "gt",
    "ge": "gte",
    "lt": "lt",
    "le": "lte",
}


def _bad(detail: str) -> InvalidFilterException:
    return InvalidFilterException(detail=detail)


def to_q(text: str, fields: dict[str, tuple[str, bool, str]]) -> Q:
    if len(text) > 2000:
        raise _bad("The filter is too long.")
    try:
        ast = ScimFilter(text).ast
    except InvalidFilterException:
        raise
    except Exception as exc:  # the parser's own errors: a filter that doesn't parse
        raise _bad(f"The filter doesn't parse: {exc}") from exc
    return _node(ast, fields, prefix="")


def _name(attr_path: Any, prefix: str) -> str:
    uri = f"{attr_path.uri}:" if attr_path.uri else ""
    name = attr_path.attr if not attr_path.sub_attr else f"{attr_path.attr}.{attr_path.sub_attr}"
    if prefix:
        name = f"{prefix}.{name}"
    full = (uri + name).lower()
    core = "urn:ietf:params:scim:schemas:core:2.0:"
    if full.startswith(core):
        full = full.split(":", 7)[-1]
    return full


def _node(node: Any, fields: dict, prefix: str) -> Q:
    if isinstance(node, LogicalExpr):
        combined = Q()
        for i, term in enumerate(node.terms):
            q = _node(term, fields, prefix)
            if i == 0:
                combined = q
            elif node.op == LogicalOperator.and_:
                combined &= q
            else:
                combined |= q
        return combined
    if isinstance(node, Not):
        return ~_node(node.expr, fields, prefix)
    if isinstance(node, ValuePath):
        return _node(node.val_filter, fields, _name(node.attr_path, prefix))
    if isinstance(node, Present):
        field, _, kind = _field(node.attr_path, fields, prefix)
        if kind == ANY:
            return Q()
        q = Q(**{f"{field}__isnull": False})
        return q & ~Q(**{field: ""}) if kind == STR else q
    if isinstance(node, Comparison):
        return _compare(node, fields, prefix)
    raise _bad("This filter can't be used.")


def _field(attr_path: Any, fields: dict, prefix: str) -> tuple[str, bool, str]:
    name = _name(attr_path, prefix)
    if name not in fields:
        raise _bad(f"Filtering on “{name}” isn't supported.")
    return fields[name]


def _compare(node: Comparison, fields: dict, prefix: str) -> Q:
    field, case_exact, kind = _field(node.attr_path, fields, prefix)
    op = str(node.op.value if hasattr(node.op, "value") else node.op).lower()
    value = node.value
    if kind == ANY:
        return Q()
    if op == "ne":
        return ~_lookup(field, case_exact, kind, "eq", value) | Q(**{f"{field}__isnull": True})
    return _lookup(field, case_exact, kind, op, value)


def _lookup(field: str, case_exact: bool, kind: str, op: str, value: Any) -> Q:
    if op not in LOOKUP:
        raise _bad(f"The operator “{op}” isn't supported.")
    if kind == BOOL:
        if not isinstance(value, bool) or op != "eq":
            raise _bad("A true/false attribute compares with eq true or eq false.")
        return Q(**{field: value})
    if kind == ID:
        if op != "eq":
            raise _bad("An id compares with eq only.")
        try:
            number = int(str(value))
        except ValueError:
            return Q(pk__in=[])
        if not 0 < number < 2**31:
            return Q(pk__in=[])
        return Q(**{field: number})
    if value is None:
        return Q(**{f"{field}__isnull": True}) if op == "eq" else Q(pk__in=[])
    if not isinstance(value, str):
        value = str(value).lower() if isinstance(value, bool) else str(value)
    lookup = LOOKUP[op]
    if not case_exact and lookup in {"exact", "contains", "startswith", "endswith"}:
        lookup = "i" + lookup
    return Q(**{f"{field}__{lookup}": value})
