from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from careers import selectors as careers_selectors
from core.errors import validation_text
from people.permissions import hr_required
from programs.selectors import coordinated_program

from . import selectors, services
from .forms import AnswerForm, PlanForm, RatingForm, RoundForm, SurveyForm
from .models import AssessmentRequest, SurveyInvitation

# --- participants --------------------------------------------------------------------------


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    surveys = Paginator(selectors.pending_invitations(request.user), 20).get_page(
        request.GET.get("spage")
    )
    assessments = Paginator(selectors.pending_requests(request.user), 20).get_page(
        request.GET.get("apage")
    )
    return render(request, "feedback/inbox.html", {"surveys": surveys, "assessments": assessments})


@login_required
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    # Anyone but the invitee gets a 404: nobody learns who was asked.
    invitation = get_object_or_404(
        SurveyInvitation.objects.select_related("survey__program"), pk=pk, user=request.user
    )
    survey = invitation.survey
    closed = survey.closes_on < timezone.localdate()
    if invitation.answered_at or closed:
        return render(
            request,
            "feedback/answer_done.html",
            {"invitation": invitation, "survey": survey, "closed": closed},
        )
    form = AnswerForm(request.POST or None, questions=list(survey.questions.all()))
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_answer(
                invitation=invitation, ratings=form.ratings(), comments=form.comments()
            )
        except ValidationError as exc:
            form.add_error(None, validation_text(exc))
        else:
            messages.success(request, "Thank you: your answers are saved.")
            return redirect("feedback:answer", invitation.pk)
    return render(
        request, "feedback/answer.html", {"invitation": invitation, "survey": survey, "form": form}
    )


@login_required
def assessment(request: HttpRequest, pk: int) -> HttpResponse:
    req = get_object_or_404(
        AssessmentRequest.objects.select_related("round__program", "mentee"),
        pk=pk,
        rater=request.user,
    )
    skills = selectors.sought_skills(req)
    if req.completed_at:
        levels = dict(req.ratings.values_list("skill_id", "level"))
        rows = [(es.skill, levels.get(es.skill_id)) for es in skills]
        return render(request, "feedback/assessment_done.html", {"req": req, "rows": rows})
    form = RatingForm(request.POST or None, skills=skills)
    # Careers: the checklist of the mentee's target role, ticked where the rater saw it met.
    checklist = careers_selectors.assessment_items(req)
    if request.method == "POST" and form.is_valid():
        met = {i.pk for i in checklist if request.POST.get(f"check_{i.pk}")}
        try:
            services.assessment_submit(
                request=req,
                levels=form.levels(),
                skill_ids=form.skill_ids,
                checklist=[i.pk for i in checklist],
                met=met,
            )
        except ValidationError as exc:
            form.add_error(None, validation_text(exc))
        else:
            messages.success(request, "Thank you: the ratings are saved.")
            return redirect("feedback:assessment", req.pk)
    return render(
        request, "feedback/assessment.html", {"req": req, "form": form, "checklist": checklist}
    )


# --- HR coordinators -----------------------------------------------------------------------


@hr_required
def results(request: HttpRequest, slug: str) -> HttpResponse:
    program = coordinated_program(request, slug)
    return render(
        request,
        "feedback/results.html",
        {
            "program": program,
            "surveys": selectors.survey_results(program),
            "min_group": selectors.MIN_GROUP,
        },
    )


@hr_required
def surveys(request: HttpRequest, slug: str) -> HttpResponse:
    program = coordinated_program(request, slug)
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.survey_save(program=program, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)  # the service's rules, on their field where they have one
        else:
            messages.success(request, f"The {survey.get_kind_display().lower()} is scheduled.")
            return redirect("feedback:surveys", program.slug)
    return render(
        request,
        "feedback/surveys.html",
        {
            "program": program,
            "form": form,
            "surveys": selectors.surveys_with_counts(program),
        },
    )


@hr_required
@require_POST
def surveys_defaults(request: HttpRequest, slug: str) -> HttpResponse:
    program = coordinated_program(request, slug)
    added = services.surveys_schedule_defaults(programs=[program])
    messages.success(
        request,
        f"{added} survey(s) added on the default dates."
        if added
        else "Both surveys already exist; adjust their dates below.",
    )
    return redirect("feedback:surveys", program.slug)


@hr_required
def assessment_rounds(request: HttpRequest, slug: str) -> HttpResponse:
    program = coordinated_program(request, slug)
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_round_schedule(
                program=program, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, validation_text(exc))
        else:
            messages.success(request, "The assessment round is scheduled.")
            return redirect("feedback:assessment_rounds", program.slug)
    page = Paginator(selectors.rounds_with_counts(program), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "feedback/rounds.html",
        {
            "program": program,
            "form": form,
            "plan_form": PlanForm(),
            "page": page,
        },
    )


@hr_required
@require_POST
def assessment_plan(request: HttpRequest, slug: str) -> HttpResponse:
    program = coordinated_program(request, slug)
    form = PlanForm(request.POST)
    include_manager = form.is_valid() and form.cleaned_data["include_manager"]
    created = services.assessment_plan_schedule(
        program=program, include_manager=include_manager, by=request.user
    )
    messages.success(
        request,
        f"{len(created)} round(s) added to the plan."
        if created
        else "Every round of the standard plan is already scheduled.",
    )
    return redirect("feedback:assessment_rounds", program.slug)
