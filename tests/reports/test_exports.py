"""CSV and XLSX content parsed back (rows and types), formula neutralising, header-only files."""

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from pdplatform.reports.exports import Column, Sheet, neutralise, write_xlsx
from pdplatform.reports.models import ExportLog

pytestmark = pytest.mark.django_db


def _csv(response, delimiter: str = ",") -> list[list[str]]:
    """The rows of a CSV export; `;`-separated for a ru/uk reader (core.exports.csv_delimiter)."""
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=delimiter))


def _xlsx(response):
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


@pytest.mark.parametrize("value", ["=1+1", "+7", "-3", "@SUM(A1)", "\tx", "\rx"])
def test_formula_like_text_is_neutralised(value):
    assert neutralise(value) == "'" + value


def test_plain_values_are_untouched():
    assert neutralise("Anna") == "Anna"
    assert neutralise(-3) == -3
    assert neutralise(None) is None


def test_school_csv_rows_exactly_as_filtered(client, world):
    client.force_login(world["admin_a"])
    response = client.get("/reports/export.csv", {"sort": "teacher"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = _csv(response)
    assert rows[0][:3] == ["Teacher", "Email", "School"]
    assert len(rows) == 3  # header + School A's two teachers, never School B's
    boris, anna = rows[1], rows[2]
    assert boris[0] == '\'=HYPERLINK("http://x")'
    assert anna[:6] == [
        "Anna Ivanova",
        "anna@example.org",
        "School A",
        "Digital didactics",
        "36",
        "Spring group",
    ]
    assert anna[8:15] == ["Completed", "75", "1", "1", "9.0", "50", "yes"]
    assert "olga@example.org" not in {r[1] for r in rows}
    log = ExportLog.objects.get()
    assert (log.user, log.report, log.fmt, log.rows, log.filters) == (
        world["admin_a"],
        "school",
        "csv",
        2,
        {"sort": "teacher"},
    )


def test_school_xlsx_types_header_and_frozen_row(client, world):
    client.force_login(world["admin_a"])
    response = client.get("/reports/export.xlsx", {"state": "completed"})
    assert response.status_code == 200
    book = _xlsx(response)
    sheet = book.worksheets[0]
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold is True
    assert sheet.column_dimensions["A"].width == 28
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    anna = rows[1]
    assert anna[0] == "Anna Ivanova"
    assert anna[4] == 36 and isinstance(anna[4], int)
    assert isinstance(anna[6], dt.datetime) and anna[6].date() == world["cohort"].starts_on
    assert anna[9] == 75
    assert anna[12] == 9.0
    assert isinstance(anna[15], dt.datetime)
    assert sheet.cell(row=2, column=7).number_format == "yyyy-mm-dd"
    ledger = book.worksheets[1]
    # XLSX: the exact text in a string cell (never a formula, no visible apostrophe).
    assert [r[0] for r in ledger.iter_rows(min_row=2, values_only=True)] == [
        '=HYPERLINK("http://x")',
        "Anna Ivanova",
    ]
    assert ledger.cell(row=2, column=1).data_type == "s"


def test_zero_rows_give_a_valid_file_with_the_header_only(client, world):
    client.force_login(world["admin_a"])
    rows = _csv(client.get("/reports/export.csv", {"state": "withdrawn"}))
    assert len(rows) == 1 and rows[0][0] == "Teacher"
    book = _xlsx(client.get("/reports/export.xlsx", {"state": "withdrawn"}))
    assert list(book.worksheets[0].iter_rows(values_only=True))[0][0] == "Teacher"
    assert book.worksheets[0].max_row == 1


def test_write_xlsx_keeps_numbers_and_dates_and_writes_formula_like_text_as_text(tmp_path):
    path = tmp_path / "x.xlsx"
    with open(path, "wb") as handle:
        write_xlsx(
            handle,
            [
                Sheet(
                    "A/B:C",
                    [Column("=bad"), Column("n", "int"), Column("d", "date")],
                    [["@x", 5, dt.date(2026, 1, 2)]],
                )
            ],
        )
    sheet = load_workbook(path).worksheets[0]
    assert sheet.title == "A B C"
    assert list(sheet.iter_rows(values_only=True)) == [
        ("=bad", "n", "d"),
        ("@x", 5, dt.datetime(2026, 1, 2)),
    ]
    assert (sheet["A1"].data_type, sheet["A2"].data_type) == ("s", "s")


def test_teachers_csv_lists_courses_and_who_has_none(client, world):
    client.force_login(world["admin_a"])
    rows = _csv(client.get("/reports/teachers/export.csv", {"show": "none"}))
    assert [r[1] for r in rows[1:]] == ["boris@example.org"]


def test_cohort_xlsx_has_every_school_and_a_summary(client, world):
    world["cohort"].curators.add(curator := __import__("tests.factories", fromlist=["x"]).CuratorFactory())
    client.force_login(curator)
    book = _xlsx(client.get(f"/reports/cohorts/{world['cohort'].pk}/export.xlsx"))
    emails = {r[1] for r in book.worksheets[0].iter_rows(min_row=2, values_only=True)}
    assert emails == {"anna@example.org", "boris@example.org", "olga@example.org"}
    summary = list(book.worksheets[1].iter_rows(min_row=2, values_only=True))
    assert summary == [("School A", 2, 2, 1, 1), ("School B", 1, 1, 0, 0)]


def test_certificate_number_column(client, world):
    from cohorts.models import Certificate

    e = world["e_anna"]
    Certificate.objects.create(
        enrollment=e,
        number="2026-000042",
        code="abc",
        issued_at=e.completed_at,
        holder_name="Anna Ivanova",
        course_title="Digital didactics",
        hours=36,
        starts_on=e.cohort.starts_on,
        ends_on=e.cohort.ends_on,
        language="en",
        pdf="cohorts/certificates/x.pdf",
    )
    client.force_login(world["admin_a"])
    rows = _csv(client.get("/reports/export.csv", {"state": "completed"}))
    assert rows[1][16] == "2026-000042"


def test_teachers_csv_in_russian_says_hours_and_dates_the_russian_way(client, world):
    from django.utils import timezone

    from accounts.models import User

    User.objects.filter(pk=world["admin_a"].pk).update(preferred_language="ru")
    client.force_login(world["admin_a"])
    client.cookies["django_language"] = "ru"
    rows = _csv(
        client.get("/reports/teachers/export.csv", {"sort": "teacher"}, HTTP_ACCEPT_LANGUAGE="ru"), ";"
    )
    completed = world["anna"].enrollments.get().completed_at
    day = timezone.localtime(completed).strftime("%d.%m.%Y")
    anna = next(r for r in rows[1:] if r[1] == "anna@example.org")
    assert anna[4] == f"Digital didactics (36 часов, {day})"
