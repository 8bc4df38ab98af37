"""The manager's team page: who takes part in which program, and approvals waiting."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import EnrolmentFactory, ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def boss():
    return UserFactory(full_name="Boss")


def test_it_shows_which_reports_take_part_and_in_what_role(client_for, boss):
    lead = UserFactory(manager=boss)
    engineer = UserFactory(full_name="Engineer Eve", manager=lead)
    program = ProgramFactory(name="Cloud cohort")
    EnrolmentFactory(
        program=program,
        user=engineer,
        role="mentee",
        status="pending",
        career_goal="Secret ambition text",
    )
    body = client_for(boss).get("/people/team/").content.decode()
    assert "Engineer Eve" in body
    assert "Cloud cohort · mentee" in body
    assert "Waiting for manager approval" in body
    assert "Secret ambition text" not in body


def test_it_draws_each_row_escaped_with_profile_link_department_and_manager(client_for, boss):
    lead = UserFactory(manager=boss, full_name="", email="lead@example.com")
    odd = UserFactory(manager=lead, full_name='<b>O\'Neil & "Co"</b>', job_title="Dev <ops>")
    EnrolmentFactory(program=ProgramFactory(name="A & B"), user=odd, role="mentor")
    body = client_for(boss).get("/people/team/").content.decode()
    assert (
        f'<tr><td><a href="/people/{odd.pk}/">&lt;b&gt;O&#x27;Neil &amp; &quot;Co&quot;&lt;/b&gt;'
        f"</a></td><td>Dev &lt;ops&gt;</td><td>{odd.department.name}</td>"
        '<td>lead@example.com</td><td class="small"><div>A &amp; B · mentor '
        '<span class="badge text-bg-success">Enrolled</span></div></td></tr>'
    ) in body
    assert (
        f'<td>{lead.department.name}</td><td>Boss</td><td class="small">'
        '<span class="text-body-secondary">—</span></td></tr>'
    ) in body


def test_it_leaves_out_withdrawn_enrolments(client_for, boss):
    engineer = UserFactory(manager=boss)
    EnrolmentFactory(program=ProgramFactory(name="Old program"), user=engineer, status="withdrawn")
    assert "Old program" not in client_for(boss).get("/people/team/").content.decode()


def test_it_counts_approvals_waiting_with_a_link(client_for, boss):
    EnrolmentFactory.create_batch(2, user=UserFactory(manager=boss), status="pending")
    response = client_for(boss).get("/people/team/")
    assert response.context["approvals_waiting"] == 2
    assert "/programs/approvals/" in response.content.decode()


def test_it_shows_nobody_outside_my_reporting_line(client_for, boss):
    UserFactory(manager=boss)
    outsider = UserFactory(full_name="Outside Olga")
    EnrolmentFactory(user=outsider, status="pending")
    response = client_for(boss).get("/people/team/")
    assert "Outside Olga" not in response.content.decode()
    assert response.context["approvals_waiting"] == 0


def test_it_refuses_the_team_page_to_someone_without_reports(client_for, stranger):
    assert client_for(stranger).get("/people/team/").status_code == 403


def test_the_team_page_keeps_constant_queries(client_for, boss, django_assert_max_num_queries):
    client = client_for(boss)

    def add(n: int) -> None:
        for _ in range(n):
            person = UserFactory(manager=boss)
            EnrolmentFactory(user=person, role="mentor")
            EnrolmentFactory(user=person, status="pending")

    add(2)
    # Session, user, the manager check with the path, the count with the approvals, the page,
    # its programs.
    with django_assert_max_num_queries(6):
        assert client.get("/people/team/").status_code == 200
    add(20)
    with django_assert_max_num_queries(6):
        assert client.get("/people/team/").status_code == 200


def test_it_hides_the_team_page_from_someone_without_reports(client_for, employee):
    assert client_for(employee).get("/people/team/").status_code == 403


def test_the_team_page_queries_dont_change_with_the_size_of_the_subtree(client_for, boss):
    """A head of 3 and of 60 across three levels (more than a page): the same queries."""
    client = client_for(boss)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/people/team/").status_code == 200
        return len(captured)

    lead = UserFactory(manager=boss)
    EnrolmentFactory(user=UserFactory(manager=lead), status="pending")
    UserFactory(manager=lead)
    small = queries()
    for _ in range(3):
        sub = UserFactory(manager=lead)
        for person in UserFactory.create_batch(19, manager=sub):
            EnrolmentFactory(user=person, role="mentee")
    response = client.get("/people/team/?page=2")
    assert response.context["page"].paginator.count == 63
    assert queries() == small


def test_it_pages_the_team_in_name_order(client_for, boss):
    for n in range(55):
        UserFactory(manager=boss, full_name=f"Person {n:02d}")
    client = client_for(boss)
    first = [p["full_name"] for p in client.get("/people/team/").context["page"]]
    second = [p["full_name"] for p in client.get("/people/team/?page=2").context["page"]]
    assert first == [f"Person {n:02d}" for n in range(50)]
    assert second == [f"Person {n:02d}" for n in range(50, 55)]
