"""Calendar feeds: one private address per person with everything that has a time for them, and one
per cohort for the people who run it. The address carries a secret (calendar apps cannot sign in);
only its hash is stored (accounts.CalendarFeed), so the full address is shown once, when it is made.
Every entry comes from the apps' scoped selectors; core.ical writes the .ics."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from accounts.selectors import calendar_feed_of, calendar_feed_owner
from accounts.services import calendar_feed_renew, calendar_feed_revoke
from cohorts import calendar as cohort_calendar
from cohorts import selectors as cohort_selectors
from communities import ical as community_calendar
from communities import selectors as community_selectors
from core.ical import calendar_render, calendar_response
from mentoring import calendar as mentoring_calendar
from mentoring import selectors as mentoring_selectors

ONCE_KEY = "calendar_feed_token_once"


def _owner_or_404(token: str):
    user = calendar_feed_owner(token=token)
    if user is None:
        raise Http404
    return user


def personal_entries(*, user, base_url: str) -> list:
    teacher = cohort_selectors.calendar_for_teacher(user=user)
    entries = cohort_calendar.teacher_entries(teacher, base_url=base_url)
    entries += [
        community_calendar.event_entry(e, base_url=base_url, with_link=True)
        for e in community_selectors.events_registered_by(user)
    ]
    entries += [
        mentoring_calendar.meeting_entry(m, user=user, base_url=base_url)
        for m in mentoring_selectors.meetings_for_calendar(user=user)
    ]
    return entries


def personal_feed(request, token):
    """Live sessions (join link, recording afterwards), deadlines, registered community events and
    mentoring meetings of the address's owner — in their language. 404 for any other secret."""
    user = _owner_or_404(token)
    base_url = request.build_absolute_uri("/")
    with translation.override(user.preferred_language):
        body = calendar_render(
            personal_entries(user=user, base_url=base_url), name=_("My training calendar"), base_url=base_url
        )
    return calendar_response(body)


def cohort_feed(request, token, cohort_id):
    """A cohort's sessions and deadlines for its curators; 404 for a cohort the owner does not run."""
    user = _owner_or_404(token)
    cohort = cohort_selectors.calendar_cohort_for_curator(user=user, cohort_id=cohort_id)
    if cohort is None:
        raise Http404
    base_url = request.build_absolute_uri("/")
    with translation.override(user.preferred_language):
        entries = cohort_calendar.cohort_entries(
            cohort=cohort,
            sessions=cohort_selectors.calendar_sessions_for_cohort(cohort=cohort),
            deadlines=cohort_selectors.calendar_deadlines_for_cohort(cohort=cohort),
            base_url=base_url,
        )
        body = calendar_render(entries, name=cohort.title, base_url=base_url)
    return calendar_response(body)


@never_cache
@login_required
def calendar_page(request):
    """The person's feed: whether it is on, and — once, right after it is made — its addresses."""
    token = request.session.pop(ONCE_KEY, "")
    return render(
        request,
        "calendar/feed.html",
        {
            "feed": calendar_feed_of(request.user),
            "token": token,
            "cohorts": list(cohort_selectors.calendar_cohorts_curated(user=request.user)) if token else [],
        },
    )


@never_cache
@login_required
def calendar_renew(request):
    """GET asks for confirmation (a renewal stops the old address); POST makes the new one."""
    feed = calendar_feed_of(request.user)
    if request.method == "POST":
        request.session[ONCE_KEY] = calendar_feed_renew(user=request.user)
        messages.success(
            request, _("Your new calendar address is ready. Copy it now: it is shown only once.")
        )
        return redirect("calendar")
    if feed is None:
        return redirect("calendar")
    return render(request, "calendar/confirm.html", {"action": "renew", "feed": feed})


@never_cache
@login_required
def calendar_revoke(request):
    feed = calendar_feed_of(request.user)
    if request.method == "POST":
        if calendar_feed_revoke(user=request.user):
            messages.success(
                request,
                _("Your calendar address is turned off. Calendars subscribed to it get nothing more."),
            )
        return redirect("calendar")
    if feed is None:
        return redirect("calendar")
    return render(request, "calendar/confirm.html", {"action": "revoke", "feed": feed})
