"""Booking one-off sessions: places per calendar month, answers, refusals and emails."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from experts import services
from experts.models import FlashSession, SessionStatus
from experts.services import expert_profile_save
from outbox.models import OutgoingEmail
from tests import factories
from tests.experts.conftest import next_month, soon

pytestmark = pytest.mark.django_db

NOTE = "PRIVATE-NOTE: our SD-WAN failover flaps every night"


def book(requester, expert, skill, *options, note=NOTE):
    return services.flash_session_request(
        requester=requester,
        expert=expert,
        skill=skill,
        note=note,
        options=list(options) or [next_month(10)],
    )


def emails(kind: str) -> list[OutgoingEmail]:
    return list(OutgoingEmail.objects.filter(kind=kind))


def test_it_books_a_session_and_emails_the_expert_once_without_the_note(asker, expert, skill):
    session = book(asker, expert, skill, next_month(10), next_month(11, 14))
    session = FlashSession.objects.get(pk=session.pk)
    assert (session.status, session.month) == (SessionStatus.REQUESTED, next_month(1).date())
    assert len(session.options) == 2
    (email,) = emails("experts.requested")
    assert email.to == expert.email
    assert "Asha Asker" in email.subject and "SD-WAN" in email.subject
    assert NOTE not in email.body and reverse("experts:session", args=[session.pk]) in email.body


def test_it_refuses_a_booking_once_the_month_is_full(asker, expert, skill):
    others = factories.UserFactory.create_batch(2)
    book(others[0], expert, skill, next_month(3))
    book(others[1], expert, skill, next_month(4))
    with pytest.raises(ValidationError, match="no places left"):
        book(asker, expert, skill, next_month(5))
    # Another month has its own places.
    book(asker, expert, skill, next_month(5, months=2))
    assert FlashSession.objects.filter(expert=expert).count() == 3


def test_it_frees_the_place_when_a_request_is_declined_or_cancelled(asker, expert, skill):
    first, second = factories.UserFactory.create_batch(2)
    declined = book(first, expert, skill, next_month(3))
    cancelled = book(second, expert, skill, next_month(4))
    services.flash_session_decline(session=declined, by=expert)
    services.flash_session_cancel(session=cancelled, by=second)
    book(asker, expert, skill, next_month(5))
    book(first, expert, skill, next_month(6))
    assert FlashSession.objects.filter(expert=expert, status="requested").count() == 2


def test_it_refuses_experts_taking_no_requests(asker, expert, skill):
    expert_profile_save(
        user=expert, listed=True, monthly_sessions=0, share_program_skills=True, skills=[skill]
    )
    with pytest.raises(ValidationError, match="isn't taking requests"):
        book(asker, expert, skill)
    assert not FlashSession.objects.exists() and not emails("experts.requested")


def test_it_refuses_to_book_yourself(expert, skill, client_for):
    with pytest.raises(ValidationError, match="yourself"):
        book(expert, expert, skill)
    response = client_for(expert).get(reverse("experts:book", args=[expert.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("experts:settings")


def test_it_refuses_a_skill_the_expert_did_not_share(asker, expert):
    other = factories.SkillFactory(name="Mainframes")
    with pytest.raises(ValidationError, match="hasn't listed Mainframes"):
        book(asker, expert, other)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (lambda: [timezone.now() - timedelta(hours=1)], "in the future"),
        (lambda: [next_month(10), next_month(10, months=2)], "one calendar month"),
        (lambda: [timezone.now() + timedelta(days=400)], "within the next"),
        (lambda: [None, None], "at least one time"),
    ],
)
def test_it_refuses_times_it_cannot_hold(asker, expert, skill, options, message):
    with pytest.raises(ValidationError, match=message):
        book(asker, expert, skill, *options())


def test_it_refuses_an_empty_note(asker, expert, skill):
    with pytest.raises(ValidationError, match="what you'd like help with"):
        book(asker, expert, skill, note="   ")


def test_it_refuses_a_second_waiting_request_to_the_same_expert(asker, expert, skill):
    book(asker, expert, skill, next_month(3))
    with pytest.raises(ValidationError, match="already have a request waiting"):
        book(asker, expert, skill, next_month(4))


def test_it_books_through_the_page_and_shows_the_note_to_the_two_only(
    client_for, asker, expert, skill
):
    when = next_month(12, 9)
    response = client_for(asker).post(
        reverse("experts:book", args=[expert.pk]),
        {
            "skill": skill.pk,
            "note": NOTE,
            "duration_minutes": "45",
            "option_1": when.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    session = FlashSession.objects.get()
    assert response.status_code == 302 and response["Location"] == session.get_absolute_url()
    assert session.duration_minutes == 45 and session.option_1 == when
    url = session.get_absolute_url()
    assert NOTE in client_for(asker).get(url).content.decode()
    assert NOTE in client_for(expert).get(url).content.decode()
    stranger = factories.HRFactory()
    assert client_for(stranger).get(url).status_code == 404


def test_it_shows_booking_errors_on_the_form(client_for, asker, expert, skill):
    response = client_for(asker).post(
        reverse("experts:book", args=[expert.pk]),
        {"skill": skill.pk, "note": NOTE, "duration_minutes": "30", "option_1": "2001-01-01T10:00"},
    )
    assert (
        response.status_code == 200 and "Propose times in the future" in response.content.decode()
    )
    assert not FlashSession.objects.exists()


def test_it_lets_only_the_expert_accept_and_only_once(asker, expert, skill, client_for):
    session = book(asker, expert, skill, next_month(10), next_month(11))
    url = reverse("experts:accept", args=[session.pk])
    chosen = {"when": next_month(11).isoformat()}
    # The person who asked sees the request but may not answer it: 403.
    assert client_for(asker).post(url, chosen).status_code == 403
    # Anyone else doesn't learn it exists: 404, like a missing id.
    third = factories.UserFactory()
    assert client_for(third).post(url, chosen).status_code == 404
    assert client_for(third).post(reverse("experts:accept", args=[10**9])).status_code == 404
    assert FlashSession.objects.get(pk=session.pk).status == SessionStatus.REQUESTED
    assert client_for(expert).post(url, chosen).status_code == 302
    assert client_for(expert).post(url, chosen).status_code == 302  # already answered
    session.refresh_from_db()
    assert (session.status, session.scheduled_at) == (SessionStatus.ACCEPTED, next_month(11))
    (email,) = emails("experts.accepted")
    assert email.to == asker.email and NOTE not in email.body


def test_it_refuses_in_the_service_too_when_someone_else_answers(asker, expert, skill):
    session = book(asker, expert, skill)
    with pytest.raises(PermissionDenied):
        services.flash_session_accept(session=session, by=asker, when=session.option_1)
    with pytest.raises(PermissionDenied):
        services.flash_session_decline(session=session, by=factories.UserFactory())
    with pytest.raises(PermissionDenied):
        services.flash_session_cancel(session=session, by=expert)


def test_it_accepts_only_one_of_the_proposed_times(asker, expert, skill):
    session = book(asker, expert, skill, next_month(10))
    with pytest.raises(ValidationError, match="proposed times"):
        services.flash_session_accept(session=session, by=expert, when=next_month(12))


def test_it_emails_a_decline_once(asker, expert, skill, client_for):
    session = book(asker, expert, skill)
    url = reverse("experts:decline", args=[session.pk])
    assert client_for(asker).post(url).status_code == 403
    client_for(expert).post(url)
    client_for(expert).post(url)
    (email,) = emails("experts.declined")
    assert email.to == asker.email and f"skill={skill.pk}" in email.body
    assert FlashSession.objects.get(pk=session.pk).status == SessionStatus.DECLINED


def test_it_lets_only_the_asker_cancel_and_tells_the_expert(asker, expert, skill, client_for):
    session = book(asker, expert, skill)
    url = reverse("experts:cancel", args=[session.pk])
    assert client_for(expert).post(url).status_code == 403
    assert client_for(asker).post(url).status_code == 302
    (email,) = emails("experts.cancelled")
    assert email.to == expert.email
    assert FlashSession.objects.get(pk=session.pk).status == SessionStatus.CANCELLED


def test_it_records_whether_a_session_took_place_only_after_its_time(asker, expert, skill):
    session = book(asker, expert, skill, soon())
    services.flash_session_accept(session=session, by=expert, when=session.option_1)
    with pytest.raises(ValidationError, match="once the session's time has come"):
        services.flash_session_complete(session=session, by=asker, held=True)
    FlashSession.objects.filter(pk=session.pk).update(scheduled_at=timezone.now())
    services.flash_session_complete(session=session, by=asker, held=True)
    with pytest.raises(ValidationError):
        services.flash_session_complete(session=session, by=expert, held=False)
    assert FlashSession.objects.get(pk=session.pk).status == SessionStatus.HELD


def test_it_lists_my_sessions_on_both_sides(client_for, asker, expert, skill):
    book(asker, expert, skill)
    mine = client_for(asker).get(reverse("experts:sessions")).content.decode()
    theirs = client_for(expert).get(reverse("experts:sessions")).content.decode()
    assert "SD-WAN with Esme Expert" in mine and "SD-WAN with Asha Asker" in theirs
    other = client_for(factories.UserFactory()).get(reverse("experts:sessions")).content.decode()
    assert "haven't booked a session yet" in other and "SD-WAN" not in other


def test_it_exports_the_note_to_each_of_the_two_and_erases_it_with_either(asker, expert, skill):
    from people.services import person_erase, person_export

    session = book(asker, expert, skill)
    exported = person_export(person=expert)
    assert exported["Flash sessions (as expert)"][0]["note"] == NOTE
    person_erase(person=asker, by=factories.PrivacyOfficerFactory())
    assert FlashSession.objects.get(pk=session.pk).note == ""
