"""Scope checks. Roles and objects are checked by the resource's selectors, as on the pages."""

from __future__ import annotations

from rest_framework import permissions

from . import scopes
from .models import ApiToken


def token_of(request) -> ApiToken | None:
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, ApiToken) else None


class HasScope(permissions.BasePermission):
    """A token needs `<view.scope_group>:read` for safe methods, `:write` otherwise.

    Signed-in sessions pass (their user's own rights apply). Unauthenticated requests are
    refused with 401 by IsAuthenticated, which runs first.
    """

    message = "This API token lacks the scope this operation needs."

    def has_permission(self, request, view) -> bool:
        token = token_of(request)
        if token is None:
            return True
        group = getattr(view, "scope_group", None)
        if group is None:
            # Fails closed: a resource that forgot its group is refused to every token. Views
            # any valid token may use (the schema, the JSON 404) say so with `scope_free`.
            return bool(getattr(view, "scope_free", False))
        write = request.method not in permissions.SAFE_METHODS
        if scopes.grants(token.scopes, group, write=write):
            return True
        self.message = (
            f"This API token lacks the scope `{group}:{'write' if write else 'read'}` "
            "this operation needs."
        )
        return False
