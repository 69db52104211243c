"""Server-drawn SVG charts: coordinates computed here, drawn by templates (no JavaScript, no CDN)."""

from dataclasses import dataclass

LABEL_W = 260  # px for competency names
BAR_W = 420  # px for 0..100
ROW_H = 34


@dataclass
class Bar:
    y: int
    label: str
    code: str
    score: int
    width: float
    before: int | None
    before_width: float | None
    is_deficit: bool

    @property
    def text_y(self) -> int:
        return self.y + 23

    @property
    def label_y(self) -> int:
        return self.y + 20

    @property
    def before_y(self) -> int:
        return self.y + 2

    @property
    def now_y(self) -> int:
        return self.y + 11

    @property
    def text_x(self) -> int:
        return round(LABEL_W + self.width + 6)

    @property
    def delta(self) -> str:
        if self.before is None:
            return ""
        diff = self.score - self.before
        return f"+{diff}" if diff > 0 else str(diff)


def profile_chart(profile) -> dict:
    bars = []
    for i, row in enumerate(profile.rows):
        bars.append(
            Bar(
                y=10 + i * ROW_H,
                label=row.competency.name
                if len(row.competency.name) <= 38
                else row.competency.name[:36] + "…",
                code=row.competency.code,
                score=row.score,
                width=BAR_W * row.score / 100,
                before=row.before,
                before_width=None if row.before is None else BAR_W * row.before / 100,
                is_deficit=row.is_deficit,
            )
        )
    height = 40 + len(bars) * ROW_H
    return {
        "bars": bars,
        "width": LABEL_W + BAR_W + 70,
        "height": height,
        "label_w": LABEL_W,
        "bar_w": BAR_W,
        "label_x": LABEL_W - 8,
        "threshold_x": LABEL_W + BAR_W * profile.threshold / 100,
        "threshold": profile.threshold,
        "axis_y": height - 22,
        "tick_y": height - 6,
        "threshold_label_y": height - 12,
        "ticks": [(LABEL_W + BAR_W * t / 100, t) for t in (0, 25, 50, 75, 100)],
        "has_before": any(b.before is not None for b in bars),
    }
