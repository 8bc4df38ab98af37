from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.errors import validation_text
from people.models import User
from programs.models import Skill

from . import selectors, services
from .forms import AcceptForm, BookForm, CompleteForm, FindForm, ProfileForm
from .models import ExpertProfile, SessionStatus

PER_PAGE = 20


@login_required
def find(request: HttpRequest) -> HttpResponse:
    form = FindForm(request.GET or None)
    query, skill = "", None
    if form.is_valid():
        query = form.cleaned_data["q"].strip()
        skill = form.skill_obj()
    page = Paginator(selectors.expert_search(query=query, skill=skill), PER_PAGE).get_page(
        request.GET.get("page")
    )
    profiles = list(page.object_list)
    skills = selectors.shared_skills(profiles)
    month = selectors.month_of(timezone.now())
    taken = selectors.places_taken([p.user_id for p in profiles], month)
    rows = [
        {
            "profile": p,
            "skills": skills.get(p.user_id, []),
            "left": max(p.monthly_sessions - taken.get(p.user_id, 0), 0),
        }
        for p in profiles
    ]
    params = {"q": query, "skill": skill.pk if skill else ""}
    return render(
        request,
        "experts/find.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "skill": skill,
            "searched": bool(query or skill),
            "query": urlencode(params),
            "skill_param": skill.pk if skill else "",
            "month": month,
            "own": ExpertProfile.objects.filter(user=request.user).first(),
        },
    )


@login_required
def settings(request: HttpRequest) -> HttpResponse:
    profile = ExpertProfile.objects.filter(user=request.user).first()
    initial = (
        {
            "listed": profile.listed,
            "monthly_sessions": profile.monthly_sessions,
            "share_program_skills": profile.share_program_skills,
            "skills": list(profile.skills.all()),
        }
        if profile
        else {"listed": False, "monthly_sessions": 2, "share_program_skills": True}
    )
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.expert_profile_save(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, validation_text(exc))
        else:
            messages.success(
                request,
                "Saved: you're listed in Ask an expert."
                if form.cleaned_data["listed"]
                else "Saved: you're not listed in Ask an expert.",
            )
            return redirect("experts:settings")
    program_skills = []
    if profile is not None:
        program_skills = [
            s for s in selectors.shared_skills([profile]).get(request.user.pk, []) if s.level
        ]
    return render(
        request,
        "experts/settings.html",
        {"form": form, "profile": profile, "program_skills": program_skills},
    )


@login_required
def book(request: HttpRequest, user_id: int) -> HttpResponse:
    if user_id == request.user.pk:
        messages.info(request, "That's you: here is how colleagues see your expert listing.")
        return redirect("experts:settings")
    # Someone who isn't listed is a 404, like a missing id: nobody learns who opted out.
    profile = get_object_or_404(selectors.listed_profiles().select_related("user"), user_id=user_id)
    expert: User = profile.user
    skills = selectors.shared_skills([profile]).get(expert.pk, [])
    initial = {}
    wanted = request.GET.get("skill", "")
    if wanted.isdigit() and int(wanted) in {s.pk for s in skills}:
        initial["skill"] = int(wanted)
    form = BookForm(request.POST or None, skills=skills, initial=initial)
    if request.method == "POST" and profile.accepting and form.is_valid():
        data = form.cleaned_data
        try:
            session = services.flash_session_request(
                requester=request.user,
                expert=expert,
                skill=get_object_or_404(Skill, pk=data["skill"]),
                note=data["note"],
                options=form.options(),
                duration_minutes=data["duration_minutes"],
            )
        except ValidationError as exc:
            form.add_error(None, validation_text(exc))
        else:
            messages.success(request, f"Request sent: {expert} gets an email to answer it.")
            return redirect("experts:session", session.pk)
    month = selectors.month_of(timezone.now())
    taken = selectors.places_taken([expert.pk], month).get(expert.pk, 0)
    return render(
        request,
        "experts/book.html",
        {
            "expert": expert,
            "profile": profile,
            "skills": skills,
            "form": form,
            "left": max(profile.monthly_sessions - taken, 0),
            "month": month,
        },
    )


@login_required
def sessions(request: HttpRequest) -> HttpResponse:
    mine = selectors.sessions_of(request.user)
    asked = Paginator(mine.filter(expert=request.user), PER_PAGE).get_page(request.GET.get("apage"))
    booked = Paginator(mine.filter(requester=request.user), PER_PAGE).get_page(
        request.GET.get("bpage")
    )
    return render(request, "experts/sessions.html", {"asked": asked, "booked": booked})


@login_required
def session(request: HttpRequest, pk: int) -> HttpResponse:
    s = selectors.session_for_user_or_404(request.user, pk)
    now = timezone.now()
    is_expert = s.expert_id == request.user.pk
    waiting = s.status == SessionStatus.REQUESTED
    accepted = s.status == SessionStatus.ACCEPTED
    return render(
        request,
        "experts/session.html",
        {
            "s": s,
            "other": s.other_side(request.user),
            "is_expert": is_expert,
            "can_answer": is_expert and waiting,
            "accept_form": AcceptForm(session=s) if is_expert and waiting else None,
            "can_cancel": not is_expert
            and (waiting or (accepted and s.scheduled_at and s.scheduled_at > now)),
            "complete_form": CompleteForm()
            if accepted and s.scheduled_at and s.scheduled_at <= now
            else None,
            "all_passed": waiting and all(o <= now for o in s.options),
        },
    )


def _done(request: HttpRequest, pk: int, error: ValidationError | str | None, ok: str):
    if error is None:
        messages.success(request, ok)
    else:
        text = error if isinstance(error, str) else validation_text(error)
        messages.error(request, text)
    return redirect("experts:session", pk)


def _expert_session(request: HttpRequest, pk: int):
    s = selectors.session_for_user_or_404(request.user, pk)
    if s.expert_id != request.user.pk:
        raise PermissionDenied("Only the expert can answer this request.")
    return s


@login_required
@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    s = _expert_session(request, pk)
    form = AcceptForm(request.POST, session=s)
    if not form.is_valid():
        return _done(request, pk, "Choose one of the proposed times.", "")
    try:
        services.flash_session_accept(session=s, by=request.user, when=form.cleaned_data["when"])
    except ValidationError as exc:
        return _done(request, pk, exc, "")
    return _done(request, pk, None, f"Accepted: {s.requester} gets an email with the time.")


@login_required
@require_POST
def decline(request: HttpRequest, pk: int) -> HttpResponse:
    s = _expert_session(request, pk)
    try:
        services.flash_session_decline(session=s, by=request.user)
    except ValidationError as exc:
        return _done(request, pk, exc, "")
    return _done(request, pk, None, f"Declined: {s.requester} gets an email.")


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    s = selectors.session_for_user_or_404(request.user, pk)
    if s.requester_id != request.user.pk:
        raise PermissionDenied("Only the person who asked can cancel; the expert can decline.")
    try:
        services.flash_session_cancel(session=s, by=request.user)
    except ValidationError as exc:
        return _done(request, pk, exc, "")
    return _done(request, pk, None, "Cancelled: the expert gets an email.")


@login_required
@require_POST
def complete(request: HttpRequest, pk: int) -> HttpResponse:
    s = selectors.session_for_user_or_404(request.user, pk)
    form = CompleteForm(request.POST)
    if not form.is_valid():
        return _done(request, pk, "Say whether the session took place.", "")
    try:
        services.flash_session_complete(session=s, by=request.user, held=form.cleaned_data["held"])
    except ValidationError as exc:
        return _done(request, pk, exc, "")
    return _done(request, pk, None, "Thank you: noted.")
