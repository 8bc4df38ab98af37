"""Reads whose SQL is built once (core.compiled): the same rows as the queryset built afresh."""

from datetime import date, timedelta

import pytest
from django.db.models import Count

from core.compiled import compiled_objects, compiled_page, compiled_rows
from mentorships.models import Mentorship
from tests import factories

pytestmark = pytest.mark.django_db


@compiled_rows
def _started_since(program_id: int, since: date, status: str):
    return (
        Mentorship.objects.filter(program_id=program_id, started_on__gte=since, status=status)
        .order_by("pk")
        .values_list("pk", "status")
    )


def test_it_runs_the_sql_built_once_with_each_calls_values():
    today = date.today()
    first, second = factories.ProgramFactory(), factories.ProgramFactory()
    old = factories.MentorshipFactory(program=first, started_on=today - timedelta(days=30))
    new = factories.MentorshipFactory(program=first, started_on=today)
    other = factories.MentorshipFactory(program=second, started_on=today, status="paused")
    for args in (
        (first.pk, today - timedelta(days=40), "active"),
        (first.pk, today, "active"),
        (second.pk, today, "paused"),
        (second.pk, today, "active"),
    ):
        assert _started_since(*args) == list(_started_since.build(*args))
    assert _started_since(first.pk, today - timedelta(days=40), "active") == [
        (old.pk, "active"),
        (new.pk, "active"),
    ]
    assert _started_since(second.pk, today, "paused") == [(other.pk, "paused")]


def test_it_refuses_an_argument_that_does_not_reach_the_sql_as_a_parameter():
    @compiled_rows
    def by_prefix(prefix: str):
        return Mentorship.objects.filter(mentee__email__startswith=prefix).values_list("pk")

    with pytest.raises(ValueError, match="do not reach the SQL"):
        by_prefix("a")


def test_it_reads_in_one_query(django_assert_num_queries):
    @compiled_rows
    def per_status(program_id: int):
        return (
            Mentorship.objects.filter(program_id=program_id)
            .order_by()
            .values("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )

    program = factories.ProgramFactory()
    factories.MentorshipFactory.create_batch(2, program=program)
    per_status(program.pk)
    with django_assert_num_queries(1):
        assert per_status(program.pk) == [("active", 2)]


@compiled_page
def _pairings_by_mentee(program_id: int):
    return (
        Mentorship.objects.filter(program_id=program_id)
        .order_by("mentee__full_name", "pk")
        .values_list("pk", "mentee__full_name")
    )


def test_it_reads_a_page_of_the_rows_as_the_sliced_queryset(django_assert_num_queries):
    program, other = factories.ProgramFactory(), factories.ProgramFactory()
    for name in ("Cy", "Al", "Bo", "Al", "Di"):
        factories.MentorshipFactory(program=program, mentee__full_name=name)
    factories.MentorshipFactory(program=other, mentee__full_name="Aa")
    everything = list(_pairings_by_mentee.build(program.pk))
    assert [name for _, name in everything] == ["Al", "Al", "Bo", "Cy", "Di"]
    for offset, limit in ((0, 2), (2, 2), (4, 2), (0, 20), (5, 3)):
        rows = _pairings_by_mentee(program.pk, offset=offset, limit=limit)
        assert rows == everything[offset : offset + limit]
    assert _pairings_by_mentee(other.pk, offset=0, limit=20) == list(
        _pairings_by_mentee.build(other.pk)
    )
    with django_assert_num_queries(0):
        assert _pairings_by_mentee(program.pk, offset=0, limit=0) == []
    with django_assert_num_queries(1):
        _pairings_by_mentee(program.pk, offset=2, limit=2)


@compiled_objects
def _pairings_with_reset(program_id: int, since):
    from django.db.models import OuterRef, Subquery

    from mentorships.models import ResetRequest

    resets = ResetRequest.objects.filter(mentorship=OuterRef("pk"), created_at__gte=since)
    return (
        Mentorship.objects.filter(program_id=program_id)
        .select_related("program", "mentor", "mentee", "agreement")
        .annotate(reset_at=Subquery(resets.order_by("-created_at").values("created_at")[:1]))
        .order_by("pk")
    )


def _described(found) -> list[tuple]:
    return [
        (
            m.pk,
            m.status,
            m.started_on,
            m.created_at,
            m.program.name,
            m.mentor.email,
            m.mentee.full_name,
            getattr(m, "agreement", None) and m.agreement.pk,
            m.reset_at,
        )
        for m in found
    ]


def test_it_builds_the_instances_the_queryset_would(django_assert_num_queries):
    from django.utils import timezone

    from mentorships.models import Agreement, ResetRequest

    program = factories.ProgramFactory()
    with_all, plain = factories.MentorshipFactory.create_batch(2, program=program)
    factories.MentorshipFactory()  # another program's
    Agreement.objects.create(mentorship=with_all)
    ResetRequest.objects.create(mentorship=with_all, raised_by=with_all.mentee, reason="x")
    for since in (timezone.now() - timedelta(days=1), timezone.now() + timedelta(days=1)):
        expected = _described(_pairings_with_reset.build(program.pk, since))
        with django_assert_num_queries(1):
            found = _pairings_with_reset(program.pk, since)
        assert _described(found) == expected
        assert [m.pk for m in found] == [with_all.pk, plain.pk]
    assert found[0].reset_at is None
