from django.contrib import admin

from .models import CareerPath, ChecklistItem, RoleSkill, WorkRole


class RoleSkillInline(admin.TabularInline):
    model = RoleSkill
    extra = 0
    autocomplete_fields = ["skill"]


@admin.register(WorkRole)
class WorkRoleAdmin(admin.ModelAdmin):
    list_display = ["title", "family"]
    list_filter = ["family"]
    search_fields = ["title"]
    inlines = [RoleSkillInline]


@admin.register(ChecklistItem)
class ChecklistItemAdmin(admin.ModelAdmin):
    list_display = ["text", "skill", "level"]
    list_select_related = ["skill"]


@admin.register(CareerPath)
class CareerPathAdmin(admin.ModelAdmin):
    list_display = ["from_role", "to_role"]
    list_select_related = ["from_role", "to_role"]
