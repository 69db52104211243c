"""Issue #21 item 5: the reports API's refusals are in the caller's language (Russian by default)."""

import pytest

from accounts.models import User
from tests.factories import SchoolAdminFactory, TeacherFactory, api_secret_for

pytestmark = [pytest.mark.django_db, pytest.mark.site_language]


def _auth(user, language="ru"):
    User.objects.filter(pk=user.pk).update(preferred_language=language)
    token = api_secret_for(user)
    return {"HTTP_AUTHORIZATION": f"Token {token}", "HTTP_ACCEPT_LANGUAGE": language}


@pytest.mark.parametrize("path", ["/api/v1/reports/school/", "/api/v1/reports/teachers/"])
def test_a_teacher_is_refused_the_school_report_in_russian(client, path):
    response = client.get(path, **_auth(TeacherFactory()))
    assert response.status_code == 403
    assert response.json() == {"detail": "Отчёт по школе вам недоступен."}


def test_monitoring_refused_to_a_school_admin_in_russian(client):
    response = client.get("/api/v1/reports/monitoring/", **_auth(SchoolAdminFactory()))
    assert response.status_code == 403
    assert response.json() == {"detail": "Мониторинг муниципалитета доступен только его администраторам."}


def test_another_cohort_is_not_found_in_russian(client, world):
    response = client.get(f"/api/v1/reports/cohorts/{world['cohort'].pk}/", **_auth(TeacherFactory()))
    assert response.status_code == 404
    assert response.json() == {"detail": "Среди ваших потоков такого нет."}


def test_the_same_refusal_in_ukrainian(client):
    response = client.get("/api/v1/reports/school/", **_auth(TeacherFactory(), "uk"))
    assert response.status_code == 403
    assert response.json() == {"detail": "Звіт по школі вам недоступний."}
