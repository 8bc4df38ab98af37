"""Where the apps' notices go: email, Slack or both per person; program news to Teams; and
never private text in a chat message."""

from datetime import date, timedelta

import pytest
from django.core import mail

from chat.models import ChatMessage, Delivery, TeamsChannel
from checkins.services import mentorship_nudge
from matching import services as matching
from outbox.models import OutgoingEmail
from programs.services import enrolment_decide
from reminders.services import reminders_send_pending, reminders_sweep
from tests import factories
from tests.factories import EnrolmentFactory, HRFactory, MilestoneFactory, UserFactory
from tests.matching.helpers import mentee, mentor, program
from tests.reminders.factories import pairing

pytestmark = pytest.mark.django_db
SECRET = "private words only the pair may read"


def _slack_to(user) -> list[ChatMessage]:
    return list(ChatMessage.objects.filter(recipient=user, service="slack"))


def test_it_sends_a_due_reminder_by_slack_only_to_someone_who_chose_slack_only(slack, prefer):
    m = pairing(days_since=8)
    prefer(m.mentor, Delivery.SLACK)
    reminders_sweep(today=date.today())
    assert reminders_send_pending() == 2
    assert [e.to[0] for e in mail.outbox] == [m.mentee.email], "the mentor gets no email"
    [message] = _slack_to(m.mentor)
    assert message.title == f"Check-in due with {m.mentee.full_name}"
    assert message.link.endswith(m.get_absolute_url())
    assert not _slack_to(m.mentee)


def test_it_sends_a_reminder_both_ways_to_someone_who_chose_both(slack, prefer):
    m = pairing(days_since=8)
    prefer(m.mentee, Delivery.BOTH)
    reminders_sweep(today=date.today())
    reminders_send_pending()
    assert sorted(e.to[0] for e in mail.outbox) == sorted([m.mentor.email, m.mentee.email])
    assert len(_slack_to(m.mentee)) == 1


def test_it_emails_a_slack_only_person_while_slack_is_not_connected(prefer, settings):
    settings.SLACK_BOT_TOKEN = ""
    m = pairing(days_since=8)
    prefer(m.mentor, Delivery.SLACK)
    reminders_sweep(today=date.today())
    reminders_send_pending()
    assert m.mentor.email in [e.to[0] for e in mail.outbox]
    assert not ChatMessage.objects.exists()


def test_it_never_puts_a_milestones_title_in_a_slack_reminder(slack, prefer):
    m = pairing(days_since=1)
    goal = factories.GoalFactory(mentorship=m)
    MilestoneFactory(goal=goal, title=SECRET, due_date=date.today() + timedelta(days=6))
    prefer(m.mentee)
    reminders_sweep(today=date.today())
    reminders_send_pending()
    [message] = _slack_to(m.mentee)
    assert message.title.startswith("A milestone is due on")
    assert SECRET not in f"{message.title} {message.text}"


def test_it_nudges_by_slack_per_preference(slack, prefer):
    hr = HRFactory()
    m = pairing(days_since=30)
    prefer(m.mentor, Delivery.SLACK)
    mentorship_nudge(mentorship=m, by=hr)
    assert list(OutgoingEmail.objects.values_list("to", flat=True)) == [m.mentee.email]
    [message] = _slack_to(m.mentor)
    assert message.kind == "checkins.nudge" and message.link.endswith(m.get_absolute_url())


def test_it_announces_a_published_run_in_slack_and_in_the_teams_channel(
    slack, teams, prefer, hr_user, django_capture_on_commit_callbacks
):
    skill = factories.SkillFactory(name="Kubernetes")
    prog = program(coordinators=[hr_user], name="Cloud Guild")
    TeamsChannel.objects.create(program=prog, webhook_url=teams.url())
    ana = mentee(prog, {skill: (1, 4)})
    mentor(prog, {skill: 5})
    prefer(ana, Delivery.SLACK)
    slack.users = {ana.email: "U0ANA"}
    with django_capture_on_commit_callbacks(execute=True):
        run = matching.matching_run_start(program=prog, by=hr_user)
    run.refresh_from_db()
    matching.proposals_accept(run=run, proposal_ids=None, by=hr_user)
    with django_capture_on_commit_callbacks(execute=True):
        matching.run_publish(run=run, by=hr_user)
    assert ana.email not in [e.to[0] for e in mail.outbox], "Slack only"
    assert len(mail.outbox) == 1
    [dm] = _slack_to(ana)
    assert dm.title == "Your match in Cloud Guild" and "/mentorships/" in dm.link
    card = ChatMessage.objects.get(service="teams")
    assert card.title == "New pairs in Cloud Guild"
    assert card.text.startswith("1 new pair was matched")
    assert ana.full_name not in card.text, "no names in a channel"


def test_it_tells_the_employee_of_the_decision_in_slack_without_the_managers_note(
    slack, prefer, mailoutbox, django_capture_on_commit_callbacks
):
    lead = UserFactory(full_name="Lead Lina")
    eve = UserFactory(full_name="Engineer Eve", manager=lead)
    enrolment = EnrolmentFactory(user=eve, status="pending", program__name="Cloud Guild")
    prefer(eve, Delivery.SLACK)
    slack.users = {eve.email: "U0EVE"}
    with django_capture_on_commit_callbacks(execute=True):
        enrolment_decide(enrolment=enrolment, approve=False, reason=SECRET, by=lead)
    assert mailoutbox == [], "Slack only: no email"
    [message] = _slack_to(eve)
    assert message.title == "Your enrolment in Cloud Guild: declined"
    assert "Lead Lina declined" in message.text
    assert SECRET not in f"{message.title} {message.text}"
    [post] = slack.posted()
    assert SECRET not in post.body.decode()


def test_it_asks_the_manager_in_slack_to_approve_an_enrolment(slack, prefer):
    from programs.services import enrolment_create

    lead = UserFactory()
    eve = UserFactory(full_name="Engineer Eve", manager=lead)
    prefer(lead)
    prog = factories.ProgramFactory(name="Cloud Guild", requires_manager_approval=True)
    skill = factories.SkillFactory()
    from programs.services import SkillRow

    enrolment = enrolment_create(
        program=prog,
        user=eve,
        role="mentee",
        data={},
        skills=[SkillRow(skill.pk, 2, 4)],
        avoid=[],
    )
    [message] = _slack_to(lead)
    assert message.title == "Engineer Eve asks to join Cloud Guild"
    assert message.link.endswith(f"/programs/approvals/{enrolment.pk}/")
