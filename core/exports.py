"""The export bits every app shares (DESIGN: shared UI bits live in pdplatform).

- `neutralise`: a text cell a spreadsheet would run as a formula (=, +, -, @, tab or carriage
  return first) gets a leading apostrophe — in headers and data, CSV and XLSX alike.
- `csv_stream`: rows → UTF-8 CSV text with a BOM (so Excel opens Cyrillic right), produced
  lazily for `StreamingHttpResponse`, in constant memory. Written for the reader's language (the
  active one): dates and numbers as that language writes them, and for ru/uk the `;` delimiter a
  Russian or Ukrainian Excel expects (their decimal comma would split a `,`-separated line).
  XLSX keeps real dates and numbers, which the spreadsheet shows by its own locale.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.http import StreamingHttpResponse
from django.utils import formats, timezone, translation

SEMICOLON_LANGUAGES = frozenset({"ru", "uk"})

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value):
    """A text cell that begins like a formula gets a leading apostrophe; numbers and dates stay as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class Echo:
    """A file-like object whose write() returns the line, for csv.writer in a generator."""

    def write(self, value):
        return value


def csv_delimiter(language: str | None = None) -> str:
    """`;` for ru/uk readers, `,` otherwise (the active language when none is given)."""
    return ";" if (language or translation.get_language() or "").split("-")[0] in SEMICOLON_LANGUAGES else ","


def csv_cell(value):
    """One value as the reader's language writes it: dates and times (local time) in its short formats,
    decimals with its separator; None empty; formula-like text neutralised."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return formats.date_format(value, "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, (Decimal, float)):
        return formats.number_format(value, use_l10n=True)
    return neutralise(value)


def csv_stream(rows: Iterable[list]) -> Iterator[str]:
    """A BOM, then each row as a CSV line in the reader's language (`csv_delimiter`, `csv_cell`)."""
    writer = csv.writer(Echo(), delimiter=csv_delimiter())
    yield "\ufeff"
    for row in rows:
        yield writer.writerow([csv_cell(value) for value in row])


def csv_streaming_response(rows: Iterable[list], filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_stream(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
