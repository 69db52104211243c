import csv
import io

import pytest

from core.exports import csv_stream, neutralise


@pytest.mark.parametrize("text", ["=1+1", "+7", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_like_text_is_neutralised(text):
    assert neutralise(text) == "'" + text
    assert neutralise(neutralise(text)) == "'" + text  # applying twice changes nothing more


@pytest.mark.parametrize("value", ["Ivanova", "", 5, -3, 2.5, None])
def test_other_values_are_left_alone(value):
    assert neutralise(value) == value


def test_csv_stream_has_a_bom_and_neutralises_headers_and_cells():
    text = "".join(csv_stream([["=Header", "Name"], ["@cmd", None], ["Анна", 3]]))
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows == [["'=Header", "Name"], ["'@cmd", ""], ["Анна", "3"]]


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("ru", "Иванова;05.03.2026;72,5;'=1+1\r\n"),
        ("uk", "Іваненко;05.03.2026;72,5;'=1+1\r\n"),
        ("en", "Smith,03/05/2026,72.5,'=1+1\r\n"),
    ],
)
def test_csv_is_written_as_the_readers_language_writes_dates_numbers_and_lists(language, line):
    """A Russian or Ukrainian Excel splits on ';' and reads 72,5 and 05.03.2026; an English one on ','."""
    import datetime
    from decimal import Decimal

    from django.utils import translation

    name = {"ru": "Иванова", "uk": "Іваненко", "en": "Smith"}[language]
    with translation.override(language):
        text = "".join(csv_stream([[name, datetime.date(2026, 3, 5), Decimal("72.5"), "=1+1"]]))
    assert text == "\ufeff" + line
