"""The one pager partial, templates/includes/pagination.html."""

from django.core.paginator import Paginator
from django.template.loader import render_to_string


def _pager(number: int, **context) -> str:
    page = Paginator(range(50), 20).get_page(number)
    return render_to_string("includes/pagination.html", {"page": page, **context})


def test_it_shows_nothing_for_a_single_page() -> None:
    page = Paginator(range(5), 20).get_page(1)
    assert render_to_string("includes/pagination.html", {"page": page}).strip() == ""


def test_it_links_the_pages_around_this_one_with_the_page_parameter() -> None:
    html = _pager(2)
    assert 'href="?page=1">Previous' in html and 'href="?page=3">Next' in html
    assert "Page 2 of 3" in html


def test_it_keeps_the_list_filters_on_every_link() -> None:
    html = _pager(2, query="status=active&q=ada")
    assert 'href="?status=active&amp;q=ada&amp;page=1"' in html
    assert 'href="?status=active&amp;q=ada&amp;page=3"' in html


def test_it_uses_its_own_parameter_when_a_page_holds_two_lists() -> None:
    html = _pager(1, param="apage")
    assert 'href="?apage=2">Next' in html and "Previous" not in html
