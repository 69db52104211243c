"""Reminder rules used by the tests (and imported by a real worker from its dotted path)."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from notifications.reminders import Reminder, reminder_rule

PREFIX = "remind-"


@reminder_rule(kind="deadline_reminder")
def due_for_test_users(now):
    """Every user whose email starts with "remind-" is due the "3d" and "1d" steps about themself."""
    for user in User.objects.filter(email__startswith=PREFIX).order_by("pk").iterator(chunk_size=200):
        for step in ("3d", "1d"):
            yield Reminder(
                recipient=user,
                obj=user,
                step=step,
                title=format_lazy("{} {}: {}", _("Yes"), step, user.email),
                body="Deadline soon",
                url="/cabinet/",
            )


def not_a_rule(now):
    return []
