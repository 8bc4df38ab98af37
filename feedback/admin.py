from django.contrib import admin

from .models import AssessmentRound, Survey


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    # Answers are not registered: individual answers stay out of the admin to keep anonymity.
    list_display = ["program", "kind", "opens_on", "closes_on", "status"]
    list_filter = ["kind", "status"]


@admin.register(AssessmentRound)
class AssessmentRoundAdmin(admin.ModelAdmin):
    list_display = ["program", "kind", "due_on", "status", "include_manager"]
    list_filter = ["kind", "status"]
