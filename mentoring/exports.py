"""Report exports: CSV streamed (UTF-8 with BOM for Excel, formula injection neutralised) and XLSX
written by openpyxl in write-only mode. The rows come from SQL aggregates, one per school."""

import csv
import io

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from . import selectors

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A text cell starting like a formula is prefixed with ' so a spreadsheet shows it as text."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _header() -> list[str]:
    return [
        _("Municipality"),
        _("School"),
        _("Young teachers"),
        _("With a mentor"),
        _("Without a mentor"),
        _("Active pairs"),
        _("Goals completed"),
        _("Meetings held"),
        _("Average feedback (1-5)"),
    ]


def coverage_rows(*, user):
    yield _header()
    qs = selectors.report_coverage_by_school(user=user).values_list(
        "municipality__name",
        "name",
        "young_total",
        "young_mentored",
        "young_unmentored",
        "active_pairs_n",
        "goals_done_n",
        "meetings_held_n",
        "feedback_avg",
    )
    for row in qs.iterator(chunk_size=500):
        *rest, avg = row
        yield [*rest, round(float(avg), 2) if avg is not None else ""]


class _Echo:
    def write(self, value):
        return value


def _filename(ext: str) -> str:
    return f"mentoring-coverage-{timezone.localdate():%Y%m%d}.{ext}"


def coverage_csv_response(*, user) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def stream():
        yield "\ufeff"
        for row in coverage_rows(user=user):
            yield writer.writerow([safe_cell(v) for v in row])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response


def coverage_xlsx_response(*, user) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Coverage")[:31])
    for row in coverage_rows(user=user):
        sheet.append([safe_cell(v) for v in row])
    months = workbook.create_sheet(title=_("Meetings per month")[:31])
    months.append([_("Month"), _("Meetings held")])
    for item in selectors.report_meetings_per_month(user=user):
        months.append([item["month"].strftime("%Y-%m"), item["meetings"]])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename("xlsx")}"'
    return response
