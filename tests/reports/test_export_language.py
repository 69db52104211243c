"""Issue #17 item 2: every export kind's sheet names, header row and fixed cell texts are in the reader's
language: rendered for a ru, a uk and an en reader, the ru/uk ones keep no English word of the en one."""

import re

import pytest

from core.i18n import in_language_of
from pdplatform.reports.services import spec_for
from tests.factories import SuperuserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.site_language]

ENGLISH_WORD = re.compile(r"\b[A-Za-z]{3,}\b")
CYRILLIC = re.compile("[а-яёіїєґ]", re.IGNORECASE)
KINDS = ["school", "teachers", "cohort", "monitoring"]


def fixed_texts(report: str, reader, world) -> list[str]:
    """Sheet titles, headers and the text cells the platform writes (people's and courses' names aside)."""
    names = {str(v) for v in world.values()} | {world["course"].title, world["cohort"].title}
    names |= {getattr(v, "full_name", "") for v in world.values()} - {""}
    params = {"cohort": world["cohort"].pk} if report == "cohort" else {}
    with in_language_of(reader):
        spec = spec_for(user=reader, report=report, params=params)
        texts = []
        for sheet in spec.sheets:
            texts += [str(sheet.title), *(str(c.header) for c in sheet.columns)]
            for row in list(sheet.rows)[:20]:
                texts += [v for v in row if isinstance(v, str) and "@" not in v]
    for name in sorted(names, key=len, reverse=True):  # names people entered are the same in every language
        texts = [text.replace(name, " ") for text in texts]
    return texts


def english_words(texts: list[str]) -> set[str]:
    return {word for text in texts for word in ENGLISH_WORD.findall(text)}


@pytest.mark.parametrize("report", KINDS)
def test_each_export_speaks_its_readers_language(report, world):
    renderings = {
        language: fixed_texts(report, SuperuserFactory(preferred_language=language), world)
        for language in ("ru", "uk", "en")
    }
    english = english_words(renderings["en"])
    assert len(english) >= 3, renderings["en"]
    for language in ("ru", "uk"):
        headers = renderings[language]
        assert english_words(headers) & english == set(), (language, sorted(english_words(headers) & english))
        assert CYRILLIC.search(" ".join(headers))
    assert renderings["ru"] != renderings["uk"]
