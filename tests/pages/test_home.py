"""The home page: what each role sees first."""

import pytest

from tests.factories import EnrolmentFactory, HRFactory, MentorshipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_it_shows_the_home_page_for_each_role(client_for):
    hr = HRFactory()
    boss = UserFactory()
    UserFactory(manager=boss)
    assert "Programs I coordinate" in client_for(hr).get("/").content.decode()
    assert "My team" in client_for(boss).get("/").content.decode()
    assert "not in a mentorship yet" in client_for(UserFactory()).get("/").content.decode()


def test_it_counts_everyone_below_a_manager_and_their_approvals_at_once(client_for):
    boss = UserFactory()
    lead = UserFactory(manager=boss)
    report = UserFactory(manager=lead)
    EnrolmentFactory(user=report, status="pending")
    html = client_for(boss).get("/").content.decode()
    assert "2 people report to you" in html
    assert "1 enrolment from your team to approve" in html


def test_it_reads_an_idle_participants_home_in_few_queries(
    client_for, django_assert_max_num_queries
):
    me = UserFactory()
    MentorshipFactory(mentee=me)
    client = client_for(me)
    client.get("/")
    # Session, person, their mentorships (with the last check-in), one probe of the other
    # sources (which also tells the navigation whether they manage anyone).
    with django_assert_max_num_queries(4):
        client.get("/")
