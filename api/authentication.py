"""Who is calling: a bearer API token (integrations) or the browser session (our scripts)."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from .selectors import live_token
from .services import api_token_mark_used

INVALID = "The API token is invalid, expired or revoked."


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <token>`. request.auth is the ApiToken (its scopes apply)."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "Send the token as `Authorization: Bearer <token>`, with no spaces in it."
            )
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(INVALID) from exc
        if "\x00" in raw:
            raise exceptions.AuthenticationFailed(INVALID)
        token = live_token(raw)
        if token is None:
            raise exceptions.AuthenticationFailed(INVALID)
        api_token_mark_used(token=token)
        return (token.user, token)

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="Tandem API"'


class SessionAuthentication(authentication.SessionAuthentication):
    """The signed-in browser session; CSRF is enforced on unsafe methods (DRF's rule)."""


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.BearerTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token (Account > API tokens, or manage.py create_api_token).",
        }


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.SessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}
