"""Plain-text helpers on what members write (no Markdown parsing here: that is core/markup.py)."""

import re

MENTION_RE = re.compile(r"(?<![\w@.])@([\w][\w.+-]{0,63})", re.UNICODE)
_CODE = re.compile(r"```.*?```|`[^`]*`", re.DOTALL)


def mentioned_handles(text: str) -> set[str]:
    """`@anna.ivanova` → {"anna.ivanova"}; a handle is the part of the member's email before the @.
    Mentions inside code (fenced or inline) do not count."""
    return {match.rstrip(".").lower() for match in MENTION_RE.findall(_CODE.sub(" ", text))}


def quote_markdown(author_name: str, body: str) -> str:
    """The start of a reply that quotes another post."""
    quoted = "\n".join(f"> {line}" for line in body.strip().splitlines()[:30])
    return f"> **{author_name}:**\n{quoted}\n\n"
