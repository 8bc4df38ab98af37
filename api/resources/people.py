"""People: the directory's fields (name, email, job title, department, manager), for HR
coordinators, as the directory page; and `me` (one's own entry) for everyone."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from people.models import Department, User
from people.permissions import is_hr

from ..base import ReadOnlyResource, RoleRequired


class PersonRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "full_name"]
        read_only_fields = fields


class PersonSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.name", default=None, allow_null=True)
    manager = PersonRefSerializer(allow_null=True, read_only=True)
    web_url = serializers.SerializerMethodField(help_text="The person's profile page in Tandem.")

    class Meta:
        model = User
        fields = ["id", "full_name", "email", "job_title", "department", "manager", "web_url"]
        read_only_fields = fields

    def get_web_url(self, person: User) -> str:
        return self.context["request"].build_absolute_uri(person.get_absolute_url())


class PersonFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_q", max_length=100, label="Name, email or department contains"
    )
    department = django_filters.ModelChoiceFilter(
        queryset=Department.objects.all(), label="Department id"
    )
    manager = django_filters.NumberFilter(field_name="manager_id", label="Manager's id")

    class Meta:
        model = User
        fields = ["q", "department", "manager"]

    def filter_q(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            Q(full_name__icontains=value)
            | Q(email__icontains=value)
            | Q(department__name__icontains=value)
        )


class PersonViewSet(ReadOnlyResource):
    """The people directory (HR coordinators, as the directory page); `me` for anyone."""

    scope_group = "people"
    queryset = User.objects.none()
    serializer_class = PersonSerializer
    filterset_class = PersonFilter
    ordering_fields = ["full_name", "id"]
    ordering = ["full_name", "id"]

    def check_role(self, request) -> None:
        if self.action != "me" and not is_hr(request.user):
            raise RoleRequired("Only HR coordinators can read the people directory.")

    def get_queryset(self):
        return User.objects.select_related("department", "manager")

    @extend_schema(responses=PersonSerializer, filters=False)
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def me(self, request):
        """Your own directory entry: whom the token or session acts as."""
        return Response(self.get_serializer(self.get_queryset().get(pk=request.user.pk)).data)


ROUTES = [("people", PersonViewSet, "person")]
