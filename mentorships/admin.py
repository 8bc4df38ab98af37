from django.contrib import admin

from .models import Agreement, Goal, Mentorship, MentorshipEvent, Milestone, ResetRequest


class EventInline(admin.TabularInline):
    model = MentorshipEvent
    extra = 0
    raw_id_fields = ["by"]


@admin.register(Mentorship)
class MentorshipAdmin(admin.ModelAdmin):
    list_display = ["mentor", "mentee", "program", "status", "source"]
    list_filter = ["status", "source", "program"]
    raw_id_fields = ["mentor", "mentee", "created_by", "replaced_by", "matching_run"]
    inlines = [EventInline]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ["__str__", "mentorship", "status", "target_date"]
    list_filter = ["status"]
    raw_id_fields = ["mentorship"]
    inlines = [MilestoneInline]


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["mentorship", "mentor_confirmed_at", "mentee_confirmed_at"]
    raw_id_fields = ["mentorship"]


@admin.register(ResetRequest)
class ResetRequestAdmin(admin.ModelAdmin):
    list_display = ["mentorship", "raised_by", "created_at", "resolved_at", "outcome"]
    list_filter = ["outcome"]
    raw_id_fields = ["mentorship", "raised_by", "resolved_by"]
