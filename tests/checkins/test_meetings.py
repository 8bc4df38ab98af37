"""The next meeting: calendar invitations (iCalendar REQUEST/CANCEL) to both participants,
parsed with the `icalendar` library; sent through the email queue, once."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from icalendar import Calendar

from checkins.models import Meeting
from checkins.services import checkin_create, meeting_cancel, meeting_schedule
from outbox.models import OutgoingEmail
from outbox.services import emails_send_pending
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
SOON = date.today() + timedelta(days=7)


@pytest.fixture
def berliner(pairing):
    pairing.mentee.timezone = "Europe/Berlin"
    pairing.mentee.save(update_fields=["timezone"])
    return pairing.mentee


def _calendars(kind: str) -> list[Calendar]:
    rows = OutgoingEmail.objects.filter(kind=kind).order_by("id")
    return [Calendar.from_ical(row.attachment) for row in rows]


def _event(calendar: Calendar):
    [event] = calendar.walk("VEVENT")
    return event


def test_it_invites_both_participants_in_the_setters_time_zone(pairing, berliner) -> None:
    meeting_schedule(mentorship=pairing, by=berliner, day=SOON, at=time(15, 30))
    rows = OutgoingEmail.objects.filter(kind="checkins.meeting_request")
    assert sorted(rows.values_list("to", flat=True)) == ["mentee@example.com", "mentor@example.com"]
    assert {r.attachment_type for r in rows} == {"text/calendar; method=REQUEST"}
    calendar = _calendars("checkins.meeting_request")[0]
    assert calendar["METHOD"] == "REQUEST"
    event = _event(calendar)
    assert event["SEQUENCE"] == 0
    assert event.decoded("DTSTART") == datetime.combine(SOON, time(15, 30), tzinfo=BERLIN)
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=60)
    assert str(event["ORGANIZER"]).startswith("mailto:")
    attendees = sorted(str(a) for a in event["ATTENDEE"])
    assert attendees == ["mailto:mentee@example.com", "mailto:mentor@example.com"]
    assert event["UID"].startswith(f"meeting-{Meeting.objects.get().uid}@")


def test_moving_it_sends_an_update_with_the_same_uid_and_a_higher_sequence(
    pairing, berliner
) -> None:
    meeting_schedule(mentorship=pairing, by=berliner, day=SOON, at=time(15, 30))
    meeting_schedule(mentorship=pairing, by=pairing.mentor, day=SOON, at=time(9, 0))
    first, _, moved, _ = _calendars("checkins.meeting_request")
    assert _event(moved)["UID"] == _event(first)["UID"]
    assert _event(moved)["SEQUENCE"] == 1
    assert Meeting.objects.count() == 1
    assert "Moved:" in OutgoingEmail.objects.order_by("-id").first().subject


def test_the_same_time_again_sends_nothing(pairing, berliner) -> None:
    meeting_schedule(mentorship=pairing, by=berliner, day=SOON, at=time(15, 30))
    meeting_schedule(mentorship=pairing, by=berliner, day=SOON, at=time(15, 30))
    assert OutgoingEmail.objects.count() == 2


def test_cancelling_sends_a_cancel_for_the_same_uid(pairing, berliner) -> None:
    meeting = meeting_schedule(mentorship=pairing, by=berliner, day=SOON, at=time(15, 30))
    meeting_cancel(meeting=meeting, by=pairing.mentor)
    [request, _] = _calendars("checkins.meeting_request")
    cancel, _ = _calendars("checkins.meeting_cancel")
    assert cancel["METHOD"] == "CANCEL"
    assert _event(cancel)["UID"] == _event(request)["UID"]
    assert _event(cancel)["SEQUENCE"] == 1
    assert _event(cancel)["STATUS"] == "CANCELLED"
    with pytest.raises(ValidationError):
        meeting_cancel(meeting=meeting, by=pairing.mentor)


def test_a_meeting_in_the_past_is_refused(pairing) -> None:
    with pytest.raises(ValidationError):
        meeting_schedule(
            mentorship=pairing, by=pairing.mentor, day=date.today() - timedelta(days=1), at=time(9)
        )
    assert not Meeting.objects.exists()


def test_only_the_pair_sets_a_meeting(pairing) -> None:
    with pytest.raises(PermissionDenied):
        meeting_schedule(mentorship=pairing, by=UserFactory(), day=SOON, at=time(9))


def test_the_invitation_goes_once_as_a_calendar_attachment(pairing, berliner) -> None:
    meeting_schedule(mentorship=pairing, by=berliner, day=SOON, at=time(15, 30))
    assert emails_send_pending().sent == 2
    assert emails_send_pending().sent == 0
    assert len(mail.outbox) == 2
    message = mail.outbox[0].message()
    parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    [part] = parts
    assert part.get_param("method") == "REQUEST"
    assert Calendar.from_ical(part.get_payload(decode=True))["METHOD"] == "REQUEST"
    assert OutgoingEmail.objects.filter(attachment="").count() == 2, "not kept once sent"


def test_a_checkin_with_a_next_meeting_time_sends_invitations_without_its_notes(
    pairing,
) -> None:
    checkin_create(
        mentorship=pairing,
        author=pairing.mentor,
        when=date.today(),
        duration_minutes=45,
        activity="code_review",
        skills=[],
        goals=[],
        milestones=[],
        next_steps="NEXT-STEPS-TEXT",
        next_meeting_date=SOON,
        next_meeting_time=time(10, 0),
        private_notes="PRIVATE-NOTE-TEXT",
        shared_summary="SUMMARY-TEXT",
    )
    rows = OutgoingEmail.objects.filter(kind="checkins.meeting_request")
    assert rows.count() == 2
    for row in rows:
        for text in ("NEXT-STEPS-TEXT", "PRIVATE-NOTE-TEXT", "SUMMARY-TEXT"):
            assert text not in row.attachment and text not in row.body


def test_a_time_without_a_date_is_a_form_error(pairing, client_for) -> None:
    response = client_for(pairing.mentor).post(
        reverse("checkins:create", args=[pairing.pk]),
        {
            "date": date.today().isoformat(),
            "duration_minutes": "45",
            "activity": "code_review",
            "next_meeting_time": "10:00",
            "items-TOTAL_FORMS": "0",
            "items-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "next_meeting_date" in response.context["form"].errors


def test_the_meeting_page_sets_moves_and_cancels(pairing, client_for) -> None:
    client = client_for(pairing.mentee)
    url = reverse("checkins:meeting", args=[pairing.pk])
    assert "No meeting is set yet" in client.get(url).content.decode()
    data = {"date": SOON.isoformat(), "time": "14:00", "duration_minutes": "30"}
    assert client.post(url, data).status_code == 302
    assert Meeting.objects.get().duration_minutes == 30
    assert "Cancel the meeting" in client.get(url).content.decode()
    client.post(reverse("checkins:meeting_cancel", args=[pairing.pk]))
    assert Meeting.objects.get().status == "cancelled"


def test_the_meeting_page_refuses_bad_input_plainly(pairing, client_for) -> None:
    url = reverse("checkins:meeting", args=[pairing.pk])
    past = {"date": "2001-01-01", "time": "14:00", "duration_minutes": "30"}
    response = client_for(pairing.mentee).post(url, past)
    assert response.status_code == 200 and "in the future" in response.content.decode()
    nonsense = {"date": "tomorrow", "time": "25:99", "duration_minutes": "-3"}
    assert client_for(pairing.mentee).post(url, nonsense).status_code == 200


def test_someone_else_gets_a_404(pairing, client_for) -> None:
    url = reverse("checkins:meeting", args=[pairing.pk])
    assert client_for(UserFactory()).get(url).status_code == 404
    cancel = reverse("checkins:meeting_cancel", args=[pairing.pk])
    assert client_for(UserFactory()).post(cancel).status_code == 404
