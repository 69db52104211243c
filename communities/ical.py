"""iCalendar (RFC 5545) text for one event or a community's feed, written by hand with care:
CRLF line ends, lines folded at 75 octets, TEXT values escaped, times in UTC (no VTIMEZONE needed)."""

from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import urljoin

from django.urls import reverse
from django.utils import timezone

PRODID = "-//pdplatform//communities//EN"


def escape_text(value: str) -> str:
    value = (value or "").replace("\r\n", "\n").replace("\r", "\n")
    value = "".join(ch for ch in value if ch == "\n" or ch == "\t" or ord(ch) >= 32)
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """Split a content line into chunks of at most 75 octets, never inside a UTF-8 character."""
    out, current, size = [], "", 0
    for ch in line:
        width = len(ch.encode("utf-8"))
        limit = 75 if not out else 74  # continuation lines start with a space
        if size + width > limit:
            out.append(current)
            current, size = "", 0
        current += ch
        size += width
    out.append(current)
    return "\r\n ".join(out)


def utc(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _event_lines(event, base_url: str, host: str, with_link: bool) -> list[str]:
    url = urljoin(base_url, reverse("communities:event", args=[event.pk]))
    description = event.description or ""
    if event.online_url and with_link:
        description = f"{description}\n\n{event.online_url}".strip()
    if event.recording_url:
        description = f"{description}\n\n{event.recording_url}".strip()
    lines = [
        "BEGIN:VEVENT",
        f"UID:community-event-{event.pk}@{host}",
        f"DTSTAMP:{utc(timezone.now())}",
        f"DTSTART:{utc(event.starts_at)}",
        f"DTEND:{utc(event.ends_at)}",
        f"SEQUENCE:{event.sequence}",
        f"SUMMARY:{escape_text(event.title)}",
        f"URL:{url}",
    ]
    if description:
        lines.append(f"DESCRIPTION:{escape_text(description)}")
    location = event.place or (event.online_url if with_link else "")
    if location:
        lines.append(f"LOCATION:{escape_text(location)}")
    lines.append("END:VEVENT")
    return lines


def calendar(events: Iterable, *, name: str, base_url: str, registered_ids: Iterable[int] = ()) -> str:
    """The join link goes only into events the person registered for (as on the event page)."""
    registered = set(registered_ids)
    host = base_url.split("//", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "pdplatform"
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-WR-CALNAME:{escape_text(name)}"]
    for event in events:
        lines.extend(_event_lines(event, base_url, host, with_link=event.pk in registered))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
