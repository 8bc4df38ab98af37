"""Matching runs and their proposals: HR coordinators of the run's program only.

As on the matching pages: someone without the HR role gets 403 before anything is looked up;
an HR coordinator lists the runs of the programs they coordinate, and another program's run or
proposal is not found (404), like a missing one (docs/security.md#refusals). Starting a run,
accepting, rejecting and publishing go through matching.services (rules, audit, worker).
"""

from __future__ import annotations

import django_filters
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from matching import services
from matching.models import MatchingRun, Objective, Proposal, ProposalStatus, RunStatus
from people.permissions import is_hr
from programs.models import Program

from ..base import ReadOnlyResource, RoleRequired
from ._shared import MAX_SMALL, IdFilter, MethodFirst, PersonRefSerializer, ids_field


@extend_schema_field(
    {
        "type": "array",
        "items": {
            "type": "array",
            "items": {"oneOf": [{"type": "string"}, {"type": "number"}]},
            "description": "[reason, points]",
        },
    }
)
class ExplanationField(serializers.JSONField):
    pass


@extend_schema_field({"type": "array", "items": {"type": "object"}})
class JSONListField(serializers.JSONField):
    pass


class MatchingRunSerializer(serializers.ModelSerializer):
    program = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    started_by = PersonRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = MatchingRun
        fields = [
            "id",
            "program",
            "status",
            "mode",
            "progress",
            "progress_message",
            "matched_count",
            "unmatched_count",
            "started_by",
            "created_at",
            "started_at",
            "finished_at",
            "published_at",
            "error",
        ]
        read_only_fields = fields


class ProposalCountsSerializer(serializers.Serializer):
    proposed = serializers.IntegerField()
    accepting = serializers.IntegerField()
    accepted = serializers.IntegerField()
    rejected = serializers.IntegerField()
    superseded = serializers.IntegerField()


class MatchingRunDetailSerializer(MatchingRunSerializer):
    proposal_counts = serializers.SerializerMethodField(help_text="Proposals of the run by status.")
    unmatched = JSONListField(
        read_only=True, help_text="Mentees left unmatched: mentee_id, name, reason."
    )

    class Meta(MatchingRunSerializer.Meta):
        fields = [*MatchingRunSerializer.Meta.fields, "method_note", "proposal_counts", "unmatched"]
        read_only_fields = fields

    @extend_schema_field(ProposalCountsSerializer)
    def get_proposal_counts(self, run: MatchingRun) -> dict[str, int]:
        counts = dict.fromkeys(ProposalStatus.values, 0)
        rows = run.proposals.order_by().values("status").annotate(n=Count("id"))
        for row in rows:
            counts[row["status"]] = row["n"]
        return counts


class ProposalSerializer(serializers.ModelSerializer):
    mentee = PersonRefSerializer(read_only=True)
    mentor = PersonRefSerializer(read_only=True)
    explanation = ExplanationField(read_only=True, help_text="Why this pair: [reason, points].")
    alternatives = JSONListField(
        read_only=True, help_text="Up to three other allowed mentors with their score."
    )

    class Meta:
        model = Proposal
        fields = [
            "id",
            "run",
            "mentee",
            "mentor",
            "score",
            "explanation",
            "alternatives",
            "status",
            "swapped",
            "refusal",
            "mentorship",
        ]
        read_only_fields = fields


class RunStartSerializer(serializers.Serializer):
    program = serializers.SlugField(max_length=200, help_text="The program's slug.")
    mode = serializers.ChoiceField(
        choices=Objective.choices, required=False, help_text="Default: the program's objective."
    )


class ProposalIdsSerializer(serializers.Serializer):
    proposals = ids_field(allow_empty=False, help_text="Ids of open proposals of this run.")


class AcceptSerializer(serializers.Serializer):
    proposals = ids_field(
        required=False, allow_empty=False, help_text="Ids of open proposals of this run to accept."
    )
    all = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Accept every open proposal (the worker does it; the run's counts show "
        "how far it got).",
    )

    def validate(self, data: dict) -> dict:
        if bool(data.get("proposals")) == bool(data.get("all")):
            raise serializers.ValidationError("Give `proposals` (a list of ids) or `all`: true.")
        return data


class RefusedSerializer(serializers.Serializer):
    proposal = serializers.IntegerField()
    reason = serializers.CharField()


class AcceptResultSerializer(serializers.Serializer):
    accepted = serializers.ListField(child=serializers.IntegerField())
    refused = RefusedSerializer(many=True)
    queued = serializers.IntegerField(help_text="Proposals handed to the worker (`all`).")


class RejectResultSerializer(serializers.Serializer):
    rejected = serializers.IntegerField()


class PublishResultSerializer(serializers.Serializer):
    pairs = serializers.IntegerField(help_text="Pairs the worker activates and emails.")


def _require_hr(request) -> None:
    # The role first, so a refusal never depends on whether the id exists (docs/security.md).
    if not is_hr(request.user):
        raise RoleRequired("Only HR coordinators can use matching.")


class RunFilter(django_filters.FilterSet):
    program = django_filters.CharFilter(field_name="program__slug", max_length=200)
    status = django_filters.MultipleChoiceFilter(choices=RunStatus.choices)
    published = django_filters.BooleanFilter(
        field_name="published_at", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = MatchingRun
        fields = ["program", "status", "published"]


class ProposalFilter(django_filters.FilterSet):
    run = IdFilter(field_name="run_id")
    status = django_filters.MultipleChoiceFilter(choices=ProposalStatus.choices)
    min_score = IdFilter(
        field_name="score", lookup_expr="gte", min_value=-MAX_SMALL, max_value=MAX_SMALL
    )

    class Meta:
        model = Proposal
        fields = ["run", "status", "min_score"]


class MatchingRunViewSet(MethodFirst, ReadOnlyResource):
    """Matching runs of the programs you coordinate, newest first."""

    queryset = MatchingRun.objects.none()  # the schema's model; get_queryset() is per user
    scope_group = "matching"
    filterset_class = RunFilter
    ordering_fields = ["created_at", "id"]
    ordering = ["-id"]

    def check_role(self, request) -> None:
        _require_hr(request)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema: no user
            return self.queryset.none()
        return MatchingRun.objects.filter(program__coordinators=self.request.user).select_related(
            "program", "started_by"
        )

    def get_serializer_class(self):
        return MatchingRunSerializer if self.action == "list" else MatchingRunDetailSerializer

    @extend_schema(request=RunStartSerializer, responses={201: MatchingRunDetailSerializer})
    def create(self, request, *args, **kwargs):
        """Start a matching run of a program you coordinate (the worker runs it; poll the
        run for its status). 403 for a program you don't coordinate."""
        data = RunStartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        program = Program.objects.filter(slug=data.validated_data["program"]).first()
        if program is None:
            raise ValidationError({"program": "No program has this slug."})
        if not program.is_coordinator(request.user):
            raise PermissionDenied("You don't coordinate this program.")
        run = services.matching_run_start(
            program=program, by=request.user, mode=data.validated_data.get("mode")
        )
        fresh = self.get_queryset().get(pk=run.pk)
        return Response(MatchingRunDetailSerializer(fresh).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AcceptSerializer, responses=AcceptResultSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Accept open proposals as proposed mentorships (publish the run to tell them).
        Proposals a pairing rule refuses are listed in `refused` with the reason."""
        run = self.get_object()
        data = AcceptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if data.validated_data.get("all"):
            queued = services.proposals_accept_all_start(run=run, by=request.user)
            return Response({"accepted": [], "refused": [], "queued": queued})
        result = services.proposals_accept(
            run=run, proposal_ids=data.validated_data["proposals"], by=request.user
        )
        return Response(
            {
                "accepted": [p.pk for p in result.accepted],
                "refused": [{"proposal": p.pk, "reason": why} for p, why in result.refused],
                "queued": 0,
            }
        )

    @extend_schema(request=ProposalIdsSerializer, responses=RejectResultSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Reject open proposals: their mentors' places become free."""
        run = self.get_object()
        data = ProposalIdsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        count = services.proposals_reject(
            run=run, proposal_ids=data.validated_data["proposals"], by=request.user
        )
        return Response({"rejected": count})

    @extend_schema(request=None, responses=PublishResultSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish the run: the worker activates its accepted pairs and emails both sides."""
        run = self.get_object()
        return Response({"pairs": services.run_publish(run=run, by=request.user)})


class ProposalViewSet(MethodFirst, ReadOnlyResource):
    """Proposals of runs of the programs you coordinate, best score first (filter `run`)."""

    queryset = Proposal.objects.none()  # the schema's model; get_queryset() is per user
    scope_group = "matching"
    serializer_class = ProposalSerializer
    filterset_class = ProposalFilter
    ordering_fields = ["score", "id"]
    ordering = ["-score", "id"]

    def check_role(self, request) -> None:
        _require_hr(request)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema: no user
            return self.queryset.none()
        return Proposal.objects.filter(run__program__coordinators=self.request.user).select_related(
            "mentee", "mentor"
        )


ROUTES = [
    ("matching-runs", MatchingRunViewSet, "matching-run"),
    ("proposals", ProposalViewSet, "proposal"),
]
