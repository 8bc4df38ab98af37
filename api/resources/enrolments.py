"""Enrolments, seen as on the pages:

- your own (My enrolments), with every detail you gave;
- those of programs you coordinate (HR, the program's enrolments page): no "people to avoid";
- your reports' enrolments waiting for your approval (managers, the approvals page): who,
  which program, role and hours; not their answers.

Writes go through programs' and mentorships' services: enrol yourself, withdraw (ends your
pairings in that program), approve or decline a report's enrolment (a manager in the line).
"""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from mentorships.services import enrolment_withdraw_ending_pairings
from people.permissions import is_hr
from people.selectors import subtree_ids
from programs import selectors, services
from programs.models import (
    Enrolment,
    EnrolmentRole,
    EnrolmentStatus,
    Program,
    Skill,
)

from ..base import ReadOnlyResource, RoleRequired
from .people import PersonRefSerializer

DETAIL_FIELDS = [
    "capacity",
    "career_track",
    "career_goal",
    "communication_style",
    "meeting_mode",
    "years_experience",
    "seniority",
    "hours_per_month",
    "prefer_other_department",
]


class EnrolmentSkillSerializer(serializers.Serializer):
    skill = serializers.IntegerField(min_value=1, help_text="A skill's id.")
    skill_name = serializers.CharField(source="skill.name", read_only=True)
    level = serializers.IntegerField(min_value=1, max_value=5)
    target_level = serializers.IntegerField(
        min_value=1, max_value=5, allow_null=True, required=False, default=None
    )

    def to_representation(self, row):
        return {
            "skill": row.skill_id,
            "skill_name": row.skill.name,
            "level": row.level,
            "target_level": row.target_level,
        }


class EnrolmentDetailsSerializer(serializers.ModelSerializer):
    class Meta:
        model = Enrolment
        fields = DETAIL_FIELDS
        extra_kwargs = {f: {"required": False} for f in DETAIL_FIELDS}


class EnrolmentSerializer(serializers.ModelSerializer):
    program = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    user = PersonRefSerializer(read_only=True)
    details = serializers.SerializerMethodField(
        help_text="What the person answered: for themselves and the program's coordinators "
        "only (null for a manager)."
    )
    skills = serializers.SerializerMethodField()

    class Meta:
        model = Enrolment
        fields = [
            "id",
            "program",
            "user",
            "role",
            "status",
            "hours_per_month",
            "created_at",
            "decided_at",
            "details",
            "skills",
        ]
        read_only_fields = fields

    def _full_view(self, enrolment: Enrolment) -> bool:
        user = self.context["request"].user
        return enrolment.user_id == user.pk or enrolment.program_id in self.context.get(
            "coordinated", set()
        )

    @extend_schema_field(EnrolmentDetailsSerializer(allow_null=True))
    def get_details(self, enrolment: Enrolment) -> dict | None:
        if not self._full_view(enrolment):
            return None
        return EnrolmentDetailsSerializer(enrolment).data

    @extend_schema_field(EnrolmentSkillSerializer(many=True))
    def get_skills(self, enrolment: Enrolment) -> list[dict]:
        return EnrolmentSkillSerializer(enrolment.skills.all(), many=True).data


class EnrolInSerializer(EnrolmentDetailsSerializer):
    program = serializers.SlugField(max_length=80, help_text="The program's slug.")
    role = serializers.ChoiceField(choices=EnrolmentRole.choices)
    skills = EnrolmentSkillSerializer(many=True, help_text="At least one skill.")

    class Meta(EnrolmentDetailsSerializer.Meta):
        fields = ["program", "role", "skills", *DETAIL_FIELDS]


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[("approve", "Approve"), ("decline", "Decline")])
    reason = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required to decline: your report sees it.",
    )


class EnrolmentFilter(django_filters.FilterSet):
    program = django_filters.CharFilter(field_name="program__slug", max_length=80)
    status = django_filters.MultipleChoiceFilter(choices=EnrolmentStatus.choices)
    role = django_filters.ChoiceFilter(choices=EnrolmentRole.choices)
    mine = django_filters.BooleanFilter(method="filter_mine", label="Only my own enrolments")

    class Meta:
        model = Enrolment
        fields = ["program", "status", "role", "mine"]

    def filter_mine(self, queryset, name, value):
        if value is None:
            return queryset
        own = Q(user=self.request.user)
        return queryset.filter(own) if value else queryset.exclude(own)


def _coordinated_ids(user) -> set[int]:
    if not is_hr(user):
        return set()
    return set(Program.objects.filter(coordinators=user).values_list("pk", flat=True))


class EnrolmentViewSet(mixins.CreateModelMixin, ReadOnlyResource):
    """Enrolments you may see on the pages: yours, your programs' (HR), your reports'
    pending ones (managers). Others are not found (404)."""

    scope_group = "enrolments"
    queryset = Enrolment.objects.none()
    serializer_class = EnrolmentSerializer
    filterset_class = EnrolmentFilter
    ordering_fields = ["created_at", "id"]
    ordering = ["-id"]

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.request.user.is_authenticated:
            context["coordinated"] = _coordinated_ids(self.request.user)
        return context

    def get_queryset(self):
        user = self.request.user
        visible = Q(user=user) | Q(program_id__in=_coordinated_ids(user))
        reports = subtree_ids(user)
        if reports:
            visible |= Q(user_id__in=reports, status=EnrolmentStatus.PENDING)
        return (
            Enrolment.objects.filter(visible)
            .select_related("program", "user")
            .prefetch_related("skills__skill")
        )

    @extend_schema(request=EnrolInSerializer, responses={201: EnrolmentSerializer})
    def create(self, request, *args, **kwargs):
        """Enrol yourself in a program open for enrolment (as the enrolment form)."""
        data = EnrolInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        slug = values.pop("program")
        role = values.pop("role")
        rows = values.pop("skills")
        program = Program.objects.filter(slug=slug).first()
        if program is None or not selectors.program_visible_to(request.user, program):
            raise serializers.ValidationError({"program": ["No such program."]})
        if not Skill.objects.filter(pk__in=[r["skill"] for r in rows]).count() == len(
            {r["skill"] for r in rows}
        ):
            raise serializers.ValidationError({"skills": ["No such skill."]})
        enrolment = services.enrolment_create(
            program=program,
            user=request.user,
            role=role,
            data=values,
            skills=[services.SkillRow(r["skill"], r["level"], r.get("target_level")) for r in rows],
            avoid=[],
        )
        enrolment = self.get_queryset().get(pk=enrolment.pk)
        return Response(self.get_serializer(enrolment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=EnrolmentSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Withdraw from the program (your own enrolment); ends your pairings in it."""
        enrolment = get_object_or_404(
            Enrolment.objects.select_related("program"), pk=pk, user=request.user
        )
        enrolment = enrolment_withdraw_ending_pairings(enrolment=enrolment, by=request.user)
        return Response(self.get_serializer(enrolment).data)

    @extend_schema(request=DecisionSerializer, responses=EnrolmentSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """Approve or decline a report's pending enrolment (a manager in their line)."""
        reports = subtree_ids(request.user)
        if not reports:
            raise RoleRequired("Only managers with reports decide enrolments.")
        # Outside your reporting line looks exactly like "no such enrolment" (as the page).
        enrolment = get_object_or_404(selectors.pending_approvals(reports), pk=pk)
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        enrolment = services.enrolment_decide(
            enrolment=enrolment,
            approve=data.validated_data["decision"] == "approve",
            reason=data.validated_data["reason"],
            by=request.user,
        )
        return Response(self.get_serializer(enrolment).data)


ROUTES = [("enrolments", EnrolmentViewSet, "enrolment")]
