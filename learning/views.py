from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core.errors import validation_text
from core.http import as_download
from mentorships.selectors import mentorship_for_user_or_404
from people.permissions import hr_required

from . import resource_import, selectors, services
from .forms import (
    CertificationForm,
    CertificationGoalForm,
    ImportForm,
    ResourceFilterForm,
    ResourceForm,
    SearchForm,
)
from .models import Certification, Resource

PER_PAGE = 25


def _page(request: HttpRequest, qs) -> tuple:
    query = request.GET.copy()
    query.pop("page", None)
    return Paginator(qs, PER_PAGE).get_page(request.GET.get("page")), query.urlencode()


# --- the resource library (HR) ----------------------------------------------------------------


@hr_required
def resources(request: HttpRequest) -> HttpResponse:
    form = ResourceFilterForm(request.GET or None)
    filters = {}
    if form.is_valid():
        skill = form.cleaned_data["skill"]
        filters = {
            "q": form.cleaned_data["q"].strip(),
            "skill_id": skill.pk if skill else None,
            "kind": form.cleaned_data["kind"],
        }
    page, query = _page(request, selectors.resource_search(**filters))
    return render(
        request,
        "learning/resources.html",
        {"form": form, "page": page, "query": query, "filtered": any(filters.values())},
    )


@hr_required
def resource_create(request: HttpRequest) -> HttpResponse:
    form = ResourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.resource_create(data=form.cleaned_data, by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "The resource is in the library.")
            return redirect("learning:resources")
    return render(request, "learning/form.html", {"form": form, "title": "Add a resource"})


@hr_required
def resource_edit(request: HttpRequest, pk: int) -> HttpResponse:
    resource = get_object_or_404(Resource, pk=pk)
    form = ResourceForm(request.POST or None, instance=resource)
    if request.method == "POST" and form.is_valid():
        try:
            services.resource_update(resource=resource, data=form.cleaned_data, by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "The resource is saved.")
            return redirect("learning:resources")
    return render(request, "learning/form.html", {"form": form, "title": "Edit the resource"})


@hr_required
def resource_delete(request: HttpRequest, pk: int) -> HttpResponse:
    resource = get_object_or_404(Resource.objects.select_related("skill"), pk=pk)
    if request.method == "POST":
        services.resource_delete(resource=resource, by=request.user)
        messages.success(request, "The resource is deleted.")
        return redirect("learning:resources")
    return render(
        request,
        "learning/delete.html",
        {
            "title": "Delete this resource?",
            "what": f"“{resource.title}” ({resource.skill.name})",
            "consequence": "Participants no longer see it, and the record of who did it is "
            "deleted with it.",
            "back": "learning:resources",
        },
    )


@hr_required
def resources_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > resource_import.MAX_BYTES:
                raise resource_import.FileError(
                    "The file is larger than 2 MB. Split it into smaller files."
                )
            result = services.resources_import(data=upload.read(), by=request.user)
        except resource_import.FileError as exc:
            form.add_error("file", str(exc))
        else:
            if result.ok:
                messages.success(
                    request,
                    f"Imported: {result.created} new, {result.updated} updated.",
                )
                return redirect("learning:resources")
    return render(request, "learning/import.html", {"form": form, "result": result})


@hr_required
def resources_template(request: HttpRequest) -> HttpResponse:
    out = io.StringIO()
    csv.writer(out).writerows(resource_import.template_rows())
    return as_download(
        HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8"),
        "learning-resources.csv",
    )


# --- the certification catalogue (HR) ---------------------------------------------------------


@hr_required
def certifications(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    q = form.cleaned_data["q"].strip() if form.is_valid() else ""
    page, query = _page(request, selectors.certification_search(q=q))
    return render(
        request,
        "learning/certifications.html",
        {"form": form, "page": page, "query": query, "filtered": bool(q)},
    )


def _certification_form(request: HttpRequest, certification: Certification | None):
    form = CertificationForm(request.POST or None, instance=certification)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "skills"}
        skills = list(form.cleaned_data["skills"])
        try:
            if certification is None:
                services.certification_create(data=data, skills=skills, by=request.user)
            else:
                services.certification_update(
                    certification=certification, data=data, skills=skills, by=request.user
                )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "The certification is saved.")
            return redirect("learning:certifications")
    title = "Add a certification" if certification is None else "Edit the certification"
    return render(request, "learning/form.html", {"form": form, "title": title})


@hr_required
def certification_create(request: HttpRequest) -> HttpResponse:
    return _certification_form(request, None)


@hr_required
def certification_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _certification_form(request, get_object_or_404(Certification, pk=pk))


@hr_required
def certification_delete(request: HttpRequest, pk: int) -> HttpResponse:
    certification = get_object_or_404(Certification, pk=pk)
    if request.method == "POST":
        try:
            services.certification_delete(certification=certification, by=request.user)
        except ValidationError as exc:
            messages.error(request, validation_text(exc))
        else:
            messages.success(request, "The certification is deleted.")
        return redirect("learning:certifications")
    return render(
        request,
        "learning/delete.html",
        {
            "title": "Delete this certification?",
            "what": f"“{certification.name}” ({certification.issuer})",
            "consequence": "Pairs can no longer choose it. A certification someone prepares "
            "for or has sat stays: edit it instead.",
            "back": "learning:certifications",
        },
    )


# --- participants -----------------------------------------------------------------------------


@login_required
def certification_goal_create(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = mentorship_for_user_or_404(request.user, pk)
    if request.user.pk != mentorship.mentee_id:
        raise Http404("Only the mentee adds goals.")
    form = CertificationGoalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.certification_goal_create(
                mentorship=mentorship,
                certification=form.cleaned_data["certification"],
                target_date=form.cleaned_data["target_date"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, "The certification is a goal now, with a milestone per exam objective."
            )
            return redirect(mentorship.get_absolute_url() + "#goals")
    return render(
        request,
        "learning/certification_goal_form.html",
        {"form": form, "mentorship": mentorship, "has_any": Certification.objects.exists()},
    )


def _back(request: HttpRequest, mentorship) -> HttpResponse:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = mentorship.get_absolute_url() + "#learning"
    return redirect(target)


@login_required
@require_POST
def resource_done(request: HttpRequest, pk: int, resource_pk: int) -> HttpResponse:
    mentorship = mentorship_for_user_or_404(request.user, pk)
    resource = get_object_or_404(Resource, pk=resource_pk)
    services.resource_mark_done(resource=resource, mentorship=mentorship, by=request.user)
    messages.success(request, f"Marked “{resource.title}” done.")
    return _back(request, mentorship)


@login_required
@require_POST
def resource_undo(request: HttpRequest, pk: int, resource_pk: int) -> HttpResponse:
    mentorship = mentorship_for_user_or_404(request.user, pk)
    resource = get_object_or_404(Resource, pk=resource_pk)
    services.resource_mark_not_done(resource=resource, mentorship=mentorship, by=request.user)
    messages.success(request, f"“{resource.title}” is no longer marked done.")
    return _back(request, mentorship)
