"""Event reminders, run by notifications' reminder_sweep from beat (`communities-event-reminders`, every 5 min).

Everyone registered (not waiting) for an event is reminded a day before ("1d": the event starts within the
next 24 hours but more than an hour from now) and an hour before ("1h": within the next hour), each once.
`reminder_send_once` records (person, kind, event, step) under the unique constraint before sending, so a
sweep that runs twice, overlapping sweeps or a retry never send one twice; someone who registers 30 minutes
before gets the "1h" reminder only. The person's notification preferences (kind `event_reminder`) decide
whether it is sent at all and how; the text is rendered in their language.

One query whatever the size: the due registrations with their event and person, read in chunks.
"""

from datetime import timedelta

from django.urls import reverse
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from notifications.reminders import Reminder, reminder_rule

from .models import Registration, RegistrationStatus
from .services import event_when

DAY, HOUR = timedelta(days=1), timedelta(hours=1)

event_when_lazy = lazy(event_when, str)  # the zone's name in the recipient's language


@reminder_rule(kind="event_reminder")
def event_reminders_due(now):
    due = (
        Registration.objects.filter(
            status=RegistrationStatus.REGISTERED, event__starts_at__gt=now, event__starts_at__lte=now + DAY
        )
        .filter(user__is_active=True)
        .select_related("event", "user")
        .order_by("pk")
    )
    for registration in due.iterator(chunk_size=500):
        event = registration.event
        soon = event.starts_at <= now + HOUR
        title = format_lazy(
            _("Starts within an hour: {}") if soon else _("Starts within 24 hours: {}"), event.title
        )
        yield Reminder(
            recipient=registration.user,
            obj=event,
            step="1h" if soon else "1d",
            title=title,
            body=format_lazy(_("The event starts {}."), event_when_lazy(event)),
            url=reverse("communities:event", args=[event.pk]),
        )
