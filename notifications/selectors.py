"""Reads of notifications, always scoped to the person they belong to."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, IntegerField, Model, QuerySet, Value, When

from .kinds import KINDS, Delivery, all_kinds, get_kind
from .models import Notification, NotificationPreference, SentRecord


def notifications_for(*, user) -> QuerySet[Notification]:
    """The user's own notifications, unread first, newest first within each group."""
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    unread_first = Case(
        When(read_at__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return Notification.objects.filter(recipient=user).order_by(unread_first, "-created_at", "-id")


def unread_count_for(*, user) -> int:
    """One COUNT query on a partial index (the navigation badge)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def delivery_for(*, user, kind: str) -> str:
    """The user's choice for a kind, or the kind's default."""
    chosen = (
        NotificationPreference.objects.filter(user=user, kind=kind).values_list("delivery", flat=True).first()
    )
    if chosen:
        return chosen
    known = get_kind(kind)
    return known.default_delivery if known else Delivery.IMMEDIATELY


def deliveries_for_users(*, user_ids, kind: str) -> dict[int, str]:
    """{user_id: delivery} for many recipients of one kind, in one query."""
    known = get_kind(kind)
    default = known.default_delivery if known else Delivery.IMMEDIATELY
    chosen = dict(
        NotificationPreference.objects.filter(user_id__in=list(user_ids), kind=kind).values_list(
            "user_id", "delivery"
        )
    )
    return {uid: chosen.get(uid, default) for uid in user_ids}


def preferences_for(*, user) -> list[tuple]:
    """[(kind, delivery)] for every registered kind, in one query."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    return [(kind, chosen.get(kind.code, kind.default_delivery)) for kind in all_kinds()]


def kind_label(code: str) -> str:
    known = KINDS.get(code)
    return str(known.label) if known else code


def sent_record_keys(*, kind: str, content_type_id: int, object_ids, steps) -> set[tuple[int, int, str]]:
    """(recipient_id, object_id, step) already recorded for these objects: one query, lets a sweep skip them."""
    return set(
        SentRecord.objects.filter(
            kind=kind, content_type_id=content_type_id, object_id__in=list(object_ids), step__in=list(steps)
        ).values_list("recipient_id", "object_id", "step")
    )


def sent_records_about(*, kind: str, obj: Model) -> QuerySet[SentRecord]:
    """Every reminder of `kind` recorded about one object (any recipient, any step): for "who was reminded"."""
    return SentRecord.objects.filter(
        kind=kind, content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    )
