import functools

import markdown as md
import nh3
from django import template
from django.utils.safestring import mark_safe

register = template.Library()

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "h3", "h4", "h5", "blockquote", "code", "pre",
    "hr", "table", "thead", "tbody", "tr", "th", "td",
}


@register.filter
def markdown_safe(text: str) -> str:
    """Author-written Markdown rendered to HTML, then sanitized with nh3 (no scripts, no styles)."""
    return mark_safe(_render(text or ""))  # noqa: S308 - sanitized by nh3


@functools.lru_cache(maxsize=2048)
def _render(text: str) -> str:
    """A pure function of the text, so each process keeps the last couple of thousand results: the same
    lesson and announcement are shown to every listener, and Markdown costs milliseconds per page."""
    html = md.markdown(text, extensions=["extra", "sane_lists"], output_format="html")
    return nh3.clean(html, tags=ALLOWED_TAGS, link_rel="noopener noreferrer nofollow")
