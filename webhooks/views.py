from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from . import selectors, services
from .forms import EndpointCreateForm, EndpointEditForm


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    selectors.require_webhook_user(request)
    page = Paginator(selectors.manageable_endpoints(request.user), 25).get_page(
        request.GET.get("page")
    )
    can_create = selectors.programs_for(request.user).exists() or selectors.may_manage_global(
        request.user
    )
    return render(request, "webhooks/index.html", {"page": page, "can_create": can_create})


@login_required
def create(request: HttpRequest) -> HttpResponse:
    selectors.require_webhook_user(request)
    form = EndpointCreateForm(
        request.POST or None,
        programs=selectors.programs_for(request.user),
        allow_global=selectors.may_manage_global(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            endpoint = services.endpoint_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request, "Endpoint added. Copy its secret into the receiver to check signatures."
            )
            return redirect("webhooks:detail", endpoint.pk)
    return render(request, "webhooks/form.html", {"form": form, "endpoint": None})


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = selectors.managed_endpoint(request, pk)
    page = Paginator(selectors.deliveries_of(endpoint), 25).get_page(request.GET.get("page"))
    return render(request, "webhooks/detail.html", {"endpoint": endpoint, "page": page})


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = selectors.managed_endpoint(request, pk)
    form = EndpointEditForm(
        request.POST or None,
        initial={
            "url": endpoint.url,
            "description": endpoint.description,
            "events": endpoint.events,
            "active": endpoint.is_active,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.endpoint_update(endpoint=endpoint, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "Endpoint saved.")
            return redirect("webhooks:detail", endpoint.pk)
    return render(request, "webhooks/form.html", {"form": form, "endpoint": endpoint})


@login_required
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = selectors.managed_endpoint(request, pk)
    if request.method == "POST":
        services.endpoint_delete(endpoint=endpoint, by=request.user)
        messages.success(request, "Endpoint deleted.")
        return redirect("webhooks:index")
    return render(request, "webhooks/delete.html", {"endpoint": endpoint})


@login_required
@require_POST
def send_test(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = selectors.managed_endpoint(request, pk)
    services.endpoint_send_test(endpoint=endpoint, by=request.user)
    if endpoint.is_active:
        messages.success(request, "Test event queued: its delivery appears below in a moment.")
    else:
        messages.warning(request, "Test event queued; it is sent once the endpoint is resumed.")
    return redirect("webhooks:detail", endpoint.pk)
