"""Reading a school's teacher list (CSV or XLSX) for the bulk import: the file is checked by
core/uploads.py (type from content, size), then read into plain rows; the rules are in services.py."""

import csv
import io

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from core.uploads import UploadRefused, inspect_upload

IMPORT_MAX_BYTES = 2 * 1024 * 1024
IMPORT_MAX_ROWS = 1000
# The columns, in any order; a header may use the English key or the Russian / Ukrainian word.
COLUMNS = {
    "name": {"name", "full name", "фио", "имя", "піб", "ім'я"},
    "email": {"email", "e-mail", "почта", "пошта"},
    "subject": {"subject", "предмет"},
    "position": {"position", "должность", "посада"},
    "start_date": {"start date", "start_date", "дата начала", "дата початку"},
}


class ImportFileError(UploadRefused):
    """The file as a whole cannot be read (type, size, columns); the message is for the user."""


def _header_key(cell) -> str | None:
    text = " ".join(str(cell or "").strip().lower().split())
    for key, names in COLUMNS.items():
        if text in names:
            return key
    return None


def read_teacher_file(upload) -> list[dict]:
    """Rows as {"row": n (1-based, the header is row 1), "name": …, "email": …, …} (all strings)."""
    checked = inspect_upload(upload, allowed={"txt", "xlsx"}, max_bytes=IMPORT_MAX_BYTES)
    upload.seek(0)
    if checked.kind.extension == "xlsx":
        sheet = load_workbook(upload, read_only=True, data_only=True).worksheets[0]
        table = [["" if cell is None else cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    else:
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportFileError(_("The CSV file must be in UTF-8."), code="encoding") from None
        delimiter = ";" if text.split("\n", 1)[0].count(";") >= text.split("\n", 1)[0].count(",") else ","
        table = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if not table:
        raise ImportFileError(_("The file has no rows."), code="empty")
    header = [_header_key(cell) for cell in table[0]]
    missing = [key for key in COLUMNS if key not in header]
    if missing:
        raise ImportFileError(
            _("Row 1: the columns must be name, email, subject, position, start date; missing: %(missing)s.")
            % {"missing": ", ".join(key.replace("_", " ") for key in missing)},
            code="columns",
        )
    rows = []
    for number, values in enumerate(table[1:], start=2):
        if not any(str(value).strip() for value in values):
            continue
        row = {"row": number}
        for index, key in enumerate(header):
            if key is not None:
                value = values[index] if index < len(values) else ""
                row[key] = value.isoformat()[:10] if hasattr(value, "isoformat") else str(value).strip()
        rows.append(row)
    if len(rows) > IMPORT_MAX_ROWS:
        raise ImportFileError(
            _("At most %(count)d teachers per file.") % {"count": IMPORT_MAX_ROWS}, code="too_many"
        )
    if not rows:
        raise ImportFileError(_("The file has no teachers under its header."), code="empty")
    return rows
