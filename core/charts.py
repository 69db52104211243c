"""The one server-drawn chart module: SVG built from numbers we computed, no JavaScript, no CDN
(docs/decisions/0006-server-drawn-svg-charts.md). It knows no app: callers pass labels and values.

- `bar_chart` — one horizontal bar per label (a share, a count).
- `pair_chart` — two bars per label with a legend (found vs addressed).
- `group_chart` — one bar per group for each label, with a legend (2–N cohorts compared); a missing
  value (a group with nothing to show) is drawn as a dash.
- `score_chart` — scores on a 0–100 axis with ticks, an optional earlier score per row and a
  threshold line; rows below it are flagged (a competency profile).
- `stacked_chart` — one 100% stacked bar per label (a Likert question's shares of 1–5), with a legend.
- `heat_level` — the 0–4 colour step of a 0–100 score for heat-map cells (tables coloured by CSS).
- `standalone_svg`, `svg_to_png` — a chart as a file to download: SVG with its own size, PNG drawn
  from that SVG by CairoSVG (docs/decisions/0353-survey-result-charts-as-files.md).

Long labels of the score and stacked charts wrap onto lines (`wrap_label`): a name is never cut.

Every text part is escaped; every number is formatted here (a dot decimal whatever the language).
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

ROW = 26
LABEL_W = 220
BAR_W = 320
COLOURS = ("#305496", "#c55a11")


def _label(text: str, limit: int = 26) -> str:
    text = str(text)
    return escape(text if len(text) <= limit else text[: limit - 1] + "…")


def wrap_label(text: str, width: int) -> list[str]:
    """The label on lines of about `width` characters, broken between words; a longer word stays whole."""
    return textwrap.wrap(str(text), width, break_long_words=False, break_on_hyphens=False) or [""]


def _lines(lines: Sequence[str], *, x: float, y: float, step: int) -> str:
    """Escaped <tspan> lines: the first at y, each next one `step` lower."""
    return "".join(
        f'<tspan x="{_num(x)}" {"y" if i == 0 else "dy"}="{_num(y) if i == 0 else step}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )


def _num(value: float) -> str:
    """A coordinate: at most one decimal, a dot as the separator."""
    return f"{value:.1f}".removesuffix(".0")


def _open(width: int, height: int, title: str, css_class: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="{escape(css_class)}" width="100%" '
        f'viewBox="0 0 {width} {height}"><title>{escape(title)}</title>'
    )


def bar_chart(
    items: list[tuple[str, float]], *, title: str, max_value: float | None = None, suffix: str = ""
) -> SafeString:
    if not items:
        return mark_safe("")  # noqa: S308 - empty
    top = max_value or max((v for _l, v in items), default=0) or 1
    height = ROW * len(items) + 34
    parts = [
        _open(LABEL_W + BAR_W + 60, height, title, "report-chart d-block mb-2"),
        f'<text x="0" y="14" font-size="13" font-weight="bold">{escape(title)}</text>',
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
        _open(LABEL_W + BAR_W + 60, height, title, "report-chart d-block mb-2"),
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


GROUP_COLOURS = ("#305496", "#c55a11", "#548235", "#7030a0", "#bf8f00", "#2f7f8f")  # told apart also by order


def _wrapped(text: str, *, x: int, y: float, width: int = 28, lines: int = 2) -> str:
    """A right-aligned label in up to `lines` lines of about `width` characters (the last one cut with "…"),
    the full text as its tooltip."""
    text = str(text)
    parts = textwrap.wrap(text, width) or [""]
    if len(parts) > lines:
        parts = parts[: lines - 1] + [textwrap.shorten(" ".join(parts[lines - 1 :]), width, placeholder="…")]
    top = y - 7 * (len(parts) - 1)
    spans = "".join(
        f'<tspan x="{x}" y="{_num(top + 14 * i)}">{escape(line)}</tspan>' for i, line in enumerate(parts)
    )
    return f'<text text-anchor="end" font-size="12"><title>{escape(text)}</title>{spans}</text>'


GROUP_LABEL_W = 200
GROUP_BAR_W = 280


def group_chart(
    items: Sequence[tuple[str, Sequence[float | None]]],
    *,
    title: str,
    labels: Sequence[str],
    max_value: float | None = None,
) -> SafeString:
    """For each label one bar per group, in the legend's order (the legend lists the groups one a line, each
    bar carries its value as text, so colour is never the only cue); None draws "—" and no bar. Labels wrap
    onto two lines."""
    if not items or not labels:
        return mark_safe("")  # noqa: S308 - empty
    values = [v for _l, vs in items for v in vs if v is not None]
    top = max_value or max(values, default=0) or 1
    bar = 13
    row = max(bar * len(labels), 30) + 12
    legend_h = 18 * len(labels)
    height = 30 + legend_h + row * len(items)
    parts = [
        _open(GROUP_LABEL_W + GROUP_BAR_W + 50, height, title, "report-chart group-chart d-block mb-2"),
        f'<text x="0" y="14" font-size="13" font-weight="bold">{escape(title)}</text>',
    ]
    for j, name in enumerate(labels):
        y = 22 + 18 * j
        colour = GROUP_COLOURS[j % len(GROUP_COLOURS)]
        parts.append(
            f'<rect x="{GROUP_LABEL_W}" y="{y}" width="12" height="12" fill="{colour}"></rect>'
            f'<text x="{GROUP_LABEL_W + 16}" y="{y + 10}" font-size="12">{_label(name, 40)}</text>'
        )
    for i, (label, group_values) in enumerate(items):
        y = 30 + legend_h + i * row
        parts.append(_wrapped(label, x=GROUP_LABEL_W - 6, y=y + 4 + bar * len(labels) / 2))
        for j, value in enumerate(group_values):
            by = y + j * bar
            if value is None:
                parts.append(f'<text x="{GROUP_LABEL_W + 4}" y="{by + 11}" font-size="11">—</text>')
                continue
            width = round(GROUP_BAR_W * value / top)
            colour = GROUP_COLOURS[j % len(GROUP_COLOURS)]
            parts.append(
                f'<rect x="{GROUP_LABEL_W}" y="{by}" width="{width}" height="{bar - 1}" fill="{colour}"></rect>'
                f'<text x="{GROUP_LABEL_W + width + 4}" y="{by + 11}" font-size="11">{escape(str(value))}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text part is escaped above


@dataclass(frozen=True)
class Score:
    """One row of a score chart: a 0–100 score, the earlier one if there was one, flagged (drawn red)."""

    label: str
    code: str
    score: int
    flagged: bool
    before: int | None = None


SCORE_LABEL_W = 260  # px for the row labels
SCORE_BAR_W = 420  # px for 0..100
SCORE_ROW = 34
SCORE_LINE = 14  # px between the lines of a wrapped label
SCORE_WRAP = 32  # characters per label line (about 250 px at 12 px, 7.5 px a Cyrillic character)
SCORE_COLOURS = {"ok": "#198754", "flagged": "#dc3545", "before": "#adb5bd", "threshold": "#fd7e14"}


def score_chart(
    rows: Sequence[Score],
    *,
    title: str,
    threshold: int,
    threshold_label: str,
    before_label: str,
    flag_class: str = "flagged",
    css_class: str = "score-chart",
) -> SafeString:
    """Scores 0–100 as bars, flagged ones in red (their group gets `flag_class`), the earlier score as a
    thin grey bar above, the change in brackets; ticks at 0, 25, 50, 75, 100 and a dashed threshold line."""
    if not rows:
        return mark_safe("")  # noqa: S308 - empty
    labels = [wrap_label(row.label, SCORE_WRAP) for row in rows]
    # A row is SCORE_ROW high for a label of one or two lines and grows a line's height per further line.
    tops, y = [], 10
    for lines in labels:
        tops.append(y)
        y += SCORE_ROW + SCORE_LINE * max(0, len(lines) - 2)
    height = y + 30
    axis_y, tick_y = height - 22, height - 6
    parts = [_open(SCORE_LABEL_W + SCORE_BAR_W + 70, height, title, css_class)]
    for t in (0, 25, 50, 75, 100):
        x = _num(SCORE_LABEL_W + SCORE_BAR_W * t / 100)
        parts.append(
            f'<line x1="{x}" x2="{x}" y1="4" y2="{axis_y}" stroke="#e5e7eb"/>'
            f'<text x="{x}" y="{tick_y}" font-size="11" text-anchor="middle" fill="#6c757d">{t}</text>'
        )
    for row, lines, y in zip(rows, labels, tops, strict=True):
        flagged = row.flagged
        width = SCORE_BAR_W * row.score / 100
        delta = ""
        if row.before is not None:
            diff = row.score - row.before
            delta = f" ({'+' if diff > 0 else ''}{diff})"
        group = f"bar {escape(flag_class)}" if flagged else "bar"
        first_line = y + 20 if len(lines) == 1 else y + 13
        parts.append(
            f'<g class="{group}" data-code="{escape(row.code)}">'
            f'<text x="{SCORE_LABEL_W - 8}" y="{first_line}" font-size="12" text-anchor="end" fill="#212529">'
            f"<title>{escape(row.code)}</title>"
            f"{_lines(lines, x=SCORE_LABEL_W - 8, y=first_line, step=SCORE_LINE)}</text>"
        )
        if row.before is not None:
            parts.append(
                f'<rect x="{SCORE_LABEL_W}" y="{y + 2}" width="{_num(SCORE_BAR_W * row.before / 100)}" height="8" '
                f'fill="{SCORE_COLOURS["before"]}"><title>{escape(before_label)}: {row.before}</title></rect>'
            )
        parts.append(
            f'<rect x="{SCORE_LABEL_W}" y="{y + 11}" width="{_num(width)}" height="14" rx="2" '
            f'fill="{SCORE_COLOURS["flagged" if flagged else "ok"]}"><title>{row.score}</title></rect>'
            f'<text x="{round(SCORE_LABEL_W + width + 6)}" y="{y + 23}" font-size="12" fill="#212529">'
            f"{row.score}{delta}</text></g>"
        )
    x = _num(SCORE_LABEL_W + SCORE_BAR_W * threshold / 100)
    colour = SCORE_COLOURS["threshold"]
    parts.append(
        f'<line x1="{x}" x2="{x}" y1="4" y2="{axis_y}" stroke="{colour}" stroke-dasharray="4 3"/>'
        f'<text x="{x}" y="{height - 12}" font-size="10" text-anchor="middle" fill="{colour}">'
        f"{escape(threshold_label)} {threshold}</text></svg>"
    )
    return mark_safe("".join(parts))  # noqa: S308 - every text part is escaped above


@dataclass(frozen=True)
class Stack:
    """One row of a stacked chart: exact shares (0–100, drawn) and the figure shown on each segment."""

    label: str
    widths: Sequence[float]
    texts: Sequence[str]


STACK_COLOURS = ("#c0392b", "#e67e22", "#bdc3c7", "#5dade2", "#1f618d")  # 1 … 5, as on the results page
STACK_ROW = 30
STACK_LINE = 14
STACK_LABEL_W = 300  # px for the row labels
STACK_WRAP = 36  # characters per label line (about 290 px at 12 px)


def stacked_chart(
    rows: Sequence[Stack], *, title: str, legend: Sequence[str], colours: Sequence[str] = STACK_COLOURS
) -> SafeString:
    """100% stacked bars, one per row (a Likert question's shares of 1–5); a segment's figure is written on
    it when the segment is wide enough (8% and more), an empty segment is not drawn; a legend below."""
    if not rows:
        return mark_safe("")  # noqa: S308 - empty
    labels = [wrap_label(row.label, STACK_WRAP) for row in rows]
    parts: list[str] = []
    y = 26
    for row, lines in zip(rows, labels, strict=True):
        row_h = STACK_ROW + STACK_LINE * max(0, len(lines) - 2)
        bar_y = y + (row_h - 18) / 2 - 4
        first_line = bar_y + 13 - (len(lines) - 1) * STACK_LINE / 2
        parts.append(
            f'<text x="{STACK_LABEL_W - 8}" y="{_num(first_line)}" text-anchor="end" font-size="12">'
            f"{_lines(lines, x=STACK_LABEL_W - 8, y=first_line, step=STACK_LINE)}</text>"
        )
        x = float(STACK_LABEL_W)
        for i, (share, text) in enumerate(zip(row.widths, row.texts, strict=True)):
            if not share:
                continue
            width = BAR_W * share / 100
            parts.append(
                f'<rect x="{_num(x)}" y="{_num(bar_y)}" width="{_num(width)}" height="18" '
                f'fill="{colours[i % len(colours)]}"><title>{escape(legend[i])}: {escape(text)}</title></rect>'
            )
            if share >= 8:
                fill = "#212529" if i == 2 else "#ffffff"
                parts.append(
                    f'<text x="{_num(x + width / 2)}" y="{_num(bar_y + 13)}" font-size="11" '
                    f'text-anchor="middle" fill="{fill}">{escape(text)}</text>'
                )
            x += width
        y += row_h
    # The legend under the bars, one entry a line (point labels can be long), aligned with the bars.
    for i, text in enumerate(legend):
        ly = y + 8 + i * 18
        parts.append(
            f'<rect x="{STACK_LABEL_W}" y="{ly}" width="12" height="12" fill="{colours[i % len(colours)]}"></rect>'
            f'<text x="{STACK_LABEL_W + 18}" y="{ly + 10}" font-size="11">{escape(text)}</text>'
        )
    height = y + 8 + 18 * len(legend) + 4
    head = [
        _open(STACK_LABEL_W + BAR_W + 20, height, title, "stacked-chart d-block mb-2"),
        f'<text x="0" y="14" font-size="13" font-weight="bold">{escape(title)}</text>',
    ]
    return mark_safe("".join(head + parts) + "</svg>")  # noqa: S308 - every text part is escaped above


_VIEWBOX = re.compile(r'viewBox="0 0 (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)"')


def standalone_svg(svg: str) -> str:
    """A chart drawn for a page, as a file: an XML declaration and its own size (the viewBox's) instead of
    the page's 100% width, so viewers and converters draw it at its size."""
    match = _VIEWBOX.search(svg)
    if match is None:
        raise ValueError("not a chart of this module")
    width, height = match.groups()
    sized = svg.replace('width="100%"', f'width="{width}" height="{height}"', 1)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + sized


def svg_to_png(svg: str, *, scale: float = 2) -> bytes:
    """The chart as PNG (twice its size by default, sharp on print and on high-density screens) on white.
    CairoSVG is imported here, not with the module: it loads the system's libcairo2 (Debian: `apt-get install
    libcairo2`) when imported, and every page that draws an SVG chart must work on a machine without it."""
    import cairosvg

    return cairosvg.svg2png(
        bytestring=standalone_svg(svg).encode("utf-8"), scale=scale, background_color="white"
    )


def heat_level(score) -> int | None:
    """The colour step 0 (lowest) … 4 (highest) of a 0–100 score; None for a cell with no measurement."""
    if score is None or score == "":
        return None
    return min(4, max(0, int(score) // 20))
