"""Results that read like the research (issue #18 item 4): counts beside whole percents, mean, n, the share of
negative answers (1–2, or 1–3 if the reader picks it), aspects flagged vulnerable over the author's threshold,
ordering by mean or negative share, section headings, and 2–N groups compared side by side — every group
under the anonymity rule."""

import csv
import io
from datetime import date

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from surveys import selectors, services
from surveys.models import Survey
from tests.factories import MethodologistFactory

from .factories import (
    CohortFactory,
    CourseFactory,
    EnrollmentFactory,
    QuestionFactory,
    SectionFactory,
    SurveyFactory,
)

pytestmark = pytest.mark.django_db

GOOD = [5, 5, 4, 2, 5, 4]  # counts [0, 1, 0, 2, 3], mean 4.17, 1–2: 1 of 6, 1–3: 1 of 6
BAD = [5, 1, 4, 1, 5, 3]  # counts [2, 0, 1, 1, 2], mean 3.17, 1–2: 2 of 6, 1–3: 3 of 6


def _survey(*, cohorts, authors=(), threshold=30, extra_questions=0):
    """Two sections: "Content" with the good aspect, "Organisation" with the bad one (survey order)."""
    survey = SurveyFactory(
        kind=Survey.Kind.FEEDBACK,
        is_anonymous=True,
        audience=Survey.Audience.COHORT,
        cohorts=cohorts,
        authors=list(authors),
        vulnerable_threshold=threshold,
    )
    content = SectionFactory(survey=survey, title="Content", position=1)
    organisation = SectionFactory(survey=survey, title="Organisation", position=2)
    good = QuestionFactory(section=content, text="Relevance of the content", position=1)
    bad = QuestionFactory(section=organisation, text="Timing of the sessions", position=1)
    extra = [
        QuestionFactory(section=organisation, text=f"Extra {i}", position=10 + i)
        for i in range(extra_questions)
    ]
    return survey, good, bad, extra


def _answer(survey, cohort, rows):
    """rows: {question: value} per respondent."""
    for answers in rows:
        e = EnrollmentFactory(cohort=cohort)
        services.response_submit(
            survey=survey, user=e.teacher, cohort=cohort, answers={q.pk: v for q, v in answers.items()}
        )


def _six(survey, cohort, good, bad, extra=()):
    _answer(
        survey, cohort, [{good: g, bad: b, **{q: 3 for q in extra}} for g, b in zip(GOOD, BAD, strict=True)]
    )


@pytest.fixture
def k3(settings):
    settings.SURVEYS_ANONYMITY_K = 3  # the distribution math, not the release batches


# --- the selector: exact numbers on a small fixture ---------------------------------------------------------


def test_counts_percents_mean_and_negative_share_1_2(k3):
    cohort = CohortFactory()
    survey, good, bad, _ = _survey(cohorts=[cohort])
    _six(survey, cohort, good, bad)
    results = selectors.survey_results(survey=survey, flt=selectors.ResultFilter())
    first, second = results.likert
    assert (first.question, first.section.title, second.question, second.section.title) == (
        good,
        "Content",
        bad,
        "Organisation",
    )
    assert (first.n, first.counts, first.percents, first.mean) == (
        6,
        [0, 1, 0, 2, 3],
        [0, 17, 0, 33, 50],
        4.17,
    )
    assert (second.n, second.counts, second.percents, second.mean) == (
        6,
        [2, 0, 1, 1, 2],
        [33, 0, 17, 17, 33],
        3.17,
    )
    assert (first.negative_count, first.negative_percent, first.vulnerable) == (1, 17, False)
    assert (second.negative_count, second.negative_percent, second.vulnerable) == (2, 33, True)
    assert results.vulnerable == [second]
    assert [(s.title, [r.question for r in rows]) for s, rows in results.likert_sections] == [
        ("Content", [good]),
        ("Organisation", [bad]),
    ]


def test_negative_share_1_3_is_the_readers_option(k3):
    cohort = CohortFactory()
    survey, good, bad, _ = _survey(cohorts=[cohort])
    _six(survey, cohort, good, bad)
    first, second = selectors.survey_results(
        survey=survey, flt=selectors.ResultFilter(), negative_upto=3
    ).likert
    assert (first.negative_count, first.negative_percent, first.vulnerable) == (1, 17, False)
    assert (second.negative_count, second.negative_percent, second.vulnerable) == (3, 50, True)


def test_vulnerable_means_over_the_threshold_on_the_exact_share(k3):
    """2 of 6 is 33.3 %: over a threshold of 33, not over 34 (the rounded 33 % would say neither)."""
    cohort = CohortFactory()
    survey, good, bad, _ = _survey(cohorts=[cohort], threshold=33)
    _six(survey, cohort, good, bad)
    assert selectors.survey_results(survey=survey, flt=selectors.ResultFilter()).likert[1].vulnerable is True
    Survey.objects.filter(pk=survey.pk).update(vulnerable_threshold=34)
    survey.refresh_from_db()
    assert selectors.survey_results(survey=survey, flt=selectors.ResultFilter()).likert[1].vulnerable is False


def test_order_by_mean_and_by_negative_share(k3):
    cohort = CohortFactory()
    survey, good, bad, _ = _survey(cohorts=[cohort])
    _six(survey, cohort, good, bad)

    def order(how):
        results = selectors.survey_results(survey=survey, flt=selectors.ResultFilter(), order=how)
        return [r.question for r in results.likert], results.by_section

    assert order("survey") == ([good, bad], True)
    assert order("mean") == ([bad, good], False)
    assert order("negative") == ([bad, good], False)


def test_an_unknown_order_or_negative_reading_is_refused():
    survey = SurveyFactory()
    with pytest.raises(ValueError, match="order 'loudest'"):
        selectors.survey_results(survey=survey, flt=selectors.ResultFilter(), order="loudest")
    with pytest.raises(ValueError, match="negative_upto 4"):
        selectors.survey_results(survey=survey, flt=selectors.ResultFilter(), negative_upto=4)


@pytest.mark.parametrize("extra", [0, 6])
def test_query_count_does_not_grow_with_questions(k3, django_assert_num_queries, extra):
    cohort = CohortFactory()
    survey, good, bad, more = _survey(cohorts=[cohort], extra_questions=extra)
    _six(survey, cohort, good, bad, more)
    with django_assert_num_queries(9):
        results = selectors.survey_results(survey=survey, flt=selectors.ResultFilter(), order="negative")
    assert len(results.likert) == 2 + extra


def test_the_threshold_is_a_percent_in_the_database():
    survey = SurveyFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Survey.objects.filter(pk=survey.pk).update(vulnerable_threshold=101)
    assert SurveyFactory().vulnerable_threshold == 30


# --- comparison of 2–N groups ------------------------------------------------------------------------------


@pytest.fixture
def three_cohorts(k3):
    """Autumn (all good), winter (the fixture's six), spring (all bad) — plus a lone respondent in "Tiny"."""
    author = MethodologistFactory()
    course = CourseFactory(title="Formative assessment")
    autumn = CohortFactory(course=course, title="Autumn", starts_on=date(2025, 10, 1))
    winter = CohortFactory(course=course, title="Winter", starts_on=date(2026, 1, 15))
    spring = CohortFactory(
        course=CourseFactory(title="Reflective practice"), title="Spring", starts_on=date(2026, 4, 1)
    )
    tiny = CohortFactory(course=course, title="Tiny", starts_on=date(2024, 3, 1))
    survey, good, bad, _ = _survey(cohorts=[autumn, winter, spring, tiny], authors=[author])
    _answer(survey, autumn, [{good: 5, bad: 4}] * 3)
    _six(survey, winter, good, bad)
    _answer(survey, spring, [{good: 4, bad: 1}] * 3)
    _answer(survey, tiny, [{good: 1, bad: 1}] * 2)  # under K: counts nowhere
    return {
        "author": author,
        "survey": survey,
        "good": good,
        "bad": bad,
        "course": course,
        "autumn": autumn,
        "winter": winter,
        "spring": spring,
        "tiny": tiny,
    }


def _page(client, world, query):
    client.force_login(world["author"])
    return client.get(reverse("surveys:results", args=[world["survey"].pk]), query)


def test_three_cohorts_side_by_side_with_the_difference_last_minus_first(client, three_cohorts):
    w = three_cohorts
    response = _page(client, w, {"compare": [w["spring"].pk, w["autumn"].pk, w["winter"].pk]})
    assert response.status_code == 200
    comparison = response.context["comparison"]
    assert [g.label for g in comparison.groups] == ["Autumn", "Winter", "Spring"]  # by start date
    assert [g.results.responses for g in comparison.groups] == [3, 6, 3]
    good_row, bad_row = comparison.rows
    assert [c.mean for c in good_row.cells] == [5.0, 4.17, 4.0]
    assert [c.negative_percent for c in bad_row.cells] == [0, 33, 100]
    assert [c.vulnerable for c in bad_row.cells] == [False, True, True]
    assert (good_row.mean_difference, good_row.negative_difference) == (-1.0, 0)
    assert (bad_row.mean_difference, bad_row.negative_difference) == (-3.0, 100)
    body = response.content.decode()
    assert 'id="compare"' in body and 'class="report-chart group-chart' in body
    assert (
        '<span class="mean-diff">-3.0</span>' in body
        and '<span class="small neg-diff">+100 pp</span>' in body
    )


def test_one_pick_is_compared_with_the_current_selection(client, three_cohorts):
    w = three_cohorts
    comparison = _page(client, w, {"cohort": w["winter"].pk, "compare": w["spring"].pk}).context["comparison"]
    assert [g.label for g in comparison.groups] == ["Winter", "Spring"]
    assert comparison.rows[1].mean_difference == -2.17


def test_courses_and_years_compared(client, three_cohorts):
    w = three_cohorts
    spring_course = w["spring"].course
    by_course = _page(client, w, {"compare_course": [w["course"].pk, spring_course.pk]}).context["comparison"]
    assert [(g.label, g.results.responses) for g in by_course.groups] == [
        ("Formative assessment", 9),
        ("Reflective practice", 3),
    ]
    by_year = _page(client, w, {"compare_year": [2026, 2025]}).context["comparison"]
    assert [(g.label, g.results.responses) for g in by_year.groups] == [("2025", 3), ("2026", 9)]
    assert by_year.rows[0].mean_difference == round((4.17 * 6 + 4 * 3) / 9 - 5.0, 2)


def test_attack_all_versus_one_cohort_does_not_reveal_the_hidden_one(client, three_cohorts):
    """Tiny (2 responses, both 1) is under K: "all" minus the three big cohorts, the course minus its two big
    cohorts, and the year 2024 (only Tiny) all show nothing of it."""
    w = three_cohorts
    everything = _page(client, w, {"compare": w["tiny"].pk}).context["comparison"]
    assert [(g.label, g.hidden, g.results.responses) for g in everything.groups] == [
        ("All responses in view", False, 12),
        ("Tiny", True, 0),
    ]
    assert [c is None for c in everything.rows[0].cells] == [False, True]
    assert everything.rows[0].cells[0].counts == [0, 1, 0, 5, 6]  # no 1 from Tiny
    assert everything.rows[0].mean_difference is None
    course = _page(client, w, {"compare": w["autumn"].pk, "course": w["course"].pk}).context["comparison"]
    assert [g.results.responses for g in course.groups] == [9, 3]
    assert course.rows[0].cells[0].counts[0] == 0
    year = _page(client, w, {"compare_year": [2024, 2025]})
    groups = year.context["comparison"].groups
    assert [(g.label, g.hidden, g.results.likert) for g in groups][0] == ("2024", True, [])
    body = year.content.decode()
    assert "fewer than 3 responses" in body


def test_comparison_page_query_count_does_not_grow_with_questions(client, k3, django_assert_num_queries):
    counts = []
    for extra in (0, 5):
        author = MethodologistFactory()
        cohorts = [CohortFactory() for _ in range(3)]
        survey, good, bad, more = _survey(cohorts=cohorts, authors=[author], extra_questions=extra)
        for cohort in cohorts:
            _six(survey, cohort, good, bad, more)
        client.force_login(author)
        url = reverse("surveys:results", args=[survey.pk])
        query = {"compare": [c.pk for c in cohorts], "sort": "negative"}
        client.get(url, query)  # warm the session
        with django_assert_num_queries(42) as captured:
            assert client.get(url, query).status_code == 200
        counts.append(len(captured))
    assert counts == [42, 42]


# --- the page ------------------------------------------------------------------------------------------------


def test_page_shows_sections_counts_negative_share_and_the_vulnerable_badge(client, three_cohorts):
    w = three_cohorts
    body = _page(client, w, {"cohort": w["winter"].pk}).content.decode()
    assert '<tr class="section-row table-light"><th colspan="10" scope="colgroup">Content</th></tr>' in body
    assert (
        body.index(">Content</th>")
        < body.index("Relevance of the content")
        < body.index(">Organisation</th>")
    )
    assert (
        "Negative answers: 1–2. An aspect with more than 30% negative answers is flagged as vulnerable."
        in body
    )
    assert "1 vulnerable aspect." in body
    assert body.count('<span class="badge text-bg-danger vulnerable">⚠ vulnerable</span>') == 1
    assert '<span class="pct">33%</span><br><span class="small text-body-secondary cnt">2</span>' in body


def test_page_sorted_by_negative_share_lists_aspects_flat_naming_their_section(client, three_cohorts):
    w = three_cohorts
    response = _page(client, w, {"cohort": w["winter"].pk, "sort": "negative", "negative": 3})
    body = response.content.decode()
    assert 'class="section-row' not in body
    assert body.index("Timing of the sessions") < body.index("Relevance of the content")
    assert '<div class="small text-body-secondary section-name">Organisation</div>' in body
    assert '<span class="neg-pct">50%</span>' in body and "Negative, 1–3" in body


def test_page_in_russian(client, three_cohorts):
    w = three_cohorts
    w["author"].preferred_language = "ru"
    w["author"].save(update_fields=["preferred_language"])
    body = _page(client, w, {"cohort": w["winter"].pk}).content.decode()
    assert "уязвим" in body and "Отрицательные, 1–2" in body


# --- bad input -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"sort": "loudest"}, "Order of aspects: Choose one of the orders offered."),
        ({"negative": "4"}, "Negative answers: Choose 1–2 or 1–3."),
        (
            {"compare_year": "1999"},
            "Compare years: No cohort of the survey that you can see starts in this year.",
        ),
        (
            {"compare_course": "987654"},
            "Compare courses: This course has no cohort of the survey that you can see.",
        ),
        (
            {"compare": "abc"},
            "Compare cohorts: This cohort is not one of the survey&#x27;s cohorts you can see.",
        ),
    ],
)
def test_bad_reading_values_answer_400_with_the_reason(client, three_cohorts, query, message):
    response = _page(client, three_cohorts, query)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body and 'id="exports"' not in body and 'id="compare"' not in body


def test_two_kinds_of_comparison_at_once_is_an_error(client, three_cohorts):
    w = three_cohorts
    response = _page(client, w, {"compare": w["autumn"].pk, "compare_year": 2026})
    assert response.status_code == 400
    assert "Compare cohorts, courses or years — one of them at a time." in response.content.decode()


def test_api_bad_order_is_400_in_the_one_error_shape(three_cohorts):
    api = APIClient()
    api.force_authenticate(three_cohorts["author"])
    response = api.get(f"/api/v1/surveys/{three_cohorts['survey'].pk}/results/", {"sort": "loudest"})
    assert response.status_code == 400
    assert response.json() == {"detail": ["Order of aspects: Choose one of the orders offered."]}


def test_a_curator_cannot_compare_a_cohort_outside_their_scope(client, three_cohorts):
    w = three_cohorts
    curator = MethodologistFactory()
    w["winter"].curators.add(curator)
    client.force_login(curator)
    url = reverse("surveys:results", args=[w["survey"].pk])
    response = client.get(url, {"compare": [w["winter"].pk, w["spring"].pk]})
    assert response.status_code == 400
    assert "Spring" not in response.content.decode()


# --- exports ----------------------------------------------------------------------------------------------------


def test_distribution_csv_carries_sections_counts_negative_share_and_flag(client, three_cohorts):
    w = three_cohorts
    client.force_login(w["author"])
    url = reverse("surveys:export", args=[w["survey"].pk, "distribution", "csv"])
    response = client.get(url, {"cohort": w["winter"].pk, "sort": "negative"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows == [
        [
            "Section",
            "Question",
            "1, %",
            "2, %",
            "3, %",
            "4, %",
            "5, %",
            "1, n",
            "2, n",
            "3, n",
            "4, n",
            "5, n",
            "n",
            "Mean",
            "Negative 1–2, %",
            "Vulnerable (over 30%)",
        ],  # fmt: skip
        [
            "Organisation",
            "Timing of the sessions",
            "33",
            "0",
            "17",
            "17",
            "33",
            "2",
            "0",
            "1",
            "1",
            "2",
            "6",
            "3.17",
            "33",
            "vulnerable",
        ],  # fmt: skip
        [
            "Content",
            "Relevance of the content",
            "0",
            "17",
            "0",
            "33",
            "50",
            "0",
            "1",
            "0",
            "2",
            "3",
            "6",
            "4.17",
            "17",
            "",
        ],  # fmt: skip
    ]


def test_distribution_xlsx_with_negative_1_3(client, three_cohorts):
    w = three_cohorts
    client.force_login(w["author"])
    url = reverse("surveys:export", args=[w["survey"].pk, "distribution", "xlsx"])
    response = client.get(url, {"cohort": w["winter"].pk, "negative": 3})
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active.values)
    assert rows[0][0] == "Section" and rows[0][-2:] == ("Negative 1–3, %", "Vulnerable (over 30%)")
    assert rows[1][:2] == ("Content", "Relevance of the content") and rows[1][-2:] == (17, None)
    assert rows[2][:2] == ("Organisation", "Timing of the sessions") and rows[2][-2:] == (50, "vulnerable")


def test_export_labels_in_russian(client, three_cohorts):
    w = three_cohorts
    w["author"].preferred_language = "ru"
    w["author"].save(update_fields=["preferred_language"])
    client.force_login(w["author"])
    url = reverse("surveys:export", args=[w["survey"].pk, "distribution", "csv"])
    header = b"".join(client.get(url, {"cohort": w["winter"].pk}).streaming_content).decode("utf-8-sig")
    assert header.splitlines()[0].startswith("Раздел;Вопрос;")


def test_comparing_only_groups_under_k_says_there_is_nothing_to_compare(client, k3):
    author = MethodologistFactory()
    small, other = CohortFactory(title="Small"), CohortFactory(title="Other small")
    survey, good, bad, _ = _survey(cohorts=[small, other], authors=[author])
    _answer(survey, small, [{good: 1, bad: 1}] * 2)
    _answer(survey, other, [{good: 5, bad: 5}] * 2)
    client.force_login(author)
    response = client.get(reverse("surveys:results", args=[survey.pk]), {"compare": [small.pk, other.pk]})
    assert response.status_code == 200
    assert [(g.label, g.hidden) for g in response.context["comparison"].groups] == [
        ("Other small", True),  # same start date: by title
        ("Small", True),
    ]
    body = response.content.decode()
    assert 'id="compare-empty"' in body and "No group has 3 responses or more" in body
    assert "Relevance of the content" not in body


def test_api_reads_results_the_same_way(three_cohorts):
    w = three_cohorts
    api = APIClient()
    api.force_authenticate(w["author"])
    query = {"cohort": w["winter"].pk, "sort": "negative", "negative": 3}
    data = api.get(f"/api/v1/surveys/{w['survey'].pk}/results/", query).json()
    assert [
        (item["text"], item["section"], item["counts"], item["negative_percent"], item["vulnerable"])
        for item in data["likert"]
    ] == [
        ("Timing of the sessions", "Organisation", [2, 0, 1, 1, 2], 50, True),
        ("Relevance of the content", "Content", [0, 1, 0, 2, 3], 17, False),
    ]
