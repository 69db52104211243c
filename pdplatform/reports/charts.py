"""Server-drawn SVG charts (no JavaScript, no CDN): horizontal bars, one or two series per label.

Labels are escaped; the markup is built only from numbers we computed and escaped text.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

ROW = 26
LABEL_W = 220
BAR_W = 320
COLOURS = ("#305496", "#c55a11")


def _label(text: str, limit: int = 26) -> str:
    text = str(text)
    return escape(text if len(text) <= limit else text[: limit - 1] + "…")


def bar_chart(
    items: list[tuple[str, float]], *, title: str, max_value: float | None = None, suffix: str = ""
) -> SafeString:
    if not items:
        return mark_safe("")  # noqa: S308 - empty
    top = max_value or max((v for _l, v in items), default=0) or 1
    height = ROW * len(items) + 34
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="report-chart d-block mb-2" width="100%" '
        f'viewBox="0 0 {LABEL_W + BAR_W + 60} {height}"><title>{escape(title)}</title>'
        f'<text x="0" y="14" font-size="13" font-weight="bold">{escape(title)}</text>'
    ]
    for i, (label, value) in enumerate(items):
        y = 26 + i * ROW
        width = round(BAR_W * (value or 0) / top)
        parts.append(
            f'<text x="{LABEL_W - 6}" y="{y + 14}" text-anchor="end" font-size="12">{_label(label)}</text>'
            f'<rect x="{LABEL_W}" y="{y}" width="{width}" height="{ROW - 8}" fill="{COLOURS[0]}"></rect>'
            f'<text x="{LABEL_W + width + 4}" y="{y + 14}" font-size="12">{escape(str(value))}{escape(suffix)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text part is escaped above


def pair_chart(items: list[tuple[str, float, float]], *, title: str, labels: tuple[str, str]) -> SafeString:
    """Two bars per label (e.g. deficits found vs addressed), with a legend."""
    if not items:
        return mark_safe("")  # noqa: S308 - empty
    top = max((max(a, b) for _l, a, b in items), default=0) or 1
    row = ROW + 12
    height = row * len(items) + 50
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="report-chart d-block mb-2" width="100%" '
        f'viewBox="0 0 {LABEL_W + BAR_W + 60} {height}"><title>{escape(title)}</title>'
        f'<text x="0" y="14" font-size="13" font-weight="bold">{escape(title)}</text>',
        f'<rect x="{LABEL_W}" y="22" width="12" height="12" fill="{COLOURS[0]}"></rect>'
        f'<text x="{LABEL_W + 16}" y="32" font-size="12">{escape(str(labels[0]))}</text>'
        f'<rect x="{LABEL_W + 150}" y="22" width="12" height="12" fill="{COLOURS[1]}"></rect>'
        f'<text x="{LABEL_W + 166}" y="32" font-size="12">{escape(str(labels[1]))}</text>',
    ]
    for i, (label, a, b) in enumerate(items):
        y = 42 + i * row
        wa, wb = round(BAR_W * (a or 0) / top), round(BAR_W * (b or 0) / top)
        parts.append(
            f'<text x="{LABEL_W - 6}" y="{y + 16}" text-anchor="end" font-size="12">{_label(label)}</text>'
            f'<rect x="{LABEL_W}" y="{y}" width="{wa}" height="13" fill="{COLOURS[0]}"></rect>'
            f'<text x="{LABEL_W + wa + 4}" y="{y + 11}" font-size="11">{escape(str(a))}</text>'
            f'<rect x="{LABEL_W}" y="{y + 14}" width="{wb}" height="13" fill="{COLOURS[1]}"></rect>'
            f'<text x="{LABEL_W + wb + 4}" y="{y + 25}" font-size="11">{escape(str(b))}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text part is escaped above
