"""The dashboards' figures as aggregates: the same tables as their CSV export, as JSON.

Each endpoint is one dashboard page, for the same people (docs/security.md): the programs
dashboard and a program's dashboard for HR coordinators (of that program), the team dashboard
for managers, the leadership view for those HR granted it. The figures are built exactly as the
pages build them (and read from the same stored views of the day, metrics.snapshots):
`metrics.dashboards.Builder` over the same scope and the same wider views,
whose one check (`Builder.shown`, applying core.privacy) suppresses any figure from fewer than
3 people and any a filter would let one work out by differencing; then `metrics.tables` reads
the rows the page shows into tidy tables, where a hidden figure is null. Nothing here decides
what is shown: a figure the page hides can't appear in the API.
"""

from __future__ import annotations

from datetime import date

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from metrics import selectors, services, tables
from metrics.dashboards import Audience
from metrics.forms import DashboardFilterForm
from metrics.snapshots import View
from people.permissions import is_hr
from people.selectors import is_manager, reporting_path_of, subtree
from programs.models import Program
from programs.selectors import coordinated_program

from ..base import ApiViewMixin, RoleRequired
from ._shared import MethodFirst

COLUMN_KINDS = [tables.TEXT, tables.INTEGER, tables.NUMBER, tables.BOOLEAN]


class ColumnSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="Stable snake_case column name.")
    kind = serializers.ChoiceField(choices=COLUMN_KINDS)
    description = serializers.CharField()


@extend_schema_field(
    {
        "type": "array",
        "items": {
            "type": "array",
            "items": {
                "oneOf": [{"type": "string"}, {"type": "number"}, {"type": "boolean"}],
                "nullable": True,
            },
        },
        "description": "One row per observation, cells in column order; null where a figure "
        "is missing or hidden (suppressed).",
    }
)
class RowsField(serializers.JSONField):
    pass


class TableSerializer(serializers.Serializer):
    name = serializers.CharField()
    description = serializers.CharField()
    columns = ColumnSerializer(many=True)
    rows = RowsField()


class FiltersSerializer(serializers.Serializer):
    program = serializers.IntegerField(allow_null=True)
    department = serializers.IntegerField(allow_null=True)
    cohort = serializers.CharField(allow_null=True)
    date_from = serializers.DateField(allow_null=True)
    date_to = serializers.DateField(allow_null=True)


class DashboardSerializer(serializers.Serializer):
    dashboard = serializers.CharField(
        help_text="programs, team, leadership, or the program's slug."
    )
    title = serializers.CharField()
    filters = FiltersSerializer(help_text="The filters applied to every figure.")
    tables = TableSerializer(many=True)


FILTERS = [
    OpenApiParameter("department", int, description="A department's id."),
    OpenApiParameter("cohort", str, description="Program start month, YYYY-MM."),
    OpenApiParameter("date_from", date, description="Only data from this date."),
    OpenApiParameter("date_to", date, description="Only data up to this date."),
]
PROGRAM_FILTER = OpenApiParameter(
    "program", int, description="A program's id (one of the dashboard's programs)."
)


def _dashboard(
    request,
    *,
    key: str,
    title: str,
    programs: list[tuple[int, str]],
    audience: Audience,
    all_program_ids: tuple[int, ...],
    manager=None,
    fixed_program: int | None = None,
) -> Response:
    """The page's scope from the same filter form (metrics.views._scope), then its figures
    (metrics.views._render: the same stored view of the day, metrics.snapshots), as the tidy
    tables of its export."""
    program_ids = tuple(pk for pk, _ in programs)
    params = request.query_params
    department = params.get("department", "")
    if department and not (department.isascii() and department.isdigit() and len(department) < 19):
        # Checked before the form's lookup: SQLite can't bind a larger number.
        raise ValidationError({"department": ["Give a department's id."]})
    form = DashboardFilterForm(
        params or None,
        programs=programs,
        cohorts=selectors.cohort_choices(program_ids),
        show_program=fixed_program is None,
    )
    if form.is_bound and not form.is_valid():
        # A page ignores a filter it can't read; a program must be told.
        raise ValidationError({field: list(errors) for field, errors in form.errors.items()})
    data = form.cleaned_data if form.is_bound else {}
    chosen = data.get("program")
    if chosen in program_ids:
        program_ids = (chosen,)
    department = data.get("department")
    scope = selectors.Scope(
        program_ids=program_ids,
        department_id=department.pk if department else None,
        cohort=data.get("cohort") or None,
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        today=date.today(),
    )
    # A manager's subtree: its fingerprint keys the stored view; the ids stay in SQL.
    people = None if manager is None else selectors.subtree_fingerprint(subtree(manager))
    view = View.of(
        scope,
        audience,
        all_program_ids=all_program_ids,
        manager=manager,
        manager_path="" if manager is None else reporting_path_of(manager),
    )
    sections = services.dashboard_figures(
        view=view, manager=manager, people=people, today=scope.today
    ).sections
    found = tables.dashboard_tables(sections, audience)
    services.dashboard_exported(by=request.user, dashboard=key, metric="api")
    return Response(
        {
            "dashboard": key,
            "title": title,
            "filters": {
                "program": chosen if fixed_program is None else fixed_program,
                "department": scope.department_id,
                "cohort": scope.cohort,
                "date_from": scope.date_from,
                "date_to": scope.date_to,
            },
            "tables": [
                {
                    "name": t.name,
                    "description": t.description,
                    "columns": [
                        {"name": c.name, "kind": c.kind, "description": c.description}
                        for c in t.columns
                    ],
                    "rows": t.rows,
                }
                for t in found
            ],
        }
    )


class MetricsViewSet(MethodFirst, ApiViewMixin, viewsets.GenericViewSet):
    """Dashboards as aggregates, with the dashboards' own suppression."""

    scope_group = "metrics"
    pagination_class = None
    filter_backends: list = []
    serializer_class = DashboardSerializer

    def get_queryset(self):
        return Program.objects.none()

    @extend_schema(parameters=[PROGRAM_FILTER, *FILTERS], responses=DashboardSerializer)
    @action(detail=False, methods=["get"])
    def programs(self, request):
        """The programs dashboard: every program you coordinate (HR coordinators)."""
        if not is_hr(request.user):
            raise RoleRequired("Only HR coordinators can open the programs dashboard.")
        programs = list(
            request.user.coordinated_programs.order_by("name").values_list("pk", "name")
        )
        return _dashboard(
            request,
            key="programs",
            title="Programs dashboard",
            programs=programs,
            audience=Audience.HR,
            all_program_ids=tuple(pk for pk, _ in programs),
        )

    @extend_schema(
        parameters=FILTERS, responses=DashboardSerializer, operation_id="metrics_program_retrieve"
    )
    @action(detail=False, methods=["get"], url_path=r"programs/(?P<slug>[-a-zA-Z0-9_]+)")
    def program(self, request, slug=None):
        """One program's dashboard (HR coordinators of the program; 403 for others)."""
        if not is_hr(request.user):
            raise RoleRequired("Only HR coordinators can open a program's dashboard.")
        program = coordinated_program(request, slug)
        coordinated = tuple(request.user.coordinated_programs.values_list("pk", flat=True))
        return _dashboard(
            request,
            key=program.slug,
            title=f"{program.name}: dashboard",
            programs=[(program.pk, program.name)],
            audience=Audience.HR,
            all_program_ids=coordinated,
            fixed_program=program.pk,
        )

    @extend_schema(parameters=[PROGRAM_FILTER, *FILTERS], responses=DashboardSerializer)
    @action(detail=False, methods=["get"])
    def team(self, request):
        """Your team's dashboard: everyone below you in the reporting line (managers)."""
        if not is_manager(request.user):
            raise RoleRequired("Only managers have a team dashboard.")
        programs = list(Program.objects.order_by("name").values_list("pk", "name"))
        return _dashboard(
            request,
            key="team",
            title="Team dashboard",
            programs=programs,
            audience=Audience.MANAGER,
            all_program_ids=tuple(pk for pk, _ in programs),
            manager=request.user,
        )

    @extend_schema(parameters=[PROGRAM_FILTER, *FILTERS], responses=DashboardSerializer)
    @action(detail=False, methods=["get"])
    def leadership(self, request):
        """The organisation-wide leadership view (those HR granted it)."""
        if not request.user.can_view_leadership:
            raise RoleRequired("HR grants the leadership view.")
        programs = list(Program.objects.order_by("name").values_list("pk", "name"))
        return _dashboard(
            request,
            key="leadership",
            title="Leadership view",
            programs=programs,
            audience=Audience.LEADERSHIP,
            all_program_ids=tuple(pk for pk, _ in programs),
        )


ROUTES = [("metrics", MetricsViewSet, "metrics")]
