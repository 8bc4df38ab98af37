"""Self-match pages: mentees choose, mentors answer, HR sets the mode and steps in.

Refusals (docs/security.md): a program's mentee pages are 403 for anyone without an approved
mentee enrolment in it (the program's existence is no secret); a request is 404 to anyone but
its mentee, a choice to anyone but its mentor, and HR pages follow the program's coordinators.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.errors import validation_text
from people.models import User
from people.permissions import is_hr
from programs.selectors import coordinated_program, visible_program

from . import selectors, services
from .forms import AskForm, FilterForm, HRStepForm, SettingsForm
from .models import MatchRequest

PER_PAGE = 20


def _mentee_program(request: HttpRequest, slug: str):
    program = visible_program(request, slug)
    if selectors.mentee_enrolment(program, request.user) is None:
        raise PermissionDenied("Only mentees enrolled in this program can choose a mentor here.")
    return program


# --- mentees ----------------------------------------------------------------------------------


@login_required
def browse(request: HttpRequest, slug: str) -> HttpResponse:
    program = _mentee_program(request, slug)
    settings = services.program_matching(program)
    context = {
        "program": program,
        "settings": settings,
        "closed_reason": services.open_reason(settings),
        "mentorship": selectors.live_mentorship(program, request.user),
        "match_request": selectors.latest_request(program, request.user),
    }
    busy = context["mentorship"] or (context["match_request"] and context["match_request"].is_open)
    if not busy and not context["closed_reason"]:
        found = selectors.browse(program, request.user, _filters(request))
        form = FilterForm(request.GET or None, skills=found.skills, departments=found.departments)
        context.update(
            found=found,
            filter_form=form,
            page=Paginator(found.options, PER_PAGE).get_page(request.GET.get("page")),
            filtered=any(request.GET.get(k) for k in ("skill", "department", "within", "meeting")),
        )
    return render(request, "selfmatch/browse.html", context)


def _filters(request: HttpRequest) -> selectors.Filters:
    """Reads the filters leniently: a value that isn't one of the choices is ignored."""
    data = request.GET
    skill = data.get("skill", "")
    within = data.get("within", "")
    meeting = data.get("meeting", "")
    return selectors.Filters(
        skill=int(skill) if skill.isdigit() and len(skill) < 10 else None,
        department=data.get("department", "")[:100],
        within_hours=int(within) if within in ("0", "2", "4", "8") else None,
        meeting_mode=meeting if meeting in ("in_person", "video", "chat") else "",
    )


@login_required
def ask(request: HttpRequest, slug: str) -> HttpResponse:
    program = _mentee_program(request, slug)
    settings = services.program_matching(program)
    reason = services.open_reason(settings)
    if reason:
        messages.info(request, reason)
        return redirect("selfmatch:browse", program.slug)
    found = selectors.browse(program, request.user, selectors.Filters())
    mentors = [
        (o.user_id, f"{o.name} — score {o.score}") for o in found.options if o.places_left > 0
    ]
    first = request.GET.get("mentor", "")
    initial = {"first": int(first)} if first.isdigit() and len(first) < 10 else {}
    form = AskForm(
        request.POST or None, initial=initial, mentors=mentors, max_choices=settings.max_choices
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.match_request_create(
                program=program,
                mentee=request.user,
                mentor_ids=form.mentor_ids(),
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            form.add_error(None, validation_text(exc))
        else:
            messages.success(request, "Request sent to your first choice.")
            return redirect("selfmatch:browse", program.slug)
    return render(
        request,
        "selfmatch/ask.html",
        {"program": program, "settings": settings, "form": form, "none_left": not mentors},
    )


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    match_request = get_object_or_404(
        MatchRequest.objects.select_related("program"), pk=pk, mentee=request.user
    )
    try:
        services.match_request_withdraw(request=match_request, by=request.user)
    except ValidationError as exc:
        messages.error(request, validation_text(exc))
    else:
        messages.success(request, "Request withdrawn. You can choose again.")
    return redirect("selfmatch:browse", match_request.program.slug)


# --- mentors ----------------------------------------------------------------------------------


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    answered = Paginator(selectors.mentor_answered(request.user), PER_PAGE)
    return render(
        request,
        "selfmatch/inbox.html",
        {
            "waiting": selectors.mentor_inbox(request.user),
            "page": answered.get_page(request.GET.get("page")),
        },
    )


@login_required
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    choice = selectors.choice_for_mentor(pk, request.user)
    if choice is None:
        raise Http404("No such request.")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "accept":
                mentorship = services.choice_accept(choice=choice, by=request.user)
                messages.success(request, f"You are now {mentorship.mentee}'s mentor.")
                return redirect(mentorship)
            if action == "decline":
                services.choice_decline(choice=choice, by=request.user)
                messages.success(request, "Declined. The request goes to their next choice.")
                return redirect("selfmatch:inbox")
            messages.error(request, "Choose accept or decline.")
        except ValidationError as exc:
            messages.error(request, validation_text(exc))
        return redirect("selfmatch:answer", choice.pk)
    places = services.places_left(choice.request.program, request.user.pk)
    return render(
        request,
        "selfmatch/answer.html",
        {
            "choice": choice,
            "match_request": choice.request,
            "places": places,
            "reasons": [r for r in choice.explanation or [] if r[1] > 0],
        },
    )


# --- HR ---------------------------------------------------------------------------------------


@login_required
def settings_edit(request: HttpRequest, slug: str) -> HttpResponse:
    program = coordinated_program(request, slug)
    current = services.program_matching(program)
    form = SettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.program_matching_update(
                program=program, by=request.user, data=form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, validation_text(exc))
        else:
            messages.success(request, "Matching mode saved.")
            return redirect("selfmatch:requests", program.slug)
    return render(
        request, "selfmatch/settings.html", {"program": program, "form": form, "current": current}
    )


@login_required
def requests_list(request: HttpRequest, slug: str) -> HttpResponse:
    program = coordinated_program(request, slug)
    settings = services.program_matching(program)
    done = Paginator(selectors.recent_requests(program), PER_PAGE)
    return render(
        request,
        "selfmatch/requests.html",
        {
            "program": program,
            "settings": settings,
            "is_open": services.is_open(settings),
            "waiting": selectors.waiting_requests(program),
            "counts": selectors.request_counts(program),
            "page": done.get_page(request.GET.get("page")),
        },
    )


@login_required
@require_POST
def close(request: HttpRequest, slug: str) -> HttpResponse:
    program = coordinated_program(request, slug)
    result = services.selfmatch_close(program=program, by=request.user)
    if result is None:
        messages.info(request, "Self-match is not open in this program.")
        return redirect("selfmatch:requests", program.slug)
    messages.success(request, f"Self-match closed; {result.closed_requests} open request(s) ended.")
    if result.error:
        messages.error(request, f"The matching run did not start: {result.error}")
    if result.run is not None:
        return redirect(result.run)
    return redirect("selfmatch:requests", program.slug)


def _hr_request(request: HttpRequest, pk: int) -> MatchRequest:
    if not is_hr(request.user):
        raise PermissionDenied("Only HR coordinators can open this page.")
    match_request = get_object_or_404(
        MatchRequest.objects.select_related("program", "mentee"), pk=pk
    )
    if not match_request.program.is_coordinator(request.user):
        raise Http404("No such request.")
    return match_request


@login_required
def hr_request(request: HttpRequest, pk: int) -> HttpResponse:
    match_request = _hr_request(request, pk)
    program = match_request.program
    mentors = [
        (u.pk, f"{u.full_name or u.email} — {services.places_left(program, u.pk)} place(s) left")
        for u in selectors.program_mentors(program)
        if u.pk != match_request.mentee_id
    ]
    form = HRStepForm(request.POST or None, mentors=mentors)
    if request.method == "POST":
        try:
            done = _hr_step(request, match_request, form)
        except ValidationError as exc:
            form.add_error(None, validation_text(exc))
        else:
            if done:
                return redirect("selfmatch:requests", program.slug)
    choices = list(match_request.choices.select_related("mentor").order_by("rank"))
    return render(
        request,
        "selfmatch/hr_request.html",
        {"program": program, "match_request": match_request, "choices": choices, "form": form},
    )


def _hr_step(request: HttpRequest, match_request: MatchRequest, form: HRStepForm) -> bool:
    """Cancel, send to another mentor, or pair by hand; True when done."""
    action = request.POST.get("action", "")
    if action == "cancel":
        services.match_request_cancel(request=match_request, by=request.user)
        messages.success(request, "Request cancelled; the mentee is told.")
        return True
    if action not in ("reassign", "pair"):
        form.add_error(None, "Choose what to do.")
        return False
    if not form.is_valid():
        return False
    mentor = get_object_or_404(User, pk=form.cleaned_data["mentor"])
    if action == "pair":
        services.match_request_pair(request=match_request, mentor=mentor, by=request.user)
        messages.success(request, f"{match_request.mentee} is paired with {mentor}.")
    else:
        services.match_request_reassign(request=match_request, mentor=mentor, by=request.user)
        messages.success(request, f"The request went to {mentor}.")
    return True
