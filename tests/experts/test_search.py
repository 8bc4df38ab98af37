"""Finding people who know a skill: only those who opted in, with what they chose to share."""

import pytest
from django.urls import reverse

from experts.selectors import expert_search
from experts.services import expert_profile_save
from tests import factories

pytestmark = pytest.mark.django_db

FIND = reverse("experts:find")


def mentor_offering(user, skill, level=4, status="approved"):
    enrolment = factories.EnrolmentFactory(user=user, role="mentor", status=status)
    factories.EnrolmentSkillFactory(
        enrolment=enrolment, skill=skill, level=level, target_level=None
    )
    return enrolment


def found(**kwargs) -> set[str]:
    return {p.user.full_name for p in expert_search(**kwargs)}


@pytest.fixture
def opted_out(skill):
    """Knows the skill (a mentor in a program, and ticked it once) but isn't listed."""
    person = factories.UserFactory(full_name="Otis Optout", job_title="SD-WAN lead")
    mentor_offering(person, skill, level=5)
    expert_profile_save(
        user=person, listed=False, monthly_sessions=5, share_program_skills=True, skills=[skill]
    )
    return person


def test_it_never_lists_someone_who_did_not_opt_in(expert, opted_out, skill):
    never_asked = factories.UserFactory(full_name="Nina Neverasked")
    mentor_offering(never_asked, skill, level=5)
    assert found(skill=skill) == {"Esme Expert"}
    assert found(query="sd-wan") == {"Esme Expert"}
    assert found(query="Otis") == set() and found(query="Nina") == set()
    assert found() == {"Esme Expert"}


def test_it_keeps_an_opted_out_person_off_the_page_whatever_is_searched(
    client_for, asker, expert, opted_out, skill
):
    client = client_for(asker)
    for params in ({}, {"skill": skill.pk}, {"q": "Otis"}, {"q": "SD-WAN lead"}):
        body = client.get(FIND, params).content.decode()
        assert "Otis Optout" not in body, params
    assert client.get(reverse("experts:book", args=[opted_out.pk])).status_code == 404


def test_it_finds_a_mentors_program_skills_only_when_they_chose_to_share_them(expert, skill):
    terraform = factories.SkillFactory(name="Terraform")
    mentor_offering(expert, terraform, level=4)
    assert found(skill=terraform) == {"Esme Expert"}
    expert_profile_save(
        user=expert, listed=True, monthly_sessions=2, share_program_skills=False, skills=[skill]
    )
    assert found(skill=terraform) == set()
    assert found(skill=skill) == {"Esme Expert"}


def test_it_reads_only_approved_mentor_enrolments(expert):
    pending = factories.SkillFactory(name="Ansible")
    mentor_offering(expert, pending, status="pending")
    assert found(skill=pending) == set()


def test_it_leaves_out_people_who_left_the_company(expert, skill):
    expert.is_active = False
    expert.save(update_fields=["is_active"])
    assert found(skill=skill) == set()


def test_it_matches_what_is_typed_against_skills_names_and_job_titles(expert):
    assert found(query="wan") == {"Esme Expert"}
    assert found(query="esme") == {"Esme Expert"}
    assert found(query="Cobol") == set()


def test_it_shows_levels_places_left_and_a_booking_link(client_for, asker, expert, skill):
    mentor_offering(expert, skill, level=5)
    body = client_for(asker).get(FIND, {"skill": skill.pk}).content.decode()
    assert "SD-WAN · level 5" in body
    assert "2 of 2 places left" in body
    assert f"{reverse('experts:book', args=[expert.pk])}?skill={skill.pk}" in body


def test_it_pages_the_results_keeping_the_search(client_for, asker, skill):
    for i in range(23):
        person = factories.UserFactory(full_name=f"Expert {i:02d}")
        expert_profile_save(
            user=person, listed=True, monthly_sessions=1, share_program_skills=False, skills=[skill]
        )
    client = client_for(asker)
    first = client.get(FIND, {"skill": skill.pk}).content.decode()
    assert "Page 1 of 2" in first and f"skill={skill.pk}&amp;page=2" in first
    second = client.get(FIND, {"skill": skill.pk, "page": 2}).content.decode()
    assert "Expert 22" in second and "Expert 00" not in second


def test_it_lists_a_page_of_experts_in_a_fixed_number_of_queries(
    client_for, asker, skill, django_assert_max_num_queries
):
    for _ in range(20):
        person = factories.UserFactory()
        mentor_offering(person, skill)
        expert_profile_save(
            user=person, listed=True, monthly_sessions=1, share_program_skills=True, skills=[skill]
        )
    client = client_for(asker)
    with django_assert_max_num_queries(12):
        assert client.get(FIND, {"skill": skill.pk}).status_code == 200


def test_it_says_so_plainly_when_nobody_shares_a_skill(client_for, asker, skill):
    body = client_for(asker).get(FIND, {"skill": skill.pk}).content.decode()
    assert "Nobody who shares SD-WAN is listed yet" in body
    assert "Nobody is listed as an expert yet" in client_for(asker).get(FIND).content.decode()


@pytest.mark.parametrize(
    "params",
    [{"skill": "abc"}, {"skill": "999999"}, {"q": "x" * 500}, {"page": "zzz"}],
)
def test_it_answers_bad_search_input_without_an_error_page(client_for, asker, expert, params):
    assert client_for(asker).get(FIND, params).status_code == 200


def test_it_saves_the_listing_from_the_settings_page(client_for, asker, skill):
    response = client_for(asker).post(
        reverse("experts:settings"),
        {"listed": "on", "monthly_sessions": "3", "skills": [skill.pk]},
    )
    assert response.status_code == 302
    assert found(skill=skill) == {"Asha Asker"}
    asker.expert_profile.refresh_from_db()
    assert (asker.expert_profile.monthly_sessions, asker.expert_profile.share_program_skills) == (
        3,
        False,
    )


def test_it_refuses_more_than_twenty_sessions_a_month(client_for, asker):
    response = client_for(asker).post(
        reverse("experts:settings"), {"listed": "on", "monthly_sessions": "99"}
    )
    assert response.status_code == 200
    assert not hasattr(asker, "expert_profile") or not asker.expert_profile.listed
