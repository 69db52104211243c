"""Text fingerprints for copy detection: word shingles that do not care about order, case, punctuation
or whitespace, and the shared passages marked for a reader.

A text is cut into sentences (at . ! ? … ; and line breaks), each sentence into words (letters and
digits, casefolded, ё read as е). A shingle is SHINGLE_WORDS consecutive words of one sentence (a shorter
sentence is one shingle of all its words), so reordering sentences or changing case, punctuation and
spacing leaves the set of shingles as it was. Each shingle is hashed to 32 bits (CRC-32: stable across
processes, unlike `hash()`); the fingerprint is the set of hashes, stored packed as `bytes`.

Similarity is containment: the share of one text's shingles found in the other (|A ∩ B| / |A|).
A copy padded with the copier's own words still shows the share that was copied, which Jaccard
(|A ∩ B| / |A ∪ B|) would dilute; both are here. See docs/decisions/0141-copydetect-shingles.md.
"""

import re
import sys
import zlib
from array import array
from collections.abc import Iterable, Iterator

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

SHINGLE_WORDS = 3
# Fewer shingles than this say too little to call a copy ("Согласен.", a one-line answer).
MIN_SHINGLES = 5

_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"[.!?…;\n]")
_TYPECODE = "I" if array("I").itemsize == 4 else "L"


def _normal(word: str) -> str:
    return word.casefold().replace("ё", "е")


def _sentences(text: str) -> Iterator[list[tuple[str, int, int]]]:
    """Sentences as lists of (normalised word, start, end) with the word's place in the original text."""
    sentence: list[tuple[str, int, int]] = []
    last_end = 0
    for match in _WORD.finditer(text):
        if sentence and _SENTENCE_END.search(text, last_end, match.start()):
            yield sentence
            sentence = []
        sentence.append((_normal(match.group()), match.start(), match.end()))
        last_end = match.end()
    if sentence:
        yield sentence


def _shingles(text: str) -> Iterator[tuple[int, int, int]]:
    """(hash, start, end) of every shingle, with the span of the original text it covers."""
    for sentence in _sentences(text):
        for i in range(max(1, len(sentence) - SHINGLE_WORDS + 1)):
            words = sentence[i : i + SHINGLE_WORDS]
            key = " ".join(word for word, _, _ in words).encode()
            yield zlib.crc32(key), words[0][1], words[-1][2]


def fingerprint(text: str) -> set[int]:
    return {value for value, _, _ in _shingles(text or "")}


def pack(hashes: Iterable[int]) -> bytes:
    """Sorted 32-bit hashes, little-endian, for a binary column."""
    packed = array(_TYPECODE, sorted(hashes))
    if sys.byteorder == "big":
        packed.byteswap()
    return packed.tobytes()


def unpack(data: bytes | memoryview | None) -> set[int]:
    if not data:
        return set()
    packed = array(_TYPECODE)
    packed.frombytes(bytes(data))
    if sys.byteorder == "big":
        packed.byteswap()
    return set(packed)


def containment(part: set[int], whole: set[int]) -> float:
    """The share of `part`'s shingles found in `whole` (0 when `part` is too short to tell)."""
    if len(part) < MIN_SHINGLES:
        return 0.0
    return len(part & whole) / len(part)


def jaccard(a: set[int], b: set[int]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def mark_shared(text: str, shared: set[int]) -> SafeString:
    """The text, escaped, with each passage made of shingles in `shared` inside <mark>."""
    spans: list[list[int]] = []
    for value, start, end in _shingles(text or ""):
        if value not in shared:
            continue
        if spans and start < spans[-1][1]:  # overlaps the passage before: the passage grows
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([start, end])
    parts: list[str] = []
    position = 0
    for start, end in spans:
        parts.append(escape(text[position:start]))
        parts.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece of the user's text is escaped above
