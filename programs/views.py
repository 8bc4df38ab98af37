from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from people.permissions import hr_required

from . import selectors, services
from .forms import ProgramForm, SkillForm, StatusForm
from .models import Program, Skill, Status


def coordinated_program(request: HttpRequest, slug: str) -> Program:
    """The program, if the requester coordinates it; 403 for everyone else."""
    program = get_object_or_404(Program, slug=slug)
    if not program.is_coordinator(request.user):
        raise PermissionDenied("You don't coordinate this program.")
    return program


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
    return render(request, "programs/program_detail.html", {"program": program})


@hr_required
def program_manage(request: HttpRequest, slug: str) -> HttpResponse:
    program = coordinated_program(request, slug)
    return render(request, "programs/program_manage.html", {"program": program})


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
        messages.error(request, " ".join(exc.messages))
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
