"""Plain-text helpers on what members write (no Markdown parsing here: that is core/markup.py)."""

import re
from collections.abc import Callable

# A typed `@Ольга Бондаренко`: "@" (not inside a word or an address) and up to four words of a name.
TYPED_MENTION_RE = re.compile(r"(?<![\w@.\[])@(\w[\w'’-]*(?:[ \u00a0]\w[\w'’-]*){0,3})")
MAX_NAME_WORDS = 4
_CODE = re.compile(r"```.*?```|`[^`\n]*`", re.DOTALL)


def typed_mention_words(text: str) -> set[str]:
    """The first words of every typed `@Name …` outside code: what the names to look up start with."""
    return {match.split()[0] for match in TYPED_MENTION_RE.findall(_CODE.sub(" ", text))}


def typed_mentions_resolve(text: str, *, resolve: Callable[[str], str | None]) -> str:
    """Each typed `@Name Surname …` outside code becomes what `resolve` gives for the longest run of its
    words that names someone (`resolve("Ольга Бондаренко")` → `@[Ольга Бондаренко](user:12)`); the rest of
    the words stay as written. Unknown names stay plain text."""

    def replace(match: re.Match) -> str:
        name = match.group(1)
        ends = [word.end() for word in re.finditer(r"\S+", name)][:MAX_NAME_WORDS]
        for end in reversed(ends):
            reference = resolve(" ".join(name[:end].split()))
            if reference is not None:
                return reference + name[end:]
        return match.group(0)

    parts, last = [], 0
    for code in _CODE.finditer(text):
        parts.append(TYPED_MENTION_RE.sub(replace, text[last : code.start()]))
        parts.append(code.group(0))
        last = code.end()
    parts.append(TYPED_MENTION_RE.sub(replace, text[last:]))
    return "".join(parts)


def quote_markdown(author_name: str, body: str) -> str:
    """The start of a reply that quotes another post."""
    quoted = "\n".join(f"> {line}" for line in body.strip().splitlines()[:30])
    return f"> **{author_name}:**\n{quoted}\n\n"
