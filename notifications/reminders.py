"""Reminder rules: what is due now, declared by the app that owns the objects.

An app writes, e.g. in cohorts/reminders.py::

    @reminder_rule(kind="deadline_reminder")
    def deadline_soon(now):
        for assignment, teacher, step in ...:          # what is due now (a query, batched)
            yield Reminder(recipient=teacher, obj=assignment, step=step,   # "3d" / "1d"
                           title=format_lazy(_("Due soon: {}"), assignment.title), url=assignment_url)

and a beat entry (in settings.CELERY_BEAT_SCHEDULE) runs it through the shared task::

    {"task": "notifications.tasks.reminder_sweep", "schedule": crontab(minute="*/15"),
     "args": ["cohorts.reminders.deadline_soon"]}

A rule only says what is due; `reminder_rule_run` records every (recipient, kind, object, step)
under the unique constraint before sending, so a rule may yield the same reminder on every run,
two sweeps may overlap, and each reminder still goes out exactly once. Titles may be lazy
translations: they are rendered in each recipient's language.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Model
from django.utils.functional import Promise
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Reminder:
    recipient: Model
    obj: Model
    step: str
    title: str | Promise
    body: str | Promise = ""
    url: str = ""


class ReminderRule:
    """A function `(now) -> Iterable[Reminder]` declared with its notification kind."""

    def __init__(self, func: Callable[[datetime], Iterable[Reminder]], kind: str):
        self.func = func
        self.kind = kind
        self.path = f"{func.__module__}.{func.__qualname__}"
        self.__doc__ = func.__doc__

    def __call__(self, now: datetime) -> Iterable[Reminder]:
        return self.func(now)

    def __repr__(self) -> str:
        return f"<ReminderRule {self.path} ({self.kind})>"


def reminder_rule(*, kind: str) -> Callable[[Callable], ReminderRule]:
    def wrap(func: Callable[[datetime], Iterable[Reminder]]) -> ReminderRule:
        return ReminderRule(func, kind)

    return wrap


def resolve_rule(rule: "str | ReminderRule") -> ReminderRule:
    """A dotted path from a beat entry → the rule. Only objects declared with @reminder_rule run."""
    if isinstance(rule, ReminderRule):
        return rule
    found = import_string(rule)
    if not isinstance(found, ReminderRule):
        raise TypeError(f"{rule} is not declared with @reminder_rule")
    return found
