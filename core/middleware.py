import logging
from collections.abc import Callable

from django.conf import settings
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
    QueryDict,
)

logger = logging.getLogger("django.security.nul")

NUL = "\x00"
NUL_REFUSED = (
    "Bad request: the address or a form field contains a NUL character (U+0000), which "
    "Tandem doesn't accept. Remove it and try again."
)


class SecurityHeadersMiddleware:
    """Adds the CSP, and keeps pages for signed-in users out of every cache.

    Every signed-in page can hold private data (goals, notes, HR records), so
    they are all `no-store` rather than relying on each view to remember.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response.headers["Cache-Control"] = "no-store, private"
        return response


def _query_has_nul(query: QueryDict) -> bool:
    return any(NUL in key or any(NUL in v for v in values) for key, values in query.lists())


class RejectNulMiddleware:
    """A NUL character anywhere in a request's path, query, cookies or form gets a plain 400.

    PostgreSQL can't store or compare text containing NUL, so a NUL that reaches a query is a
    500. Refusing it here, once, covers every view, path converter (`<str:token>`) and form,
    including the ones written later. Uploaded files' contents are checked by their importers.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            NUL in request.path
            or _query_has_nul(request.GET)
            or any(NUL in k or NUL in v for k, v in request.COOKIES.items())
        ):
            return _refuse(request)
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        # Reads the form as CsrfViewMiddleware does for every POST; no view replaces the
        # upload handlers, which reading it this early would prevent.
        if request.method != "POST":
            return None
        if _query_has_nul(request.POST) or any(
            NUL in key or any(NUL in f.name for f in files) for key, files in request.FILES.lists()
        ):
            return _refuse(request)
        return None


def _refuse(request: HttpRequest) -> HttpResponse:
    logger.warning("Refused a request with a NUL character: %s %r", request.method, request.path)
    if request.path.startswith("/api/"):
        # The REST API's one error body (api/exceptions.py), as its schema documents.
        body = {"status": 400, "code": "invalid", "detail": NUL_REFUSED, "errors": {}}
        return JsonResponse(body, status=400)
    return HttpResponseBadRequest(NUL_REFUSED, content_type="text/plain; charset=utf-8")
