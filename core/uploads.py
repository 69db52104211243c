"""The one upload check: what a file is comes from its bytes, never from its name or the browser's header.

`inspect_upload(upload, allowed=..., max_bytes=...)` reads the signature (the `filetype` library, the
archive directory for office files, Pillow for images), refuses markup — web pages, SVG, XML and
polyglots such as a PDF signature followed by HTML — and returns a `CheckedUpload` with the extension
and content type we store and serve. `CheckedFileField` stores every new file as `<random>.<extension
read from the content>`, whoever saves it (a service, the admin, a shell), so no stored name carries
anything the user typed. `UploadCheck` is the same check as a model-field validator, for files that
arrive through ModelForms (the authoring admin). Serving code asks `content_type_for(stored_name)`.
See docs/decisions/0121-uploads-stored-by-what-they-are.md.
"""

from __future__ import annotations

import logging
import os
import re
import unicodedata
import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

import filetype
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.fields.files import FieldFile
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from .storage import STORAGE_ERRORS

logger = logging.getLogger(__name__)

HEAD_BYTES = 8192


@dataclass(frozen=True)
class Kind:
    extension: str  # the one we store under
    content_type: str  # the one we serve with
    is_image: bool = False
    names: tuple[str, ...] = ()  # other extensions people give such files (kept in the display name)


_KIND_LIST = [
    Kind("jpg", "image/jpeg", True, ("jpeg", "jpe")),
    Kind("png", "image/png", True),
    Kind("gif", "image/gif", True),
    Kind("webp", "image/webp", True),
    Kind("pdf", "application/pdf"),
    Kind("rtf", "application/rtf"),
    Kind("doc", "application/msword"),
    Kind("xls", "application/vnd.ms-excel"),
    Kind("ppt", "application/vnd.ms-powerpoint"),
    Kind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    Kind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    Kind("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    Kind("odt", "application/vnd.oasis.opendocument.text"),
    Kind("ods", "application/vnd.oasis.opendocument.spreadsheet"),
    Kind("odp", "application/vnd.oasis.opendocument.presentation"),
    Kind("zip", "application/zip"),
    Kind("txt", "text/plain; charset=utf-8", names=("text", "md", "csv", "log")),
    Kind("mp3", "audio/mpeg"),
    Kind("mp4", "video/mp4"),
    Kind("m4v", "video/x-m4v"),
    Kind("mov", "video/quicktime", names=("qt",)),
    Kind("webm", "video/webm"),
]
KINDS: dict[str, Kind] = {kind.extension: kind for kind in _KIND_LIST}

IMAGES = frozenset({"jpg", "png", "gif", "webp"})
OFFICE = frozenset({"rtf", "doc", "xls", "ppt", "docx", "xlsx", "pptx", "odt", "ods", "odp"})
DOCUMENTS = OFFICE | {"pdf"}
VIDEOS = frozenset({"mp4", "m4v", "mov", "webm"})

# What browsers look for when they sniff a page (WHATWG MIME sniffing), plus SVG and XML: a file
# whose first bytes hold one of these could run script if it were ever rendered, whatever it claims.
_HTML_MARKERS = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|script|iframe|object|embed|svg)[\s/>]", re.IGNORECASE
)
# Text is also refused when it is XML of any kind (an XML document may carry script or a stylesheet).
_XML_MARKER = re.compile(rb"<\?xml[\s?]", re.IGNORECASE)
# Archives are only ever downloaded; their stored members may hold web pages legitimately.
_NOT_SCANNED = frozenset({"zip"})

_FILETYPE_TO_KIND = {
    "jpg": "jpg",
    "png": "png",
    "gif": "gif",
    "webp": "webp",
    "pdf": "pdf",
    "rtf": "rtf",
    "doc": "doc",
    "xls": "xls",
    "ppt": "ppt",
    "mp3": "mp3",
    "mp4": "mp4",
    "m4v": "m4v",
    "mov": "mov",
    "webm": "webm",
}
_PILLOW_FORMAT = {"jpg": "JPEG", "png": "PNG", "gif": "GIF", "webp": "WEBP"}
_OOXML_PREFIXES = {"word/": "docx", "xl/": "xlsx", "ppt/": "pptx"}
_ODF_MIMETYPES = {KINDS[ext].content_type: ext for ext in ("odt", "ods", "odp")}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The stream that names an OLE file's application, as stored in its directory (UTF-16LE).
_OLE_STREAMS = [("WordDocument", "doc"), ("Workbook", "xls"), ("Book", "xls"), ("PowerPoint Document", "ppt")]


class UploadRefused(ValidationError):
    """The upload is not accepted; the message says why in the user's language."""


class StorageUnavailable(UploadRefused):
    """The file store did not take the file (unreachable, refusing): nothing was stored."""


def storage_unavailable() -> StorageUnavailable:
    return StorageUnavailable(
        _(
            "The file could not be stored: the file storage does not answer. Nothing was saved; please try again in a few minutes."
        ),
        code="storage_unavailable",
    )


@dataclass(frozen=True)
class CheckedUpload:
    kind: Kind
    display_name: str  # the user's name as display text: no path, no control characters, true extension
    size: int

    @property
    def extension(self) -> str:
        return self.kind.extension

    @property
    def content_type(self) -> str:
        return self.kind.content_type

    @property
    def is_image(self) -> bool:
        return self.kind.is_image


def clean_display_name(name: str, kind: Kind | None = None) -> str:
    """The uploaded name as display text only: the last path part, no control or direction characters,
    bounded length; with `kind`, it ends in that kind's extension ("x.exe" holding a PDF → "x.pdf")."""
    name = unicodedata.normalize("NFC", str(name or "")).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().lstrip(".").strip()
    name = name or "file"
    if kind is not None:
        accepted = {kind.extension, *kind.names}
        stem, extension = os.path.splitext(name)
        if extension[1:].lower() not in accepted:
            name = (
                stem
                if stem and os.path.splitext(stem)[1][1:].lower() in accepted
                else f"{stem or name}.{kind.extension}"
            )
    if len(name) > 200:
        stem, extension = os.path.splitext(name)
        name = stem[: 200 - len(extension)] + extension
    return name


def content_type_for(name: str) -> str:
    """The content type to serve a stored file with, from the extension the check gave it."""
    kind = KINDS.get(os.path.splitext(str(name))[1][1:].lower())
    return kind.content_type if kind else "application/octet-stream"


def _read_head(upload) -> bytes:
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    return head


def _zip_kind(upload) -> str | None:
    """Office formats are zip archives; which one is decided by what the archive directory holds."""
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                return _ODF_MIMETYPES.get(mimetype, "zip")
            if "[Content_Types].xml" in names:
                for prefix, extension in _OOXML_PREFIXES.items():
                    if any(name.startswith(prefix) for name in names):
                        return extension
            return "zip"
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, KeyError, ValueError, RuntimeError):
        return None
    finally:
        upload.seek(0)


def _ole_kind(upload) -> str | None:
    """Old office files share one container; the directory names the application's stream."""
    upload.seek(0)
    tail = b""
    try:
        while chunk := upload.read(1024 * 1024):
            data = tail + chunk
            for stream, extension in _OLE_STREAMS:
                if stream.encode("utf-16-le") + b"\x00\x00" in data:
                    return extension
            tail = data[-64:]
    finally:
        upload.seek(0)
    return None


def _is_text(head: bytes, complete: bool) -> bool:
    if not head or b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character may be cut at the end of a full block.
        if complete or exc.start < len(head) - 3:
            return False
    return True


def detect_kind(upload) -> Kind | None:
    """What the bytes are, with no policy: None for anything we do not know."""
    head = _read_head(upload)
    if head[:4] == b"PK\x03\x04":
        extension = _zip_kind(upload)
    elif head[:8] == _OLE_MAGIC:
        guess = filetype.guess(head)
        extension = _FILETYPE_TO_KIND.get(guess.extension) if guess else None
        extension = extension or _ole_kind(upload)
    else:
        guess = filetype.guess(head)
        if guess is not None:
            extension = _FILETYPE_TO_KIND.get(guess.extension)
        else:
            extension = "txt" if _is_text(head, complete=len(head) < HEAD_BYTES) else None
    return KINDS[extension] if extension else None


def _looks_like_markup(upload, kind: Kind | None) -> bool:
    if kind is not None and kind.extension in _NOT_SCANNED:
        return False
    head = _read_head(upload)
    if kind is None or kind.extension == "txt":
        # Text whose first character opens a tag is markup of some sort (HTML, SVG, XML).
        if head.lstrip(b"\xef\xbb\xbf \t\r\n\x0c").startswith(b"<") or _XML_MARKER.search(head):
            return True
    return _HTML_MARKERS.search(head) is not None


def _is_real_image(upload, kind: Kind) -> bool:
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            if image.format != _PILLOW_FORMAT[kind.extension]:
                return False
            image.verify()
        return True
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return False
    finally:
        upload.seek(0)


def _size(upload) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, os.SEEK_END)
        size = upload.tell()
        upload.seek(0)
    return int(size)


def inspect_upload(upload, *, allowed: Iterable[str], max_bytes: int) -> CheckedUpload:
    """Accept the upload if its content is one of the `allowed` kinds (extensions in KINDS) and it is
    at most `max_bytes`; raise UploadRefused with a message for the user otherwise."""
    allowed = frozenset(allowed)
    shown = clean_display_name(getattr(upload, "name", ""))
    size = _size(upload)
    if size > max_bytes:
        raise UploadRefused(
            _("The file “%(name)s” is too large (the limit is %(limit)s).")
            % {"name": shown, "limit": filesizeformat(max_bytes)},
            code="file_too_large",
        )
    if size == 0:
        raise UploadRefused(_("The file “%(name)s” is empty.") % {"name": shown}, code="file_empty")
    kind = detect_kind(upload)
    if _looks_like_markup(upload, kind):
        raise UploadRefused(
            _(
                "The file “%(name)s” looks like a web page, an SVG picture or an XML document; such files are not accepted."
            )
            % {"name": shown},
            code="file_markup",
        )
    if kind is None or kind.extension not in allowed:
        raise UploadRefused(
            _("“%(name)s” is not an accepted file type. Accepted: %(kinds)s.")
            % {"name": shown, "kinds": ", ".join(sorted(ext.upper() for ext in allowed))},
            code="file_type",
        )
    if kind.is_image and not _is_real_image(upload, kind):
        raise UploadRefused(
            _("The image “%(name)s” is damaged or is not a real image.") % {"name": shown}, code="file_broken"
        )
    return CheckedUpload(kind=kind, display_name=clean_display_name(shown, kind), size=size)


@deconstructible
class UploadCheck:
    """`inspect_upload` as a model-field validator, for files that arrive through ModelForms."""

    def __init__(self, *, allowed: Iterable[str], max_bytes: int):
        self.allowed = tuple(sorted(allowed))
        self.max_bytes = max_bytes

    def __call__(self, value) -> None:
        if not value:
            return
        if isinstance(value, FieldFile):
            if value._committed:  # type: ignore[attr-defined]  # Django's own flag, absent from django-stubs
                return  # nothing new: a stored file was checked when it was uploaded
            value = value.file
        inspect_upload(value, allowed=self.allowed, max_bytes=self.max_bytes)

    def __eq__(self, other) -> bool:
        return isinstance(other, UploadCheck) and (self.allowed, self.max_bytes) == (
            other.allowed,
            other.max_bytes,
        )


class CheckedFieldFile(FieldFile):
    def save(self, name, content, save=True):
        kind = detect_kind(content)
        if kind is None or _looks_like_markup(content, kind):
            # Callers check first (inspect_upload / UploadCheck); this is the floor under them.
            raise UploadRefused(_("This file cannot be stored."), code="file_type")
        try:  # the object is written first; the row that points to it is saved after (or not at all)
            super().save(f"{uuid.uuid4().hex}.{kind.extension}", content, save=False)
        except STORAGE_ERRORS as exc:
            logger.warning("upload: the storage did not take %s", self.field, exc_info=True)
            raise storage_unavailable() from exc
        if save:
            self.instance.save()


class CheckedFileField(models.FileField):
    """A FileField that stores each new file as <upload_to>/<random hex>.<extension read from the content>."""

    attr_class = CheckedFieldFile
