"""Better matching: mentors opt in (a profile they edit), the suggestions explain their rank with badges,
leave out unwilling mentors and, unless asked, a mentee's former (stopped) mentor; filters by subject,
school and "only willing"; the best five first with "show more"; proposing a mentor at capacity, not
willing or oneself is refused with a clear message (page and API) and changes nothing."""

import pytest
from django.urls import reverse

from accounts.models import Level
from mentoring.models import MentoringPair, MentorProfile, PairState
from mentoring.selectors import mentor_suggestions
from tests.factories import MunicipalityFactory, SchoolAdminFactory, SchoolFactory, SubjectFactory

from .factories import (
    ActivePairFactory,
    MentorFactory,
    MentorProfileFactory,
    PairFactory,
    YoungTeacherFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    school = SchoolFactory(name="Лицей № 1")
    neighbour = SchoolFactory(municipality=school.municipality, name="Школа № 7")
    math, history = (
        SubjectFactory(code="math", name="Математика"),
        SubjectFactory(code="history", name="История"),
    )
    primary, _created = Level.objects.get_or_create(code="primary")
    upper, _created = Level.objects.get_or_create(code="upper_secondary")
    mentee = YoungTeacherFactory(school=school, full_name="Юная Анна")
    mentee.subjects.set([math])
    mentee.school_levels.set([upper])
    return {
        "school": school,
        "neighbour": neighbour,
        "math": math,
        "history": history,
        "primary": primary,
        "upper": upper,
        "mentee": mentee,
        "admin": SchoolAdminFactory(school=school),
    }


def _mentor(school, subjects=(), levels=(), **kw):
    mentor = MentorFactory(school=school, **kw)
    mentor.subjects.set(subjects)
    mentor.school_levels.set(levels)
    return mentor


def _page(client, s, **params):
    client.force_login(s["admin"])
    response = client.get(reverse("mentoring:suggestions", args=[s["mentee"].pk]), params)
    assert response.status_code == 200
    return response


def test_badges_and_rank_use_the_mentor_profile_over_the_teachers_own_lists(setting):
    s = setting
    # Teaches history in their accounts profile but mentors mathematics in upper secondary (the profile wins).
    profiled = _mentor(
        s["neighbour"], [s["history"]], [s["primary"]], full_name="Б Профиль", years_of_experience=9
    )
    profile = MentorProfileFactory(user=profiled, capacity=3, can_help_with="Подготовка к ЕГЭ")
    profile.subjects.set([s["math"]])
    profile.levels.set([s["upper"]])
    same_school_level = _mentor(s["school"], [s["history"]], [s["upper"]], full_name="В Уровень")
    nothing = _mentor(s["neighbour"], [s["history"]], [s["primary"]], full_name="Г Никто")
    ranked = list(mentor_suggestions(mentee=s["mentee"]))
    assert ranked == [profiled, same_school_level, nothing]
    first = ranked[0]
    assert (first.same_subject, first.same_level, first.same_school, first.same_municipality) == (
        True,
        True,
        False,
        True,
    )
    assert (first.score, first.free_places, first.willing, first.former_mentor) == (5, 3, True, False)
    assert (ranked[1].score, ranked[1].willing) == (3, None)
    assert ranked[2].score == 0


def test_free_places_then_experience_order_inside_a_score(setting):
    s = setting
    busy = _mentor(s["school"], [s["math"]], full_name="А Занятой", years_of_experience=30)
    ActivePairFactory(mentor=busy, mentee=YoungTeacherFactory(school=s["school"]))
    roomy = _mentor(s["school"], [s["math"]], full_name="Б Свободный", years_of_experience=7)
    MentorProfileFactory(user=roomy, capacity=4)
    senior = _mentor(s["school"], [s["math"]], full_name="В Опытный", years_of_experience=25)
    assert list(mentor_suggestions(mentee=s["mentee"])) == [roomy, senior, busy]


def test_unwilling_and_full_mentors_are_never_suggested(setting):
    s = setting
    unwilling = _mentor(s["school"], [s["math"]])
    MentorProfileFactory(user=unwilling, willing=False, capacity=5)
    full = _mentor(s["school"], [s["math"]])
    MentorProfileFactory(user=full, capacity=0)
    available = _mentor(s["school"], [s["math"]])
    assert list(mentor_suggestions(mentee=s["mentee"])) == [available]


def test_a_former_stopped_mentor_is_left_out_unless_asked(client, setting):
    s = setting
    former = _mentor(s["school"], [s["math"]], full_name="Бывший Пётр", years_of_experience=30)
    PairFactory(
        mentor=former, mentee=s["mentee"], state=PairState.STOPPED, stop_reason="Не сошлись графиками"
    )
    other = _mentor(s["neighbour"], [s["history"]], full_name="Другая Вера")
    assert [m.pk for m in _page(client, s).context["suggestions"]] == [other.pk]
    with_former = _page(client, s, include_former="1").context["suggestions"]
    assert [m.pk for m in with_former] == [former.pk, other.pk]
    assert with_former[0].former_mentor is True
    assert "former mentor (stopped)" in _page(client, s, include_former="1").content.decode()


def test_filters_subject_school_and_only_willing(client, setting):
    s = setting
    math_here = _mentor(s["school"], [s["math"]], full_name="А Математик")
    history_there = _mentor(s["neighbour"], [s["history"]], full_name="Б Историк")
    MentorProfileFactory(user=history_there, willing=True)
    mentors_history = _mentor(s["neighbour"], [s["math"]], full_name="В Профиль")
    MentorProfileFactory(user=mentors_history).subjects.set([s["history"]])

    def pks(**params):
        return [m.pk for m in _page(client, s, **params).context["suggestions"]]

    assert pks(subject=s["history"].pk) == [history_there.pk, mentors_history.pk]
    assert pks(school=s["school"].pk) == [math_here.pk]
    assert pks(only_willing="1") == [history_there.pk, mentors_history.pk]
    assert pks(only_willing="1", school=s["neighbour"].pk, subject=s["history"].pk) == [
        history_there.pk,
        mentors_history.pk,
    ]


@pytest.mark.parametrize(
    ("lang", "params", "message"),
    [
        ("en", {"school": "other"}, "School: Unknown value: it is not one of the choices you may use."),
        ("en", {"only_willing": "maybe"}, "Only mentors who opted in: Unknown value: maybe."),
        ("ru", {"page": "x"}, "Страница: Неизвестное значение: x. Укажите целое число."),
    ],
)
def test_a_bad_filter_is_named_and_not_applied(client, setting, lang, params, message):
    s = setting
    s["admin"].preferred_language = lang
    s["admin"].save()
    mentor = _mentor(s["school"], [s["math"]])
    if params.get("school") == "other":
        params = {
            "school": SchoolFactory(municipality=MunicipalityFactory()).pk
        }  # another municipality's school
    client.force_login(s["admin"])
    response = client.get(
        reverse("mentoring:suggestions", args=[s["mentee"].pk]), params, HTTP_ACCEPT_LANGUAGE=lang
    )
    assert response.status_code == 200
    assert response.context["filter_errors"] == [message]
    assert [m.pk for m in response.context["suggestions"]] == [mentor.pk]


def test_the_best_five_first_then_show_more(client, setting):
    s = setting
    mentors = [
        _mentor(s["school"], [s["math"]], full_name=f"Наставник {i:02d}", years_of_experience=30 - i)
        for i in range(12)
    ]
    first = _page(client, s)
    assert [m.pk for m in first.context["suggestions"]] == [m.pk for m in mentors[:5]]
    assert first.context["has_more"] is True
    assert 'id="show-more" href="?page=2"' in first.content.decode()
    second = _page(client, s, page=2)
    assert [m.pk for m in second.context["suggestions"]] == [m.pk for m in mentors[:10]]
    third = _page(client, s, page=3)
    assert len(third.context["suggestions"]) == 12
    assert third.context["has_more"] is False
    assert 'id="show-more"' not in third.content.decode()


@pytest.mark.parametrize("size", [3, 15])
def test_suggestions_page_runs_constant_queries(client, setting, django_assert_max_num_queries, size):
    s = setting
    for i in range(size):
        mentor = _mentor(s["school"] if i % 2 else s["neighbour"], [s["math"]], [s["upper"]])
        profile = MentorProfileFactory(user=mentor, capacity=3, can_help_with="Помогу с уроками")
        profile.subjects.set([s["math"], s["history"]])
        profile.levels.set([s["upper"]])
        PairFactory(mentor=mentor, mentee=YoungTeacherFactory(school=s["school"]))
    client.force_login(s["admin"])
    with django_assert_max_num_queries(16):
        response = client.get(
            reverse("mentoring:suggestions", args=[s["mentee"].pk]), {"page": 3, "subject": s["math"].pk}
        )
    assert len(response.context["suggestions"]) == size


def test_another_schools_mentee_is_404(client, setting):
    s = setting
    stranger = YoungTeacherFactory(school=s["neighbour"])
    client.force_login(s["admin"])
    assert client.get(reverse("mentoring:suggestions", args=[stranger.pk])).status_code == 404


@pytest.mark.parametrize("case", ["unwilling", "full", "oneself"])
def test_api_refuses_unwilling_full_or_oneself_and_changes_nothing(client, setting, case):
    s = setting
    mentor = _mentor(s["school"], [s["math"]], full_name="Сергей Наставник")
    if case == "unwilling":
        MentorProfileFactory(user=mentor, willing=False)
        message = "Сергей Наставник is not willing to mentor at the moment."
    elif case == "full":
        MentorProfileFactory(user=mentor, capacity=1)
        ActivePairFactory(mentor=mentor, mentee=YoungTeacherFactory(school=s["school"]))
        message = "Сергей Наставник already has as many mentees as their capacity allows."
    else:
        mentor = s["mentee"]
        message = "A teacher cannot be their own mentor."
    before = MentoringPair.objects.count()
    client.force_login(s["admin"])
    response = client.post(
        "/api/v1/mentoring/pairs/",
        {"mentor": mentor.pk, "mentee": s["mentee"].pk},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json() == {"detail": [message]}
    assert MentoringPair.objects.count() == before


def test_teacher_opts_in_and_out_on_their_profile_page(client, setting):
    s = setting
    mentor = _mentor(s["school"], [s["math"]])
    client.force_login(mentor)
    url = reverse("mentoring:mentor_profile")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "willing": "on",
            "capacity": 3,
            "subjects": [s["history"].pk],
            "levels": [s["primary"].pk],
            "can_help_with": "Классное руководство, работа с родителями",
        },
    )
    assert response.status_code == 302
    profile = MentorProfile.objects.get(user=mentor)
    assert (profile.willing, profile.capacity, profile.can_help_with) == (
        True,
        3,
        "Классное руководство, работа с родителями",
    )
    assert list(profile.subjects.all()) == [s["history"]]
    assert list(profile.levels.all()) == [s["primary"]]
    client.post(url, {"capacity": 3})
    profile.refresh_from_db()
    assert profile.willing is False
    assert mentor not in list(mentor_suggestions(mentee=s["mentee"]))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"willing": "on", "capacity": 11}, "Ensure this value is less than or equal to 10."),
        (
            {"willing": "on", "capacity": 2, "can_help_with": "а" * 501},
            "Ensure this value has at most 500 characters (it has 501).",
        ),
        (
            {"willing": "on", "capacity": 2, "subjects": [999999]},
            "Select a valid choice. 999999 is not one of the available choices.",
        ),
    ],
)
def test_bad_profile_input_changes_nothing(client, setting, data, message):
    s = setting
    mentor = _mentor(s["school"], [s["math"]])
    client.force_login(mentor)
    response = client.post(reverse("mentoring:mentor_profile"), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert message in [e for errors in response.context["form"].errors.values() for e in errors]
    assert not MentorProfile.objects.filter(user=mentor).exists()


def test_a_young_teacher_cannot_opt_in(client, setting):
    s = setting
    client.force_login(s["mentee"])
    response = client.post(reverse("mentoring:mentor_profile"), {"willing": "on", "capacity": 2})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "A mentor needs at least 5 years of teaching experience."
    ]
    assert not MentorProfile.objects.filter(user=s["mentee"]).exists()


def test_badges_are_in_the_readers_language(client, setting):
    s = setting
    mentor = _mentor(s["school"], [s["math"]], [s["upper"]], full_name="Ольга Наставница")
    MentorProfileFactory(user=mentor, capacity=2, can_help_with="Подготовка к открытому уроку")
    s["admin"].preferred_language = "ru"
    s["admin"].save()
    client.force_login(s["admin"])
    html = client.get(
        reverse("mentoring:suggestions", args=[s["mentee"].pk]), HTTP_ACCEPT_LANGUAGE="ru"
    ).content.decode()
    for text in (
        "тот же предмет",
        "тот же уровень обучения",
        "та же школа",
        "тот же муниципалитет",
        "готов(а) наставлять",
        "2 свободных места",
        "Подготовка к открытому уроку",
    ):
        assert text in html


def test_the_mentor_profile_link_is_for_experienced_teachers(client, setting):
    s = setting
    client.force_login(_mentor(s["school"], [s["math"]]))
    assert 'href="/mentoring/profile/"' in client.get(reverse("mentoring:home")).content.decode()
    client.force_login(s["mentee"])
    assert 'href="/mentoring/profile/"' not in client.get(reverse("mentoring:home")).content.decode()
