"""An event's registration list as CSV or XLSX, for its organiser and the community's moderators.

Through core/exports.py (the one export module): CSV streamed with the reader's delimiter (`?sep=`, else `;` in
ru/uk) and formula-like text neutralised; XLSX with every text a string cell, so a name such as
`=HYPERLINK(…)` is shown as typed and never runs. Rows: the registered first, then the waiting list, each in the order people asked.
Names and schools only: the list never carries e-mail addresses (members never agreed to share them).
"""

import zoneinfo
from collections.abc import Iterator

from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from core.exports import csv_delimiter, csv_streaming_response, rows_sheet, xlsx_response

from . import selectors
from .models import Event, RegistrationStatus


def registration_rows(event: Event) -> Iterator[list]:
    yield [_("No."), _("Name"), _("School"), _("Status"), _("Place on the waiting list"), _("Asked at")]
    tz = zoneinfo.ZoneInfo(event.time_zone)
    for status in (RegistrationStatus.REGISTERED, RegistrationStatus.WAITING):
        label = RegistrationStatus(status).label
        queue = selectors.event_registrations(event, status=status)
        for number, registration in enumerate(queue.iterator(chunk_size=500), start=1):
            user = registration.user
            yield [
                number,
                user.full_name or _("(no name given)"),
                user.school.name if user.school else "",
                str(label),
                number if status == RegistrationStatus.WAITING else None,
                registration.created_at.astimezone(tz).replace(tzinfo=None),
            ]


def _filename(event: Event, ext: str) -> str:
    return f"event-{event.pk}-registrations.{ext}"


def registrations_csv_response(event: Event, sep: str | None = None) -> StreamingHttpResponse:
    """`sep`: the reader's choice (a core.exports.CSV_SEPARATORS key), else their language's delimiter."""
    return csv_streaming_response(registration_rows(event), _filename(event, "csv"), csv_delimiter(sep=sep))


def registrations_xlsx_response(event: Event, sep: str | None = None) -> FileResponse:
    sheet = rows_sheet(registration_rows(event), _("Registrations"), widths=(6, 32, 32, 20, 12, 18))
    return xlsx_response([sheet], _filename(event, "xlsx").removesuffix(".xlsx"))
