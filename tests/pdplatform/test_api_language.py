"""Issue #17: API messages speak the caller's language — their profile's language when they are known
(session or token), else the one their client asks for (Accept-Language)."""

import pytest
from rest_framework.test import APIClient

from tests.cohorts.factories import CohortFactory
from tests.factories import TeacherFactory, api_secret_for

pytestmark = [pytest.mark.django_db, pytest.mark.site_language]

NO_SCHOOL_REPORT = {
    "ru": "Отчёт по школе вам недоступен.",
    "uk": "Звіт по школі вам недоступний.",
    "en": "You have no school report.",
}


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_secret_for(user)}")
    return client


@pytest.mark.parametrize("language", ["ru", "uk", "en"])
@pytest.mark.parametrize("path", ["/api/v1/reports/school/", "/api/v1/reports/teachers/"])
def test_a_token_caller_is_refused_in_their_own_language(language, path):
    # The client asks for English; the person chose their language in the profile: theirs wins.
    response = token_client(TeacherFactory(preferred_language=language)).get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert response.json()["detail"] == NO_SCHOOL_REPORT[language]


def test_monitoring_refusal_is_russian_for_a_russian_teacher():
    response = token_client(TeacherFactory(preferred_language="ru")).get("/api/v1/reports/monitoring/")
    assert response.status_code == 403
    assert response.json()["detail"] == "Мониторинг муниципалитета доступен только его администраторам."


@pytest.mark.parametrize("language", ["ru", "uk"])
def test_an_anonymous_caller_gets_the_language_their_client_asks_for(client, language):
    response = client.get("/api/v1/certificates/verify/nope/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404
    english = client.get("/api/v1/certificates/verify/nope/", HTTP_ACCEPT_LANGUAGE="en").json()["detail"]
    assert english == "No certificate with this verification code was issued on this platform."
    assert response.json()["detail"] != english


def test_enrolling_without_consent_is_refused_in_russian():
    # As on the page: consent is a required tick, refused with the same words.
    cohort = CohortFactory()
    response = token_client(TeacherFactory(preferred_language="ru")).post(
        f"/api/v1/cohorts/{cohort.pk}/enrol/", {"consent": False}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["consent"] == ["Обязательное поле."]
