from django.contrib import admin

from .models import Goal, Mentorship


@admin.register(Mentorship)
class MentorshipAdmin(admin.ModelAdmin):
    list_display = ["mentor", "mentee", "program", "status", "source"]
    list_filter = ["status", "source", "program"]
    raw_id_fields = ["mentor", "mentee", "created_by", "replaced_by", "matching_run"]


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ["title", "mentorship", "status", "target_date"]
    list_filter = ["status"]
    raw_id_fields = ["mentorship"]
