"""The FAQ belongs to the course: a question a curator publishes in one cohort is answered for every
cohort of the course (never for another course), methodologists edit it in the course admin, a changed
answer updates it and unpublishing withdraws it."""

import pytest
from django.urls import reverse

from cohorts.services import CohortError, question_answer, question_ask, question_publish_faq
from courses.models import FaqEntry
from tests.factories import CuratorFactory, MethodologistFactory

from .factories import CohortFactory, EnrollmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def published():
    first = CohortFactory(title="Весна")
    later = CohortFactory(course=first.course, title="Осень")
    other_course = CohortFactory(title="Другой курс")
    asker = EnrollmentFactory(cohort=first)
    question = question_ask(enrollment=asker, text="Где найти запись вводного вебинара?")
    question_answer(question=question, curator=CuratorFactory(), answer="В разделе «Живые занятия и записи».")
    question_publish_faq(question=question)
    return question, EnrollmentFactory(cohort=later), EnrollmentFactory(cohort=other_course)


def test_a_published_answer_reaches_every_cohort_of_the_course(client, published):
    question, later, _other = published
    client.force_login(later.teacher)
    for url in (reverse("cohorts:player", args=[later.pk]), reverse("cohorts:questions", args=[later.pk])):
        html = client.get(url).content.decode()
        assert "Где найти запись вводного вебинара?" in html
        assert "«Живые занятия и записи»" in html


def test_attack_another_courses_cohort_never_sees_it(client, published):
    _question, _later, other = published
    client.force_login(other.teacher)
    for url in (reverse("cohorts:player", args=[other.pk]), reverse("cohorts:questions", args=[other.pk])):
        assert "вводного вебинара" not in client.get(url).content.decode()


def test_a_changed_answer_updates_the_entry_and_unpublishing_withdraws_it(published):
    question, _later, _other = published
    entry = FaqEntry.objects.get()
    assert (entry.course_id, entry.question) == (question.cohort.course_id, question.text)
    question_answer(question=question, curator=CuratorFactory(), answer="На странице курса, раздел «Записи».")
    question_publish_faq(question=question)
    assert list(FaqEntry.objects.values_list("answer", flat=True)) == ["На странице курса, раздел «Записи»."]
    question_publish_faq(question=question, published=False)
    question.refresh_from_db()
    assert (question.is_faq, FaqEntry.objects.count()) == (False, 0)


def test_methodologists_edit_the_course_faq_in_the_course_admin(client, published):
    question, later, _other = published
    author = MethodologistFactory()
    course = question.cohort.course
    course.authors.add(author)
    client.force_login(author)
    html = client.get(reverse("admin:courses_course_change", args=[course.pk])).content.decode()
    assert "Где найти запись вводного вебинара?" in html
    assert 'name="faq_entries-0-answer"' in html
    entry = FaqEntry.objects.get()
    entry.answer = "Записи — в разделе «Материалы»."
    entry.save()
    client.force_login(later.teacher)
    assert (
        "Записи — в разделе «Материалы»."
        in client.get(reverse("cohorts:questions", args=[later.pk])).content.decode()
    )


def test_an_unanswered_question_cannot_be_published():
    enrollment = EnrollmentFactory()
    question = question_ask(enrollment=enrollment, text="Когда вебинар?")
    with pytest.raises(CohortError, match="answered"):
        question_publish_faq(question=question)
    assert FaqEntry.objects.count() == 0
