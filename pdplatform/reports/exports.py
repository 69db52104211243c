"""The reports' exports are core/exports.py's (the one export module); these names stay importable from
here for the code that imports them from the reports app."""

from __future__ import annotations

from core.exports import (
    XLSX_CONTENT_TYPE,
    Column,
    Counter,
    Sheet,
    csv_lines,
    csv_response,
    neutralise,
    write_csv,
    write_xlsx,
    xlsx_response,
)

__all__ = [
    "XLSX_CONTENT_TYPE",
    "Column",
    "Counter",
    "Sheet",
    "csv_lines",
    "csv_response",
    "neutralise",
    "write_csv",
    "write_xlsx",
    "xlsx_response",
]
