import pytest

from tests.factories import UserFactory


@pytest.mark.django_db
def test_it_signs_in_by_email(client):
    UserFactory(email="ada@example.com")
    response = client.post("/accounts/login/", {"username": "ada@example.com", "password": "correct-horse-battery"})
    assert response.status_code == 302
