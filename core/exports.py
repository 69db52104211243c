"""The export bits every app shares (DESIGN: shared UI bits live in pdplatform).

- `neutralise`: a text cell a spreadsheet would run as a formula (=, +, -, @, tab or carriage
  return first) gets a leading apostrophe — in headers and data, CSV and XLSX alike.
- `csv_stream`: rows → UTF-8 CSV text with a BOM (so Excel opens Cyrillic right), produced
  lazily for `StreamingHttpResponse`, in constant memory.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse

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


def csv_stream(rows: Iterable[list]) -> Iterator[str]:
    """A BOM, then each row as a CSV line: None becomes empty, formula-like text is neutralised."""
    writer = csv.writer(Echo())
    yield "\ufeff"
    for row in rows:
        yield writer.writerow(["" if value is None else neutralise(value) for value in row])


def csv_streaming_response(rows: Iterable[list], filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_stream(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
