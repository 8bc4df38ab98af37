"""The dashboard's sections and filter bar drawn in Python (metrics.drawing): the same markup
as the template loops they replace drew, and stored with the view they were drawn from."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.db import connection
from django.template import engines
from django.test.html import parse_html
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.safestring import mark_safe

from metrics import drawing, snapshots, tables
from metrics.dashboards import Audience, Section
from metrics.forms import DashboardFilterForm
from metrics.models import DashboardSnapshot
from people.selectors import department_choices
from tests import factories

# The dashboard template's loops before they were drawn in Python, as they were.
BEFORE = Path(__file__).parent / "before"
OLD_SECTIONS = engines["django"].from_string((BEFORE / "sections.html").read_text())
OLD_FILTERS = engines["django"].from_string((BEFORE / "filters.html").read_text())


def _sections() -> list[Section]:
    return [
        Section(
            "supply",
            "Supply <&> demand",
            "Who seeks what & who offers it",
            ["Category", "Sought", "Places"],
            [["Cloud <b>", 1500, "—"], ["Data", 3, 2.5]],
            chart=mark_safe("<svg><text>a &amp; b</text></svg>"),
            notes=["Invest in <Cloud>", "Hire"],
            extra_title="Per Skill",
            extra_headers=["Skill", "Category", "Sought", "Gap", "Places", "Short"],
            extra_rows=[["K8s", "Cloud", 4, 1.5, 2, 2], ["SQL", "Data", 3, 1, 1, 2]],
            links=[("Book Ann <3", "/experts/1/book/?skill=2&x=1"), ("Find", "/experts/")],
        ),
        Section("growth", "Skill growth", "Intro", ["Group", "Mean"], []),
        Section("engagement", "Engagement", "", ["Measure", "Value", "Based on"], [["a", 1, 2]]),
    ]


@pytest.mark.parametrize("query", ["", "department=3&cohort=2024-01"])
@pytest.mark.parametrize("audience", list(Audience))
def test_it_draws_the_sections_as_the_template_loop_did(query, audience) -> None:
    sections = _sections()
    panels = [(s, tables.table_links(s, audience)) for s in sections]
    old = OLD_SECTIONS.render({"panels": panels, "query": query})
    new = drawing.sections_html(sections, audience, query)
    assert parse_html(new) == parse_html(old)


def test_it_draws_a_stored_section_as_a_fresh_one() -> None:
    built = snapshots.Built(_sections(), audience=Audience.HR)
    stored = snapshots.decode(snapshots.encode(built)).sections
    assert all(s.stored_pieces for s in stored)
    query = "program=1&date_from=2026-01-01"
    assert drawing.sections_html(stored, Audience.HR, query) == drawing.sections_html(
        _sections(), Audience.HR, query
    )


def test_it_draws_a_section_again_when_stored_by_another_drawing(monkeypatch) -> None:
    payload = snapshots.encode(snapshots.Built(_sections(), audience=Audience.HR))
    monkeypatch.setattr(drawing, "VERSION", drawing.VERSION + 1)
    assert all(s.stored_pieces is None for s in snapshots.decode(payload).sections)


def _form(data, *, show_program=True) -> DashboardFilterForm:
    form = DashboardFilterForm(
        data,
        programs=[(1, "Onboarding <A>"), (2, "Leaders")],
        cohorts=["2026-01", "2025-09"],
        show_program=show_program,
    )
    form.is_valid() if data is not None else None
    return form


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "show_program"),
    [
        (None, True),
        (None, False),
        ({"program": "2", "cohort": "2025-09", "date_from": "2026-01-05"}, True),
        ({"date_from": "2026-05-01", "date_to": "2026-01-01", "cohort": "nope"}, True),
        ({"date_from": "2026-13-01", "program": "x"}, False),
    ],
)
def test_it_draws_the_filters_as_the_template_loop_did(data, show_program) -> None:
    departments = [factories.DepartmentFactory(name=n) for n in ("Ops & <Support>", "Eng")]
    if data is not None:
        data = {**data, "department": str(departments[1].pk)}
    old = OLD_FILTERS.render({"form": _form(data, show_program=show_program)})
    form = _form(data, show_program=show_program)
    form.fields["department"].choices = [("", "All departments"), *department_choices()]
    with CaptureQueriesContext(connection) as queries:
        new = drawing.filter_fields(form)
    assert parse_html(new) == parse_html(old)
    assert not queries.captured_queries


@pytest.mark.django_db
def test_it_serves_a_stored_section_with_this_requests_filters(org, client_for) -> None:
    client = client_for(org.leader)
    url = reverse("metrics:leadership")
    client.get(url, {"cohort": org.start.strftime("%Y-%m")})
    (row,) = DashboardSnapshot.objects.all()
    assert row.data_day == date.today() and '"pieces"' in row.payload
    html = client.get(url, {"cohort": org.start.strftime("%Y-%m"), "utm": "x"}).content.decode()
    cohort = org.start.strftime("%Y-%m")
    assert f'href="?cohort={cohort}&amp;utm=x&amp;format=csv&amp;table=retention"' in html
