from django.contrib import admin

from .models import ExpertProfile, FlashSession


@admin.register(ExpertProfile)
class ExpertProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "listed", "monthly_sessions", "share_program_skills", "updated_at")
    list_filter = ("listed",)
    raw_id_fields = ("user",)
    filter_horizontal = ("skills",)


@admin.register(FlashSession)
class FlashSessionAdmin(admin.ModelAdmin):
    # The note is private to the two people (core.admin_privacy keeps it out).
    list_display = ("pk", "requester", "expert", "skill", "month", "status", "scheduled_at")
    list_filter = ("status",)
    raw_id_fields = ("requester", "expert", "skill")
