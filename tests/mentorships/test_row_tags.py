"""The status badge and progress bar drawn in every row of the mentorship lists."""

from pathlib import Path
from types import SimpleNamespace

import pytest
from django.template import Context, Template

from mentorships import selectors
from mentorships.models import Mentorship, ResetRequest
from mentorships.templatetags.mentorship_tags import pairing_rows, progress_bar, status_badge
from tests import factories
from tests.markup import tags_only


def test_it_colours_the_status_badge_by_status() -> None:
    assert status_badge(Mentorship(status="active")) == (
        '<span class="badge text-bg-success">Active</span>'
    )
    assert 'text-bg-secondary">Ended early<' in status_badge(Mentorship(status="ended"))


def test_it_rounds_the_progress_as_widthratio_did() -> None:
    html = progress_bar(1, 3)
    assert 'style="width: 33%"' in html and ">1/3</span>" in html
    assert 'style="width: 67%"' in progress_bar(2, 3)


def test_it_draws_an_empty_bar_without_milestones() -> None:
    html = progress_bar(0, 0)
    assert 'style="width: 0%"' in html and 'aria-valuemax="0"' in html and ">0/0<" in html


def test_it_escapes_what_it_is_given() -> None:
    fake = SimpleNamespace(status="<x>", get_status_display=lambda: "<script>")
    assert "<script>" not in status_badge(fake)


# The pairing list's rows as its template drew them before they were drawn in Python.
TEMPLATE_ROWS = Path(__file__).with_name("pairing_rows_before.html")


@pytest.mark.django_db
def test_it_draws_the_pairing_rows_as_their_template_did(program) -> None:
    odd = factories.UserFactory(full_name='<b>O\'Neil & "Co"</b>')
    plain = factories.MentorshipFactory(program=program, mentor=odd, score=87)
    factories.MilestoneFactory(goal=factories.GoalFactory(mentorship=plain))
    ResetRequest.objects.create(mentorship=plain, raised_by=plain.mentee, reason="x")
    factories.MentorshipFactory(
        program=program, status="ended", end_reason="not_working", source="matching", score=0
    )
    factories.MentorshipFactory(
        program=program,
        status="proposed",
        started_on=None,
        mentee=factories.UserFactory(full_name=""),
    )
    listed = list(selectors.program_pairings(program))
    before = Template(TEMPLATE_ROWS.read_text()).render(Context({"page": listed}))
    rows = selectors.program_pairing_rows(program)[0:20]
    assert [row[0] for row in rows] == [m.pk for m in listed]
    assert tags_only(pairing_rows(rows)) == tags_only(before)
    assert "&lt;b&gt;O&#x27;Neil" in before


@pytest.mark.django_db
def test_it_reads_a_page_of_pairing_rows_of_one_status_in_the_lists_order(program) -> None:
    made = [
        factories.MentorshipFactory(program=program, mentor__full_name=name, status=status)
        for name, status in (("Cy", "active"), ("Al", "ended"), ("Bo", "active"), ("Di", "active"))
    ]
    factories.MentorshipFactory(mentor__full_name="Aa")  # another program's
    listed = [m.pk for m in selectors.program_pairings(program, status="active")]
    assert listed == [made[2].pk, made[0].pk, made[3].pk]
    rows = selectors.program_pairing_rows(program, status="active")
    assert [row[0] for row in rows[0:2]] == listed[:2]
    assert [row[0] for row in rows[2:4]] == listed[2:]
    assert rows[0:0] == []
    every = selectors.program_pairing_rows(program)[0:20]
    assert [row[0] for row in every] == [m.pk for m in selectors.program_pairings(program)]
    assert [row[1] for row in every] == ["ended", "active", "active", "active"]
