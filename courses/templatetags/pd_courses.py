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
    html = md.markdown(text or "", extensions=["extra", "sane_lists"], output_format="html")
    return mark_safe(nh3.clean(html, tags=ALLOWED_TAGS, link_rel="noopener noreferrer nofollow"))  # noqa: S308
