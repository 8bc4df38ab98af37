import logging
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST

from core.errors import validation_text
from core.http import as_download

from . import services
from .forms import (
    ActiveEmployeeEmailForm,
    ColleagueSearchForm,
    DirectorySearchForm,
    EraseFindForm,
    EraseForm,
    ProfileForm,
    ResetPasswordForm,
    SignInForm,
)
from .models import User
from .permissions import can_erase, erase_required, hr_required, is_hr, superuser_required
from .selectors import colleague_search, manages
from .tokens import invitation_tokens


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        # How this session was signed in: a password sign-in may owe a two-factor code
        # (twofactor/middleware.py); the identity provider's sign-in sets "oidc" or "saml".
        self.request.session["signed_in_with"] = "password"
        return response


class ResetPasswordView(auth_views.PasswordResetView):
    form_class = ResetPasswordForm
    email_template_name = "registration/password_reset_email.txt"


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """The link in a reset email: choose a password, which lifts a sign-in lock and signs in.

    Signing in here does not go through the lockout: the emailed link is the owner's way back
    in, even while failures from their address keep the sign-in form locked.
    """

    post_reset_login = True
    post_reset_login_backend = "people.backends.ModelBackend"
    success_url = reverse_lazy("home")
    done_message = "Your new password is set and you are signed in."

    def get_user(self, uidb64):
        # SSO_ONLY (docs/identity.md): only superusers (break-glass) may set a password.
        user = super().get_user(uidb64)
        self.refused_by_sso_only = bool(user and settings.SSO_ONLY and not user.is_superuser)
        return None if self.refused_by_sso_only else user

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            sso_only_refused=getattr(self, "refused_by_sso_only", False), **kwargs
        )

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_set(person=form.user)
        messages.success(self.request, self.done_message)
        return response


class InvitationView(SetPasswordView):
    """The link in an invitation: the first password of someone an import created."""

    token_generator = invitation_tokens
    template_name = "registration/invitation_confirm.html"
    done_message = "Welcome to Tandem: your password is set and you are signed in."


logger = logging.getLogger(__name__)


@login_required
def profile(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User.objects.select_related("department", "manager"), pk=pk)
    viewer = request.user
    allowed = viewer.pk == person.pk or is_hr(viewer) or manages(viewer, person.pk)
    if not allowed:
        # 404, not 403: don't confirm who works here to someone who may not look.
        raise Http404("No such person.")
    return render(
        request, "people/profile.html", {"person": person, "can_erase": can_erase(viewer)}
    )


@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your profile is saved.")
        return redirect("people:profile", request.user.pk)
    return render(request, "people/profile_edit.html", {"form": form})


@hr_required
def directory(request: HttpRequest) -> HttpResponse:
    form = DirectorySearchForm(request.GET or None)
    people = User.objects.select_related("department", "manager").order_by("full_name")
    if form.is_valid() and form.cleaned_data["q"]:
        q = form.cleaned_data["q"]
        people = people.filter(
            Q(full_name__icontains=q) | Q(email__icontains=q) | Q(department__name__icontains=q)
        )
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    query = urlencode({"q": request.GET.get("q", "")})
    return render(request, "people/directory.html", {"form": form, "page": page, "query": query})


# Searches one person may run per minute: plenty for typing, slow for listing everyone.
SEARCHES_PER_MINUTE = 60


def _search_allowed(user_id: int) -> bool:
    """Counted in the shared cache (Redis in production), so every process sees one count."""
    key = f"people-search:{user_id}:{int(time.time() // 60)}"
    try:
        cache.add(key, 0, timeout=90)
        return cache.incr(key) <= SEARCHES_PER_MINUTE
    except Exception as exc:  # the cache is down: search keeps working, unlimited meanwhile
        logger.warning("People search not rate-limited: the cache is unreachable (%r).", exc)
        return True


@login_required
def search(request: HttpRequest) -> JsonResponse:
    """Colleagues by name or email, for pickers such as "people to avoid" (JSON)."""
    form = ColleagueSearchForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"error": " ".join(form.errors["q"])}, status=400)
    if not _search_allowed(request.user.pk):
        return JsonResponse({"error": "Too many searches; wait a minute."}, status=429)
    return JsonResponse(
        {"results": colleague_search(form.cleaned_data["q"], exclude_id=request.user.pk)}
    )


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    if request.GET.get("download"):
        data = services.person_export(person=request.user)
        response = JsonResponse(data, encoder=DjangoJSONEncoder, json_dumps_params={"indent": 2})
        return as_download(response, "my-tandem-data.json")
    return render(request, "people/my_data.html")


@erase_required
def erase_find(request: HttpRequest) -> HttpResponse:
    """Where a privacy officer starts: the person's email (POST, so it stays out of URLs)."""
    form = EraseFindForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return redirect("people:erase", form.person.pk)
    return render(request, "people/erase_find.html", {"form": form})


@erase_required
def erase(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User, pk=pk)
    form = EraseForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_erase(person=person, by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "The person's data is erased; aggregate figures are kept.")
            return redirect("people:directory")
    return render(request, "people/erase.html", {"person": person, "form": form})


@hr_required
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    """HR sends someone their invitation to choose a password again (confirmed by POST)."""
    person = get_object_or_404(User, pk=pk)
    if request.method == "POST":
        try:
            services.person_invite(person=person, by=request.user)
        except ValidationError as exc:
            messages.error(request, validation_text(exc))
        else:
            messages.success(request, f"The invitation is on its way to {person.email}.")
        return redirect("people:profile", person.pk)
    return render(
        request,
        "people/invite.html",
        {"person": person, "invitation_days": settings.INVITATION_DAYS},
    )


@superuser_required
def privacy_officers(request: HttpRequest) -> HttpResponse:
    """Who may erase people: granted and revoked by a superuser, each change audited."""
    form = ActiveEmployeeEmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = User.objects.get(email__iexact=form.cleaned_data["email"])
        services.privacy_officer_set(person=person, granted=True, by=request.user)
        messages.success(request, f"{person} is now a privacy officer and may erase people.")
        return redirect("people:privacy_officers")
    officers = Paginator(User.objects.filter(is_privacy_officer=True).order_by("full_name"), 25)
    return render(
        request,
        "people/privacy_officers.html",
        {"form": form, "page": officers.get_page(request.GET.get("page"))},
    )


@superuser_required
@require_POST
def privacy_officer_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User, pk=pk)
    services.privacy_officer_set(person=person, granted=False, by=request.user)
    messages.success(request, f"{person} is no longer a privacy officer.")
    return redirect("people:privacy_officers")
