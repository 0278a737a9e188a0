"""Calendar export of a solicitation's key dates, so vendors and participating agencies get
the deadlines into their own calendars. Pure: reads the solicitation, returns bytes."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from icalendar import Calendar, Event

from app.core import clock
from app.solicitations.models import Solicitation, SolicitationStatus

PRODID = "-//CoopBid//Solicitations//EN"


@dataclass(frozen=True)
class _Date:
    key: str  # part of the UID; never change it, or calendars will duplicate the event
    label: str
    at: datetime | None
    length: timedelta
    location: str | None = None
    blocks_time: bool = True  # a bare deadline should not make the attendee look busy


def _dates(s: Solicitation) -> list[_Date]:
    return [
        _Date("questions", "Questions due", s.questions_due_at, timedelta(minutes=30),
              blocks_time=False),
        _Date("prebid", "Pre-bid conference", s.prebid_conference_at, timedelta(hours=1),
              s.prebid_conference_location),
        _Date("due", "Responses due and public opening", s.due_at, timedelta(hours=1),
              s.opening_location),
    ]


def solicitation_ics(solicitation: Solicitation, url: str) -> bytes:
    """An iCalendar file with one event per scheduled date (unset dates are left out)."""
    s = solicitation
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"{s.number} {s.title}")
    stamp = clock.now().astimezone(timezone.utc)
    # Each published addendum may move dates; a higher SEQUENCE tells calendars to take the update.
    sequence = len(s.published_addenda)
    for date in _dates(s):
        if date.at is None:
            continue
        start = date.at.astimezone(timezone.utc)
        event = Event()
        event.add("uid", f"{s.number}-{date.key}@coopbid")
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        event.add("dtend", start + date.length)
        event.add("sequence", sequence)
        event.add("summary", f"{date.label}: {s.number} {s.title}")
        event.add("description", f"{date.label} for {s.number} “{s.title}”, issued by "
                                 f"{s.agency.name}.\nDetails and documents: {url}")
        event.add("url", url)
        if date.location:
            event.add("location", date.location)
        event.add("transp", "OPAQUE" if date.blocks_time else "TRANSPARENT")
        if s.status == SolicitationStatus.CANCELLED:
            event.add("status", "CANCELLED")
        calendar.add_component(event)
    return calendar.to_ical()
