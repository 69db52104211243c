"""Media in a bucket (issue #24 item 1) in a real browser: with the default storage on a real S3 server
(moto, tests/conftest.py `s3_storage`), the catalogue shows a course's cover through its signed
redirect, and a teacher's lesson video plays and seeks from the bucket; 1366 px and phone."""

import io
from pathlib import Path

from django.core.files.base import ContentFile
from PIL import Image
from playwright.sync_api import expect

from tests.cohorts.factories import CohortFactory, EnrollmentFactory, LessonFactory

WEBM = (Path(__file__).parent.parent / "data" / "lesson-60s.webm").read_bytes()


def _cover() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 360), (40, 110, 170)).save(buffer, format="PNG")
    return buffer.getvalue()


def _with_storage_origin(settings, origin: str) -> None:
    # What settings.py does when STORAGE_URL is set at start-up (tests/core/test_storage.py holds it).
    policy = settings.CONTENT_SECURITY_POLICY
    directives = dict(policy["DIRECTIVES"])
    for name in ("img-src", "media-src"):
        directives[name] = [*directives[name], origin]
    settings.CONTENT_SECURITY_POLICY = {**policy, "DIRECTIVES": directives}


def test_covers_and_lesson_videos_come_from_the_bucket(
    page, live_server, login_as, shot, s3_storage, settings
):
    _with_storage_origin(settings, s3_storage.endpoint)
    cohort = CohortFactory(course__title="Цифровые инструменты учителя")
    cohort.course.cover.save("cover.png", ContentFile(_cover()), save=True)
    lesson = LessonFactory(
        module__course=cohort.course, title="Запись вебинара", kind="video", body="Смотрите запись."
    )
    lesson.video_file.save("webinar.webm", ContentFile(WEBM), save=True)
    enrollment = EnrollmentFactory(cohort=cohort)
    assert s3_storage.keys() == sorted([cohort.course.cover.name, lesson.video_file.name])

    seen: list[
        tuple[str, int]
    ] = []  # (address without the signature, status) of every answer the browser got
    page.on("response", lambda answer: seen.append((answer.url.split("?")[0], answer.status)))
    page.goto(f"{live_server.url}/courses/")
    cover = page.locator(f"img[src='/media/{cohort.course.cover.name}']")
    expect(cover).to_be_visible()
    expect(cover).to_have_js_property("complete", True)
    assert cover.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [640, 360]
    page.set_viewport_size({"width": 1366, "height": 860})
    shot("bucket-catalogue-1366")

    login_as(enrollment.teacher)
    page.goto(f"{live_server.url}/learn/my/{enrollment.pk}/lesson/{lesson.pk}/")
    video = page.locator("video")
    expect(video).to_be_visible()
    page.wait_for_function("() => document.querySelector('video').readyState >= 1")
    object_url = f"{s3_storage.endpoint}/{s3_storage.bucket}/{lesson.video_file.name}"
    cover_url = f"{s3_storage.endpoint}/{s3_storage.bucket}/{cohort.course.cover.name}"
    # The page's own addresses redirect; the bytes come from the bucket (the video by ranges).
    assert (f"{live_server.url}/media/{cohort.course.cover.name}", 302) in seen
    assert (cover_url, 200) in seen
    assert (f"{live_server.url}/learn/files/lessons/{lesson.pk}/video/", 302) in seen
    assert (object_url, 206) in seen
    page.evaluate("""() => { const v = document.querySelector('video'); v.muted = true;
        return v.play().then(() => { v.currentTime = 25; v.pause(); }); }""")
    page.wait_for_function("() => document.querySelector('video').currentTime >= 25")
    shot("bucket-lesson-video-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    shot("bucket-lesson-video-phone")
