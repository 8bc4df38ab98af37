"""Admin for check-ins. Individual pulses have no admin page; private notes, next steps, shared
summaries, action items and recognition messages are kept out by core.admin_privacy."""

from django.contrib import admin

from mentorships.admin import MarksHealthStaleOnDelete

from .models import CheckIn, CheckInTemplate, Recognition
from .services import mentorship_health_changed


@admin.register(CheckIn)
class CheckInAdmin(MarksHealthStaleOnDelete, admin.ModelAdmin):
    readonly_fields = ("mentorship", "author", "template", "created_at")
    list_display = ("date", "mentorship", "author", "activity", "duration_minutes")
    list_filter = ("activity", "mentorship__program")
    search_fields = ("mentorship__mentor__email", "mentorship__mentee__email")
    date_hierarchy = "date"
    raw_id_fields = ("skills", "goals", "milestones")

    # A date changed or a check-in deleted here: the pairing's stored health follows.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        mentorship_health_changed(mentorship_id=obj.mentorship_id)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related(
                "mentorship__mentor", "mentorship__mentee", "mentorship__program", "author"
            )
        )


@admin.register(CheckInTemplate)
class CheckInTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "program", "is_retired", "created_at")
    list_filter = ("is_retired", "program")
    search_fields = ("name",)


@admin.register(Recognition)
class RecognitionAdmin(admin.ModelAdmin):
    list_display = ("mentor", "sent_to", "sent_by", "sent_at")
    readonly_fields = ("mentor", "sent_to", "sent_by", "sent_at")
