"""An event's registration list as CSV or XLSX, for its organiser and the community's moderators.

Through core/exports.py (the one export module): CSV streamed in the reader's language (`csv_streaming_response`),
XLSX by openpyxl in write-only mode with every text cell `neutralise`d, so a name such as `=HYPERLINK(…)`
never runs as a formula. Rows: the registered first, then the waiting list, each in the order people asked.
Names and schools only: the list never carries e-mail addresses (members never agreed to share them).
"""

import io
import zoneinfo
from collections.abc import Iterator

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook

from core.exports import XLSX_CONTENT_TYPE, csv_streaming_response, neutralise

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


def registrations_csv_response(event: Event) -> StreamingHttpResponse:
    return csv_streaming_response(registration_rows(event), _filename(event, "csv"))


def registrations_xlsx_response(event: Event) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Registrations")[:31])
    for row in registration_rows(event):
        sheet.append([neutralise(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename(event, "xlsx")}"'
    return response
