"""Community events as calendar entries; the .ics itself is written by core.ical (the one writer)."""

from collections.abc import Iterable
from urllib.parse import urljoin

from django.urls import reverse

from core.ical import CalendarEntry, calendar_render


def event_entry(event, *, base_url: str, with_link: bool) -> CalendarEntry:
    """The join link goes only to people registered for the event (as on the event page)."""
    description = event.description or ""
    if event.online_url and with_link:
        description = f"{description}\n\n{event.online_url}".strip()
    if event.recording_url:
        description = f"{description}\n\n{event.recording_url}".strip()
    return CalendarEntry(
        key=f"community-event-{event.pk}",
        summary=event.title,
        start=event.starts_at,
        end=event.ends_at,
        sequence=event.sequence,
        time_zone=event.time_zone,
        description=description,
        location=event.place or (event.online_url if with_link else ""),
        url=urljoin(base_url, reverse("communities:event", args=[event.pk])),
    )


def calendar(events: Iterable, *, name: str, base_url: str, registered_ids: Iterable[int] = ()) -> bytes:
    registered = set(registered_ids)
    entries = [event_entry(e, base_url=base_url, with_link=e.pk in registered) for e in events]
    return calendar_render(entries, name=name, base_url=base_url)
