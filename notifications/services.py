"""Every write about notifications: send, read, prefer, unsubscribe, mail, digest, remind once.

Other apps call `notification_send` (one person), `notification_send_many` (many people, one
message) and `reminder_send_once` (a reminder step that must go out exactly once). Mail leaves
through Celery tasks queued on commit; each mail is sent under a row lock and stamped in the same
transaction, so two workers never send the same mail, and a mail lost between commit and queue
(a crash) is sent by the recovery sweep.

One file: the notifications app's one door for other apps; sending, preferences, unsubscribing, mail,
digests and reminders share the kind and URL checks, the recipient's-language switch and the mail
queueing at the top.
"""

import logging
from collections.abc import Iterable
from datetime import timedelta
from functools import partial
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import markup
from core.i18n import in_language_of, language_of

from .kinds import Delivery, get_kind
from .models import Notification, NotificationPreference, SentRecord
from .reminders import ReminderRule, resolve_rule
from .selectors import deliveries_for_users, delivery_for, kind_label, preferences_for, sent_record_keys

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "notifications.unsubscribe"
DIGEST = "digest"  # the unsubscribe "kind" of the daily digest: every kind currently on digest
DIGEST_LIMIT = 50


class NotificationError(ValidationError):
    """A rule about notifications was broken; the message is shown to the user as is."""


# --- helpers ----------------------------------------------------------------------------------


def absolute_url(path: str) -> str:
    return urljoin(settings.SITE_URL.rstrip("/") + "/", path.lstrip("/")) if path else settings.SITE_URL


def _check_kind(kind: str) -> None:
    """Kinds should be registered (kinds.register_kind) so people can choose how to get them.

    An unregistered kind still goes out with the default delivery (a missing registration must
    not lose a teacher's notification) but is logged so it gets registered.
    """
    if not kind or len(kind) > 50:
        raise NotificationError(_("A notification kind is 1 to 50 characters."))
    if get_kind(kind) is None:
        logger.warning("notifications: kind %r is not registered (notifications.kinds.register_kind)", kind)


def _check_url(url: str) -> str:
    url = url or ""
    if url and (not url.startswith("/") or url.startswith("//")):
        raise NotificationError(_("A notification link must be a path on this site."))
    return url


def _in_language(user, title, body) -> tuple[str, str]:
    """Lazy (translatable) title and body become text in the recipient's language."""
    with in_language_of(user):
        title_text = " ".join(str(title).split())[:255]
        body_text = str(body or "")
    if not title_text:
        raise NotificationError(_("A notification needs a title."))
    return title_text, body_text


def _queue_email(notification_id: int) -> None:
    from .tasks import send_notification_email  # tasks imports this module

    send_notification_email.delay(notification_id)


# --- sending ----------------------------------------------------------------------------------


def notification_send(
    *, recipient, kind: str, title, body="", url: str = "", dedupe_key: str | None = None, body_html: str = ""
) -> Notification | None:
    """Tell one person something.

    `body` is plain text (the in-site list shows it as written); `body_html`, when given, is the message
    as HTML for the mail (a forum post's rendering): it is sanitized here again with the site's one
    allow-list (core/markup.py), whoever the caller, and the mail's text part is made from it.

    The in-site notification is always created unless the person turned the kind off; the email
    goes out right after commit when they chose "immediately" (a digest kind waits for the daily
    digest). With a `dedupe_key`, a second call with the same key for the same person creates
    nothing and returns None (the unique constraint decides, even under concurrency).
    """
    _check_kind(kind)
    url = _check_url(url)
    delivery = delivery_for(user=recipient, kind=kind)
    if delivery == Delivery.OFF:
        return None
    title_text, body_text = _in_language(recipient, title, body)
    fields = {
        "kind": kind,
        "title": title_text,
        "body": body_text,
        "url": url,
        "delivery": delivery,
        "body_html": markup.sanitize(body_html) if body_html else "",
    }
    with transaction.atomic():
        if dedupe_key:
            notification, created = Notification.objects.get_or_create(
                recipient=recipient, dedupe_key=dedupe_key[:200], defaults=fields
            )
            if not created:
                return None
        else:
            notification = Notification.objects.create(recipient=recipient, **fields)
        if delivery == Delivery.IMMEDIATELY:
            transaction.on_commit(partial(_queue_email, notification.pk))
    return notification


def notification_withdraw_text(*, dedupe_prefix: str) -> int:
    """The text of what was sent about something that no longer exists (a deleted forum post) is taken
    out of the notifications keyed `dedupe_prefix…`: the title and link stay, body and HTML are emptied
    (the in-site list, and a digest not yet mailed, show nothing of it). Returns how many were changed."""
    if not dedupe_prefix:
        raise ValueError("a prefix is needed")
    return (
        Notification.objects.filter(dedupe_key__startswith=dedupe_prefix)
        .exclude(body="", body_html="")
        .update(body="", body_html="")
    )


def notification_send_many(*, recipients: Iterable, kind: str, title, body="", url: str = "") -> int:
    """One message to many people (an announcement to a cohort): constant queries, one row each.

    Returns how many notifications were created (people who turned the kind off get none).
    """
    _check_kind(kind)
    url = _check_url(url)
    people = list(recipients)
    deliveries = deliveries_for_users(user_ids=[p.pk for p in people], kind=kind)
    texts: dict[str, tuple[str, str]] = {}
    rows = []
    for person in people:
        delivery = deliveries[person.pk]
        if delivery == Delivery.OFF:
            continue
        lang = language_of(person)
        if lang not in texts:
            texts[lang] = _in_language(person, title, body)
        title_text, body_text = texts[lang]
        rows.append(
            Notification(
                recipient=person, kind=kind, title=title_text, body=body_text, url=url, delivery=delivery
            )
        )
    with transaction.atomic():
        created = Notification.objects.bulk_create(rows, batch_size=500)
        mail_ids = [n.pk for n in created if n.delivery == Delivery.IMMEDIATELY]
        for notification_id in mail_ids:
            transaction.on_commit(partial(_queue_email, notification_id))
    return len(created)


# --- reading ----------------------------------------------------------------------------------


def notification_mark_read(*, notification: Notification) -> Notification:
    """Mark one notification read (idempotent: the first read time stays)."""
    if notification.read_at is None:
        now = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.read_at = now
    return notification


def notification_mark_all_read(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


# --- preferences and unsubscribe --------------------------------------------------------------


def preference_set(*, user, kind: str, delivery: str) -> NotificationPreference:
    _check_kind(kind)
    if delivery not in Delivery.values:
        raise NotificationError(_("Unknown delivery choice."))
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, kind=kind, defaults={"delivery": delivery}
    )
    return preference


@transaction.atomic
def preferences_save(*, user, choices: dict[str, str]) -> None:
    """Save the whole preferences form at once (all or nothing)."""
    for kind, delivery in choices.items():
        preference_set(user=user, kind=kind, delivery=delivery)


def unsubscribe_token(*, user, kind: str) -> str:
    """A signed, login-free token naming one person and one kind (or the daily digest)."""
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign_object({"u": user.pk, "k": kind})


def unsubscribe_read(*, token: str) -> tuple:
    """(user, kind) from a token; a tampered or unknown token raises NotificationError."""
    try:
        data = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)
        user_id, kind = int(data["u"]), str(data["k"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise NotificationError(_("This unsubscribe link is not valid.")) from exc
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise NotificationError(_("This unsubscribe link is not valid."))
    return user, kind


@transaction.atomic
def unsubscribe_apply(*, token: str) -> tuple:
    """Turn the kind named by the token off for its person (the digest link: every digest kind)."""
    user, kind = unsubscribe_read(token=token)
    if kind == DIGEST:
        for known, delivery in preferences_for(user=user):
            if delivery == Delivery.DIGEST:
                preference_set(user=user, kind=known.code, delivery=Delivery.OFF)
    else:
        preference_set(user=user, kind=kind, delivery=Delivery.OFF)
    return user, kind


# --- mail -------------------------------------------------------------------------------------


def _unsubscribe_headers(url: str) -> dict[str, str]:
    # RFC 8058: a mail client may POST "List-Unsubscribe=One-Click" to the URL; no login needed.
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def _message(
    *, user, subject: str, template: str, context: dict, unsubscribe_kind: str
) -> EmailMultiAlternatives:
    unsubscribe_url = absolute_url(
        reverse("notifications:unsubscribe", args=[unsubscribe_token(user=user, kind=unsubscribe_kind)])
    )
    with in_language_of(user):
        context = {
            **context,
            "user": user,
            "site_url": settings.SITE_URL,
            "unsubscribe_url": unsubscribe_url,
            "preferences_url": absolute_url(reverse("notifications:preferences")),
            "list_url": absolute_url(reverse("notifications:list")),
            "kind_label": kind_label(unsubscribe_kind) if unsubscribe_kind != DIGEST else _("Daily digest"),
        }
        subject = " ".join(str(subject).split())
        text = render_to_string(f"notifications/email/{template}.txt", context)
        html = render_to_string(f"notifications/email/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=subject, body=text, to=[user.email], headers=_unsubscribe_headers(unsubscribe_url)
    )
    message.attach_alternative(html, "text/html")
    return message


def notification_email_deliver(*, notification_id: int) -> bool:
    """Mail one "immediately" notification, once.

    The row is locked (others skip it) while the mail is sent and stamped in the same transaction:
    a second task for the same id finds it stamped or locked and does nothing. If the send fails
    the stamp rolls back and the task retries.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient")
            .filter(pk=notification_id, emailed_at__isnull=True, delivery=Delivery.IMMEDIATELY)
            .first()
        )
        if notification is None:
            return False
        user = notification.recipient
        if user.is_active and user.email:
            _message(
                user=user,
                subject=notification.title,
                template="notification",
                context={
                    "notification": notification,
                    "link": absolute_url(reverse("notifications:open", args=[notification.pk])),
                    # a post as HTML in the HTML part, as plain text in the text part; links work from a mail
                    "body_html": markup.absolute_urls(notification.body_html, base_url=settings.SITE_URL),
                    "body_text": markup.plain_text(notification.body_html, base_url=settings.SITE_URL)
                    if notification.body_html
                    else notification.body,
                },
                unsubscribe_kind=notification.kind,
            ).send()
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True


def digest_recipient_ids() -> list[int]:
    return list(
        Notification.objects.filter(delivery=Delivery.DIGEST, emailed_at__isnull=True, read_at__isnull=True)
        .order_by()
        .values_list("recipient_id", flat=True)
        .distinct()
    )


def digest_deliver(*, user_id: int) -> int:
    """One mail with the person's unread digest notifications; each is mailed in one digest only.

    Returns how many notifications the mail carried (0: nothing to send, or another worker has them).
    """
    with transaction.atomic():
        items = list(
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                recipient_id=user_id, delivery=Delivery.DIGEST, emailed_at__isnull=True, read_at__isnull=True
            )
            .order_by("created_at", "id")[:DIGEST_LIMIT]
        )
        if not items:
            return 0
        user = get_user_model().objects.get(pk=user_id)
        if user.is_active and user.email:
            with in_language_of(user):
                subject = ngettext(
                    "Your daily digest: %(count)d new notification",
                    "Your daily digest: %(count)d new notifications",
                    len(items),
                ) % {"count": len(items)}
                groups: dict[str, list[Notification]] = {}
                for item in items:
                    groups.setdefault(item.kind, []).append(item)
                sections = [
                    {
                        "label": kind_label(code),
                        "items": [
                            (n, absolute_url(reverse("notifications:open", args=[n.pk]))) for n in group
                        ],
                        "unsubscribe_url": absolute_url(
                            reverse(
                                "notifications:unsubscribe", args=[unsubscribe_token(user=user, kind=code)]
                            )
                        ),
                    }
                    for code, group in groups.items()
                ]
            _message(
                user=user,
                subject=subject,
                template="digest",
                context={"sections": sections, "count": len(items)},
                unsubscribe_kind=DIGEST,
            ).send()
        Notification.objects.filter(pk__in=[n.pk for n in items]).update(emailed_at=timezone.now())
    return len(items)


# --- reminders, exactly once ------------------------------------------------------------------


def reminder_send_once(*, recipient, kind: str, obj, step: str, title, body="", url: str = "") -> bool:
    """Send the reminder `step` about `obj` to `recipient` once in the life of the platform.

    1. Record (recipient, kind, object, step) as pending — the unique constraint lets one caller
       win; every other (a beat that fired twice, a retry, a second worker) gets False here.
    2. Deliver it and mark it sent in one transaction (`sent_record_deliver`).
    A crash between 1 and 2 leaves it pending: the recovery sweep delivers it later.
    Returns True when this call recorded the reminder.
    """
    _check_kind(kind)
    url = _check_url(url)
    title_text, body_text = _in_language(recipient, title, body)
    content_type = ContentType.objects.get_for_model(obj)
    try:
        with transaction.atomic():
            record = SentRecord.objects.create(
                recipient=recipient,
                kind=kind,
                content_type=content_type,
                object_id=obj.pk,
                step=str(step)[:50],
                title=title_text,
                body=body_text,
                url=url,
            )
    except IntegrityError:
        return False
    sent_record_deliver(record_id=record.pk)
    return True


def sent_record_deliver(*, record_id: int) -> bool:
    """Deliver a pending reminder record and mark it sent, in one transaction under a row lock.

    A record someone else is delivering right now is locked and skipped; one already sent is left
    alone. The notification carries the record in its dedupe key, so it exists at most once.
    """
    with transaction.atomic():
        record = (
            SentRecord.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient")
            .filter(pk=record_id, state=SentRecord.State.PENDING)
            .first()
        )
        if record is None:
            return False
        notification = notification_send(
            recipient=record.recipient,
            kind=record.kind,
            title=record.title,
            body=record.body,
            url=record.url,
            dedupe_key=f"reminder:{record.pk}",
        )
        record.state = SentRecord.State.SENT
        record.sent_at = timezone.now()
        record.notification = notification
        record.save(update_fields=["state", "sent_at", "notification"])
    return True


def reminder_rule_run(*, rule: "str | ReminderRule", now=None, batch_size: int = 500) -> int:
    """Run a reminder rule and send what it yields, each reminder once. Returns how many were sent now."""
    rule = resolve_rule(rule)
    now = now or timezone.now()
    sent = 0
    batch = []
    for reminder in rule(now):
        batch.append(reminder)
        if len(batch) >= batch_size:
            sent += _send_batch(rule, batch)
            batch = []
    if batch:
        sent += _send_batch(rule, batch)
    return sent


def _send_batch(rule: ReminderRule, batch: list) -> int:
    by_type: dict[int, list] = {}
    for reminder in batch:
        content_type = ContentType.objects.get_for_model(reminder.obj)
        by_type.setdefault(content_type.pk, []).append(reminder)
    sent = 0
    for content_type_id, reminders in by_type.items():
        done = sent_record_keys(
            kind=rule.kind,
            content_type_id=content_type_id,
            object_ids={r.obj.pk for r in reminders},
            steps={str(r.step) for r in reminders},
        )
        for r in reminders:
            if (r.recipient.pk, r.obj.pk, str(r.step)) in done:
                continue  # a cheap skip; the unique constraint is what guarantees "once"
            sent += reminder_send_once(
                recipient=r.recipient,
                kind=rule.kind,
                obj=r.obj,
                step=r.step,
                title=r.title,
                body=r.body,
                url=r.url,
            )
    return sent


def pending_recover(*, older_than_minutes: int | None = None, limit: int = 500) -> dict[str, int]:
    """Crash recovery: deliver reminder records left pending, and re-queue "immediately" mails that never left.

    Only work older than `older_than_minutes` is touched (newer work is probably still in flight;
    the row locks make an overlap harmless anyway). Mails older than a day are not retried.
    """
    minutes = (
        settings.NOTIFICATIONS_RECOVER_AFTER_MINUTES if older_than_minutes is None else older_than_minutes
    )
    now = timezone.now()
    cutoff = now - timedelta(minutes=minutes)
    record_ids = list(
        SentRecord.objects.filter(state=SentRecord.State.PENDING, created_at__lte=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    delivered = sum(sent_record_deliver(record_id=pk) for pk in record_ids)
    mail_ids = list(
        Notification.objects.filter(
            delivery=Delivery.IMMEDIATELY,
            emailed_at__isnull=True,
            created_at__lte=cutoff,
            created_at__gte=now - timedelta(days=1),
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    for notification_id in mail_ids:
        _queue_email(notification_id)
    if delivered or mail_ids:
        logger.warning("notifications: recovered %s reminders and %s mails", delivered, len(mail_ids))
    return {"reminders": delivered, "mails": len(mail_ids)}
