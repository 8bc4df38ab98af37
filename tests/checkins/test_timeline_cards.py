"""The timeline's check-in cards drawn in Python: the markup the template loop drew."""

from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext

from checkins import selectors
from checkins.templatetags.checkin_tags import checkin_cards, open_item_rows, timeline_context
from tests.checkins.factories import ActionItemFactory, CheckInFactory, PulseFactory
from tests.factories import GoalFactory, SkillFactory

pytestmark = pytest.mark.django_db

# The loop of templates/checkins/_timeline_body.html before it was drawn in Python.
BEFORE = Template(Path(__file__).with_name("timeline_cards_before.html").read_text())


def _varied(pairing, mentee, mentor) -> None:
    pairing.mentee.__class__.objects.filter(pk=mentor.pk).update(full_name='<b>O\'Neil & "Co"</b>')
    plain = CheckInFactory(
        mentorship=pairing,
        author=mentor,
        private_notes="",
        shared_summary="",
        date=date.today() - timedelta(days=9),
    )
    full = CheckInFactory(
        mentorship=pairing,
        private_notes='Line one <script>\n"two" & three',
        next_steps="Read <this>\nand that",
        next_meeting_date=date.today() + timedelta(days=4),
        next_meeting_time=time(9, 5),
    )
    CheckInFactory(
        mentorship=pairing, next_meeting_date=date.today() + timedelta(days=3), shared_summary=""
    )
    full.skills.set([SkillFactory(name="Zeta <b>"), SkillFactory(name="Alpha & co")])
    full.goals.set([GoalFactory(mentorship=pairing, title="Goal <one>")])
    ActionItemFactory(checkin=full, text='Call "Ann" <now>', due_date=date.today())
    ActionItemFactory(checkin=full, owner=mentor, done_at=datetime.now().astimezone())
    ActionItemFactory(checkin=plain)
    PulseFactory(checkin=full, user=mentee, score=3)
    PulseFactory(checkin=plain, user=mentor, score=5)


@pytest.mark.parametrize("viewer", ["mentee", "mentor"])
@pytest.mark.parametrize("token", ["TOKEN<&>", None])
def test_it_draws_the_cards_as_the_template_loop_did(pairing, mentee, mentor, viewer, token):
    _varied(pairing, mentee, mentor)
    who = mentee if viewer == "mentee" else mentor
    checkins = list(selectors.timeline_checkins(pairing, who))
    data = timeline_context(pairing, who, checkins)
    data.update(next_url="/mentorships/1/?a=1&b=<2>", csrf_token=token)
    before = BEFORE.render(Context(data))
    after = checkin_cards(data["checkins"], data["own_pulses"], data["next_url"], token)
    assert after == before


def test_it_says_there_are_no_check_ins_as_the_template_loop_did(pairing, mentee):
    data = timeline_context(pairing, mentee, [])
    data.update(next_url="/", csrf_token="T")
    assert checkin_cards([], {}, "/", "T") == BEFORE.render(Context(data))


# The open action items' loop of templates/checkins/_timeline_body.html before.
OPEN_BEFORE = Template(Path(__file__).with_name("open_items_before.html").read_text())


@pytest.mark.parametrize("token", ["TOKEN<&>", None])
def test_it_draws_the_open_items_as_the_template_loop_did(pairing, mentee, mentor, token):
    _varied(pairing, mentee, mentor)
    data = timeline_context(pairing, mentee, list(selectors.timeline_checkins(pairing, mentee)))
    data.update(next_url="/mentorships/1/?a=1&b=<2>", csrf_token=token)
    assert len(data["open_items"]) >= 2
    after = open_item_rows(data["open_items"], data["next_url"], token)
    assert after == OPEN_BEFORE.render(Context(data))


def test_it_reads_no_action_items_when_the_pair_has_none(client_for, pairing, mentee):
    CheckInFactory.create_batch(2, mentorship=pairing)
    client = client_for(mentee)
    with CaptureQueriesContext(connection) as read:
        response = client.get(pairing.get_absolute_url())
    assert response.status_code == 200
    assert response.content.decode().count("data-checkin=") == 2
    items = [
        q for q in read.captured_queries if q["sql"].startswith('SELECT "checkins_actionitem"')
    ]
    assert items == []


def test_it_reads_the_action_items_when_the_pair_has_one(client_for, pairing, mentee):
    ActionItemFactory(checkin=CheckInFactory(mentorship=pairing), text="Ring <Bo>")
    response = client_for(mentee).get(pairing.get_absolute_url())
    page = response.content.decode()
    assert "Open action items" in page
    assert page.count("data-action-item=") == 1  # under its check-in
