"""The person's own chat preference. (A program's Teams channel page lives in programs, which
knows who coordinates a program.)"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from . import selectors, services
from .forms import PreferenceForm


@login_required
def preference(request: HttpRequest) -> HttpResponse:
    enabled = selectors.slack_enabled()
    form = PreferenceForm(
        request.POST if request.method == "POST" else None,
        initial={"delivery": selectors.delivery_of(request.user)},
        slack_enabled=enabled,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.chat_preference_update(
                user=request.user, delivery=form.cleaned_data["delivery"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Saved: your notices go where you chose.")
            return redirect("chat:preference")
    return render(
        request,
        "chat/preference.html",
        {
            "form": form,
            "slack_enabled": enabled,
            "recent": selectors.recent_messages_of(request.user),
        },
    )
