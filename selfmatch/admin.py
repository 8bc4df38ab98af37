from django.contrib import admin

from .models import Choice, MatchRequest, ProgramMatching


@admin.register(ProgramMatching)
class ProgramMatchingAdmin(admin.ModelAdmin):
    list_display = ("program", "mode", "response_days", "max_choices", "closes_on", "closed_at")
    list_filter = ("mode",)
    raw_id_fields = ("program", "closing_run", "updated_by")


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 0
    fields = ("rank", "mentor", "status", "score", "sent_at", "due_at", "answered_at")
    readonly_fields = fields
    can_delete = False


@admin.register(MatchRequest)
class MatchRequestAdmin(admin.ModelAdmin):
    # The note is private to the mentee and the mentors asked (core.admin_privacy keeps it out).
    list_display = ("pk", "program", "mentee", "status", "created_at", "closed_at")
    list_filter = ("status",)
    raw_id_fields = ("program", "mentee", "mentorship", "closed_by")
    inlines = [ChoiceInline]
