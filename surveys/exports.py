"""CSV (streamed, UTF-8 with BOM for Excel) and XLSX (openpyxl write-only) exports of survey results."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator

from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook

from core.exports import XLSX_CONTENT_TYPE, csv_cell, csv_delimiter, csv_streaming_response, neutralise

from .models import Question
from .selectors import AreaBreakdown, ResultFilter, SurveyResults, raw_answers


def distribution_rows(results: SurveyResults) -> Iterator[list]:
    """One row per aspect in the reading's order, each naming its section: whole percents and counts of 1–5,
    n, mean, the share of negative answers and the vulnerable flag; then the choice questions' options."""
    upto = results.negative_upto
    yield [
        _("Section"),
        _("Question"),
        *(f"{v}, %" for v in range(1, 6)),
        *(f"{v}, n" for v in range(1, 6)),
        "n",
        _("Mean"),
        _("Negative 1–%(upto)s, %%") % {"upto": upto},
        _("Vulnerable (over %(threshold)s%%)") % {"threshold": results.survey.vulnerable_threshold},
    ]
    for row in results.likert:
        yield [
            neutralise(row.section.title),
            neutralise(row.question.text),
            *row.percents,
            *row.counts,
            row.n,
            row.mean,
            row.negative_percent,
            _("vulnerable") if row.vulnerable else "",
        ]
    for choice in results.choices:
        for text, count, percent in choice.options:
            yield [
                neutralise(choice.question.section.title),
                neutralise(f"{choice.question.text} — {text}"),
                percent,
                *([""] * 9),
                count,
                "",
                "",
                "",
            ]


def breakdown_rows(breakdown: AreaBreakdown, *, k: int) -> Iterator[list]:
    """One row per school (or municipality): n and the mean per Likert aspect; hidden ones say so."""
    group = _("School") if breakdown.by == "school" else _("Municipality")
    yield [group, "n", *(neutralise(q.text) for q in breakdown.questions)]
    hidden = _("fewer than %(k)s responses") % {"k": k}
    for row in breakdown.rows:
        if row.hidden:
            yield [neutralise(row.name), hidden, *("" for _q in breakdown.questions)]
        else:
            yield [neutralise(row.name), row.n, *("" if m is None else m for m in row.means)]


def raw_rows(survey, flt: ResultFilter) -> Iterator[list]:
    questions = {q.pk: q.text for q in Question.objects.filter(section__survey=survey)}
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
        yield [neutralise(v) for v in values]


def csv_response(rows: Iterable[list], filename: str) -> StreamingHttpResponse:
    return csv_streaming_response(rows, f"{filename}.csv")


def write_file(rows: Iterable[list], handle, *, fmt: str, title: str) -> None:
    """Write rows to an open binary file: XLSX (openpyxl write-only) or CSV (UTF-8 with BOM)."""
    if fmt == "csv":
        text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
        writer = csv.writer(text, delimiter=csv_delimiter())
        for row in rows:
            writer.writerow([csv_cell(v) for v in row])
        text.flush()
        text.detach()
        return
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "data")
    for row in rows:
        sheet.append([neutralise(v) for v in row])
    workbook.save(handle)


def xlsx_response(rows: Iterable[list], filename: str, title: str) -> FileResponse:
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    write_file(rows, handle, fmt="xlsx", title=title)
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )
