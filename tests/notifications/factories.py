import factory

from notifications.models import Notification, NotificationPreference
from tests.factories import UserFactory


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    kind = "review_done"
    title = factory.Sequence(lambda n: f"Notification {n}")
    body = "Some text"
    url = "/cabinet/"


class PreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NotificationPreference

    user = factory.SubFactory(UserFactory)
    kind = "review_done"
    delivery = "off"
