from django.contrib import admin

from .models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["id", "task_name", "status", "attempts", "created_at", "dispatched_at"]
    list_filter = ["status", "task_name"]
    readonly_fields = ["task_name", "args", "kwargs", "status", "attempts", "last_error",
                       "created_at", "dispatched_at"]
