"""Factories for check-in rows (shared factories stay in tests/factories.py)."""

from datetime import date, timedelta

import factory
from factory.django import DjangoModelFactory

from checkins.models import ActionItem, CheckIn, CheckInTemplate, Pulse
from tests.factories import MentorshipFactory


class CheckInFactory(DjangoModelFactory):
    class Meta:
        model = CheckIn

    mentorship = factory.SubFactory(MentorshipFactory)
    author = factory.LazyAttribute(lambda o: o.mentorship.mentee)
    date = factory.LazyFunction(lambda: date.today() - timedelta(days=2))
    duration_minutes = 45
    activity = "pair_programming"
    private_notes = "SECRET-NOTE about the on-call rota"
    shared_summary = "Worked through the deploy pipeline."


class ActionItemFactory(DjangoModelFactory):
    class Meta:
        model = ActionItem

    checkin = factory.SubFactory(CheckInFactory)
    mentorship = factory.LazyAttribute(lambda o: o.checkin.mentorship)
    owner = factory.LazyAttribute(lambda o: o.checkin.mentorship.mentee)
    text = factory.Sequence(lambda n: f"Action {n}")


class PulseFactory(DjangoModelFactory):
    class Meta:
        model = Pulse

    checkin = factory.SubFactory(CheckInFactory)
    user = factory.LazyAttribute(lambda o: o.checkin.mentorship.mentee)
    score = 4


class TemplateFactory(DjangoModelFactory):
    class Meta:
        model = CheckInTemplate

    name = factory.Sequence(lambda n: f"Template {n}")
    agenda = "- Agenda point one\n- Agenda point two"
