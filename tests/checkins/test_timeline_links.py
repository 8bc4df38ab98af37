"""The skills, goals and milestones a check-in names, read for a page of check-ins in one query:
the same markup the prefetched relations drew."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.db.models import Prefetch
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from checkins.models import CheckIn
from checkins.selectors import checkin_links
from mentorships.models import Goal, Milestone
from tests.checkins.factories import CheckInFactory
from tests.factories import GoalFactory, MilestoneFactory, SkillFactory

pytestmark = pytest.mark.django_db

# The two lines of templates/checkins/_timeline_body.html before, on the prefetched relations.
BEFORE = Template(
    '{% if checkin.skills.all %}<p class="small mb-1">Skills: {% for s in checkin.skills.all %}'
    '<span class="badge text-bg-light border">{{ s.name }}</span> {% endfor %}</p>{% endif %}\n'
    '      {% if checkin.goals.all or checkin.milestones.all %}<p class="small mb-1">Advanced: '
    "{% for g in checkin.goals.all %}{{ g.title }}{% if not forloop.last %}, {% endif %}"
    "{% endfor %}{% if checkin.goals.all and checkin.milestones.all %}; {% endif %}"
    "{% for m in checkin.milestones.all %}{{ m.title }}{% if not forloop.last %}, {% endif %}"
    "{% endfor %}</p>{% endif %}"
)


def _linked(pairing) -> CheckIn:
    checkin = CheckInFactory(mentorship=pairing, date=date.today() - timedelta(days=2))
    checkin.skills.set(
        [
            SkillFactory(name="Zeta <b>", category="data"),
            SkillFactory(name="Alpha & co", category="security"),
            SkillFactory(name="Beta", category="data"),
        ]
    )
    late = GoalFactory(mentorship=pairing, title="Later goal")
    soon = GoalFactory(
        mentorship=pairing, title="Sooner <goal>", target_date=date.today() + timedelta(days=5)
    )
    undated = GoalFactory(mentorship=pairing, title="No date", target_date=None)
    checkin.goals.set([undated, late, soon])
    checkin.milestones.set(
        [
            MilestoneFactory(goal=late, title="M two", due_date=date.today() + timedelta(days=9)),
            MilestoneFactory(goal=late, title="M one", due_date=date.today() + timedelta(days=3)),
        ]
    )
    return checkin


def test_it_reads_the_links_in_each_models_order(pairing):
    checkin = _linked(pairing)
    links = checkin_links([checkin.pk])[checkin.pk]
    assert links["skills"] == ["Beta", "Zeta <b>", "Alpha & co"]
    # The goal without a date goes where this database puts NULL, as the prefetch did.
    assert links["goals"] == [g.title for g in checkin.goals.all()]
    assert links["goals"][:2] in (["Sooner <goal>", "Later goal"], ["No date", "Sooner <goal>"])
    assert links["milestones"] == ["M one", "M two"]


def test_it_draws_the_links_as_the_prefetched_relations_did(client_for, pairing, mentee):
    checkin = _linked(pairing)
    before = (
        CheckIn.objects.filter(pk=checkin.pk)
        .prefetch_related(
            "skills",
            Prefetch("goals", queryset=Goal.objects.only("id", "title")),
            Prefetch("milestones", queryset=Milestone.objects.only("id", "title")),
        )
        .get()
    )
    expected = BEFORE.render(Context({"checkin": before}))
    html = client_for(mentee).get(reverse("checkins:timeline", args=[pairing.pk])).content
    assert "Skills: " in expected and "Advanced: " in expected
    assert expected in html.decode()


def test_it_reads_nothing_for_no_check_ins(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert checkin_links([]) == {}


def test_it_reads_the_links_only_when_a_check_in_names_some(
    client_for, pairing, mentee, django_assert_num_queries
):
    CheckInFactory(mentorship=pairing, date=date.today() - timedelta(days=1))
    client = client_for(mentee)
    url = reverse("checkins:timeline", args=[pairing.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as plain:
        client.get(url)
    _linked(pairing)
    with CaptureQueriesContext(connection) as linked:
        html = client.get(url).content.decode()
    assert len(linked.captured_queries) == len(plain.captured_queries) + 1
    assert "Advanced: " in html
