"""Mentorships (pairings), seen as on the pages: your own (My mentorships, as mentor or
mentee), and every pairing of the programs you coordinate (HR). Anyone else's: not found.

HR actions on a pairing of their program (the pairing page's buttons) go through
mentorships.services: activate, pause, resume, complete, end early (each recorded in the
pairing's history).
"""

from __future__ import annotations

import django_filters
from django.db.models import Q
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from mentorships import selectors, services
from mentorships.models import EndReason, Mentorship, MentorshipStatus
from people.permissions import is_hr
from programs.models import Program

from ..base import ReadOnlyResource, RoleRequired
from .people import PersonRefSerializer


class ProgramRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Program
        fields = ["slug", "name"]
        read_only_fields = fields


class MentorshipSerializer(serializers.ModelSerializer):
    program = ProgramRefSerializer(read_only=True)
    mentor = PersonRefSerializer(read_only=True)
    mentee = PersonRefSerializer(read_only=True)
    end_reason = serializers.ChoiceField(
        choices=EndReason.choices, allow_blank=True, read_only=True, help_text="Blank unless ended."
    )
    web_url = serializers.SerializerMethodField(help_text="The pairing's page for you.")

    class Meta:
        model = Mentorship
        fields = [
            "id",
            "program",
            "mentor",
            "mentee",
            "status",
            "source",
            "started_on",
            "ended_on",
            "end_reason",
            "web_url",
        ]
        read_only_fields = fields

    def get_web_url(self, mentorship: Mentorship) -> str:
        from django.urls import reverse

        user = self.context["request"].user
        name = "mentorships:detail" if mentorship.is_participant(user) else "mentorships:hr_detail"
        return self.context["request"].build_absolute_uri(reverse(name, args=[mentorship.pk]))


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text="Why (kept in the pairing's history).",
    )


class EndSerializer(serializers.Serializer):
    end_reason = serializers.ChoiceField(
        choices=[(v, label) for v, label in EndReason.choices if v != EndReason.REASSIGNED]
    )
    reason = serializers.CharField(max_length=2000, help_text="Details (required).")


class MentorshipFilter(django_filters.FilterSet):
    program = django_filters.CharFilter(field_name="program__slug", max_length=80)
    status = django_filters.MultipleChoiceFilter(choices=MentorshipStatus.choices)
    mine = django_filters.BooleanFilter(method="filter_mine", label="Only pairings I am in")

    class Meta:
        model = Mentorship
        fields = ["program", "status", "mine"]

    def filter_mine(self, queryset, name, value):
        if value is None:
            return queryset
        own = Q(mentor=self.request.user) | Q(mentee=self.request.user)
        return queryset.filter(own) if value else queryset.exclude(own)


class MentorshipViewSet(ReadOnlyResource):
    """Your pairings, and (HR) your programs' pairings."""

    scope_group = "mentorships"
    queryset = Mentorship.objects.none()
    serializer_class = MentorshipSerializer
    filterset_class = MentorshipFilter
    ordering_fields = ["started_on", "created_at", "id"]
    ordering = ["-id"]

    def get_queryset(self):
        user = self.request.user
        visible = Q(mentor=user) | Q(mentee=user)
        if is_hr(user):
            visible |= Q(program__coordinators=user)
        return (
            Mentorship.objects.filter(visible)
            .distinct()
            .select_related("program", "mentor", "mentee")
        )

    def _hr_mentorship(self, request, pk) -> Mentorship:
        # The pairing page's rule: the HR role first (403), then the program's (404).
        if not is_hr(request.user):
            raise RoleRequired("Only HR coordinators act on pairings.")
        return selectors.coordinated_mentorship_or_404(request.user, pk)

    def _done(self, mentorship: Mentorship) -> Response:
        return Response(self.get_serializer(mentorship).data)

    @extend_schema(request=ReasonSerializer, responses=MentorshipSerializer)
    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        """Start a proposed pairing now (HR of the program)."""
        mentorship = self._hr_mentorship(request, pk)
        ReasonSerializer(data=request.data).is_valid(raise_exception=True)
        return self._done(services.mentorship_activate(mentorship=mentorship, by=request.user))

    @extend_schema(request=ReasonSerializer, responses=MentorshipSerializer)
    @action(detail=True, methods=["post"])
    def pause(self, request, pk=None):
        """Pause a pairing: reminders stop until it resumes (HR of the program)."""
        mentorship = self._hr_mentorship(request, pk)
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._done(
            services.mentorship_pause(
                mentorship=mentorship, reason=data.validated_data["reason"], by=request.user
            )
        )

    @extend_schema(request=ReasonSerializer, responses=MentorshipSerializer)
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        """Resume a paused pairing (HR of the program)."""
        mentorship = self._hr_mentorship(request, pk)
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._done(
            services.mentorship_resume(
                mentorship=mentorship, reason=data.validated_data["reason"], by=request.user
            )
        )

    @extend_schema(request=ReasonSerializer, responses=MentorshipSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """Close a pairing as finished normally (HR of the program)."""
        mentorship = self._hr_mentorship(request, pk)
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._done(
            services.mentorship_complete(
                mentorship=mentorship, note=data.validated_data["reason"], by=request.user
            )
        )

    @extend_schema(request=EndSerializer, responses=MentorshipSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """End a pairing early; it can't be reopened (HR of the program)."""
        mentorship = self._hr_mentorship(request, pk)
        data = EndSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._done(
            services.mentorship_end(
                mentorship=mentorship,
                reason=data.validated_data["end_reason"],
                note=data.validated_data["reason"],
                by=request.user,
            )
        )


ROUTES = [("mentorships", MentorshipViewSet, "mentorship")]
