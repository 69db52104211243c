"""Report exports: CSV streamed (UTF-8 with BOM for Excel, formula injection neutralised) and XLSX
written by openpyxl in write-only mode. The rows come from SQL aggregates, one per school."""

import io

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from core.exports import XLSX_CONTENT_TYPE, csv_streaming_response, neutralise

from . import selectors


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


def _filename(ext: str) -> str:
    return f"mentoring-coverage-{timezone.localdate():%Y%m%d}.{ext}"


def coverage_csv_response(*, user) -> StreamingHttpResponse:
    return csv_streaming_response(coverage_rows(user=user), _filename("csv"))


def coverage_xlsx_response(*, user) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Coverage")[:31])
    for row in coverage_rows(user=user):
        sheet.append([neutralise(v) for v in row])
    months = workbook.create_sheet(title=_("Meetings per month")[:31])
    months.append([_("Month"), _("Meetings held")])
    for item in selectors.report_meetings_per_month(user=user):
        months.append([item["month"].strftime("%Y-%m"), item["meetings"]])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename("xlsx")}"'
    return response
