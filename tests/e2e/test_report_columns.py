"""A school administrator reading the school report in Russian on a 1366 px laptop and on a phone: the table
fits (columns of their choice, remembered), the teacher's name stays in view while the rest scrolls, and the
CSV opens right (`;` by default, `,` from the split button's menu)."""

import csv
import io

import pytest

from accounts.models import User
from tests.reports.factories import learning_world

pytestmark = pytest.mark.e2e

STICKY_LEFT = """() => {
  const box = document.querySelector('.table-sticky-first');
  box.scrollLeft = box.scrollWidth;
  const cell = document.querySelector('#report-rows tbody tr td:first-child');
  return [box.scrollLeft > 0, Math.round(cell.getBoundingClientRect().left - box.getBoundingClientRect().left),
          getComputedStyle(cell).position];
}"""


def _headers(page) -> list[str]:
    return [h.strip() for h in page.locator("#report-rows thead th").all_inner_texts()]


def _csv(download, tmp_path) -> str:
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    return path.read_text(encoding="utf-8-sig")


def test_school_report_columns_sticky_name_and_csv_delimiter(
    page, live_server, login_as, shot, tmp_path, settings
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    world = learning_world()
    User.objects.filter(pk=world["admin_a"].pk).update(preferred_language="ru")
    page.set_viewport_size({"width": 1366, "height": 860})
    login_as(world["admin_a"])
    page.goto(f"{live_server.url}/reports/")
    page.wait_for_load_state("networkidle")
    # The default columns fit the 1366 px page: no sideways scrolling.
    fits = page.evaluate(
        "() => { const b = document.querySelector('.table-sticky-first'); return [b.scrollWidth, b.clientWidth]; }"
    )
    assert fits[0] <= fits[1], fits
    assert _headers(page)[:3] == ["Учитель", "Эл. почта", "Школа"]
    shot("report-columns-default-1366")

    # Choose the columns: drop the email, add attendance.
    page.locator("#column-chooser-toggle").click()
    page.locator("#col-email").uncheck()
    page.locator("#col-attendance").check()
    shot("report-columns-chooser-1366")
    page.locator("#column-apply").click()
    page.wait_for_load_state("networkidle")
    assert "cols=" in page.url
    headers = _headers(page)
    assert "Эл. почта" not in headers and "Посещаемость, %" in headers and headers[0] == "Учитель"
    assert page.locator("#column-chooser-toggle").inner_text().strip() == "8 столбцов"

    # Remembered: the tab link (no columns in it) comes back with the same columns.
    page.get_by_role("link", name="Педагоги и потоки").first.click()
    page.wait_for_load_state("networkidle")
    assert _headers(page) == headers

    # Every column: the table scrolls sideways, the teacher's name stays at the left edge.
    page.locator("#column-chooser-toggle").click()
    for box in page.locator("#column-form input[type=checkbox]:not([disabled])").all():
        box.check()
    page.locator("#column-apply").click()
    page.wait_for_load_state("networkidle")
    assert len(_headers(page)) == 17
    scrolled, left, position = page.evaluate(STICKY_LEFT)
    assert (scrolled, left, position) == (True, 0, "sticky")
    shot("report-columns-all-scrolled-1366")

    # CSV: the main button is `;` (a Russian Excel), the menu's comma gives `,`.
    with page.expect_download() as info:
        page.locator("#export-csv .csv-export-main").click()
    body = _csv(info.value, tmp_path)
    assert next(csv.reader(io.StringIO(body), delimiter=";"))[:2] == ["Учитель", "Эл. почта"]
    page.locator("#export-csv .csv-export-toggle").click()
    shot("report-csv-menu-1366")
    with page.expect_download() as info:
        page.locator("#export-csv .csv-export-comma").click()
    body = _csv(info.value, tmp_path)
    assert next(csv.reader(io.StringIO(body), delimiter=","))[:2] == ["Учитель", "Эл. почта"]

    # A phone: the same table, the name still pinned while the rest scrolls.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.wait_for_load_state("networkidle")
    scrolled, left, position = page.evaluate(STICKY_LEFT)
    assert (scrolled, left, position) == (True, 0, "sticky")
    shot("report-columns-all-scrolled-phone")
    page.evaluate("() => { document.querySelector('.table-sticky-first').scrollLeft = 0; }")
    shot("report-columns-phone")
    page.set_viewport_size({"width": 1366, "height": 860})
