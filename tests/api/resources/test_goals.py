"""Goals and milestones through the API: the pair only, the pages' rules, the services' writes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from mentorships.models import Goal, Milestone
from tests.api.resources.helpers import ApiClient, ids, results
from tests.factories import GoalFactory, MentorshipFactory, MilestoneFactory

GOALS = reverse("api:goal-list")
MILESTONES = reverse("api:milestone-list")


def goal_url(goal) -> str:
    return reverse("api:goal-detail", args=[goal.pk])


def new_goal(world, **extra) -> dict:
    return {
        "mentorship": world.m.pk,
        "title": "Lead an incident review",
        "skills": [world.goal.skills.get().pk],
        **extra,
    }


def test_it_lists_the_goals_of_ones_own_mentorships_with_milestones(world, api_as):
    rows = results(api_as(world.mentor).get(GOALS))
    assert [r["id"] for r in rows] == [world.goal.pk]
    row = rows[0]
    assert row["title"] == "Run the on-call rota" and row["mentorship"] == world.m.pk
    assert (row["milestones_total"], row["milestones_done"]) == (1, 0)
    assert [m["id"] for m in row["milestones"]] == [world.milestone.pk]


@pytest.mark.parametrize("who", ["other_mentee", "hr", "other_hr", "line_manager"])
def test_it_never_shows_another_pairs_goal(world, api_as, who):
    client = api_as(getattr(world, who))
    assert world.goal.pk not in ids(client.get(GOALS))
    assert client.get(goal_url(world.goal)).status_code == 404
    assert world.milestone.pk not in ids(client.get(MILESTONES))
    assert client.get(reverse("api:milestone-detail", args=[world.milestone.pk])).status_code == 404


def test_it_lets_the_mentee_add_a_goal_through_the_service(world, api_as):
    response = api_as(world.mentee).post(GOALS, new_goal(world, status="in_progress"))
    assert response.status_code == 201, response.json()
    goal = Goal.objects.get(pk=response.json()["id"])
    assert (goal.mentorship_id, goal.title, goal.status) == (
        world.m.pk,
        "Lead an incident review",
        "in_progress",
    )
    assert list(goal.skills.values_list("pk", flat=True)) == [world.goal.skills.get().pk]


def test_it_refuses_the_mentor_adding_a_goal_with_403(world, api_as):
    count = Goal.objects.count()
    response = api_as(world.mentor).post(GOALS, new_goal(world))
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert Goal.objects.count() == count


def test_it_answers_404_when_adding_a_goal_to_another_pairs_mentorship(world, api_as):
    count = Goal.objects.count()
    client = api_as(world.other_mentee)
    assert client.post(GOALS, new_goal(world)).status_code == 404
    # A mentorship that does not exist gets the very same answer.
    assert client.post(GOALS, new_goal(world, mentorship=10**9)).json() == (
        client.post(GOALS, new_goal(world)).json()
    )
    assert Goal.objects.count() == count


def test_it_refuses_a_goal_without_title_or_skills_naming_the_fields(world, api_as):
    response = api_as(world.mentee).post(GOALS, {"mentorship": world.m.pk, "title": ""})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and {"title", "skills"} <= set(body["errors"])


def test_it_refuses_a_title_with_a_line_break(world, api_as):
    response = api_as(world.mentee).post(GOALS, new_goal(world, title="Two\nlines"))
    assert response.status_code == 400 and "title" in response.json()["errors"]


def test_it_edits_a_goal_as_either_participant(world, api_as):
    body = {"title": "Run the rota alone", "status": "achieved", "skills": []}
    assert api_as(world.mentor).patch(goal_url(world.goal), body).status_code == 400  # skills
    body["skills"] = [world.goal.skills.get().pk]
    response = api_as(world.mentor).patch(goal_url(world.goal), body)
    assert response.status_code == 200, response.json()
    world.goal.refresh_from_db()
    assert (world.goal.title, world.goal.status) == ("Run the rota alone", "achieved")
    assert response.json()["title"] == "Run the rota alone"


def test_it_refuses_editing_another_pairs_goal_with_404(world, api_as):
    body = {"title": "Hijacked", "skills": [world.goal.skills.get().pk]}
    assert api_as(world.other_mentee).patch(goal_url(world.goal), body).status_code == 404
    world.goal.refresh_from_db()
    assert world.goal.title == "Run the on-call rota"


def test_it_adds_milestones_to_a_goal(world, api_as):
    due = (date.today() + timedelta(days=30)).isoformat()
    url = reverse("api:goal-add-milestones", args=[world.goal.pk])
    response = api_as(world.mentor).post(
        url, {"milestones": [{"title": "Shadow", "due_date": due}]}
    )
    assert response.status_code == 201, response.json()
    [created] = response.json()["milestones"]
    assert Milestone.objects.get(pk=created["id"]).goal_id == world.goal.pk
    assert api_as(world.mentor).post(url, {"milestones": []}).status_code == 400


def test_it_marks_a_milestone_done_once_and_opens_it_again(world, api_as):
    client = api_as(world.mentee)
    done = reverse("api:milestone-done", args=[world.milestone.pk])
    response = client.post(done, {"evidence": "Deployed on Monday"})
    assert response.status_code == 200 and response.json()["done"] is True
    world.milestone.refresh_from_db()
    assert world.milestone.is_done and world.milestone.evidence == "Deployed on Monday"
    again = client.post(done)
    assert again.status_code == 400 and "already done" in again.json()["detail"]
    undo = client.post(reverse("api:milestone-undo", args=[world.milestone.pk]))
    assert undo.status_code == 200 and undo.json()["done"] is False
    world.milestone.refresh_from_db()
    assert not world.milestone.is_done


def test_it_refuses_another_pair_marking_a_milestone_done_with_404(world, api_as):
    url = reverse("api:milestone-done", args=[world.milestone.pk])
    assert api_as(world.other_mentee).post(url).status_code == 404
    world.milestone.refresh_from_db()
    assert not world.milestone.is_done


def test_it_refuses_changes_once_the_mentorship_has_finished(world, api_as):
    type(world.m).objects.filter(pk=world.m.pk).update(status="completed")
    response = api_as(world.mentee).post(GOALS, new_goal(world))
    assert response.status_code == 400 and "finished" in response.json()["detail"]


def test_it_needs_the_write_scope_to_change_goals(world):
    reader = ApiClient(world.mentee, "token", scopes=("goals:read",))
    assert reader.get(GOALS).status_code == 200
    refused = reader.post(GOALS, new_goal(world))
    assert refused.status_code == 403 and "goals:write" in refused.json()["detail"]
    other_group = ApiClient(world.mentee, "token", scopes=("checkins:write",))
    assert other_group.get(GOALS).status_code == 403


def test_it_filters_milestones_by_done_and_goals_by_status(world, api_as):
    client = api_as(world.mentee)
    assert ids(client.get(MILESTONES, {"done": "false"})) == [world.milestone.pk]
    assert ids(client.get(MILESTONES, {"done": "true"})) == []
    assert ids(client.get(GOALS, {"status": "in_progress"})) == [world.goal.pk]
    assert ids(client.get(GOALS, {"status": "achieved"})) == []
    bad = client.get(GOALS, {"status": "nonsense"})
    assert bad.status_code == 400 and "status" in bad.json()["errors"]


@pytest.mark.django_db
def test_it_lists_goals_in_a_constant_number_of_queries(django_assert_max_num_queries):
    mentorship = MentorshipFactory()
    for _ in range(12):
        goal = GoalFactory(mentorship=mentorship)
        MilestoneFactory(goal=goal)
        MilestoneFactory(goal=goal)
    client = ApiClient(mentorship.mentee, "session")
    client.get(GOALS)  # sessions, caches
    with django_assert_max_num_queries(8):
        rows = results(client.get(GOALS))
    assert len(rows) == 12 and all(r["milestones_total"] == 2 for r in rows)
    with django_assert_max_num_queries(6):
        assert len(results(client.get(MILESTONES))) == 24
