from django import template
from django.utils.safestring import mark_safe

from core import markup

register = template.Library()


@register.filter
def markdown_safe(text: str, profile: str = "lesson") -> str:
    """Author-written Markdown through the site's one renderer and sanitizer (core.markup)."""
    return mark_safe(markup.render(text or "", profile=profile))  # noqa: S308 - sanitized by nh3
