from datetime import date

import pytest

from imports import services
from imports.models import BatchStatus, ImportBatch
from people.models import Department, User
from tests import factories
from tests.concurrency import run_at_once
from tests.imports.helpers import many_people, people_csv, person, to_csv

pytestmark = pytest.mark.django_db


def preview(content: str, actor: User) -> ImportBatch:
    return services.batch_preview(
        kind="people", content=content, filename="people.csv", uploaded_by=actor
    )


def run(content: str, actor: User) -> ImportBatch:
    batch = preview(content, actor)
    assert batch.errors == [], batch.errors
    assert services.batch_apply(batch_id=batch.pk, actor=actor).applied
    batch.refresh_from_db()
    return batch


def errors_of(content: str, actor: User) -> list[tuple[int, str]]:
    batch = preview(content, actor)
    assert batch.status == BatchStatus.FAILED
    return [(e["line"], e["column"]) for e in batch.errors]


def test_it_never_gives_a_new_person_the_id_of_someone_deleted(hr_user):
    gone = factories.UserFactory(email="gone@example.com").pk
    User.objects.filter(pk=gone).delete()
    run(people_csv(person("new@example.com")), hr_user)
    assert User.objects.get(email="new@example.com").pk > gone


def test_it_creates_people_departments_and_reporting_lines(hr_user):
    content = people_csv(
        person("boss@example.com", department="Platform"),
        person(
            "dev@example.com",
            manager_email="BOSS@example.com",
            department="Data",
            job_family="Cloud and platform",
            hire_date="2023-04-05",
        ),
    )
    batch = run(content, hr_user)
    dev = User.objects.select_related("manager", "department").get(email="dev@example.com")
    assert dev.manager.email == "boss@example.com"
    assert dev.department.name == "Data"
    assert dev.job_family == "cloud"
    assert dev.hire_date == date(2023, 4, 5)
    assert not dev.has_usable_password()
    assert (dev.is_staff, dev.is_superuser, dev.is_hr_coordinator, dev.is_active) == (
        False,
        False,
        False,
        True,
    )
    assert dev.date_joined is not None
    assert dev.check_password("") is False
    assert set(Department.objects.values_list("name", flat=True)) >= {"Platform", "Data"}
    assert batch.summary["create"] == 2
    assert batch.status == BatchStatus.APPLIED


def test_it_previews_counts_without_writing(hr_user):
    factories.UserFactory(email="known@example.com", full_name="Known Person")
    batch = preview(
        people_csv(person("known@example.com", full_name="Renamed"), person("new@example.com")),
        hr_user,
    )
    assert batch.status == BatchStatus.PREVIEWED
    assert (batch.summary["create"], batch.summary["update"], batch.summary["unchanged"]) == (
        1,
        1,
        0,
    )
    assert not User.objects.filter(email="new@example.com").exists()
    assert User.objects.get(email="known@example.com").full_name == "Known Person"


def test_it_updates_on_reimport_instead_of_duplicating(hr_user):
    content = people_csv(
        person("a@example.com"), person("b@example.com", manager_email="a@example.com")
    )
    run(content, hr_user)
    again = run(content, hr_user)
    assert User.objects.filter(email__in=["a@example.com", "b@example.com"]).count() == 2
    assert (again.summary["create"], again.summary["update"], again.summary["unchanged"]) == (
        0,
        0,
        2,
    )
    changed = run(
        people_csv(person("A@Example.com", job_title="Lead"), person("b@example.com")), hr_user
    )
    assert (changed.summary["update"], changed.summary["unchanged"]) == (2, 0)
    assert User.objects.get(email="a@example.com").job_title == "Lead"
    assert User.objects.get(email="b@example.com").manager is None


def test_it_matches_existing_users_case_insensitively(hr_user):
    existing = factories.UserFactory(email="mixed@example.com")
    run(people_csv(person("MIXED@example.com", full_name="New Name")), hr_user)
    existing.refresh_from_db()
    assert existing.full_name == "New Name"
    assert User.objects.filter(email__iexact="mixed@example.com").count() == 1


def test_it_uses_defaults_for_blank_cells(hr_user):
    run(
        people_csv(
            person(
                "blank@example.com",
                job_family="",
                timezone="",
                active="",
                department="",
                hire_date="",
            )
        ),
        hr_user,
    )
    user = User.objects.get(email="blank@example.com")
    assert (user.job_family, user.timezone, user.is_active, user.department, user.hire_date) == (
        "other",
        "UTC",
        True,
        None,
        None,
    )


def test_it_leaves_absent_optional_columns_alone(hr_user):
    boss = factories.UserFactory(email="boss@example.com")
    worker = factories.UserFactory(email="worker@example.com", manager=boss, job_title="SRE")
    run(to_csv(["email", "full_name"], [["worker@example.com", "Worker Renamed"]]), hr_user)
    worker.refresh_from_db()
    assert (worker.full_name, worker.manager_id, worker.job_title) == (
        "Worker Renamed",
        boss.pk,
        "SRE",
    )


def test_it_refers_to_existing_managers_not_in_the_file(hr_user):
    boss = factories.UserFactory(email="boss@example.com")
    run(people_csv(person("new@example.com", manager_email="boss@example.com")), hr_user)
    assert User.objects.get(email="new@example.com").manager_id == boss.pk


@pytest.mark.parametrize(
    ("cells", "column"),
    [
        ({"manager_email": "ghost@example.com"}, "manager_email"),
        ({"manager_email": "not an email"}, "manager_email"),
        ({"email": "not-an-email"}, "email"),
        ({"hire_date": "2023-13-01"}, "hire_date"),
        ({"hire_date": "05/04/2023"}, "hire_date"),
        ({"job_family": "astronaut"}, "job_family"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"active": "perhaps"}, "active"),
        ({"full_name": ""}, "full_name"),
        ({"location": "bad\x07bell"}, "location"),
        ({"full_name": "Ada\u2028Lovelace"}, "full_name"),
        ({"job_title": "Head of\x85Platform"}, "job_title"),
        ({"job_title": "x" * 151}, "job_title"),
    ],
)
def test_it_reports_each_bad_cell_with_line_and_column(hr_user, cells, column):
    content = people_csv(person("ok@example.com"), {**person("row3@example.com"), **cells})
    assert errors_of(content, hr_user) == [(3, column)]
    assert not User.objects.filter(email="ok@example.com").exists()


def test_it_reports_duplicate_emails_on_the_repeat(hr_user):
    content = people_csv(
        person("dup@example.com"), person("other@example.com"), person("DUP@example.com")
    )
    assert errors_of(content, hr_user) == [(4, "email")]


def test_it_reports_missing_columns_once_on_line_one(hr_user):
    content = to_csv(["full_name", "department"], [["A", "X"], ["B", "Y"]])
    batch = preview(content, hr_user)
    assert [(e["line"], e["column"]) for e in batch.errors] == [(1, "")]
    assert "email" in batch.errors[0]["message"]


def test_it_reports_every_bad_row_and_imports_nothing(hr_user):
    content = people_csv(
        person("good@example.com"),
        person("bad1@example.com", hire_date="never"),
        person("good2@example.com"),
        person("bad2@example.com", timezone="Nowhere"),
    )
    assert errors_of(content, hr_user) == [(3, "hire_date"), (5, "timezone")]
    assert not User.objects.filter(email__startswith="good").exists()
    assert not Department.objects.filter(name="Platform").exists()


def test_it_detects_a_cycle_inside_the_file(hr_user):
    content = people_csv(
        person("a@example.com", manager_email="b@example.com"),
        person("b@example.com", manager_email="c@example.com"),
        person("c@example.com", manager_email="a@example.com"),
        person("d@example.com", manager_email="a@example.com"),
    )
    batch = preview(content, hr_user)
    assert [(e["line"], e["column"]) for e in batch.errors] == [
        (2, "manager_email"),
        (3, "manager_email"),
        (4, "manager_email"),
    ]
    assert "loop" in batch.errors[0]["message"]


def test_it_detects_self_management(hr_user):
    assert errors_of(
        people_csv(person("me@example.com", manager_email="ME@example.com")), hr_user
    ) == [(2, "manager_email")]


def test_it_detects_a_cycle_through_existing_users_outside_the_file(hr_user):
    top = factories.UserFactory(email="top@example.com")
    middle = factories.UserFactory(email="middle@example.com", manager=top)
    factories.UserFactory(email="bottom@example.com", manager=middle)
    # top now reports to bottom, who (in the database) reports to middle, who reports to top.
    content = people_csv(person("top@example.com", manager_email="bottom@example.com"))
    assert errors_of(content, hr_user) == [(2, "manager_email")]
    top.refresh_from_db()
    assert top.manager is None


def test_it_accepts_a_reorganisation_that_breaks_an_old_chain(hr_user):
    top = factories.UserFactory(email="top@example.com")
    factories.UserFactory(email="low@example.com", manager=top)
    run(
        people_csv(
            person("low@example.com"), person("top@example.com", manager_email="low@example.com")
        ),
        hr_user,
    )
    assert User.objects.get(email="top@example.com").manager.email == "low@example.com"


def test_it_refuses_to_deactivate_the_importer(hr_user):
    content = people_csv(person(hr_user.email, active="no"))
    assert errors_of(content, hr_user) == [(2, "active")]


def test_it_rechecks_at_confirm_time(hr_user):
    a = factories.UserFactory(email="a@example.com")
    b = factories.UserFactory(email="b@example.com")
    batch = preview(people_csv(person("a@example.com", manager_email="b@example.com")), hr_user)
    b.manager = a  # someone edits the directory between the preview and the confirmation
    b.save()
    outcome = services.batch_apply(batch_id=batch.pk, actor=hr_user)
    batch.refresh_from_db()
    a.refresh_from_db()
    assert not outcome.applied
    assert batch.status == BatchStatus.FAILED
    assert batch.errors[0]["column"] == "manager_email"
    assert a.manager is None


def test_it_applies_a_batch_only_once(hr_user):
    batch = preview(people_csv(person("once@example.com")), hr_user)
    assert services.batch_apply(batch_id=batch.pk, actor=hr_user).applied
    User.objects.filter(email="once@example.com").update(full_name="Edited since")
    second = services.batch_apply(batch_id=batch.pk, actor=hr_user)
    assert not second.applied
    assert User.objects.get(email="once@example.com").full_name == "Edited since"


def test_it_keeps_queries_constant_as_rows_grow(hr_user, django_assert_max_num_queries):
    for count, prefix in ((10, "small"), (200, "large")):
        content = many_people(count, prefix=prefix)
        with django_assert_max_num_queries(12):
            batch = preview(content, hr_user)
        with django_assert_max_num_queries(16):
            assert services.batch_apply(batch_id=batch.pk, actor=hr_user).applied
    assert User.objects.filter(email__startswith="large").count() == 200
    assert User.objects.get(email="large15@example.com").manager.email == "large10@example.com"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_applies_once_when_two_confirms_race(hr_user):
    batch = preview(people_csv(person("race@example.com"), person("race2@example.com")), hr_user)

    def confirm() -> bool:
        return services.batch_apply(batch_id=batch.pk, actor=hr_user).applied

    results = run_at_once(confirm, confirm)
    assert sorted(results) == [False, True]
    assert User.objects.filter(email__startswith="race").count() == 2
    assert ImportBatch.objects.get(pk=batch.pk).status == BatchStatus.APPLIED
