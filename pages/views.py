"""The site's pages that gather what several apps know about the signed-in person."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.http import require_GET

from core.paging import CountedPaginator
from people.context_processors import remember_manager
from people.selectors import TEAM_FIELDS, is_manager_reading_path, subtree, team_of
from programs.selectors import (
    programs_for_coordinator,
    team_counts,
    with_participation,
)

from .selectors import live_mentorships, todo_list


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """The site's icon for anyone, signed in or not: a redirect to the static file, which
    whitenoise serves in every setting (collected by `collectstatic` in production)."""
    response = HttpResponseRedirect(static("favicon.ico"))
    response["Cache-Control"] = "public, max-age=86400"
    return response


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    mentorships = live_mentorships(user)
    todo = todo_list(user, live=mentorships)
    remember_manager(request, todo.is_manager)  # for the navigation of the next pages
    context = {
        "todo": todo,
        "mentorships": mentorships,
        "hr_programs": programs_for_coordinator(user) if todo.is_hr else None,
        "team_size": todo.team_size,
        # Known already: the navigation's "My team" link need not ask again (people's roles
        # context processor; a view's context wins over it).
        "role_is_manager": todo.is_manager,
    }
    return render(request, "pages/home.html", context)


@login_required
def team(request: HttpRequest) -> HttpResponse:
    user = request.user
    # The manager check reads the person's reporting path too: the subtree below needs it.
    if not is_manager_reading_path(user):  # a manager's page (docs/security.md, Refusals)
        raise PermissionDenied("Only managers with reports can open this page.")
    # The subtree stays in SQL (one indexed range of reporting paths): the page costs the same
    # for a team of 5 and a head of 15,000. The team's size (for the pager) and the approvals
    # waiting are counted in one query.
    people = team_of(user)
    size, waiting = team_counts(people, subtree(user))
    page = CountedPaginator(people.values(*TEAM_FIELDS), 50, count=size).get_page(
        request.GET.get("page")
    )
    page.object_list = with_participation(page.object_list)
    context = {"page": page, "approvals_waiting": waiting, "role_is_manager": True}
    return render(request, "pages/team.html", context)
