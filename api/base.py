"""What every resource of the API builds on (see /work notes: docs/api.md, api/README)."""

from __future__ import annotations

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import mixins, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.filters import OrderingFilter
from rest_framework.permissions import IsAuthenticated

from .pagination import ApiCursorPagination
from .permissions import HasScope


class ApiViewMixin:
    """Authentication (token or session), 401 before anything, the token's scope, rate limits.

    A resource sets `scope_group` (a key of api.scopes.GROUPS) and, when only some roles may
    use it at all, overrides `check_role(request)` to raise `RoleRequired` (403) BEFORE any
    object is looked up, as the pages do. Objects come from `get_queryset()`, built with the
    app's selectors so that what is not visible is simply not found (404).
    """

    scope_group: str | None = None
    permission_classes = [IsAuthenticated, HasScope]

    def check_role(self, request) -> None:
        """Raise RoleRequired (403) if the requester lacks the role this resource needs."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.check_role(request)


class RoleRequired(PermissionDenied):
    default_detail = "Your role doesn't give access to this resource."


# Ids in URLs: 1 to 18 digits (fits a bigint); anything else is the API's JSON 404.
ID_REGEX = r"[0-9]{1,18}"


class ReadOnlyResource(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    """list + retrieve, cursor-paginated, with `filterset_class`/`filterset_fields` and
    `ordering_fields` (the view's `ordering` is the default and should end with a unique
    field). Set `queryset = Model.objects.none()` on the class (the schema reads the model
    from it) and build the real one in `get_queryset()`."""

    lookup_value_regex = ID_REGEX
    pagination_class = ApiCursorPagination
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    ordering_fields: list[str] = []
    ordering = ["-id"]


class ListResource(ApiViewMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = ID_REGEX
    pagination_class = ApiCursorPagination
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    ordering_fields: list[str] = []
    ordering = ["-id"]
