from django import template

from core.charts import heat_level
from surveys.selectors import surveys_pending_for

register = template.Library()


@register.filter
def heat(score) -> str:
    """A heat-map colour class for a 0–100 score: heat-0 (red) … heat-4 (green) (core.charts.heat_level)."""
    level = heat_level(score)
    return "" if level is None else f"heat-{level}"  # "": no measurement in this cell


@register.filter
def pct(value) -> str:
    """An exact share as a CSS width (dot decimal whatever the language)."""
    return f"{float(value):.3f}%"


@register.simple_tag
def surveys_pending(user):
    """For the cabinet include: the surveys waiting for this user."""

    return surveys_pending_for(user)
