from django.contrib import admin

from .describe import describe
from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: nobody edits or deletes the audit log, not even superusers."""

    list_display = ["created_at", "sentence", "action", "program"]
    list_select_related = ["actor", "program"]
    list_filter = ["action", "program"]
    search_fields = ["actor_label", "object_label"]

    @admin.display(description="What happened")
    def sentence(self, event: AuditEvent) -> str:
        return describe(event)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
