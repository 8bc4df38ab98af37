"""Rate limits on the shared cache: per token, per signed-in user (session), per address."""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from people.signin import client_ip

from .permissions import token_of


class ApiRateThrottle(SimpleRateThrottle):
    """One bucket per API token, per user for browser sessions, per client address otherwise.

    Rates come from settings at request time (API_RATE_TOKEN, API_RATE_SESSION, API_RATE_ANON,
    e.g. "600/min"), so a test or an operator may change them without reloading anything.
    A refused request gets 429 with Retry-After (seconds).
    """

    cache_format = "api-throttle:%(scope)s:%(ident)s"

    def __init__(self) -> None:  # the rate depends on the request: see allow_request
        pass

    def allow_request(self, request, view) -> bool:
        token = token_of(request)
        if token is not None:
            self.scope, ident, rate = "token", token.pk, settings.API_RATE_TOKEN
        elif request.user and request.user.is_authenticated:
            self.scope, ident, rate = "user", request.user.pk, settings.API_RATE_SESSION
        else:
            ident = client_ip(request._request) or "unknown"
            self.scope, rate = "anon", settings.API_RATE_ANON
        self.rate = rate
        self.num_requests, self.duration = self.parse_rate(rate)
        self.key = self.cache_format % {"scope": self.scope, "ident": ident}
        return self._allow(request)

    def _allow(self, request) -> bool:
        if self.rate is None:
            return True
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        if len(self.history) >= self.num_requests:
            return self.throttle_failure()
        return self.throttle_success()

    def get_cache_key(self, request, view):  # pragma: no cover - allow_request sets the key
        return self.key
