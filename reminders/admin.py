from django.contrib import admin
from django.utils.text import Truncator

from .models import (
    AtRiskFlag,
    CalendarToken,
    Digest,
    EmailLog,
    NotificationPreference,
    ReminderSent,
)


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "email_enabled", "weekly_digest", "updated_at"]
    raw_id_fields = ["user"]


class DeliveryErrorMixin:
    """Shows why delivery failed. The counters are written by the sender only: editing them by
    hand would break the MAX_ATTEMPTS cap."""

    readonly_fields = ["attempts", "last_error"]

    @admin.display(description="Last error", ordering="last_error")
    def short_error(self, obj: ReminderSent | Digest) -> str:
        return Truncator(obj.last_error).chars(80)


@admin.register(ReminderSent)
class ReminderSentAdmin(DeliveryErrorMixin, admin.ModelAdmin):
    list_display = [
        "kind",
        "recipient",
        "mentorship",
        "period_start",
        "channel",
        "status",
        "attempts",
        "short_error",
        "sent_at",
    ]
    list_filter = ["status", "kind", "channel"]
    raw_id_fields = ["mentorship", "recipient", "milestone", "digest"]
    # The batch sender's lease: written by the sender only (see services.reminders_send_pending).
    readonly_fields = [
        *DeliveryErrorMixin.readonly_fields,
        "claim_token",
        "lease_until",
        "interruptions",
    ]
    list_select_related = [
        "recipient",
        "mentorship__mentor",
        "mentorship__mentee",
        "mentorship__program",
    ]


@admin.register(Digest)
class DigestAdmin(DeliveryErrorMixin, admin.ModelAdmin):
    list_display = ["user", "week_start", "status", "attempts", "short_error", "sent_at"]
    list_filter = ["status"]
    raw_id_fields = ["user"]


@admin.register(EmailLog)
class EmailLogAdmin(admin.ModelAdmin):
    list_display = ["__str__", "to", "sent_at"]
    raw_id_fields = ["reminder", "digest"]


@admin.register(AtRiskFlag)
class AtRiskFlagAdmin(admin.ModelAdmin):
    list_display = ["mentorship", "period_start", "flagged_at", "resolved_at"]
    raw_id_fields = ["mentorship"]
    list_select_related = ["mentorship__mentor", "mentorship__mentee", "mentorship__program"]


@admin.register(CalendarToken)
class CalendarTokenAdmin(admin.ModelAdmin):
    # The token itself is a credential: not listed.
    list_display = ["user", "created_at", "revoked_at"]
    exclude = ["token"]
    raw_id_fields = ["user"]
