"""The one upload check: kinds come from the bytes, markup is refused, names are display text only."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.uploads import (
    DOCUMENTS,
    IMAGES,
    KINDS,
    UploadRefused,
    clean_display_name,
    content_type_for,
    inspect_upload,
)
from tests import upload_samples as samples

EVERYTHING = frozenset(KINDS)


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _check(name: str, content: bytes, allowed=EVERYTHING, max_bytes: int = 1024 * 1024):
    return inspect_upload(SimpleUploadedFile(name, content), allowed=allowed, max_bytes=max_bytes)


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (5, 5), (0, 90, 200)).save(buffer, format="JPEG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "extension", "content_type"),
    [
        (
            "letter.doc",
            _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}),
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "sheet",
            _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}),
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (
            "text.zip",
            _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>"}),
            "odt",
            "application/vnd.oasis.opendocument.text",
        ),
        (
            "site.zip",
            _zip({"index.html": b"<html><script>alert(1)</script></html>"}),
            "zip",
            "application/zip",
        ),
        (
            "old.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
            + b"\x00" * 600
            + "WordDocument".encode("utf-16-le")
            + b"\x00\x00",
            "doc",
            "application/msword",
        ),
        ("photo.jpeg", _jpeg(), "jpg", "image/jpeg"),
        ("notes.md", "# План\n".encode() + "дроби ".encode() * 2000, "txt", "text/plain; charset=utf-8"),
    ],
)
def test_kinds_are_read_from_the_content(name, content, extension, content_type):
    checked = _check(name, content)
    assert (checked.extension, checked.content_type) == (extension, content_type)


def test_display_names_are_text_with_the_true_extension():
    pdf = KINDS["pdf"]
    assert clean_display_name("../../etc/passwd.pdf", pdf) == "passwd.pdf"
    assert clean_display_name("..\\..\\x.pdf", pdf) == "x.pdf"
    assert clean_display_name("work.pdf.html", pdf) == "work.pdf"
    assert clean_display_name("x.exe", pdf) == "x.pdf"
    assert clean_display_name("..", pdf) == "file.pdf"
    assert clean_display_name("report\u202efdp.exe", pdf) == "reportfdp.pdf"  # no right-to-left override
    assert clean_display_name("a\x00b\nc.PDF", pdf) == "abc.PDF"
    assert clean_display_name("photo.jpeg", KINDS["jpg"]) == "photo.jpeg"
    long = clean_display_name("я" * 300 + ".pdf", pdf)
    assert (len(long), long[-4:]) == (200, ".pdf")


def test_refusals_say_why():
    with pytest.raises(UploadRefused) as exc:
        _check("empty.pdf", b"")
    assert exc.value.messages == ["The file “empty.pdf” is empty."]
    with pytest.raises(UploadRefused) as exc:
        _check("run.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 64, allowed=DOCUMENTS)
    assert exc.value.messages[0].startswith(
        "“run.pdf” is not an accepted file type. Accepted: DOC, DOCX, ODP,"
    )
    with pytest.raises(UploadRefused) as exc:
        _check("doc.png", samples.PDF, allowed=IMAGES)
    assert exc.value.messages == ["“doc.png” is not an accepted file type. Accepted: GIF, JPG, PNG, WEBP."]
    with pytest.raises(UploadRefused) as exc:
        _check("cut.png", samples.PNG[:-20], allowed=IMAGES)
    assert exc.value.messages == ["The image “cut.png” is damaged or is not a real image."]


@pytest.mark.parametrize(
    ("name", "content"),
    samples.MARKUP
    + [
        samples.PNG_THEN_HTML,
        ("page.pdf", b"   \n<!doctype html><title>x</title>"),
        ("bom.txt", b"\xef\xbb\xbf<svg/onload=alert(1)>"),
        ("later.txt", b"plain words\n" * 20 + b"<script>alert(1)</script>"),
        ("photo.jpg", _jpeg()[:200] + b"<iframe src=//evil>" + _jpeg()[200:]),
    ],
)
def test_markup_anywhere_in_the_first_kilobytes_is_refused(name, content):
    with pytest.raises(UploadRefused) as exc:
        _check(name, content)
    assert exc.value.code == "file_markup"


def test_content_type_for_a_stored_name_comes_from_its_checked_extension():
    assert content_type_for("cohorts/submissions/0a1b.pdf") == "application/pdf"
    assert content_type_for("communities/2026/12/0a1b.txt") == "text/plain; charset=utf-8"
    assert content_type_for("old/upload.html") == "application/octet-stream"
    assert content_type_for("noextension") == "application/octet-stream"
