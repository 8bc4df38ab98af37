import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.http import CSV, as_download
from people.permissions import hr_required
from programs.models import Program
from programs.selectors import coordinated_program

from . import csvcheck, enrolments, people, services
from .forms import UploadForm
from .models import BatchStatus, ImportBatch, ImportKind
from .selectors import batches_visible_to, programs_for_import

ERRORS_PER_PAGE = 100


@hr_required
def index(request: HttpRequest) -> HttpResponse:
    page = Paginator(batches_visible_to(request.user), 25).get_page(request.GET.get("page"))
    context = {"page": page, "programs": programs_for_import(request.user)}
    return render(request, "imports/index.html", context)


def _csv_download(
    filename: str, header: tuple[str, ...], rows: tuple[tuple[str, ...], ...]
) -> HttpResponse:
    response = as_download(HttpResponse(content_type=CSV), filename)
    writer = csv.writer(response, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return response


@hr_required
def people_template(request: HttpRequest) -> HttpResponse:
    return _csv_download("people-template.csv", people.COLUMNS, people.TEMPLATE_ROWS)


@hr_required
def enrolment_template(request: HttpRequest) -> HttpResponse:
    return _csv_download("enrolments-template.csv", enrolments.COLUMNS, enrolments.TEMPLATE_ROWS)


@hr_required
def people_upload(request: HttpRequest) -> HttpResponse:
    return _upload(request, kind=ImportKind.PEOPLE, program=None)


@hr_required
def enrolment_upload(request: HttpRequest, slug: str) -> HttpResponse:
    program = coordinated_program(request, slug)
    if program.status == "closed":
        raise PermissionDenied("This program is closed; its enrolments can't change.")
    return _upload(request, kind=ImportKind.ENROLMENTS, program=program)


def _upload(request: HttpRequest, *, kind: str, program: Program | None) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if form.is_bound and form.is_valid():
        try:
            batch = services.batch_preview(
                kind=kind,
                content=form.cleaned_data["text"],
                filename=form.cleaned_data["file"].name,
                uploaded_by=request.user,
                program=program,
            )
        except csvcheck.CsvFileError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect(batch)
    context = {
        "form": form,
        "kind": kind,
        "program": program,
        "columns": people.COLUMNS if kind == ImportKind.PEOPLE else enrolments.COLUMNS,
    }
    return render(request, "imports/upload.html", context)


def _visible_batch(request: HttpRequest, pk: int) -> ImportBatch:
    return get_object_or_404(batches_visible_to(request.user).defer(None), pk=pk)


@hr_required
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _visible_batch(request, pk)
    errors = Paginator(batch.errors, ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "batch": batch,
        "errors": errors,
        "can_confirm": batch.status == BatchStatus.PREVIEWED
        and batch.uploaded_by_id == request.user.pk,
        "summary": batch.summary,
    }
    return render(request, "imports/batch.html", context)


@hr_required
@require_POST
def batch_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _visible_batch(request, pk)
    if batch.uploaded_by_id != request.user.pk:
        raise PermissionDenied("Only the person who uploaded this file can confirm it.")
    if batch.program_id and not batch.program.is_coordinator(request.user):
        raise Http404("No such import.")
    outcome = services.batch_apply(batch_id=batch.pk, actor=request.user)
    (messages.success if outcome.applied else messages.warning)(request, outcome.message)
    return redirect(batch)
