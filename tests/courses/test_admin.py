"""The authoring admin: create with module inlines, publish / archive / duplicate actions, history."""

import pytest

from courses.models import Course, Lesson, Module
from tests.factories import MethodologistFactory

from .factories import CompetencyFactory, course_with_structure

pytestmark = pytest.mark.django_db


def test_methodologist_creates_a_course_with_modules_in_the_admin(client):
    author = MethodologistFactory()
    competency = CompetencyFactory(code="DIG.1")
    client.force_login(author)
    assert client.get("/admin/courses/course/add/").status_code == 200
    response = client.post(
        "/admin/courses/course/add/",
        {
            "title": "Digital literacy",
            "slug": "digital-literacy",
            "summary": "Tools",
            "description": "",
            "target_audience": "",
            "format": "distance",
            "hours": "36",
            "level": "basic",
            "language": "en",
            "competencies": [competency.pk],
            "modules-TOTAL_FORMS": "2",
            "modules-INITIAL_FORMS": "0",
            "modules-MIN_NUM_FORMS": "0",
            "modules-MAX_NUM_FORMS": "1000",
            "faq_entries-TOTAL_FORMS": "0",
            "faq_entries-INITIAL_FORMS": "0",
            "modules-0-title": "Platforms",
            "modules-0-position": "0",
            "modules-1-title": "Online lessons",
            "modules-1-position": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    course = Course.objects.get(slug="digital-literacy")
    assert list(course.authors.all()) == [author]
    assert (course.status, course.language) == ("draft", "en")
    assert list(course.modules.values_list("title", "position")) == [("Platforms", 1), ("Online lessons", 2)]


def test_bad_input_in_the_admin_shows_errors_and_saves_nothing(client):
    Course.objects.create(title="Taken", slug="taken", summary="s", hours=3)
    client.force_login(MethodologistFactory())
    response = client.post(
        "/admin/courses/course/add/",
        {
            "title": "Other",
            "slug": "taken",
            "summary": "s",
            "format": "distance",
            "hours": "-4",
            "level": "basic",
            "language": "ru",
            "modules-TOTAL_FORMS": "1",
            "modules-INITIAL_FORMS": "0",
            "modules-MIN_NUM_FORMS": "0",
            "modules-MAX_NUM_FORMS": "1000",
            "faq_entries-TOTAL_FORMS": "0",
            "faq_entries-INITIAL_FORMS": "0",
            "modules-0-title": "M",
            "modules-0-position": "1",
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert set(errors) >= {"slug", "hours"}
    assert Course.objects.count() == 1
    assert not Module.objects.exists()


def test_lesson_with_a_non_http_video_url_is_refused_in_the_module_admin(client):
    author = MethodologistFactory()
    course = course_with_structure(modules=1, lessons=0, authors=[author])
    module = course.modules.get()
    client.force_login(author)
    response = client.post(
        f"/admin/courses/module/{module.pk}/change/",
        {
            "course": course.pk,
            "title": module.title,
            "description": "",
            "position": "1",
            "lessons-TOTAL_FORMS": "1",
            "lessons-INITIAL_FORMS": "0",
            "lessons-MIN_NUM_FORMS": "0",
            "lessons-MAX_NUM_FORMS": "1000",
            "lessons-0-title": "Video",
            "lessons-0-kind": "video",
            "lessons-0-hours": "1",
            "lessons-0-position": "1",
            "lessons-0-is_required": "on",
            "lessons-0-video_url": "javascript:alert(1)",
            "assignments-TOTAL_FORMS": "0",
            "assignments-INITIAL_FORMS": "0",
            "assignments-MIN_NUM_FORMS": "0",
            "assignments-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 200
    assert not Lesson.objects.filter(module=module).exists()


def test_publish_archive_and_duplicate_actions(client):
    author = MethodologistFactory()
    course = course_with_structure(slug="c", status="draft", published_at=None, authors=[author])
    empty = Course.objects.create(title="Empty", slug="empty", summary="s", hours=2)
    empty.authors.add(author)
    client.force_login(author)
    response = client.post(
        "/admin/courses/course/",
        {"action": "publish", "_selected_action": [course.pk, empty.pk]},
        follow=True,
    )
    texts = [str(m) for m in response.context["messages"]]
    assert any("no lessons yet" in t for t in texts)
    assert any("1 course published" in t for t in texts)
    course.refresh_from_db()
    empty.refresh_from_db()
    assert (course.status, empty.status) == ("published", "draft")

    client.post("/admin/courses/course/", {"action": "duplicate", "_selected_action": [course.pk]})
    copy = Course.objects.get(previous_version=course)
    assert (copy.status, copy.slug, copy.modules.count()) == ("draft", "c-v2", course.modules.count())

    client.post("/admin/courses/course/", {"action": "archive", "_selected_action": [course.pk]})
    course.refresh_from_db()
    assert course.status == "archived"


def test_admin_pages_render_for_a_methodologist(client):
    author = MethodologistFactory()
    course = course_with_structure(authors=[author])
    client.force_login(author)
    for url in [
        "/admin/courses/course/",
        f"/admin/courses/course/{course.pk}/change/",
        f"/admin/courses/course/{course.pk}/history/",
        f"/admin/courses/module/{course.modules.first().pk}/change/",
        "/admin/courses/competency/",
        "/admin/courses/competencyarea/",
        "/admin/autocomplete/?term=d&app_label=courses&model_name=course&field_name=competencies",
    ]:
        assert client.get(url).status_code == 200, url


def test_cover_upload_of_the_wrong_type_is_refused_in_the_admin(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    author = MethodologistFactory()
    course = course_with_structure(modules=0, slug="cov", authors=[author])
    client.force_login(author)
    response = client.post(
        f"/admin/courses/course/{course.pk}/change/",
        {
            "title": course.title,
            "slug": course.slug,
            "summary": course.summary,
            "description": "",
            "target_audience": "",
            "format": "distance",
            "hours": "5",
            "level": "basic",
            "language": "ru",
            "cover": SimpleUploadedFile(
                "cover.jpg", b"#!/bin/sh\necho not an image\n", content_type="image/jpeg"
            ),
            "modules-TOTAL_FORMS": "0",
            "modules-INITIAL_FORMS": "0",
            "modules-MIN_NUM_FORMS": "0",
            "modules-MAX_NUM_FORMS": "1000",
            "faq_entries-TOTAL_FORMS": "0",
            "faq_entries-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "cover" in response.context["adminform"].form.errors
    course.refresh_from_db()
    assert not course.cover
    assert course.hours == 24
