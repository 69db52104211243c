"""The one way user text becomes HTML on this site: Markdown → HTML → sanitized.

- Parsing: markdown-it-py (CommonMark plus tables and strikethrough). Its time grows linearly with the
  input on every shape we know of (nested brackets, nested quotes, emphasis runs, long tables, nested
  lists: see bench/markup_adversarial.py); raw HTML in the text is escaped, never passed through.
  Brackets nested deeper than `MAX_BRACKET_DEPTH` are plain text (`_deep_brackets`): markdown-it-py
  tries every `[` as the start of a link label and scans ahead for it, which cost 1-2 s on 100 KB of
  `[[[[`; past that depth no link can start, the text stays as written, and the run is passed in one step.
- Sanitizing: nh3 with ONE allow-list (`ALLOWED_TAGS`, `ALLOWED_ATTRIBUTES`) and ONE link policy
  (`URL_SCHEMES`, `LINK_REL`, images only from this site's attachments and the `USER_IMAGE_SOURCES`
  setting, which is also the CSP's img-src: one list decides what passes and what shows, decision 0241).
- Mentions: `@[Name](user:123)` is a stable reference to a person (`mention_reference`); it renders as a
  link `@Name` to the user card (`settings.USER_CARD_URL`, class `mention`) and `mentioned_user_ids` lists
  the people a text mentions outside quotes and code (a quoted mention never notifies anyone again). One
  anchored, bounded regex per `@` (`MENTION`): linear like the rest.
- Profiles (`PROFILES`) differ only in what the kinds of text need: their length limit, whether a
  single newline is a line break (private messages are written like chat). Headings h1/h2 become h3
  everywhere (a post or a lesson never outshouts the page's own title).

Call `check_length(text, profile=…)` where the text is accepted (a clear, translated message) and
`render(text, profile=…)` outside any transaction or row lock: rendering is pure and may take a
noticeable time on a long text, so nothing else should wait for it.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_right
from dataclasses import dataclass
from html.parser import HTMLParser

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_inline import StateInline

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "strong",
    "em",
    "b",
    "i",
    "s",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "h3",
    "h4",
    "h5",
    "h6",
    "a",
    "img",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "class"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"style"},
    "td": {"style"},
    "ol": {"start"},
    "code": {"class"},
}
# Relative URLs (this site's pages and attachments) pass; of the absolute ones only these schemes.
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"
# Images only from this site's attachment views and media, plus the sources of the USER_IMAGE_SOURCES setting
# (the same list is the CSP's img-src, so what passes here also shows; decision 0241): a relative src must not
# fire GETs at other pages of the site.
_OWN_IMAGES = r"/communities/files/\d+/|/media/"


@functools.lru_cache(maxsize=8)
def _image_src(sources: tuple[str, ...]) -> re.Pattern:
    """ "https:" → any https image; "https://img.example.org" → that origin only; anything else is ignored."""
    outside = []
    for source in sources:
        source = source.strip().strip("'").rstrip("/")
        if source.lower() == "https:":
            outside.append("https://")
        elif re.fullmatch(r"https://[\w.-]+(:\d+)?", source, re.IGNORECASE):
            outside.append(re.escape(source) + "/")
    return re.compile(f"^({'|'.join([_OWN_IMAGES, *outside])})", re.IGNORECASE)


def image_sources() -> tuple[str, ...]:
    """Where images in user text may come from besides this site (settings.USER_IMAGE_SOURCES)."""
    return tuple(getattr(settings, "USER_IMAGE_SOURCES", ()))


def image_allowed(src: str) -> bool:
    return bool(_image_src(image_sources()).match(src))


_TABLE_ALIGN = re.compile(r"^text-align:(left|right|center)$")
_CODE_CLASS = re.compile(r"^language-[\w+-]{1,30}$")


@dataclass(frozen=True)
class Profile:
    name: str
    max_length: int
    breaks: bool = False  # a single newline is a line break (messages)


PROFILES = {
    profile.name: profile
    for profile in (
        Profile("post", 20_000),  # forum posts, material descriptions and comments, event descriptions
        Profile("announcement", 20_000),  # cohort announcements, answers to questions
        Profile("lesson", 100_000),  # lessons, assignments' instructions, course descriptions
        Profile("message", 5_000, breaks=True),  # private messages of a mentoring pair
    )
}


# No honest text nests links or brackets this deep; markdown-it-py itself gives up nested labels at 20.
MAX_BRACKET_DEPTH = 16
_BRACKET_RUNS = re.compile(r"\[+|\]+")


def _deep_runs(src: str) -> tuple[list[int], list[int]]:
    """Where `[` is opened inside MAX_BRACKET_DEPTH open ones: (starts, ends) of those stretches, sorted.
    One pass over the runs of brackets; a text with few `[` costs one str.count."""
    starts: list[int] = []
    ends: list[int] = []
    if src.count("[") <= MAX_BRACKET_DEPTH:
        return starts, ends
    depth = 0
    for match in _BRACKET_RUNS.finditer(src):
        start, end = match.span()
        if src[start] == "[":
            if depth + end - start > MAX_BRACKET_DEPTH:
                starts.append(start + max(0, MAX_BRACKET_DEPTH - depth))
                ends.append(end)
            depth += end - start
        else:
            depth = max(0, depth - (end - start))
    return starts, ends


def _deep_brackets(state: StateInline, silent: bool) -> bool:
    """An inline rule before `link`: a `[` (or `![`) too deep to start a link is text.

    Inside a label scan (silent) it ends the scan at once, as markdown-it-py does past its own nesting
    limit; in the text it takes the whole run of such brackets as one piece of text."""
    pos, src = state.pos, state.src
    if src[pos] == "[":
        at = pos
    elif src[pos] == "!" and src.startswith("[", pos + 1):
        at = pos + 1
    else:
        return False
    runs = state.__dict__.get("_deep_runs")
    if runs is None:
        # once per inline block (paragraph, table cell); a cache on markdown-it's state, unknown to its types
        runs = state._deep_runs = _deep_runs(src)  # type: ignore[attr-defined]
    starts, ends = runs
    index = bisect_right(starts, at) - 1
    if index < 0 or at >= ends[index]:
        return False
    if silent:
        state.pos = state.posMax
        return True
    end = min(ends[index], state.posMax)
    state.pending += src[pos:end]
    state.pos = end
    return True


# `@[Ольга Бондаренко](user:123)`: a label without brackets or line breaks, at most 100 characters.
MENTION = re.compile(r"@\[([^\[\]\n]{1,100})\]\(user:(\d{1,10})\)")
MENTION_CLASS = "mention"


def mention_reference(user_id: int, name: str) -> str:
    """What the text stores for a mention of a person: `@[name](user:id)` (brackets in the name dropped)."""
    label = " ".join(re.sub(r"[\[\]\n]", " ", name).split())[:100] or str(user_id)
    return f"@[{label}](user:{user_id})"


def user_card_url(user_id: int) -> str:
    return str(getattr(settings, "USER_CARD_URL", "/people/{id}/")).format(id=int(user_id))


def _mention(state: StateInline, silent: bool) -> bool:
    """An inline rule before `link`: `@[Name](user:123)` is one token, never a link to `user:`."""
    pos = state.pos
    if state.src[pos] != "@" or not state.src.startswith("[", pos + 1):
        return False
    match = MENTION.match(state.src, pos, state.posMax)
    if match is None:
        return False
    if not silent:
        token = state.push("mention", "a", 0)
        token.meta = {"label": match.group(1), "id": int(match.group(2))}
    state.pos = match.end()
    return True


def _render_mention(self, tokens, idx, options, env) -> str:
    meta = tokens[idx].meta
    return (
        f'<a href="{escapeHtml(user_card_url(meta["id"]))}" class="{MENTION_CLASS}">'
        f"@{escapeHtml(meta['label'])}</a>"
    )


def _parser(*, breaks: bool) -> MarkdownIt:
    parser = MarkdownIt(
        "commonmark", {"html": False, "linkify": False, "typographer": False, "breaks": breaks}
    )
    parser.enable(["table", "strikethrough"])
    parser.inline.ruler.before("link", "deep_brackets", _deep_brackets)
    parser.inline.ruler.before("deep_brackets", "mention", _mention)
    parser.add_render_rule("mention", _render_mention)
    return parser


_PARSERS = {False: _parser(breaks=False), True: _parser(breaks=True)}


def profile_of(name: str) -> Profile:
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(f"unknown markup profile {name!r}") from None


def check_length(text: str, *, profile: str, min_length: int = 0) -> str:
    """The text, stripped, if its length suits the kind; otherwise a ValidationError with a clear message."""
    limits = profile_of(profile)
    text = (text or "").replace("\x00", "").strip()
    if len(text) > limits.max_length:
        raise ValidationError(
            _("The text is too long: %(length)d characters, at most %(max)d.")
            % {"length": len(text), "max": limits.max_length},
            code="too_long",
        )
    if len(text) < min_length:
        raise ValidationError(
            _("The text is too short: write at least %(min)d characters.") % {"min": min_length},
            code="too_short",
        )
    return text


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "a" and attribute == "class":
        return value if value == MENTION_CLASS else None
    if tag == "img" and attribute == "src" and not image_allowed(value):
        return None
    if attribute == "style" and not _TABLE_ALIGN.match(value.replace(" ", "")):
        return None
    if tag == "code" and attribute == "class" and not _CODE_CLASS.match(value):
        return None
    return value


def sanitize(html: str) -> str:
    """Any HTML → only the allow-listed tags and attributes, links with the site's rel policy."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_attribute_filter,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


def render(text: str, *, profile: str) -> str:
    """Markdown → sanitized HTML. A text longer than the profile allows is cut (check_length refuses it
    where it is written; this only bounds what an old or imported row can cost)."""
    limits = profile_of(profile)
    return _render(text or "", limits.max_length, limits.breaks, image_sources(), user_card_url(0))


def has_mention(text: str) -> bool:
    """Whether the text may mention someone (a cheap check: quoted or code mentions also say yes)."""
    return "](user:" in (text or "") and MENTION.search(text) is not None


def mentioned_user_ids(text: str, *, profile: str = "post") -> list[int]:
    """The ids of the people the text mentions, in order, once each: not inside a quote (quoting a post
    never notifies its mentions again) and not in code (there `@[…](user:…)` is just text)."""
    if not has_mention(text):
        return []
    limits = profile_of(profile)
    found: dict[int, None] = {}
    quoted = 0
    for token in _PARSERS[limits.breaks].parse(text[: limits.max_length]):
        if token.type == "blockquote_open":
            quoted += 1
        elif token.type == "blockquote_close":
            quoted -= 1
        elif token.type == "inline" and not quoted:
            for child in token.children or ():
                if child.type == "mention":
                    found.setdefault(child.meta["id"])
    return list(found)


@functools.lru_cache(maxsize=1024)
def _render(
    text: str, max_length: int, breaks: bool, images: tuple[str, ...] = (), card_url: str = ""
) -> str:
    """Pure in the text, so a process keeps recent results (a lesson is shown to every listener)."""
    parser = _PARSERS[breaks]
    tokens = parser.parse(text[:max_length])
    for token in tokens:
        if token.type in {"heading_open", "heading_close"} and token.tag in {"h1", "h2"}:
            token.tag = "h3"
    return sanitize(parser.renderer.render(tokens, parser.options, {}))


class _PlainText(HTMLParser):
    """Sanitized HTML (this module's output) → readable plain text: paragraphs and list items on their own
    lines, quotes prefixed with "> ", links as "text (address)", images as their description, table cells
    separated by " | ". Markup characters of the source (`**`, `#`, `|`) never appear unless they were text."""

    _PARAGRAPHS = {"p", "h3", "h4", "h5", "h6", "pre", "table", "blockquote", "ul", "ol", "hr"}
    _QUOTE_START, _QUOTE_END, _LINK = "\x01", "\x02", "\x03"

    def __init__(self, base_url: str = "", quotes: bool = True):
        super().__init__(convert_charrefs=True)
        self.base_url = base_url.rstrip("/")
        self.quotes = quotes
        self.out: list[str] = []
        self.links: list[str | None] = []
        self.lists: list[list] = []  # per open list: [ordered?, next number]
        self.pre = 0

    def _break(self, blank: bool = False) -> None:
        if blank:
            self.out.append("\n\n")
        elif self.out and not self.out[-1].endswith("\n"):
            self.out.append("\n")

    def _absolute(self, url: str) -> str:
        return (
            f"{self.base_url}{url}"
            if self.base_url and url.startswith("/") and not url.startswith("//")
            else url
        )

    def _at_line_start(self) -> bool:
        text = "".join(self.out).rstrip(" " + self._QUOTE_START)
        return not text or text.endswith("\n")

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag in self._PARAGRAPHS:
            self._break(blank=not (tag in {"ul", "ol"} and self.lists))
        if tag in {"ul", "ol"}:
            start = str(values.get("start") or "1")
            self.lists.append([tag == "ol", int(start) if start.isdigit() else 1])
        elif tag == "li":
            self._break()
            marker = "- "
            if self.lists and self.lists[-1][0]:
                marker = f"{self.lists[-1][1]}. "
                self.lists[-1][1] += 1
            self.out.append("  " * max(0, len(self.lists) - 1) + marker)
        elif tag == "blockquote":
            self.out.append(self._QUOTE_START)
        elif tag == "hr":
            self.out.append("———")
        elif tag == "pre":
            self.pre += 1
        elif tag in {"br", "tr"}:
            self._break()
        elif tag in {"td", "th"} and not self._at_line_start():
            self.out.append(" | ")
        elif tag == "a":
            self.links.append(None if values.get("class") == MENTION_CLASS else values.get("href"))
            self.out.append(self._LINK)
        elif tag == "img":
            alt, src = values.get("alt") or "", values.get("src") or ""
            self.out.append(
                " ".join(
                    part
                    for part in (f"[{alt}]" if alt else "", f"({self._absolute(src)})" if src else "")
                    if part
                )
            )

    def handle_endtag(self, tag):
        if tag in {"ul", "ol"} and self.lists:
            self.lists.pop()
        elif tag == "blockquote":
            self.out.append(self._QUOTE_END)
        elif tag == "pre" and self.pre:
            self.pre -= 1
        elif tag == "a" and self.links:
            href = self.links.pop()
            text = "".join(self.out)
            start = text.rfind(self._LINK)
            label = text[start + 1 :]
            self.out = [text[:start], label]
            if href and href not in {label, f"mailto:{label}"}:
                self.out.append(f" ({self._absolute(href)})")
        if tag in self._PARAGRAPHS:
            self._break(blank=not (tag in {"ul", "ol"} and self.lists))

    def handle_data(self, data):
        if not self.pre:
            if not data.strip() and "\n" in data:
                return  # the line breaks between block tags
            data = data.replace("\n", " ")
        self.out.append(
            data.replace(self._QUOTE_START, "").replace(self._QUOTE_END, "").replace(self._LINK, "")
        )

    def _quoted(self, match: re.Match) -> str:
        if not self.quotes:
            return "\n"
        body = re.sub(r"\n{3,}", "\n\n", match.group(1).strip("\n"))
        return "\n\n" + "\n".join(f"> {line}".rstrip() for line in body.split("\n")) + "\n\n"

    def text(self) -> str:
        text = "".join(self.out)
        inner = re.compile(f"{self._QUOTE_START}([^{self._QUOTE_START}{self._QUOTE_END}]*){self._QUOTE_END}")
        while True:  # innermost quotes first: each of their lines gets "> "
            text, count = inner.subn(self._quoted, text)
            if not count:
                break
        text = text.replace(self._QUOTE_START, "").replace(self._QUOTE_END, "").replace(self._LINK, "")
        lines = [line.rstrip() for line in text.split("\n")]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def plain_text(html: str, *, base_url: str = "", quotes: bool = True) -> str:
    """The readable plain text of sanitized HTML (a mail's text part, a list's excerpt); relative links are
    made absolute against `base_url` when it is given; `quotes=False` leaves quoted text out."""
    parser = _PlainText(base_url, quotes=quotes)
    parser.feed(html or "")
    parser.close()
    return parser.text()


def absolute_urls(html: str, *, base_url: str) -> str:
    """Sanitized HTML for outside the site (a mail): this site's relative links and images made absolute."""
    base = base_url.rstrip("/")

    def absolute(tag: str, attribute: str, value: str) -> str | None:
        if attribute in {"href", "src"} and value.startswith("/") and not value.startswith("//"):
            value = f"{base}{value}"
        if tag == "img" and attribute == "src" and not (value.startswith(base + "/") or image_allowed(value)):
            return None
        return _attribute_filter(tag, attribute, value) if attribute != "src" else value

    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=absolute,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


def excerpt(text: str, *, length: int = 200, html: str | None = None) -> str:
    """Plain text of a Markdown text (or of its rendering `html`, when the caller has it), for lists and
    notifications: without quoted text and list markers, on one line, cut at a word."""
    plain = plain_text(render(text, profile="post") if html is None else html, quotes=False)
    return cut(" ".join(line.strip().removeprefix("- ") for line in plain.split("\n")), length=length)


def cut(plain: str, *, length: int = 200) -> str:
    """Plain text on one line, at most `length` characters, cut at a word with " …"."""
    plain = " ".join(plain.split())
    if len(plain) <= length:
        return plain
    return plain[: length - 1].rsplit(" ", 1)[0].rstrip(" ,.;:") + " …"
