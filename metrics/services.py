from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from audit.services import audit_record
from learning import services as learning_services
from outbox.services import outbox_enqueue
from people.models import User
from people.selectors import reporting_path_of, subtree
from people.services import person_role_set

from . import outcome_import, selectors, snapshots
from .dashboards import Section
from .models import DashboardSnapshot, OutcomeEvent, OutcomeKind

logger = logging.getLogger(__name__)


@transaction.atomic
def outcome_event_record(*, employee: User, data: dict, by: User) -> OutcomeEvent:
    """One event recorded by hand; the same event twice is refused, not duplicated."""
    key = OutcomeEvent.key_for(
        data["kind"], data.get("certification_name", ""), data.get("project_name", "")
    )
    try:
        with transaction.atomic():
            return OutcomeEvent.objects.create(
                employee=employee, recorded_by=by, natural_key=key, **data
            )
    except IntegrityError:
        raise ValidationError(
            "This event is already recorded for this person on this date."
        ) from None


@dataclass
class ImportResult:
    created: int
    unchanged: int
    errors: list
    row_count: int

    @property
    def ok(self) -> bool:
        return not self.errors


@transaction.atomic
def outcome_events_import(*, data: bytes, by: User, max_bytes: int | None = None) -> ImportResult:
    """All or nothing: with any bad row nothing is saved. Events already recorded are skipped."""
    users = dict(User.objects.values_list("email", "pk"))
    users = {email.lower(): pk for email, pk in users.items()}
    kwargs = {"max_bytes": max_bytes} if max_bytes else {}
    checked = outcome_import.check(data, users_by_email=users, **kwargs)
    if checked.errors:
        return ImportResult(0, 0, checked.errors, checked.row_count)
    employees = {e["employee_id"] for e in checked.events}
    existing = set(
        OutcomeEvent.objects.filter(employee_id__in=employees).values_list(
            "employee_id", "kind", "occurred_on", "natural_key"
        )
    )
    new = [
        OutcomeEvent(recorded_by=by, **e)
        for e in checked.events
        if (e["employee_id"], e["kind"], e["occurred_on"], e["natural_key"]) not in existing
    ]
    OutcomeEvent.objects.bulk_create(new, batch_size=1000)
    audit_record(
        actor=by,
        action="import.outcomes.applied",
        payload={"created": len(new), "rows": checked.row_count},
    )
    return ImportResult(len(new), len(checked.events) - len(new), [], checked.row_count)


def dashboard_exported(*, by: User, dashboard: str, metric: str | None, program=None) -> None:
    """Exports leave the building: record who took which figures."""
    audit_record(
        actor=by,
        action="dashboard.exported",
        program=program,
        payload={"dashboard": dashboard, "metric": metric or "all"},
    )


def leadership_access_set(*, user: User, granted: bool, by: User) -> User:
    """Grant or revoke the leadership view (no-op when already so), audited."""
    return person_role_set(person=user, role="leadership", granted=granted, by=by)


@transaction.atomic
def certification_exam_record(
    *,
    by: User,
    taken_on,
    passed: bool,
    certification_goal=None,
    certification=None,
    employee: User | None = None,
    prepared_from=None,
):
    """An exam sitting (learning), and for a pass the certification outcome event the
    dashboards count, in one transaction. An event already recorded (imported, say) is kept."""
    result = learning_services.exam_result_record(
        certification_goal=certification_goal,
        certification=certification,
        employee=employee,
        taken_on=taken_on,
        passed=passed,
        prepared_from=prepared_from,
        by=by,
    )
    certification_passes_record(results=[result], by=by)
    return result


@transaction.atomic
def certification_passes_record(*, results: Iterable, by: User) -> None:
    """The certification outcome event of every passed exam (learning's ExamResult, with its
    certification) that has none yet; an event already recorded (imported, say) is kept. One
    INSERT whatever the number of results (ON CONFLICT DO NOTHING on the event's natural key).
    Used by `certification_exam_record` and by the demo (metrics.demo.seed_exam_outcomes)."""
    events = [
        OutcomeEvent(
            employee_id=r.employee_id,
            kind=OutcomeKind.CERTIFICATION,
            occurred_on=r.taken_on,
            natural_key=OutcomeEvent.key_for(OutcomeKind.CERTIFICATION, r.certification.name),
            certification_name=r.certification.name[:150],
            certification_issuer=r.certification.issuer[:150],
            recorded_by=by,
        )
        for r in results
        if r.passed
    ]
    OutcomeEvent.objects.bulk_create(events, batch_size=1000, ignore_conflicts=True)


# --- Dashboards built once a day (metrics.snapshots) ----------------------------------------

# A worker's claim on a view older than this is taken to be a dead worker's.
SNAPSHOT_CLAIM_TIMEOUT = timedelta(minutes=15)


@dataclass
class DashboardFigures:
    """A dashboard view's sections and how fresh they are."""

    sections: list[Section]
    computed_at: datetime
    data_day: date
    # "Refresh now" was pressed and the worker has not finished it yet.
    refresh_pending: bool = False
    # Read from the day's table rather than built in this request.
    stored: bool = False
    # A manager's team dashboard: the team's totals, as of the same time.
    team: selectors.TeamTotals | None = None


def dashboard_figures(
    *,
    view: snapshots.View,
    manager: User | None = None,
    people: list[int] | None = None,
    today: date,
) -> DashboardFigures:
    """The view's sections: read from the day's table (one query), or built now when the
    view has no figures of `today` yet (filters nobody chose yet today, a new program, a
    reorganised team), then stored so that its next viewer that day reads them.

    `people`: a manager view's subtree fingerprint (selectors.subtree_fingerprint).
    """
    key = snapshots.key_for(view, people)
    row = selectors.dashboard_snapshot(key)
    if row is not None and row.payload and row.data_day == today:
        try:
            stored = snapshots.decode(row.payload)
        except (ValueError, TypeError, KeyError, AttributeError):
            logger.warning("Dashboard view %s could not be read; rebuilding it.", key[:12])
        else:
            return DashboardFigures(
                stored.sections,
                row.computed_at,
                row.data_day,
                refresh_pending=row.refresh_requested_at is not None,
                stored=True,
                team=stored.team,
            )
    started = time.perf_counter()
    built = snapshots.build(view, manager=manager, today=today)
    computed_at = timezone.now()
    try:
        with transaction.atomic():
            _snapshot_store(
                key=snapshots.key_for(view, built.people),
                view=view,
                built=built,
                today=today,
                computed_at=computed_at,
                ms=round((time.perf_counter() - started) * 1000),
            )
    except DatabaseError:
        # The figures are built: show them; the next viewer builds them again.
        logger.warning("Dashboard view %s could not be stored.", view.label, exc_info=True)
    pending = row is not None and row.refresh_requested_at is not None
    return DashboardFigures(
        built.sections, computed_at, today, refresh_pending=pending, team=built.team
    )


def _snapshot_store(
    *,
    key: str,
    view: snapshots.View,
    built: snapshots.Built,
    today: date,
    computed_at: datetime,
    ms: int,
) -> bool:
    """Store (or replace) the view's figures; False if they can't be stored as JSON."""
    try:
        payload = snapshots.encode(built)
    except (TypeError, ValueError):
        logger.warning("Dashboard view %s can't be stored; it is built per request.", view.label)
        return False
    values = {
        "payload": payload,
        "data_day": today,
        "computed_at": computed_at,
        "compute_ms": ms,
        "spec": view.to_json(),
        "label": view.label[:200],
        "is_default": view.is_default,
    }
    if DashboardSnapshot.objects.filter(key=key).update(**values):
        return True
    try:
        with transaction.atomic():
            DashboardSnapshot.objects.create(key=key, **values)
    except IntegrityError:  # stored by another request meanwhile: ours is as good
        DashboardSnapshot.objects.filter(key=key).update(**values)
    return True


def _snapshot_row(*, key: str, view: snapshots.View) -> None:
    """The view's row, empty until built, so that it can be claimed."""
    if DashboardSnapshot.objects.filter(key=key).exists():
        return
    try:
        with transaction.atomic():
            DashboardSnapshot.objects.create(
                key=key, spec=view.to_json(), label=view.label[:200], is_default=view.is_default
            )
    except IntegrityError:
        pass  # made by someone else meanwhile


def _snapshot_claim(*, key: str) -> datetime | None:
    """Claim the view for building (a conditional UPDATE: one worker wins, a dead worker's
    claim expires after SNAPSHOT_CLAIM_TIMEOUT). The claim's time, or None."""
    now = timezone.now()
    free = Q(refreshing_since__isnull=True) | Q(refreshing_since__lt=now - SNAPSHOT_CLAIM_TIMEOUT)
    claimed = DashboardSnapshot.objects.filter(free, key=key).update(refreshing_since=now)
    return now if claimed == 1 else None


def _snapshot_build(
    *,
    key: str,
    claimed_at: datetime,
    view: snapshots.View,
    manager: User | None,
    today: date,
    cache: dict | None,
) -> None:
    """Build a claimed view and store it; the claim is released whatever happens."""
    started = time.perf_counter()
    try:
        built = snapshots.build(view, manager=manager, today=today, cache=cache)
        _snapshot_store(
            key=snapshots.key_for(view, built.people),
            view=view,
            built=built,
            today=today,
            computed_at=timezone.now(),
            ms=round((time.perf_counter() - started) * 1000),
        )
    finally:
        mine = DashboardSnapshot.objects.filter(key=key, refreshing_since=claimed_at)
        # Presses of "Refresh now" before this build began are answered by it.
        mine.filter(refresh_requested_at__lte=claimed_at).update(refresh_requested_at=None)
        mine.update(refreshing_since=None)


def _current(view: snapshots.View) -> tuple[snapshots.View, User | None, list[int] | None]:
    """The view with its manager's place in the reporting line as it is now, the manager,
    and their subtree's fingerprint (for the key)."""
    if view.manager_id is None:
        return view, None, None
    manager = User.objects.filter(pk=view.manager_id).first()
    if manager is None:
        return view, None, None
    path = reporting_path_of(manager)
    return (
        replace(view, manager_path=path),
        manager,
        selectors.subtree_fingerprint(subtree(manager)),
    )


def dashboard_refresh_request(*, view: snapshots.View, people: list[int] | None, by: User) -> str:
    """ "Refresh now": mark the view as asked for and queue its rebuild for the worker (the
    request does no building when a worker runs). Returns the view's key."""
    key = snapshots.key_for(view, people)
    with transaction.atomic():
        _snapshot_row(key=key, view=view)
        DashboardSnapshot.objects.filter(key=key).update(refresh_requested_at=timezone.now())
        outbox_enqueue(task="metrics.tasks.refresh_dashboard", kwargs={"key": key})
    return key


def dashboard_refresh(*, key: str, today: date) -> bool:
    """Rebuild one stored view now (the worker's side of "Refresh now"). False when the view
    is gone or another worker is building it. Safe to run twice."""
    row = DashboardSnapshot.objects.filter(key=key).values_list("spec", flat=True).first()
    claimed_at = None if row is None else _snapshot_claim(key=key)
    if claimed_at is None:
        return False
    view, manager, _people = _current(snapshots.View.from_json(row))
    if view.manager_id is not None and manager is None:
        DashboardSnapshot.objects.filter(key=key).delete()  # the manager is gone
        return False
    _snapshot_build(
        key=key, claimed_at=claimed_at, view=view, manager=manager, today=today, cache=None
    )
    return True


@dataclass
class RefreshResult:
    built: int = 0
    fresh: int = 0  # already of today (built by a viewer, or an earlier run)
    busy: int = 0  # claimed by another worker
    left: int = 0  # not reached within the time budget: the next run goes on
    purged: int = 0


def dashboard_refresh_daily(
    *, today: date, budget_seconds: float | None = None, into: RefreshResult | None = None
) -> RefreshResult:
    """Build every default view (selectors.default_dashboard_views) not yet of `today`.

    Safe to run twice, or in two workers at once: a view already of today is skipped and
    each view is claimed (a conditional UPDATE) before it is built. Stops starting views
    after `budget_seconds`, having built at least one (the task queues a run to go on).
    When every view is done, views of earlier days (filtered ones, or of managers no longer
    managing) are deleted.
    Rows the Builder shares between a view and its wider views are shared by the whole run.
    `into`: the counts, kept up as it goes (read them if the run is cut short).
    """
    result = into if into is not None else RefreshResult()
    started = time.perf_counter()
    views = selectors.default_dashboard_views()
    fresh = set(
        DashboardSnapshot.objects.filter(data_day=today)
        .exclude(payload="")
        .values_list("key", flat=True)
    )
    cache: dict = {}
    last_log = started
    logger.info("Dashboard refresh for %s: %d views.", today, len(views))
    for i, found in enumerate(views):
        # At least one view per run, so that a run queued to go on always gets further.
        over = budget_seconds is not None and time.perf_counter() - started > budget_seconds
        if over and result.built:
            result.left = len(views) - i
            break
        view, manager, people = _current(found)
        if view.manager_id is not None and manager is None:
            continue
        key = snapshots.key_for(view, people)
        if key in fresh:
            result.fresh += 1
            continue
        _snapshot_row(key=key, view=view)
        claimed_at = _snapshot_claim(key=key)
        if claimed_at is None:
            result.busy += 1
            continue
        _snapshot_build(
            key=key, claimed_at=claimed_at, view=view, manager=manager, today=today, cache=cache
        )
        result.built += 1
        if time.perf_counter() - last_log > 10:
            last_log = time.perf_counter()
            logger.info(
                "Dashboard refresh: %d of %d views (%d built), %.0f s.",
                i + 1,
                len(views),
                result.built,
                last_log - started,
            )
    if not result.left:
        result.purged, _ = (
            DashboardSnapshot.objects.filter(Q(data_day__lt=today) | Q(data_day__isnull=True))
            .filter(refreshing_since__isnull=True, refresh_requested_at__isnull=True)
            .delete()
        )
    logger.info(
        "Dashboard refresh for %s: %d built, %d already fresh, %d busy, %d left, %d purged "
        "in %.1f s.",
        today,
        result.built,
        result.fresh,
        result.busy,
        result.left,
        result.purged,
        time.perf_counter() - started,
    )
    return result
