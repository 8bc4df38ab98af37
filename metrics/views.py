from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.http import CSV, as_download
from imports.csvcheck import CsvFileError
from learning import selectors as learning_selectors
from learning.forms import ExamResultAnyoneForm, ExamResultForm
from people.forms import ActiveEmployeeEmailForm
from people.models import User
from people.permissions import hr_required
from people.selectors import department_choices, is_manager, reporting_path_of, subtree
from programs.models import Program
from programs.selectors import coordinated_program

from . import drawing, selectors, services, tables
from .dashboards import Audience
from .export import to_csv
from .forms import (
    DashboardFilterForm,
    OutcomeEventForm,
    OutcomeImportForm,
    OutcomeListFilterForm,
)
from .models import OutcomeEvent
from .outcome_import import template_rows
from .snapshots import View


def _scope(
    request: HttpRequest,
    programs: list[tuple[int, str, date]],
    *,
    fixed_program: int | None = None,
) -> tuple[selectors.Scope, DashboardFilterForm]:
    """The filters from the query string; `programs`: (id, name, start date) of each."""
    program_ids = tuple(pk for pk, _name, _start in programs)
    form = DashboardFilterForm(
        request.GET or None,
        programs=[(pk, name) for pk, name, _start in programs],
        # As selectors.cohort_choices, without asking the database again.
        cohorts=sorted({start.strftime("%Y-%m") for _pk, _name, start in programs}, reverse=True),
        show_program=fixed_program is None,
    )
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    chosen = data.get("program")
    if chosen in program_ids:
        program_ids = (chosen,)
    department = data.get("department")
    scope = selectors.Scope(
        program_ids=program_ids,
        department_id=department.pk if department else None,
        cohort=data.get("cohort") or None,
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        today=date.today(),
    )
    return scope, form


def _render(
    request: HttpRequest,
    *,
    title: str,
    intro: str,
    view: View,
    form: DashboardFilterForm,
    slug: str,
    extra: dict | None = None,
    manager: User | None = None,
    people: list[int] | None = None,
) -> HttpResponse:
    """The view's figures as of today (metrics.snapshots: read from the day's table, or built
    now and stored), as a page or as tidy tables. HR may POST to ask for a refresh now."""
    if request.method == "POST" and view.audience is Audience.HR:
        services.dashboard_refresh_request(view=view, people=people, by=request.user)
        messages.success(
            request,
            "A refresh of these figures is on its way. Reload the page in a minute or two.",
        )
        return redirect(request.get_full_path())
    figures = services.dashboard_figures(
        view=view, manager=manager, people=people, today=date.today()
    )
    sections = figures.sections
    audience = view.audience
    query = request.GET.copy()
    for key in ("format", "table", "metric"):
        query.pop(key, None)
    wanted = request.GET.get("format")
    if wanted in ("csv", "zip"):
        return _export(
            request,
            sections,
            audience,
            slug=slug,
            title=title,
            filters=query.urlencode(),
            as_zip=wanted == "zip",
        )
    # The departments as (id, name) pairs in one plain query, for the page only: a model choice
    # field reads them through a server-side cursor, and twice when drawn (the `required`
    # check, the options). A chosen one was checked against the table.
    departments = form.fields["department"]
    departments.choices = [("", departments.empty_label), *department_choices()]
    return render(
        request,
        "metrics/dashboard.html",
        {
            "title": title,
            "intro": intro,
            "form": form,
            # Drawn in Python (metrics.drawing); a stored view's sections as stored with it.
            "sections_html": drawing.sections_html(sections, audience, query.urlencode()),
            "filter_fields": drawing.filter_fields(form),
            "audience": audience.value,
            "query": query.urlencode(),
            "figures": figures,
            "can_refresh": audience is Audience.HR,
            "team": figures.team,
            **(extra or {}),
        },
    )


def _export(
    request: HttpRequest,
    sections,
    audience: Audience,
    *,
    slug: str,
    title: str,
    filters: str,
    as_zip: bool,
) -> HttpResponse:
    """The dashboard as tidy tables: one CSV (?format=csv&table=<name>) or all in a zip."""
    found = tables.dashboard_tables(sections, audience)
    today = date.today()
    if as_zip:
        services.dashboard_exported(by=request.user, dashboard=slug, metric=None)
        body = tables.to_zip(found, tables.readme(found, title=title, filters=filters, today=today))
        return as_download(
            HttpResponse(body, content_type="application/zip"), f"tandem-{slug}-{today:%Y%m%d}.zip"
        )
    # `metric` is the name links used before tables had their own.
    wanted = request.GET.get("table") or request.GET.get("metric")
    if not wanted:
        names = ", ".join(t.name for t in found)
        return HttpResponseBadRequest(
            f"Name a table (?format=csv&table=<name>; one of: {names}), "
            "or download them all with ?format=zip.",
            content_type="text/plain; charset=utf-8",
        )
    table = next((t for t in found if t.name == wanted), None)
    if table is None:
        raise Http404("No such table on this dashboard.")
    services.dashboard_exported(by=request.user, dashboard=slug, metric=table.name)
    return as_download(
        HttpResponse(table.csv(), content_type=CSV),
        f"tandem-{slug}-{table.name}-{today:%Y%m%d}.csv",
    )


@hr_required
def hr_dashboard(request: HttpRequest) -> HttpResponse:
    programs = list(
        request.user.coordinated_programs.order_by("name").values_list("pk", "name", "start_date")
    )
    scope, form = _scope(request, programs)
    return _render(
        request,
        title="Programs dashboard",
        intro="Every program you coordinate. Use the filters to narrow every figure.",
        view=View.of(scope, Audience.HR, all_program_ids=[p[0] for p in programs]),
        form=form,
        slug="programs",
        extra={"no_programs": not programs},
    )


@hr_required
def program_dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    # Every program the requester coordinates (the view's wider programs), this one among
    # them: one query. Not among them: 404 or 403 as programs.selectors.coordinated_program
    # says (or it was just given to them: then it joins them).
    coordinated = list(
        request.user.coordinated_programs.values_list(
            "pk", "name", "start_date", "slug", named=True
        )
    )
    program = next((p for p in coordinated if p.slug == slug), None)
    if program is None:
        program = coordinated_program(request, slug)
        coordinated.append(program)
    scope, form = _scope(
        request, [(program.pk, program.name, program.start_date)], fixed_program=program.pk
    )
    # The same figures as the programs dashboard filtered to this program.
    return _render(
        request,
        title=f"{program.name}: dashboard",
        intro="Figures for this program only.",
        view=View.of(scope, Audience.HR, all_program_ids=[p.pk for p in coordinated]),
        form=form,
        slug=program.slug,
        extra={"program": program},
    )


@login_required
def team_dashboard(request: HttpRequest) -> HttpResponse:
    if not is_manager(request.user):
        raise PermissionDenied("Only managers have a team dashboard.")
    programs = list(Program.objects.order_by("name").values_list("pk", "name", "start_date"))
    scope, form = _scope(request, programs)
    # The subtree stays in SQL: its fingerprint keys the stored view (metrics.snapshots), and
    # the ids are loaded only when the view is built (with the team's totals).
    people = selectors.subtree_fingerprint(subtree(request.user))
    view = View.of(
        scope,
        Audience.MANAGER,
        all_program_ids=[p[0] for p in programs],
        manager=request.user,
        manager_path=reporting_path_of(request.user),
    )
    return _render(
        request,
        title="Team dashboard",
        intro="Everyone who reports to you, directly or indirectly, as aggregates only. "
        "Figures from fewer than 3 people are not shown.",
        view=view,
        form=form,
        slug="team",
        manager=request.user,
        people=people,
        # Known: the navigation needn't ask again.
        extra={"role_is_manager": True},
    )


@login_required
def leadership_dashboard(request: HttpRequest) -> HttpResponse:
    if not request.user.can_view_leadership:
        raise PermissionDenied("HR grants the leadership view.")
    programs = list(Program.objects.order_by("name").values_list("pk", "name", "start_date"))
    scope, form = _scope(request, programs)
    return _render(
        request,
        title="Leadership view",
        intro="All programs across the organisation. Figures from fewer than 3 people "
        "are not shown.",
        view=View.of(scope, Audience.LEADERSHIP, all_program_ids=[p[0] for p in programs]),
        form=form,
        slug="leadership",
    )


@hr_required
def leadership_access(request: HttpRequest) -> HttpResponse:
    form = ActiveEmployeeEmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = User.objects.get(email__iexact=form.cleaned_data["email"])
        services.leadership_access_set(user=user, granted=True, by=request.user)
        messages.success(request, f"{user} can now open the leadership view.")
        return redirect("metrics:leadership_access")
    holders = Paginator(
        User.objects.filter(can_view_leadership=True)
        .select_related("department")
        .order_by("full_name"),
        25,
    ).get_page(request.GET.get("page"))
    return render(request, "metrics/leadership_access.html", {"form": form, "page": holders})


@hr_required
@require_POST
def leadership_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    services.leadership_access_set(user=user, granted=False, by=request.user)
    messages.success(request, f"{user} no longer sees the leadership view.")
    return redirect("metrics:leadership_access")


def _outcome_list(request: HttpRequest) -> tuple[object, OutcomeListFilterForm, str]:
    filters = OutcomeListFilterForm(request.GET or None)
    qs = OutcomeEvent.objects.select_related("employee")
    if filters.is_valid():
        f = filters.cleaned_data
        if f["kind"]:
            qs = qs.filter(kind=f["kind"])
        if f["q"]:
            qs = qs.filter(employee__full_name__icontains=f["q"]) | qs.filter(
                employee__email__icontains=f["q"]
            )
        if f["date_from"]:
            qs = qs.filter(occurred_on__gte=f["date_from"])
        if f["date_to"]:
            qs = qs.filter(occurred_on__lte=f["date_to"])
    query = request.GET.copy()
    query.pop("page", None)
    return Paginator(qs, 25).get_page(request.GET.get("page")), filters, query.urlencode()


@hr_required
def outcomes(request: HttpRequest) -> HttpResponse:
    form = OutcomeEventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "employee_email"}
        try:
            services.outcome_event_record(employee=form.employee, data=data, by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "The event is recorded.")
            return redirect("metrics:outcomes")
    page, filters, query = _outcome_list(request)
    return render(
        request,
        "metrics/outcomes.html",
        {
            "form": form,
            "page": page,
            "filters": filters,
            "query": query,
            "import_form": OutcomeImportForm(),
        },
    )


@hr_required
def outcomes_import(request: HttpRequest) -> HttpResponse:
    form = OutcomeImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > services.outcome_import.csvcheck.MAX_BYTES:
                raise CsvFileError("The file is larger than 5 MB. Split it into smaller files.")
            result = services.outcome_events_import(data=upload.read(), by=request.user)
        except CsvFileError as exc:
            form.add_error("file", str(exc))
        else:
            if result.ok:
                messages.success(
                    request,
                    f"Imported {result.created} new event(s); "
                    f"{result.unchanged} were already recorded.",
                )
                return redirect("metrics:outcomes")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "metrics/outcomes_import.html", {"form": form, "result": result}, status=status
    )


@hr_required
def outcomes_template(request: HttpRequest) -> HttpResponse:
    return as_download(
        HttpResponse(to_csv(template_rows()), content_type=CSV), "tandem-outcomes-template.csv"
    )


# --- certification exams (learning): a pass is a certification outcome event ---------------


@login_required
def certification_exam(request: HttpRequest, pk: int) -> HttpResponse:
    """The pair, or their program's HR, record an exam for a certification goal."""
    goal = learning_selectors.certification_goal_for_user_or_404(request.user, pk)
    form = ExamResultForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.certification_exam_record(
                certification_goal=goal,
                taken_on=form.cleaned_data["taken_on"],
                passed=form.passed,
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                "Congratulations: the certification is recorded."
                if form.passed
                else "The result is recorded. Plan the next attempt together.",
            )
            mentorship = goal.goal.mentorship
            if mentorship.is_participant(request.user):
                return redirect(mentorship.get_absolute_url() + "#learning")
            return redirect("mentorships:hr_detail", mentorship.pk)
    return render(request, "learning/exam_form.html", {"form": form, "goal": goal})


@hr_required
def exam_results(request: HttpRequest) -> HttpResponse:
    """HR records exam results for anyone (the comparison group's pass rate needs them too)."""
    form = ExamResultAnyoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.certification_exam_record(
                certification=form.cleaned_data["certification"],
                employee=form.employee,
                prepared_from=form.cleaned_data["prepared_from"],
                taken_on=form.cleaned_data["taken_on"],
                passed=form.passed,
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "The exam result is recorded.")
            return redirect("metrics:exam_results")
    page = Paginator(learning_selectors.exam_results(), 25).get_page(request.GET.get("page"))
    # Each open goal links to its own exam page (a pass there ticks the goal's exam milestone).
    goals = learning_selectors.open_certification_goals_coordinated_by(request.user)
    return render(
        request, "learning/exam_results.html", {"form": form, "page": page, "goals": goals}
    )
