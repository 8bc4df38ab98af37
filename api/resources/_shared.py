"""What the goals, check-ins, outcomes, matching and metrics resources share (no routes)."""

from __future__ import annotations

import django_filters
from django import forms
from rest_framework import exceptions, serializers

from .people import PersonRefSerializer  # a person named in a resource: id and name

# Ids are 64-bit (BigAutoField). A larger number is refused as bad input (400), never sent to
# the database, where SQLite can't even bind it.
MAX_ID = 2**63 - 1
# Scores and other small numbers used as filters.
MAX_SMALL = 32767


class MethodFirst:
    """Refuse a method the route doesn't take (405) right after the credentials are checked
    (401) and before the token's scope, the role and any lookup, as the pages do
    (docs/security.md#refusals): the answer is the same for a session and a token, and never
    depends on the role or on whether the id exists."""

    def initial(self, request, *args, **kwargs):
        method = request.method.lower()
        if method not in self.http_method_names or not hasattr(self, method):
            self.perform_authentication(request)  # a dead token: 401
            if request.user.is_authenticated:
                raise exceptions.MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)


def id_field(**kwargs) -> serializers.IntegerField:
    """An id in a request body: a whole number from 1 to MAX_ID."""
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


def ids_field(**kwargs) -> serializers.ListField:
    """A list of ids in a request body (at most 1000)."""
    kwargs.setdefault("max_length", 1000)
    return serializers.ListField(child=id_field(), **kwargs)


class IdFilter(django_filters.NumberFilter):
    """An id in the query string: a whole number from 1 to MAX_ID (else 400)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


def existing(model, ids: list[int], field: str, message: str) -> list:
    """The rows with these ids; 400 on `field` naming none of them if any is missing."""
    found = list(model.objects.filter(pk__in=set(ids))) if ids else []
    if len(found) != len(set(ids)):
        raise exceptions.ValidationError({field: [message]})
    return found


__all__ = ["PersonRefSerializer"]
