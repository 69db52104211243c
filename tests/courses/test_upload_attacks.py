"""Attacks on course uploads (cover, lesson video, lesson material — all through the authoring admin):
markup and polyglots are refused with a clear message and nothing is stored; an accepted file is
stored under a random name with the extension read from its content."""

import os

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import upload_samples as samples
from tests.factories import MethodologistFactory

from .factories import LessonFactory, course_with_structure

pytestmark = pytest.mark.django_db

MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64


def _markup_message(name: str) -> list[str]:
    return [
        f"The file “{name}” looks like a web page, an SVG picture or an XML document; such files are not accepted."
    ]


def _stored_files(settings, folder: str) -> list[str]:
    root = settings.MEDIA_ROOT / "courses" / folder
    return sorted(os.listdir(root)) if root.exists() else []


def _post_cover(client, course, upload):
    return client.post(
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
            "cover": upload,
            "modules-TOTAL_FORMS": "0",
            "modules-INITIAL_FORMS": "0",
            "modules-MIN_NUM_FORMS": "0",
            "modules-MAX_NUM_FORMS": "1000",
            "faq_entries-TOTAL_FORMS": "0",
            "faq_entries-INITIAL_FORMS": "0",
        },
    )


@pytest.mark.parametrize(("name", "content"), samples.MARKUP + [samples.PNG_THEN_HTML])
def test_a_markup_cover_is_refused_in_the_admin_and_nothing_is_stored(client, settings, name, content):
    author = MethodologistFactory()
    course = course_with_structure(modules=0, slug="cov", authors=[author])
    client.force_login(author)
    response = _post_cover(client, course, SimpleUploadedFile(name, content, content_type="image/png"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["cover"] == _markup_message(name)
    course.refresh_from_db()
    assert course.cover.name == ""
    assert _stored_files(settings, "covers") == []


def test_a_real_image_cover_under_a_hostile_name_is_stored_by_what_it_is(client, settings):
    author = MethodologistFactory()
    course = course_with_structure(modules=0, slug="cov", authors=[author])
    client.force_login(author)
    response = _post_cover(
        client, course, SimpleUploadedFile("../../cover.exe", samples.PNG, content_type="text/html")
    )
    assert response.status_code == 302
    course.refresh_from_db()
    folder, stored = os.path.split(course.cover.name)
    base, extension = os.path.splitext(stored)
    assert (folder, extension, len(base)) == ("courses/covers", ".png", 32)
    assert _stored_files(settings, "covers") == [stored]


def test_a_pdf_is_not_a_cover():
    course = course_with_structure(modules=0, slug="cov")
    course.cover = SimpleUploadedFile("cover.png", samples.PDF)
    with pytest.raises(ValidationError) as exc:
        course.full_clean()
    assert exc.value.message_dict["cover"] == [
        "“cover.png” is not an accepted file type. Accepted: JPG, PNG, WEBP."
    ]


@pytest.mark.parametrize(("name", "content"), samples.MARKUP)
def test_markup_material_is_refused_and_nothing_is_stored(settings, name, content):
    lesson = LessonFactory(kind="material")
    lesson.material = SimpleUploadedFile(name, content)
    with pytest.raises(ValidationError) as exc:
        lesson.full_clean()
    assert exc.value.message_dict["material"] == _markup_message(name)
    assert _stored_files(settings, "materials") == []


@pytest.mark.parametrize(("sample", "display_name"), samples.HOSTILE_NAMES)
def test_material_is_stored_by_what_it_is(settings, sample, display_name):
    name, content = sample
    lesson = LessonFactory(kind="material")
    lesson.material = SimpleUploadedFile(name, content)
    lesson.full_clean()
    lesson.save()
    folder, stored = os.path.split(lesson.material.name)
    base, extension = os.path.splitext(stored)
    assert (folder, extension, len(base)) == ("courses/materials", ".pdf", 32)
    assert _stored_files(settings, "materials") == [stored]


def test_an_oversize_material_is_refused(monkeypatch):
    lesson = LessonFactory(kind="material")
    upload = SimpleUploadedFile("notes.pdf", samples.PDF)
    monkeypatch.setattr(type(upload), "size", property(lambda self: 51 * 1024 * 1024), raising=False)
    lesson.material = upload
    with pytest.raises(ValidationError) as exc:
        lesson.full_clean()
    assert exc.value.message_dict["material"] == [
        "The file “notes.pdf” is too large (the limit is 50.0\xa0MB)."
    ]


def test_a_video_is_stored_by_what_it_is_and_markup_is_refused(settings):
    lesson = LessonFactory(kind="video")
    lesson.video_file = SimpleUploadedFile("talk.html", MP4)
    lesson.full_clean()
    lesson.save()
    assert os.path.splitext(lesson.video_file.name)[1] == ".mp4"
    other = LessonFactory(kind="video")
    other.video_file = SimpleUploadedFile(*samples.SVG)
    with pytest.raises(ValidationError) as exc:
        other.full_clean()
    assert exc.value.message_dict["video_file"] == _markup_message("pic.svg")
