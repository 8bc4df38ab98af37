"""The status badge and progress bar drawn in every row of the mentorship lists."""

from types import SimpleNamespace

from mentorships.models import Mentorship
from mentorships.templatetags.mentorship_tags import progress_bar, status_badge


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
