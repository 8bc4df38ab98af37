from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from core.mail import absolute_url, site_host
from people.permissions import hr_required
from programs.selectors import coordinated_program

from . import ics, selectors, services
from .forms import PreferenceForm
from .models import NotificationPreference


def _feed_url(token: str) -> str:
    return absolute_url(reverse("reminders:ics", args=[token]))


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    current = selectors.preference_for(request.user)
    # Not `request.POST or None`: unticking both boxes posts an empty form, which must bind.
    form = PreferenceForm(
        request.POST if request.method == "POST" else None,
        instance=NotificationPreference(
            email_enabled=current.email_enabled, weekly_digest=current.weekly_digest
        ),
    )
    if request.method == "POST" and form.is_valid():
        services.preference_update(
            user=request.user,
            email_enabled=form.cleaned_data["email_enabled"],
            weekly_digest=form.cleaned_data["weekly_digest"],
        )
        messages.success(request, "Your notification settings are saved.")
        return redirect("reminders:preferences")
    token = selectors.live_calendar_token(request.user)
    return render(request, "reminders/preferences.html", {"form": form, "has_feed": bool(token)})


@login_required
def calendar_page(request: HttpRequest) -> HttpResponse:
    token = selectors.live_calendar_token(request.user)
    feed_url = _feed_url(token.token) if token else ""
    return render(request, "reminders/calendar.html", {"token": token, "feed_url": feed_url})


@login_required
@require_POST
def calendar_rotate(request: HttpRequest) -> HttpResponse:
    had_one = selectors.live_calendar_token(request.user) is not None
    services.calendar_token_rotate(user=request.user)
    messages.success(
        request,
        "Your calendar link is replaced: the old one no longer works."
        if had_one
        else "Your private calendar link is ready.",
    )
    return redirect("reminders:calendar")


@login_required
@require_POST
def calendar_revoke(request: HttpRequest) -> HttpResponse:
    if services.calendar_token_revoke(user=request.user):
        messages.success(request, "Your calendar link is turned off.")
    return redirect("reminders:calendar")


def _feed_events(user, today) -> list[ics.Event]:
    events = []
    host = site_host()
    for item in selectors.upcoming_checkins_for(user, today=today):
        m = item.mentorship
        other = m.other_side(user)
        label = (
            "Check-in" if item.agreed else ("Check-in overdue" if item.overdue else "Check-in due")
        )
        events.append(
            ics.Event(
                uid=f"checkin-{m.pk}@{host}",
                day=item.day,
                summary=f"{label} with {other.full_name or other.email}",
                description=f"{m.program.name}. Log it in Tandem.",
                url=services.absolute_url(m.get_absolute_url()),
            )
        )
    for ms in selectors.upcoming_milestones_for(user, today=today):
        events.append(
            ics.Event(
                uid=f"milestone-{ms.pk}@{host}",
                day=ms.due_date,
                summary=f"Milestone due: {ms.title}",
                url=services.absolute_url(ms.goal.mentorship.get_absolute_url()),
            )
        )
    return events


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    user = selectors.calendar_owner(token)
    if user is None:
        raise Http404("No such calendar.")
    body = ics.calendar(
        _feed_events(user, timezone.localdate()), name="Tandem mentoring", now=timezone.now()
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="tandem.ics"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@hr_required
def at_risk(request: HttpRequest, slug: str) -> HttpResponse:
    program = coordinated_program(request, slug)
    page = Paginator(selectors.at_risk_flags_for_program(program), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "reminders/at_risk.html", {"program": program, "page": page})
