"""core.bulk on both lanes: PostgreSQL's fast path and the portable one SQLite runs."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from core import bulk
from people.models import User
from programs.models import Skill, SkillCategory
from reminders.models import AtRiskFlag, DeliveryStatus, ReminderKind, ReminderSent
from tests.factories import MentorshipFactory, SkillFactory, UserFactory

pytestmark = pytest.mark.django_db
CLOUD = SkillCategory.CLOUD.value


def test_it_inserts_rows_given_as_mappings_with_model_defaults_for_what_they_leave_out() -> None:
    written = bulk.insert_rows(
        Skill,
        [
            {"name": "Bulk one", "category": CLOUD},
            {"name": "Bulk two", "category": CLOUD, "description": "Second"},
        ],
    )
    assert written == 2
    rows = dict(Skill.objects.filter(name__startswith="Bulk").values_list("name", "description"))
    assert rows == {"Bulk one": "", "Bulk two": "Second"}


def test_it_inserts_rows_given_as_tuples_in_the_order_of_the_columns() -> None:
    bulk.insert_rows(
        Skill,
        [("Tuple one", "a"), ("Tuple two", "b")],
        columns=("name", "description"),
        constants={"category": CLOUD},
    )
    rows = Skill.objects.filter(name__startswith="Tuple").order_by("name")
    assert [(s.name, s.description, s.category) for s in rows] == [
        ("Tuple one", "a", CLOUD),
        ("Tuple two", "b", CLOUD),
    ]


def test_it_skips_rows_hitting_a_unique_constraint_and_counts_only_the_new_ones() -> None:
    SkillFactory(name="Kept skill", description="Original")
    written = bulk.insert_rows(
        Skill,
        [("KEPT SKILL", "Duplicate"), ("New skill", "")],
        columns=("name", "description"),
        constants={"category": CLOUD},
        ignore_conflicts=True,
    )
    assert written == 1
    assert Skill.objects.get(name__iexact="kept skill").description == "Original"
    assert Skill.objects.filter(name="New skill").exists()


def test_it_leaves_database_defaults_to_the_database_and_fills_the_rest() -> None:
    mentorship = MentorshipFactory()
    now = timezone.now()
    bulk.insert_rows(
        ReminderSent,
        [(mentorship.pk, mentorship.mentee_id, ReminderKind.CHECKIN_DUE.value, date(2026, 3, 2))],
        columns=("mentorship_id", "recipient_id", "kind", "period_start"),
        constants={"status": DeliveryStatus.PENDING.value, "created_at": now},
    )
    row = ReminderSent.objects.get(mentorship=mentorship)
    assert (row.attempts, row.last_error, row.digest_id, row.sent_at, row.milestone_id) == (
        0,
        "",
        None,
        None,
        None,
    )
    assert (row.channel, row.status, row.created_at) == ("email", "pending", now)


def test_it_stamps_auto_now_add_fields_left_out() -> None:
    mentorship = MentorshipFactory()
    before = timezone.now()
    bulk.insert_rows(
        AtRiskFlag, [{"mentorship_id": mentorship.pk, "period_start": date(2026, 3, 2)}]
    )
    flag = AtRiskFlag.objects.get(mentorship=mentorship)
    assert flag.flagged_at >= before and flag.resolved_at is None


def test_it_inserts_in_chunks(monkeypatch) -> None:
    rows = [(f"Chunked {i}", "") for i in range(5)]
    written = bulk.insert_rows(
        Skill, rows, columns=("name", "description"), constants={"category": CLOUD}, chunk_size=2
    )
    assert written == 5
    assert Skill.objects.filter(name__startswith="Chunked").count() == 5


def test_it_writes_nothing_for_no_rows() -> None:
    assert bulk.insert_rows(Skill, []) == 0
    assert bulk.update_rows(User, [], ["job_title"]) == 0
    assert bulk.delete_where_in(Skill, "id", []) == 0
    assert bulk.reserve_ids(User, 0) == []


def test_it_updates_the_named_fields_of_each_row_in_batches() -> None:
    users = UserFactory.create_batch(3, job_title="Before", location="Leeds")
    rows = [{"pk": u.pk, "job_title": f"After {i}"} for i, u in enumerate(users)]
    assert bulk.update_rows(User, rows, ["job_title"], batch_size=2) == 3
    found = User.objects.filter(pk__in=[u.pk for u in users]).order_by("pk")
    assert [(u.job_title, u.location) for u in found] == [
        ("After 0", "Leeds"),
        ("After 1", "Leeds"),
        ("After 2", "Leeds"),
    ]


def test_it_deletes_by_a_list_of_ids_longer_than_one_statement_takes(monkeypatch) -> None:
    monkeypatch.setattr(bulk, "PORTABLE_IN_SIZE", 2)
    skills = SkillFactory.create_batch(5)
    kept = SkillFactory()
    assert bulk.delete_where_in(Skill, "id", [s.pk for s in skills]) == 5
    assert not Skill.objects.filter(pk__in=[s.pk for s in skills]).exists()
    assert Skill.objects.filter(pk=kept.pk).exists()


def test_it_reserves_fresh_ids_that_rows_can_be_inserted_with() -> None:
    existing = UserFactory()
    deleted = UserFactory()
    deleted_pk = deleted.pk
    deleted.delete()
    ids = bulk.reserve_ids(User, 3)
    assert len(set(ids)) == 3 and min(ids) > max(existing.pk, deleted_pk)
    bulk.insert_rows(
        User,
        [
            {
                "id": pk,
                "email": f"reserved{pk}@example.com",
                "full_name": f"Reserved {pk}",
                "password": "!",
            }
            for pk in ids
        ],
    )
    assert sorted(
        User.objects.filter(email__startswith="reserved").values_list("id", flat=True)
    ) == sorted(ids)
    assert UserFactory().pk not in ids
