"""Goals and milestones: for the two participants of the mentorship only.

Reads are the goals of the requester's own mentorships (mentorships.selectors); writes go
through mentorships.services, so every rule of the pages applies: only the mentee adds goals,
a finished mentorship can't change, a milestone is done once. Another pair's mentorship, goal
or milestone is not found (404), exactly as on the pages (docs/security.md#refusals).
"""

from __future__ import annotations

import django_filters
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.validators import validate_single_line
from mentorships import selectors, services
from mentorships.models import Goal, GoalStatus, Mentorship, Milestone
from programs.models import Skill

from ..base import ReadOnlyResource
from ._shared import IdFilter, MethodFirst, existing, id_field, ids_field

TEXT_MAX = 4000
MILESTONES_MAX = 24  # as the page's form


# --- serializers ---------------------------------------------------------------------------


class MilestoneSerializer(serializers.ModelSerializer):
    mentorship = serializers.IntegerField(
        source="goal.mentorship_id", read_only=True, help_text="The mentorship's id."
    )
    done = serializers.BooleanField(source="is_done", read_only=True)

    class Meta:
        model = Milestone
        fields = ["id", "goal", "mentorship", "title", "due_date", "done", "done_at", "evidence"]
        read_only_fields = fields


class GoalMilestoneSerializer(serializers.ModelSerializer):
    done = serializers.BooleanField(source="is_done", read_only=True)

    class Meta:
        model = Milestone
        fields = ["id", "title", "due_date", "done", "done_at", "evidence"]
        read_only_fields = fields


class GoalSerializer(serializers.ModelSerializer):
    skills = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text="Ids of the skills the goal builds."
    )
    milestones_total = serializers.IntegerField(read_only=True)
    milestones_done = serializers.IntegerField(read_only=True)
    milestones = GoalMilestoneSerializer(many=True, read_only=True)

    class Meta:
        model = Goal
        fields = [
            "id",
            "mentorship",
            "title",
            "description",
            "success_measure",
            "target_date",
            "status",
            "skills",
            "milestones_total",
            "milestones_done",
            "milestones",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class GoalUpdateSerializer(serializers.Serializer):
    """A goal's fields, as on the goal form (the same checks run again in the service)."""

    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True)
    success_measure = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True)
    target_date = serializers.DateField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=GoalStatus.choices, required=False)
    skills = ids_field(allow_empty=False, help_text="Ids of one or more skills the goal builds.")

    def validate_title(self, value: str) -> str:
        validate_single_line(value)
        return value


class GoalCreateSerializer(GoalUpdateSerializer):
    mentorship = id_field(help_text="Your mentorship's id (you must be its mentee).")


class MilestoneRowSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    due_date = serializers.DateField()

    def validate_title(self, value: str) -> str:
        validate_single_line(value)
        return value


class MilestonesAddSerializer(serializers.Serializer):
    milestones = MilestoneRowSerializer(many=True, allow_empty=False, max_length=MILESTONES_MAX)


class MilestonesAddedSerializer(serializers.Serializer):
    milestones = MilestoneSerializer(many=True, help_text="The milestones just added.")


class EvidenceSerializer(serializers.Serializer):
    evidence = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        help_text="Optional: a link or a line on what shows it's done.",
    )


# --- reads: only the requester's own mentorships -----------------------------------------


def _own(user) -> Q:
    return Q(mentorship__mentor=user) | Q(mentorship__mentee=user)


def participant_goals(user):
    """The goals of `user`'s mentorships with their progress, as the mentorship page shows
    them (mentorships.selectors.goals_with_progress, over every mentorship of theirs)."""
    return (
        Goal.objects.filter(_own(user))
        .annotate(
            milestones_total=Count("milestones", distinct=True),
            milestones_done=Count(
                "milestones", filter=Q(milestones__done_at__isnull=False), distinct=True
            ),
        )
        .prefetch_related(
            "skills", Prefetch("milestones", queryset=Milestone.objects.order_by("due_date", "id"))
        )
    )


def participant_milestones(user):
    return Milestone.objects.filter(
        Q(goal__mentorship__mentor=user) | Q(goal__mentorship__mentee=user)
    ).select_related("goal")


class GoalFilter(django_filters.FilterSet):
    mentorship = IdFilter(field_name="mentorship_id")
    status = django_filters.MultipleChoiceFilter(choices=GoalStatus.choices)

    class Meta:
        model = Goal
        fields = ["mentorship", "status"]


class MilestoneFilter(django_filters.FilterSet):
    goal = IdFilter(field_name="goal_id")
    mentorship = IdFilter(field_name="goal__mentorship_id")
    done = django_filters.BooleanFilter(field_name="done_at", lookup_expr="isnull", exclude=True)
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte")
    due_after = django_filters.DateFilter(field_name="due_date", lookup_expr="gte")

    class Meta:
        model = Milestone
        fields = ["goal", "mentorship", "done", "due_before", "due_after"]


# --- views ---------------------------------------------------------------------------------


class GoalViewSet(MethodFirst, ReadOnlyResource):
    """Goals of your own mentorships (as mentee or mentor), with their milestones."""

    queryset = Goal.objects.none()  # the schema's model; get_queryset() is per user
    scope_group = "goals"
    serializer_class = GoalSerializer
    filterset_class = GoalFilter
    ordering_fields = ["created_at", "id"]
    ordering = ["id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema: no user
            return self.queryset.none()
        return participant_goals(self.request.user).select_related("mentorship")

    def _saved(self, goal: Goal, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=goal.pk)
        return Response(GoalSerializer(fresh, context=self.get_serializer_context()).data, code)

    @extend_schema(request=GoalCreateSerializer, responses={201: GoalSerializer})
    def create(self, request, *args, **kwargs):
        """Add a goal to your mentorship (the mentee only, while the mentorship runs)."""
        data = GoalCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        mentorship = _own_mentorship(request.user, fields.pop("mentorship"))
        if request.user.pk != mentorship.mentee_id:
            raise PermissionDenied("Goals belong to the mentee: only they can add one.")
        skills = _skills(fields.pop("skills"))
        goal = services.goal_create(
            mentorship=mentorship, by=request.user, data=fields, skills=skills
        )
        return self._saved(goal, status.HTTP_201_CREATED)

    @extend_schema(request=GoalUpdateSerializer, responses=GoalSerializer)
    def partial_update(self, request, *args, **kwargs):
        """Edit a goal of your mentorship (either participant, while it runs). Send the title
        and skills with any change, as the goal form does."""
        goal = self.get_object()
        data = GoalUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        skills = _skills(fields.pop("skills"))
        goal = services.goal_update(goal=goal, by=request.user, data=fields, skills=skills)
        return self._saved(goal)

    @extend_schema(request=MilestonesAddSerializer, responses={201: MilestonesAddedSerializer})
    @action(detail=True, methods=["post"], url_path="milestones")
    def add_milestones(self, request, pk=None):
        """Break the goal into milestones (either participant, while the mentorship runs)."""
        goal = self.get_object()
        data = MilestonesAddSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rows = [(row["title"], row["due_date"]) for row in data.validated_data["milestones"]]
        created = services.milestones_add(goal=goal, by=request.user, rows=rows)
        found = participant_milestones(request.user).filter(pk__in=[m.pk for m in created])
        rows = MilestoneSerializer(found.order_by("due_date", "id"), many=True).data
        return Response({"milestones": rows}, status=status.HTTP_201_CREATED)


def _skills(ids: list[int]) -> list[Skill]:
    return existing(Skill, ids, "skills", "Choose skills that exist.")


def _own_mentorship(user, pk: int) -> Mentorship:
    """The mentorship if `user` is one of its two participants; 404 for everyone else."""
    return selectors.mentorship_for_user_or_404(user, pk)


class MilestoneViewSet(MethodFirst, ReadOnlyResource):
    """Milestones of your own mentorships' goals; mark them done or open again."""

    queryset = Milestone.objects.none()  # the schema's model; get_queryset() is per user
    scope_group = "goals"
    serializer_class = MilestoneSerializer
    filterset_class = MilestoneFilter
    ordering_fields = ["due_date", "id"]
    ordering = ["id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema: no user
            return self.queryset.none()
        return participant_milestones(self.request.user)

    def _object(self) -> Milestone:
        milestone = self.get_object()
        # The services read the mentorship (participants, still running).
        return Milestone.objects.select_related("goal__mentorship").get(pk=milestone.pk)

    @extend_schema(request=EvidenceSerializer, responses=MilestoneSerializer)
    @action(detail=True, methods=["post"])
    def done(self, request, pk=None):
        """Mark the milestone done, with optional evidence (400 if it already is)."""
        milestone = self._object()
        data = EvidenceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        milestone = services.milestone_mark_done(
            milestone=milestone, by=request.user, evidence=data.validated_data.get("evidence", "")
        )
        return Response(MilestoneSerializer(milestone).data)

    @extend_schema(request=None, responses=MilestoneSerializer)
    @action(detail=True, methods=["post"])
    def undo(self, request, pk=None):
        """Open a done milestone again (400 if it is not done)."""
        milestone = services.milestone_undo(milestone=self._object(), by=request.user)
        return Response(MilestoneSerializer(milestone).data)


ROUTES = [
    ("goals", GoalViewSet, "goal"),
    ("milestones", MilestoneViewSet, "milestone"),
]
