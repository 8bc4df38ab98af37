from django.contrib import admin

from .models import DashboardSnapshot, OutcomeEvent


@admin.register(OutcomeEvent)
class OutcomeEventAdmin(admin.ModelAdmin):
    list_display = ["employee", "kind", "occurred_on", "recorded_by"]
    list_filter = ["kind"]
    search_fields = ["employee__full_name", "employee__email"]
    raw_id_fields = ["employee", "recorded_by"]
    date_hierarchy = "occurred_on"


@admin.register(DashboardSnapshot)
class DashboardSnapshotAdmin(admin.ModelAdmin):
    """Read-only: the morning task and the dashboards' viewers write these."""

    list_display = ["label", "data_day", "computed_at", "compute_ms", "is_default"]
    list_filter = ["is_default", "data_day"]
    search_fields = ["label", "key"]
    exclude = ["payload"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
