"""The shared access helper for HR pages about one mentorship (mentorships.selectors)."""

import pytest
from django.http import Http404

from mentorships.selectors import coordinated_mentorship_or_404


def test_it_gives_the_coordinating_hr_the_mentorship(pairing, hr_user):
    assert coordinated_mentorship_or_404(hr_user, pairing.pk) == pairing


@pytest.mark.parametrize("who", ["other_hr", "mentee", "stranger"])
def test_it_answers_404_to_anyone_else(request, pairing, who):
    with pytest.raises(Http404):
        coordinated_mentorship_or_404(request.getfixturevalue(who), pairing.pk)


def test_it_answers_404_to_a_coordinator_who_is_no_longer_hr(pairing, hr_user):
    hr_user.is_hr_coordinator = False
    hr_user.save(update_fields=["is_hr_coordinator"])
    with pytest.raises(Http404):
        coordinated_mentorship_or_404(hr_user, pairing.pk)


def test_it_answers_404_for_a_mentorship_that_does_not_exist(hr_user):
    with pytest.raises(Http404):
        coordinated_mentorship_or_404(hr_user, 10**9)
