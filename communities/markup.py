"""User text → safe HTML: Markdown rendered, then cleaned by nh3 with an allow-list.

Nothing a member writes reaches a page without passing through `render_markdown` (posts, material
descriptions, comments, event descriptions); titles and file names are never marked safe at all.
"""

import re

import markdown
import nh3

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "s", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "h3", "h4", "h5", "h6", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
}
# Relative URLs (attachments on this site) pass; of the absolute ones only these schemes.
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"
MAX_LENGTH = 50_000

_HEADINGS = re.compile(r"<(/?)h([12])>")
# Images only from this site's attachment view (or https): a relative src must not fire GETs at other pages.
_IMAGE_SRC = re.compile(r"^(/communities/files/\d+/|https://)", re.IGNORECASE)


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src" and not _IMAGE_SRC.match(value):
        return None
    return value


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_attribute_filter,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


def render_markdown(text: str) -> str:
    """Markdown (with fenced code and tables) → sanitized HTML. Big headings are demoted to h3."""
    html = markdown.markdown(
        text[:MAX_LENGTH], extensions=["fenced_code", "tables", "sane_lists"], output_format="html"
    )
    html = _HEADINGS.sub(r"<\g<1>h3>", html)
    return sanitize_html(html)


MENTION_RE = re.compile(r"(?<![\w@.])@([\w][\w.+-]{0,63})", re.UNICODE)


def mentioned_handles(text: str) -> set[str]:
    """`@anna.ivanova` → {"anna.ivanova"}; a handle is the part of the member's email before the @."""
    without_code = re.sub(r"```.*?```|`[^`]*`", " ", text, flags=re.DOTALL)
    return {match.rstrip(".").lower() for match in MENTION_RE.findall(without_code)}


def quote_markdown(author_name: str, body: str) -> str:
    """The start of a reply that quotes another post."""
    quoted = "\n".join(f"> {line}" for line in body.strip().splitlines()[:30])
    return f"> **{author_name}:**\n{quoted}\n\n"
