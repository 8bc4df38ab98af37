"""people.backends.ModelBackend: the per-request user read, built once, against the ORM's."""

from datetime import timedelta

import pytest
from django.utils import timezone

from people.backends import ModelBackend
from people.models import User
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def _fields(user):
    return {f.attname: getattr(user, f.attname) for f in User._meta.concrete_fields}


def test_it_reads_the_user_as_the_orm_does():
    user = UserFactory(department=DepartmentFactory())
    User.objects.filter(pk=user.pk).update(last_login=timezone.now() - timedelta(days=2))

    read = ModelBackend().get_user(str(user.pk))

    assert _fields(read) == _fields(User.objects.get(pk=user.pk))
    assert read._state.adding is False
    assert read._state.db == "default"


def test_it_refuses_an_inactive_user():
    user = UserFactory(is_active=False)

    assert ModelBackend().get_user(str(user.pk)) is None


def test_it_returns_nobody_for_an_unknown_or_malformed_id():
    UserFactory()

    assert ModelBackend().get_user("999999999") is None
    assert ModelBackend().get_user("not a number") is None
    assert ModelBackend().get_user(None) is None


def test_it_signs_a_request_in_as_its_own_user_not_a_third(client):
    user, third = UserFactory(), UserFactory()
    client.force_login(user)

    response = client.get("/")

    assert response.wsgi_request.user.pk == user.pk != third.pk
