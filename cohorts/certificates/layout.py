"""Where each piece of a certificate goes, as boxes in millimetres from the page's bottom-left corner.

A layout is `{field: [x, y, size]}` or `{field: [x, y, size, width, height]}`:
- text fields: `size` is the font size in points; `x` is the centre of the box (the left edge for the
  LEFT_ALIGNED fields) and `y` the baseline of a single line at that size; `width` and `height` (mm)
  make the box the text is shrunk and wrapped into. Without them the box is one line high and as wide
  as the frame allows around `x`.
- "qr" and "logo": `[x, y, side]`, the square's bottom-left corner and side in millimetres.

Every box must lie inside the frame's inner box (FRAME_INNER) and no two boxes may overlap;
`layout_problems` says which do not (the template admin refuses such a layout), and the renderer
keeps every text inside its box (docs/decisions/0342-certtpl-certificate-layout-boxes.md).
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

PAGE_MM = (297.0, 210.0)  # A4 landscape
PT_MM = 25.4 / 72  # one point in millimetres
LINE = 1.2  # line height, in font sizes
DESCENT = 0.25  # room below the baseline, in font sizes (DejaVu's descent is 0.236)


@dataclass(frozen=True)
class Box:
    left: float
    bottom: float
    right: float
    top: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.top - self.bottom

    def contains(self, other: "Box", tolerance: float = 1e-6) -> bool:
        return (
            other.left >= self.left - tolerance
            and other.bottom >= self.bottom - tolerance
            and other.right <= self.right + tolerance
            and other.top <= self.top + tolerance
        )

    def overlaps(self, other: "Box") -> bool:
        return (
            self.left < other.right
            and other.left < self.right
            and self.bottom < other.top
            and other.bottom < self.top
        )


# The plain page's frame: a 2 pt line 10 mm from the edges and a thin one 3 mm inside it. A template
# with its own background draws its own frame in the same place.
FRAME_OUTER = Box(10.0, 10.0, PAGE_MM[0] - 10.0, PAGE_MM[1] - 10.0)
FRAME_INNER = Box(13.0, 13.0, PAGE_MM[0] - 13.0, PAGE_MM[1] - 13.0)

DEFAULT_LAYOUT = {
    "logo": [20, 170, 22],
    "organisation": [148.5, 178, 12, 190, 16],
    "title": [148.5, 156, 30],
    "subtitle": [148.5, 144, 14],
    "name": [148.5, 121, 26, 250, 18],
    "course_intro": [148.5, 109, 12],
    "course": [148.5, 91, 16, 250, 14],
    "hours": [148.5, 81, 12],
    "dates": [148.5, 73, 12],
    "signatures": [148.5, 33, 10, 190, 36],
    "number": [18, 25, 10, 220],
    "issued": [18, 18, 9, 225],
    "qr": [250, 18, 28],
}
LAYOUT_FIELDS = tuple(DEFAULT_LAYOUT)
SQUARE_FIELDS = ("qr", "logo")
LEFT_ALIGNED = ("number", "issued")


def default_layout() -> dict:
    return {key: list(value) for key, value in DEFAULT_LAYOUT.items()}


def merged(layout: dict | None) -> dict:
    """The template's positions over the defaults (fields it does not name keep the default)."""
    return {**DEFAULT_LAYOUT, **{k: v for k, v in (layout or {}).items() if k in DEFAULT_LAYOUT}}


def field_box(field: str, spot) -> Box:
    """The box a field may use, in millimetres."""
    x, y, size = (float(value) for value in spot[:3])
    if field in SQUARE_FIELDS:
        return Box(x, y, x + size, y + size)
    size_mm = size * PT_MM
    if len(spot) >= 5:
        width, height = float(spot[3]), float(spot[4])
    elif len(spot) == 4:
        width, height = float(spot[3]), size_mm * LINE
    else:
        height = size_mm * LINE
        width = (
            FRAME_INNER.right - x
            if field in LEFT_ALIGNED
            else 2 * min(x - FRAME_INNER.left, FRAME_INNER.right - x)
        )
    bottom = y - DESCENT * size_mm
    if field in LEFT_ALIGNED:
        return Box(x, bottom, x + width, bottom + height)
    return Box(x - width / 2, bottom, x + width / 2, bottom + height)


def _well_formed(spot) -> bool:
    if not isinstance(spot, list | tuple) or len(spot) not in (3, 4, 5):
        return False
    if not all(isinstance(value, int | float) and not isinstance(value, bool) for value in spot):
        return False
    return all(value > 0 for value in spot[2:])


def layout_problems(layout) -> list[str]:
    """What is wrong with a layout, in words for the template's designer (empty: nothing)."""
    if not isinstance(layout, dict):
        return [_("The field positions must be an object: {field: [x_mm, y_mm, size]}.")]
    problems = []
    unknown = sorted(set(layout) - set(LAYOUT_FIELDS))
    if unknown:
        problems.append(
            _("Unknown fields: %(fields)s. Known: %(known)s.")
            % {"fields": ", ".join(unknown), "known": ", ".join(LAYOUT_FIELDS)}
        )
    for field, spot in layout.items():
        if field in LAYOUT_FIELDS and not _well_formed(spot):
            problems.append(
                _(
                    "“%(field)s” must be [x_mm, y_mm, size] or [x_mm, y_mm, size, width_mm, height_mm] with positive sizes."
                )
                % {"field": field}
            )
    if problems:
        return problems
    boxes = {field: field_box(field, spot) for field, spot in merged(layout).items()}
    for field, box in boxes.items():
        if not FRAME_INNER.contains(box):
            problems.append(
                _(
                    "“%(field)s” reaches outside the frame: its box is %(box)s mm, the frame's inside is %(frame)s mm."
                )
                % {"field": field, "box": _describe(box), "frame": _describe(FRAME_INNER)}
            )
    names = list(boxes)
    for index, first in enumerate(names):
        for second in names[index + 1 :]:
            if boxes[first].overlaps(boxes[second]):
                problems.append(
                    _("“%(first)s” and “%(second)s” overlap.") % {"first": first, "second": second}
                )
    return problems


def _describe(box: Box) -> str:
    return f"x {box.left:.1f}–{box.right:.1f}, y {box.bottom:.1f}–{box.top:.1f}"
