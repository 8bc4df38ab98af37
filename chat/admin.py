from django.contrib import admin

from .models import ChatMessage, ChatPreference, TeamsChannel


@admin.register(ChatPreference)
class ChatPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "delivery", "updated_at")
    list_filter = ("delivery",)
    search_fields = ("user__email",)
    raw_id_fields = ("user",)


@admin.register(TeamsChannel)
class TeamsChannelAdmin(admin.ModelAdmin):
    # The webhook URL is a secret (anyone with it can post to the channel): never shown.
    list_display = ("program", "set_by", "updated_at")
    fields = ("program", "set_by", "updated_at")
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(ChatMessage)
class ChatMessageAdmin(admin.ModelAdmin):
    """What went where and why it failed; the message text is left out."""

    list_display = (
        "id",
        "service",
        "kind",
        "recipient",
        "channel",
        "status",
        "attempts",
        "created_at",
    )
    list_filter = ("service", "status", "kind")
    search_fields = ("recipient__email", "dedupe_key")
    fields = (
        "service",
        "kind",
        "recipient",
        "channel",
        "dedupe_key",
        "status",
        "attempts",
        "next_attempt_at",
        "claimed_until",
        "last_error",
        "created_at",
        "sent_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
