from django import template

from surveys.selectors import surveys_pending_for

register = template.Library()


@register.filter
def heat(score) -> str:
    """A heat-map colour class for a 0–100 score: heat-0 (red) … heat-4 (green)."""
    if score is None or score == "":
        return ""  # no measurement in this cell
    return f"heat-{min(4, max(0, int(score) // 20))}"


@register.filter
def pct(value) -> str:
    """An exact share as a CSS width (dot decimal whatever the language)."""
    return f"{float(value):.3f}%"


@register.simple_tag
def surveys_pending(user):
    """For the cabinet include: the surveys waiting for this user."""

    return surveys_pending_for(user)
