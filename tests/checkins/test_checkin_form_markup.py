"""The check-in form's fields drawn by core.templatetags.form_tags.form_field and by
core.drawn.field_html (what the page uses), in one pass of Python: the same markup as
crispy-forms' `as_crispy_field` (bootstrap5) draws, field by field, blank, filled in and
with errors; and the form page's queries."""

from datetime import date, timedelta

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django.test.html import parse_html
from django.urls import reverse

from checkins.forms import ActionItemFormSet, CheckInForm
from checkins.selectors import available_templates
from tests import factories

pytestmark = pytest.mark.django_db

INVALID = {
    "date": "",
    "duration_minutes": "2",
    "activity": "bogus",
    "private_notes": "Notes <b>with</b> & markup",
    "next_steps": "",
    "next_meeting_time": "25:99",
    "shared_summary": "Fine",
    "pulse": "4",
    "items-TOTAL_FORMS": "2",
    "items-INITIAL_FORMS": "0",
    "items-MIN_NUM_FORMS": "0",
    "items-MAX_NUM_FORMS": "10",
    "items-0-text": "Read the runbook",
    "items-1-text": "",
    "items-1-due_date": "2026-13-01",
}


@pytest.fixture
def world(pairing):
    goal = factories.GoalFactory(mentorship=pairing, title="Own <the> pager")
    milestone = factories.MilestoneFactory(goal=goal, title="Shadow a shift")
    skills = [factories.SkillFactory(name=f"Skill {n}") for n in range(3)]
    return pairing, goal, milestone, skills


def _forms(pairing, data=None):
    owners = [(pairing.mentee_id, "Mentee (you)"), (pairing.mentor_id, "Mentor")]
    templates = available_templates(pairing.program_id)
    form = CheckInForm(data, mentorship=pairing, templates=templates)
    items = ActionItemFormSet(data, prefix="items", form_kwargs={"owners": owners})
    if data is not None:
        form.is_valid()
        items.is_valid()
    return form, items


def _fields(form, items):
    for name in form.fields:
        if name not in ("template", "pulse"):  # drawn by the page itself
            yield form, name
    for f in items.forms:
        for name in f.fields:
            yield f, name


def assert_same_markup(pairing, data) -> int:
    from core.drawn import field_html
    from core.templatetags.form_tags import form_field

    crispy_side, ours_side = _forms(pairing, data), _forms(pairing, data)
    compared = 0
    for (a, name), (b, _) in zip(_fields(*crispy_side), _fields(*ours_side), strict=True):
        choices = b.choices.get(name) if hasattr(b, "choices") else None
        expected, got = as_crispy_field(a[name]), form_field(b[name], choices)
        assert parse_html(got) == parse_html(expected), (name, got, expected)
        # What the page draws (checkin_form_tags.drawn_field): the same string.
        assert field_html(b[name], choices) == got, name
        compared += 1
    return compared


def test_it_draws_the_blank_form_as_crispy_does(world):
    assert assert_same_markup(world[0], None) == 11 + 6


def test_it_draws_a_filled_in_form_with_errors_as_crispy_does(world):
    pairing, goal, milestone, skills = world
    data = {**INVALID, "goals": [str(goal.pk)], "milestones": ["99999"]}
    data["skills"] = [str(skills[1].pk)]
    assert assert_same_markup(pairing, data) == 11 + 6


def test_it_draws_a_valid_form_as_crispy_does(world):
    pairing, goal, milestone, skills = world
    data = {
        **INVALID,
        "date": date.today().isoformat(),
        "duration_minutes": "45",
        "activity": "troubleshooting",
        "next_meeting_date": (date.today() + timedelta(days=3)).isoformat(),
        "next_meeting_time": "09:30",
        "items-0-owner": str(pairing.mentee_id),
        "items-1-due_date": "",
        "skills": [str(s.pk) for s in skills],
        "milestones": [str(milestone.pk)],
    }
    assert assert_same_markup(pairing, data) == 11 + 6


def test_the_form_page_reads_its_lists_once(client_for, world, django_assert_num_queries):
    """Session, user (the navigation's manager check is kept, see test_navigation); the
    pairing; the templates; the relevant skills (here none, so then every skill);
    the goals with their skills; the milestones. The learning suggestions read nothing more
    for goals without skills."""
    pairing = world[0]
    client, url = client_for(pairing.mentee), reverse("checkins:create", args=[pairing.pk])
    client.get(url)  # the first request of a session warms caches
    with django_assert_num_queries(9):
        response = client.get(url)
    assert response.status_code == 200
    from programs.models import Skill

    assert response.content.decode().count('name="skills"') == Skill.objects.count()
