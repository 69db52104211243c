"""Baking (Open Badges 3.0 §5.3): a badge picture carrying its credential in the PNG's iTXt chunk
`openbadgecredential`, and reading it back from the chunks alone (the picture is never decoded)."""

import io
import struct
import zlib

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import override
from PIL import Image, ImageDraw, ImageFont, PngImagePlugin

from core.formatting import hours_label

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
BAKED_KEYWORD = b"openbadgecredential"


class BadgeError(Exception):
    """A credential file that cannot be checked; the message is for the person who uploaded it."""


def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(settings.BASE_DIR / "static" / "fonts" / name), size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int, lines: int) -> list[str]:
    out: list[str] = []
    for word in text.split():
        if out and draw.textlength(f"{out[-1]} {word}", font=font) <= width:
            out[-1] = f"{out[-1]} {word}"
        else:
            out.append(word)
    if len(out) > lines:
        out = [*out[: lines - 1], out[lines - 1] + "…"]
    return out


def badge_picture(certificate, token: str) -> bytes:
    """The badge picture (course, hours, number) with the credential `token` baked into an iTXt chunk."""
    size = 600
    image = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((20, 20, size - 20, size - 20), fill="#0d6efd")
    draw.ellipse((44, 44, size - 44, size - 44), outline="white", width=6)
    title_font, small = _font(34, bold=True), _font(26)
    lines = _wrap(draw, certificate.course_title, title_font, 400, 4)
    y = size // 2 - 24 * len(lines) - 40
    with override(certificate.language):
        top = settings.SITE_NAME
        bottom = hours_label(certificate.hours)
    draw.text((size // 2, 120), top, font=small, fill="white", anchor="mm")
    for line in lines:
        draw.text((size // 2, y + 24), line, font=title_font, fill="white", anchor="mm")
        y += 46
    draw.text((size // 2, y + 50), bottom, font=small, fill="white", anchor="mm")
    draw.text((size // 2, size - 120), certificate.number, font=small, fill="white", anchor="mm")
    info = PngImagePlugin.PngInfo()
    info.add_itxt(BAKED_KEYWORD.decode(), token)
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def unbake(data: bytes) -> str:
    """The credential in a baked PNG's iTXt chunk `openbadgecredential`, read from the chunks alone (the
    picture is never decoded)."""
    position = len(PNG_SIGNATURE)
    while position + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        body = data[position + 8 : position + 8 + length]
        position += 12 + length
        if kind == b"iTXt":
            keyword, _sep, rest = body.partition(b"\0")
            if keyword != BAKED_KEYWORD or len(rest) < 2:
                continue
            compressed = rest[0]
            _language, _sep, rest = rest[2:].partition(b"\0")
            _translated, _sep, text = rest.partition(b"\0")
            if compressed:
                decompressor = zlib.decompressobj()
                text = decompressor.decompress(text, settings.OPEN_BADGES_MAX_UPLOAD_BYTES)
            return text.decode("utf-8", "replace")
        if kind == b"IEND":
            break
    raise BadgeError(_("This picture carries no Open Badge: it was not baked by a badge issuer."))
