"""Issue #21 item 4: every CSV export of the project opens right — `;` for a ru/uk reader, `,` for an en one,
`?sep=comma|semicolon` overrides, a bad `sep` is a 400 in the reader's language that writes nothing; CSV keeps
neutralising formula-like text, XLSX stores it as a string cell with the exact text under a styled header."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import User
from mentoring.models import Feedback
from pdplatform.reports.models import ExportJob, ExportLog
from surveys import services as survey_services
from tests.cohorts.factories import CohortFactory, EnrollmentFactory
from tests.factories import CuratorFactory, MunicipalAdminFactory, SchoolFactory, TeacherFactory
from tests.mentoring.factories import ActivePairFactory, MeetingFactory, MentorFactory, YoungTeacherFactory
from tests.reports.factories import learning_world
from tests.surveys.factories import feedback_survey

pytestmark = pytest.mark.django_db

BAD_SEP_RU = "Неизвестный разделитель CSV «tab»: выберите «semicolon» (;) или «comma» (,)."


def _as(client, user, language: str):
    User.objects.filter(pk=user.pk).update(preferred_language=language)
    client.force_login(user)
    client.cookies["django_language"] = language
    return {"HTTP_ACCEPT_LANGUAGE": language}


def _body(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return body[1:]


def _header_line(response) -> str:
    return _body(response).splitlines()[0]


@pytest.fixture
def reports_world(db):
    world = learning_world()
    world["curator"] = CuratorFactory()
    world["cohort"].curators.add(world["curator"])
    return world


@pytest.fixture
def survey_world(settings):
    settings.SURVEYS_ANONYMITY_K = 3
    curator = TeacherFactory(roles=["curator"])
    cohort = CohortFactory(curators=[curator])
    survey, questions = feedback_survey(cohorts=[cohort], anonymous=True)
    for i in range(6):
        e = EnrollmentFactory(cohort=cohort)
        survey_services.response_submit(
            survey=survey,
            user=e.teacher,
            cohort=cohort,
            answers={questions[0].pk: 1 + i % 5, questions[1].pk: 5, questions[2].pk: f"=cmd{i}"},
        )
    return {"curator": curator, "survey": survey}


@pytest.fixture
def mentoring_world(db):
    school = SchoolFactory(name="=Школа 1")
    pair = ActivePairFactory(mentee=YoungTeacherFactory(school=school), mentor=MentorFactory(school=school))
    MeetingFactory(pair=pair)
    Feedback.objects.create(pair=pair, period=1, availability=4, usefulness=4, advice=4, confidence=4)
    return {"admin": MunicipalAdminFactory(municipality=school.municipality), "school": school}


def _exports(kind, worlds):
    """(user, URL) of each CSV export of the project."""
    if kind in ("school", "teachers", "cohort"):
        w = worlds["reports"]
        url = {
            "school": "/reports/export.csv",
            "teachers": "/reports/teachers/export.csv",
            "cohort": f"/reports/cohorts/{w['cohort'].pk}/export.csv",
        }[kind]
        return (w["admin_a"] if kind != "cohort" else w["curator"]), url
    if kind.startswith("survey-"):
        w = worlds["survey"]
        return w["curator"], reverse(
            "surveys:export", args=[w["survey"].pk, kind.removeprefix("survey-"), "csv"]
        )
    w = worlds["mentoring"]
    return w["admin"], reverse("mentoring:report_export", args=["csv"])


KINDS = ["school", "teachers", "cohort", "survey-distribution", "survey-raw", "mentoring"]


@pytest.fixture
def worlds(request):
    return {
        "reports": request.getfixturevalue("reports_world"),
        "survey": request.getfixturevalue("survey_world"),
        "mentoring": request.getfixturevalue("mentoring_world"),
    }


@pytest.mark.site_language
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("language", "delimiter"), [("ru", ";"), ("uk", ";"), ("en", ",")])
def test_each_csv_opens_with_the_readers_delimiter(client, worlds, kind, language, delimiter):
    user, url = _exports(kind, worlds)
    headers = _as(client, user, language)
    line = _header_line(client.get(url, **headers))
    other = "," if delimiter == ";" else ";"
    fields = next(csv.reader([line], delimiter=delimiter))
    assert len(fields) >= 4
    assert len(fields) > len(next(csv.reader([line], delimiter=other)))
    # the same header as the one asked for with that delimiter by name
    sep = "semicolon" if delimiter == ";" else "comma"
    assert _header_line(client.get(url, {"sep": sep}, **headers)) == line


@pytest.mark.site_language
@pytest.mark.parametrize("kind", KINDS)
def test_sep_overrides_the_language_default(client, worlds, kind):
    user, url = _exports(kind, worlds)
    headers = _as(client, user, "ru")
    comma = list(csv.reader(io.StringIO(_body(client.get(url, {"sep": "comma"}, **headers))), delimiter=","))
    semicolon = list(
        csv.reader(io.StringIO(_body(client.get(url, {"sep": "semicolon"}, **headers))), delimiter=";")
    )
    assert comma == semicolon
    assert len(comma[0]) >= 4


@pytest.mark.site_language
@pytest.mark.parametrize("kind", KINDS)
def test_a_bad_sep_is_a_400_in_the_readers_language_and_writes_nothing(client, worlds, kind):
    user, url = _exports(kind, worlds)
    headers = _as(client, user, "ru")
    response = client.get(url, {"sep": "tab"}, **headers)
    assert response.status_code == 400
    assert BAD_SEP_RU in response.content.decode()
    assert ExportLog.objects.count() == 0


@pytest.mark.site_language
def test_the_english_message_for_a_bad_sep(client, worlds):
    user, url = _exports("mentoring", worlds)
    headers = _as(client, user, "en")
    response = client.get(url, {"sep": ";"}, **headers)
    assert response.status_code == 400
    assert "Unknown CSV separator “;”: choose “semicolon” (;) or “comma” (,)." in response.content.decode()


def test_csv_still_neutralises_formula_like_text(client, worlds):
    user, url = _exports("mentoring", worlds)
    client.force_login(user)
    rows = list(csv.reader(io.StringIO(_body(client.get(url, {"sep": "comma"})))))
    assert rows[1][1] == "'=Школа 1"
    user, url = _exports("survey-raw", worlds)
    client.force_login(user)
    rows = list(csv.reader(io.StringIO(_body(client.get(url, {"sep": "comma"})))))
    assert sorted(r[4] for r in rows[1:] if r[4]) == [f"'=cmd{i}" for i in range(6)]


def _workbook(response):
    assert response.status_code == 200
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_xlsx_text_that_looks_like_a_formula_is_a_string_cell_with_the_exact_text(client, start):
    school = SchoolFactory(name=f"{start}1+2 школа")
    ActivePairFactory(mentee=YoungTeacherFactory(school=school), mentor=MentorFactory(school=school))
    client.force_login(MunicipalAdminFactory(municipality=school.municipality))
    sheet = _workbook(client.get(reverse("mentoring:report_export", args=["xlsx"]))).worksheets[0]
    cell = sheet.cell(row=2, column=2)
    assert (cell.value, cell.data_type) == (f"{start}1+2 школа", "s")


def test_survey_workbooks_are_styled_like_the_reports_with_exact_text(
    client, worlds, django_capture_on_commit_callbacks
):
    w = worlds["survey"]
    client.force_login(w["curator"])
    url = reverse("surveys:export", args=[w["survey"].pk, "distribution", "xlsx"])
    book = _workbook(client.get(url))
    sheet = book.worksheets[0]
    assert sheet.title == "Distribution"
    header = sheet.cell(row=1, column=1)
    assert (header.value, header.font.b, header.fill.fgColor.rgb) == ("Section", True, "00305496")
    assert sheet.freeze_panes == "A2"
    # the raw answers: a worker's workbook (eager here), its texts exact string cells under the same header
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("surveys:export", args=[w["survey"].pk, "raw", "xlsx"]))
    assert response.status_code == 302
    from surveys.models import ExportJob as SurveyExportJob

    job = SurveyExportJob.objects.get()
    raw = load_workbook(job.file.open("rb")).worksheets[0]
    assert raw.title == "Raw answers"
    assert raw.cell(row=1, column=1).font.b is True
    texts = sorted(c.value for c in raw["E"][1:] if c.value)
    assert texts == [f"=cmd{i}" for i in range(6)]
    assert {c.data_type for c in raw["E"][1:] if c.value} == {"s"}


def test_a_background_csv_keeps_the_chosen_delimiter(client, settings, django_capture_on_commit_callbacks):
    settings.REPORTS_EXPORT_ASYNC_ROWS = 1
    world = learning_world()
    client.force_login(world["admin_a"])
    with django_capture_on_commit_callbacks(execute=True):  # an English requester, `;` chosen
        response = client.get("/reports/export.csv", {"sort": "teacher", "sep": "semicolon"})
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert job.params == {"sort": "teacher", "sep": "semicolon"}
    body = job.file.open("rb").read().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert [r[1] for r in rows[1:]] == ["boris@example.org", "anna@example.org"]


@pytest.mark.site_language
def test_survey_and_mentoring_workbooks_speak_russian(client, worlds, django_capture_on_commit_callbacks):
    w = worlds["survey"]
    headers = _as(client, w["curator"], "ru")
    url = reverse("surveys:export", args=[w["survey"].pk, "distribution", "xlsx"])
    sheet = _workbook(client.get(url, **headers)).worksheets[0]
    assert (sheet.title, sheet["A1"].value, sheet["B1"].value) == ("Распределение", "Раздел", "Вопрос")
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("surveys:export", args=[w["survey"].pk, "raw", "xlsx"]), **headers)
    from surveys.models import ExportJob as SurveyExportJob

    raw = load_workbook(SurveyExportJob.objects.get().file.open("rb")).worksheets[0]
    assert (raw.title, raw["A1"].value) == ("Исходные ответы", "Ответ")
    m = worlds["mentoring"]
    headers = _as(client, m["admin"], "ru")
    book = _workbook(client.get(reverse("mentoring:report_export", args=["xlsx"]), **headers))
    assert [s.title for s in book.worksheets] == ["Охват", "Встречи по месяцам"]
    assert book.worksheets[0]["A1"].value == "Муниципалитет"
    assert book.worksheets[0]["A1"].font.b is True


def test_a_job_with_a_bad_stored_sep_fails_with_the_message_and_writes_no_file():
    from pdplatform.reports.services import export_job_run

    world = learning_world()
    job = ExportJob.objects.create(
        requested_by=world["admin_a"], report="school", fmt="csv", params={"sep": "tab"}
    )
    job = export_job_run(job_id=job.pk)
    assert (job.state, job.error, bool(job.file)) == (
        "failed",
        "Unknown CSV separator “tab”: choose “semicolon” (;) or “comma” (,).",
        False,
    )
    assert ExportLog.objects.count() == 0
