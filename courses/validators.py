"""Upload and link checks for course content: size limits and real file types, never the filename alone."""

import filetype
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

MB = 1024 * 1024

http_url_validator = URLValidator(
    schemes=["http", "https"], message=_("Enter a web address that starts with http:// or https://.")
)


@deconstructible
class UploadValidator:
    """Checks an upload's size and sniffs its content (magic bytes) against the allowed MIME types."""

    def __init__(self, max_bytes: int, mime_types: tuple[str, ...], kind: str):
        self.max_bytes = max_bytes
        self.mime_types = tuple(mime_types)
        self.kind = kind

    def __call__(self, value) -> None:
        if value is None or not getattr(value, "name", None):
            return
        # Files already stored (an unchanged field on re-save) were checked when they were uploaded.
        if getattr(value, "_committed", True) and not hasattr(value, "content_type"):
            return
        size = getattr(value, "size", 0) or 0
        if size > self.max_bytes:
            raise ValidationError(
                _("The file is too large (%(size)s); the limit is %(limit)s."),
                code="file_too_large",
                params={"size": filesizeformat(size), "limit": filesizeformat(self.max_bytes)},
            )
        position = value.tell() if hasattr(value, "tell") else 0
        try:
            value.seek(0)
            head = value.read(8192)
        finally:
            value.seek(position)
        guess = filetype.guess(head)
        mime = guess.mime if guess else _text_mime(head)
        if mime not in self.mime_types:
            raise ValidationError(
                _("This file is not an allowed %(kind)s (its content looks like %(found)s)."),
                code="file_type",
                params={"kind": self.kind, "found": mime or _("unknown data")},
            )

    def __eq__(self, other) -> bool:
        return (
            isinstance(other, UploadValidator)
            and (self.max_bytes, self.mime_types, self.kind) == (other.max_bytes, other.mime_types, other.kind)
        )


def _text_mime(head: bytes) -> str:
    """Plain text has no magic bytes: accept UTF-8 text without NUL bytes as text/plain."""
    if not head or b"\x00" in head:
        return ""
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        # A multi-byte character may be cut at the 8 KiB boundary.
        try:
            head[:-3].decode("utf-8")
        except UnicodeDecodeError:
            return ""
    return "text/plain"


IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp")
VIDEO_TYPES = ("video/mp4", "video/webm", "video/x-m4v", "video/quicktime")
MATERIAL_TYPES = (
    "application/pdf",
    "application/zip",  # docx/xlsx/pptx/odt are zip containers; filetype reports some as zip
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
    "application/x-ole-storage",
    "image/jpeg",
    "image/png",
    "audio/mpeg",
    "text/plain",
)

validate_cover_upload = UploadValidator(5 * MB, IMAGE_TYPES, _("image (JPEG, PNG or WebP)"))
validate_video_upload = UploadValidator(500 * MB, VIDEO_TYPES, _("video (MP4 or WebM)"))
validate_material_upload = UploadValidator(
    50 * MB, MATERIAL_TYPES, _("material (PDF, office document, archive, image, audio or text)")
)
