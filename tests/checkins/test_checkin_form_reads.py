"""The check-in form's reads as rows (SQL built once, checkins.selectors) against their plain
ORM definitions, its choice fields built on read, and the page behaving as before: a bad
POST shows every error and keeps everything typed, a good one logs the check-in."""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from checkins import selectors
from checkins.forms import CheckInForm
from checkins.models import ActionItem, CheckIn, CheckInTemplate
from mentorships.models import Goal, Mentorship, Milestone
from programs.models import Skill
from tests import factories

pytestmark = pytest.mark.django_db


def test_it_reads_the_pairing_as_the_orm_does_for_either_participant(pairing, mentor, mentee):
    mentor.full_name, mentee.full_name = "Ada <Mentor>", ""
    mentor.save()
    mentee.save()
    plain = Mentorship.objects.select_related("program", "mentor", "mentee").get(pk=pairing.pk)
    for user in (mentor, mentee):
        found = selectors.participant_mentorship(user, pairing.pk)
        assert (found.pk, found.program_id, found.mentor_id, found.mentee_id, found.status) == (
            plain.pk,
            plain.program_id,
            plain.mentor_id,
            plain.mentee_id,
            plain.status,
        )
        assert found.program.name == plain.program.name
        for side in ("mentor", "mentee"):
            got, expected = getattr(found, side), getattr(plain, side)
            assert (got.pk, got.full_name, got.email) == (
                expected.pk,
                expected.full_name,
                expected.email,
            )


def test_it_reads_any_other_field_of_the_pairing_when_used(pairing, mentee):
    found = selectors.participant_mentorship(mentee, pairing.pk)
    assert found.started_on == Mentorship.objects.get(pk=pairing.pk).started_on
    assert found.program.slug == pairing.program.slug


def test_it_finds_no_pairing_for_a_third_user_or_a_missing_one(pairing, stranger, mentee):
    assert selectors.participant_mentorship(stranger, pairing.pk) is None
    assert selectors.participant_mentorship(mentee, pairing.pk + 1000) is None


def test_it_lists_the_templates_as_the_orm_does(program):
    CheckInTemplate.objects.create(program=program, name="Zeta & <b>", agenda="Agenda 'z'")
    CheckInTemplate.objects.create(program=program, name="Alpha", agenda="A")
    CheckInTemplate.objects.create(program=program, name="Old", agenda="O", is_retired=True)
    other = factories.ProgramFactory()
    CheckInTemplate.objects.create(program=other, name="Theirs", agenda="T")
    for program_id in (program.pk, other.pk, factories.ProgramFactory().pk):
        expected = [
            (t.pk, t.program_id, t.name, t.agenda)
            for t in selectors.available_templates(program_id)
        ]
        got = [
            (t.pk, t.program_id, t.name, t.agenda)
            for t in selectors.available_template_rows(program_id)
        ]
        assert got == expected


def test_it_lists_the_relevant_skills_as_the_orm_does(pairing, mentor, mentee, other_pairing):
    enrolment = mentee.enrolments.get(program=pairing.program)
    b, a = factories.SkillFactory(name="B skill"), factories.SkillFactory(name="A skill")
    factories.EnrolmentSkillFactory(enrolment=enrolment, skill=b)
    factories.EnrolmentSkillFactory(enrolment=enrolment, skill=a)
    goal = factories.GoalFactory(mentorship=pairing)
    named = factories.SkillFactory(name="Goal skill", category="aaa")
    goal.skills.add(named, a)
    factories.GoalFactory(mentorship=other_pairing).skills.add(factories.SkillFactory())
    found, rows = selectors.relevant_skill_rows(pairing)
    expected = [(s.pk, s.name) for s in selectors.relevant_skills(pairing)]
    assert found and rows == expected and len(rows) == 3


def test_it_offers_every_skill_when_none_is_relevant(pairing):
    factories.SkillFactory(name="Zed"), factories.SkillFactory(name="Abe", category="x")
    found, rows = selectors.relevant_skill_rows(pairing)
    assert not found
    assert rows == [(s.pk, s.name) for s in Skill.objects.all()]


def test_it_lists_goals_and_milestones_as_the_orm_does(pairing, other_pairing):
    later = factories.GoalFactory(mentorship=pairing, target_date=date.today() + timedelta(99))
    sooner = factories.GoalFactory(mentorship=pairing, target_date=date.today() + timedelta(9))
    skill = factories.SkillFactory()
    sooner.skills.add(skill)
    factories.MilestoneFactory(goal=later, due_date=date.today() + timedelta(5))
    factories.MilestoneFactory(goal=sooner, due_date=date.today() + timedelta(50))
    factories.MilestoneFactory(goal=factories.GoalFactory(mentorship=other_pairing))
    goals = selectors.pair_goals(pairing)
    expected = list(Goal.objects.filter(mentorship=pairing).prefetch_related("skills"))
    assert [(g.pk, g.title, g.status) for g in goals] == [
        (g.pk, g.title, g.status) for g in expected
    ]
    assert [list(g.skills.all()) for g in goals] == [list(g.skills.all()) for g in expected]
    assert selectors.pair_milestone_choices(pairing) == [
        (m.pk, m.title) for m in Milestone.objects.filter(goal__mentorship=pairing)
    ]


def test_it_builds_no_queryset_for_a_blank_form(pairing):
    with CaptureQueriesContext(connection) as queries:
        form = CheckInForm(mentorship=pairing)
    assert len(queries) == 0
    assert all(
        form.fields[name]._build is not None
        for name in ("template", "skills", "goals", "milestones")
    )


def test_it_validates_a_submitted_form_against_the_built_querysets(pairing, other_pairing):
    mine = factories.GoalFactory(mentorship=pairing)
    theirs = factories.GoalFactory(mentorship=other_pairing)
    template = CheckInTemplate.objects.filter(program=None).first()
    data = {
        "date": date.today().isoformat(),
        "duration_minutes": "45",
        "activity": "troubleshooting",
        "goals": [str(mine.pk), str(theirs.pk)],
        "template": str(template.pk),
    }
    form = CheckInForm(data, mentorship=pairing)
    assert not form.is_valid()
    assert "goals" in form.errors and str(theirs.pk) in form.errors["goals"][0]
    form = CheckInForm({**data, "goals": [str(mine.pk)]}, mentorship=pairing)
    assert form.is_valid(), form.errors
    assert list(form.cleaned_data["goals"]) == [mine]
    assert form.cleaned_data["template"] == template


def test_its_widget_lists_the_choices_built_on_read(pairing):
    goal = factories.GoalFactory(mentorship=pairing, title="Own the pager")
    form = CheckInForm(mentorship=pairing)
    assert list(form.fields["goals"].widget.choices) == [(goal.pk, "Own the pager")]


BAD = {
    "date": "",
    "duration_minutes": "2",
    "activity": "troubleshooting",
    "private_notes": "Notes we must not lose <3",
    "next_steps": "Read the runbook",
    "shared_summary": "A summary",
    "pulse": "4",
    "items-TOTAL_FORMS": "2",
    "items-INITIAL_FORMS": "0",
    "items-MIN_NUM_FORMS": "0",
    "items-MAX_NUM_FORMS": "10",
    "items-0-text": "Write the postmortem",
}


def test_a_bad_post_shows_the_errors_and_keeps_everything_typed(client_for, pairing, mentee):
    goal = factories.GoalFactory(mentorship=pairing, title="Own the pager")
    skill = factories.SkillFactory(name="DNS")
    data = {**BAD, "goals": [str(goal.pk)], "skills": [str(skill.pk)]}
    response = client_for(mentee).post(reverse("checkins:create", args=[pairing.pk]), data)
    assert response.status_code == 200
    page = response.content.decode()
    for field_id, message in (
        ("id_date", "This field is required."),
        ("id_duration_minutes", "Ensure this value is greater than or equal to 5."),
        ("id_items-0-owner", "Choose who owns this item."),
    ):
        assert f'<p id="error_1_{field_id}"><strong>{message}</strong></p>' in page
        assert re.search(rf'<\w+ [^>]*aria-invalid="true"[^>]*id="{field_id}"', page), field_id
    assert "Notes we must not lose &lt;3</textarea>" in page
    assert "Read the runbook</textarea>" in page
    assert 'value="Write the postmortem"' in page
    assert re.search(rf'value="{goal.pk}" id="id_goals_\d+" checked', page)
    assert re.search(rf'value="{skill.pk}" id="id_skills_\d+" checked', page)
    assert 'value="4" checked' in page
    assert not CheckIn.objects.exists()


def test_a_good_post_still_logs_the_check_in(client_for, pairing, mentee):
    data = {
        **BAD,
        "date": date.today().isoformat(),
        "duration_minutes": "30",
        "items-0-owner": str(mentee.pk),
    }
    response = client_for(mentee).post(reverse("checkins:create", args=[pairing.pk]), data)
    assert response.status_code == 302
    checkin = CheckIn.objects.get(mentorship=pairing)
    assert checkin.private_notes == "Notes we must not lose <3"
    assert ActionItem.objects.get(checkin=checkin).text == "Write the postmortem"


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_refuses_the_form_to_a_third_user(client_for, pairing, stranger, method):
    response = getattr(client_for(stranger), method)(reverse("checkins:create", args=[pairing.pk]))
    assert response.status_code == 404
