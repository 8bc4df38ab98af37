"""The differencing attack: set two dashboard views side by side, one the other minus a filter,
and try to work out the figure of the one or two people the filter leaves out.

Generated organisation (two programs in different start months, two departments, a manager
with a sub-manager): program P1 has mentees a1, a2, a3 (department A, under the sub-manager)
and b1 (department B, directly under the boss); program P2 has only c1 (department A, outside
the boss's line). So "all" minus department A, minus program P1, minus cohort P1, minus a
date range, and the boss's team minus the sub-manager's team each leave exactly one person.
a1 also gave a second pulse late on, which one date range cuts off.
"""

from __future__ import annotations

import csv
import io
import itertools
import zipfile
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from checkins.models import CheckIn, Pulse
from feedback.models import AssessmentRequest, AssessmentRound, SkillRating
from metrics.forms import DashboardFilterForm
from metrics.models import OutcomeEvent
from tests import factories

pytestmark = pytest.mark.django_db

# Per section: (value column, people column) of every figure in its main table.
FIGURES = {  # table: (columns naming a figure, its value column, its people column)
    "growth": (("group", "group_type", "rater"), "mean_change", "people"),
    "retention": (("months", "group"), "retained_percent", "people"),
    "career": (("outcome", "group"), "share_percent", "people"),
    "engagement": (("measure",), "value", "based_on"),
}


@dataclass
class World:
    today: date
    p1: object
    p2: object
    dept_a: object
    dept_b: object
    hr: object
    leader: object
    boss: object
    sub: object
    everyone: frozenset
    late_pulse_day: date


@pytest.fixture
def world(hr_user) -> World:
    today = date.today()
    start1, end1 = today - timedelta(days=420), today - timedelta(days=60)
    start2, end2 = today - timedelta(days=300), today - timedelta(days=30)
    dept_a = factories.DepartmentFactory(name="Dept A")
    dept_b = factories.DepartmentFactory(name="Dept B")
    leader = factories.UserFactory(full_name="Lea Der", can_view_leadership=True, hire_date=None)
    boss = factories.UserFactory(full_name="Big Boss", department=dept_a, hire_date=None)
    sub = factories.UserFactory(
        full_name="Sub Boss", department=dept_a, manager=boss, hire_date=None
    )
    p1 = factories.ProgramFactory(
        name="P one",
        status="active",
        start_date=start1,
        end_date=end1,
        meeting_cadence="fortnightly",
        coordinators=[hr_user],
    )
    p2 = factories.ProgramFactory(
        name="P two",
        status="active",
        start_date=start2,
        end_date=end2,
        meeting_cadence="fortnightly",
        coordinators=[hr_user],
    )
    skill = factories.SkillFactory(name="Diff test skill", category="cloud")
    hired = start1 - timedelta(days=800)
    mentor = factories.UserFactory(department=dept_a, hire_date=hired - timedelta(days=2000))
    mentees = {
        "a1": (p1, dept_a, sub),
        "a2": (p1, dept_a, sub),
        "a3": (p1, dept_a, sub),
        "b1": (p1, dept_b, boss),
        "c1": (p2, dept_a, None),
    }
    changes = {"a1": 1, "a2": 2, "a3": 1, "b1": 3, "c1": -1}  # b1's and c1's are the secrets
    done = timezone.now()
    late = today - timedelta(days=70)
    for program in (p1, p2):
        mentor_enrolment = factories.EnrolmentFactory(
            program=program, user=mentor, role="mentor", capacity=5
        )
        factories.EnrolmentSkillFactory(
            enrolment=mentor_enrolment, skill=skill, level=5, target_level=None
        )
    rounds = {
        program.pk: {
            kind: AssessmentRound.objects.create(
                program=program, kind=kind, due_on=program.start_date + timedelta(days=d)
            )
            for kind, d in (("baseline", 5), ("final", 200))
        }
        for program in (p1, p2)
    }
    for name, (program, dept, manager) in mentees.items():
        person = factories.UserFactory(
            full_name=f"Mentee {name}", department=dept, manager=manager, hire_date=hired
        )
        enrolment = factories.EnrolmentFactory(program=program, user=person, role="mentee")
        factories.EnrolmentSkillFactory(
            enrolment=enrolment, skill=skill, level=1, target_level=1 + changes[name] % 4 + 1
        )
        pairing = factories.MentorshipFactory(
            program=program, mentor=mentor, mentee=person, started_on=program.start_date
        )
        first = CheckIn.objects.create(
            mentorship=pairing,
            author=mentor,
            activity="other",
            date=program.start_date + timedelta(days=20),
            duration_minutes=30,
        )
        Pulse.objects.create(checkin=first, user=person, score=2 + changes[name] % 3)
        if name == "a1":
            second = CheckIn.objects.create(
                mentorship=pairing, author=mentor, activity="other", date=late, duration_minutes=30
            )
            Pulse.objects.create(checkin=second, user=person, score=1)
        if name in ("b1", "c1"):
            OutcomeEvent.objects.create(
                employee=person,
                kind="promotion",
                occurred_on=program.start_date + timedelta(days=30),
                natural_key=f"promotion-{name}",
                to_role="Senior",
            )
        for role, rater in (("mentee", person), ("mentor", mentor)):
            for kind, level in (("baseline", 2), ("final", 2 + changes[name])):
                request = AssessmentRequest.objects.create(
                    round=rounds[program.pk][kind],
                    mentee=person,
                    rater=rater,
                    rater_role=role,
                    completed_at=done,
                )
                SkillRating.objects.create(request=request, skill=skill, level=max(level, 1))
    from people.models import User

    return World(
        today,
        p1,
        p2,
        dept_a,
        dept_b,
        hr_user,
        leader,
        boss,
        sub,
        frozenset(User.objects.values_list("pk", flat=True)),
        late,
    )


def _number(text: str) -> float | None:
    try:
        return float(text.rstrip("%"))
    except ValueError:
        return None


def _figures(client, url: str, params: dict) -> dict[tuple, tuple[float, float]]:
    """(table, row key, column) -> (value, people) of every figure shown, read from the zip of
    the dashboard's tables (tests/metrics/test_tables.py checks the page shows the same)."""
    response = client.get(url, {**params, "format": "zip"})
    assert response.status_code == 200
    found = {}
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        for table, (keys, value_col, n_col) in FIGURES.items():
            name = f"{table}.csv"
            if name not in archive.namelist():
                continue
            for row in csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig"))):
                value, n = _number(row[value_col]), _number(row[n_col])
                if value is not None and n is not None:
                    found[(table, *(row[k] for k in keys), value_col)] = (value, n)
    return found


def _views(world: World) -> list[tuple[object, str, frozenset, dict, dict]]:
    """(viewer, url, people behind the view, filters, fixed filters) for every filter option
    the form offers, for leadership, both managers and HR's program dashboard."""
    form = DashboardFilterForm(
        programs=[(p.pk, p.name) for p in (world.p1, world.p2)],
        cohorts=sorted(
            {world.p1.start_date.strftime("%Y-%m"), world.p2.start_date.strftime("%Y-%m")}
        ),
    )
    options: list[tuple[str, object]] = []
    for name in ("program", "department", "cohort"):
        for value, _label in form.fields[name].choices:
            if value not in ("", None):
                options.append((name, str(value.value if hasattr(value, "value") else value)))
    ranges = [
        (world.p1.start_date, world.p2.start_date - timedelta(days=1)),  # P1 only
        (world.p1.end_date + timedelta(days=1), world.today),  # P2 only
        (world.p1.start_date, world.late_pulse_day - timedelta(days=1)),  # cuts a1's late pulse
    ]
    options += [("dates", r) for r in ranges]
    singles = [{}] + [dict([o]) for o in options]
    # Two filters at once: the department with each other filter (leadership view only, to
    # keep the test short; the rule is the same code for every viewer).
    pairs = [
        dict([a, b])
        for a, b in itertools.product(options, options)
        if a[0] == "department" and b[0] != "department"
    ]
    from people.selectors import subtree_ids

    views = [
        (world.leader, reverse("metrics:leadership"), world.everyone, combo, {})
        for combo in singles + pairs
    ]
    views += [
        (viewer, reverse("metrics:team"), frozenset(subtree_ids(viewer)), combo, {})
        for viewer in (world.boss, world.sub)
        for combo in singles
    ]
    # The program dashboard is the programs dashboard with the program filter fixed.
    p1_url = reverse("metrics:program", args=[world.p1.slug])
    views += [
        (world.hr, p1_url, world.everyone, combo, {"program": str(world.p1.pk)})
        for combo in singles
        if "program" not in combo
    ]
    return views


def _params(filters: dict) -> dict:
    params = {k: v for k, v in filters.items() if k != "dates"}
    if "dates" in filters:
        params["date_from"], params["date_to"] = (d.isoformat() for d in filters["dates"])
    return params


def _attack(world: World, client_for, views) -> list[str]:
    """Everything the attack recovers from any two nested views: empty when it fails."""
    clients = {}
    shown = []
    for viewer, url, people, filters, fixed in views:
        client = clients.setdefault(viewer.pk, client_for(viewer))
        shown.append((people, {**filters, **fixed}, _figures(client, url, _params(filters))))
    recovered = []
    for (people1, f1, wide), (people2, f2, narrow) in itertools.permutations(shown, 2):
        nested = people2 <= people1 and f1.items() <= f2.items()
        if not nested or (people1, f1) == (people2, f2):
            continue
        for key, (value2, n2) in narrow.items():
            if key not in wide:
                continue
            value1, n1 = wide[key]
            if 0 < n1 - n2 < 3 or (n1 == n2 and value1 != value2):
                recovered.append(f"{key}: {value1}×{n1} vs {value2}×{n2} ({f1} vs {f2})")
    return recovered


@pytest.mark.slow
def test_it_recovers_nothing_from_a_differencing_attack_on_every_filter(world, client_for) -> None:
    leaks = _attack(world, client_for, _views(world))
    assert leaks == [], "\n".join(leaks[:20])


def test_it_still_shows_figures_where_enough_people_are_left_out(world, client_for) -> None:
    """Not everything is hidden: the unfiltered view shows skill growth from 5 mentees."""
    found = _figures(client_for(world.leader), reverse("metrics:leadership"), {})
    assert found[("growth", "Diff test skill", "skill", "self", "mean_change")] == (1.2, 5)


def test_it_hides_a_pulse_average_a_date_range_cuts_one_pulse_from(world, client_for) -> None:
    start, end = world.p1.start_date, world.late_pulse_day - timedelta(days=1)
    client = client_for(world.leader)
    url = reverse("metrics:leadership")
    everything = _figures(client, url, {})
    cut = _figures(client, url, {"date_from": start.isoformat(), "date_to": end.isoformat()})
    key = ("engagement", "pulse_average", "value")
    assert key in everything and key not in cut
