"""The reports' FilterSets: a bad value is the same translated message on the page (400, the message
shown, no rows), in the export (400, no log) and in the API (400, {"detail": [lines]})."""

import pytest

from pdplatform.reports.models import ExportLog
from tests.factories import api_secret_for

pytestmark = pytest.mark.django_db

NOT_YOURS = {
    "en": "Unknown value: it is not one of the choices you may use.",
    "ru": "Неизвестное значение: его нет среди доступных вариантов.",
}


def _auth(user):
    return {"HTTP_AUTHORIZATION": f"Token {api_secret_for(user)}"}


def _speaking(user, lang):
    user.preferred_language = lang
    user.save(update_fields=["preferred_language"])
    return user


def school_cases(world):
    other = world["school_b"].pk
    return [
        ("en", {"school": other}, f"School: {NOT_YOURS['en']}"),
        ("ru", {"school": other}, f"Школа: {NOT_YOURS['ru']}"),
        ("en", {"course": "abc"}, f"Course: {NOT_YOURS['en']}"),
        ("ru", {"cohort": "abc"}, f"Поток: {NOT_YOURS['ru']}"),
        ("en", {"date_from": "2026-13-45"}, "From: Enter a valid date."),
        ("ru", {"date_from": "2026-13-45"}, "С: Введите правильную дату."),
        ("en", {"state": "flying"}, "State: Unknown value: flying."),
        ("ru", {"state": "flying"}, "Состояние: Неизвестное значение: flying."),
        ("en", {"year": "1800"}, "School year: Unknown value: 1800."),
        ("ru", {"date_from": "2026-05-01", "date_to": "2026-04-01"}, "Конец периода раньше его начала."),
    ]


@pytest.mark.parametrize("case", range(10))
def test_school_report_bad_filter_is_one_message_everywhere(client, world, case):
    lang, params, message = school_cases(world)[case]
    admin = _speaking(world["admin_a"], lang)
    client.force_login(admin)
    page = client.get("/reports/", params, HTTP_ACCEPT_LANGUAGE=lang)
    assert page.status_code == 400
    assert page.context["filter_errors"] == [message]
    body = page.content.decode()
    assert f"<li>{message}</li>" in body
    assert "anna@example.org" not in body and "olga@example.org" not in body
    export = client.get("/reports/export.csv", params, HTTP_ACCEPT_LANGUAGE=lang)
    assert export.status_code == 400
    assert message in export.content.decode()
    client.logout()
    api = client.get("/api/v1/reports/school/", params, HTTP_ACCEPT_LANGUAGE=lang, **_auth(admin))
    assert api.status_code == 400
    assert api.json() == {"detail": [message]}
    assert ExportLog.objects.count() == 0


@pytest.mark.parametrize(
    ("lang", "params", "message"),
    [
        ("en", {"show": "zzz"}, "Show: Unknown value: zzz."),
        ("ru", {"show": "zzz"}, "Показать: Неизвестное значение: zzz."),
        ("ru", {"subject": "x"}, f"Преподаваемый предмет: {NOT_YOURS['ru']}"),
    ],
)
def test_teachers_report_bad_filter_is_one_message_everywhere(client, world, lang, params, message):
    admin = _speaking(world["admin_a"], lang)
    client.force_login(admin)
    page = client.get("/reports/teachers/", params, HTTP_ACCEPT_LANGUAGE=lang)
    assert page.status_code == 400
    assert page.context["filter_errors"] == [message]
    client.logout()
    api = client.get("/api/v1/reports/teachers/", params, HTTP_ACCEPT_LANGUAGE=lang, **_auth(admin))
    assert api.status_code == 400
    assert api.json() == {"detail": [message]}
    assert ExportLog.objects.count() == 0


def test_teachers_report_other_school_is_unknown(client, world):
    admin = _speaking(world["admin_a"], "en")
    api = client.get("/api/v1/reports/teachers/", {"school": world["school_b"].pk}, **_auth(admin))
    assert api.status_code == 400
    assert api.json() == {"detail": [f"School: {NOT_YOURS['en']}"]}


@pytest.mark.parametrize(
    ("lang", "message"),
    [("en", "School year: Unknown value: 1800."), ("ru", "Учебный год: Неизвестное значение: 1800.")],
)
def test_monitoring_bad_year_is_one_message_everywhere(client, world, lang, message):
    from tests.factories import MunicipalAdminFactory

    admin = _speaking(MunicipalAdminFactory(municipality=world["municipality"]), lang)
    client.force_login(admin)
    page = client.get("/reports/monitoring/", {"year": "1800"}, HTTP_ACCEPT_LANGUAGE=lang)
    assert page.status_code == 400
    assert page.context["filter_errors"] == [message]
    client.logout()
    api = client.get(
        "/api/v1/reports/monitoring/", {"year": "1800"}, HTTP_ACCEPT_LANGUAGE=lang, **_auth(admin)
    )
    assert api.status_code == 400
    assert api.json() == {"detail": [message]}


def test_good_filters_give_the_same_rows_on_the_page_and_in_the_api(client, world):
    admin = world["admin_a"]
    params = {"cohort": world["cohort"].pk, "state": "completed", "sort": "teacher"}
    client.force_login(admin)
    page = client.get("/reports/", params)
    assert page.status_code == 200
    assert page.context["filter_errors"] == []
    client.logout()
    api = client.get("/api/v1/reports/school/", params, **_auth(admin))
    assert api.status_code == 200
    assert [r["email"] for r in api.json()["results"]] == ["anna@example.org"]
    assert ExportLog.objects.get().filters == {
        "cohort": world["cohort"].pk,
        "state": "completed",
        "sort": "teacher",
    }


def test_the_schema_documents_the_report_filters(client):
    schema = client.get("/api/schema/").content.decode()
    school = schema[schema.index("/api/v1/reports/school/:") : schema.index("/api/v1/reports/teachers/:")]
    for name in (
        "year",
        "date_from",
        "date_to",
        "course",
        "cohort",
        "state",
        "subject",
        "school",
        "sort",
        "page",
    ):
        assert f"name: {name}\n" in school, name
