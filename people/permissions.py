"""Role checks shared by every app. Roles are derived, not stored per page."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse


def is_hr(user) -> bool:
    return bool(user.is_authenticated and user.is_hr_coordinator and user.is_active)


def hr_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not is_hr(request.user):
            raise PermissionDenied("Only HR coordinators can open this page.")
        return view(request, *args, **kwargs)

    return wrapped


def can_erase(user) -> bool:
    """Erasure is irreversible: privacy officers and superusers only, not every HR coordinator."""
    return bool(
        user.is_authenticated and user.is_active and (user.is_superuser or user.is_privacy_officer)
    )


def erase_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not can_erase(request.user):
            raise PermissionDenied("Only a privacy officer or a superuser can erase a person.")
        return view(request, *args, **kwargs)

    return wrapped


def superuser_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not (request.user.is_superuser and request.user.is_active):
            raise PermissionDenied("Only a superuser can open this page.")
        return view(request, *args, **kwargs)

    return wrapped
