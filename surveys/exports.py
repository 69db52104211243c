"""CSV (streamed, UTF-8 with BOM for Excel) and XLSX (openpyxl write-only) exports of survey results."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator

from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook

from .models import Question
from .selectors import ResultFilter, SurveyResults, raw_answers


class _Echo:
    def write(self, value):
        return value


def _safe(value):
    """Cells that a spreadsheet would run as a formula are prefixed with a quote."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def distribution_rows(results: SurveyResults) -> Iterator[list]:
    yield [_("Question"), "1, %", "2, %", "3, %", "4, %", "5, %", _("Mean"), "n"]
    for row in results.likert:
        yield [_safe(row.question.text), *row.percents, row.mean, row.n]
    for row in results.choices:
        for text, count, percent in row.options:
            yield [_safe(f"{row.question.text} — {text}"), percent, "", "", "", "", "", count]


def raw_rows(survey, flt: ResultFilter) -> Iterator[list]:
    questions = {q.pk: q.text for q in Question.objects.filter(survey=survey)}
    header = [_("Response"), _("Question"), _("Value"), _("Choice"), _("Text"), _("Cohort")]
    if not survey.is_anonymous:
        header += [_("Email"), _("Name"), _("Submitted at")]
    yield header
    numbers: dict = {}
    for row in raw_answers(survey=survey, flt=flt):
        # Anonymous: responses are numbered 1, 2, 3… in the export instead of exposing their keys.
        number = numbers.setdefault(row[0], len(numbers) + 1)
        values = [number, questions.get(row[1], ""), *row[2:]]
        if not survey.is_anonymous and values[-1] is not None:
            values[-1] = values[-1].isoformat(timespec="seconds")
        yield [_safe(v) for v in values]


def csv_response(rows: Iterable[list], filename: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def stream():
        yield "\ufeff"
        for row in rows:
            yield writer.writerow(["" if v is None else v for v in row])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def write_file(rows: Iterable[list], handle, *, fmt: str, title: str) -> None:
    """Write rows to an open binary file: XLSX (openpyxl write-only) or CSV (UTF-8 with BOM)."""
    if fmt == "csv":
        text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
        writer = csv.writer(text)
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])
        text.flush()
        text.detach()
        return
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "data")
    for row in rows:
        sheet.append(row)
    workbook.save(handle)


def xlsx_response(rows: Iterable[list], filename: str, title: str) -> FileResponse:
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    write_file(rows, handle, fmt="xlsx", title=title)
    handle.seek(0)
    return FileResponse(
        handle, as_attachment=True, filename=f"{filename}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
