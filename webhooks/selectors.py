"""Who may manage which webhook endpoints, and the pages' reads."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from people.permissions import is_hr
from programs.models import Program

from .models import Delivery, Endpoint


def may_use_webhooks(user) -> bool:
    """HR coordinators (their programs' endpoints) and staff (the global ones too)."""
    return bool(user.is_authenticated and user.is_active and (is_hr(user) or user.is_staff))


def programs_for(user) -> QuerySet[Program]:
    """The programs whose endpoints `user` manages: those they coordinate as HR."""
    if not is_hr(user):
        return Program.objects.none()
    return Program.objects.filter(coordinators=user).order_by("name")


def may_manage_global(user) -> bool:
    return bool(user.is_authenticated and user.is_active and (user.is_staff or user.is_superuser))


def manageable_endpoints(user) -> QuerySet[Endpoint]:
    condition = Q(program__in=programs_for(user))
    if may_manage_global(user):
        condition |= Q(program__isnull=True)
    return Endpoint.objects.filter(condition).select_related("program").order_by("id")


def require_webhook_user(request: HttpRequest) -> None:
    if not may_use_webhooks(request.user):
        raise PermissionDenied("Only HR coordinators and staff manage webhooks.")


def managed_endpoint(request: HttpRequest, pk: int) -> Endpoint:
    """The endpoint, if the requester manages it: 403 for non-HR, 404 for another's."""
    require_webhook_user(request)
    endpoint = manageable_endpoints(request.user).filter(pk=pk).first()
    if endpoint is None:
        raise Http404("No such webhook endpoint.")
    return endpoint


def deliveries_of(endpoint: Endpoint) -> QuerySet[Delivery]:
    return endpoint.deliveries.order_by("-created_at", "-id")
