"""Reports API: token authentication, same rows as the page, documented in the OpenAPI schema."""

import pytest

from pdplatform.reports.models import ExportLog
from tests.factories import CuratorFactory, MunicipalAdminFactory, api_secret_for

pytestmark = pytest.mark.django_db


def _auth(user):
    return {"HTTP_AUTHORIZATION": f"Token {api_secret_for(user)}"}


def test_school_rows_with_a_token(client, world):
    data = client.get("/api/v1/reports/school/", {"sort": "teacher"}, **_auth(world["admin_a"])).json()
    assert data["count"] == 2
    anna = data["results"][1]
    assert anna["email"] == "anna@example.org"
    assert anna["state"] == "completed" and anna["progress_percent"] == 75
    assert anna["average_score"] == 9.0 and anna["attendance_percent"] == 50
    assert anna["feedback_filled"] is True and anna["starts_on"] == world["cohort"].starts_on.isoformat()
    log = ExportLog.objects.get()
    assert (log.via, log.fmt, log.rows) == ("api", "json", 2)


def test_teachers_hours(client, world):
    data = client.get("/api/v1/reports/teachers/", **_auth(world["admin_a"])).json()
    by_email = {r["email"]: r for r in data["results"]}
    assert by_email["anna@example.org"]["hours_3y"] == 36
    assert by_email["boris@example.org"]["courses_3y"] == 0


def test_cohort_report_for_its_curator(client, world):
    curator = CuratorFactory()
    world["cohort"].curators.add(curator)
    data = client.get(f"/api/v1/reports/cohorts/{world['cohort'].pk}/", **_auth(curator)).json()
    assert len(data["rows"]) == 3
    assert [s["school"] for s in data["schools"]] == ["School A", "School B"]
    assert data["first_response"] is None


def test_monitoring(client, world):
    admin = MunicipalAdminFactory(municipality=world["municipality"])
    data = client.get("/api/v1/reports/monitoring/", **_auth(admin)).json()
    assert data["totals"]["teachers"] == 3
    assert {s["school"] for s in data["by_school"]} == {"School A", "School B"}
    assert client.get("/api/v1/reports/monitoring/", {"year": "x"}, **_auth(admin)).status_code == 400


def test_bad_token_is_refused(client, world):
    assert client.get("/api/v1/reports/school/", HTTP_AUTHORIZATION="Token nope").status_code in (401, 403)


def test_schema_documents_the_reports(client):
    schema = client.get("/api/schema/").content.decode()
    for path in (
        "/api/v1/reports/school/",
        "/api/v1/reports/teachers/",
        "/api/v1/reports/cohorts/{cohort_id}/",
        "/api/v1/reports/monitoring/",
    ):
        assert path in schema
    assert "EnrollmentRow" in schema
