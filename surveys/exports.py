"""CSV (streamed, UTF-8 with BOM for Excel, the reader's delimiter) and XLSX exports of survey results, through
core/exports.py (the one export module): the rows here carry plain values, CSV neutralises formula-like text,
XLSX writes it as string cells under the reports' header styling.

Raw answers: openpyxl write-only (constant memory, any size). The distribution (one row per question, so
small whatever the number of answers) is built in openpyxl's normal mode, which alone can hold a chart: a
native stacked bar of the Likert questions' shares of 1–5 over the same cells."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator

from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference

from core.exports import (
    csv_delimiter,
    csv_stream,
    csv_streaming_response,
    rows_sheet,
    write_xlsx,
    xlsx_file_response,
    xlsx_header,
    xlsx_row,
    xlsx_widths,
)

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
            row.section.title,
            row.question.text,
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
                choice.question.section.title,
                f"{choice.question.text} — {text}",
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
    yield [group, "n", *(q.text for q in breakdown.questions)]
    hidden = _("fewer than %(k)s responses") % {"k": k}
    for row in breakdown.rows:
        if row.hidden:
            yield [row.name, hidden, *("" for _q in breakdown.questions)]
        else:
            yield [row.name, row.n, *("" if m is None else m for m in row.means)]


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
        yield values


# The sheet each export's workbook names, in the reader's language.
SHEET_TITLES = {
    "raw": gettext_lazy("Raw answers"),
    "distribution": gettext_lazy("Distribution"),
    "school": gettext_lazy("By school"),
    "municipality": gettext_lazy("By municipality"),
}


def sheet_title_for(what: str) -> str:
    return str(SHEET_TITLES.get(what, what))


def csv_response(rows: Iterable[list], filename: str, delimiter: str | None = None) -> StreamingHttpResponse:
    return csv_streaming_response(rows, f"{filename}.csv", delimiter)


def write_file(rows: Iterable[list], handle, *, fmt: str, title: str, delimiter: str | None = None) -> None:
    """Write rows (the first is the header) to an open binary file: XLSX (write-only, the reports' header
    styling, text as string cells) or CSV (UTF-8 with BOM, the reader's delimiter)."""
    if fmt == "csv":
        for line in csv_stream(rows, delimiter or csv_delimiter()):
            handle.write(line.encode("utf-8"))
        return
    write_xlsx(handle, [rows_sheet(rows, sheet_title_for(title), widths=(12, 60, 10, 24, 40, 24))])


def distribution_xlsx(results: SurveyResults, handle, *, title: str) -> None:
    """The distribution sheet with a native chart: one 100% stacked bar per Likert question, its series the
    "1, %" … "5, %" columns (C–G) of the Likert rows (which come first), its categories the question texts (B)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title_for(title)[:31]
    rows = distribution_rows(results)
    sheet.append(xlsx_header(sheet, next(rows)))
    for row in rows:
        sheet.append(xlsx_row(sheet, row))
    sheet.freeze_panes = "A2"
    xlsx_widths(sheet, [24, 60, *([9] * 10), 8, 9, 14, 16])
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
    return xlsx_file_response(handle, filename)


def xlsx_response(rows: Iterable[list], filename: str, title: str) -> FileResponse:
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    write_file(rows, handle, fmt="xlsx", title=title)
    return xlsx_file_response(handle, filename)
