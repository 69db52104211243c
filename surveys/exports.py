"""CSV (streamed, UTF-8 with BOM for Excel) and XLSX exports of survey results.

Raw answers: openpyxl write-only (constant memory, any size). The distribution (one row per question, so
small whatever the number of answers) is built in openpyxl's normal mode, which alone can hold a chart: a
native stacked bar of the Likert questions' shares of 1–5 over the same cells."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator

from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference

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


def distribution_xlsx(results: SurveyResults, handle, *, title: str) -> None:
    """The distribution sheet with a native chart: one 100% stacked bar per Likert question, its series the
    "1, %" … "5, %" columns (C–G) of the Likert rows (which come first), its categories the question texts (B)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31] or "data"
    for row in distribution_rows(results):
        sheet.append([neutralise(v) for v in row])
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 60
    count = len(results.likert)
    if count:
        chart = BarChart()
        chart.type = "bar"
        chart.grouping = "percentStacked"
        chart.overlap = 100
        chart.title = _("Distribution of answers, %")
        chart.y_axis.title = "%"
        chart.y_axis.delete = False
        chart.x_axis.delete = False
        chart.x_axis.scaling.orientation = "maxMin"  # the first question on top, as in the sheet
        chart.add_data(
            Reference(sheet, min_col=3, max_col=7, min_row=1, max_row=1 + count), titles_from_data=True
        )
        chart.set_categories(Reference(sheet, min_col=2, min_row=2, max_row=1 + count))
        for series, colour in zip(
            chart.series, ("C0392B", "E67E22", "BDC3C7", "5DADE2", "1F618D"), strict=True
        ):
            series.graphicalProperties.solidFill = colour
            series.graphicalProperties.line.solidFill = colour
        chart.width, chart.height = 24, max(7.5, 1.2 * count + 3)
        sheet.add_chart(chart, "R2")  # right of the last column (P)
    workbook.save(handle)


def distribution_xlsx_response(results: SurveyResults, filename: str, title: str) -> FileResponse:
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    distribution_xlsx(results, handle, title=title)
    handle.seek(0)
    return FileResponse(
        handle, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_CONTENT_TYPE
    )


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
