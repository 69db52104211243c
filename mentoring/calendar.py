"""Mentoring meetings as calendar entries (all-day: a meeting has a date, not a time); core.ical
writes the .ics. The notes stay out of the feed: they are the pair's private record."""

from datetime import timedelta
from urllib.parse import urljoin

from django.urls import reverse
from django.utils.translation import gettext as _

from core.ical import CalendarEntry


def meeting_entry(meeting, *, user, base_url: str) -> CalendarEntry:
    pair = meeting.pair
    other = pair.mentee if pair.mentor_id == user.pk else pair.mentor
    return CalendarEntry(
        key=f"mentoring-meeting-{meeting.pk}",
        summary=_("%(kind)s with %(person)s") % {"kind": meeting.get_kind_display(), "person": other},
        start=meeting.date,
        end=meeting.date + timedelta(days=1),
        sequence=meeting.sequence,
        description=meeting.get_status_display(),
        url=urljoin(base_url, reverse("mentoring:pair_detail", args=[pair.pk])),
        categories=(_("Mentoring"),),
    )
