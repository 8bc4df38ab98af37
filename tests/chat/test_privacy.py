"""Erasure: a person's chat preference and messages go; others' messages stop naming them."""

import pytest
from django.utils import timezone

from chat.models import ChatMessage, ChatPreference
from people.services import person_erase
from tests.factories import PrivacyOfficerFactory, UserFactory

pytestmark = pytest.mark.django_db


def _message(recipient, title: str, key: str) -> ChatMessage:
    return ChatMessage.objects.create(
        service="slack",
        recipient=recipient,
        kind="test",
        dedupe_key=key,
        title=title,
        next_attempt_at=timezone.now(),
    )


def test_it_erases_a_persons_chat_preference_and_messages_and_their_name_in_others():
    ana = UserFactory(full_name="Ana Quintero-Falk")
    bo = UserFactory()
    ChatPreference.objects.create(user=ana, delivery="both")
    _message(ana, "Your match in Cloud Guild", "a")
    kept = _message(bo, "Check-in due with Ana Quintero-Falk", "b")
    person_erase(person=ana, by=PrivacyOfficerFactory())
    assert not ChatPreference.objects.filter(user=ana).exists()
    assert list(ChatMessage.objects.all()) == [kept]
    kept.refresh_from_db()
    assert "Quintero" not in kept.title
