"""API tokens: created (the secret returned once), revoked, and marked used. Audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from people.permissions import is_hr

from . import scopes as scope_names
from . import tokens
from .models import ApiToken, TokenKind


@dataclass(frozen=True)
class CreatedToken:
    token: ApiToken
    secret: str  # shown once, never stored


@transaction.atomic
def api_token_create(
    *,
    user,
    name: str,
    scopes: list[str],
    expires_in_days: int,
    kind: str = TokenKind.PERSONAL,
    by=None,
) -> CreatedToken:
    by = by or user
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Give the token a name, e.g. the integration using it."})
    if "\x00" in name:
        raise ValidationError({"name": "The name contains a NUL character."})
    try:
        clean_scopes = scope_names.normalise(scopes)
    except ValueError as exc:
        raise ValidationError({"scopes": str(exc)}) from exc
    if not clean_scopes:
        raise ValidationError({"scopes": "Choose at least one scope."})
    max_days = settings.API_TOKEN_MAX_DAYS
    if not 1 <= int(expires_in_days) <= max_days:
        raise ValidationError({"expires_in_days": f"A token expires after 1 to {max_days} days."})
    if kind not in TokenKind.values:
        raise ValidationError({"kind": "Unknown kind of token."})
    if kind == TokenKind.SERVICE and not is_hr(user):
        raise PermissionDenied("Only HR coordinators own service tokens.")
    secret = tokens.generate()
    token = ApiToken.objects.create(
        user=user,
        kind=kind,
        name=name[:100],
        prefix=tokens.prefix(secret),
        digest=tokens.digest(secret),
        scopes=clean_scopes,
        expires_at=timezone.now() + timedelta(days=int(expires_in_days)),
    )
    audit_record(
        actor=by,
        action="api_token.create",
        obj=token,
        payload={"kind": kind, "scopes": clean_scopes, "owner": user.email},
    )
    return CreatedToken(token=token, secret=secret)


def can_revoke(user, token: ApiToken) -> bool:
    return token.user_id == user.pk or (token.kind == TokenKind.SERVICE and is_hr(user))


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by) -> ApiToken:
    if not can_revoke(by, token):
        raise PermissionDenied("This token isn't yours to revoke.")
    updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=by
    )
    token.refresh_from_db()
    if updated:
        audit_record(
            actor=by,
            action="api_token.revoke",
            obj=token,
            payload={"kind": token.kind, "owner": token.user.email},
        )
    return token


def api_token_mark_used(*, token: ApiToken) -> None:
    """Records the last use, at most once a minute per token (one UPDATE, no audit entry)."""
    now = timezone.now()
    if token.last_used_at and now - token.last_used_at < timedelta(minutes=1):
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
