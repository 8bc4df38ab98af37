"""Outcome events (certifications, promotions, moves, departures, project outcomes).

HR records, as on the outcomes page (`metrics:outcomes`): every HR coordinator may list and
record them, organisation-wide; anyone else gets 403 (a role page, docs/security.md#refusals).
Recording validates with the page's own form and goes through metrics.services, which refuses
the same event twice.
"""

from __future__ import annotations

import django_filters
from django.db.models import Q
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from metrics import services
from metrics.forms import OutcomeEventForm
from metrics.models import OutcomeEvent, OutcomeKind
from people.permissions import is_hr

from ..base import ReadOnlyResource, RoleRequired
from ._shared import IdFilter, MethodFirst


class EmployeeRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    email = serializers.EmailField(read_only=True)
    full_name = serializers.CharField(read_only=True)


class OutcomeEventSerializer(serializers.ModelSerializer):
    employee = EmployeeRefSerializer(read_only=True)

    class Meta:
        model = OutcomeEvent
        fields = [
            "id",
            "employee",
            "kind",
            "occurred_on",
            "certification_name",
            "certification_issuer",
            "from_role",
            "to_role",
            "from_department",
            "to_department",
            "voluntary",
            "project_name",
            "rating",
            "note",
            "created_at",
        ]
        read_only_fields = fields


class OutcomeEventInSerializer(serializers.Serializer):
    """The outcomes page's form, as JSON: which fields are required depends on `kind`."""

    employee_email = serializers.EmailField(help_text="Who the event is about.")
    kind = serializers.ChoiceField(choices=OutcomeKind.choices)
    occurred_on = serializers.DateField()
    certification_name = serializers.CharField(
        max_length=150, required=False, allow_blank=True, help_text="For a certification."
    )
    certification_issuer = serializers.CharField(
        max_length=150, required=False, allow_blank=True, help_text="For a certification."
    )
    from_role = serializers.CharField(max_length=150, required=False, allow_blank=True)
    to_role = serializers.CharField(max_length=150, required=False, allow_blank=True)
    from_department = serializers.CharField(max_length=120, required=False, allow_blank=True)
    to_department = serializers.CharField(max_length=120, required=False, allow_blank=True)
    voluntary = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="For a departure."
    )
    project_name = serializers.CharField(
        max_length=150, required=False, allow_blank=True, help_text="For a project outcome."
    )
    rating = serializers.IntegerField(
        min_value=1, max_value=5, required=False, allow_null=True, help_text="For a project."
    )
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True)


class OutcomeEventFilter(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=OutcomeKind.choices)
    employee = IdFilter(field_name="employee_id")
    q = django_filters.CharFilter(
        method="filter_q", max_length=100, label="Part of the employee's name or email"
    )
    occurred_after = django_filters.DateFilter(field_name="occurred_on", lookup_expr="gte")
    occurred_before = django_filters.DateFilter(field_name="occurred_on", lookup_expr="lte")

    class Meta:
        model = OutcomeEvent
        fields = ["kind", "employee", "q", "occurred_after", "occurred_before"]

    def filter_q(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            Q(employee__full_name__icontains=value) | Q(employee__email__icontains=value)
        )


class OutcomeEventViewSet(MethodFirst, ReadOnlyResource):
    """Outcome events, newest first (HR coordinators)."""

    queryset = OutcomeEvent.objects.none()  # the schema's model; get_queryset() is per user
    scope_group = "outcomes"
    serializer_class = OutcomeEventSerializer
    filterset_class = OutcomeEventFilter
    ordering_fields = ["occurred_on", "id"]
    ordering = ["-id"]

    def check_role(self, request) -> None:
        if not is_hr(request.user):
            raise RoleRequired("Only HR coordinators can see outcome events.")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema: no user
            return self.queryset.none()
        return OutcomeEvent.objects.select_related("employee")

    @extend_schema(request=OutcomeEventInSerializer, responses={201: OutcomeEventSerializer})
    def create(self, request, *args, **kwargs):
        """Record one event, checked by the outcomes page's rules (400 if it is already
        recorded for this person, kind and date)."""
        data = OutcomeEventInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        form = OutcomeEventForm(data={k: _form_value(v) for k, v in data.validated_data.items()})
        if not form.is_valid():
            raise ValidationError(
                {
                    "non_field_errors" if field == "__all__" else field: list(messages)
                    for field, messages in form.errors.items()
                }
            )
        fields = {k: v for k, v in form.cleaned_data.items() if k != "employee_email"}
        event = services.outcome_event_record(employee=form.employee, data=fields, by=request.user)
        fresh = self.get_queryset().get(pk=event.pk)
        return Response(OutcomeEventSerializer(fresh).data, status=status.HTTP_201_CREATED)


def _form_value(value):
    """JSON values as the form's widgets would post them."""
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return value


ROUTES = [("outcome-events", OutcomeEventViewSet, "outcome-event")]
