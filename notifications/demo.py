"""Demo notifications so the badge and the list have something to show (idempotent: keyed by dedupe keys)."""

from django.urls import reverse
from django.utils import timezone

from .kinds import get_kind
from .models import Notification

# (dedupe key, kind, title, body, link name); titles are Russian like the rest of the demo data.
DEMO = [
    (
        "demo:welcome",
        "announcement",
        "Добро пожаловать на платформу!",
        "Здесь собраны ваши курсы, вопросы кураторам, сообщества и сертификаты.",
        "cabinet",
    ),
    (
        "demo:review",
        "review_done",
        "Куратор проверил вашу работу",
        "«Хорошо продуманный план урока. Добавьте критерии оценивания для групповой работы.»",
        "cabinet",
    ),
    (
        "demo:deadline",
        "deadline_reminder",
        "До срока сдачи задания осталось 3 дня",
        "Задание «Технологическая карта урока» нужно сдать до пятницы.",
        "cabinet",
    ),
    ("demo:community", "community_post", "Новые сообщения в сообществе «Учителя математики»", "", "home"),
]


def seed(people: dict) -> None:
    """A few notifications for the first teachers and curator; no mail goes out for demo data."""
    users = list(people.get("teachers", []))[:3] + list(people.get("curators", []))[:1]
    now = timezone.now()
    for user in users:
        for key, kind, title, body, link in DEMO:
            Notification.objects.get_or_create(
                recipient=user,
                dedupe_key=key,
                defaults={
                    "kind": kind,
                    "title": title,
                    "body": body,
                    "url": reverse(link),
                    "delivery": get_kind(kind).default_delivery,
                    "emailed_at": now,
                },
            )
