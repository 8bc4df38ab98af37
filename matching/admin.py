from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from .models import MatchingRun, PairRule, ProgramWeights, Proposal
from .services import matching_run_fail


@admin.register(MatchingRun)
class MatchingRunAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "program",
        "status",
        "mode",
        "matched_count",
        "unmatched_count",
        "objective",
        "created_at",
        "published_at",
    ]
    list_filter = ["status", "mode"]
    list_select_related = ["program"]
    raw_id_fields = ["program", "started_by"]
    readonly_fields = ["timings", "fairness", "unmatched", "parameters"]
    actions = ["mark_failed"]

    @admin.action(description="Mark stuck queued/running runs as failed (frees the program)")
    def mark_failed(self, request: HttpRequest, queryset: QuerySet[MatchingRun]) -> None:
        for run in queryset:
            matching_run_fail(run_id=run.pk, error=f"Stopped by {request.user} in the admin.")
        messages.success(request, "Open runs among the selected ones are now failed.")


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["id", "run", "mentee", "mentor", "score", "status"]
    list_filter = ["status"]
    list_select_related = ["run", "mentee", "mentor"]
    raw_id_fields = ["run", "mentee", "mentor", "mentorship"]


@admin.register(ProgramWeights)
class ProgramWeightsAdmin(admin.ModelAdmin):
    list_display = [
        "program",
        "skill_fit",
        "career_goal",
        "communication",
        "experience",
        "availability",
        "diversity",
        "load_penalty",
        "objective",
    ]
    raw_id_fields = ["program", "updated_by"]


@admin.register(PairRule)
class PairRuleAdmin(admin.ModelAdmin):
    list_display = ["program", "kind", "mentee", "mentor", "created_at"]
    list_filter = ["kind"]
    raw_id_fields = ["program", "mentee", "mentor", "created_by"]
