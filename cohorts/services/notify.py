"""One door from cohorts to the notifications app: every cohort notification is sent after commit."""

import logging

from django.db import transaction
from django.utils.functional import Promise

from notifications.services import notification_send

logger = logging.getLogger(__name__)


def notify(
    *,
    recipient,
    kind: str,
    title: str | Promise,
    body: str | Promise = "",
    url: str = "",
    dedupe_key: str | None = None,
    body_html: str = "",
) -> None:
    """Send after the surrounding transaction commits, so a rolled-back change notifies nobody.
    `body_html`: the message as rendered HTML for the mail (an announcement); `body` stays plain text."""

    def send() -> None:
        notification_send(
            recipient=recipient,
            kind=kind,
            title=title,
            body=body,
            url=url,
            dedupe_key=dedupe_key,
            body_html=body_html,
        )

    transaction.on_commit(send)


def lazy_format(message, **params):
    """A translatable message with parameters, rendered later in the recipient's language."""
    from django.utils.functional import lazy

    # `message % params`, not `str(message) % params`: a plural message (ngettext_lazy with a named
    # number) picks its form from the parameters.
    return lazy(lambda: str(message % params) if params else str(message), str)()
