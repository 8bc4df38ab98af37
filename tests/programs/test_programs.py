"""Programs and the skills taxonomy, as HR coordinators manage them."""

from datetime import date, timedelta

import pytest

from programs.models import Program, Skill
from tests.factories import ProgramFactory, SkillFactory

pytestmark = pytest.mark.django_db


def program_data(**overrides) -> dict:
    start = date.today() + timedelta(days=10)
    data = {
        "name": "Security guild",
        "slug": "security-guild",
        "description": "",
        "purpose": "technical",
        "format": "one_to_one",
        "start_date": start.isoformat(),
        "end_date": (start + timedelta(days=120)).isoformat(),
        "meeting_cadence": "fortnightly",
        "milestone_cadence": "monthly",
        "mentor_expectations": "",
        "mentee_expectations": "",
        "meeting_expectations": "",
        "default_mentor_capacity": "2",
        "min_group_size": "3",
        "max_group_size": "6",
    }
    data.update(overrides)
    return data


def test_it_creates_a_program_as_a_draft_coordinated_by_its_creator(client_for, hr_user):
    response = client_for(hr_user).post("/programs/new/", program_data())
    assert response.status_code == 302
    program = Program.objects.get(slug="security-guild")
    assert program.status == "draft"
    assert list(program.coordinators.all()) == [hr_user]


def test_it_refuses_an_end_date_before_the_start(client_for, hr_user):
    start = date.today() + timedelta(days=10)
    response = client_for(hr_user).post(
        "/programs/new/", program_data(end_date=(start - timedelta(days=1)).isoformat())
    )
    assert response.status_code == 200
    assert "The end date must be after the start date." in response.content.decode()
    assert not Program.objects.filter(slug="security-guild").exists()


@pytest.mark.parametrize(
    "name", ["Security\nguild", "Security\r\nguild", "Security\u2028guild", "Security\x85guild"]
)
def test_it_refuses_a_program_name_with_a_line_break(client_for, hr_user, name):
    response = client_for(hr_user).post("/programs/new/", program_data(name=name))
    assert response.status_code == 200
    assert "This must be a single line: remove the line break." in response.content.decode()
    assert not Program.objects.exists()


def test_it_refuses_program_creation_to_an_employee(client_for, employee):
    assert client_for(employee).post("/programs/new/", program_data()).status_code == 403
    assert not Program.objects.exists()


def test_it_edits_a_program_i_coordinate(client_for, hr_user):
    program = ProgramFactory(coordinators=[hr_user], status="draft")
    data = program_data(name="Renamed", slug=program.slug)
    response = client_for(hr_user).post(f"/programs/{program.slug}/edit/", data)
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.name == "Renamed"


def test_it_refuses_editing_to_hr_of_another_program(client_for, hr_user, other_hr):
    program = ProgramFactory(coordinators=[hr_user], name="Original")
    data = program_data(name="Hijacked", slug=program.slug)
    assert client_for(other_hr).post(f"/programs/{program.slug}/edit/", data).status_code == 403
    program.refresh_from_db()
    assert program.name == "Original"


def test_it_lists_only_programs_i_coordinate(client_for, hr_user, other_hr):
    ProgramFactory(coordinators=[hr_user], name="Mine")
    ProgramFactory(coordinators=[other_hr], name="Theirs")
    body = client_for(hr_user).get("/programs/").content.decode()
    assert "Mine" in body
    assert "Theirs" not in body


def test_the_program_list_keeps_constant_queries(
    client_for, hr_user, django_assert_max_num_queries
):
    client = client_for(hr_user)
    ProgramFactory.create_batch(2, coordinators=[hr_user])
    with django_assert_max_num_queries(7):
        assert client.get("/programs/").status_code == 200
    ProgramFactory.create_batch(15, coordinators=[hr_user])
    with django_assert_max_num_queries(7):
        assert client.get("/programs/").status_code == 200


def test_it_moves_a_program_forward(client_for, hr_user):
    program = ProgramFactory(coordinators=[hr_user], status="draft")
    client_for(hr_user).post(f"/programs/{program.slug}/status/", {"status": "enrolling"})
    program.refresh_from_db()
    assert program.status == "enrolling"


def test_it_refuses_skipping_a_status_with_a_message(client_for, hr_user):
    program = ProgramFactory(coordinators=[hr_user], status="draft")
    response = client_for(hr_user).post(
        f"/programs/{program.slug}/status/", {"status": "active"}, follow=True
    )
    assert "can&#x27;t move to" in response.content.decode()
    program.refresh_from_db()
    assert program.status == "draft"


def test_it_refuses_reopening_a_closed_program(client_for, hr_user):
    program = ProgramFactory(coordinators=[hr_user], status="closed")
    client_for(hr_user).post(f"/programs/{program.slug}/status/", {"status": "enrolling"})
    program.refresh_from_db()
    assert program.status == "closed"


def test_it_refuses_a_nonsense_status(client_for, hr_user):
    program = ProgramFactory(coordinators=[hr_user], status="draft")
    response = client_for(hr_user).post(
        f"/programs/{program.slug}/status/", {"status": "party"}, follow=True
    )
    assert "Choose a valid status." in response.content.decode()


def test_it_refuses_status_changes_to_hr_of_another_program(client_for, hr_user, other_hr):
    program = ProgramFactory(coordinators=[hr_user], status="draft")
    response = client_for(other_hr).post(
        f"/programs/{program.slug}/status/", {"status": "enrolling"}
    )
    assert response.status_code == 403
    program.refresh_from_db()
    assert program.status == "draft"


def test_it_hides_a_draft_from_employees(client_for, employee, hr_user):
    program = ProgramFactory(coordinators=[hr_user], status="draft")
    assert client_for(employee).get(f"/programs/{program.slug}/").status_code == 404
    assert client_for(hr_user).get(f"/programs/{program.slug}/").status_code == 200


def test_it_adds_a_skill(client_for, hr_user):
    response = client_for(hr_user).post(
        "/programs/skills/new/", {"name": "eBPF", "category": "networking"}
    )
    assert response.status_code == 302
    assert Skill.objects.filter(name="eBPF").exists()


def test_it_renames_a_skill(client_for, hr_user):
    skill = SkillFactory(name="K8s")
    client_for(hr_user).post(
        f"/programs/skills/{skill.pk}/edit/", {"name": "Kube admin", "category": "cloud"}
    )
    skill.refresh_from_db()
    assert skill.name == "Kube admin"


def test_it_refuses_a_duplicate_skill_name_in_any_case(client_for, hr_user):
    SkillFactory(name="Terraform")
    response = client_for(hr_user).post(
        "/programs/skills/new/", {"name": "terraform", "category": "cloud"}
    )
    assert "A skill with this name already exists." in response.content.decode()
    assert Skill.objects.filter(name__iexact="terraform").count() == 1


def test_it_keeps_skills_to_hr(client_for, employee):
    skill = SkillFactory(name="K8s")
    assert client_for(employee).get("/programs/skills/").status_code == 403
    response = client_for(employee).post(
        f"/programs/skills/{skill.pk}/edit/", {"name": "X", "category": "cloud"}
    )
    assert response.status_code == 403
    skill.refresh_from_db()
    assert skill.name == "K8s"
