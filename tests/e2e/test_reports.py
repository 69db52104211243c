"""A school administrator filters their report and downloads it as XLSX (only their school's rows)."""

import pytest
from openpyxl import load_workbook

from tests.reports.factories import learning_world

pytestmark = pytest.mark.e2e


def test_school_admin_filters_and_downloads_xlsx(page, live_server, login_as, shot, tmp_path, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    world = learning_world()
    login_as(world["admin_a"])
    page.goto(f"{live_server.url}/cabinet/")
    page.get_by_role("link", name="Reports").first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#report-rows tbody tr").count() == 2
    assert "olga@example.org" not in page.content()
    shot("reports-school")
    page.select_option("#id_state", "completed")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#row-count").inner_text() == "1 row"
    assert page.locator("#report-rows tbody tr").count() == 1
    shot("reports-school-filtered")
    with page.expect_download() as info:
        page.locator("#export-xlsx").click()
    download = info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert download.suggested_filename == "school-report.xlsx"
    rows = list(load_workbook(path).worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][1] == "anna@example.org"
    page.get_by_role("link", name="Hours and three-year cycle").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#teacher-hours tbody tr").count() == 2
    shot("reports-teachers")
