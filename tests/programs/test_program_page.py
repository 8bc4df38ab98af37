"""The HR program page: enrolment counts, mentor load, unpaired mentees, the filtered list."""

import pytest

from tests.factories import (
    DepartmentFactory,
    EnrolmentFactory,
    EnrolmentSkillFactory,
    MentorshipFactory,
    ProgramFactory,
    SkillFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(hr_user):
    return ProgramFactory(status="active", coordinators=[hr_user])


def fill(program, mentors: int, mentees: int) -> None:
    """Mentors with capacity 2, each paired with one mentee; the rest of the mentees unpaired."""
    mentor_rows = EnrolmentFactory.create_batch(mentors, program=program, role="mentor", capacity=2)
    mentee_rows = EnrolmentFactory.create_batch(mentees, program=program, role="mentee")
    for row in mentor_rows + mentee_rows:
        EnrolmentSkillFactory(enrolment=row)
    for mentor, mentee in zip(mentor_rows, mentee_rows, strict=False):
        MentorshipFactory(program=program, mentor=mentor.user, mentee=mentee.user)


def test_it_shows_counts_load_and_unpaired_mentees(client_for, hr_user, program):
    mentor = EnrolmentFactory(
        program=program, role="mentor", capacity=3, user=UserFactory(full_name="Mona Mentor")
    )
    paired = EnrolmentFactory(
        program=program, role="mentee", user=UserFactory(full_name="Pia Paired")
    )
    EnrolmentFactory(program=program, role="mentee", user=UserFactory(full_name="Una Unpaired"))
    EnrolmentFactory(program=program, role="mentee", status="pending")
    MentorshipFactory(program=program, mentor=mentor.user, mentee=paired.user)
    MentorshipFactory(program=program, mentor=mentor.user, status="ended")  # not live: no load
    response = client_for(hr_user).get(f"/programs/{program.slug}/manage/")
    assert response.status_code == 200
    panel = response.context["enrolment_panel"]
    assert panel["total"] == 4
    mentees = next(r for r in panel["by_role"] if r["role"] == "mentee")
    assert {s["status"]: s["n"] for s in mentees["statuses"]}["pending"] == 1
    assert mentees["total"] == 3
    assert [(m.user.full_name, m.load, m.capacity) for m in panel["mentors"]] == [
        ("Mona Mentor", 1, 3)
    ]
    assert (panel["mentor_used"], panel["mentor_capacity"]) == (1, 3)
    assert [e.user.full_name for e in panel["unpaired"]] == ["Una Unpaired"]
    body = response.content.decode()
    assert "1/3" in body
    assert "Una Unpaired" in body


def test_it_explains_an_empty_program(client_for, hr_user, program):
    body = client_for(hr_user).get(f"/programs/{program.slug}/manage/").content.decode()
    assert "Nobody has enrolled yet." in body


def test_the_manage_page_keeps_constant_queries(
    client_for, hr_user, program, django_assert_max_num_queries
):
    client = client_for(hr_user)
    fill(program, 2, 3)
    with django_assert_max_num_queries(16):  # + the self-match panel
        assert client.get(f"/programs/{program.slug}/manage/").status_code == 200
    fill(program, 12, 25)
    with django_assert_max_num_queries(16):  # + the self-match panel
        assert client.get(f"/programs/{program.slug}/manage/").status_code == 200


def test_it_refuses_the_manage_page_to_hr_of_another_program(client_for, other_hr, program):
    assert client_for(other_hr).get(f"/programs/{program.slug}/manage/").status_code == 403


def test_it_lists_enrolments_with_load_and_pairing(client_for, hr_user, program):
    fill(program, 1, 2)
    response = client_for(hr_user).get(f"/programs/{program.slug}/enrolments/")
    assert response.status_code == 200
    rows = list(response.context["page"])
    assert len(rows) == 3
    mentor = next(r for r in rows if r["role"] == "mentor")
    assert (mentor["load"], mentor["paired"]) == (1, True)
    assert sorted(r["paired"] for r in rows if r["role"] == "mentee") == [False, True]


def test_it_filters_enrolments_by_role_and_status(client_for, hr_user, program):
    fill(program, 2, 3)
    EnrolmentFactory(program=program, role="mentee", status="pending")
    client = client_for(hr_user)
    assert (
        client.get(f"/programs/{program.slug}/enrolments/?role=mentor")
        .context["page"]
        .paginator.count
        == 2
    )
    response = client.get(f"/programs/{program.slug}/enrolments/?role=mentee&status=pending")
    assert response.context["page"].paginator.count == 1


def test_it_filters_enrolments_by_department_and_name(client_for, hr_user, program):
    security = DepartmentFactory(name="Security")
    EnrolmentFactory(
        program=program, user=UserFactory(full_name="Sasha Secure", department=security)
    )
    EnrolmentFactory(program=program, user=UserFactory(full_name="Otto Other"))
    client = client_for(hr_user)
    page = client.get(f"/programs/{program.slug}/enrolments/?department={security.pk}").context[
        "page"
    ]
    assert [e["user__full_name"] for e in page] == ["Sasha Secure"]
    page = client.get(f"/programs/{program.slug}/enrolments/?q=otto").context["page"]
    assert [e["user__full_name"] for e in page] == ["Otto Other"]


def test_it_keeps_the_chosen_filters_in_the_filter_bar(client_for, hr_user, program):
    security = DepartmentFactory(name="Security & Risk")
    DepartmentFactory(name="Finance")
    EnrolmentFactory(program=program, role="mentor", user=UserFactory(department=security))
    body = (
        client_for(hr_user)
        .get(f"/programs/{program.slug}/enrolments/?role=mentor&department={security.pk}&q=o<b")
        .content.decode()
    )
    assert '<option value="mentor" selected>Mentor</option>' in body
    assert f'<option value="{security.pk}" selected>Security &amp; Risk</option>' in body
    assert ">Finance</option>" in body and '<option value="">Any department</option>' in body
    assert 'name="q" value="o&lt;b"' in body


def test_it_marks_a_bad_filter_value_in_the_filter_bar(client_for, hr_user, program):
    body = (
        client_for(hr_user)
        .get(f"/programs/{program.slug}/enrolments/?department=999999")
        .content.decode()
    )
    assert 'class="form-select is-invalid" id="id_department"' in body
    assert "invalid-feedback" in body


def test_it_shows_each_enrolment_row_with_skills_load_and_pairing(client_for, hr_user, program):
    fill(program, 1, 2)
    body = client_for(hr_user).get(f"/programs/{program.slug}/enrolments/").content.decode()
    assert body.count('<td data-label="Person">') == 3
    assert '<td class="text-nowrap" data-label="Load">1/2</td>' in body
    assert body.count('<td data-label="Paired">Yes</td>') == 2
    assert '<span class="text-body-secondary">No</span>' in body


def test_it_lists_each_enrolments_skills_by_name_with_their_levels(client_for, hr_user, program):
    mentee = EnrolmentFactory(program=program, role="mentee")
    for name, level, target in (("SQL", 2, None), ("Alpha <b>", 1, 3), ("Beta & C", 4, 5)):
        EnrolmentSkillFactory(
            enrolment=mentee, skill=SkillFactory(name=name), level=level, target_level=target
        )
    EnrolmentFactory(program=program, role="mentor")  # no skills
    body = client_for(hr_user).get(f"/programs/{program.slug}/enrolments/").content.decode()
    skills = "Alpha &lt;b&gt; 1→3, Beta &amp; C 4→5, SQL 2"
    assert f'<td class="small" data-label="Skills">{skills}</td>' in body
    assert '<td class="small" data-label="Skills"></td>' in body


def test_it_ignores_a_bad_filter_value(client_for, hr_user, program):
    fill(program, 1, 1)
    response = client_for(hr_user).get(
        f"/programs/{program.slug}/enrolments/?role=wizard&department=x"
    )
    assert response.status_code == 200


def test_it_paginates_enrolments(client_for, hr_user, program):
    EnrolmentFactory.create_batch(55, program=program)
    client = client_for(hr_user)
    assert len(client.get(f"/programs/{program.slug}/enrolments/").context["page"]) == 50
    assert len(client.get(f"/programs/{program.slug}/enrolments/?page=2").context["page"]) == 5


def test_the_enrolment_list_keeps_constant_queries(
    client_for, hr_user, program, django_assert_max_num_queries
):
    client = client_for(hr_user)
    fill(program, 2, 3)
    with django_assert_max_num_queries(10):
        assert client.get(f"/programs/{program.slug}/enrolments/?role=mentee").status_code == 200
    fill(program, 10, 30)
    with django_assert_max_num_queries(10):
        assert client.get(f"/programs/{program.slug}/enrolments/?role=mentee").status_code == 200


def test_it_refuses_the_enrolment_list_to_hr_of_another_program(client_for, other_hr, program):
    assert client_for(other_hr).get(f"/programs/{program.slug}/enrolments/").status_code == 403


def test_it_refuses_the_enrolment_list_to_an_employee(client_for, employee, program):
    EnrolmentFactory(program=program, user=employee)
    assert client_for(employee).get(f"/programs/{program.slug}/enrolments/").status_code == 403
