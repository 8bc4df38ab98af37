import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.errors import validation_text
from core.paging import CountedPaginator
from people.permissions import hr_required, is_hr
from programs.filters import EnrolmentFilter
from programs.selectors import coordinated_program, own_enrolment

from . import selectors, services
from .forms import (
    AgreementForm,
    EndForm,
    EvidenceForm,
    GoalForm,
    MilestoneFormSet,
    PairingCreateForm,
    ReasonForm,
    ReassignForm,
    ResetRequestForm,
    ResolveForm,
)
from .models import (
    Agreement,
    Goal,
    GoalStatus,
    Mentorship,
    MentorshipStatus,
    Milestone,
    ResetRequest,
)

PAGE_SIZE = 20


# --- participant pages ----------------------------------------------------------------------


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.participant_mentorships(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "mentorships/mine.html", {"page": page})


def _agreement(mentorship: Mentorship) -> Agreement:
    try:
        return mentorship.agreement
    except Agreement.DoesNotExist:
        # Rows made outside mentorship_create (admin, fixtures) get their agreement on first view.
        return services.agreement_ensure(mentorship=mentorship)


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = selectors.mentorship_detail_for_user_or_404(request.user, pk)
    agreement = _agreement(mentorship)
    goals = selectors.detail_goals(mentorship)
    context = {
        "mentorship": mentorship,
        "other": mentorship.other_side(request.user),
        "is_mentee": request.user.pk == mentorship.mentee_id,
        "agreement": agreement,
        "my_confirmation": (
            agreement.mentor_confirmed_at
            if request.user.pk == mentorship.mentor_id
            else agreement.mentee_confirmed_at
        ),
        "goals": goals,
        "totals": (sum(g.milestones_done for g in goals), sum(g.milestones_total for g in goals)),
        "open_reset_at": mentorship.open_reset_at,
    }
    return render(request, "mentorships/detail.html", context)


@login_required
def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = selectors.mentorship_for_user_or_404(request.user, pk)
    agreement = _agreement(mentorship)
    form = AgreementForm(request.POST or None, instance=agreement)
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_update(agreement=agreement, by=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Agreement saved. Both of you now confirm it.")
            return redirect(mentorship)
    return render(
        request,
        "mentorships/agreement_form.html",
        {"form": form, "mentorship": mentorship, "agreement": agreement},
    )


@login_required
@require_POST
def agreement_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = selectors.mentorship_for_user_or_404(request.user, pk)
    try:
        services.agreement_confirm(agreement=_agreement(mentorship), by=request.user)
    except ValidationError as exc:
        messages.error(request, validation_text(exc))
    else:
        messages.success(request, "You confirmed the agreement.")
    return redirect(mentorship)


@login_required
def reset_request(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = selectors.mentorship_for_user_or_404(request.user, pk)
    form = ResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reset_request_create(
                mentorship=mentorship, raised_by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "HR has your request. They will contact you privately.")
            return redirect(mentorship)
    return render(
        request, "mentorships/reset_request_form.html", {"form": form, "mentorship": mentorship}
    )


def _own_goal(request: HttpRequest, pk: int) -> Goal:
    goal = get_object_or_404(Goal.objects.select_related("mentorship__program"), pk=pk)
    if not goal.mentorship.is_participant(request.user):
        raise Http404("No such goal.")
    return goal


@login_required
def goal_create(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = selectors.mentorship_for_user_or_404(request.user, pk)
    if request.user.pk != mentorship.mentee_id:
        raise Http404("Only the mentee adds goals.")
    form = GoalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "skills"}
        try:
            goal = services.goal_create(
                mentorship=mentorship,
                by=request.user,
                data=data,
                skills=list(form.cleaned_data["skills"]),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Goal added. Now break it into milestones.")
            return redirect("mentorships:milestones_add", goal.pk)
    return render(
        request,
        "mentorships/goal_form.html",
        {"form": form, "mentorship": mentorship, "goal": None},
    )


@login_required
def goal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    goal = _own_goal(request, pk)
    form = GoalForm(request.POST or None, instance=goal)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "skills"}
        try:
            services.goal_update(
                goal=goal, by=request.user, data=data, skills=list(form.cleaned_data["skills"])
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Goal saved.")
            return redirect(_goals_of(goal.mentorship))
    return render(
        request,
        "mentorships/goal_form.html",
        {"form": form, "mentorship": goal.mentorship, "goal": goal},
    )


def _goals_of(mentorship) -> str:
    """The mentorship page at its goals: the section opens even where it folds (a phone)."""
    return f"{mentorship.get_absolute_url()}#goals"


def _suggested_rows(goal: Goal) -> list[dict]:
    dates = selectors.suggested_checkpoints(goal.mentorship)
    existing = set(goal.milestones.values_list("due_date", flat=True))
    rows = [
        {"title": f"Checkpoint {d:%b %Y}: {goal.title}"[:200], "due_date": d}
        for d in dates
        if d not in existing
    ]
    return rows + [{"title": "", "due_date": None}]


@login_required
def milestones_add(request: HttpRequest, pk: int) -> HttpResponse:
    goal = _own_goal(request, pk)
    if request.method == "POST":
        formset = MilestoneFormSet(request.POST, prefix="ms")
        if formset.is_valid():
            rows = [
                (f.cleaned_data.get("title", ""), f.cleaned_data.get("due_date"))
                for f in formset.forms
            ]
            try:
                created = services.milestones_add(goal=goal, by=request.user, rows=rows)
            except ValidationError as exc:
                messages.error(request, validation_text(exc))
            else:
                messages.success(request, f"{len(created)} milestone(s) added.")
                return redirect(_goals_of(goal.mentorship))
    else:
        formset = MilestoneFormSet(initial=_suggested_rows(goal), prefix="ms")
    return render(
        request,
        "mentorships/milestones_form.html",
        {
            "formset": formset,
            "goal": goal,
            "mentorship": goal.mentorship,
            "cadence": goal.mentorship.program.get_milestone_cadence_display().lower(),
        },
    )


def _own_milestone(request: HttpRequest, pk: int) -> Milestone:
    milestone = get_object_or_404(Milestone.objects.select_related("goal__mentorship"), pk=pk)
    if not milestone.goal.mentorship.is_participant(request.user):
        raise Http404("No such milestone.")
    return milestone


@login_required
@require_POST
def milestone_done(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = _own_milestone(request, pk)
    form = EvidenceForm(request.POST)
    evidence = form.cleaned_data["evidence"] if form.is_valid() else ""
    try:
        services.milestone_mark_done(milestone=milestone, by=request.user, evidence=evidence)
    except ValidationError as exc:
        messages.error(request, validation_text(exc))
    else:
        messages.success(request, f"“{milestone.title}” is done.")
    return redirect(_goals_of(milestone.goal.mentorship))


@login_required
@require_POST
def milestone_undo(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = _own_milestone(request, pk)
    try:
        services.milestone_undo(milestone=milestone, by=request.user)
    except ValidationError as exc:
        messages.error(request, validation_text(exc))
    else:
        messages.info(request, f"“{milestone.title}” is open again.")
    return redirect(_goals_of(milestone.goal.mentorship))


# --- HR pages -------------------------------------------------------------------------------


@hr_required
def program_pairings(request: HttpRequest, slug: str) -> HttpResponse:
    program = coordinated_program(request, slug)
    status = request.GET.get("status", "")
    if status not in MentorshipStatus.values:
        status = ""
    # The per-status counts, mentor load and unpaired mentees in one query; the per-status
    # counts give the list's size: no separate COUNT for the pager.
    counts, load_full, load_total, unpaired = selectors.pairings_overview(program)
    shown = counts.get(status, 0) if status else sum(counts.values())
    page = CountedPaginator(
        selectors.program_pairing_rows(program, status=status), PAGE_SIZE, count=shown
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "mentorships/program_pairings.html",
        {
            "program": program,
            "page": page,
            "status": status,
            "statuses": [(v, label, counts.get(v, 0)) for v, label in MentorshipStatus.choices],
            "query": f"status={status}" if status else "",
            "load_full": load_full,
            "load_total": load_total,
            "unpaired_count": unpaired,
        },
    )


@hr_required
def pairing_create(request: HttpRequest, slug: str) -> HttpResponse:
    program = coordinated_program(request, slug)
    form = PairingCreateForm(
        request.POST or None, program=program, load=selectors.mentor_load(program)
    )
    if request.method == "POST" and form.is_valid():
        try:
            mentorship = services.mentorship_create(
                program=program,
                mentor=form.cleaned_data["mentor"],
                mentee=form.cleaned_data["mentee"],
                by=request.user,
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Paired {mentorship.mentor} with {mentorship.mentee}.")
            return redirect("mentorships:program_pairings", program.slug)
    return render(request, "mentorships/pairing_form.html", {"form": form, "program": program})


@hr_required
def hr_detail(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = selectors.coordinated_mentorship_or_404(request.user, pk)
    goals = [
        {**g, "status_label": GoalStatus(g["status"]).label}
        for g in selectors.goal_titles_with_progress(mentorship)
    ]
    return render(
        request,
        "mentorships/hr_detail.html",
        {
            "mentorship": mentorship,
            "goals": goals,
            "totals": (
                sum(g["milestones_done"] for g in goals),
                sum(g["milestones_total"] for g in goals),
            ),
            "events": mentorship.events.select_related("by"),
            "resets": mentorship.reset_requests.select_related("raised_by", "resolved_by"),
            "load": selectors.mentor_load(mentorship.program).get(mentorship.mentor_id),
        },
    )


ACTIONS = {
    "activate": ("Activate", "starts the pairing now"),
    "pause": ("Pause", "stops reminders until it is resumed"),
    "resume": ("Resume", "restarts the pairing"),
    "complete": ("Complete", "closes the pairing as finished normally"),
    "end": ("End early", "ends the pairing before its time; it can't be reopened"),
    "reassign": ("Reassign", "ends this pairing and pairs the mentee with another mentor"),
}


def _action_form(action: str, data, mentorship: Mentorship):
    if action == "end":
        return EndForm(data)
    if action == "reassign":
        return ReassignForm(
            data,
            program=mentorship.program,
            exclude_ids=[mentorship.mentor_id, mentorship.mentee_id],
        )
    return ReasonForm(data)


def _apply_action(action: str, mentorship: Mentorship, data: dict, by) -> Mentorship:
    reason = data["reason"]
    if action == "activate":
        return services.mentorship_activate(mentorship=mentorship, by=by)
    if action == "pause":
        return services.mentorship_pause(mentorship=mentorship, reason=reason, by=by)
    if action == "resume":
        return services.mentorship_resume(mentorship=mentorship, reason=reason, by=by)
    if action == "complete":
        return services.mentorship_complete(mentorship=mentorship, note=reason, by=by)
    if action == "end":
        return services.mentorship_end(
            mentorship=mentorship, reason=data["end_reason"], note=reason, by=by
        )
    return services.mentorship_reassign(
        mentorship=mentorship, new_mentor=data["new_mentor"], reason=reason, by=by
    )


@hr_required
def hr_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404("Unknown action.")
    mentorship = selectors.coordinated_mentorship_or_404(request.user, pk)
    form = _action_form(action, request.POST or None, mentorship)
    if request.method == "POST" and form.is_valid():
        try:
            result = _apply_action(action, mentorship, form.cleaned_data, request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
            mentorship.refresh_from_db()  # a rolled-back step may have changed the instance
        else:
            messages.success(
                request,
                f"{ACTIONS[action][0]}: done for {mentorship.mentor} and {mentorship.mentee}.",
            )
            return redirect("mentorships:hr_detail", result.pk)
    label, effect = ACTIONS[action]
    return render(
        request,
        "mentorships/hr_action.html",
        {
            "mentorship": mentorship,
            "form": form,
            "action": action,
            "label": label,
            "effect": effect,
            "destructive": action in ("end", "reassign", "pause", "complete"),
        },
    )


@hr_required
def reset_queue(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.open_reset_requests(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "mentorships/reset_queue.html", {"page": page})


@hr_required
def reset_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    reset = get_object_or_404(
        ResetRequest.objects.select_related(
            "mentorship__program", "mentorship__mentor", "mentorship__mentee", "raised_by"
        ),
        pk=pk,
    )
    mentorship = reset.mentorship
    if not (is_hr(request.user) and mentorship.program.is_coordinator(request.user)):
        raise Http404("No such request.")
    form = ResolveForm(
        request.POST or None,
        program=mentorship.program,
        exclude_ids=[mentorship.mentor_id, mentorship.mentee_id],
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.reset_request_resolve(
                request=reset,
                by=request.user,
                action=form.cleaned_data["action"],
                new_mentor=form.cleaned_data.get("new_mentor"),
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "The request is resolved.")
            return redirect("mentorships:reset_queue")
    return render(
        request,
        "mentorships/reset_resolve.html",
        {"reset": reset, "mentorship": mentorship, "form": form},
    )


@login_required
@require_POST
def enrolment_withdraw(request: HttpRequest, slug: str) -> HttpResponse:
    """A participant withdraws from a program (its address is under /programs/)."""
    enrolment = own_enrolment(request, slug)
    try:
        services.enrolment_withdraw_ending_pairings(enrolment=enrolment, by=request.user)
    except ValidationError as exc:
        messages.error(request, validation_text(exc))
    else:
        messages.success(request, f"You have withdrawn from {enrolment.program.name}.")
    return redirect("programs:my_enrolments")


# --- HR: a program's manage and enrolments pages (addresses under /programs/) -----------------
# They show each mentor's load and who still needs a pair, which programs cannot know.


@hr_required
def program_manage(request: HttpRequest, slug: str) -> HttpResponse:
    program = coordinated_program(request, slug)
    context = {"program": program, "enrolment_panel": selectors.enrolment_panel(program)}
    return render(request, "programs/program_manage.html", context)


@hr_required
def program_enrolments(request: HttpRequest, slug: str) -> HttpResponse:
    program = coordinated_program(request, slug)
    form = _enrolment_filter_form()(request.GET or None)
    page, departments = selectors.enrolment_page(
        program, _enrolment_filters(form), request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "program": program,
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "departments": departments,
    }
    return render(request, "programs/program_enrolments.html", context)


@functools.cache
def _enrolment_filter_form() -> type[Form]:
    """The filter bar's form class: `EnrolmentFilter`'s, which django-filter builds anew for
    each filterset (copying every filter and making its field, a third of the page's own
    Python time); built once here."""
    return EnrolmentFilter().get_form_class()


def _enrolment_filters(form: Form) -> selectors.EnrolmentFilters:
    """The filters `form` (of `_enrolment_filter_form`) cleaned; a value it refuses is not
    applied, as `EnrolmentFilter.qs` leaves it out, and is marked in the filter bar."""
    if not form.is_bound:
        return selectors.EnrolmentFilters()
    form.is_valid()
    data = form.cleaned_data
    department = data.get("department")
    return selectors.EnrolmentFilters(
        q=(data.get("q") or "").strip(),
        role=data.get("role") or "",
        status=data.get("status") or "",
        department_id=department.pk if department is not None else None,
    )
