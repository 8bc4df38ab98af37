from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from people.permissions import is_hr

from . import tokens
from .models import ApiToken, TokenKind


def live_token(raw: str) -> ApiToken | None:
    """The unrevoked, unexpired token whose secret is `raw`, of an active owner, or None."""
    if not raw.startswith(tokens.TOKEN_MARK) or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=tokens.digest(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or token.expires_at <= timezone.now() or not token.user.is_active:
        return None
    return token


def tokens_visible_to(user) -> QuerySet[ApiToken]:
    """One's own tokens; for HR coordinators also every service token (any of them may
    revoke an integration's token, e.g. after a colleague left)."""
    condition = Q(user=user)
    if is_hr(user):
        condition |= Q(kind=TokenKind.SERVICE)
    return ApiToken.objects.filter(condition).select_related("user", "revoked_by")
