"""Metrics through the API: the dashboards' own figures and suppression, to their own viewers.

The organisation is the metrics tests' hand-worked one (tests/metrics/conftest.py).
"""

from __future__ import annotations

import io
import zipfile

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from metrics.export import to_csv
from tests import factories
from tests.api.resources.helpers import ApiClient

PAGES = {
    "programs": "metrics:hr",
    "team": "metrics:team",
    "leadership": "metrics:leadership",
}


def _viewer(org, dashboard: str):
    return {"programs": org.hr, "team": org.boss, "leadership": org.leader}[dashboard]


def page_tables(user, url: str, params: dict) -> dict[str, str]:
    """table name -> CSV text, from the page's own zip export."""
    client = Client()
    client.force_login(user)
    response = client.get(url, {**params, "format": "zip"})
    assert response.status_code == 200, response.status_code
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        return {
            name.removesuffix(".csv"): archive.read(name).decode()
            for name in archive.namelist()
            if name.endswith(".csv")
        }


def api_tables(client: ApiClient, url: str, params: dict) -> dict[str, str]:
    """table name -> the API's rows written as the export writes them."""
    response = client.get(url, params)
    assert response.status_code == 200, response.content[:300]
    return {
        t["name"]: to_csv([[c["name"] for c in t["columns"]], *t["rows"]])
        for t in response.json()["tables"]
    }


def _filters(org) -> list[dict]:
    eng = org.people["m1"].department_id
    return [
        {},
        {"department": eng},
        {"date_from": org.start.isoformat(), "date_to": org.today.isoformat()},
        {"cohort": org.start.strftime("%Y-%m")},
        {"program": org.program.pk, "department": eng},
    ]


@pytest.mark.parametrize("dashboard", list(PAGES))
@pytest.mark.parametrize("lane", ["session", "token"])
def test_it_gives_exactly_the_tables_of_the_dashboards_export(org, assessments, dashboard, lane):
    user = _viewer(org, dashboard)
    client = ApiClient(user, lane)
    url = reverse(f"api:metrics-{dashboard}")
    for params in _filters(org):
        expected = page_tables(user, reverse(PAGES[dashboard]), params)
        assert api_tables(client, url, params) == expected, params


def test_it_gives_a_programs_dashboard_exactly_as_its_page(org, assessments):
    client = ApiClient(org.hr, "token")
    url = reverse("api:metrics-program", args=[org.program.slug])
    page = reverse("metrics:program", args=[org.program.slug])
    for params in ({}, {"department": org.people["m1"].department_id}):
        assert api_tables(client, url, params) == page_tables(org.hr, page, params)


def test_it_hides_a_figure_from_fewer_than_three_people(org, assessments):
    body = ApiClient(org.boss, "session").get(reverse("api:metrics-team")).json()
    growth = next(t for t in body["tables"] if t["name"] == "growth")
    names = [c["name"] for c in growth["columns"]]
    rows = [dict(zip(names, row, strict=True)) for row in growth["rows"]]
    mentor = next(r for r in rows if r["group"] == "Kube test skill" and r["rater"] == "mentor")
    own = next(r for r in rows if r["group"] == "Kube test skill" and r["rater"] == "self")
    # Two mentor ratings: hidden; three self-ratings: shown.
    assert (mentor["mean_change"], mentor["people"], mentor["suppressed"]) == (None, None, True)
    assert (own["mean_change"], own["people"], own["suppressed"]) == (1.0, 3, False)


def test_it_never_gives_a_manager_or_leadership_a_count_under_three(org, assessments):
    for user, name in ((org.boss, "team"), (org.leader, "leadership")):
        body = ApiClient(user, "session").get(reverse(f"api:metrics-{name}")).json()
        for table in body["tables"]:
            names = [c["name"] for c in table["columns"]]
            for column in ("people", "based_on", "answers", "sought", "mentees_seeking"):
                if column in names:
                    i = names.index(column)
                    shown = [row[i] for row in table["rows"] if row[i] is not None]
                    assert all(n >= 3 for n in shown), (table["name"], column, shown)


def test_it_refuses_each_dashboard_to_those_without_its_role_with_403(org):
    outsider = factories.UserFactory()
    other_hr = factories.HRFactory()
    for user, name, args in (
        (outsider, "api:metrics-programs", []),
        (outsider, "api:metrics-team", []),
        (org.hr, "api:metrics-team", []),
        (org.boss, "api:metrics-leadership", []),
        (org.boss, "api:metrics-programs", []),
        (other_hr, "api:metrics-program", [org.program.slug]),
        (outsider, "api:metrics-program", [org.program.slug]),
    ):
        response = ApiClient(user, "token").get(reverse(name, args=args))
        assert response.status_code == 403, (name, response.status_code)
        assert "tables" not in response.json()


def test_it_answers_404_for_a_program_that_does_not_exist(org):
    url = reverse("api:metrics-program", args=["no-such-program"])
    assert ApiClient(org.hr, "session").get(url).status_code == 404


@pytest.mark.parametrize(
    "params,field",
    [
        ({"department": "engineering"}, "department"),
        ({"program": 10**6}, "program"),
        ({"date_from": "2026-02-30"}, "date_from"),
        ({"cohort": "1999-01"}, "cohort"),
    ],
)
def test_it_refuses_a_filter_it_cannot_read_with_400(org, params, field):
    response = ApiClient(org.hr, "session").get(reverse("api:metrics-programs"), params)
    assert response.status_code == 400 and field in response.json()["errors"]


def test_it_refuses_a_date_range_that_ends_before_it_starts(org):
    params = {"date_from": org.today.isoformat(), "date_to": org.start.isoformat()}
    response = ApiClient(org.hr, "session").get(reverse("api:metrics-programs"), params)
    assert response.status_code == 400 and "date_to" in response.json()["errors"]


def test_it_records_who_took_the_figures(org):
    ApiClient(org.boss, "token").get(reverse("api:metrics-team"))
    event = AuditEvent.objects.get(action="dashboard.exported", actor=org.boss)
    assert event.payload == {"dashboard": "team", "metric": "api"}


def test_it_needs_the_metrics_scope(org):
    client = ApiClient(org.hr, "token", scopes=("outcomes:write",))
    assert client.get(reverse("api:metrics-programs")).status_code == 403
    reader = ApiClient(org.hr, "token", scopes=("metrics:read",))
    assert reader.get(reverse("api:metrics-programs")).status_code == 200
