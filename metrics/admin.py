from django.contrib import admin

from .models import OutcomeEvent


@admin.register(OutcomeEvent)
class OutcomeEventAdmin(admin.ModelAdmin):
    list_display = ["employee", "kind", "occurred_on", "recorded_by"]
    list_filter = ["kind"]
    search_fields = ["employee__full_name", "employee__email"]
    raw_id_fields = ["employee", "recorded_by"]
    date_hierarchy = "occurred_on"
