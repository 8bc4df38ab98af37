"""The site's pages that gather what several apps know about the signed-in person."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from mentorships.selectors import mentorships_for_participant
from people.models import User
from people.permissions import is_hr
from people.selectors import is_manager, subtree_ids
from programs.selectors import pending_approvals, programs_for_coordinator, team_participation
from selfmatch.selectors import home as selfmatch_home


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "mentorships": mentorships_for_participant(user),
        "hr_programs": programs_for_coordinator(user) if is_hr(user) else None,
        "team_size": len(subtree_ids(user)) if is_manager(user) else None,
        "selfmatch": selfmatch_home(user),
    }
    return render(request, "pages/home.html", context)


@login_required
def team(request: HttpRequest) -> HttpResponse:
    ids = subtree_ids(request.user)
    if not ids:  # a manager's page (docs/security.md, Refusals)
        raise PermissionDenied("Only managers with reports can open this page.")
    people = (
        User.objects.filter(pk__in=ids, is_active=True)
        .select_related("department", "manager")
        .prefetch_related(team_participation(ids))
        .order_by("full_name")
    )
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    context = {"page": page, "approvals_waiting": pending_approvals(ids).count()}
    return render(request, "pages/team.html", context)
