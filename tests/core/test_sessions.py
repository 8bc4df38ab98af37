"""core.sessions.SessionStore: the per-request session read, built once."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from core.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_it_loads_a_saved_session():
    store = SessionStore()
    store["goal"] = "Kubernetes in production"
    store.save()

    assert SessionStore(session_key=store.session_key).load() == {
        "goal": "Kubernetes in production"
    }


def test_it_refuses_an_expired_session_and_forgets_its_key():
    store = SessionStore()
    store["goal"] = "old"
    store.save()
    Session.objects.filter(pk=store.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    again = SessionStore(session_key=store.session_key)

    assert again.load() == {}
    assert again.session_key is None


def test_it_gives_an_unknown_key_an_empty_session():
    SessionStore().save()

    assert SessionStore(session_key="x" * 32).load() == {}


def test_it_keeps_one_session_from_another():
    mine, theirs = SessionStore(), SessionStore()
    mine["who"], theirs["who"] = "me", "them"
    mine.save()
    theirs.save()

    assert SessionStore(session_key=mine.session_key).load() == {"who": "me"}
