from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from drf_spectacular.renderers import OpenApiJsonRenderer, OpenApiYamlRenderer
from drf_spectacular.views import SpectacularAPIView
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from . import selectors, services
from .forms import TokenForm
from .models import TokenKind
from .permissions import HasScope


class SchemaView(SpectacularAPIView):
    """The OpenAPI 3 document: for anyone signed in or holding a valid token (any scope)."""

    permission_classes = [IsAuthenticated, HasScope]
    scope_free = True  # any valid token may read the schema
    # JSON by default (errors too, in the API's one body); YAML with
    # `Accept: application/vnd.oai.openapi`.
    renderer_classes = [JSONRenderer, OpenApiJsonRenderer, OpenApiYamlRenderer]


class NotFoundView(APIView):
    """Any other address under /api/: the API's JSON 404 (401 without credentials)."""

    schema = None  # not an operation of the API
    scope_free = True

    def get(self, request, *args, **kwargs):
        raise NotFound("No such API address. See /api/docs/.")

    post = put = patch = delete = get


@login_required
def docs(request):
    """Swagger UI from vendored static files; its initialiser is static/api/swagger-init.js."""
    return render(request, "api/docs.html", {"schema_url": reverse("api:schema")})


# --- account pages: API tokens ------------------------------------------------------------


@login_required
def token_list(request):
    tokens = selectors.tokens_visible_to(request.user)
    page = Paginator(tokens, 25).get_page(request.GET.get("page"))
    return render(request, "api/token_list.html", {"page": page, "now": timezone.now()})


@login_required
@require_http_methods(["GET", "POST"])
def token_create(request):
    form = TokenForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.api_token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_in_days=form.cleaned_data["expires_in_days"],
                kind=form.cleaned_data.get("kind") or TokenKind.PERSONAL,
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            # Shown on this response only: never stored, never shown again.
            return render(
                request,
                "api/token_created.html",
                {"token": created.token, "secret": created.secret},
            )
    return render(request, "api/token_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def token_revoke(request, pk: int):
    token = selectors.tokens_visible_to(request.user).filter(pk=pk).first()
    if token is None:
        raise Http404("No such token.")
    if not services.can_revoke(request.user, token):
        raise PermissionDenied("This token isn't yours to revoke.")
    if request.method == "POST":
        services.api_token_revoke(token=token, by=request.user)
        return redirect("api_tokens:list")
    return render(request, "api/token_revoke.html", {"token": token})
