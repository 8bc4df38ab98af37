from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from audit.selectors import program_events
from chat import selectors as chat_selectors
from chat import services as chat_services
from chat.forms import TeamsChannelForm
from core.errors import validation_text
from people.models import User
from people.permissions import hr_required
from people.selectors import subtree

from . import selectors, services
from .forms import (
    BaseSkillFormSet,
    DecisionForm,
    EnrolmentForm,
    ProgramForm,
    SkillForm,
    StatusForm,
    skill_formset,
)
from .models import Enrolment, EnrolmentRole, EnrolmentStatus, Format, Program, Skill, Status
from .selectors import coordinated_program, own_enrolment, visible_program


@hr_required
def program_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.programs_for_coordinator(request.user), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "programs/program_list.html", {"page": page})


@login_required
def open_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.open_programs(), 25).get_page(request.GET.get("page"))
    return render(request, "programs/open_list.html", {"page": page})


def _program_form_data(form: ProgramForm) -> tuple[dict, list]:
    data = {k: v for k, v in form.cleaned_data.items() if k != "coordinators"}
    return data, list(form.cleaned_data["coordinators"])


@hr_required
def program_create_view(request: HttpRequest) -> HttpResponse:
    form = ProgramForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data, coordinators = _program_form_data(form)
        try:
            program = services.program_create(
                data=data, coordinators=coordinators, created_by=request.user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"“{program.name}” is created as a draft.")
            return redirect("programs:manage", program.slug)
    return render(request, "programs/program_form.html", {"form": form, "program": None})


@hr_required
def program_edit(request: HttpRequest, slug: str) -> HttpResponse:
    program = coordinated_program(request, slug)
    form = ProgramForm(request.POST or None, instance=program)
    if request.method == "POST" and form.is_valid():
        data, coordinators = _program_form_data(form)
        program = services.program_update(
            program=program, data=data, coordinators=coordinators, by=request.user
        )
        messages.success(request, "The program is saved.")
        return redirect("programs:manage", program.slug)
    return render(request, "programs/program_form.html", {"form": form, "program": program})


@login_required
def program_detail(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_object_or_404(Program, slug=slug)
    if not selectors.program_visible_to(request.user, program):
        raise Http404("No such program.")
    enrolment = selectors.enrolment_for(request.user, program)
    context = {
        "program": program,
        "enrolment": enrolment,
        "can_edit": enrolment is not None and services.can_edit_enrolment(enrolment),
        "roles": _roles_for(program),
    }
    return render(request, "programs/program_detail.html", context)


@hr_required
@require_POST
def program_status(request: HttpRequest, slug: str) -> HttpResponse:
    program = coordinated_program(request, slug)
    form = StatusForm(request.POST)
    if not form.is_valid() or form.cleaned_data["status"] not in Status.values:
        messages.error(request, "Choose a valid status.")
        return redirect("programs:manage", program.slug)
    try:
        program = services.program_change_status(
            program=program, new_status=form.cleaned_data["status"], by=request.user
        )
    except ValidationError as exc:
        messages.error(request, validation_text(exc))
    else:
        messages.success(request, f"The program is now {program.get_status_display().lower()}.")
    return redirect("programs:manage", program.slug)


@hr_required
def skill_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.skills_with_usage(), 100).get_page(request.GET.get("page"))
    return render(request, "programs/skill_list.html", {"page": page})


@hr_required
def skill_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    skill = get_object_or_404(Skill, pk=pk) if pk else None
    form = SkillForm(request.POST or None, instance=skill)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, f"Skill “{saved.name}” is saved.")
        return redirect("programs:skills")
    return render(request, "programs/skill_form.html", {"form": form, "skill": skill})


# --- enrolment -----------------------------------------------------------------------------


def _roles_for(program: Program) -> list[tuple[str, str]]:
    if program.format == Format.PEER:
        return [(EnrolmentRole.PEER, EnrolmentRole.PEER.label)]
    return [(r, EnrolmentRole(r).label) for r in (EnrolmentRole.MENTOR, EnrolmentRole.MENTEE)]


def _skill_initial(enrolment: Enrolment) -> list[dict]:
    return [
        {"skill": s.skill_id, "level": s.level, "target_level": s.target_level}
        for s in enrolment.skills.order_by("pk")
    ]


def _render_enrolment_form(
    request: HttpRequest,
    program: Program,
    role: str,
    form: EnrolmentForm,
    formset: BaseSkillFormSet,
    enrolment: Enrolment | None,
) -> HttpResponse:
    context = {
        "program": program,
        "role": role,
        "role_label": EnrolmentRole(role).label,
        "form": form,
        "formset": formset,
        "enrolment": enrolment,
    }
    return render(request, "programs/enrolment_form.html", context)


def _save_or_error(form: EnrolmentForm, save: Callable[[], Enrolment]) -> Enrolment | None:
    """Run the service; a refusal becomes a form error instead of a 500."""
    try:
        return save()
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                field = form.SERVICE_FIELDS.get(field, field)
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc)
        return None


@login_required
def enrol(request: HttpRequest, slug: str, role: str) -> HttpResponse:
    program = visible_program(request, slug)
    if role not in dict(_roles_for(program)):
        raise Http404("No such role in this program.")
    existing = selectors.enrolment_for(request.user, program)
    if existing and existing.is_live:
        messages.info(request, "You are already enrolled; you can change your answers here.")
        return redirect("programs:enrolment_edit", program.slug)
    if program.status != Status.ENROLLING:
        messages.error(request, "This program is not open for enrolment.")
        return redirect("programs:detail", program.slug)
    initial = {"capacity": program.default_mentor_capacity}
    form = EnrolmentForm(request.POST or None, role=role, user=request.user, initial=initial)
    formset = skill_formset(role, data=request.POST or None)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        enrolment = _save_or_error(
            form,
            lambda: services.enrolment_create(
                program=program,
                user=request.user,
                role=role,
                data=form.details(),
                skills=formset.rows(),
                avoid=form.cleaned_data["avoid_emails"],
            ),
        )
        if enrolment:
            if enrolment.status == EnrolmentStatus.PENDING:
                messages.success(
                    request, "Thanks! Your manager has been asked to approve your enrolment."
                )
            else:
                messages.success(
                    request, f"You are enrolled as {enrolment.get_role_display().lower()}."
                )
            return redirect("programs:my_enrolments")
    return _render_enrolment_form(request, program, role, form, formset, None)


@login_required
def enrolment_edit(request: HttpRequest, slug: str) -> HttpResponse:
    enrolment = own_enrolment(request, slug)
    program = enrolment.program
    if not services.can_edit_enrolment(enrolment):
        if enrolment.is_live:
            messages.error(
                request,
                "Matching has started, so your enrolment can no longer be "
                "changed. You can still withdraw.",
            )
        else:
            messages.error(request, "This enrolment is no longer active.")
        return redirect("programs:my_enrolments")
    role = enrolment.role
    form = EnrolmentForm(request.POST or None, instance=enrolment, role=role, user=request.user)
    formset = skill_formset(role, data=request.POST or None, initial=_skill_initial(enrolment))
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        saved = _save_or_error(
            form,
            lambda: services.enrolment_update(
                enrolment=enrolment,
                data=form.details(),
                skills=formset.rows(),
                avoid=form.cleaned_data["avoid_emails"],
                by=request.user,
            ),
        )
        if saved:
            messages.success(request, "Your enrolment is saved.")
            return redirect("programs:my_enrolments")
    return _render_enrolment_form(request, program, role, form, formset, enrolment)


@login_required
def my_enrolments(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.enrolments_of(request.user), 25).get_page(request.GET.get("page"))
    for enrolment in page:
        enrolment.can_edit = services.can_edit_enrolment(enrolment)
    return render(request, "programs/my_enrolments.html", {"page": page})


# --- manager approval --------------------------------------------------------------------


def _own_reports(request: HttpRequest) -> QuerySet[User]:
    """The requester's reports, kept in SQL; 403 without any (a manager's page,
    docs/security.md)."""
    reports = subtree(request.user)
    if not reports.exists():
        raise PermissionDenied("Only managers with reports can open this page.")
    return reports


@login_required
def approvals(request: HttpRequest) -> HttpResponse:
    ids = _own_reports(request)
    page = Paginator(selectors.pending_approvals(ids), 25).get_page(request.GET.get("page"))
    return render(request, "programs/approvals.html", {"page": page})


@login_required
def approval_decide(request: HttpRequest, pk: int) -> HttpResponse:
    ids = _own_reports(request)
    # Outside the reporting line looks exactly like "no such enrolment".
    enrolment = get_object_or_404(selectors.pending_approvals(ids), pk=pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            services.enrolment_decide(
                enrolment=enrolment,
                approve=approve,
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                messages.error(request, validation_text(exc))
                return redirect("programs:approvals")
            form.add_error(None, exc)  # the service's rule (a decline needs a reason), on its field
        else:
            verb = "approved" if approve else "declined"
            messages.success(request, f"{enrolment.user.full_name}'s enrolment is {verb}.")
            return redirect("programs:approvals")
    return render(request, "programs/approval_decide.html", {"enrolment": enrolment, "form": form})


@hr_required
def audit_log(request: HttpRequest, slug: str) -> HttpResponse:
    """The program's audit log, for its coordinators (its address is under /audit/)."""
    program = coordinated_program(request, slug)
    page = Paginator(program_events(program.pk), 50).get_page(request.GET.get("page"))
    return render(request, "audit/program_log.html", {"program": program, "page": page})


# --- the program's Microsoft Teams channel (the chat app sends; coordinators set it here) ---


@hr_required
def teams_channel(request: HttpRequest, slug: str) -> HttpResponse:
    program = coordinated_program(request, slug)
    form = TeamsChannelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            chat_services.teams_channel_set(
                program=program, url=form.cleaned_data["webhook_url"], by=request.user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Teams channel connected: program news will be posted there.")
            return redirect("programs:teams", program.slug)
    context = {
        "program": program,
        "form": form,
        "channel": chat_selectors.teams_channel_of(program),
    }
    return render(request, "programs/teams_channel.html", context)


@hr_required
@require_POST
def teams_channel_clear(request: HttpRequest, slug: str) -> HttpResponse:
    program = coordinated_program(request, slug)
    if chat_services.teams_channel_clear(program=program, by=request.user):
        messages.success(request, "Teams channel disconnected.")
    return redirect("programs:teams", program.slug)
