"""Check-ins and action items: for the two participants of the mentorship only.

As on the timeline page, a participant reads every check-in of their mentorship with its
private notes (they are the pair's own), their own pulse only (never the other side's) and the
action items. No one else gets anything of it: another pair's mentorship, check-in or action
item is not found (404), for HR coordinators and managers too (docs/security.md#refusals).
Writes go through checkins.services (logging, pulses, ticking off an action item).
"""

from __future__ import annotations

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Prefetch, Q, Subquery
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from checkins import selectors, services
from checkins.models import ActionItem, Activity, CheckIn, Pulse
from core.validators import validate_single_line
from mentorships.models import Goal, Mentorship, Milestone
from mentorships.selectors import mentorship_for_user_or_404
from programs.models import Skill

from ..base import ReadOnlyResource
from ._shared import IdFilter, MethodFirst, PersonRefSerializer, existing, id_field, ids_field

TEXT_MAX = 10000
ITEMS_MAX = 10  # as the page's form


# --- serializers ---------------------------------------------------------------------------


class ActionItemSerializer(serializers.ModelSerializer):
    owner = PersonRefSerializer(read_only=True)
    done = serializers.BooleanField(source="is_done", read_only=True)

    class Meta:
        model = ActionItem
        fields = ["id", "mentorship", "checkin", "text", "owner", "due_date", "done", "done_at"]
        read_only_fields = fields


class CheckInSerializer(serializers.ModelSerializer):
    """A check-in as its two participants see it on the timeline."""

    author = PersonRefSerializer(read_only=True)
    skills = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    goals = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    milestones = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    private_notes = serializers.CharField(
        read_only=True, help_text="Only the two participants ever see these notes."
    )
    shared_summary = serializers.CharField(
        read_only=True, help_text="The summary the program's HR coordinators may read."
    )
    action_items = ActionItemSerializer(many=True, read_only=True)
    my_pulse = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="Your own pulse for this check-in (1–5), or null. The other side's is never "
        "shown.",
    )

    class Meta:
        model = CheckIn
        fields = [
            "id",
            "mentorship",
            "author",
            "date",
            "duration_minutes",
            "activity",
            "skills",
            "goals",
            "milestones",
            "next_steps",
            "next_meeting_date",
            "private_notes",
            "shared_summary",
            "template",
            "action_items",
            "my_pulse",
            "created_at",
        ]
        read_only_fields = fields


class ActionItemInSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=300, validators=[validate_single_line])
    owner = id_field(help_text="User id of the owner: the mentor or the mentee.")
    due_date = serializers.DateField(required=False, allow_null=True)


class CheckInCreateSerializer(serializers.Serializer):
    mentorship = id_field(help_text="Your mentorship's id.")
    date = serializers.DateField()
    duration_minutes = serializers.IntegerField(
        min_value=services.DURATION_MIN, max_value=services.DURATION_MAX
    )
    activity = serializers.ChoiceField(choices=Activity.choices)
    skills = ids_field(required=False, help_text="Ids of skills touched.")
    goals = ids_field(required=False, max_length=100, help_text="Ids of goals of this mentorship.")
    milestones = ids_field(
        required=False, max_length=100, help_text="Ids of milestones of this mentorship's goals."
    )
    next_steps = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True)
    next_meeting_date = serializers.DateField(required=False, allow_null=True)
    private_notes = serializers.CharField(
        max_length=TEXT_MAX,
        required=False,
        allow_blank=True,
        help_text="Only the two of you ever see these notes.",
    )
    shared_summary = serializers.CharField(
        max_length=TEXT_MAX,
        required=False,
        allow_blank=True,
        help_text="HR coordinators of the program can read this summary.",
    )
    template = id_field(required=False, allow_null=True, help_text="Id of an agenda template.")
    action_items = ActionItemInSerializer(many=True, required=False, max_length=ITEMS_MAX)
    pulse = serializers.IntegerField(
        min_value=1, max_value=5, required=False, allow_null=True, help_text="Only you see it."
    )


class PulseSerializer(serializers.Serializer):
    checkin = serializers.IntegerField(read_only=True)
    score = serializers.IntegerField(min_value=1, max_value=5)


class DoneSerializer(serializers.Serializer):
    done = serializers.BooleanField(help_text="true: done; false: open again.")


# --- reads: only the requester's own mentorships -----------------------------------------


def participant_checkins(user):
    """Check-ins of `user`'s mentorships as the timeline loads them, with their own pulse."""
    own_pulse = Pulse.objects.filter(checkin=OuterRef("pk"), user=user).values("score")[:1]
    return (
        CheckIn.objects.filter(Q(mentorship__mentor=user) | Q(mentorship__mentee=user))
        .select_related("author")
        .prefetch_related(
            "skills",
            Prefetch("goals", queryset=Goal.objects.only("id")),
            Prefetch("milestones", queryset=Milestone.objects.only("id")),
            Prefetch(
                "action_items",
                queryset=ActionItem.objects.select_related("owner").order_by("due_date", "id"),
            ),
        )
        .annotate(my_pulse=Subquery(own_pulse))
    )


def participant_action_items(user):
    return ActionItem.objects.filter(
        Q(mentorship__mentor=user) | Q(mentorship__mentee=user)
    ).select_related("owner")


class CheckInFilter(django_filters.FilterSet):
    mentorship = IdFilter(field_name="mentorship_id")
    activity = django_filters.ChoiceFilter(choices=Activity.choices)
    date_after = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_before = django_filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = CheckIn
        fields = ["mentorship", "activity", "date_after", "date_before"]


class ActionItemFilter(django_filters.FilterSet):
    mentorship = IdFilter(field_name="mentorship_id")
    checkin = IdFilter(field_name="checkin_id")
    done = django_filters.BooleanFilter(field_name="done_at", lookup_expr="isnull", exclude=True)
    mine = django_filters.BooleanFilter(method="filter_mine", label="Only items I own")

    class Meta:
        model = ActionItem
        fields = ["mentorship", "checkin", "done", "mine"]

    def filter_mine(self, queryset, name, value):
        if value is None:
            return queryset
        user = self.request.user
        return queryset.filter(owner=user) if value else queryset.exclude(owner=user)


# --- writes --------------------------------------------------------------------------------


def _of_mentorship(model, ids: list[int], mentorship: Mentorship, field: str, message: str):
    """The rows with these ids belonging to the mentorship; any other id is refused with the
    same message, so ids of other pairs' goals reveal nothing."""
    if not ids:
        return []
    found = list(model.objects.filter(pk__in=set(ids), **{field: mentorship}))
    if len(found) != len(set(ids)):
        raise ValidationError({"goals" if model is Goal else "milestones": message})
    return found


def _create_checkin(user, data: dict) -> CheckIn:
    mentorship = mentorship_for_user_or_404(user, data["mentorship"])
    goals = _of_mentorship(
        Goal,
        data.get("goals") or [],
        mentorship,
        "mentorship",
        "Choose goals of this mentorship only.",
    )
    milestones = _of_mentorship(
        Milestone,
        data.get("milestones") or [],
        mentorship,
        "goal__mentorship",
        "Choose milestones of this mentorship only.",
    )
    template = None
    if data.get("template"):
        template = (
            selectors.available_templates(mentorship.program_id).filter(pk=data["template"]).first()
        )
        if template is None:
            raise ValidationError({"template": "That template isn't available."})
    people = {mentorship.mentor_id: mentorship.mentor, mentorship.mentee_id: mentorship.mentee}
    items = []
    for row in data.get("action_items") or []:
        if row["owner"] not in people:
            raise ValidationError(
                {"action_items": "An action item's owner must be one of the two participants."}
            )
        items.append(
            services.ActionItemData(
                text=row["text"], owner=people[row["owner"]], due_date=row.get("due_date")
            )
        )
    return services.checkin_create(
        mentorship=mentorship,
        author=user,
        when=data["date"],
        duration_minutes=data["duration_minutes"],
        activity=data["activity"],
        skills=existing(Skill, data.get("skills") or [], "skills", "Choose skills that exist."),
        goals=goals,
        milestones=milestones,
        next_steps=data.get("next_steps", ""),
        next_meeting_date=data.get("next_meeting_date"),
        private_notes=data.get("private_notes", ""),
        shared_summary=data.get("shared_summary", ""),
        template=template,
        action_items=items,
        pulse=data.get("pulse"),
    )


# --- views ---------------------------------------------------------------------------------


class CheckInViewSet(MethodFirst, ReadOnlyResource):
    """Check-ins of your own mentorships, newest first, with private notes and your pulse."""

    queryset = CheckIn.objects.none()  # the schema's model; get_queryset() is per user
    scope_group = "checkins"
    serializer_class = CheckInSerializer
    filterset_class = CheckInFilter
    ordering_fields = ["date", "created_at", "id"]
    ordering = ["-date", "-id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema: no user
            return self.queryset.none()
        return participant_checkins(self.request.user)

    @extend_schema(request=CheckInCreateSerializer, responses={201: CheckInSerializer})
    def create(self, request, *args, **kwargs):
        """Log a check-in of your mentorship (either participant, while it is active), with
        its action items and, optionally, your pulse."""
        data = CheckInCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        checkin = _create_checkin(request.user, data.validated_data)
        fresh = self.get_queryset().get(pk=checkin.pk)
        return Response(
            CheckInSerializer(fresh, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=PulseSerializer, responses=PulseSerializer)
    @action(detail=True, methods=["post"])
    def pulse(self, request, pk=None):
        """Give or change your own pulse (1–5) for this check-in. Only you see it."""
        checkin = self.get_object()
        data = PulseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        checkin = CheckIn.objects.select_related("mentorship").get(pk=checkin.pk)
        pulse = services.pulse_give(
            checkin=checkin, user=request.user, score=data.validated_data["score"]
        )
        return Response({"checkin": checkin.pk, "score": pulse.score})


class ActionItemViewSet(MethodFirst, ReadOnlyResource):
    """Action items of your own mentorships' check-ins; tick them off or open them again."""

    queryset = ActionItem.objects.none()  # the schema's model; get_queryset() is per user
    scope_group = "checkins"
    serializer_class = ActionItemSerializer
    filterset_class = ActionItemFilter
    ordering_fields = ["id"]
    ordering = ["id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema: no user
            return self.queryset.none()
        return participant_action_items(self.request.user)

    @extend_schema(request=DoneSerializer, responses=ActionItemSerializer)
    @action(detail=True, methods=["post"])
    def done(self, request, pk=None):
        """Mark the action item done (`{"done": true}`) or open again (`{"done": false}`)."""
        item = self.get_object()
        data = DoneSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = ActionItem.objects.select_related("mentorship", "owner").get(pk=item.pk)
        item = services.action_item_set_done(
            item=item, by=request.user, done=data.validated_data["done"]
        )
        return Response(ActionItemSerializer(item).data)


ROUTES = [
    ("checkins", CheckInViewSet, "checkin"),
    ("action-items", ActionItemViewSet, "action-item"),
]
