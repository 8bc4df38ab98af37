import django_filters
from django.db.models import Q, QuerySet

from people.models import Department

from .models import Enrolment, EnrolmentRole, EnrolmentStatus


class EnrolmentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Name or email")
    role = django_filters.ChoiceFilter(choices=EnrolmentRole.choices, empty_label="Any role")
    status = django_filters.ChoiceFilter(choices=EnrolmentStatus.choices, empty_label="Any status")
    department = django_filters.ModelChoiceFilter(
        field_name="user__department",
        queryset=Department.objects.order_by("name"),
        empty_label="Any department",
    )

    class Meta:
        model = Enrolment
        fields = ["q", "role", "status", "department"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(user__full_name__icontains=value) | Q(user__email__icontains=value)
        )
