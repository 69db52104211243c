"""core/files.py: the headers every served user file carries, in both modes."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models.fields.files import FieldFile, FileField
from django.http import Http404
from django.test import RequestFactory

from core.files import FRAMED_PDF_POLICY, SANDBOX_POLICY, content_type_of, serve_file


def _stored(name: str, content: bytes) -> FieldFile:
    saved = default_storage.save(name, ContentFile(content))
    field = FileField()
    field.storage = default_storage
    return FieldFile(None, field, saved)


def test_a_hostile_page_is_never_shown_inline_and_runs_in_a_sandbox():
    stored = _stored("x/page.html", b"<script>alert(1)</script>")
    response = serve_file(RequestFactory().get("/"), stored, filename="report.pdf", inline=True)
    assert response["Content-Type"] == "text/html; charset=utf-8"  # from the stored name, not the filename
    assert response["Content-Disposition"] == 'attachment; filename="report.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == SANDBOX_POLICY


def test_an_image_asked_inline_is_inline_and_a_non_ascii_name_is_encoded():
    stored = _stored("x/photo.png", b"\x89PNG\r\n\x1a\n")
    response = serve_file(RequestFactory().get("/"), stored, filename="Фото урока.png", inline=True)
    assert response["Content-Type"] == "image/png"
    assert (
        response["Content-Disposition"]
        == "inline; filename*=utf-8''%D0%A4%D0%BE%D1%82%D0%BE%20%D1%83%D1%80%D0%BE%D0%BA%D0%B0.png"
    )
    assert b"".join(response.streaming_content) == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("name", "policy"),
    [
        ("x/plan.pdf", FRAMED_PDF_POLICY),  # a PDF shown in the platform's own frame
        ("x/photo.png", SANDBOX_POLICY),  # anything else asked framed keeps the sandbox
        ("x/page.html", SANDBOX_POLICY),
    ],
)
def test_only_a_pdf_asked_framed_leaves_the_sandbox_and_only_this_site_may_frame_it(name, policy):
    stored = _stored(name, b"%PDF-1.4\n")
    response = serve_file(RequestFactory().get("/"), stored, filename="plan.pdf", inline=True, framed=True)
    assert response["Content-Security-Policy"] == policy
    assert "frame-ancestors 'self'" in FRAMED_PDF_POLICY and "sandbox" not in FRAMED_PDF_POLICY


def test_behind_nginx_the_body_is_left_to_the_internal_location(settings):
    settings.FILES_ACCEL_REDIRECT_PREFIX = "/protected-files/"
    stored = _stored("cohorts/submissions/a b.pdf", b"%PDF-1.4")
    response = serve_file(RequestFactory().get("/"), stored, filename="work.pdf")
    assert response.content == b""
    assert response["X-Accel-Redirect"] == "/protected-files/cohorts/submissions/a%20b.pdf"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="work.pdf"'


@pytest.mark.parametrize("prefix", ["", "/protected-files/"])
def test_a_missing_or_empty_file_is_404(settings, prefix):
    settings.FILES_ACCEL_REDIRECT_PREFIX = prefix
    field = FileField()
    field.storage = default_storage
    with pytest.raises(Http404):
        serve_file(RequestFactory().get("/"), FieldFile(None, field, "gone/nothing.pdf"), filename="x.pdf")
    with pytest.raises(Http404):
        serve_file(RequestFactory().get("/"), FieldFile(None, field, ""), filename="x.pdf")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a.XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("a.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("a.webm", "video/webm"),
        ("a.csv", "text/csv; charset=utf-8"),
        ("a.tar.gz", "application/octet-stream"),
        ("noextension", "application/octet-stream"),
    ],
)
def test_types_come_from_pythons_own_table(name, expected):
    assert content_type_of(name) == expected


VIDEO = bytes(range(256)) * 40  # 10,240 bytes


@pytest.mark.parametrize(
    ("header", "status", "content_range", "body"),
    [
        ("bytes=0-99", 206, "bytes 0-99/10240", VIDEO[:100]),
        ("bytes=10000-", 206, "bytes 10000-10239/10240", VIDEO[10000:]),
        ("bytes=-40", 206, "bytes 10200-10239/10240", VIDEO[-40:]),
        ("bytes=10200-99999", 206, "bytes 10200-10239/10240", VIDEO[10200:]),
        ("bytes=0-0", 206, "bytes 0-0/10240", VIDEO[:1]),
    ],
)
def test_a_video_is_served_by_byte_ranges_so_it_seeks(header, status, content_range, body):
    stored = _stored("lessons/v.mp4", VIDEO)
    response = serve_file(RequestFactory().get("/", HTTP_RANGE=header), stored, filename="v.mp4")
    assert response.status_code == status
    assert response["Content-Range"] == content_range
    assert response["Content-Length"] == str(len(body))
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Type"] == "video/mp4"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == body


@pytest.mark.parametrize("header", ["bytes=10240-", "bytes=99999-100000", "bytes=-0", "bytes=50-10"])
def test_a_range_past_the_end_is_416_with_the_size(header):
    stored = _stored("lessons/v.mp4", VIDEO)
    response = serve_file(RequestFactory().get("/", HTTP_RANGE=header), stored, filename="v.mp4")
    assert response.status_code == 416
    assert response["Content-Range"] == "bytes */10240"
    assert response.content == b""


@pytest.mark.parametrize("header", ["", "bytes=0-1,5-9", "items=0-5", "bytes=abc", "bytes=-"])
def test_no_usable_range_sends_the_whole_file(header):
    stored = _stored("lessons/v.mp4", VIDEO)
    response = serve_file(RequestFactory().get("/", HTTP_RANGE=header), stored, filename="v.mp4")
    assert response.status_code == 200
    assert response["Accept-Ranges"] == "bytes"
    assert b"".join(response.streaming_content) == VIDEO
