"""Dashboards served from the day's table (metrics.snapshots): built once a day by the worker
or by their first viewer, then read in one query; keyed so no viewer gets another's view."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from metrics import drawing, services, snapshots, tasks
from metrics.dashboards import Audience, Section
from metrics.models import DashboardSnapshot
from outbox.models import OutboxMessage
from people.models import User
from tests import factories

MARKER = "42.4%"  # a figure no build of the hand-worked organisation gives


def _queries(client, url: str, data: dict | None = None) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, data or {})
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def _tamper(row: DashboardSnapshot, old: str = "83.3%", new: str = MARKER) -> None:
    """Change a stored figure, so a page showing it can only have read the stored view."""
    assert old in row.payload
    DashboardSnapshot.objects.filter(pk=row.pk).update(payload=row.payload.replace(old, new))


def _only_row() -> DashboardSnapshot:
    (row,) = DashboardSnapshot.objects.all()
    return row


def test_it_stores_a_view_on_first_render_and_reads_it_on_the_second(org, client_for) -> None:
    client = client_for(org.hr)
    url = reverse("metrics:program", args=[org.program.slug])
    built, first = _queries(client, url)
    row = _only_row()
    assert row.data_day == date.today() and row.is_default and row.payload
    _tamper(row)
    stored, second = _queries(client, url)
    assert MARKER in second and "83.3%" not in second
    assert stored < built


def test_it_reads_every_stored_dashboard_in_a_small_constant_number_of_queries(
    org, client_for, django_assert_max_num_queries, dashboard_urls
) -> None:
    urls = dashboard_urls
    clients = {user: client_for(user) for user in urls}
    for user, user_urls in urls.items():
        for url in user_urls:
            clients[user].get(url)  # builds and stores it
    # More data the same day: the stored views are read, in as many queries as before.
    counts = {url: _queries(clients[u], url)[0] for u, us in urls.items() for url in us}
    for _ in range(5):
        factories.UserFactory(department=org.people["m1"].department)
        factories.EnrolmentFactory(program=org.program, role="mentee")
    for user, user_urls in urls.items():
        for url in user_urls:
            with django_assert_max_num_queries(counts[url]):
                assert clients[user].get(url).status_code == 200
    # Session and user, the programs, the departments, the stored row, the navigation's manager
    # check; a manager's line and subtree fingerprint (their manager check is the view's).
    assert max(counts.values()) <= 8


def test_it_rebuilds_a_view_stored_on_an_earlier_day(org, client_for) -> None:
    client = client_for(org.leader)
    client.get(reverse("metrics:leadership"))
    row = _only_row()
    _tamper(row)
    DashboardSnapshot.objects.filter(pk=row.pk).update(data_day=date.today() - timedelta(days=1))
    html = client.get(reverse("metrics:leadership")).content.decode()
    assert "83.3%" in html and MARKER not in html
    row = _only_row()
    assert row.data_day == date.today() and MARKER not in row.payload


def test_it_says_how_fresh_the_figures_are(org, client_for) -> None:
    client = client_for(org.leader)
    client.get(reverse("metrics:leadership"))
    computed = _only_row().computed_at
    html = client.get(reverse("metrics:leadership")).content.decode()
    when = timezone.localtime(computed).strftime("%H:%M")
    assert f"Figures as of {when} today, refreshed daily." in html
    assert "Refresh now" not in html  # HR only


def test_it_never_serves_a_manager_another_managers_view(org, client_for) -> None:
    client_for(org.boss).get(reverse("metrics:team"))
    boss_row = _only_row()
    _tamper(boss_row, old="66.7%")
    outside = client_for(org.outside_boss).get(reverse("metrics:team")).content.decode()
    assert MARKER not in outside
    assert DashboardSnapshot.objects.count() == 2
    assert MARKER in client_for(org.boss).get(reverse("metrics:team")).content.decode()


def test_it_rebuilds_a_managers_view_when_their_team_changes(org, client_for) -> None:
    client = client_for(org.boss)
    client.get(reverse("metrics:team"))
    _tamper(_only_row(), old="66.7%")
    User.objects.filter(pk=org.people["c2"].pk).update(manager=org.boss)
    html = client.get(reverse("metrics:team")).content.decode()
    assert MARKER not in html


def test_it_shares_a_view_between_coordinators_of_the_same_programs_only(
    org, other_hr, client_for
) -> None:
    same = factories.HRFactory(email="same.hr@example.com")
    org.program.coordinators.add(same)
    client_for(org.hr).get(reverse("metrics:hr"))
    _tamper(_only_row())
    assert MARKER in client_for(same).get(reverse("metrics:hr")).content.decode()
    assert MARKER not in client_for(other_hr).get(reverse("metrics:hr")).content.decode()


def test_it_stores_a_filtered_view_apart_from_the_unfiltered_one(org, client_for) -> None:
    from people.models import Department

    client = client_for(org.hr)
    client.get(reverse("metrics:hr"))
    _tamper(_only_row())
    ops = Department.objects.get(name="Operations")
    html = client.get(reverse("metrics:hr"), {"department": ops.pk}).content.decode()
    assert MARKER not in html
    filtered = DashboardSnapshot.objects.get(is_default=False)
    assert filtered.spec["department_id"] == ops.pk


def test_it_exports_the_figures_the_page_shows(org, client_for) -> None:
    client = client_for(org.hr)
    url = reverse("metrics:program", args=[org.program.slug])
    client.get(url)
    _tamper(_only_row())
    assert MARKER in client.get(url).content.decode()
    body = client.get(url, {"format": "csv", "table": "retention"}).content.decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[1] == ["6", "participants", MARKER.rstrip("%"), "6", "false"]


def test_it_queues_a_refresh_when_hr_presses_refresh_now(org, client_for) -> None:
    client = client_for(org.hr)
    url = reverse("metrics:program", args=[org.program.slug])
    assert "Refresh now" in client.get(url).content.decode()
    _tamper(_only_row())
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == url
    html = client.get(url).content.decode()
    # Asked for, not done by the request: the stored figures stay until the worker is done.
    assert MARKER in html and "A refresh is on its way" in html
    message = OutboxMessage.objects.get(task_name="metrics.tasks.refresh_dashboard")
    assert message.kwargs == {"key": _only_row().key}


def test_it_rebuilds_the_view_when_the_queued_refresh_runs(
    org, client_for, django_capture_on_commit_callbacks
) -> None:
    client = client_for(org.hr)
    url = reverse("metrics:program", args=[org.program.slug])
    client.get(url)
    _tamper(_only_row())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    row = _only_row()
    assert MARKER not in row.payload and row.refresh_requested_at is None
    html = client.get(url).content.decode()
    assert "83.3%" in html and "A refresh is on its way" not in html


def test_it_ignores_a_managers_post_to_the_team_dashboard(org, client_for) -> None:
    response = client_for(org.boss).post(reverse("metrics:team"))
    assert response.status_code == 200
    assert not OutboxMessage.objects.filter(task_name__startswith="metrics.").exists()
    assert "Refresh now" not in response.content.decode()


def _rows() -> list[tuple]:
    return list(
        DashboardSnapshot.objects.order_by("key").values_list(
            "key", "payload", "data_day", "computed_at", "refreshing_since"
        )
    )


def test_it_builds_every_default_view_once_when_the_morning_task_runs_twice(org) -> None:
    first = tasks.refresh_dashboards()
    rows = _rows()
    second = tasks.refresh_dashboards()
    assert _rows() == rows
    managers = User.objects.filter(reports__is_active=True).distinct().count()
    # Leadership, the HR coordinator's one program, every manager.
    assert first["built"] == len(rows) == 2 + managers
    assert second["built"] == 0 and second["fresh"] == len(rows)
    assert all(r[2] == date.today() and r[1] and r[4] is None for r in rows)


def test_it_serves_the_views_the_morning_task_built(org, client_for) -> None:
    tasks.refresh_dashboards()
    row = DashboardSnapshot.objects.get(spec__audience="manager", spec__manager_id=org.boss.pk)
    _tamper(row, old="66.7%")
    assert MARKER in client_for(org.boss).get(reverse("metrics:team")).content.decode()


def test_it_purges_views_of_earlier_days_after_the_morning_run(org, client_for) -> None:
    from people.models import Department

    ops = Department.objects.get(name="Operations")
    client_for(org.hr).get(reverse("metrics:hr"), {"department": ops.pk})
    DashboardSnapshot.objects.update(data_day=date.today() - timedelta(days=1))
    tasks.refresh_dashboards()
    assert not DashboardSnapshot.objects.filter(is_default=False).exists()
    assert not DashboardSnapshot.objects.exclude(data_day=date.today()).exists()


def test_it_leaves_a_view_claimed_by_another_worker_alone(org) -> None:
    tasks.refresh_dashboards()
    row = DashboardSnapshot.objects.get(spec__audience="leadership")
    DashboardSnapshot.objects.filter(pk=row.pk).update(
        data_day=date.today() - timedelta(days=1), refreshing_since=timezone.now()
    )
    result = services.dashboard_refresh_daily(today=date.today())
    assert result.busy == 1 and result.built == 0
    assert DashboardSnapshot.objects.get(pk=row.pk).data_day == date.today() - timedelta(days=1)


def test_it_stops_at_the_time_budget_and_the_next_run_goes_on(org) -> None:
    first = services.dashboard_refresh_daily(today=date.today(), budget_seconds=0)
    assert first.built == 1 and first.left > 0
    second = services.dashboard_refresh_daily(today=date.today())
    assert second.fresh == 1 and second.built == first.left and second.left == 0


def test_it_stores_sections_as_json_and_reads_them_back_unchanged() -> None:
    section = Section(
        "growth",
        "Skill growth",
        "Intro",
        ["Group", "Mean"],
        [["Kube", 1.25, 3, "fewer than 3", None, True, Decimal("2.50"), date(2026, 1, 2)]],
        chart=mark_safe("<svg><text>a &amp; b</text></svg>"),
        notes=["Invest"],
        links=[("Book Ann", "/experts/1/book/?skill=2")],
    )
    built = snapshots.Built([section], audience=Audience.LEADERSHIP)
    (back,) = snapshots.decode(snapshots.encode(built)).sections
    assert back == section
    # The section's card is stored as drawn, and read back as it is.
    drawn = drawing.section_pieces(section, Audience.LEADERSHIP)
    assert back.stored_pieces == drawn and len(drawn) > 1
    assert isinstance(back.chart, SafeString)
    assert back.links == [("Book Ann", "/experts/1/book/?skill=2")]


def test_it_refuses_to_store_a_cell_json_cannot_hold() -> None:
    import pytest

    section = Section("x", "X", "", ["A"], [[object()]])
    with pytest.raises(TypeError):
        snapshots.encode(snapshots.Built([section]))


def test_it_keys_a_view_by_everything_that_decides_who_is_counted() -> None:
    base = snapshots.View(Audience.MANAGER, (1, 2), (1, 2), manager_id=5, manager_path="/1/5/")
    keys = {
        snapshots.key_for(base, [3, 30, 400]),
        snapshots.key_for(base, [3, 31, 401]),
        snapshots.key_for(base.__class__(**{**base.__dict__, "manager_id": 6}), [3, 30, 400]),
        snapshots.key_for(base.__class__(**{**base.__dict__, "manager_path": "/2/5/"}), None),
        snapshots.key_for(base.__class__(**{**base.__dict__, "department_id": 1}), None),
        snapshots.key_for(base.__class__(**{**base.__dict__, "program_ids": (1,)}), None),
        snapshots.key_for(base.__class__(**{**base.__dict__, "all_program_ids": (1,)}), None),
        snapshots.key_for(base.__class__(**{**base.__dict__, "audience": Audience.HR}), None),
        snapshots.key_for(base, None),
    }
    assert len(keys) == 9


def test_it_does_not_queue_again_a_run_the_time_limit_cut_short_before_any_view(
    org, monkeypatch
) -> None:
    from celery.exceptions import SoftTimeLimitExceeded

    def too_slow(*args, **kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(snapshots, "build", too_slow)
    result = tasks.refresh_dashboards()
    assert result["built"] == 0 and result["left"] == 0
    assert not OutboxMessage.objects.filter(task_name="metrics.tasks.refresh_dashboards").exists()
    assert not DashboardSnapshot.objects.exclude(refreshing_since=None).exists()


def test_it_draws_the_table_again_when_read_in_another_language() -> None:
    from django.utils import translation

    section = Section("x", "X", "", ["A", "B"], [["a", 1.5]])
    payload = snapshots.encode(snapshots.Built([section], audience=Audience.HR))
    with translation.override("de"):
        (back,) = snapshots.decode(payload).sections
    assert back.stored_pieces is None


def test_it_stores_a_teams_totals_with_its_view(org, client_for) -> None:
    client = client_for(org.boss)
    client.get(reverse("metrics:team"))
    stored = snapshots.decode(_only_row().payload)
    assert stored.team is not None and stored.team.people == 4  # m1, m2, c1 and m3 below m1
    html = client.get(reverse("metrics:team")).content.decode()
    assert "Your team at a glance" in html and "(4 people)" in html


def test_it_shows_the_figures_it_built_when_they_cannot_be_stored(
    org, client_for, monkeypatch
) -> None:
    from django.db import DatabaseError

    def broken(**kwargs):
        raise DatabaseError("read-only")

    monkeypatch.setattr(services, "_snapshot_store", broken)
    response = client_for(org.leader).get(reverse("metrics:leadership"))
    assert response.status_code == 200 and "83.3%" in response.content.decode()
    assert not DashboardSnapshot.objects.exists()
