"""A lesson's video plays in the page and resumes where the teacher stopped: the position is the
teacher's own (another's enrollment or lesson is 404), bad positions change nothing, the cached lesson
page still shows the current one, and the file seeks by byte ranges."""

from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from cohorts.models import VideoPosition
from tests.factories import TeacherFactory

from .factories import CohortFactory, EnrollmentFactory, LessonFactory

pytestmark = pytest.mark.django_db

WEBM = (Path(__file__).parent.parent / "data" / "lesson-60s.webm").read_bytes()


@pytest.fixture
def video_lesson():
    cohort = CohortFactory()
    lesson = LessonFactory(module__course=cohort.course, title="Запись вебинара", kind="video")
    lesson.video_file.save("talk.webm", ContentFile(WEBM), save=True)
    return EnrollmentFactory(cohort=cohort), lesson


def position_url(enrollment, lesson) -> str:
    return reverse("cohorts:lesson_position", args=[enrollment.pk, lesson.pk])


def test_the_position_is_saved_and_replaced(client, video_lesson):
    enrollment, lesson = video_lesson
    client.force_login(enrollment.teacher)
    assert client.post(position_url(enrollment, lesson), {"seconds": "42.7"}).status_code == 204
    assert client.post(position_url(enrollment, lesson), {"seconds": "95"}).status_code == 204
    assert list(VideoPosition.objects.values_list("enrollment_id", "lesson_id", "seconds")) == [
        (enrollment.pk, lesson.pk, 95)
    ]


def test_the_lesson_page_resumes_at_the_position_even_when_cached(client, video_lesson):
    enrollment, lesson = video_lesson
    client.force_login(enrollment.teacher)
    page = reverse("cohorts:lesson", args=[enrollment.pk, lesson.pk])
    html = client.get(page).content.decode()
    assert '<script id="video-position" type="application/json">0</script>' in html
    assert f'data-position-url="{position_url(enrollment, lesson)}"' in html
    assert f'src="{reverse("cohorts:lesson_file", args=[lesson.pk, "video"])}"' in html
    assert "js/video-position" in html
    client.post(position_url(enrollment, lesson), {"seconds": "31"})
    html = client.get(page).content.decode()  # the lesson's fragment comes from the cache now
    assert '<script id="video-position" type="application/json">31</script>' in html


def test_an_embedded_player_is_in_the_page_and_reports_its_position(client, settings):
    settings.VIDEO_EMBED_ORIGINS = ["https://www.youtube-nocookie.com"]
    cohort = CohortFactory()
    lesson = LessonFactory(module__course=cohort.course, kind="video", video_url="https://youtu.be/abcDEF123")
    enrollment = EnrollmentFactory(cohort=cohort)
    client.force_login(enrollment.teacher)
    html = client.get(reverse("cohorts:lesson", args=[enrollment.pk, lesson.pk])).content.decode()
    assert 'src="https://www.youtube-nocookie.com/embed/abcDEF123?enablejsapi=1"' in html
    assert f'data-position-url="{position_url(enrollment, lesson)}"' in html
    assert client.post(position_url(enrollment, lesson), {"seconds": "12"}).status_code == 204


def test_attack_another_teachers_enrollment_or_another_courses_lesson_is_404(client, video_lesson):
    enrollment, lesson = video_lesson
    intruder = EnrollmentFactory(teacher=TeacherFactory())
    client.force_login(intruder.teacher)
    assert client.post(position_url(enrollment, lesson), {"seconds": "5"}).status_code == 404
    assert client.post(position_url(intruder, lesson), {"seconds": "5"}).status_code == 404
    client.logout()
    assert client.post(position_url(enrollment, lesson), {"seconds": "5"}).status_code == 302
    assert VideoPosition.objects.count() == 0


@pytest.mark.parametrize("seconds", ["", "abc", "-5", "86401", "1e400", "nan"])
def test_a_bad_position_is_refused_with_a_message_and_changes_nothing(client, video_lesson, seconds):
    enrollment, lesson = video_lesson
    enrollment.teacher.preferred_language = "ru"
    enrollment.teacher.save()
    client.force_login(enrollment.teacher)
    client.post(position_url(enrollment, lesson), {"seconds": "7"})
    response = client.post(position_url(enrollment, lesson), {"seconds": seconds})
    assert response.status_code == 400
    assert response.content.decode() == "Позиция должна быть числом секунд."
    assert list(VideoPosition.objects.values_list("seconds", flat=True)) == [7]


def test_a_lesson_without_video_keeps_no_position(client):
    cohort = CohortFactory()
    lesson = LessonFactory(module__course=cohort.course, kind="text")
    enrollment = EnrollmentFactory(cohort=cohort, teacher=TeacherFactory(preferred_language="uk"))
    client.force_login(enrollment.teacher)
    response = client.post(position_url(enrollment, lesson), {"seconds": "3"})
    assert response.status_code == 400
    assert response.content.decode() == "У цьому уроці немає відео."
    assert (
        "video-position"
        not in client.get(reverse("cohorts:lesson", args=[enrollment.pk, lesson.pk])).content.decode()
    )
    assert VideoPosition.objects.count() == 0


def test_get_is_not_allowed(client, video_lesson):
    enrollment, lesson = video_lesson
    client.force_login(enrollment.teacher)
    assert client.get(position_url(enrollment, lesson)).status_code == 405


def test_the_video_file_seeks_by_byte_ranges(client, video_lesson):
    enrollment, lesson = video_lesson
    client.force_login(enrollment.teacher)
    response = client.get(
        reverse("cohorts:lesson_file", args=[lesson.pk, "video"]), HTTP_RANGE="bytes=100-199"
    )
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 100-199/{len(WEBM)}"
    assert response["Content-Type"] == "video/webm"
    assert b"".join(response.streaming_content) == WEBM[100:200]
