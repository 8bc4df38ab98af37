from django.contrib import admin

from .models import Agreement, Goal, Mentorship, MentorshipEvent, Milestone, ResetRequest
from .services import mentorships_mark_health_stale


class MarksHealthStaleOnDelete:
    """For the admin of a model with a `mentorship_id` that relationship health reads: deleting
    rows here flags their pairings, whose stored health (checkins) is then recomputed."""

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        mentorships_mark_health_stale(ids=[obj.mentorship_id])

    def delete_queryset(self, request, queryset):
        ids = list(queryset.values_list("mentorship_id", flat=True))
        super().delete_queryset(request, queryset)
        mentorships_mark_health_stale(ids=ids)


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

    def save_model(self, request, obj, form, change):
        # A status or start date changed here: the stored health is recomputed (checkins).
        obj.health_stale = True
        super().save_model(request, obj, form, change)


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(Goal)
class GoalAdmin(MarksHealthStaleOnDelete, admin.ModelAdmin):
    list_display = ["__str__", "mentorship", "status", "target_date"]
    list_filter = ["status"]
    raw_id_fields = ["mentorship"]
    inlines = [MilestoneInline]

    # Milestones edited or deleted here: the pairing's stored health is recomputed (checkins).
    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        mentorships_mark_health_stale(ids=[form.instance.mentorship_id])


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["mentorship", "mentor_confirmed_at", "mentee_confirmed_at"]
    raw_id_fields = ["mentorship"]


@admin.register(ResetRequest)
class ResetRequestAdmin(admin.ModelAdmin):
    list_display = ["mentorship", "raised_by", "created_at", "resolved_at", "outcome"]
    list_filter = ["outcome"]
    raw_id_fields = ["mentorship", "raised_by", "resolved_by"]
