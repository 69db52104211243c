"""A teacher watches a lesson's video in the page, stops at 0:25, comes back and the player resumes
there (the uploaded file seeks through range requests); 1366 px and phone."""

from pathlib import Path

from django.core.files.base import ContentFile
from playwright.sync_api import expect

from cohorts.models import VideoPosition
from tests.cohorts.factories import CohortFactory, EnrollmentFactory, LessonFactory

WEBM = (Path(__file__).parent.parent / "data" / "lesson-60s.webm").read_bytes()


def test_the_video_resumes_where_the_teacher_stopped(page, live_server, login_as, shot):
    cohort = CohortFactory(course__title="Цифровые инструменты учителя")
    lesson = LessonFactory(
        module__course=cohort.course, title="Запись вебинара", kind="video", body="Смотрите запись."
    )
    lesson.video_file.save("webinar.webm", ContentFile(WEBM), save=True)
    enrollment = EnrollmentFactory(cohort=cohort)

    login_as(enrollment.teacher)
    page.goto(f"{live_server.url}/learn/my/{enrollment.pk}/lesson/{lesson.pk}/")
    video = page.locator("video[data-position-url]")
    expect(video).to_be_visible()
    page.wait_for_function("document.querySelector('video').readyState >= 1")
    with page.expect_response(
        lambda r: r.url.endswith("/position/") and r.request.method == "POST"
    ) as posted:
        page.evaluate("""() => { const v = document.querySelector('video'); v.muted = true;
            return v.play().then(() => { v.currentTime = 25; v.pause(); }); }""")
    assert posted.value.status == 204
    assert VideoPosition.objects.get(enrollment=enrollment, lesson=lesson).seconds == 25
    shot("lesson-video-1366")

    page.reload()
    page.wait_for_function("document.querySelector('video').currentTime >= 25")
    assert page.evaluate("Math.floor(document.querySelector('video').currentTime)") == 25
    page.set_viewport_size({"width": 390, "height": 844})
    shot("lesson-video-phone")
