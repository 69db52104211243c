"""Uploads: the type is read from the file's content (magic bytes), not from its name or header.

Only images, PDF and office documents are accepted; an executable renamed to .pdf is refused. The
stored name is generated (see models.attachment_path); the uploaded name is kept as display text.
"""

import os
import unicodedata
import zipfile

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_SIZE = getattr(settings, "COMMUNITIES_MAX_UPLOAD_SIZE", 10 * 1024 * 1024)

# content type read from the bytes → (extension we store, is an image)
IMAGE_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp"}
DOCUMENT_TYPES = {
    "application/pdf": "pdf",
    "application/msword": "doc",
    "application/vnd.ms-excel": "xls",
    "application/vnd.ms-powerpoint": "ppt",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
}
# OOXML and ODF are zip files; which one is decided by what the archive holds.
_OOXML_MARKERS = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
_ODF_MIMETYPES = {
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OLE_BY_EXTENSION = {".doc": "application/msword", ".xls": "application/vnd.ms-excel",
                     ".ppt": "application/vnd.ms-powerpoint"}


class UploadRefused(ValidationError):
    pass


def _zip_office_type(upload) -> str | None:
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                return mimetype if mimetype in _ODF_MIMETYPES else None
            if "[Content_Types].xml" in names:
                for prefix, mime in _OOXML_MARKERS.items():
                    if any(name.startswith(prefix) for name in names):
                        return mime
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    finally:
        upload.seek(0)
    return None


def clean_display_name(name: str) -> str:
    """The uploaded name as display text only: no path, no control characters, bounded length."""
    name = os.path.basename(str(name).replace("\\", "/"))
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    return (name or "file")[:200]


def inspect_upload(upload) -> tuple[str, str, bool]:
    """(content_type, extension, is_image) judged by content; raises UploadRefused otherwise."""
    if upload.size > MAX_SIZE:
        raise UploadRefused(
            _("The file “%(name)s” is too large (the limit is %(limit)d MB).")
            % {"name": clean_display_name(upload.name), "limit": MAX_SIZE // (1024 * 1024)}
        )
    if upload.size == 0:
        raise UploadRefused(_("The file is empty."))
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    mime = kind.mime if kind else None
    if mime in IMAGE_TYPES:
        return mime, IMAGE_TYPES[mime], True
    if mime == "application/pdf":
        return mime, "pdf", False
    if mime == "application/zip" or head[:4] == b"PK\x03\x04":
        office = _zip_office_type(upload)
        if office:
            return office, DOCUMENT_TYPES[office], False
    if head[:8] == _OLE_MAGIC:
        ext = os.path.splitext(clean_display_name(upload.name))[1].lower()
        office = _OLE_BY_EXTENSION.get(ext, "application/msword")
        return office, DOCUMENT_TYPES[office], False
    raise UploadRefused(
        _("The file “%(name)s” is not an image, PDF or office document.") % {"name": clean_display_name(upload.name)}
    )
