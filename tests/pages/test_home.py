"""The home page: what each role sees first."""

import pytest

from tests.factories import HRFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_it_shows_the_home_page_for_each_role(client_for):
    hr = HRFactory()
    boss = UserFactory()
    UserFactory(manager=boss)
    assert "Programs I coordinate" in client_for(hr).get("/").content.decode()
    assert "My team" in client_for(boss).get("/").content.decode()
    assert "not in a mentorship yet" in client_for(UserFactory()).get("/").content.decode()
