"""Factories for communities' tests."""

from datetime import timedelta

import factory
from django.utils import timezone

from communities.models import (
    Community,
    CommunityKind,
    Event,
    Material,
    MemberRole,
    Membership,
    MemberState,
    Post,
    Topic,
)
from core import markup
from tests.factories import TeacherFactory


def post_html(text: str) -> str:
    """What the services store for a member's text."""
    return markup.render(text, profile="post")


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    name = factory.Sequence(lambda n: f"Community {n}")
    slug = factory.Sequence(lambda n: f"community-{n}")
    kind = CommunityKind.SUBJECT_CLUB
    is_closed = False
    description = "A place for mathematics teachers."


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    community = factory.SubFactory(CommunityFactory)
    user = factory.SubFactory(TeacherFactory)
    role = MemberRole.MEMBER
    state = MemberState.ACTIVE


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    community = factory.SubFactory(CommunityFactory)
    title = factory.Sequence(lambda n: f"Topic {n}")
    author = factory.SubFactory(TeacherFactory)
    last_post_at = factory.LazyFunction(timezone.now)


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    topic = factory.SubFactory(TopicFactory)
    number = factory.Sequence(lambda n: n + 1)
    author = factory.SubFactory(TeacherFactory)
    body = "Hello **colleagues**"
    body_html = factory.LazyAttribute(lambda o: post_html(o.body))


class MaterialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Material

    community = factory.SubFactory(CommunityFactory)
    author = factory.SubFactory(TeacherFactory)
    title = factory.Sequence(lambda n: f"Lesson plan {n}")
    description = "A lesson about fractions."
    description_html = factory.LazyAttribute(lambda o: post_html(o.description))


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    community = factory.SubFactory(CommunityFactory)
    title = factory.Sequence(lambda n: f"Round table {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    time_zone = "Europe/Moscow"
    created_by = factory.SubFactory(TeacherFactory)


def member(community, user=None, role=MemberRole.MEMBER):
    user = user or TeacherFactory()
    MembershipFactory(community=community, user=user, role=role)
    return user


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
