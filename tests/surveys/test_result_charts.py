"""Results and profile charts as files: the distribution XLSX carries a native chart, the results chart and
the teacher's profile chart download as PNG and SVG — authorized exactly like the results page (scope and
anonymity through the same selector), the profile only the teacher's own; long competency names wrap."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from surveys import services
from surveys.models import Response
from tests.factories import CuratorFactory, MethodologistFactory, TeacherFactory

from .factories import CohortFactory, CompetencyFactory, EnrollmentFactory, diagnostic_survey, feedback_survey

pytestmark = pytest.mark.django_db

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
LONG_NAME = "Искусственный интеллект в работе учителя: инструменты и этика"


@pytest.fixture
def world():
    author, other_methodologist = MethodologistFactory(), MethodologistFactory()
    curator, outside_curator = CuratorFactory(), CuratorFactory()
    mine = CohortFactory(curators=[curator])
    theirs = CohortFactory(curators=[outside_curator])
    small = CohortFactory(curators=[curator])
    survey, questions = feedback_survey(cohorts=[mine, theirs, small], authors=[author], likert=3)
    for cohort, value, people in ((mine, 5, 5), (theirs, 1, 5), (small, 2, 4)):
        for _ in range(people):
            e = EnrollmentFactory(cohort=cohort)
            services.response_submit(
                survey=survey,
                user=e.teacher,
                cohort=cohort,
                answers={q.pk: value for q in questions[:3]},
            )
    return {
        "author": author,
        "other_methodologist": other_methodologist,
        "curator": curator,
        "outside_curator": outside_curator,
        "survey": survey,
        "questions": questions,
        "mine": mine,
        "theirs": theirs,
        "small": small,
    }


def _chart_url(survey, fmt, query=""):
    return reverse("surveys:results_chart", args=[survey.pk, fmt]) + (f"?{query}" if query else "")


# --- the XLSX distribution export carries a native chart -------------------------------------------


def test_distribution_xlsx_has_a_stacked_bar_chart_over_the_percent_cells(client, world):
    client.force_login(world["author"])
    response = client.get(reverse("surveys:export", args=[world["survey"].pk, "distribution", "xlsx"]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]][:7] == ["Section", "Question", "1, %", "2, %", "3, %", "4, %", "5, %"]
    assert [sheet.cell(row=r, column=2).value for r in (2, 3, 4)] == [q.text for q in world["questions"][:3]]
    assert [sheet.cell(row=2, column=c).value for c in range(3, 8)] == [50, 0, 0, 0, 50]
    assert len(sheet._charts) == 1
    chart = sheet._charts[0]
    assert chart.type == "bar"
    assert chart.grouping == "percentStacked"
    title = sheet.title
    assert [s.val.numRef.f for s in chart.series] == [f"'{title}'!${col}$2:${col}$4" for col in "CDEFG"]
    assert {s.cat.strRef.f if s.cat.strRef else s.cat.numRef.f for s in chart.series} == {
        f"'{title}'!$B$2:$B$4"
    }
    assert [s.tx.strRef.f for s in chart.series] == [f"'{title}'!{col}1" for col in "CDEFG"]


def test_distribution_xlsx_of_a_survey_without_likert_questions_has_no_chart(client, world):
    world["survey"].sections.first().questions.filter(kind="likert").update(kind="number")
    client.force_login(world["author"])
    response = client.get(reverse("surveys:export", args=[world["survey"].pk, "distribution", "xlsx"]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.worksheets[0]._charts == []


# --- PNG and SVG downloads of the results chart -----------------------------------------------------


def test_author_downloads_the_results_chart_as_png_and_svg(client, world):
    client.force_login(world["author"])
    png = client.get(_chart_url(world["survey"], "png"))
    assert png.status_code == 200
    assert png["Content-Type"] == "image/png"
    assert (
        png["Content-Disposition"] == f'attachment; filename="survey-{world["survey"].pk}-distribution.png"'
    )
    assert png.content.startswith(PNG_SIGNATURE)
    svg = client.get(_chart_url(world["survey"], "svg"))
    assert svg.status_code == 200
    assert svg["Content-Type"] == "image/svg+xml"
    body = svg.content.decode()
    assert body.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"')
    for question in world["questions"][:3]:
        assert question.text in body
    # 14 visible responses (the cohort of 4 counts nowhere): 5 answered 5 and 5 answered 1 → 50% each.
    assert body.count(">50%<") == 6


def test_results_chart_follows_the_filter(client, world):
    client.force_login(world["author"])
    body = client.get(_chart_url(world["survey"], "svg", f"cohort={world['mine'].pk}")).content.decode()
    assert body.count(">100%<") == 3


def test_curator_gets_only_their_cohorts_in_the_chart(client, world):
    client.force_login(world["curator"])
    body = client.get(_chart_url(world["survey"], "svg")).content.decode()
    assert body.count(">100%<") == 3  # their cohort of 5 (all 5s); the other curator's 1s are not in it


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_another_methodologists_survey_chart_is_404(client, world, fmt):
    client.force_login(world["other_methodologist"])
    assert client.get(_chart_url(world["survey"], fmt)).status_code == 404


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_curator_outside_the_cohort_cannot_ask_for_it(client, world, fmt):
    client.force_login(world["outside_curator"])
    response = client.get(_chart_url(world["survey"], fmt, f"cohort={world['mine'].pk}"))
    assert response.status_code == 400
    assert "This cohort is not one of the survey&#x27;s cohorts you can see." in response.content.decode()


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_anonymous_group_below_k_draws_no_chart(client, world, fmt):
    assert Response.objects.filter(survey=world["survey"], cohort=world["small"]).count() == 0  # still held
    client.force_login(world["author"])
    response = client.get(_chart_url(world["survey"], fmt, f"cohort={world['small'].pk}"))
    assert response.status_code == 403


def test_unknown_chart_format_is_404(client, world):
    client.force_login(world["author"])
    assert client.get(f"/surveys/{world['survey'].pk}/results/chart.gif").status_code == 404


def test_anonymous_visitor_is_sent_to_log_in(client, world):
    response = client.get(_chart_url(world["survey"], "png"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_results_page_links_the_chart_downloads_with_the_filter(client, world):
    client.force_login(world["author"])
    query = f"cohort={world['mine'].pk}"
    body = client.get(reverse("surveys:results", args=[world["survey"].pk]) + "?" + query).content.decode()
    assert f'href="{_chart_url(world["survey"], "png", query)}"' in body
    assert f'href="{_chart_url(world["survey"], "svg", query)}"' in body


# --- the profile chart: full names, own profile only -----------------------------------------------


@pytest.fixture
def teacher_with_profile():
    long = CompetencyFactory(code="D4", name=LONG_NAME)
    short = CompetencyFactory(code="D1", name="Оценивание")
    survey, questions = diagnostic_survey(competencies=[long, short], per_competency=1, threshold=60)
    teacher = TeacherFactory()
    services.response_submit(
        survey=survey, user=teacher, cohort=None, answers={questions[0].pk: 2, questions[1].pk: 5}
    )
    return teacher


def _words(svg: str) -> list[str]:
    return re.findall(r"\w+", " ".join(re.findall(r"<tspan[^>]*>([^<]*)</tspan>", svg)))


def test_profile_page_chart_shows_every_word_of_a_long_name(client, teacher_with_profile):
    client.force_login(teacher_with_profile)
    body = client.get(reverse("surveys:profile")).content.decode()
    start = body.index('<svg xmlns="http://www.w3.org/2000/svg" role="img" class="profile-chart"')
    chart = body[start : body.index("</svg>", start)]
    assert "…" not in chart
    words = _words(chart)
    for word in re.findall(r"\w+", LONG_NAME):
        assert word in words


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_teacher_downloads_her_profile_chart(client, teacher_with_profile, fmt):
    client.force_login(teacher_with_profile)
    response = client.get(reverse("surveys:profile_chart", args=[fmt]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="competency-profile.{fmt}"'
    if fmt == "png":
        assert response.content.startswith(PNG_SIGNATURE)
    else:
        assert "…" not in response.content.decode()
        assert "этика" in _words(response.content.decode())


def test_profile_chart_without_a_diagnostic_is_404(client):
    client.force_login(TeacherFactory())
    assert client.get(reverse("surveys:profile_chart", args=["png"])).status_code == 404


def test_profile_page_links_the_chart_downloads(client, teacher_with_profile):
    client.force_login(teacher_with_profile)
    body = client.get(reverse("surveys:profile")).content.decode()
    assert f'href="{reverse("surveys:profile_chart", args=["png"])}"' in body
    assert f'href="{reverse("surveys:profile_chart", args=["svg"])}"' in body
