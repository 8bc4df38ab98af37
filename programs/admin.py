from django.contrib import admin

from .models import Enrolment, EnrolmentSkill, Program, Skill


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["name", "category"]
    list_filter = ["category"]
    search_fields = ["name"]


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["name", "purpose", "format", "status", "start_date", "end_date"]
    list_filter = ["status", "format", "purpose"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["coordinators"]


class EnrolmentSkillInline(admin.TabularInline):
    model = EnrolmentSkill
    extra = 0


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ["user", "program", "role", "status", "decided_by", "created_at"]
    list_filter = ["role", "status", "program"]
    list_select_related = ["user", "program", "decided_by"]
    search_fields = ["user__full_name", "user__email", "program__name"]
    raw_id_fields = ["user", "decided_by"]
    inlines = [EnrolmentSkillInline]
