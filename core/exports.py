"""The one export module: CSV and XLSX for every app (reports, surveys, mentoring, communities).

- CSV: `csv_stream` / `csv_streaming_response` (rows of values) and `csv_lines` / `csv_response` /
  `write_csv` (a header of `Column`s, then rows): UTF-8 text with a BOM (so Excel opens Cyrillic right),
  produced lazily for `StreamingHttpResponse`, in constant memory. Written for the reader's language (the
  active one): dates and numbers as that language writes them. The delimiter is the reader's choice —
  `?sep=semicolon|comma` (`csv_separator`, a bad value is `ExportParamError` with a message for the
  user) — and by default `;` for ru/uk readers (a Russian or Ukrainian Excel expects it; their decimal
  comma would split a `,`-separated line), `,` otherwise (`csv_delimiter`).
- `neutralise`: a CSV text cell a spreadsheet would run as a formula (=, +, -, @, tab or carriage
  return first) gets a leading apostrophe. CSV only: a CSV cell has no type, the program guesses.
- XLSX: `write_xlsx` (write-only openpyxl: rows go straight to a temporary file) and the cell makers the
  other workbooks use (`xlsx_header`, `xlsx_row`): a bold filled header, the top row frozen, column
  widths, dates as dates, numbers as numbers, and every text as a *string cell* — its exact text, no
  apostrophe, never a formula (an XLSX cell carries its type, so there is nothing to neutralise).
"""

from __future__ import annotations

import csv
import datetime
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import formats, timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

SEMICOLON_LANGUAGES = frozenset({"ru", "uk"})

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The `sep` parameter of every CSV export link: its values and the delimiter each one means.
SEP_PARAM = "sep"
CSV_SEPARATORS = {"semicolon": ";", "comma": ","}


class ExportParamError(ValidationError):
    """An export parameter with a value the platform does not know; the message is for the user."""


def bad_param_response(request, error: ExportParamError, back_url: str) -> HttpResponse:
    """The page a refused export parameter gets: 400, the message in the reader's language, a link back."""
    return render(
        request,
        "exports/bad_param.html",
        {"message": " ".join(error.messages), "back_url": back_url},
        status=400,
    )


def neutralise(value):
    """A text cell that begins like a formula gets a leading apostrophe; numbers and dates stay as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class Echo:
    """A file-like object whose write() returns the line, for csv.writer in a generator."""

    def write(self, value):
        return value


def default_separator(language: str | None = None) -> str:
    """The `sep` value a reader of `language` (the active one when none is given) gets without choosing."""
    base = (language or translation.get_language() or "").split("-")[0]
    return "semicolon" if base in SEMICOLON_LANGUAGES else "comma"


def csv_separator(data: Mapping | None, language: str | None = None) -> str:
    """The `sep` a request asked for (`semicolon` or `comma`), or the reader's default when it asked for none.

    Raises ExportParamError (its message in the active language) for any other value."""
    value = (data or {}).get(SEP_PARAM) or ""
    if not value:
        return default_separator(language)
    if value not in CSV_SEPARATORS:
        raise ExportParamError(
            _("Unknown CSV separator “%(value)s”: choose “semicolon” (;) or “comma” (,)."),
            code="bad_separator",
            params={"value": str(value)[:40]},
        )
    return value


def csv_delimiter(language: str | None = None, *, sep: str | None = None) -> str:
    """The delimiter for `sep` (a `CSV_SEPARATORS` key) when given, else `;` for ru/uk readers and `,`
    otherwise (the active language when none is given)."""
    if sep:
        return CSV_SEPARATORS[sep]
    return CSV_SEPARATORS[default_separator(language)]


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
    if isinstance(value, Promise):
        value = str(value)
    return neutralise(value)


def csv_stream(rows: Iterable[list], delimiter: str | None = None) -> Iterator[str]:
    """A BOM, then each row as a CSV line in the reader's language (`csv_delimiter`, `csv_cell`)."""
    writer = csv.writer(Echo(), delimiter=delimiter or csv_delimiter())
    yield "\ufeff"
    for row in rows:
        yield writer.writerow([csv_cell(value) for value in row])


def csv_streaming_response(
    rows: Iterable[list], filename: str, delimiter: str | None = None
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_stream(rows, delimiter), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- tables with typed columns (reports; any export with a header of known kinds) ---------------


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


def _plain(value):
    """A cell's CSV text in the reader's language (`csv_cell`); yes/no as 1/0."""
    if isinstance(value, bool):
        return "1" if value else "0"
    return csv_cell(value)


def csv_lines(columns: list[Column], rows: Iterable[list], delimiter: str | None = None) -> Iterator[str]:
    """A BOM and the header, then the rows, in chunks of 200 lines (fewer, larger writes; constant memory)."""
    writer = csv.writer(Echo(), delimiter=delimiter or csv_delimiter())
    yield "\ufeff" + writer.writerow([csv_cell(c.header) for c in columns])
    batch: list[str] = []
    for row in rows:
        batch.append(writer.writerow([_plain(v) for v in row]))
        if len(batch) >= 200:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)


def csv_response(
    columns: list[Column], rows: Iterable[list], filename: str, delimiter: str | None = None
) -> StreamingHttpResponse:
    """`filename` without its extension."""
    response = StreamingHttpResponse(
        csv_lines(columns, rows, delimiter), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def write_csv(handle, columns: list[Column], rows: Iterable[list], delimiter: str | None = None) -> None:
    """CSV into an open binary file (a worker's export)."""
    for line in csv_lines(columns, rows, delimiter):
        handle.write(line.encode("utf-8"))


# --- XLSX ---------------------------------------------------------------------------------------

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="305496")
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="top")
_DATE_FORMATS = {"date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm"}


def sheet_title(title: str | Promise) -> str:
    """A sheet name Excel accepts: no []:*?/\\, at most 31 characters."""
    text = str(title)
    for ch in "[]:*?/\\":
        text = text.replace(ch, " ")
    return text[:31] or "data"


def xlsx_value(value):
    """A value as XLSX stores it: aware datetimes as local wall-clock time (Excel has no time zones),
    decimals as floats, lazy translations as their text."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, Promise):
        return str(value)
    return value


def xlsx_cell(sheet, value, kind: str = ""):
    """One cell: text is a string cell holding the exact text (never a formula, no apostrophe), a date or
    datetime column gets its number format, anything else keeps its type."""
    value = xlsx_value(value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would make "=…" a formula; a string cell is shown as typed
    elif value is not None and kind in _DATE_FORMATS:
        cell.number_format = _DATE_FORMATS[kind]
    return cell


def xlsx_row(sheet, values: Iterable, kinds: Iterable[str] = ()) -> list:
    """A row of `xlsx_cell`s for `sheet.append` (write-only and normal workbooks alike)."""
    kinds = list(kinds)
    return [xlsx_cell(sheet, v, kinds[i] if i < len(kinds) else "") for i, v in enumerate(values)]


def xlsx_header(sheet, labels: Iterable) -> list:
    """The header row's cells: bold white text on the reports' blue, wrapped (every workbook alike)."""
    cells = []
    for label in labels:
        cell = xlsx_cell(sheet, label)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = HEADER_ALIGNMENT
        cells.append(cell)
    return cells


def xlsx_widths(sheet, widths: Iterable[int]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def write_xlsx(handle, sheets: list[Sheet], on_row: Callable[[int], None] | None = None) -> int:
    """Write one workbook with a sheet per table to an open binary file; returns the data rows written."""
    workbook = Workbook(write_only=True)
    written = 0
    for spec in sheets:
        sheet = workbook.create_sheet(title=sheet_title(spec.title))
        sheet.freeze_panes = "A2"
        xlsx_widths(sheet, [c.width for c in spec.columns])
        sheet.append(xlsx_header(sheet, [c.header for c in spec.columns]))
        kinds = [c.kind for c in spec.columns]
        for row in spec.rows:
            sheet.append(xlsx_row(sheet, row, kinds))
            written += 1
            if on_row is not None:
                on_row(written)
    workbook.save(handle)
    return written


def rows_sheet(rows: Iterable[list], title: str | Promise, widths: Iterable[int] = ()) -> Sheet:
    """Rows whose first row is the header (survey and mentoring exports) as a `Sheet` of text columns."""
    iterator = iter(rows)
    header = next(iterator, [])
    widths = list(widths)
    columns = [Column(label, width=widths[i] if i < len(widths) else 16) for i, label in enumerate(header)]
    return Sheet(title, columns, iterator)


def xlsx_file_response(handle, filename: str) -> FileResponse:
    """A written workbook (an open temporary file, rewound here) as a download; `filename` with no extension."""
    handle.seek(0)
    return FileResponse(
        handle, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_CONTENT_TYPE
    )


def xlsx_response(sheets: list[Sheet], filename: str) -> FileResponse:
    """The workbook goes to a temporary file on disk and is sent from there (memory stays flat)."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    write_xlsx(handle, sheets)
    return xlsx_file_response(handle, filename)


class Counter:
    """Wraps a row iterator and counts what went through (for the export log)."""

    def __init__(self, rows: Iterable[list]):
        self.rows = rows
        self.count = 0

    def __iter__(self):
        for row in self.rows:
            self.count += 1
            yield row
