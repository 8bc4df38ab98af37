from django.contrib import admin
from django.utils import timezone

from .models import EmailStatus, OutboxMessage, OutgoingEmail
from .services import SEND_TASK, outbox_enqueue


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["id", "task_name", "status", "attempts", "created_at", "dispatched_at"]
    list_filter = ["status", "task_name"]
    readonly_fields = [
        "task_name",
        "args",
        "kwargs",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "dispatched_at",
    ]


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "kind",
        "batch",
        "to",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "sent_at",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["batch", "to"]
    # Never the subject or body (core.admin_privacy): they quote private text.
    readonly_fields = [
        f.name
        for f in OutgoingEmail._meta.fields
        if f.name not in {"subject", "body", "attachment"}
    ]
    actions = ["retry"]

    @admin.action(description="Send the selected refused emails again")
    def retry(self, request, queryset) -> None:
        count = queryset.filter(status=EmailStatus.REFUSED).update(
            status=EmailStatus.PENDING, attempts=0, next_attempt_at=timezone.now()
        )
        if count:
            outbox_enqueue(task=SEND_TASK)
        self.message_user(request, f"{count} email(s) queued again.")
