"""Report pages: filters, sorting, pagination, bad input, query counts, background exports."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from notifications.models import Notification
from pdplatform.reports.models import ExportJob, ExportLog
from tests.cohorts.factories import CohortFactory, EnrollmentFactory
from tests.factories import SubjectFactory, TeacherFactory
from tests.reports.factories import learning_world

pytestmark = pytest.mark.django_db


def test_filters_state_subject_and_course(client, world):
    maths = SubjectFactory(code="maths", name="Maths")
    world["anna"].subjects.add(maths)
    client.force_login(world["admin_a"])
    assert "anna@example.org" in client.get("/reports/", {"subject": maths.pk}).content.decode()
    html = client.get("/reports/", {"subject": maths.pk}).content.decode()
    assert "boris@example.org" not in html
    html = client.get("/reports/", {"state": "enrolled"}).content.decode()
    assert "boris@example.org" in html and "anna@example.org" not in html
    other = CohortFactory(title="Autumn group")
    EnrollmentFactory(cohort=other, teacher=world["anna"])
    html = (
        client.get("/reports/", {"course": world["course"].pk}).content.decode().split('id="report-rows"')[1]
    )
    assert "Autumn group" not in html and "Spring group" in html


def test_period_and_school_year(client, world):
    client.force_login(world["admin_a"])
    today = timezone.localdate()
    future = client.get("/reports/", {"date_from": (today + dt.timedelta(days=400)).isoformat()})
    assert "1 row" not in future.content.decode() and "0 rows" in future.content.decode()
    year = today.year if today.month >= 9 else today.year - 1
    assert "2 rows" in client.get("/reports/", {"year": year}).content.decode()


def test_sorting_and_pagination(client, world, settings):
    settings.PAGE_SIZE = 1
    client.force_login(world["admin_a"])
    first = client.get("/reports/", {"sort": "teacher"}).content.decode()
    assert "boris@example.org" in first and "anna@example.org" not in first  # '=' sorts before 'A'
    second = client.get("/reports/", {"sort": "teacher", "page": 2}).content.decode()
    assert "anna@example.org" in second
    desc = client.get("/reports/", {"sort": "-progress"}).content.decode()
    assert "anna@example.org" in desc


@pytest.mark.parametrize(
    "params",
    [
        {"course": "999999"},
        {"course": "abc"},
        {"state": "flying"},
        {"cohort": "-1"},
        {"sort": "password"},
        {"subject": "0"},
        {"year": "1800"},
        {"date_from": "2026-13-45"},
    ],
)
def test_unknown_filter_values_are_a_clear_message(client, world, params):
    client.force_login(world["admin_a"])
    response = client.get("/reports/", params)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Please correct the filters" in body
    assert "anna@example.org" not in body
    export = client.get("/reports/export.xlsx", params)
    assert export.status_code == 400
    assert ExportLog.objects.count() == 0


def test_period_end_before_start(client, world):
    client.force_login(world["admin_a"])
    params = {"date_from": "2026-05-01", "date_to": "2026-04-01"}
    response = client.get("/reports/", params)
    assert response.status_code == 400
    assert "The end of the period is before its start." in response.content.decode()
    export = client.get("/reports/export.csv", params)
    assert export.status_code == 400
    assert "The end of the period is before its start." in export.content.decode()
    api = client.get("/api/v1/reports/school/", params)
    assert api.status_code == 400


def test_unknown_export_format_is_404(client, world):
    client.force_login(world["admin_a"])
    assert client.get("/reports/export.pdf").status_code == 404


def _grow(world, n):
    for i in range(n):
        teacher = TeacherFactory(school=world["school_a"], full_name=f"More {i}")
        EnrollmentFactory(cohort=world["cohort"], teacher=teacher)


@pytest.mark.parametrize("url", ["/reports/", "/reports/teachers/"])
def test_query_count_does_not_grow(client, world, django_assert_max_num_queries, url):
    client.force_login(world["admin_a"])
    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == 200
    _grow(world, 25)
    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == 200


def test_cohort_and_monitoring_query_counts(client, world, django_assert_max_num_queries):
    from tests.factories import CuratorFactory, MunicipalAdminFactory

    curator = CuratorFactory()
    world["cohort"].curators.add(curator)
    admin = MunicipalAdminFactory(municipality=world["municipality"])
    for user, url, limit in [
        (curator, f"/reports/cohorts/{world['cohort'].pk}/", 16),
        (admin, "/reports/monitoring/", 16),
    ]:
        client.force_login(user)
        with django_assert_max_num_queries(limit):
            assert client.get(url).status_code == 200
    _grow(world, 25)
    for user, url, limit in [
        (curator, f"/reports/cohorts/{world['cohort'].pk}/", 16),
        (admin, "/reports/monitoring/", 16),
    ]:
        client.force_login(user)
        with django_assert_max_num_queries(limit):
            assert client.get(url).status_code == 200


def test_large_export_runs_as_a_job_owner_downloads_and_is_notified(client, world, settings):
    settings.REPORTS_EXPORT_ASYNC_ROWS = 1
    client.force_login(world["admin_a"])
    response = client.get("/reports/export.xlsx", {"sort": "teacher"})
    assert response.status_code == 302
    job = ExportJob.objects.get()
    # Eager Celery in tests: on_commit callbacks run when the test's transaction would commit.
    from pdplatform.reports.services import export_job_run

    export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.state, job.total, job.done, job.params) == ("done", 2, 2, {"sort": "teacher"})
    page = client.get(response["Location"])
    assert "Download" in page.content.decode()
    progress = client.get(response["Location"], HTTP_HX_REQUEST="true")
    assert 'id="job-progress"' in progress.content.decode() and "<html" not in progress.content.decode()
    download = client.get(f"/reports/jobs/{job.pk}/download/")
    book = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert book.worksheets[0].max_row == 3
    note = Notification.objects.get(recipient=world["admin_a"], kind="export_ready")
    assert note.url == f"/reports/jobs/{job.pk}/"
    assert ExportLog.objects.get(via="task").rows == 2
    export_job_run(job_id=job.pk)  # idempotent
    assert Notification.objects.filter(kind="export_ready").count() == 1


def test_job_not_ready_yet_says_so(client, world):
    job = ExportJob.objects.create(requested_by=world["admin_a"], report="school", fmt="csv")
    client.force_login(world["admin_a"])
    response = client.get(f"/reports/jobs/{job.pk}/download/")
    assert response.status_code == 409
    assert "not ready" in response.content.decode()
    assert 'hx-trigger="every 1s"' in client.get(f"/reports/jobs/{job.pk}/").content.decode()


def test_curator_goes_to_cohort_list(client, world):
    from tests.factories import CuratorFactory

    curator = CuratorFactory()
    world["cohort"].curators.add(curator)
    client.force_login(curator)
    response = client.get("/reports/", follow=True)
    assert "Spring group" in response.content.decode()
    page = client.get(f"/reports/cohorts/{world['cohort'].pk}/").content.decode()
    assert "School A" in page and "School B" in page


def test_monitoring_page_and_workbook(client, settings):
    from tests.factories import MunicipalAdminFactory

    w = learning_world()
    admin = MunicipalAdminFactory(municipality=w["municipality"])
    client.force_login(admin)
    html = client.get("/reports/monitoring/").content.decode()
    assert "<svg" in html and "School A" in html
    assert client.get("/reports/monitoring/", {"year": "abc"}).status_code == 400
    response = client.get("/reports/monitoring/export.xlsx")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert len(book.worksheets) == 5
    rows = list(book.worksheets[0].iter_rows(min_row=2, values_only=True))
    assert rows == [("School A", 2, 1, 1, 50), ("School B", 1, 0, 0, 0)]


def test_school_report_filtered_by_cohort_links_the_certificates_zip(client, world):
    cohort = world["anna"].enrollments.get().cohort
    client.force_login(world["admin_a"])
    assert 'id="certificates-zip"' not in client.get("/reports/").content.decode()
    html = client.get("/reports/", {"cohort": cohort.pk}).content.decode()
    assert f'href="/learn/certificates/cohort/{cohort.pk}/school.zip"' in html
