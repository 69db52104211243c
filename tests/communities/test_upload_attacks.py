"""Attacks on community attachments: markup and polyglots are refused with a clear message and nothing
is stored; an accepted file keeps the type and extension read from its content, never from its name."""

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from communities import services
from communities.models import Attachment, Topic
from communities.services import CommunityError
from tests import upload_samples as samples

from .factories import CommunityFactory, member

pytestmark = pytest.mark.django_db


def _stored_files(settings) -> list[str]:
    root = settings.MEDIA_ROOT / "communities"
    return sorted(name for _, _, names in os.walk(root) for name in names) if root.exists() else []


@pytest.mark.parametrize(("name", "content"), samples.MARKUP + [samples.PNG_THEN_HTML])
def test_markup_and_polyglots_are_refused_and_nothing_is_stored(settings, name, content):
    club = CommunityFactory()
    author = member(club)
    with pytest.raises(CommunityError) as exc:
        services.topic_create(
            community=club,
            author=author,
            title="T topic",
            body="x text",
            files=[SimpleUploadedFile(name, content)],
        )
    assert exc.value.messages == [
        f"The file “{name}” looks like a web page, an SVG picture or an XML document; such files are not accepted."
    ]
    assert Topic.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert _stored_files(settings) == []


@pytest.mark.parametrize(("sample", "display_name"), samples.HOSTILE_NAMES)
def test_an_accepted_file_keeps_the_checked_type_and_a_cleaned_name(sample, display_name):
    name, content = sample
    club = CommunityFactory()
    author = member(club)
    material = services.material_create(
        community=club,
        author=author,
        title="M",
        description="d",
        files=[SimpleUploadedFile(name, content, content_type="text/html")],
    )
    attachment = material.attachments.get()
    assert (attachment.content_type, attachment.extension, attachment.is_image) == (
        "application/pdf",
        "pdf",
        False,
    )
    assert attachment.original_name == display_name
    base, extension = os.path.splitext(os.path.basename(attachment.file.name))
    assert extension == ".pdf" and len(base) == 32


def test_an_oversize_file_is_refused_with_the_limit(settings):
    settings.COMMUNITIES_MAX_UPLOAD_SIZE = 1024 * 1024
    club = CommunityFactory()
    author = member(club)
    with pytest.raises(CommunityError) as exc:
        services.topic_create(
            community=club,
            author=author,
            title="T topic",
            body="x text",
            files=[SimpleUploadedFile("big.pdf", samples.PDF + b" " * (1024 * 1024))],
        )
    assert exc.value.messages == ["The file “big.pdf” is too large (the limit is 1.0\xa0MB)."]
    assert Attachment.objects.count() == 0
    assert _stored_files(settings) == []


def test_an_image_is_checked_by_decoding_it():
    club = CommunityFactory()
    author = member(club)
    broken = SimpleUploadedFile("photo.png", samples.PNG[:40])
    with pytest.raises(CommunityError) as exc:
        services.topic_create(community=club, author=author, title="T topic", body="x text", files=[broken])
    assert exc.value.messages == ["The image “photo.png” is damaged or is not a real image."]
    topic = services.topic_create(
        community=club,
        author=author,
        title="T topic",
        body="x text",
        files=[SimpleUploadedFile("photo.gif", samples.PNG)],
    )
    attachment = Attachment.objects.get(post__topic=topic)
    assert (attachment.content_type, attachment.extension, attachment.is_image) == ("image/png", "png", True)
    assert attachment.original_name == "photo.png"
