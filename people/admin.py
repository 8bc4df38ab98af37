from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Department, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["full_name"]
    list_display = ["email", "full_name", "department", "manager", "is_hr_coordinator", "is_active"]
    list_filter = ["is_active", "is_staff", "is_hr_coordinator", "department"]
    search_fields = ["email", "full_name"]
    raw_id_fields = ["manager"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            "Profile",
            {
                "fields": [
                    "full_name",
                    "job_title",
                    "job_family",
                    "department",
                    "manager",
                    "hire_date",
                    "location",
                    "timezone",
                ]
            },
        ),
        (
            "Roles",
            {
                "fields": [
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "is_hr_coordinator",
                    "can_view_leadership",
                    "groups",
                ]
            },
        ),
    ]
    add_fieldsets = [(None, {"fields": ["email", "full_name", "password1", "password2"]})]


admin.site.register(Department)
