"""Render a certificate PDF with ReportLab: the template's background, the issuing organisation's
name and logo, positioned text in the holder's language (DejaVu, shipped in static/fonts, so Cyrillic
renders), the signatories, and a QR code (drawn as vector squares from the `qrcode` library's matrix)
linking to the public verification page.

`plan_certificate` places everything first, each text shrunk and wrapped into its field's box
(layout.py); `render_certificate` draws the plan. Tests read the plan's boxes to prove nothing
leaves the frame or overlaps. Pure rendering: nothing is written here.
"""

import io
import re
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
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from .layout import FRAME_INNER, FRAME_OUTER, LEFT_ALIGNED, LINE, PT_MM, Box, field_box, merged

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts"
PAGE = landscape(A4)
MIN_SIZE = 6.0  # points: below this a text is cut with "…" rather than shrunk further
MAX_SIGNERS = 4  # columns in the signatures box


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


@dataclass(frozen=True)
class Signer:
    """One signature: the title and name as printed in the holder's language, an optional image."""

    title: str
    name: str
    image: bytes = b""


@dataclass(frozen=True)
class Issuer:
    """The organisation on the certificate, in the holder's language."""

    name: str = ""
    logo: bytes = b""
    signers: tuple[Signer, ...] = ()


@dataclass(frozen=True)
class Line:
    """One line of text placed on the page (points from the bottom-left corner)."""

    field: str
    text: str
    font: str
    size: float
    x: float  # the centre, or the left edge when `left`
    baseline: float
    left: bool = False

    def box(self) -> Box:
        """The line's ink box in millimetres, from the font's metrics."""
        width = pdfmetrics.stringWidth(self.text, self.font, self.size)
        ascent, descent = pdfmetrics.getAscentDescent(self.font, self.size)
        start = self.x if self.left else self.x - width / 2
        return Box(
            start * PT_MM,
            (self.baseline + descent) * PT_MM,
            (start + width) * PT_MM,
            (self.baseline + ascent) * PT_MM,
        )


@dataclass(frozen=True)
class Picture:
    field: str
    data: bytes
    box: Box  # millimetres; the image is fitted inside, keeping its proportions


@dataclass
class Plan:
    boxes: dict  # field -> Box (mm), the layout's own
    lines: list
    pictures: list
    rules: list  # (x1, x2, y) in mm: the lines people sign on
    qr: Box


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


def _too_wide(lines: list[str], font: str, size: float, width: float) -> bool:
    return any(pdfmetrics.stringWidth(line, font, size) > width for line in lines)


def _cut(line: str, font: str, size: float, width: float) -> str:
    while line and pdfmetrics.stringWidth(line + "…", font, size) > width:
        line = line[:-1]
    return line.rstrip() + "…"


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Lines of at most `width` points, broken at spaces, and inside a word too long for a line
    after its hyphens (double-barrelled names: «Константинопольская-Верхнезаднепровская»)."""
    lines = simpleSplit(text, font, size, width) or [""]
    if not _too_wide(lines, font, size, width):
        return lines
    pieces: list[tuple[str, bool]] = []  # (piece, starts a new word)
    for word in text.split():
        parts = re.findall(r"[^-]+-*|-+", word)
        pieces.extend((part, index == 0) for index, part in enumerate(parts))
    lines, current = [], ""
    for piece, new_word in pieces:
        candidate = (current + (" " if new_word and current else "") + piece) if current else piece
        if current and pdfmetrics.stringWidth(candidate, font, size) > width:
            lines.append(current)
            current = piece
        else:
            current = candidate
    lines.append(current)
    return lines


def fit_lines(text: str, font: str, size: float, width: float, height: float) -> tuple[float, list[str]]:
    """Wrap `text` into a width × height box (points), shrinking the font from `size` until it fits;
    at the smallest size what still does not fit is cut with "…" (a box never overflows)."""
    size = float(size)
    smallest = min(MIN_SIZE, size, height / LINE)
    while True:
        lines = _wrap(text, font, size, width)
        if len(lines) * size * LINE <= height + 1e-6 and not _too_wide(lines, font, size, width):
            return size, lines
        if size - 0.5 < smallest:
            break
        size -= 0.5
    size = smallest
    room = max(1, int((height + 1e-6) // (size * LINE)))
    cut = len(lines) > room
    lines = lines[:room]
    lines = [
        _cut(line, font, size, width)
        if pdfmetrics.stringWidth(line, font, size) > width or (cut and index == room - 1)
        else line
        for index, line in enumerate(lines)
    ]
    return size, lines


def _text(field: str, box: Box, text: str, font: str, size: float, *, left: bool = False) -> list[Line]:
    """The lines of one text in its box (mm), centred vertically (and horizontally unless `left`)."""
    width, height = box.width / PT_MM, box.height / PT_MM
    size, lines = fit_lines(text, font, size, width, height)
    step = size * LINE
    top = box.top / PT_MM - (height - len(lines) * step) / 2
    x = box.left / PT_MM if left else (box.left + box.right) / 2 / PT_MM
    return [
        Line(field, line, font, size, x, top - (index + 1) * step + 0.25 * size, left)
        for index, line in enumerate(lines)
        if line
    ]


def _signatures(box: Box, size: float, issuer: Issuer | None, signatures: str, plan: Plan) -> None:
    signers = issuer.signers[:MAX_SIGNERS] if issuer else ()
    if not signers:  # the template's own lines, one under another
        lines = [line.strip() for line in signatures.splitlines() if line.strip()]
        if not lines:
            return
        width, height = box.width / PT_MM, box.height / PT_MM
        size = float(size)
        while size > MIN_SIZE and (len(lines) * size * LINE > height or _too_wide(lines, FONT, size, width)):
            size -= 0.5
        step = size * LINE * PT_MM
        for index, line in enumerate(lines[: max(1, int(box.height // step))]):
            row = Box(box.left, box.top - (index + 1) * step, box.right, box.top - index * step)
            plan.lines.extend(_text("signatures", row, line, FONT, size))
        return
    column = box.width / len(signers)
    line_mm = float(size) * LINE * PT_MM
    for index, signer in enumerate(signers):
        left, right = box.left + index * column + 2, box.left + (index + 1) * column - 2
        title = Box(left, box.top - 2 * line_mm, right, box.top)
        name = Box(left, box.bottom, right, box.bottom + 2 * line_mm)  # a long name takes two lines
        plan.lines.extend(_text("signatures", title, signer.title, FONT, size))
        plan.lines.extend(_text("signatures", name, signer.name, FONT_BOLD, size))
        image = Box(left, name.top + 1.5, right, title.bottom - 1)
        if signer.image and image.height > 2:
            plan.pictures.append(Picture("signatures", signer.image, image))
        plan.rules.append((left + column * 0.1, right - column * 0.1, name.top + 1))


def plan_certificate(
    *, facts: CertificateFacts, layout: dict | None, signatures: str, issuer: Issuer | None = None
) -> Plan:
    """Place every piece of the page in its box (see layout.py); texts in `facts.language`."""
    _register_fonts()
    spots = merged(layout)
    boxes = {field: field_box(field, spot) for field, spot in spots.items()}
    plan = Plan(boxes=boxes, lines=[], pictures=[], rules=[], qr=boxes["qr"])

    def put(field: str, text: str, font: str = FONT) -> None:
        if text:
            plan.lines.extend(
                _text(field, boxes[field], text, font, float(spots[field][2]), left=field in LEFT_ALIGNED)
            )

    with translation.override(facts.language):
        if issuer and issuer.logo:
            plan.pictures.append(Picture("logo", issuer.logo, boxes["logo"]))
        put("organisation", issuer.name if issuer else "", FONT_BOLD)
        put("title", _("CERTIFICATE"), FONT_BOLD)
        put("subtitle", _("of professional development"))
        put("name", facts.holder_name, FONT_BOLD)
        put("course_intro", _("has completed the in-service training course"))
        put("course", f"«{facts.course_title}»", FONT_BOLD)
        put("hours", _("in the amount of %(hours)s academic hours") % {"hours": facts.hours})
        put(
            "dates",
            _("from %(start)s to %(end)s") % {"start": _date(facts.starts_on), "end": _date(facts.ends_on)},
        )
        _signatures(boxes["signatures"], float(spots["signatures"][2]), issuer, signatures, plan)
        put("number", _("No. %(number)s") % {"number": facts.number})
        put(
            "issued",
            _("Issued %(date)s · verify: %(url)s")
            % {"date": _date(facts.issued_on), "url": facts.verify_url},
        )
    return plan


def _picture(c: canvas.Canvas, picture: Picture) -> None:
    box = picture.box
    try:
        c.drawImage(
            _image_reader(picture.data),
            box.left * mm,
            box.bottom * mm,
            width=box.width * mm,
            height=box.height * mm,
            preserveAspectRatio=True,
            anchor="c",
            mask="auto",
        )
    except Exception:  # noqa: BLE001 - an unreadable logo or signature is left out; the rest is issued
        return


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
    *,
    facts: CertificateFacts,
    layout: dict | None,
    signatures: str,
    background: Background,
    issuer: Issuer | None = None,
) -> bytes:
    """One A4 landscape page; text in `facts.language`."""
    plan = plan_certificate(facts=facts, layout=layout, signatures=signatures, issuer=issuer)
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
        c.rect(
            FRAME_OUTER.left * mm, FRAME_OUTER.bottom * mm, FRAME_OUTER.width * mm, FRAME_OUTER.height * mm
        )
        c.setLineWidth(0.5)
        c.rect(
            FRAME_INNER.left * mm, FRAME_INNER.bottom * mm, FRAME_INNER.width * mm, FRAME_INNER.height * mm
        )
    for picture in plan.pictures:
        _picture(c, picture)
    c.setFillColorRGB(0.1, 0.1, 0.1)
    for line in plan.lines:
        c.setFont(line.font, line.size)
        if line.left:
            c.drawString(line.x, line.baseline, line.text)
        else:
            c.drawCentredString(line.x, line.baseline, line.text)
    c.setStrokeColorRGB(0.3, 0.3, 0.3)
    c.setLineWidth(0.5)
    for x1, x2, y in plan.rules:
        c.line(x1 * mm, y * mm, x2 * mm, y * mm)
    _qr(c, [plan.qr.left, plan.qr.bottom, plan.qr.width], facts.verify_url)
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
