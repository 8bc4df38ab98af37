import logging
import threading
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


BUSY = "Tandem is busy right now. Please try again in a moment."


class _Slots:
    """Requests running in this process, and those waiting for one of them to finish."""

    def __init__(self) -> None:
        self.free = threading.Condition()
        self.running = 0
        self.waiting = 0

    def enter(self, *, limit: int, queue: int, wait: float) -> bool:
        with self.free:
            if self.running < limit:
                self.running += 1
                return True
            if self.waiting >= queue:
                return False
            self.waiting += 1
            try:
                ok = self.free.wait_for(lambda: self.running < limit, timeout=wait)
            finally:
                self.waiting -= 1
            if ok:
                self.running += 1
            return ok

    def leave(self) -> None:
        with self.free:
            self.running -= 1
            self.free.notify()


class LoadShedMiddleware:
    """Sheds load on purpose: a clear 503 with Retry-After, never a reset or a long queue.

    At most WEB_MAX_IN_FLIGHT requests run at once in this process (0: no limit); up to
    WEB_MAX_QUEUED more wait for a slot, each at most WEB_QUEUE_SECONDS; any other request is
    answered 503 at once. gunicorn's threads (gunicorn.conf.py) outnumber the two, so a spare
    thread is there to say so. Health checks are answered before this (core.health).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.slots = _Slots()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.WEB_MAX_IN_FLIGHT
        if limit <= 0:
            return self.get_response(request)
        if not self.slots.enter(
            limit=limit, queue=settings.WEB_MAX_QUEUED, wait=settings.WEB_QUEUE_SECONDS
        ):
            return busy()
        try:
            return self.get_response(request)
        finally:
            self.slots.leave()


def busy() -> HttpResponse:
    response = HttpResponse(BUSY, status=503, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(settings.WEB_RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
