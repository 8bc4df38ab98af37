from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models.functions import Lower
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.errors import validation_text
from mentorships.models import Milestone
from mentorships.selectors import mentorship_for_user_or_404
from people.permissions import hr_required
from programs.selectors import coordinated_program

from . import gap as gaps
from . import library, selectors, services
from .forms import (
    ChecklistItemForm,
    EvidenceForm,
    ImportForm,
    PathForm,
    ProgramCareersForm,
    RoleForm,
    TargetRoleForm,
    requirement_formset,
)
from .models import CareerPath, ChecklistItem, WorkRole

PAGE_SIZE = 25


# --- HR: the role library --------------------------------------------------------------------


@hr_required
def roles(request: HttpRequest) -> HttpResponse:
    q = (request.GET.get("q") or "").strip()[:100]
    page = Paginator(selectors.roles_listing(q), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "careers/roles.html",
        {
            "page": page,
            "q": q,
            "query": urlencode({"q": q}) if q else "",
            "any_roles": WorkRole.objects.exists(),
        },
    )


def _requirements(formset) -> list:
    return [
        (formset.skills[f.cleaned_data["skill"]], f.cleaned_data.get("level") or 3)
        for f in formset.forms
        if f.cleaned_data.get("skill") in formset.skills and not f.cleaned_data.get("DELETE")
    ]


def _role_form(request: HttpRequest, role: WorkRole | None) -> HttpResponse:
    initial = (
        {"title": role.title, "family": role.family, "description": role.description}
        if role
        else None
    )
    needs = (
        [{"skill": r.skill_id, "level": r.level} for r in role.requirements.all()] if role else []
    )
    form = RoleForm(request.POST or None, initial=initial)
    formset = requirement_formset(request.POST or None, initial=needs)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            saved = services.role_save(
                role=role,
                by=request.user,
                data=form.cleaned_data,
                requirements=_requirements(formset),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except IntegrityError:
            form.add_error(None, "Someone changed this role at the same time. Please try again.")
        else:
            messages.success(request, f"“{saved.title}” saved.")
            return redirect("careers:role_edit", pk=saved.pk)
    context = {"form": form, "formset": formset, "role": role}
    if role is not None:
        skill_ids = [r.skill_id for r in role.requirements.all()]
        context.update(
            checklist=ChecklistItem.objects.filter(skill_id__in=skill_ids).select_related("skill"),
            item_form=ChecklistItemForm(),
            path_form=PathForm(),
        )
    return render(request, "careers/role_form.html", context)


@hr_required
def role_create(request: HttpRequest) -> HttpResponse:
    return _role_form(request, None)


@hr_required
def role_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _role_form(request, selectors.role_detail(pk))


@hr_required
def role_delete(request: HttpRequest, pk: int) -> HttpResponse:
    role = get_object_or_404(WorkRole, pk=pk)
    if request.method == "POST":
        services.role_delete(role=role, by=request.user)
        messages.success(request, f"“{role.title}” deleted.")
        return redirect("careers:roles")
    return render(
        request,
        "careers/role_delete.html",
        {"role": role, "targets": role.targets.count()},
    )


@hr_required
def starter_load(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        result = services.starter_roles_load(by=request.user)
        if result.ok:
            messages.success(request, "Starter roles loaded: " + result.summary())
            return redirect("careers:roles")
        return render(request, "careers/import.html", {"form": ImportForm(), "result": result})
    return render(request, "careers/starter_confirm.html", {"count": WorkRole.objects.count()})


@hr_required
def roles_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        fmt, text = form.cleaned_data["file"]
        result = services.roles_import(content=text, fmt=fmt, by=request.user)
        if result.ok:
            messages.success(request, "Imported: " + result.summary())
            return redirect("careers:roles")
    return render(request, "careers/import.html", {"form": form, "result": result})


@hr_required
def roles_export(request: HttpRequest) -> HttpResponse:
    fmt = "json" if request.GET.get("format") == "json" else "csv"
    data = selectors.export_data()
    if fmt == "json":
        response = HttpResponse(library.to_json(*data), content_type="application/json")
    else:
        response = HttpResponse(library.to_csv(*data), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="work-roles.{fmt}"'
    return response


@hr_required
@require_POST
def checklist_add(request: HttpRequest) -> HttpResponse:
    form = ChecklistItemForm(request.POST)
    back = request.POST.get("role") or ""
    target = (
        reverse("careers:role_edit", args=[back]) if back.isdigit() else reverse("careers:roles")
    )
    if form.is_valid():
        try:
            services.checklist_item_add(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, validation_text(exc))
        else:
            messages.success(request, "Checklist item added.")
    else:
        messages.error(request, "Choose a skill, a level and write the item.")
    return redirect(target)


@hr_required
@require_POST
def checklist_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(ChecklistItem, pk=pk)
    services.checklist_item_delete(item=item, by=request.user)
    messages.success(request, "Checklist item removed.")
    back = request.POST.get("role") or ""
    return redirect(
        reverse("careers:role_edit", args=[back]) if back.isdigit() else reverse("careers:roles")
    )


@hr_required
@require_POST
def path_add(request: HttpRequest, pk: int) -> HttpResponse:
    role = get_object_or_404(WorkRole, pk=pk)
    form = PathForm(request.POST)
    if form.is_valid():
        try:
            services.path_add(from_role=role, to_role=form.cleaned_data["to_role"], by=request.user)
        except ValidationError as exc:
            messages.error(request, validation_text(exc))
        else:
            messages.success(request, "Career path added.")
    else:
        messages.error(request, "Choose the role it leads to.")
    return redirect("careers:role_edit", pk=role.pk)


@hr_required
@require_POST
def path_delete(request: HttpRequest, pk: int) -> HttpResponse:
    path = get_object_or_404(CareerPath, pk=pk)
    services.path_delete(path=path, by=request.user)
    messages.success(request, "Career path removed.")
    return redirect("careers:role_edit", pk=path.from_role_id)


@login_required
def program_settings(request: HttpRequest, slug: str) -> HttpResponse:
    program = coordinated_program(request, slug)
    current = selectors.program_careers(program)
    initial = (
        {"default_role": current.default_role, "gap_as_sought_skills": current.gap_as_sought_skills}
        if current
        else None
    )
    form = ProgramCareersForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.program_careers_save(program=program, by=request.user, **form.cleaned_data)
        messages.success(request, "Career settings saved.")
        return redirect("careers:program_settings", slug=program.slug)
    return render(request, "careers/program_settings.html", {"form": form, "program": program})


# --- the pair ----------------------------------------------------------------------------------


def _plan_context(request: HttpRequest, mentorship) -> dict:
    enrolment = selectors.mentee_enrolment(mentorship)
    settings = selectors.program_careers(mentorship.program)
    role = selectors.target_for(enrolment, settings)
    context = {
        "mentorship": mentorship,
        "is_mentee": request.user.pk == mentorship.mentee_id,
        "is_mentor": request.user.pk == mentorship.mentor_id,
        "role": role,
        "target_form": TargetRoleForm(initial={"role": role}),
        "from_program": role is not None and not hasattr(enrolment, "target_role"),
    }
    if role is None:
        return context
    gap = selectors.person_gap(mentorship.mentee_id, role)
    plan = gaps.propose_plan(gap, selectors.plan_dates(mentorship), role_title=role.title)
    existing = set(mentorship.goals.annotate(t=Lower("title")).values_list("t", flat=True))
    evidence = selectors.evidence_of(mentorship)
    needs = selectors.requirements_of([role.pk])[role.pk]
    items = gaps.role_items(needs, selectors.items_for({n.skill_id for n in needs}))
    names = {n.skill_id: n.name for n in needs}
    milestones = list(
        Milestone.objects.filter(goal__mentorship=mentorship).order_by("due_date", "id")
    )
    checkins = list(mentorship.checkins.order_by("-date", "-id")[:20])
    context.update(
        gap=gap,
        plan=[(p, p.title.lower() in existing) for p in plan],
        # One evidence form per row, each with its own field ids.
        checklist=[
            (
                i,
                names.get(i.skill_id, ""),
                evidence["items"].get(i.id),
                i not in gap.open_items,
                EvidenceForm(checkins=checkins, auto_id=f"id_item{i.id}_%s"),
            )
            for i in items
        ],
        milestones=[
            (
                m,
                evidence["milestones"].get(m.pk),
                EvidenceForm(checkins=checkins, auto_id=f"id_milestone{m.pk}_%s"),
            )
            for m in milestones
        ],
        cadence=mentorship.program.get_milestone_cadence_display().lower(),
        paths=list(
            CareerPath.objects.filter(to_role=role)
            .select_related("from_role")
            .order_by("from_role__title")
        ),
    )
    return context


@login_required
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = mentorship_for_user_or_404(request.user, pk)
    return render(request, "careers/plan.html", _plan_context(request, mentorship))


@login_required
@require_POST
def target_set(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = mentorship_for_user_or_404(request.user, pk)
    if request.user.pk != mentorship.mentee_id:
        raise Http404("Only the mentee chooses their target role.")
    enrolment = selectors.mentee_enrolment(mentorship)
    form = TargetRoleForm(request.POST)
    if enrolment is None:
        messages.error(request, "You are not enrolled in this program any more.")
    elif form.is_valid():
        services.target_role_set(
            enrolment=enrolment, role=form.cleaned_data["role"], by=request.user
        )
        messages.success(request, f"Target role: {form.cleaned_data['role'].title}.")
    else:
        messages.error(request, "Choose a role from the list.")
    return redirect("careers:plan", pk=mentorship.pk)


@login_required
@require_POST
def plan_accept(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = mentorship_for_user_or_404(request.user, pk)
    if request.user.pk != mentorship.mentee_id:
        raise Http404("Goals belong to the mentee: only they can accept the plan.")
    enrolment = selectors.mentee_enrolment(mentorship)
    role = selectors.target_for(enrolment, selectors.program_careers(mentorship.program))
    if role is None:
        messages.error(request, "Choose a target role first.")
        return redirect("careers:plan", pk=mentorship.pk)
    gap = selectors.person_gap(mentorship.mentee_id, role)
    proposal = gaps.propose_plan(gap, selectors.plan_dates(mentorship), role_title=role.title)
    chosen = {}
    for p in proposal:
        if request.POST.get(f"take_{p.skill_id}"):
            chosen[p.skill_id] = (request.POST.get(f"title_{p.skill_id}") or p.title)[:200]
    try:
        created = services.plan_accept(
            mentorship=mentorship, by=request.user, role=role, plan=proposal, chosen=chosen
        )
    except ValidationError as exc:
        messages.error(request, validation_text(exc))
        return redirect("careers:plan", pk=mentorship.pk)
    messages.success(request, f"{len(created)} goal(s) added with their milestones.")
    return redirect("careers:plan", pk=mentorship.pk)


@login_required
@require_POST
def evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = mentorship_for_user_or_404(request.user, pk)
    if request.user.pk != mentorship.mentee_id:
        raise Http404("The mentee logs evidence; the mentor confirms it.")
    form = EvidenceForm(request.POST, checkins=mentorship.checkins.all())
    if not form.is_valid():
        messages.error(request, "Check the link (it must be a web address) and try again.")
        return redirect("careers:plan", pk=mentorship.pk)
    data = form.cleaned_data
    item = ChecklistItem.objects.filter(pk=data["item"]).first() if data["item"] else None
    milestone = (
        Milestone.objects.filter(pk=data["milestone"], goal__mentorship=mentorship)
        .select_related("goal")
        .first()
        if data["milestone"]
        else None
    )
    if (data["item"] and item is None) or (data["milestone"] and milestone is None):
        raise Http404("No such checklist item or milestone.")
    try:
        services.evidence_submit(
            mentorship=mentorship,
            by=request.user,
            item=item,
            milestone=milestone,
            link=data["link"],
            note=data["note"],
            checkin_id=data["checkin"],
        )
    except ValidationError as exc:
        messages.error(request, validation_text(exc))
    else:
        messages.success(request, "Evidence logged. Your mentor can now confirm it.")
    return redirect("careers:plan", pk=mentorship.pk)


@login_required
@require_POST
def evidence_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = selectors.evidence_for_participant_or_404(request.user, pk)
    if request.user.pk != evidence.mentorship.mentor_id:
        raise Http404("Only the mentor confirms evidence.")
    try:
        services.evidence_confirm(evidence=evidence, by=request.user)
    except ValidationError as exc:
        messages.error(request, validation_text(exc))
    else:
        messages.success(request, "Evidence confirmed.")
    return redirect("careers:plan", pk=evidence.mentorship_id)
