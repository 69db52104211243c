"""The kinds of notification the product sends, with a translatable label and a default delivery.

Every app registers its kinds here (`register_kind("review_done", _("Your work was reviewed"))`);
the preferences page lists them, the unsubscribe link names one, and `notification_send` refuses a
kind nobody registered (a typo would otherwise create notifications no preference can silence).
"""

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Delivery(models.TextChoices):
    IMMEDIATELY = "immediately", _("Immediately by email")
    DIGEST = "digest", _("In a daily digest")
    OFF = "off", _("Off")


@dataclass(frozen=True)
class Kind:
    code: str
    label: str | Promise
    default_delivery: str = Delivery.IMMEDIATELY


KINDS: dict[str, Kind] = {}


def register_kind(code: str, label: str | Promise, *, default_delivery: str = Delivery.IMMEDIATELY) -> Kind:
    """Declare a kind (idempotent for the same code; the last label wins, so apps may refine ours)."""
    if default_delivery not in Delivery.values:
        raise ValueError(f"unknown delivery {default_delivery!r}")
    if not code or len(code) > 50:
        raise ValueError("a kind code is 1-50 characters")
    kind = Kind(code=code, label=label, default_delivery=default_delivery)
    KINDS[code] = kind
    return kind


def get_kind(code: str) -> Kind | None:
    return KINDS.get(code)


def all_kinds() -> list[Kind]:
    return list(KINDS.values())


# The kinds the product uses. Apps may re-register theirs with a better label.
register_kind("waitlist_offer", _("A place opened up for you in a cohort"))
register_kind("nomination", _("You were nominated for a course"))
register_kind("nomination_decision", _("A teacher accepted or declined your nomination"))
register_kind("waitlist_offer_expired", _("Your seat offer expired"))
register_kind("review_done", _("Your work was reviewed"))
register_kind("question_answered", _("Your question was answered"))
register_kind("announcement", _("New announcement in your cohort"))
register_kind("feedback_reminder", _("Reminder to fill in a course feedback survey"))
register_kind("survey_reminder", _("Reminder to answer a survey you have not answered yet"))
register_kind("deadline_reminder", _("Assignment deadline is near"))
register_kind("curator_escalation", _("A question or a submission is waiting for an answer"))
register_kind("announcement_unconfirmed", _("Announcements not confirmed by teachers"))
# Registered here, not in cohorts/reminders.py: a web process that never imports the reminder rules
# must still list it in the preferences and name it in the mail footer.
register_kind("announcement_reminder", _("Reminder to confirm that you have read an announcement"))
register_kind("certificate_issued", _("Your certificate was issued"))
register_kind("certificate_changed", _("Your certificate was revoked or re-issued"))
register_kind("community_post", _("New posts in your communities"), default_delivery=Delivery.DIGEST)
register_kind("mention", _("Someone mentioned you"))
register_kind("event_place", _("A place opened up for you at an event"))
register_kind("event_changed", _("An event you registered for has changed"))
# Registered here, not in communities/reminders.py, for the same reason as announcement_reminder.
register_kind("event_reminder", _("Reminder of an event you registered for (a day and an hour before)"))
register_kind("material_feedback", _("Ratings and comments on your materials"))
register_kind("mentoring", _("News from your mentoring pair"))
register_kind("export_ready", _("Your export is ready"))
register_kind("school_move", _("A move to another school was decided"))
register_kind("school_invitation", _("Your school invited you to the platform"))
