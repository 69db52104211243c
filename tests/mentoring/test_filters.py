"""Mentoring's list filters (page and API): an unknown state or a pair the user may not see is the same
translated message on the page (shown, not applied) and in the API (400, {"detail": [lines]})."""

import pytest

from .factories import ActivePairFactory, PairGoalFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("lang", "message"),
    [("en", "State: Unknown value: flying."), ("ru", "Состояние: Неизвестное значение: flying.")],
)
def test_unknown_state_on_the_page_and_in_the_api(client, lang, message):
    pair = ActivePairFactory(mentor__preferred_language=lang)
    client.force_login(pair.mentor)
    page = client.get("/mentoring/", {"state": "flying"}, HTTP_ACCEPT_LANGUAGE=lang)
    assert page.status_code == 200
    assert page.context["filter_errors"] == [message]
    assert f"<li>{message}</li>" in page.content.decode()
    assert [p.pk for p in page.context["page"].object_list] == [pair.pk]  # the bad state is not applied
    api = client.get("/api/v1/mentoring/pairs/", {"state": "flying"}, HTTP_ACCEPT_LANGUAGE=lang)
    assert api.status_code == 400
    assert api.json() == {"detail": [message]}


def test_a_known_state_filters_the_page_like_the_api(client):
    pair = ActivePairFactory()
    client.force_login(pair.mentor)
    assert [p.pk for p in client.get("/mentoring/", {"state": "active"}).context["page"].object_list] == [
        pair.pk
    ]
    assert list(client.get("/mentoring/", {"state": "proposed"}).context["page"].object_list) == []
    assert client.get("/api/v1/mentoring/pairs/", {"state": "proposed"}).json()["count"] == 0


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("en", "Mentoring pair: Unknown value: abc. Give a whole number."),
        ("ru", "Наставническая пара: Неизвестное значение: abc. Укажите целое число."),
    ],
)
@pytest.mark.parametrize("endpoint", ["goals", "meetings"])
def test_a_non_integer_pair_is_a_message_and_another_pair_lists_nothing(client, lang, message, endpoint):
    mine, theirs = ActivePairFactory(mentor__preferred_language=lang), ActivePairFactory()
    PairGoalFactory(pair=theirs, title="Their secret goal")
    client.force_login(mine.mentor)
    bad = client.get(f"/api/v1/mentoring/{endpoint}/", {"pair": "abc"}, HTTP_ACCEPT_LANGUAGE=lang)
    assert bad.status_code == 400
    assert bad.json() == {"detail": [message]}
    other = client.get(f"/api/v1/mentoring/{endpoint}/", {"pair": theirs.pk}, HTTP_ACCEPT_LANGUAGE=lang)
    assert other.status_code == 200
    assert other.json()["count"] == 0
    assert "Their secret goal" not in other.content.decode()


def test_goals_of_one_own_pair(client):
    mine = ActivePairFactory()
    goal = PairGoalFactory(pair=mine)
    PairGoalFactory(pair=ActivePairFactory(mentor=mine.mentor))
    client.force_login(mine.mentor)
    response = client.get("/api/v1/mentoring/goals/", {"pair": mine.pk})
    assert [g["id"] for g in response.json()["results"]] == [goal.pk]
