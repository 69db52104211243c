"""The one iCalendar (RFC 5545) writer: every .ics the platform serves is built here with the
`icalendar` package from plain `CalendarEntry` values that the apps' selectors produce.

- UIDs are stable (`<kind>-<pk>@<host>`) and SEQUENCE comes from a version counter on the source
  row, so a calendar app replaces an entry when it changes instead of adding a second one.
- Timed entries are written in the event's own zone (`DTSTART;TZID=Europe/Moscow:…`) and the
  calendar carries a VTIMEZONE for each zone used; deadlines and meetings that have only a date
  are all-day entries (VALUE=DATE, no zone).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from icalendar import Calendar, Event

PRODID = "-//pdplatform//calendar//EN"
CONTENT_TYPE = "text/calendar; charset=utf-8"


@dataclass(frozen=True)
class CalendarEntry:
    """One VEVENT. `start`/`end` are aware datetimes (shown in `time_zone`) or dates (all-day)."""

    key: str  # stable per source row, e.g. "live-session-12"; becomes the UID with the host
    summary: str
    start: datetime | date
    end: datetime | date | None = None
    sequence: int = 0
    time_zone: str = ""
    description: str = ""
    location: str = ""
    url: str = ""
    categories: tuple[str, ...] = field(default_factory=tuple)


def calendar_host(base_url: str) -> str:
    return urlsplit(base_url).hostname or "pdplatform"


def _in_zone(value, zone_name: str):
    if isinstance(value, datetime):
        return value.astimezone(ZoneInfo(zone_name or settings.TIME_ZONE))
    return value


def _event(entry: CalendarEntry, *, host: str, stamp: datetime) -> Event:
    end = entry.end
    if end is None:
        end = entry.start + timedelta(days=1) if not isinstance(entry.start, datetime) else entry.start
    event = Event.new(
        uid=f"{entry.key}@{host}",
        summary=entry.summary,
        start=_in_zone(entry.start, entry.time_zone),
        end=_in_zone(end, entry.time_zone),
        sequence=entry.sequence,
        stamp=stamp,
        description=entry.description or None,
        location=entry.location or None,
        url=entry.url or None,
        categories=entry.categories,
    )
    return event


def calendar_render(entries: Iterable[CalendarEntry], *, name: str, base_url: str) -> bytes:
    """The whole calendar as bytes (CRLF, folded, escaped by the library), with VTIMEZONEs added."""
    host = calendar_host(base_url)
    stamp = timezone.now().replace(microsecond=0)
    cal = Calendar.new(name=name, prodid=PRODID, method="PUBLISH", calscale="GREGORIAN")
    for entry in entries:
        cal.add_component(_event(entry, host=host, stamp=stamp))
    cal.add_missing_timezones()
    return cal.to_ical()


def calendar_response(body: bytes, *, filename: str = "") -> HttpResponse:
    """Every .ics the platform serves leaves through here: one content type, no caching by proxies
    (a feed address is a secret), an attachment name only for one-off downloads."""
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    response["Cache-Control"] = "private, no-store"
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def sequence_bump_on_change(*, form, fields: Iterable[str]) -> None:
    """Before an edited row is saved (admin forms): a change to one of `fields` — what a calendar
    shows — raises its `sequence` by one, so subscribed calendars replace the entry."""
    if form.instance.pk and set(form.changed_data) & set(fields):
        form.instance.sequence += 1
