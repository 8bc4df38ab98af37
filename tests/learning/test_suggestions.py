"""Resources suggested to a pair for the skills their goals touch, at the mentee's level, and
marked done by either of them (both see it)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from learning import selectors
from learning.models import Resource, ResourceCompletion
from tests import factories

pytestmark = pytest.mark.django_db


def _titles(mentorship, viewer) -> list[str]:
    return [
        i["resource"].title
        for block in selectors.suggestions(mentorship, viewer)
        for i in block.items
    ]


def test_it_suggests_resources_between_the_mentees_level_and_target(pair, resources) -> None:
    # Level 2, target 3 (conftest): levels 2 and 3 only.
    assert _titles(pair, pair.mentee) == ["Kubernetes level 2", "Kubernetes level 3"]


def test_it_suggests_every_level_when_the_mentees_level_is_unknown(pair, resources) -> None:
    pair.program.enrolments.filter(user=pair.mentee).delete()
    assert len(_titles(pair, pair.mentee)) == 3  # at most three not yet done per skill


def test_it_suggests_nothing_for_skills_of_closed_goals(pair, resources) -> None:
    pair.goals.update(status="achieved")
    assert _titles(pair, pair.mentee) == []


def test_it_suggests_for_a_skill_a_closed_goal_of_another_pair_also_names(
    pair, resources, skill
) -> None:
    elsewhere = factories.GoalFactory(title="Done elsewhere", status="achieved")
    elsewhere.skills.set([skill])
    assert _titles(pair, pair.mentee) == ["Kubernetes level 2", "Kubernetes level 3"]


def test_it_suggests_the_same_from_the_goals_the_page_read(pair, resources, skill) -> None:
    other = factories.SkillFactory(name="Terraform")
    factories.GoalFactory(mentorship=pair, status="dropped").skills.set([other])
    Resource.objects.create(
        skill=other, title="Terraform", url="https://e.com/t", kind="lab", level=2
    )
    goals = list(pair.goals.prefetch_related("skills"))
    read = [
        (b.skill.pk, b.levels, [i["resource"].pk for i in b.items])
        for b in selectors.suggestions(pair, pair.mentee, goals=goals)
    ]
    assert read == [
        (b.skill.pk, b.levels, [i["resource"].pk for i in b.items])
        for b in selectors.suggestions(pair, pair.mentee)
    ]
    assert [r[0] for r in read] == [skill.pk]


def test_it_shows_suggestions_on_the_mentorship_page_and_the_checkin_form(
    client_for, pair, resources
) -> None:
    client = client_for(pair.mentor)
    page = client.get(pair.get_absolute_url()).content.decode()
    assert "Kubernetes level 2" in page and "Kubernetes level 5" not in page
    form = client.get(reverse("checkins:create", args=[pair.pk])).content.decode()
    assert "Learning for your goals" in form and "Kubernetes level 3" in form


def test_it_marks_a_resource_done_and_shows_it_to_the_pair(client_for, pair, resources) -> None:
    resource = resources[1]
    url = reverse("learning:resource_done", args=[pair.pk, resource.pk])
    assert client_for(pair.mentee).post(url).status_code == 302
    assert client_for(pair.mentee).post(url).status_code == 302  # twice: still one row
    done = ResourceCompletion.objects.get()
    assert (done.user_id, done.mentorship_id, done.resource_id) == (
        pair.mentee_id,
        pair.pk,
        resource.pk,
    )
    mentor_page = client_for(pair.mentor).get(pair.get_absolute_url()).content.decode()
    assert "done by Mia Mentee" in mentor_page


def test_it_undoes_only_ones_own_mark(client_for, pair, resources) -> None:
    resource = resources[1]
    client_for(pair.mentee).post(reverse("learning:resource_done", args=[pair.pk, resource.pk]))
    client_for(pair.mentor).post(reverse("learning:resource_undo", args=[pair.pk, resource.pk]))
    assert ResourceCompletion.objects.filter(user=pair.mentee).exists()
    client_for(pair.mentee).post(reverse("learning:resource_undo", args=[pair.pk, resource.pk]))
    assert not ResourceCompletion.objects.exists()


def test_it_refuses_a_third_user_with_404_and_records_nothing(
    client_for, pair, resources, stranger, hr_user
) -> None:
    for user in (stranger, hr_user):
        response = client_for(user).post(
            reverse("learning:resource_done", args=[pair.pk, resources[1].pk])
        )
        assert response.status_code == 404
    assert not ResourceCompletion.objects.exists()


def test_it_ignores_a_redirect_to_another_site(client_for, pair, resources) -> None:
    response = client_for(pair.mentee).post(
        reverse("learning:resource_done", args=[pair.pk, resources[1].pk]),
        {"next": "https://evil.example.com/"},
    )
    assert response["Location"].startswith(pair.get_absolute_url())


def test_it_shows_the_mentorship_page_in_constant_queries(client_for, pair, skill) -> None:
    client = client_for(pair.mentee)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(pair.get_absolute_url()).status_code == 200
        return len(ctx.captured_queries)

    Resource.objects.create(skill=skill, title="One", url="https://e.com/0", kind="lab", level=2)
    count()  # the first request of a session warms caches
    few = count()
    others = [factories.SkillFactory(name=f"Extra {i}") for i in range(3)]
    goal = factories.GoalFactory(mentorship=pair)
    goal.skills.set(others)
    made = Resource.objects.bulk_create(
        Resource(skill=s, title=f"R{i}", url=f"https://e.com/{i}", kind="book", level=2)
        for i, s in enumerate([skill, *others] * 4, start=1)
    )
    for r in made[:4]:
        ResourceCompletion.objects.create(resource=r, mentorship=pair, user=pair.mentor)
    assert count() == few


def test_it_shows_the_checkin_form_in_constant_queries(client_for, pair, skill) -> None:
    client = client_for(pair.mentor)
    url = reverse("checkins:create", args=[pair.pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    count()  # the first request of a session warms caches
    few = count()
    Resource.objects.bulk_create(
        Resource(skill=skill, title=f"R{i}", url=f"https://e.com/{i}", kind="book", level=2)
        for i in range(10)
    )
    assert count() == few
