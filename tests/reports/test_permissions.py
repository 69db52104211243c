"""Scoping: a school administrator never sees or exports another school's rows (URL, filters, API)."""

import csv
import io
import uuid

import pytest

from pdplatform.reports.models import ExportJob
from tests.factories import CuratorFactory, MunicipalAdminFactory, TeacherFactory, api_secret_for

pytestmark = pytest.mark.django_db


def _emails_csv(response):
    body = b"".join(response.streaming_content).decode("utf-8")[1:]
    return {r[1] for r in list(csv.reader(io.StringIO(body)))[1:]}


def test_other_school_in_the_filter_is_refused_not_shown(client, world):
    client.force_login(world["admin_a"])
    page = client.get("/reports/", {"school": world["school_b"].pk})
    assert page.status_code == 400
    assert "olga@example.org" not in page.content.decode()
    assert "Unknown value" in page.content.decode()
    export = client.get("/reports/export.csv", {"school": world["school_b"].pk})
    assert export.status_code == 400
    assert b"olga" not in export.content


def test_page_and_export_only_show_own_school(client, world):
    client.force_login(world["admin_b"])
    html = client.get("/reports/").content.decode()
    assert "olga@example.org" in html and "anna@example.org" not in html
    assert _emails_csv(client.get("/reports/export.csv")) == {"olga@example.org"}
    assert _emails_csv(client.get("/reports/export.csv", {"cohort": world["cohort"].pk})) == {
        "olga@example.org"
    }


def test_api_with_a_token_is_scoped_too(client, world):
    auth = {"HTTP_AUTHORIZATION": f"Token {api_secret_for(world['admin_b'])}"}
    data = client.get("/api/v1/reports/school/", **auth).json()
    assert [r["email"] for r in data["results"]] == ["olga@example.org"]
    bad = client.get("/api/v1/reports/school/", {"school": world["school_a"].pk}, **auth)
    assert bad.status_code == 400
    assert "anna" not in bad.content.decode()
    assert client.get(f"/api/v1/reports/cohorts/{world['cohort'].pk}/", **auth).status_code == 404
    assert client.get("/api/v1/reports/monitoring/", **auth).status_code == 403


def test_municipal_admin_sees_every_school_of_the_municipality(client, world):
    client.force_login(MunicipalAdminFactory(municipality=world["municipality"]))
    assert _emails_csv(client.get("/reports/export.csv")) == {
        "anna@example.org",
        "boris@example.org",
        "olga@example.org",
    }
    assert client.get("/reports/monitoring/").status_code == 200


def test_other_municipality_admin_sees_nothing(client, world):
    client.force_login(MunicipalAdminFactory())
    assert _emails_csv(client.get("/reports/export.csv")) == set()


@pytest.mark.parametrize(
    "url",
    [
        "/reports/",
        "/reports/teachers/",
        "/reports/export.csv",
        "/reports/monitoring/",
        "/reports/monitoring/export.xlsx",
    ],
)
def test_teacher_is_refused(client, world, url):
    client.force_login(world["anna"])
    assert client.get(url).status_code == 403


def test_school_admin_has_no_monitoring(client, world):
    client.force_login(world["admin_a"])
    assert client.get("/reports/monitoring/").status_code == 403


def test_anonymous_goes_to_login(client, world):
    assert client.get("/reports/").status_code == 302
    assert client.get("/api/v1/reports/school/").status_code in (401, 403)


def test_cohort_report_only_for_its_curators(client, world):
    url = f"/reports/cohorts/{world['cohort'].pk}/"
    client.force_login(CuratorFactory())
    assert client.get(url).status_code == 404
    assert client.get(url + "export.csv").status_code == 404
    curator = CuratorFactory()
    world["cohort"].curators.add(curator)
    client.force_login(curator)
    response = client.get(url)
    assert response.status_code == 200
    assert "olga@example.org" in response.content.decode()


def test_someone_elses_export_job_is_a_404(client, world):
    job = ExportJob.objects.create(
        requested_by=world["admin_a"], report="school", fmt="csv", state=ExportJob.State.DONE
    )
    client.force_login(world["admin_b"])
    assert client.get(f"/reports/jobs/{job.pk}/").status_code == 404
    assert client.get(f"/reports/jobs/{job.pk}/download/").status_code == 404
    assert client.get(f"/reports/jobs/{uuid.uuid4()}/download/").status_code == 404
    client.force_login(TeacherFactory())
    assert client.get(f"/reports/jobs/{job.pk}/download/").status_code == 404


def test_export_log_is_visible_to_superusers_only(client, world):
    from pdplatform.reports.models import ExportLog
    from tests.factories import UserFactory

    client.force_login(world["admin_a"])
    client.get("/reports/export.csv")
    log = ExportLog.objects.get()
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    page = client.get("/admin/reports/exportlog/")
    assert page.status_code == 200 and str(world["admin_a"]) in page.content.decode()
    assert client.get(f"/admin/reports/exportlog/{log.pk}/change/").status_code == 200
    # the address it had before the move to the reports app leads to the same page
    old = client.get(f"/admin/pdplatform/exportlog/{log.pk}/change/?_popup=1")
    assert (old.status_code, old.headers["Location"]) == (
        301,
        f"/admin/reports/exportlog/{log.pk}/change/?_popup=1",
    )
    client.force_login(CuratorFactory())
    assert client.get("/admin/reports/exportlog/").status_code == 403
