"""Render a certificate PDF with ReportLab: the template's background, positioned text in the
holder's language (DejaVu, shipped in static/fonts, so Cyrillic renders), and a QR code (drawn as
vector squares from the `qrcode` library's matrix) linking to the public verification page.

Pure rendering: it reads the template's background and returns bytes; nothing is written here.
"""

import io
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import qrcode
from django.conf import settings
from django.utils import formats, translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from .models import DEFAULT_LAYOUT

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts"
PAGE = landscape(A4)
MAX_TEXT_WIDTH = PAGE[0] - 40 * mm


class BackgroundMissing(Exception):
    """The template names a background file that storage does not have (or cannot read)."""


@dataclass(frozen=True)
class CertificateFacts:
    number: str
    holder_name: str
    course_title: str
    hours: int
    starts_on: date
    ends_on: date
    issued_on: date
    language: str
    verify_url: str


@dataclass(frozen=True)
class Background:
    kind: str  # "image" | "pdf" | ""
    data: bytes = b""


def _register_fonts() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(FONT_DIR / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))


def load_background(template) -> Background:
    """Read the template's background once (call before allocating a number: a missing file stops here)."""
    if template is None or not template.background:
        return Background("")
    name = template.background.name
    try:
        with template.background.storage.open(name, "rb") as handle:
            data = handle.read()
    except (FileNotFoundError, OSError) as exc:
        raise BackgroundMissing(name) from exc
    if not data:
        raise BackgroundMissing(name)
    kind = "pdf" if data[:5] == b"%PDF-" else "image"
    return Background(kind, data)


@lru_cache(maxsize=8)
def _image_reader(data: bytes) -> ImageReader:
    return ImageReader(io.BytesIO(data))


def _fit(text: str, font: str, size: float) -> float:
    """Shrink the font until the line fits the page width (long course titles, long names)."""
    while size > 6 and pdfmetrics.stringWidth(text, font, size) > MAX_TEXT_WIDTH:
        size -= 0.5
    return size


def _centred(c: canvas.Canvas, spot, text: str, font: str = FONT) -> None:
    x, y, size = spot
    size = _fit(text, font, float(size))
    c.setFont(font, size)
    c.drawCentredString(x * mm, y * mm, text)


def _left(c: canvas.Canvas, spot, text: str) -> None:
    x, y, size = spot
    c.setFont(FONT, float(size))
    c.drawString(x * mm, y * mm, text)


def _qr(c: canvas.Canvas, spot, url: str) -> None:
    x, y, side = spot
    # A fixed mask: choosing the "best" of eight costs more than the rest of the page; any mask scans.
    code = qrcode.QRCode(border=0, error_correction=qrcode.constants.ERROR_CORRECT_M, mask_pattern=4)
    code.add_data(url)
    code.make(fit=True)
    matrix = code.get_matrix()
    cell = side * mm / len(matrix)
    path = c.beginPath()
    for row_index, row in enumerate(matrix):
        top = y * mm + side * mm - (row_index + 1) * cell
        start = None
        for col_index, dark in enumerate([*row, False]):
            if dark and start is None:
                start = col_index
            elif not dark and start is not None:
                path.rect(x * mm + start * cell, top, (col_index - start) * cell, cell)
                start = None
    c.setFillColorRGB(0, 0, 0)
    c.drawPath(path, stroke=0, fill=1)


def _date(value: date) -> str:
    return formats.date_format(value, "j E Y")


def render_certificate(
    *, facts: CertificateFacts, layout: dict | None, signatures: str, background: Background
) -> bytes:
    """One A4 landscape page; text in `facts.language`."""
    _register_fonts()
    spots = {**DEFAULT_LAYOUT, **{k: v for k, v in (layout or {}).items() if k in DEFAULT_LAYOUT}}
    overlay = io.BytesIO()
    c = canvas.Canvas(overlay, pagesize=PAGE, pageCompression=1)
    c.setTitle(f"{facts.number} {facts.holder_name}")
    c.setAuthor("pdplatform")
    if background.kind == "image":
        c.drawImage(
            _image_reader(background.data), 0, 0, width=PAGE[0], height=PAGE[1], preserveAspectRatio=False
        )
    elif background.kind == "":
        c.setStrokeColorRGB(0.16, 0.33, 0.55)
        c.setLineWidth(2)
        c.rect(10 * mm, 10 * mm, PAGE[0] - 20 * mm, PAGE[1] - 20 * mm)
        c.setLineWidth(0.5)
        c.rect(13 * mm, 13 * mm, PAGE[0] - 26 * mm, PAGE[1] - 26 * mm)
    c.setFillColorRGB(0.1, 0.1, 0.1)
    with translation.override(facts.language):
        _centred(c, spots["title"], _("CERTIFICATE"), FONT_BOLD)
        _centred(c, spots["subtitle"], _("of professional development"))
        _centred(c, spots["name"], facts.holder_name, FONT_BOLD)
        _centred(c, spots["course_intro"], _("has completed the in-service training course"))
        _centred(c, spots["course"], f"«{facts.course_title}»", FONT_BOLD)
        _centred(c, spots["hours"], _("in the amount of %(hours)s academic hours") % {"hours": facts.hours})
        _centred(
            c,
            spots["dates"],
            _("from %(start)s to %(end)s") % {"start": _date(facts.starts_on), "end": _date(facts.ends_on)},
        )
        x, y, size = spots["signatures"]
        for index, line in enumerate(line for line in signatures.splitlines() if line.strip()):
            _centred(c, [x, y - index * (float(size) * 0.9), size], line.strip())
        _left(c, spots["number"], _("No. %(number)s") % {"number": facts.number})
        _left(
            c,
            spots["issued"],
            _("Issued %(date)s · verify: %(url)s")
            % {"date": _date(facts.issued_on), "url": facts.verify_url},
        )
    _qr(c, spots["qr"], facts.verify_url)
    c.showPage()
    c.save()
    if background.kind != "pdf":
        return overlay.getvalue()
    return _onto_pdf(background.data, overlay.getvalue())


def _onto_pdf(background: bytes, overlay: bytes) -> bytes:
    from pypdf import PdfReader, PdfWriter

    try:
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(background)))
        while len(writer.pages) > 1:
            writer.remove_page(len(writer.pages) - 1)
        page = writer.pages[0]
    except Exception as exc:  # noqa: BLE001 - any unreadable PDF is a broken background
        raise BackgroundMissing("unreadable PDF") from exc
    page.merge_page(PdfReader(io.BytesIO(overlay)).pages[0])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
