"""Attacks on the certificate template background (uploaded in the admin): markup and polyglots are
refused with a clear message and nothing is stored; an accepted file is stored by what it is."""

import os

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cohorts.certificates.models import CertificateTemplate
from tests import upload_samples as samples

pytestmark = pytest.mark.django_db


def _stored_files(settings) -> list[str]:
    root = settings.MEDIA_ROOT / "cohorts" / "certificate_templates"
    return sorted(os.listdir(root)) if root.exists() else []


@pytest.mark.parametrize(("name", "content"), samples.MARKUP + [samples.PNG_THEN_HTML])
def test_a_markup_background_is_refused_and_nothing_is_stored(settings, name, content):
    template = CertificateTemplate(name="Regional", background=SimpleUploadedFile(name, content))
    with pytest.raises(ValidationError) as exc:
        template.full_clean()
    assert exc.value.message_dict["background"] == [
        f"The file “{name}” looks like a web page, an SVG picture or an XML document; such files are not accepted."
    ]
    assert _stored_files(settings) == []


@pytest.mark.parametrize(
    ("name", "content", "extension"),
    [
        ("../../frame.exe", samples.PDF, ".pdf"),
        ("frame.pdf.html", samples.PNG, ".png"),
    ],
)
def test_a_background_is_stored_by_what_it_is(settings, name, content, extension):
    template = CertificateTemplate(name="Regional", background=SimpleUploadedFile(name, content))
    template.full_clean()
    template.save()
    folder, stored = os.path.split(template.background.name)
    base, found = os.path.splitext(stored)
    assert (folder, found, len(base)) == ("cohorts/certificate_templates", extension, 32)
    assert _stored_files(settings) == [stored]


def test_a_word_document_is_not_a_background():
    template = CertificateTemplate(
        name="Regional", background=SimpleUploadedFile("frame.png", b"just some words\n")
    )
    with pytest.raises(ValidationError) as exc:
        template.full_clean()
    assert exc.value.message_dict["background"] == [
        "“frame.png” is not an accepted file type. Accepted: JPG, PDF, PNG."
    ]
