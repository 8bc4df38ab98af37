from django.contrib import admin

from .models import Delivery, Endpoint


@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin):
    list_display = ["id", "url", "program", "is_active", "consecutive_failures", "created_at"]
    list_filter = ["is_active"]
    # The signing secret is shown on the endpoint's page to those who manage it, not here.
    exclude = ["secret"]
    readonly_fields = ["consecutive_failures", "created_by"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "endpoint",
        "kind",
        "status",
        "attempts",
        "last_status_code",
        "created_at",
    ]
    list_filter = ["status", "kind"]
    readonly_fields = [f.name for f in Delivery._meta.fields]
