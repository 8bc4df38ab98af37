"""The one-time link in an invitation to choose a password."""

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Like a password-reset link, with its own expiry (INVITATION_DAYS).

    Void once used (the password it sets is part of the hash), once the person signs in, and
    once HR sends a newer invitation (`invited_at` is part of the hash too).
    """

    key_salt = "people.tokens.InvitationTokenGenerator"

    def _make_hash_value(self, user, timestamp: int) -> str:
        invited = user.invited_at.isoformat() if user.invited_at else ""
        return f"{super()._make_hash_value(user, timestamp)}{invited}"

    def check_token(self, user, token: str | None) -> bool:
        if not (user and token):
            return False
        try:
            ts_b36, _ = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        if self._num_seconds(self._now()) - ts > settings.INVITATION_DAYS * 24 * 60 * 60:
            return False
        return any(
            constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        )


invitation_tokens = InvitationTokenGenerator()
