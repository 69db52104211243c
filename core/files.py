"""The one way a stored user file leaves the platform, after a view has authorized the request.

    return serve_file(request, version.file, filename=version.file_name, inline=True)

- The Content-Type comes from the extension of the *stored* name (the platform chose it when the
  file was checked on upload), never from what the uploader said or from the bytes.
- Every file goes out as an attachment, except an image or a PDF the calling view asks to show
  inline; `inline=True` for any other type is ignored.
- Always `X-Content-Type-Options: nosniff` and a sandboxing Content-Security-Policy, so a hostile
  file opened in the browser can run nothing in the platform's origin.
- `framed=True` (a PDF shown in an <iframe> of the platform's own page): the response gets
  `FRAMED_PDF_POLICY` instead — no `sandbox`, which makes Chromium refuse to show a PDF, but nothing
  may load from it either, and only this site may frame it (`frame-ancestors 'self'`; the view adds
  `X-Frame-Options: SAMEORIGIN` for that response alone, the site's default stays DENY). Only for
  a PDF: any other type keeps the sandbox.
- `serve_generated` hands out bytes a view made (a chart as PNG or SVG) with the same headers.
- With `FILES_ACCEL_REDIRECT_PREFIX` set (production behind nginx, see deploy/nginx.conf) the view
  answers with an empty body and `X-Accel-Redirect: <prefix><stored name>`; nginx, which alone may
  read that `internal` location, sends the bytes (with range requests, so videos seek). Empty
  (the default, development and tests): the file is streamed by Django, which answers a single
  `Range: bytes=…` request with 206 and just those bytes (416 when it lies past the end), so an
  uploaded lesson video seeks with `make run` too; several ranges at once get the whole file (RFC 9110
  allows it).
- With the media in a bucket (STORAGE_URL, core/storage.py) the view answers 302 to a signed URL of the
  object that lives STORAGE_URL's `expire` seconds (300 by default) and makes the store answer with this
  module's Content-Type, Content-Disposition and Cache-Control; the store serves ranges itself. The
  bytes then come from the store's origin, never the platform's, so a hostile file can run nothing
  here even without the sandbox header, which a store cannot send (decision 0361). The redirect itself
  is `no-store`: a signed URL is not kept past its life.
"""

import mimetypes
import re
from urllib.parse import quote

from django.conf import settings
from django.contrib.admin.widgets import AdminFileWidget
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header

from .storage import is_object_storage

INLINE_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp"})
SANDBOX_POLICY = "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox"
FRAMED_PDF_POLICY = "default-src 'none'; object-src 'self'; frame-ancestors 'self'"
CACHE_CONTROL = "private, max-age=3600"

# Python's own table only (not the machine's /etc/mime.types), so every machine answers alike; plus
# the office formats teachers upload, which that table lacks in Python 3.11.
_TYPES = mimetypes.MimeTypes(filenames=())
for _type, _extension in (
    ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
    ("application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx"),
    ("application/vnd.oasis.opendocument.text", ".odt"),
    ("application/vnd.oasis.opendocument.spreadsheet", ".ods"),
    ("application/vnd.oasis.opendocument.presentation", ".odp"),
    ("image/webp", ".webp"),
    ("video/webm", ".webm"),
):
    _TYPES.add_type(_type, _extension)


def content_type_of(name: str) -> str:
    """The type a stored name stands for; text as UTF-8 (the platform writes its text files so)."""
    guessed, encoding = _TYPES.guess_type(name.lower(), strict=False)
    if guessed is None or encoding is not None:
        return "application/octet-stream"
    return f"{guessed}; charset=utf-8" if guessed.startswith("text/") else guessed


def stored_extension(fieldfile) -> str:
    """The extension of the stored name (chosen by the platform), for a download's file name."""
    name = fieldfile.name or ""
    return name.rsplit(".", 1)[-1].lower() if "." in name.rsplit("/", 1)[-1] else "bin"


_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
_CHUNK = 64 * 1024


class RangeNotSatisfiable(Exception):
    pass


def byte_range(header: str, size: int) -> tuple[int, int] | None:
    """(first, last) byte of a single `Range: bytes=` request within `size`, None for no usable range
    (absent, malformed or several: the whole file is sent); RangeNotSatisfiable past the end."""
    match = _RANGE.match((header or "").strip())
    if not match or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if first == "":  # the last N bytes
        length = int(last)
        if length == 0:
            raise RangeNotSatisfiable
        return max(size - length, 0), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or (last and int(last) < start):
        raise RangeNotSatisfiable
    return start, end


def _read(handle, start: int, length: int):
    try:
        handle.seek(start)
        while length > 0:
            chunk = handle.read(min(_CHUNK, length))
            if not chunk:
                break
            length -= len(chunk)
            yield chunk
    finally:
        handle.close()


def _streamed(request, fieldfile, content_type: str) -> HttpResponseBase:
    try:
        handle = fieldfile.storage.open(fieldfile.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    size = fieldfile.storage.size(fieldfile.name)
    try:
        wanted = byte_range(request.headers.get("Range", ""), size)
    except RangeNotSatisfiable:
        handle.close()
        response: HttpResponseBase = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    if wanted is None:
        response = FileResponse(handle, content_type=content_type)
    else:
        first, last = wanted
        response = StreamingHttpResponse(
            _read(handle, first, last - first + 1), status=206, content_type=content_type
        )
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
        response["Content-Length"] = str(last - first + 1)
    response["Accept-Ranges"] = "bytes"
    return response


def _accel_prefix() -> str:
    return getattr(settings, "FILES_ACCEL_REDIRECT_PREFIX", "") or ""


def serve_file(
    request, fieldfile, *, filename: str, inline: bool = False, framed: bool = False
) -> HttpResponseBase:
    """The response that hands `fieldfile` to the requester; Http404 when nothing is stored."""
    if not fieldfile or not fieldfile.name:
        raise Http404
    content_type = content_type_of(fieldfile.name)
    as_attachment = not (inline and content_type in INLINE_TYPES)
    disposition = content_disposition_header(as_attachment, filename)
    storage = fieldfile.storage
    if is_object_storage(storage):
        return _signed_redirect(fieldfile, content_type, disposition)
    prefix = _accel_prefix()
    if prefix:
        if not fieldfile.storage.exists(fieldfile.name):
            raise Http404
        response: HttpResponseBase = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(fieldfile.name)
    else:
        response = _streamed(request, fieldfile, content_type)
    if disposition:  # None only for an inline file without a name
        response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    shown_framed = framed and not as_attachment and content_type == "application/pdf"
    response["Content-Security-Policy"] = FRAMED_PDF_POLICY if shown_framed else SANDBOX_POLICY
    response["Cache-Control"] = CACHE_CONTROL
    return response


def _signed_redirect(fieldfile, content_type: str, disposition: str | None) -> HttpResponseBase:
    storage = fieldfile.storage
    if not storage.exists(fieldfile.name):
        raise Http404
    answer = {"ResponseContentType": content_type, "ResponseCacheControl": CACHE_CONTROL}
    if disposition:
        answer["ResponseContentDisposition"] = disposition
    response = HttpResponseRedirect(storage.signed_url(fieldfile.name, response=answer))
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def public_file_redirect(storage, name: str) -> HttpResponseBase:
    """A public file (pdplatform/media.py) kept in a bucket: a fresh signed URL to show it inline."""
    if not storage.exists(name):
        raise Http404
    content_type = content_type_of(name)
    answer = {"ResponseContentType": content_type, "ResponseCacheControl": "public, max-age=3600"}
    if content_type not in INLINE_TYPES:
        answer["ResponseContentDisposition"] = "attachment"
    response = HttpResponseRedirect(storage.signed_url(name, response=answer))
    # Browsers may reuse the redirect a little while; the signed URL it names lives longer than this.
    response["Cache-Control"] = "public, max-age=60"
    return response


def serve_generated(content: bytes | str, *, filename: str, content_type: str) -> HttpResponse:
    """Bytes the platform made for the requester (a chart as PNG or SVG) as a download, with the same
    headers as a stored file; never cached, since the figures change as responses arrive."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename) or ""  # never None for one
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX_POLICY
    response["Cache-Control"] = "private, no-store"
    return response


class _Linked:
    """A stored file as the admin's file widget shows it, linked to the view that serves it."""

    def __init__(self, fieldfile, url: str):
        self.fieldfile, self.url = fieldfile, url

    def __str__(self) -> str:
        return str(self.fieldfile)

    def __bool__(self) -> bool:
        return bool(self.fieldfile)


class AuthorizedFileWidget(AdminFileWidget):
    """The admin's file input whose "Currently" link is the authorizing view, not the storage URL
    (which answers 404). `url_for(instance, fieldfile)` gives that view's URL."""

    def __init__(self, url_for, attrs=None):
        super().__init__(attrs)
        self.url_for = url_for

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        instance = getattr(value, "instance", None)
        if context["widget"]["is_initial"] and instance is not None and instance.pk is not None:
            context["widget"]["value"] = _Linked(value, self.url_for(instance, value))
        return context
