"""Programs: what the program page shows to anyone signed in (drafts: their coordinators).

Writes: a coordinator moves the program's status (the manage page's button), through
programs.services.program_change_status (rules, row lock, audit).
"""

from __future__ import annotations

import django_filters
from django.db.models import Q
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from people.permissions import is_hr
from programs import services
from programs.models import Format, Program, Purpose, Status

from ..base import ReadOnlyResource


class ProgramSerializer(serializers.ModelSerializer):
    web_url = serializers.SerializerMethodField(help_text="The program's page in Tandem.")

    class Meta:
        model = Program
        fields = [
            "slug",
            "name",
            "description",
            "purpose",
            "format",
            "status",
            "start_date",
            "end_date",
            "meeting_cadence",
            "milestone_cadence",
            "requires_manager_approval",
            "web_url",
        ]
        read_only_fields = fields

    def get_web_url(self, program: Program) -> str:
        return self.context["request"].build_absolute_uri(program.get_absolute_url())


class ProgramStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices)


class ProgramFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Status.choices)
    purpose = django_filters.ChoiceFilter(choices=Purpose.choices)
    format = django_filters.ChoiceFilter(choices=Format.choices)
    coordinated = django_filters.BooleanFilter(
        method="filter_coordinated", label="Only programs I coordinate"
    )

    class Meta:
        model = Program
        fields = ["status", "purpose", "format", "coordinated"]

    def filter_coordinated(self, queryset, name, value):
        user = self.request.user
        if value is None:
            return queryset
        mine = Q(coordinators=user) if is_hr(user) else Q(pk__in=[])
        return queryset.filter(mine) if value else queryset.exclude(mine)


class ProgramViewSet(ReadOnlyResource):
    """Programs: published ones for everyone, drafts for their coordinators (as the pages)."""

    scope_group = "programs"
    queryset = Program.objects.none()
    serializer_class = ProgramSerializer
    filterset_class = ProgramFilter
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    ordering_fields = ["name", "start_date", "end_date", "id"]
    ordering = ["start_date", "id"]

    def get_queryset(self):
        user = self.request.user
        # programs.selectors.program_visible_to, as a query: not a draft, or coordinated.
        visible = ~Q(status=Status.DRAFT)
        if is_hr(user):
            visible |= Q(coordinators=user)
        return Program.objects.filter(visible).distinct()

    @extend_schema(request=ProgramStatusSerializer, responses=ProgramSerializer)
    @action(detail=True, methods=["post"], url_path="status")
    def change_status(self, request, slug=None):
        """Move the program to its next status (coordinators of the program only)."""
        if not is_hr(request.user):
            raise PermissionDenied("Only HR coordinators change a program's status.")
        program = self.get_object()
        if not program.is_coordinator(request.user):
            raise PermissionDenied("You don't coordinate this program.")
        data = ProgramStatusSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        program = services.program_change_status(
            program=program, new_status=data.validated_data["status"], by=request.user
        )
        return Response(self.get_serializer(program).data)


ROUTES = [("programs", ProgramViewSet, "program")]
