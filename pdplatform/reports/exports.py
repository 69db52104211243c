"""One CSV/XLSX export helper for every report.

- CSV is streamed (`StreamingHttpResponse`), UTF-8 with a BOM so that Excel opens Cyrillic right.
- XLSX uses openpyxl's write-only workbook (rows go straight to a temporary file, never held in
  memory): a bold filled header, the top row frozen, column widths, dates as dates, numbers as numbers.
- Text cells a spreadsheet would run as a formula (=, +, -, @, tab, carriage return first) are
  prefixed with an apostrophe, in both formats.
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

from core.exports import XLSX_CONTENT_TYPE, Echo, csv_cell, csv_delimiter, neutralise

__all__ = ["XLSX_CONTENT_TYPE", "Column", "Sheet", "neutralise", "csv_response", "write_csv", "write_xlsx"]


@dataclass(frozen=True)
class Column:
    header: str | Promise  # a lazy translation, rendered in the reader's language
    kind: str = "text"  # text, int, number, percent, date, datetime, bool
    width: int = 16


@dataclass
class Sheet:
    title: str | Promise
    columns: list[Column]
    rows: Iterable[list]


def _plain(value, kind: str):
    """A cell's CSV text in the reader's language (core.exports.csv_cell); yes/no as 1/0."""
    if isinstance(value, bool):
        return "1" if value else "0"
    return csv_cell(value)


def _xlsx_value(value):
    if isinstance(value, dt.datetime):
        # Excel has no time zones: local wall-clock time, naive.
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, Decimal):
        return float(value)
    return neutralise(value) if isinstance(value, str) else value


def csv_lines(columns: list[Column], rows: Iterable[list]) -> Iterator[str]:
    writer = csv.writer(Echo(), delimiter=csv_delimiter())
    yield "\ufeff" + writer.writerow([neutralise(c.header) for c in columns])
    kinds = [c.kind for c in columns]
    batch: list[str] = []
    for row in rows:
        batch.append(writer.writerow([_plain(v, k) for v, k in zip(row, kinds, strict=False)]))
        if len(batch) >= 200:  # fewer, larger chunks for the WSGI server; still constant memory
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)


def csv_response(columns: list[Column], rows: Iterable[list], filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(columns, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def write_csv(handle, columns: list[Column], rows: Iterable[list]) -> None:
    """CSV into an open binary file (a worker's export)."""
    for line in csv_lines(columns, rows):
        handle.write(line.encode("utf-8"))


_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="305496")
_FORMATS = {"date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm", "percent": "0", "number": "0.0", "int": "0"}


def _sheet_title(title: str) -> str:
    for ch in "[]:*?/\\":
        title = title.replace(ch, " ")
    return title[:31] or "data"


def write_xlsx(handle, sheets: list[Sheet], on_row: Callable[[int], None] | None = None) -> int:
    """Write one workbook with a sheet per table to an open binary file; returns the data rows written."""
    workbook = Workbook(write_only=True)
    written = 0
    for spec in sheets:
        sheet = workbook.create_sheet(title=_sheet_title(str(spec.title)))
        sheet.freeze_panes = "A2"
        for index, column in enumerate(spec.columns, start=1):
            from openpyxl.utils import get_column_letter

            sheet.column_dimensions[get_column_letter(index)].width = column.width
        header = []
        for column in spec.columns:
            cell = WriteOnlyCell(sheet, value=neutralise(str(column.header)))
            cell.font = _HEADER_FONT
            cell.fill = _HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            header.append(cell)
        sheet.append(header)
        formats = [_FORMATS.get(c.kind) for c in spec.columns]
        for row in spec.rows:
            out = []
            for value, fmt in zip(row, formats, strict=False):
                value = _xlsx_value(value)
                if fmt in ("yyyy-mm-dd", "yyyy-mm-dd hh:mm") and value is not None:
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.number_format = fmt
                    out.append(cell)
                else:
                    out.append(value)
            sheet.append(out)
            written += 1
            if on_row is not None:
                on_row(written)
    workbook.save(handle)
    return written


def xlsx_response(sheets: list[Sheet], filename: str) -> FileResponse:
    """The workbook goes to a temporary file on disk and is sent from there (memory stays flat)."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    write_xlsx(handle, sheets)
    handle.seek(0)
    return FileResponse(
        handle, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_CONTENT_TYPE
    )


class Counter:
    """Wraps a row iterator and counts what went through (for the export log)."""

    def __init__(self, rows: Iterable[list]):
        self.rows = rows
        self.count = 0

    def __iter__(self):
        for row in self.rows:
            self.count += 1
            yield row
