"""Russian first: every notification kind and every notification mail speaks its recipient's language.

Each kind is triggered through the real service that sends it, once for a Russian, a Ukrainian and an
English recipient. The ru/uk texts must differ from the English one, contain Cyrillic and keep no
English word of the English rendering (names, numbers, links and user-entered text aside).
"""

import os
import re
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone
from django.utils.html import strip_tags

from accounts.models import User
from accounts.services import school_move_request_create
from cohorts.certificates.services import certificate_issue, certificate_reissue, certificate_revoke
from cohorts.models import Announcement, Enrollment
from cohorts.services import (
    announcement_publish,
    enrollment_expire_offers,
    nomination_accept,
    nomination_create,
    nomination_decline,
    question_answer,
    question_ask,
    review_submit,
    seats_offer_freed,
    submission_submit,
)
from communities import services as community_services
from communities.models import FollowLevel, MemberRole
from mentoring import services as mentoring_services
from notifications.kinds import all_kinds
from notifications.models import Notification
from notifications.services import digest_deliver, notification_send, reminder_rule_run
from pdplatform.reports import services as report_services
from pdplatform.reports.models import ExportJob
from pdplatform.reports.services import export_job_run
from surveys.models import Survey
from tests.cohorts.factories import (
    AssignmentFactory,
    CohortFactory,
    CourseFactory,
    EnrollmentFactory,
    ModuleFactory,
)
from tests.communities.factories import CommunityFactory, member
from tests.factories import (
    CuratorFactory,
    MethodologistFactory,
    SchoolAdminFactory,
    SchoolFactory,
    TeacherFactory,
)
from tests.mentoring.factories import ActivePairFactory, MentorFactory, YoungTeacherFactory
from tests.surveys.factories import SurveyFactory, feedback_survey

pytestmark = [pytest.mark.django_db, pytest.mark.site_language]

LANGUAGES = ("ru", "uk", "en")
CYRILLIC = re.compile("[а-яёіїєґ]", re.IGNORECASE)
ENGLISH_WORD = re.compile(r"\b[A-Za-z]{3,}\b")
NOT_WORDS = re.compile(r"https?://\S+|\S+@\S+|pdplatform")
# Names and titles entered by people: they are the same in every language.
COURSE, COHORT, ASSIGNMENT = "Формирующее оценивание", "Поток весна", "Эссе о практике"
ANNOUNCEMENT, SURVEY, TOPIC, COMMUNITY = "Вебинар в четверг", "Отзыв о курсе", "Дроби", "Клуб математиков"
MATERIAL = "Урок «Деление дробей»"
USER_TEXT = (COURSE, COHORT, ASSIGNMENT, ANNOUNCEMENT, SURVEY, TOPIC, COMMUNITY, MATERIAL)


def english_words(text: str, user_values=()) -> set[str]:
    """The English words of `text` that are not names, links or user-entered text."""
    for value in sorted({*USER_TEXT, *user_values}, key=len, reverse=True):
        text = text.replace(value, " ")
    return set(ENGLISH_WORD.findall(NOT_WORDS.sub(" ", text)))


def assert_speaks(language: str, text: str, english: str, user_values=()) -> None:
    assert text != english
    assert CYRILLIC.search(text), text
    leaked = english_words(english, user_values) & english_words(text, user_values)
    assert leaked == set(), f"{language}: English {sorted(leaked)} in {text!r}"


def test_the_check_catches_an_english_word_left_in_a_translation():
    english = "Your work “Эссе о практике” is reviewed: Accepted"
    assert_speaks("ru", "Работа «Эссе о практике» проверена: Принято", english)
    with pytest.raises(AssertionError, match=r"English \['Accepted'\]"):
        assert_speaks("ru", "Работа «Эссе о практике» проверена: Accepted", english)
    with pytest.raises(AssertionError):
        assert_speaks("uk", english, english)


def person(factory=TeacherFactory, **kwargs):
    return factory(full_name="Петренко Олена", **kwargs)


# --- one scenario per kind: (language) -> recipient, names to ignore ------------------------------


def waitlist_offer(language, capture):
    cohort = CohortFactory(title=COHORT, capacity=1, course=CourseFactory(title=COURSE))
    taken = EnrollmentFactory(cohort=cohort)
    waiting = EnrollmentFactory(
        cohort=cohort,
        teacher=person(preferred_language=language),
        state=Enrollment.State.WAITLISTED,
        enrolled_at=None,
    )
    Enrollment.objects.filter(pk=taken.pk).update(state=Enrollment.State.WITHDRAWN)
    with capture(execute=True):
        assert seats_offer_freed(cohort=cohort) == [waiting]
    return waiting.teacher, ()


def nomination(language, capture):
    school = SchoolFactory()
    teacher = person(school=school, preferred_language=language)
    cohort = CohortFactory(title=COHORT, course=CourseFactory(title=COURSE))
    with capture(execute=True):
        nomination_create(cohort=cohort, teacher=teacher, nominated_by=SchoolAdminFactory(school=school))
    return teacher, ()


def _nominated(language):
    school = SchoolFactory()
    admin = person(SchoolAdminFactory, school=school, preferred_language=language)
    teacher = TeacherFactory(school=school, full_name="Сидорова Анна")
    cohort = CohortFactory(title=COHORT, course=CourseFactory(title=COURSE))
    return admin, nomination_create(cohort=cohort, teacher=teacher, nominated_by=admin)


def nomination_decision(language, capture):
    admin, enrollment = _nominated(language)
    with capture(execute=True):
        nomination_accept(enrollment=enrollment, teacher=enrollment.teacher)
    return admin, ("Сидорова Анна",)


def nomination_declined(language, capture):
    admin, enrollment = _nominated(language)
    with capture(execute=True):
        nomination_decline(enrollment=enrollment, teacher=enrollment.teacher, reason="Уже прошла этот курс")
    return admin, ("Сидорова Анна", "Уже прошла этот курс")


def waitlist_offer_expired(language, capture):
    course = CourseFactory(title=COURSE)
    cohort = CohortFactory(title=COHORT, capacity=1, course=course)
    CohortFactory(title="Поток осень", course=course)
    lapsed = EnrollmentFactory(
        cohort=cohort,
        teacher=person(preferred_language=language),
        state=Enrollment.State.WAITLISTED,
        enrolled_at=None,
        offer_expires_at=timezone.now() - timedelta(minutes=1),
    )
    with capture(execute=True):
        assert enrollment_expire_offers() == 1
    return lapsed.teacher, ("Поток осень",)


def _certificate(language):
    enrollment = EnrollmentFactory(
        cohort=CohortFactory(title=COHORT, course=CourseFactory(title=COURSE)),
        teacher=person(preferred_language=language),
        state=Enrollment.State.COMPLETED,
    )
    return certificate_issue(enrollment_id=enrollment.pk)


def certificate_revoked(language, capture):
    certificate = _certificate(language)
    with capture(execute=True):
        certificate_revoke(
            certificate=certificate, actor=MethodologistFactory(), reason="Ошибка в данных курса"
        )
    return certificate.enrollment.teacher, (certificate.number, "Ошибка в данных курса")


def certificate_reissued(language, capture):
    certificate = _certificate(language)
    with capture(execute=True):
        certificate_reissue(
            certificate=certificate, actor=MethodologistFactory(), reason="Исправлена фамилия"
        )
    return certificate.enrollment.teacher, (certificate.number, "Исправлена фамилия")


def review_done(language, capture):
    module = ModuleFactory(course=CourseFactory(title=COURSE))
    assignment = AssignmentFactory(module=module, title=ASSIGNMENT)
    enrollment = EnrollmentFactory(
        cohort=CohortFactory(course=module.course, title=COHORT), teacher=person(preferred_language=language)
    )
    comment = "Хорошая работа, примеры из практики убедительны."
    with capture(execute=True):
        submission = submission_submit(enrollment=enrollment, assignment=assignment, text="Мой ответ " * 10)
        review_submit(
            submission=submission,
            reviewer=CuratorFactory(preferred_language="en"),
            decision="accepted",
            score=8,
            comment=comment,
        )
    return enrollment.teacher, (comment,)


def question_answered(language, capture):
    enrollment = EnrollmentFactory(
        cohort=CohortFactory(title=COHORT), teacher=person(preferred_language=language)
    )
    answer = "Начните с первого модуля."
    question = question_ask(enrollment=enrollment, text="С чего начать?")
    with capture(execute=True):
        question_answer(question=question, curator=CuratorFactory(preferred_language="en"), answer=answer)
    return enrollment.teacher, (answer,)


def announcement(language, capture):
    enrollment = EnrollmentFactory(
        cohort=CohortFactory(title=COHORT), teacher=person(preferred_language=language)
    )
    body = "Начало в 16:00, ссылка придёт накануне."
    with capture(execute=True):
        announcement_publish(
            cohort=enrollment.cohort,
            author=CuratorFactory(preferred_language="en"),
            title=ANNOUNCEMENT,
            body=body,
        )
    return enrollment.teacher, (body,)


def feedback_reminder(language, capture):
    now = timezone.now()
    cohort = CohortFactory(
        title=COHORT,
        starts_on=timezone.localdate() - timedelta(days=40),
        ends_on=timezone.localdate() + timedelta(days=20),
    )
    survey, _questions = feedback_survey(cohorts=[cohort])
    survey.title = SURVEY
    survey.save(update_fields=["title"])
    done = EnrollmentFactory(
        cohort=cohort,
        state=Enrollment.State.COMPLETED,
        completed_at=now,
        teacher=person(preferred_language=language),
    )
    with capture(execute=True):
        assert (
            reminder_rule_run(
                rule="surveys.reminders.feedback_survey_due", now=now + timedelta(days=1, hours=1)
            )
            == 1
        )
    return done.teacher, ()


def survey_reminder(language, capture):
    now = timezone.now()
    school = SchoolFactory()
    SurveyFactory(
        title=SURVEY,
        audience=Survey.Audience.SCHOOL,
        school=school,
        opens_at=now - timedelta(days=4),
        closes_at=now + timedelta(days=10),
    )
    teacher = person(school=school, preferred_language=language)
    with capture(execute=True):
        assert reminder_rule_run(rule="surveys.reminders.survey_reminder_due") == 1
    return teacher, ()


def deadline_reminder(language, capture):
    module = ModuleFactory(course=CourseFactory(title=COURSE))
    AssignmentFactory(module=module, due_days=10, title=ASSIGNMENT)
    cohort = CohortFactory(
        course=module.course,
        status="running",
        title=COHORT,
        starts_on=timezone.localdate() - timedelta(days=8),
        ends_on=timezone.localdate() + timedelta(days=30),
    )
    late = EnrollmentFactory(cohort=cohort, teacher=person(preferred_language=language))
    with capture(execute=True):
        assert reminder_rule_run(rule="cohorts.reminders.deadline_soon") == 1
    return late.teacher, ()


def curator_escalation(language, capture):
    curator = person(CuratorFactory, preferred_language=language)
    cohort = CohortFactory(title=COHORT, curators=[curator], response_target_hours=24)
    question = question_ask(enrollment=EnrollmentFactory(cohort=cohort), text="Где материалы?")
    with capture(execute=True):
        assert (
            reminder_rule_run(
                rule="cohorts.reminders.curator_escalation", now=question.created_at + timedelta(hours=25)
            )
            == 1
        )
    return curator, ("Где материалы?",)


def methodologist_escalation(language, capture):
    methodologist = person(MethodologistFactory, preferred_language=language)
    cohort = CohortFactory(title=COHORT, status="running", response_target_hours=10)
    cohort.course.authors.add(methodologist)
    question = question_ask(enrollment=EnrollmentFactory(cohort=cohort), text="Где материалы?")
    with capture(execute=True):
        assert (
            reminder_rule_run(
                rule="cohorts.reminders.methodologist_escalation",
                now=question.created_at + timedelta(hours=21),
            )
            == 1
        )
    return methodologist, ("Где материалы?",)


def _unconfirmed_announcement(school):
    cohort = CohortFactory(title=COHORT, status="running")
    enrollment = EnrollmentFactory(
        cohort=cohort, teacher=TeacherFactory(school=school, full_name="Сидорова Анна")
    )
    published = Announcement.objects.create(
        cohort=cohort, author=CuratorFactory(), title=ANNOUNCEMENT, body="Текст"
    )
    return enrollment, published.created_at


def announcement_reminder(language, capture):
    enrollment, published = _unconfirmed_announcement(SchoolFactory())
    enrollment.teacher.preferred_language = language
    enrollment.teacher.save(update_fields=["preferred_language"])
    with capture(execute=True):
        assert (
            reminder_rule_run(
                rule="cohorts.reminders.announcement_unconfirmed", now=published + timedelta(hours=49)
            )
            == 1
        )
    return enrollment.teacher, ()


def announcement_unconfirmed(language, capture):
    school = SchoolFactory()
    admin = person(SchoolAdminFactory, school=school, preferred_language=language)
    _enrollment, published = _unconfirmed_announcement(school)
    with capture(execute=True):
        assert (
            reminder_rule_run(
                rule="cohorts.reminders.announcement_unconfirmed_school_admins",
                now=published + timedelta(hours=97),
            )
            == 1
        )
    return admin, ("Сидорова Анна",)


def certificate_issued(language, capture):
    enrollment = EnrollmentFactory(
        cohort=CohortFactory(title=COHORT, course=CourseFactory(title=COURSE)),
        teacher=person(preferred_language=language),
        state=Enrollment.State.COMPLETED,
    )
    with capture(execute=True):
        certificate = certificate_issue(enrollment_id=enrollment.pk)
    return enrollment.teacher, (certificate.number,)


def _club():
    return CommunityFactory(name=COMMUNITY)


def community_post(language, capture):
    club = _club()
    author = member(club, TeacherFactory(full_name="Иванова Анна"))
    watcher = member(club, person(preferred_language=language))
    community_services.membership_set_following(
        community=club, user=watcher, level=FollowLevel.WATCHING, watch_new_topics=True
    )
    with capture(execute=True):
        community_services.topic_create(
            community=club, author=author, title=TOPIC, body="Как объяснять дроби?"
        )
    return watcher, ("Иванова Анна", "Как объяснять дроби?")


def community_new_topic(language, capture):
    club = _club()
    author = member(club, TeacherFactory(full_name="Иванова Анна"))
    fan = member(club, person(preferred_language=language))
    community_services.membership_set_following(
        community=club, user=fan, level=FollowLevel.NORMAL, watch_new_topics=True
    )
    with capture(execute=True):
        community_services.topic_create(
            community=club, author=author, title=TOPIC, body="Как объяснять дроби?"
        )
    return fan, ("Иванова Анна", "Как объяснять дроби?")


def community_reply(language, capture):
    club = _club()
    asker = member(club, person(preferred_language=language))
    with capture(execute=True):
        topic = community_services.topic_create(community=club, author=asker, title=TOPIC, body="Вопрос")
    with capture(execute=True):
        community_services.post_create(
            topic=topic,
            author=member(club, TeacherFactory(full_name="Иванова Анна")),
            reply_to=topic.posts.get(),
            body="Мой ответ",
        )
    return asker, ("Иванова Анна", "Мой ответ")


def community_join_request(language, capture):
    club = CommunityFactory(name=COMMUNITY, is_closed=True)
    moderator = member(club, person(preferred_language=language), role=MemberRole.MODERATOR)
    with capture(execute=True):
        community_services.membership_join(
            community=club, user=TeacherFactory(full_name="Иванова Анна"), message="Примите, пожалуйста"
        )
    return moderator, ("Иванова Анна",)


def community_join_approved(language, capture):
    club = CommunityFactory(name=COMMUNITY, is_closed=True)
    moderator = member(club, role=MemberRole.MODERATOR)
    joiner = person(preferred_language=language)
    membership = community_services.membership_join(community=club, user=joiner)
    with capture(execute=True):
        community_services.membership_decide(membership=membership, by=moderator, approve=True)
    return joiner, ()


def community_post_reported(language, capture):
    club = _club()
    moderator = member(club, person(preferred_language=language), role=MemberRole.MODERATOR)
    author = member(club, TeacherFactory(full_name="Иванова Анна"))
    with capture(execute=True):
        topic = community_services.topic_create(community=club, author=author, title=TOPIC, body="Реклама")
    with capture(execute=True):
        community_services.post_report(post=topic.posts.get(), reporter=author, reason="Это спам")
    return moderator, ("Это спам",)


def community_report_closed(language, capture):
    club = _club()
    moderator = member(club, TeacherFactory(full_name="Иванова Анна"), role=MemberRole.MODERATOR)
    author = member(club, TeacherFactory(full_name="Петренко Олена"))
    reporter = member(club, person(preferred_language=language))
    with capture(execute=True):
        topic = community_services.topic_create(community=club, author=author, title=TOPIC, body="Вопрос")
        reply = community_services.post_create(topic=topic, author=author, body="Реклама курса")
        community_services.post_report(post=reply, reporter=reporter, reason="Это спам")
    with capture(execute=True):
        community_services.post_set_hidden(post=reply, by=moderator, hidden=True)
    return reporter, ("Это спам",)


def community_post_moderated(language, capture):
    club = _club()
    moderator = member(club, TeacherFactory(full_name="Иванова Анна"), role=MemberRole.MODERATOR)
    author = member(club, person(preferred_language=language))
    with capture(execute=True):
        topic = community_services.topic_create(community=club, author=moderator, title=TOPIC, body="Вопрос")
        reply = community_services.post_create(topic=topic, author=author, body="Реклама курса")
    with capture(execute=True):
        community_services.post_set_hidden(post=reply, by=moderator, hidden=True)
    return author, ()


def mention(language, capture):
    club = _club()
    author = member(club, TeacherFactory(full_name="Иванова Анна"))
    mentioned = member(club, person(email=f"olena.{language}@example.org", preferred_language=language))
    with capture(execute=True):
        topic = community_services.topic_create(community=club, author=author, title=TOPIC, body="Вопрос")
        community_services.post_create(topic=topic, author=author, body="Спросите @Петренко Олена")
    return mentioned, ("Иванова Анна", "Спросите @Петренко Олена", "@Петренко Олена")


EVENT = "Круглый стол по ВПР"


def _full_event(language, **kwargs):
    from tests.communities.factories import EventFactory

    club = _club()
    organiser = member(club, TeacherFactory(full_name="Иванова Анна"), role=MemberRole.MODERATOR)
    event = EventFactory(community=club, title=EVENT, created_by=organiser, **kwargs)
    return club, organiser, event


def event_place(language, capture):
    club, _organiser, event = _full_event(language, capacity=1)
    taken = member(club)
    waiting = member(club, person(preferred_language=language))
    community_services.event_register(event=event, user=taken)
    community_services.event_register(event=event, user=waiting)
    with capture(execute=True):
        community_services.event_unregister(event=event, user=taken)
    return waiting, (EVENT, "UTC")


def event_changed(language, capture):
    club, organiser, event = _full_event(language, place="Школа № 5")
    registered = member(club, person(preferred_language=language))
    community_services.event_register(event=event, user=registered)
    with capture(execute=True):
        community_services.event_update(event=event, by=organiser, place="Школа № 7, актовый зал")
    return registered, (EVENT, "UTC", "Школа № 7, актовый зал")


def event_reminder(language, capture):
    club, _organiser, event = _full_event(language, starts_at=timezone.now() + timedelta(hours=5))
    registered = member(club, person(preferred_language=language))
    community_services.event_register(event=event, user=registered)
    with capture(execute=True):
        assert reminder_rule_run(rule="communities.reminders.event_reminders_due") == 1
    return registered, (EVENT, "UTC")


def _shared_material(language):
    club = _club()
    author = member(club, person(preferred_language=language))
    material = community_services.material_create(
        community=club, author=author, title=MATERIAL, description="Технологическая карта урока"
    )
    return club, material


def material_rated(language, capture):
    club, material = _shared_material(language)
    with capture(execute=True):
        community_services.material_rate(
            material=material, user=member(club, TeacherFactory(full_name="Иванова Анна")), score=5
        )
    return material.author, ("Иванова Анна",)


def material_commented(language, capture):
    club, material = _shared_material(language)
    with capture(execute=True):
        community_services.material_comment_add(
            material=material,
            author=member(club, TeacherFactory(full_name="Иванова Анна")),
            body="Спасибо, взяла!",
        )
    return material.author, ("Иванова Анна", "Спасибо, взяла!")


def material_deleted(language, capture):
    club, material = _shared_material(language)
    with capture(execute=True):
        community_services.material_delete(material=material, by=member(club, role=MemberRole.MODERATOR))
    return material.author, ()


def mentoring(language, capture):
    mentee = person(YoungTeacherFactory, preferred_language=language)
    mentor = MentorFactory(school=mentee.school, full_name="Коваль Ирина")
    with capture(execute=True):
        mentoring_services.pair_create(
            actor=SchoolAdminFactory(school=mentee.school), mentor=mentor, mentee=mentee
        )
    return mentee, ("Коваль Ирина", "Петренко Олена")


def mentoring_message(language, capture):
    mentee = person(YoungTeacherFactory, preferred_language=language)
    pair = ActivePairFactory(mentee=mentee, mentor__full_name="Коваль Ирина")
    with capture(execute=True):
        mentoring_services.message_send(actor=pair.mentor, pair=pair, body="Встретимся в среду?")
    return mentee, ("Коваль Ирина", "Встретимся в среду?")


def mentoring_feedback(language, capture):
    today = timezone.localdate()
    mentee = person(YoungTeacherFactory, preferred_language=language)
    ActivePairFactory(
        mentee=mentee,
        mentor__full_name="Коваль Ирина",
        start_date=today - timedelta(weeks=4),
        feedback_every_weeks=4,
    )
    with capture(execute=True):
        assert mentoring_services.feedback_remind_due() == 1
    return mentee, ("Коваль Ирина",)


def export_ready(language, capture):
    admin = person(SchoolAdminFactory, preferred_language=language)
    job = ExportJob.objects.create(requested_by=admin, report="school", fmt="csv", params={})
    with capture(execute=True):
        export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == "done", job.error
    return admin, ()


def _school_move(teacher_language, old_admin_language="en"):
    old, new = SchoolFactory(name="Гимназия № 1"), SchoolFactory(name="Лицей № 2")
    teacher = person(school=old, municipality=old.municipality, preferred_language=teacher_language)
    old_admin = SchoolAdminFactory(
        school=old, full_name="Коваль Ирина", preferred_language=old_admin_language
    )
    move = school_move_request_create(teacher=teacher, to_school_id=new.pk, reason="Переезд")
    return teacher, old_admin, SchoolAdminFactory(school=new), move


def school_move_asked(language, capture):
    old, new = SchoolFactory(name="Гимназия № 1"), SchoolFactory(name="Лицей № 2")
    teacher = person(school=old, municipality=old.municipality, preferred_language="ru")
    admin = SchoolAdminFactory(school=new, full_name="Коваль Ирина", preferred_language=language)
    with capture(execute=True):
        report_services.school_move_ask(teacher=teacher, to_school_id=new.pk, reason="Переезд")
    return admin, ("Петренко Олена", "Лицей № 2", "Переезд")


def school_move_approved(language, capture):
    teacher, _old_admin, new_admin, move = _school_move(language)
    with capture(execute=True):
        report_services.school_move_approve(move_id=move.pk, decider=new_admin)
    return teacher, ("Гимназия № 1", "Лицей № 2")


def school_move_rejected(language, capture):
    teacher, _old_admin, new_admin, move = _school_move(language)
    with capture(execute=True):
        report_services.school_move_reject(move_id=move.pk, decider=new_admin, reason="Нет вакансии")
    return teacher, ("Лицей № 2", "Нет вакансии")


def school_move_left(language, capture):
    _teacher, old_admin, new_admin, move = _school_move("ru", old_admin_language=language)
    with capture(execute=True):
        report_services.school_move_approve(move_id=move.pk, decider=new_admin)
    return old_admin, ("Петренко Олена", "Лицей № 2")


def school_invitation(language, capture):
    school = SchoolFactory(name="Гимназия № 1")
    admin = SchoolAdminFactory(school=school, preferred_language=language)
    rows = [
        {
            "row": 2,
            "name": "Петренко Олена",
            "email": f"olena-{language}@school.example",
            "subject": "",
            "position": "",
            "start_date": "",
        }
    ]
    with capture(execute=True):
        report_services.teacher_import_run(school=school, admin=admin, rows=rows)
    return User.objects.get(email=f"olena-{language}@school.example"), ("Гимназия № 1",)


SCENARIOS = {
    "waitlist_offer": waitlist_offer,
    "nomination": nomination,
    "nomination_decision": nomination_decision,
    "nomination_decision:declined": nomination_declined,
    "waitlist_offer_expired": waitlist_offer_expired,
    "certificate_changed": certificate_revoked,
    "certificate_changed:reissued": certificate_reissued,
    "review_done": review_done,
    "question_answered": question_answered,
    "announcement": announcement,
    "feedback_reminder": feedback_reminder,
    "survey_reminder": survey_reminder,
    "deadline_reminder": deadline_reminder,
    "curator_escalation": curator_escalation,
    "curator_escalation:methodologists": methodologist_escalation,
    "announcement_reminder": announcement_reminder,
    "announcement_unconfirmed": announcement_unconfirmed,
    "certificate_issued": certificate_issued,
    "community_post": community_post,
    "community_post:new_topic": community_new_topic,
    "community_post:reply": community_reply,
    "community_post:join_request": community_join_request,
    "community_post:join_approved": community_join_approved,
    "community_post:reported": community_post_reported,
    "community_post:report_closed": community_report_closed,
    "community_post:moderated": community_post_moderated,
    "mention": mention,
    "event_place": event_place,
    "event_changed": event_changed,
    "event_reminder": event_reminder,
    "material_feedback": material_rated,
    "material_feedback:comment": material_commented,
    "material_feedback:deleted": material_deleted,
    "mentoring": mentoring,
    "mentoring:message": mentoring_message,
    "mentoring_feedback": mentoring_feedback,
    "export_ready": export_ready,
    "school_move": school_move_approved,
    "school_move:rejected": school_move_rejected,
    "school_move:left": school_move_left,
    "school_move:asked": school_move_asked,
    "school_invitation": school_invitation,
}


def test_every_kind_has_a_scenario_and_is_known_before_any_sender_is_imported():
    assert {code.split(":")[0] for code in SCENARIOS} == {kind.code for kind in all_kinds()}
    # A web process that never imported the reminder rules still knows every kind (preferences, mail footer).
    fresh = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from notifications.kinds import all_kinds; "
            "print(' '.join(sorted(kind.code for kind in all_kinds())))",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "pdplatform.settings"},
    )
    assert fresh.stdout.split() == sorted(
        code.split(":")[0] for code in {code.split(":")[0] for code in SCENARIOS}
    )


def _mail_text(message) -> str:
    html = "".join(strip_tags(content) for content, _type in message.alternatives)
    return f"{message.subject}\n{message.body}\n{html}"


def _rendered(scenario, language, capture) -> tuple[str, str, str, tuple]:
    mail.outbox.clear()
    recipient, user_values = scenario(language, capture)
    note = Notification.objects.filter(recipient=recipient).latest("pk")
    mails = [m for m in mail.outbox if m.to == [recipient.email] and m.subject == note.title]
    if note.delivery == "digest":
        assert mails == []
        assert digest_deliver(user_id=recipient.pk) == 1
        mails = [m for m in mail.outbox if m.to == [recipient.email]]
    assert len(mails) == 1
    return (
        note.title,
        note.body,
        _mail_text(mails[0]),
        (*user_values, recipient.get_short_name(), recipient.email),
    )


@pytest.mark.parametrize("code", list(SCENARIOS))
def test_each_kind_speaks_the_recipients_language(code, django_capture_on_commit_callbacks):
    renderings = {
        language: _rendered(SCENARIOS[code], language, django_capture_on_commit_callbacks)
        for language in LANGUAGES
    }
    en_title, en_body, en_mail, en_values = renderings["en"]
    for language in ("ru", "uk"):
        title, body, mail_text, values = renderings[language]
        ignore = (*en_values, *values)
        if english_words(en_title, ignore):  # a title that is not all user text is translated
            assert_speaks(language, title, en_title, ignore)
        if english_words(en_body, ignore):
            assert_speaks(language, body, en_body, ignore)
        assert_speaks(language, mail_text, en_mail, ignore)
    assert renderings["ru"][2] != renderings["uk"][2]


@pytest.mark.parametrize("count", [1, 3, 5])
def test_the_daily_digest_speaks_the_recipients_language_in_every_plural_form(count):
    kinds = ["community_post"] * count if count == 1 else ["mention"] + ["community_post"] * (count - 1)
    texts = {}
    for language in LANGUAGES:
        mail.outbox.clear()
        user = person(preferred_language=language)
        for number, kind in enumerate(kinds):
            notification_send(recipient=user, kind=kind, title=f"{TOPIC} {number}", body="Текст поста")
        Notification.objects.filter(recipient=user).update(delivery="digest", emailed_at=None)
        mail.outbox.clear()  # the immediate mention mail
        assert digest_deliver(user_id=user.pk) == count
        texts[language] = (_mail_text(mail.outbox[-1]), (user.get_short_name(), user.email, "Текст поста"))
    english, en_values = texts["en"]
    assert f"{count} new notification" in english
    for language in ("ru", "uk"):
        text, values = texts[language]
        assert_speaks(language, text, english, (*en_values, *values))
        assert f"{count} " in text
