"""Calendar invitations for a pair's next meeting: iCalendar (RFC 5545, iTIP RFC 5546).

Written with the `icalendar` library: METHOD:REQUEST for a new or moved meeting, METHOD:CANCEL
for a cancelled one, the same UID throughout and a higher SEQUENCE for every change, DTSTART in
the time zone it was set in with its VTIMEZONE, Tandem's sender address as ORGANIZER and both
participants as ATTENDEEs. Nothing private goes in: names, the time, a link.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from icalendar import Calendar, Event, vCalAddress, vText

PRODID = "-//Tandem//Mentoring meetings//EN"
REQUEST = "REQUEST"
CANCEL = "CANCEL"


@dataclass(frozen=True)
class Person:
    email: str
    name: str


@dataclass(frozen=True)
class Invitation:
    method: str  # REQUEST or CANCEL
    uid: str
    sequence: int
    starts_at: datetime  # aware, in the meeting's time zone
    duration_minutes: int
    summary: str
    description: str
    url: str
    organizer: Person
    attendees: tuple[Person, ...]


def _address(person: Person, **params: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    if person.name:
        address.params["cn"] = vText(person.name)
    for key, value in params.items():
        address.params[key] = vText(value)
    return address


def render(invitation: Invitation, *, now: datetime) -> str:
    """The .ics text of one invitation; `now` (aware) is its DTSTAMP."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", invitation.method)
    event = Event()
    event.add("uid", invitation.uid)
    event.add("dtstamp", now)
    event.add("dtstart", invitation.starts_at)
    event.add("dtend", invitation.starts_at + timedelta(minutes=invitation.duration_minutes))
    event.add("sequence", invitation.sequence)
    event.add("summary", invitation.summary)
    event.add("description", invitation.description)
    event.add("url", invitation.url)
    event.add("status", "CANCELLED" if invitation.method == CANCEL else "CONFIRMED")
    event.add("transp", "OPAQUE")
    event["organizer"] = _address(invitation.organizer)
    for person in invitation.attendees:
        event.add(
            "attendee",
            _address(
                person,
                cutype="INDIVIDUAL",
                role="REQ-PARTICIPANT",
                partstat="NEEDS-ACTION",
                rsvp="FALSE",
            ),
            encode=False,
        )
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical().decode("utf-8")
