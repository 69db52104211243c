"""Live sessions and assignment deadlines as calendar entries; core.ical writes the .ics."""

from datetime import timedelta
from urllib.parse import urljoin

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from core.ical import CalendarEntry

from .models import Cohort, LiveSession


def live_session_entry(session: LiveSession, *, base_url: str, cohort_url: str) -> CalendarEntry:
    """The join link is the location; the recording, once linked, goes into the description.
    Sessions are scheduled in the site's zone (TIME_ZONE), so that zone is the entry's zone."""
    lines = []
    if session.link:
        lines.append(_("Join: %(url)s") % {"url": session.link})
    if session.recording_url:
        lines.append(_("Recording: %(url)s") % {"url": session.recording_url})
    return CalendarEntry(
        key=f"live-session-{session.pk}",
        summary=f"{session.title} · {session.cohort.title}",
        start=session.starts_at,
        end=session.starts_at + timedelta(minutes=session.duration_minutes),
        sequence=session.sequence,
        time_zone=settings.TIME_ZONE,
        description="\n".join(lines),
        location=session.link,
        url=urljoin(base_url, cohort_url),
        categories=(_("Live session"),),
    )


def deadline_entry(assignment, cohort: Cohort, *, base_url: str, assignment_url: str) -> CalendarEntry:
    """An all-day entry on the due day (the cohort's start + the assignment's due days). Its version
    is the sum of both counters: moving the cohort or editing the assignment each raises it."""
    due = cohort.starts_on + timedelta(days=assignment.due_days)
    return CalendarEntry(
        key=f"assignment-{assignment.pk}-cohort-{cohort.pk}",
        summary=_("Due: %(assignment)s · %(cohort)s")
        % {"assignment": assignment.title, "cohort": cohort.title},
        start=due,
        end=due + timedelta(days=1),
        sequence=assignment.sequence + cohort.sequence,
        url=urljoin(base_url, assignment_url),
        categories=(_("Assignment deadline"),),
    )


def teacher_entries(calendar, *, base_url: str) -> list[CalendarEntry]:
    """From a `selectors.calendar_for_teacher` result; entries link to the person's own pages."""
    entries = []
    for session in calendar.sessions:
        url = reverse("cohorts:player", args=[calendar.enrollment_ids[session.cohort_id]])
        entries.append(live_session_entry(session, base_url=base_url, cohort_url=url))
    for assignment, cohort in calendar.deadlines:
        url = reverse("cohorts:assignment", args=[calendar.enrollment_ids[cohort.pk], assignment.pk])
        entries.append(deadline_entry(assignment, cohort, base_url=base_url, assignment_url=url))
    return entries


def cohort_entries(*, cohort: Cohort, sessions, deadlines, base_url: str) -> list[CalendarEntry]:
    url = reverse("cohorts:curate_cohort", args=[cohort.pk])
    entries = [live_session_entry(s, base_url=base_url, cohort_url=url) for s in sessions]
    entries += [deadline_entry(a, c, base_url=base_url, assignment_url=url) for a, c in deadlines]
    return entries
