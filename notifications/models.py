"""In-site notifications, per-kind preferences, and the once-only record of every reminder step."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .kinds import Delivery


class Notification(models.Model):
    """One message to one person, shown in the site; `delivery` says how it is mailed (if at all)."""

    class Mail(models.TextChoices):
        IMMEDIATELY = Delivery.IMMEDIATELY.value, Delivery.IMMEDIATELY.label
        DIGEST = Delivery.DIGEST.value, Delivery.DIGEST.label

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=50)
    title = models.CharField(_("title"), max_length=255)
    body = models.TextField(
        _("text"), blank=True
    )  # plain text: the in-site list, the digest, the mail's text part
    # the same message as sanitized HTML (a forum post rendered by core/markup.py) for the mail's HTML part
    body_html = models.TextField(_("text as HTML"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    delivery = models.CharField(
        _("email delivery"), max_length=20, choices=Mail.choices, default=Mail.IMMEDIATELY
    )
    dedupe_key = models.CharField(_("deduplication key"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="notification_dedupe_once",
            ),
            models.CheckConstraint(
                condition=Q(delivery__in=[Delivery.IMMEDIATELY, Delivery.DIGEST]),
                name="notification_delivery_known",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient_recent"),
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"),
            models.Index(
                fields=["created_at"], condition=Q(emailed_at__isnull=True), name="notification_mail_pending"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """A person's choice for one kind; without a row the kind's default applies."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=50)
    delivery = models.CharField(_("delivery"), max_length=20, choices=Delivery.choices)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once_per_kind"),
            models.CheckConstraint(
                condition=Q(delivery__in=Delivery.values), name="notification_preference_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.kind}={self.delivery}"


class SentRecord(models.Model):
    """A reminder step for (recipient, kind, object, step), written BEFORE it is sent.

    The unique constraint makes a second writer (a beat that fired twice, a retried task, a second
    worker) fail to create it, so it never sends. `pending` rows are delivered right after they are
    written; one left pending by a crash is delivered by the recovery sweep, so nothing is lost.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=50)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, verbose_name=_("object type"))
    object_id = models.PositiveBigIntegerField(_("object id"))
    step = models.CharField(_("step"), max_length=50)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    title = models.CharField(_("title"), max_length=255)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    notification = models.ForeignKey(
        Notification,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("notification"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("sent reminder")
        verbose_name_plural = _("sent reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "content_type", "object_id", "step"], name="sent_record_once"
            ),
            models.CheckConstraint(
                condition=Q(state__in=["pending", "sent"]), name="sent_record_state_known"
            ),
            models.CheckConstraint(
                condition=Q(state="pending", sent_at__isnull=True) | Q(state="sent", sent_at__isnull=False),
                name="sent_record_sent_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["created_at"], condition=Q(state="pending"), name="sent_record_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.content_type_id}:{self.object_id}:{self.step} → {self.recipient_id} ({self.state})"
