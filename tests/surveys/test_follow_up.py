"""Follow-up for every survey kind: reminder steps (each once per person, never after the close date, never
to those who answered), the author's non-respondents page and "Remind non-respondents now" — played as
attacks: a second sweep, a second click, other people's surveys, an anonymous survey's names."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from notifications.kinds import Delivery
from notifications.models import Notification, SentRecord
from notifications.services import preference_set, reminder_rule_run
from surveys import services
from surveys.models import Participation, ReminderStep, Survey
from tests.factories import CuratorFactory, MethodologistFactory, SchoolFactory, TeacherFactory

from .factories import CohortFactory, EnrollmentFactory, SurveyFactory

pytestmark = pytest.mark.django_db
RULE = "surveys.reminders.survey_reminder_due"
KIND = "survey_reminder"


def sent():
    return sorted(SentRecord.objects.filter(kind=KIND).values_list("recipient_id", "step"))


def answered(survey, user, cohort=None):
    Participation.objects.create(survey=survey, user=user, cohort=cohort, submitted_on=timezone.localdate())


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def general(now):
    """A general survey for all teachers: opened an hour ago, closes in ten days (default steps)."""
    author = MethodologistFactory(preferred_language="ru")
    survey = SurveyFactory(
        title="Цифровая грамотность",
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=10),
        authors=[author],
    )
    return survey, author


def test_default_steps_each_once_to_non_respondents_only_and_never_after_closing(general, now):
    survey, _author = general
    waiting, done = TeacherFactory(), TeacherFactory()
    answered(survey, done)
    MethodologistFactory()  # not a teacher: not in the audience
    opened = survey.opens_at

    assert reminder_rule_run(rule=RULE, now=now) == 0  # no step due yet
    assert reminder_rule_run(rule=RULE, now=opened + timedelta(days=3, minutes=1)) == 1
    assert reminder_rule_run(rule=RULE, now=opened + timedelta(days=3, minutes=2)) == 0  # second sweep
    assert reminder_rule_run(rule=RULE, now=opened + timedelta(days=5)) == 0
    assert reminder_rule_run(rule=RULE, now=survey.closes_at - timedelta(days=2) + timedelta(minutes=1)) == 1
    assert reminder_rule_run(rule=RULE, now=survey.closes_at - timedelta(hours=1)) == 0
    assert reminder_rule_run(rule=RULE, now=survey.closes_at + timedelta(minutes=1)) == 0
    assert sent() == [(waiting.pk, "close-2d"), (waiting.pk, "open+3d")]
    notes = list(Notification.objects.filter(kind=KIND).values_list("recipient_id", "url"))
    assert notes == [(waiting.pk, f"/surveys/{survey.pk}/fill/")] * 2


def test_configured_steps_and_a_school_audience(now):
    school, other = SchoolFactory(), SchoolFactory()
    survey = SurveyFactory(
        kind=Survey.Kind.DIAGNOSTIC,
        audience=Survey.Audience.SCHOOL,
        school=school,
        opens_at=now - timedelta(days=2),
        closes_at=now + timedelta(days=20),
    )
    ReminderStep.objects.create(survey=survey, anchor=ReminderStep.Anchor.AFTER_OPENING, days=1)
    ReminderStep.objects.create(survey=survey, anchor=ReminderStep.Anchor.BEFORE_CLOSING, days=7)
    mine = TeacherFactory(school=school)
    TeacherFactory(school=other)
    assert reminder_rule_run(rule=RULE, now=now) == 1
    assert reminder_rule_run(rule=RULE, now=now + timedelta(days=12)) == 0  # 8 days before closing: not yet
    assert reminder_rule_run(rule=RULE, now=now + timedelta(days=13, minutes=1)) == 1
    assert sent() == [(mine.pk, "close-7d"), (mine.pk, "open+1d")]


def test_a_municipality_audience_reminds_only_that_municipality(now):
    home, elsewhere = SchoolFactory(), SchoolFactory()
    neighbour = SchoolFactory(municipality=home.municipality)
    survey = SurveyFactory(
        audience=Survey.Audience.MUNICIPALITY,
        municipality=home.municipality,
        opens_at=now - timedelta(days=4),
        closes_at=now + timedelta(days=20),
    )
    first, second = TeacherFactory(school=home), TeacherFactory(school=neighbour)
    TeacherFactory(school=elsewhere)
    answered(survey, TeacherFactory(school=home))
    assert reminder_rule_run(rule=RULE, now=now) == 2
    assert sent() == sorted([(first.pk, "open+3d"), (second.pk, "open+3d")])


def test_a_late_sweep_sends_only_the_current_step_not_every_missed_one(general, now):
    survey, _author = general
    teacher = TeacherFactory()
    assert reminder_rule_run(rule=RULE, now=survey.closes_at - timedelta(days=1)) == 1
    assert sent() == [(teacher.pk, "close-2d")]


def test_placement_survey_reminds_per_cohort_listeners_who_have_not_answered(now):
    one, two = CohortFactory(), CohortFactory()
    survey = SurveyFactory(
        kind=Survey.Kind.PLACEMENT, audience=Survey.Audience.COHORT, cohorts=[one, two], opens_at=now
    )
    a = EnrollmentFactory(cohort=one)
    b = EnrollmentFactory(cohort=two)
    EnrollmentFactory(cohort=one, state="withdrawn")
    EnrollmentFactory()  # another cohort
    answered(survey, b.teacher, cohort=two)
    assert reminder_rule_run(rule=RULE, now=now + timedelta(days=3, minutes=1)) == 1
    assert sent() == [(a.teacher_id, f"c{one.pk}-open+3d")]
    assert Notification.objects.get(kind=KIND).url == f"/surveys/{survey.pk}/fill/?cohort={one.pk}"


def test_unpublished_feedback_and_switched_off_surveys_remind_nobody(now):
    base = {"opens_at": now - timedelta(days=4)}
    SurveyFactory(is_published=False, **base)
    SurveyFactory(remind_automatically=False, **base)
    SurveyFactory(kind=Survey.Kind.FEEDBACK, audience=Survey.Audience.COHORT, **base)
    TeacherFactory()
    assert reminder_rule_run(rule=RULE, now=now) == 0


def test_the_reminder_respects_the_notification_preference(general, now):
    survey, _author = general
    teacher = TeacherFactory()
    preference_set(user=teacher, kind=KIND, delivery=Delivery.OFF)
    assert reminder_rule_run(rule=RULE, now=survey.opens_at + timedelta(days=3, minutes=1)) == 1
    assert sent() == [(teacher.pk, "open+3d")]
    assert Notification.objects.filter(kind=KIND).count() == 0


def test_the_reminder_is_in_the_recipients_language(general, now):
    survey, _author = general
    TeacherFactory(preferred_language="uk")
    TeacherFactory(preferred_language="ru")
    reminder_rule_run(rule=RULE, now=survey.opens_at + timedelta(days=3, minutes=1))
    titles = sorted(
        Notification.objects.filter(kind=KIND).values_list("recipient__preferred_language", "title")
    )
    assert titles == [
        ("ru", "Пожалуйста, ответьте на опрос: Цифровая грамотность"),
        ("uk", "Будь ласка, дайте відповідь на опитування: Цифровая грамотность"),
    ]


def test_steps_are_database_constraints():
    survey = SurveyFactory()
    ReminderStep.objects.create(survey=survey, anchor=ReminderStep.Anchor.AFTER_OPENING, days=3)
    for anchor, days in (("after_opening", 3), ("after_opening", 0), ("after_opening", 91), ("whenever", 2)):
        with pytest.raises(IntegrityError), transaction.atomic():
            ReminderStep.objects.create(survey=survey, anchor=anchor, days=days)
    assert ReminderStep.objects.count() == 1


def test_a_bad_step_is_a_form_error_in_the_users_language():
    from django.core.exceptions import ValidationError
    from django.utils import translation

    survey = SurveyFactory()
    with translation.override("ru"):
        with pytest.raises(ValidationError) as error:
            ReminderStep(survey=survey, anchor=ReminderStep.Anchor.AFTER_OPENING, days=0).full_clean()
        assert error.value.message_dict == {"days": ["Убедитесь, что это значение больше либо равно 1."]}


def test_a_new_version_keeps_the_steps():
    survey = SurveyFactory(remind_automatically=False)
    ReminderStep.objects.create(survey=survey, anchor=ReminderStep.Anchor.BEFORE_CLOSING, days=5)
    copy = services.survey_copy_as_new_version(survey=survey)
    assert list(copy.reminder_steps.values_list("anchor", "days")) == [("before_closing", 5)]
    assert copy.remind_automatically is False


# --- remind now -------------------------------------------------------------------------------------


def test_remind_now_twice_sends_each_person_once_and_says_so(
    client, general, django_capture_on_commit_callbacks
):
    survey, author = general
    first, second = TeacherFactory(), TeacherFactory()
    client.force_login(author)
    url = reverse("surveys:remind_now", args=[survey.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        "Напоминание «3 дня после открытия» отправляется 2 людям, которые ещё не ответили."
    ]
    assert sent() == sorted([(first.pk, "open+3d"), (second.pk, "open+3d")])

    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = client.post(url, follow=True)
    assert queued == []  # nothing even queued
    assert [str(m) for m in response.context["messages"]] == [
        "Ничего не отправлено: все, кто не ответил, уже получили напоминание «3 дня после открытия». "
        "Каждое напоминание человек получает один раз."
    ]
    assert len(sent()) == 2
    # the scheduled step finds them reminded already
    assert reminder_rule_run(rule=RULE, now=survey.opens_at + timedelta(days=3, minutes=1)) == 0
    assert Notification.objects.filter(kind=KIND).count() == 2


def test_remind_now_reaches_only_those_not_reminded_at_the_step(
    client, general, django_capture_on_commit_callbacks
):
    survey, author = general
    early = TeacherFactory()
    assert reminder_rule_run(rule=RULE, now=timezone.now() + timedelta(days=3)) == 1
    late = TeacherFactory()
    client.force_login(author)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("surveys:remind_now", args=[survey.pk]))
    assert sent() == sorted([(early.pk, "open+3d"), (late.pk, "open+3d")])


def test_remind_now_after_the_close_date_sends_nothing(client, general, now):
    survey, author = general
    TeacherFactory()
    Survey.objects.filter(pk=survey.pk).update(
        opens_at=now - timedelta(days=5), closes_at=now - timedelta(minutes=1)
    )
    client.force_login(author)
    response = client.post(reverse("surveys:remind_now", args=[survey.pk]), follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Опрос не открыт: напоминания отправляются только пока он открыт."
    ]
    assert sent() == []


def test_a_click_queued_just_before_closing_sends_nothing_after_it(general):
    survey, _author = general
    TeacherFactory()
    assert services.survey_remind_now_run(survey_id=survey.pk, step_key="open+3d", now=survey.closes_at) == 0
    assert sent() == []


@pytest.mark.parametrize("who", ["other_methodologist", "curator", "teacher", "anonymous"])
def test_only_the_authors_see_non_respondents_or_remind(client, general, who):
    survey, _author = general
    cohort = CohortFactory(curators=[CuratorFactory()])
    survey.cohorts.add(cohort)
    people = {
        "other_methodologist": MethodologistFactory(),
        "curator": cohort.curators.first(),
        "teacher": TeacherFactory(),
    }
    if who != "anonymous":
        client.force_login(people[who])
    page = client.get(reverse("surveys:non_respondents", args=[survey.pk]))
    confirm = client.get(reverse("surveys:remind_now", args=[survey.pk]))
    remind = client.post(reverse("surveys:remind_now", args=[survey.pk]))
    if who == "anonymous":
        for response in (page, confirm, remind):
            assert response.status_code == 302
            assert response.url.startswith("/accounts/login/")
    else:
        assert (page.status_code, confirm.status_code, remind.status_code) == (404, 404, 404)
    assert sent() == []
    assert Notification.objects.count() == 0


def test_remind_now_asks_first_and_a_get_sends_nothing(client, general):
    survey, author = general
    TeacherFactory()
    TeacherFactory()
    client.force_login(author)
    response = client.get(reverse("surveys:remind_now", args=[survey.pk]))
    assert response.status_code == 200
    assert response.context["follow_up"].waiting == 2
    assert "Да, отправить напоминание" in response.content.decode()
    assert sent() == []


def test_remind_now_on_a_closed_survey_has_nothing_to_confirm(client, general, now):
    survey, author = general
    Survey.objects.filter(pk=survey.pk).update(closes_at=now - timedelta(minutes=1))
    client.force_login(author)
    response = client.get(reverse("surveys:remind_now", args=[survey.pk]))
    assert response.status_code == 302
    assert response.url == reverse("surveys:non_respondents", args=[survey.pk])


# --- the page ---------------------------------------------------------------------------------------


def test_named_survey_lists_non_respondents_by_school_with_a_filter(client, general):
    survey, author = general
    north, south = SchoolFactory(name="Школа № 1"), SchoolFactory(name="Гимназия № 2")
    anna = TeacherFactory(full_name="Анна Петрова", school=north)
    TeacherFactory(full_name="Борис Иванов", school=south)
    answered(survey, TeacherFactory(full_name="Вера Сидорова", school=north))
    client.force_login(author)
    url = reverse("surveys:non_respondents", args=[survey.pk])

    response = client.get(url)
    assert response.status_code == 200
    assert response.context["follow_up"].count == 2
    assert [p.full_name for p in response.context["page_obj"]] == ["Борис Иванов", "Анна Петрова"]

    response = client.get(url, {"school": north.pk})
    assert [p.pk for p in response.context["page_obj"]] == [anna.pk]

    elsewhere = SchoolFactory()  # a school with no non-respondents is not a choice
    response = client.get(url, {"school": elsewhere.pk})
    assert response.status_code == 200
    assert response.context["filter_errors"] == [
        "Школа: Неизвестное значение: его нет среди доступных вариантов."
    ]
    assert len(response.context["page_obj"]) == 2


def test_everyone_answered_shows_the_empty_state(client, general):
    survey, author = general
    answered(survey, TeacherFactory())
    client.force_login(author)
    response = client.get(reverse("surveys:non_respondents", args=[survey.pk]))
    assert response.context["follow_up"].count == 0
    assert "Все ответили: напоминать некому." in response.content.decode()


def test_anonymous_survey_shows_a_count_and_no_names(client, now):
    author = MethodologistFactory(preferred_language="ru")
    survey = SurveyFactory(is_anonymous=True, opens_at=now - timedelta(hours=1), authors=[author])
    answered(survey, TeacherFactory(full_name="Ответила Ольга"))
    TeacherFactory(full_name="Молчит Максим")
    client.force_login(author)
    response = client.get(reverse("surveys:non_respondents", args=[survey.pk]), {"school": "1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["follow_up"].count == 1
    assert "page_obj" not in response.context
    assert "Ответила Ольга" not in html
    assert "Молчит Максим" not in html
    assert 'id="non-respondents"' not in html


def test_anonymous_survey_reminder_says_nothing_about_others(client, now, django_capture_on_commit_callbacks):
    author = MethodologistFactory(preferred_language="ru")
    survey = SurveyFactory(
        title="Климат в коллективе", is_anonymous=True, opens_at=now - timedelta(hours=1), authors=[author]
    )
    answered(survey, TeacherFactory())
    quiet = TeacherFactory(preferred_language="ru")
    client.force_login(author)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("surveys:remind_now", args=[survey.pk]))
    note = Notification.objects.get(kind=KIND)
    assert (note.recipient_id, note.title, note.body) == (
        quiet.pk,
        "Пожалуйста, ответьте на опрос: Климат в коллективе",
        "Это займёт несколько минут.",
    )


@pytest.mark.parametrize("n", [3, 25])
def test_the_page_runs_constant_queries(client, general, n, django_assert_num_queries):
    survey, author = general
    school = SchoolFactory()
    for _ in range(n):
        TeacherFactory(school=school)
    client.force_login(author)
    url = reverse("surveys:non_respondents", args=[survey.pk])
    with django_assert_num_queries(11):
        response = client.get(url)
    assert response.status_code == 200
    assert response.context["follow_up"].count == n


def test_cohort_surveys_list_each_listener_with_the_cohort_not_yet_answered(client, now):
    author = MethodologistFactory()
    autumn, spring = CohortFactory(title="Осенний поток"), CohortFactory(title="Весенний поток")
    survey = SurveyFactory(
        kind=Survey.Kind.DIAGNOSTIC,
        audience=Survey.Audience.COHORT,
        cohorts=[autumn, spring],
        opens_at=now - timedelta(hours=1),
        authors=[author],
    )
    both = TeacherFactory(full_name="Алла Двухпоточная")
    EnrollmentFactory(cohort=autumn, teacher=both)
    EnrollmentFactory(cohort=spring, teacher=both)
    answered(survey, both, cohort=autumn)
    EnrollmentFactory(cohort=autumn, teacher=TeacherFactory(full_name="Богдан Осенний"))
    client.force_login(author)
    response = client.get(reverse("surveys:non_respondents", args=[survey.pk]))
    rows = [(p.full_name, p.cohort_title) for p in response.context["page_obj"]]
    assert sorted(rows) == [("Алла Двухпоточная", "Весенний поток"), ("Богдан Осенний", "Осенний поток")]
    assert response.context["follow_up"].count == 2


def test_the_list_is_paginated(client, general, settings):
    settings.PAGE_SIZE = 2
    survey, author = general
    school = SchoolFactory()
    for name in ("Вера", "Глеб", "Дина"):
        TeacherFactory(full_name=name, school=school)
    client.force_login(author)
    url = reverse("surveys:non_respondents", args=[survey.pk])
    assert [p.full_name for p in client.get(url).context["page_obj"]] == ["Вера", "Глеб"]
    assert [p.full_name for p in client.get(url, {"page": 2}).context["page_obj"]] == ["Дина"]


def test_the_admin_page_links_to_non_respondents_and_edits_steps(client, general):
    survey, author = general
    client.force_login(author)
    response = client.get(reverse("admin:surveys_survey_change", args=[survey.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="/surveys/{survey.pk}/non-respondents/"' in html
    assert 'name="reminder_steps-TOTAL_FORMS"' in html


def test_only_authors_set_steps_and_steps_stay_editable_once_answered(general):
    survey, author = general
    answered(survey, TeacherFactory())
    step = services.reminder_step_save(
        user=author, reminder_step=ReminderStep(survey=survey, anchor="before_closing", days=4)
    )
    with pytest.raises(services.SurveyError):
        services.reminder_step_save(
            user=MethodologistFactory(),
            reminder_step=ReminderStep(survey=survey, anchor="after_opening", days=1),
        )
    with pytest.raises(services.SurveyError):
        services.reminder_step_delete(user=MethodologistFactory(), reminder_step=step)
    assert list(survey.reminder_steps.values_list("anchor", "days")) == [("before_closing", 4)]


@pytest.mark.parametrize("n", [3, 12])
def test_the_sweep_reads_constant_queries_and_skips_those_already_reminded(
    general, n, django_assert_num_queries
):
    from notifications.reminders import resolve_rule

    survey, _author = general
    SurveyFactory(opens_at=survey.opens_at)  # a second open survey: one more query, whatever its audience
    for _ in range(n):
        TeacherFactory()
    due = survey.opens_at + timedelta(days=3, minutes=1)
    with django_assert_num_queries(4):  # the open surveys, their steps, then one query per survey
        reminders = list(resolve_rule(RULE)(due))
    assert len(reminders) == 2 * n
    assert reminder_rule_run(rule=RULE, now=due) == 2 * n
    with django_assert_num_queries(4):
        assert list(resolve_rule(RULE)(due)) == []
