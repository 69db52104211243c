"""Report exports, through core/exports.py (the one export module): CSV streamed (UTF-8 with BOM for Excel,
the reader's delimiter, formula-like text neutralised) and XLSX written by openpyxl in write-only mode (the
reports' header styling, text as string cells). The rows come from SQL aggregates, one per school."""

import tempfile

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exports import Column, Sheet, csv_streaming_response, write_xlsx, xlsx_file_response

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


def _coverage_values(*, user):
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


def coverage_rows(*, user):
    yield _header()
    yield from _coverage_values(user=user)


def _filename(ext: str) -> str:
    return f"mentoring-coverage-{timezone.localdate():%Y%m%d}.{ext}"


def coverage_csv_response(*, user, delimiter: str | None = None) -> StreamingHttpResponse:
    return csv_streaming_response(coverage_rows(user=user), _filename("csv"), delimiter)


def coverage_xlsx_response(*, user) -> FileResponse:
    widths = [24, 30, 10, 10, 10, 10, 10, 10, 12]
    kinds = ["text", "text", "int", "int", "int", "int", "int", "int", "number"]
    coverage = Sheet(
        _("Coverage"),
        [Column(h, k, w) for h, k, w in zip(_header(), kinds, widths, strict=True)],
        _coverage_values(user=user),
    )
    months = Sheet(
        _("Meetings per month"),
        [Column(_("Month"), width=12), Column(_("Meetings held"), "int", 14)],
        (
            [item["month"].strftime("%Y-%m"), item["meetings"]]
            for item in selectors.report_meetings_per_month(user=user)
        ),
    )
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    write_xlsx(handle, [coverage, months])
    return xlsx_file_response(handle, _filename("xlsx").removesuffix(".xlsx"))
