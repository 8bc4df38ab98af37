"""Check-in pages: log, timeline, HR summaries, templates library, health board, mentor stats."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from experts.selectors import flash_stats
from mentorships.models import Mentorship
from mentorships.selectors import coordinated_mentorship_or_404
from people.models import User
from people.permissions import hr_required, is_hr
from people.selectors import manages
from programs.models import Program
from programs.selectors import coordinated_program

from . import selectors, services
from .forms import (
    ActionItemFormSet,
    CheckInForm,
    DoneForm,
    MeetingForm,
    PulseForm,
    RecognitionForm,
    ResetForm,
    TemplateForm,
)
from .models import ActionItem, CheckIn, CheckInTemplate
from .templatetags.checkin_tags import timeline_context

TIMELINE_PAGE_SIZE = 10
BOARD_PAGE_SIZE = 50


def _participant_mentorship(request: HttpRequest, pk: int) -> Mentorship:
    """The mentorship if the requester is one of its two participants; 404 otherwise."""
    user = request.user
    found = (
        Mentorship.objects.filter(Q(mentor=user) | Q(mentee=user), pk=pk)
        .select_related("program", "mentor", "mentee")
        .first()
    )
    if found is None:
        raise Http404("No such mentorship.")
    return found


def _coordinated_program(request: HttpRequest, slug: str) -> Program:
    program = coordinated_program(request, slug)
    if not is_hr(request.user):
        raise PermissionDenied("Only HR coordinators can open this page.")
    return program


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errs in error.error_dict.items():
            target = field if field in form.fields else None
            for e in errs:
                form.add_error(target, e)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _owners(mentorship: Mentorship, user: User) -> list[tuple[int, str]]:
    def name(person: User) -> str:
        label = person.full_name or person.email
        return f"{label} (you)" if person.pk == user.pk else label

    return [
        (mentorship.mentee_id, name(mentorship.mentee)),
        (mentorship.mentor_id, name(mentorship.mentor)),
    ]


def _initial_from_template(
    request: HttpRequest, rows: list[selectors.TemplateRow]
) -> tuple[dict, selectors.TemplateRow | None]:
    raw = request.GET.get("template", "")
    if not raw.isdigit():
        return {}, None
    chosen = next((row for row in rows if row.pk == int(raw)), None)
    if chosen is None:
        return {}, None
    return {"template": chosen.pk, "private_notes": chosen.agenda}, chosen


@login_required
def checkin_create(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "POST":
        mentorship = _participant_mentorship(request, pk)
        owners = _owners(mentorship, request.user)
        form = CheckInForm(request.POST, mentorship=mentorship)
        items = ActionItemFormSet(request.POST, prefix="items", form_kwargs={"owners": owners})
        if form.is_valid() and items.is_valid():
            created = _save_checkin(request, mentorship, form, items)
            if created is not None:
                messages.success(request, "Check-in logged.")
                return redirect("checkins:timeline", mentorship.pk)
        templates = selectors.available_template_rows(mentorship.program_id)
    else:
        # Read as rows (its SQL built once): the pairing with what the page shows of it.
        mentorship = selectors.participant_mentorship(request.user, pk)
        if mentorship is None:
            raise Http404("No such mentorship.")
        templates = selectors.available_template_rows(mentorship.program_id)
        initial, chosen = _initial_from_template(request, templates)
        if chosen is None and request.GET.get("template"):  # "Blank" is no template: no warning
            messages.warning(request, "That template isn't available: start from a blank form.")
        form = CheckInForm(initial=initial, mentorship=mentorship)
        owners = _owners(mentorship, request.user)
        items = ActionItemFormSet(prefix="items", form_kwargs={"owners": owners})
    selected = form["template"].value()
    return render(
        request,
        "checkins/checkin_form.html",
        {
            "mentorship": mentorship,
            "form": form,
            "items": items,
            "templates": templates,
            "selected_template": str(selected or ""),
            "active": mentorship.status == "active",
        },
    )


def _save_checkin(request: HttpRequest, mentorship: Mentorship, form, items) -> CheckIn | None:
    data = form.cleaned_data
    people = {mentorship.mentor_id: mentorship.mentor, mentorship.mentee_id: mentorship.mentee}
    rows = [
        services.ActionItemData(text=f["text"], owner=people[f["owner"]], due_date=f["due_date"])
        for f in (item.cleaned_data for item in items.forms)
        if f.get("text") and f.get("owner") in people
    ]
    try:
        return services.checkin_create(
            mentorship=mentorship,
            author=request.user,
            when=data["date"],
            duration_minutes=data["duration_minutes"],
            activity=data["activity"],
            skills=list(data["skills"]),
            goals=list(data["goals"]),
            milestones=list(data["milestones"]),
            next_steps=data["next_steps"],
            next_meeting_date=data["next_meeting_date"],
            next_meeting_time=data["next_meeting_time"],
            private_notes=data["private_notes"],
            shared_summary=data["shared_summary"],
            template=data["template"],
            action_items=rows,
            pulse=data["pulse"],
        )
    except ValidationError as error:
        _apply_errors(form, error)
        return None


@login_required
def timeline(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = _participant_mentorship(request, pk)
    page = Paginator(
        selectors.timeline_checkins(mentorship, request.user), TIMELINE_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    context = timeline_context(mentorship, request.user, list(page.object_list))
    context.update(
        page=page,
        next_url=request.get_full_path(),
        mentorship_url=services.mentorship_path(mentorship),
    )
    return render(request, "checkins/timeline.html", context)


@login_required
@require_POST
def action_item_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(ActionItem.objects.select_related("mentorship"), pk=pk)
    if not item.mentorship.is_participant(request.user):
        raise Http404("No such action item.")
    form = DoneForm(request.POST)
    form.is_valid()
    services.action_item_set_done(item=item, by=request.user, done=form.cleaned_data["done"])
    return redirect(_back(request, item.mentorship_id))


@login_required
@require_POST
def pulse_give(request: HttpRequest, pk: int) -> HttpResponse:
    checkin = get_object_or_404(CheckIn.objects.select_related("mentorship"), pk=pk)
    if not checkin.mentorship.is_participant(request.user):
        raise Http404("No such check-in.")
    form = PulseForm(request.POST)
    if form.is_valid():
        services.pulse_give(checkin=checkin, user=request.user, score=form.cleaned_data["score"])
        messages.success(request, "Thanks — your pulse is saved. Only you can see it.")
    else:
        messages.error(request, "Choose a score from 1 to 5.")
    return redirect(_back(request, checkin.mentorship_id))


def _back(request: HttpRequest, mentorship_id: int) -> str:
    """Return to the page the form was on, if it is one of ours; the timeline otherwise."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("checkins:timeline", args=[mentorship_id])


@hr_required
def hr_summaries(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = coordinated_mentorship_or_404(request.user, pk)
    page = Paginator(selectors.hr_summaries(mentorship), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "checkins/hr_summaries.html",
        {
            "mentorship": mentorship,
            "page": page,
            "health": selectors.health_of(mentorship, timezone.localdate()),
        },
    )


@login_required
def template_library(request: HttpRequest, slug: str) -> HttpResponse:
    program = _coordinated_program(request, slug)
    form = TemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.template_create(program=program, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "Template added.")
            return redirect("checkins:templates", program.slug)
    templates = CheckInTemplate.objects.filter(
        Q(program__isnull=True) | Q(program=program)
    ).order_by("is_retired", "program_id", "name")
    return render(
        request,
        "checkins/template_library.html",
        {
            "program": program,
            "templates": templates,
            "form": form,
        },
    )


def _program_template(request: HttpRequest, slug: str, pk: int) -> tuple[Program, CheckInTemplate]:
    program = _coordinated_program(request, slug)
    # Global defaults are shared by every program: only the admin changes them.
    template = get_object_or_404(CheckInTemplate, pk=pk, program=program)
    return program, template


@login_required
def template_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    program, template = _program_template(request, slug, pk)
    form = TemplateForm(
        request.POST or None, initial={"name": template.name, "agenda": template.agenda}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.template_update(template=template, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "Template saved.")
            return redirect("checkins:templates", program.slug)
    return render(
        request,
        "checkins/template_form.html",
        {
            "program": program,
            "template": template,
            "form": form,
        },
    )


@login_required
@require_POST
def template_retire(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    program, template = _program_template(request, slug, pk)
    retired = request.POST.get("retired", "1") == "1"
    services.template_set_retired(template=template, retired=retired)
    messages.success(request, "Template retired." if retired else "Template restored.")
    return redirect("checkins:templates", program.slug)


@login_required
def health_board(request: HttpRequest, slug: str) -> HttpResponse:
    program = _coordinated_program(request, slug)
    today = timezone.localdate()
    # The stored health of the program's stale pairings first (none, most of the time), then
    # the counts and one page, filtered, sorted and paged in the database.
    counts = services.program_health_refresh(program=program, today=today)
    rows = selectors.BoardRows(program, sum(counts.values()), today)
    page = Paginator(rows, BOARD_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "checkins/health_board.html",
        {
            "program": program,
            "page": page,
            "counts": counts,
        },
    )


@hr_required
@require_POST
def nudge(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = coordinated_mentorship_or_404(request.user, pk)
    services.mentorship_nudge(mentorship=mentorship, by=request.user)
    messages.success(request, "Nudge on its way to both participants.")
    return redirect("checkins:health_board", mentorship.program.slug)


@hr_required
def reset(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = coordinated_mentorship_or_404(request.user, pk)
    form = ResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.mentorship_reset(
                mentorship=mentorship, note=form.cleaned_data["note"], by=request.user
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "The pairing was ended as not working.")
            return redirect("checkins:health_board", mentorship.program.slug)
    return render(request, "checkins/reset_confirm.html", {"mentorship": mentorship, "form": form})


def _coordinates_mentor(user: User, mentor_id: int) -> bool:
    return (
        is_hr(user)
        and Program.objects.filter(coordinators=user, mentorships__mentor_id=mentor_id).exists()
    )


@login_required
def mentor_stats(request: HttpRequest, user_id: int) -> HttpResponse:
    mentor = get_object_or_404(User.objects.select_related("manager"), pk=user_id)
    viewer = request.user
    can_recognise = _coordinates_mentor(viewer, mentor.pk)
    allowed = viewer.pk == mentor.pk or can_recognise or manages(viewer, mentor.pk)
    if not allowed:
        raise Http404("No such mentor.")
    form = RecognitionForm(request.POST or None)
    if request.method == "POST":
        if not can_recognise:
            raise PermissionDenied("Only HR coordinators of this mentor's programs can do this.")
        if form.is_valid():
            try:
                services.recognition_send(
                    mentor=mentor, by=viewer, message=form.cleaned_data["message"]
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, "Recognition on its way to the mentor's manager.")
                return redirect("checkins:mentor_stats", mentor.pk)
    return render(
        request,
        "checkins/mentor_stats.html",
        {
            "mentor": mentor,
            "stats": selectors.mentor_stats(mentor.pk),
            # One-off sessions given through Ask an expert count as mentoring too.
            "flash": flash_stats(mentor.pk),
            "form": form,
            "can_recognise": can_recognise,
            "recognitions": mentor.recognitions.select_related("sent_by")[:10]
            if (can_recognise or viewer.pk == mentor.pk)
            else [],
        },
    )


@login_required
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    """The pair's next meeting: set or move it (both get a calendar invitation)."""
    mentorship = _participant_mentorship(request, pk)
    current = services.upcoming_meeting(mentorship)
    zone = services.person_zone(request.user)
    initial = {}
    if current is not None:
        local = current.starts_at.astimezone(zone)
        initial = {
            "date": local.date(),
            "time": local.time(),
            "duration_minutes": current.duration_minutes,
        }
    form = MeetingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_schedule(
                mentorship=mentorship,
                by=request.user,
                day=form.cleaned_data["date"],
                at=form.cleaned_data["time"],
                duration_minutes=form.cleaned_data["duration_minutes"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "Meeting set: you both get a calendar invitation by email.")
            return redirect("checkins:meeting", mentorship.pk)
    return render(
        request,
        "checkins/meeting.html",
        {
            "mentorship": mentorship,
            "meeting": current,
            "local_start": current.starts_at.astimezone(zone) if current else None,
            "zone": zone.key,
            "form": form,
            "active": mentorship.status == "active",
            "mentorship_url": services.mentorship_path(mentorship),
        },
    )


@login_required
@require_POST
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = _participant_mentorship(request, pk)
    current = services.upcoming_meeting(mentorship)
    if current is None:
        messages.info(request, "There is no upcoming meeting to cancel.")
    else:
        try:
            services.meeting_cancel(meeting=current, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Meeting cancelled: you both get a cancellation by email.")
    return redirect("checkins:meeting", mentorship.pk)
