import pytest

from imports import services
from imports.models import BatchStatus, ImportBatch
from programs.models import Enrolment, EnrolmentSkill, Program
from tests import factories
from tests.imports.helpers import enrolment, enrolments_csv, to_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(hr_user) -> Program:
    return factories.ProgramFactory(coordinators=[hr_user], default_mentor_capacity=3)


@pytest.fixture
def people(db) -> list:
    return [factories.UserFactory(email=f"e{i}@example.com") for i in range(3)]


@pytest.fixture
def skills(db) -> dict:
    return {name: factories.SkillFactory(name=name) for name in ("Kubernetes", "Terraform", "Go")}


def preview(content: str, program: Program, actor) -> ImportBatch:
    return services.batch_preview(
        kind="enrolments", content=content, filename="e.csv", uploaded_by=actor, program=program
    )


def run(content: str, program: Program, actor) -> ImportBatch:
    batch = preview(content, program, actor)
    assert batch.errors == [], batch.errors
    assert services.batch_apply(batch_id=batch.pk, actor=actor).applied
    batch.refresh_from_db()
    return batch


def errors_of(content: str, program: Program, actor) -> list[tuple[int, str]]:
    batch = preview(content, program, actor)
    assert batch.status == BatchStatus.FAILED
    return [(e["line"], e["column"]) for e in batch.errors]


def skill_rows(enrolment_obj: Enrolment) -> set[tuple[str, int, int | None]]:
    return {
        (s.skill.name, s.level, s.target_level)
        for s in enrolment_obj.skills.select_related("skill")
    }


def test_it_creates_mentors_and_mentees_with_skills(hr_user, program, people, skills):
    content = enrolments_csv(
        enrolment("e0@example.com", role="mentor", skills="kubernetes:5; Terraform:4", capacity=""),
        enrolment(
            "E1@example.com", role="Mentee", skills="Go:1>3", career_track="Cloud engineering"
        ),
    )
    batch = run(content, program, hr_user)
    mentor = Enrolment.objects.get(program=program, user=people[0])
    mentee = Enrolment.objects.get(program=program, user=people[1])
    assert (mentor.role, mentor.capacity, mentor.status) == ("mentor", 3, "approved")
    assert skill_rows(mentor) == {("Kubernetes", 5, None), ("Terraform", 4, None)}
    assert (mentee.role, mentee.career_track, mentee.communication_style) == (
        "mentee",
        "cloud",
        "direct",
    )
    assert skill_rows(mentee) == {("Go", 1, 3)}
    assert batch.summary["create"] == 2


def test_it_updates_on_reimport_and_replaces_skills(hr_user, program, people, skills):
    first = enrolments_csv(enrolment("e0@example.com", role="mentor", skills="Go:3", capacity="2"))
    run(first, program, hr_user)
    same = run(first, program, hr_user)
    assert (same.summary["create"], same.summary["update"], same.summary["unchanged"]) == (0, 0, 1)
    changed = enrolments_csv(
        enrolment("e0@example.com", role="mentor", skills="Terraform:5", capacity="4")
    )
    again = run(changed, program, hr_user)
    assert again.summary["update"] == 1
    row = Enrolment.objects.get(program=program, user=people[0])
    assert row.capacity == 4
    assert skill_rows(row) == {("Terraform", 5, None)}
    assert Enrolment.objects.filter(program=program).count() == 1
    assert EnrolmentSkill.objects.filter(enrolment=row).count() == 1


def test_it_keeps_existing_values_for_blank_cells(hr_user, program, people, skills):
    existing = factories.EnrolmentFactory(
        program=program, user=people[0], role="mentor", capacity=5, hours_per_month=10
    )
    factories.EnrolmentSkillFactory(
        enrolment=existing, skill=skills["Go"], level=4, target_level=None
    )
    run(to_csv(["email", "role"], [["e0@example.com", "mentor"]]), program, hr_user)
    existing.refresh_from_db()
    assert (existing.capacity, existing.hours_per_month) == (5, 10)
    assert skill_rows(existing) == {("Go", 4, None)}


def test_it_matches_enrolments_per_program(hr_user, program, people, skills):
    other = factories.ProgramFactory(coordinators=[hr_user])
    factories.EnrolmentFactory(program=other, user=people[0], role="mentee")
    run(enrolments_csv(enrolment("e0@example.com", role="mentor")), program, hr_user)
    assert Enrolment.objects.get(program=other, user=people[0]).role == "mentee"
    assert Enrolment.objects.get(program=program, user=people[0]).role == "mentor"


@pytest.mark.parametrize(
    ("cells", "column"),
    [
        ({"email": "ghost@example.com"}, "email"),
        ({"role": "sidekick"}, "role"),
        ({"role": "peer"}, "role"),
        ({"skills": "Cobol:2>3"}, "skills"),
        ({"skills": "Go:0>3"}, "skills"),
        ({"skills": "Go:2>6"}, "skills"),
        ({"skills": "Go:3>3"}, "skills"),
        ({"skills": "Go:4>2"}, "skills"),
        ({"skills": "Go:3"}, "skills"),
        ({"skills": "Go:1>2;go:2>4"}, "skills"),
        ({"skills": "Go"}, "skills"),
        ({"role": "mentor", "skills": "Go:2>4"}, "skills"),
        ({"role": "mentor", "skills": "Go:6"}, "skills"),
        ({"capacity": "0"}, "capacity"),
        ({"capacity": "many"}, "capacity"),
        ({"career_track": "astronaut"}, "career_track"),
        ({"communication_style": "shouty"}, "communication_style"),
        ({"meeting_mode": "pigeon"}, "meeting_mode"),
        ({"seniority": "ancient"}, "seniority"),
        ({"years_experience": "61"}, "years_experience"),
        ({"hours_per_month": "0"}, "hours_per_month"),
    ],
)
def test_it_reports_each_bad_cell_with_line_and_column(
    hr_user, program, people, skills, cells, column
):
    content = enrolments_csv(enrolment("e0@example.com"), {**enrolment("e1@example.com"), **cells})
    assert errors_of(content, program, hr_user) == [(3, column)]
    assert not Enrolment.objects.filter(program=program).exists()


def test_it_reports_inactive_employees(hr_user, program, skills):
    factories.UserFactory(email="gone@example.com", is_active=False)
    assert errors_of(enrolments_csv(enrolment("gone@example.com")), program, hr_user) == [
        (2, "email")
    ]


def test_it_reports_duplicate_rows(hr_user, program, people, skills):
    content = enrolments_csv(
        enrolment("e0@example.com"), enrolment("e1@example.com"), enrolment("E0@example.com")
    )
    assert errors_of(content, program, hr_user) == [(4, "email")]


def test_it_requires_peers_in_a_peer_program(hr_user, people, skills):
    peer_program = factories.ProgramFactory(coordinators=[hr_user], format="peer")
    content = enrolments_csv(
        enrolment("e0@example.com", role="peer", skills="Go:3"),
        enrolment("e1@example.com", role="mentee"),
    )
    assert errors_of(content, peer_program, hr_user) == [(3, "role")]
    ok = run(
        enrolments_csv(enrolment("e0@example.com", role="peer", skills="Go:2>4")),
        peer_program,
        hr_user,
    )
    assert ok.status == BatchStatus.APPLIED


def test_it_imports_nothing_when_one_row_is_bad(hr_user, program, people, skills):
    content = enrolments_csv(
        enrolment("e0@example.com"),
        enrolment("e1@example.com", skills="Nope:1>2"),
        enrolment("e2@example.com"),
    )
    batch = preview(content, program, hr_user)
    assert batch.status == BatchStatus.FAILED
    assert services.batch_apply(batch_id=batch.pk, actor=hr_user).applied is False
    assert not Enrolment.objects.filter(program=program).exists()


def test_it_keeps_queries_constant_as_rows_grow(
    hr_user, program, skills, django_assert_max_num_queries
):
    for count, prefix in ((10, "small"), (200, "large")):
        users = [factories.UserFactory(email=f"{prefix}{n}@example.com") for n in range(count)]
        rows = [
            enrolment(
                u.email,
                role="mentor" if i % 2 else "mentee",
                skills="Go:4;Terraform:3" if i % 2 else "Go:1>3",
            )
            for i, u in enumerate(users)
        ]
        content = enrolments_csv(*rows)
        with django_assert_max_num_queries(10):
            batch = preview(content, program, hr_user)
        with django_assert_max_num_queries(16):
            assert services.batch_apply(batch_id=batch.pk, actor=hr_user).applied
    assert EnrolmentSkill.objects.filter(enrolment__program=program).count() == 5 * 3 + 100 * 3


def test_it_refuses_a_role_change_for_someone_in_a_live_mentorship(
    hr_user, program, people, skills
):
    factories.EnrolmentFactory(program=program, user=people[0], role="mentee")
    factories.EnrolmentFactory(program=program, user=people[1], role="mentor")
    factories.MentorshipFactory(program=program, mentor=people[1], mentee=people[0])
    content = enrolments_csv(
        enrolment("e0@example.com", role="mentor"), enrolment("e1@example.com", role="mentor")
    )
    assert errors_of(content, program, hr_user) == [(2, "role")]
    assert Enrolment.objects.get(program=program, user=people[0]).role == "mentee"


def test_it_refuses_imports_into_a_closed_program(hr_user, people, skills):
    closed = factories.ProgramFactory(coordinators=[hr_user], status="closed")
    assert errors_of(enrolments_csv(enrolment("e0@example.com")), closed, hr_user) == [(1, "")]
