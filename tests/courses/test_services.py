import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from courses import services
from courses.models import Assignment, Competency, CompetencyArea, Course, Lesson, Module
from courses.validators import validate_cover_upload, validate_material_upload
from tests import upload_samples as samples
from tests.factories import MethodologistFactory, TeacherFactory, UserFactory

from .factories import CompetencyFactory, CourseFactory, LessonFactory, ModuleFactory, course_with_structure

pytestmark = pytest.mark.django_db


def test_course_create_makes_a_draft_authored_by_the_methodologist():
    author = MethodologistFactory()
    competency = CompetencyFactory(code="ASM.1")
    course = services.course_create(
        user=author, title="Formative assessment", summary="Feedback", hours=24, competencies=[competency]
    )
    assert course.slug == "formative-assessment"
    assert course.status == Course.Status.DRAFT
    assert list(course.authors.all()) == [author]
    assert list(course.competencies.all()) == [competency]


def test_course_create_rejects_a_duplicate_slug_and_saves_nothing():
    CourseFactory(slug="taken")
    with pytest.raises(services.CourseError) as exc:
        services.course_create(
            user=MethodologistFactory(), title="Other", summary="s", hours=10, slug="taken"
        )
    assert "slug" in exc.value.message_dict
    assert Course.objects.filter(slug="taken").count() == 1


@pytest.mark.parametrize("hours", [-5, 0])
def test_course_create_rejects_hours_below_one(hours):
    with pytest.raises(services.CourseError) as exc:
        services.course_create(user=MethodologistFactory(), title="T", summary="s", hours=hours)
    assert "hours" in exc.value.message_dict
    assert not Course.objects.exists()


def test_only_methodologists_create_courses():
    with pytest.raises(services.CourseError):
        services.course_create(user=TeacherFactory(), title="T", summary="s", hours=3)
    assert not Course.objects.exists()


def test_course_update_by_another_methodologist_is_refused_and_changes_nothing():
    course = CourseFactory(title="Original", authors=[MethodologistFactory()])
    with pytest.raises(services.CourseError):
        services.course_update(user=MethodologistFactory(), course=course, title="Hijacked")
    course.refresh_from_db()
    assert course.title == "Original"


def test_course_update_by_author_and_superuser():
    author = MethodologistFactory()
    course = CourseFactory(authors=[author])
    services.course_update(user=author, course=course, title="Renamed", hours=30)
    services.course_update(
        user=UserFactory(is_superuser=True, is_staff=True), course=course, summary="New summary"
    )
    course.refresh_from_db()
    assert (course.title, course.hours, course.summary) == ("Renamed", 30, "New summary")


def test_publishing_an_empty_course_is_refused():
    author = MethodologistFactory()
    course = CourseFactory(status=Course.Status.DRAFT, published_at=None, authors=[author])
    ModuleFactory(course=course)
    with pytest.raises(services.CourseError):
        services.course_publish(user=author, course=course)
    course.refresh_from_db()
    assert course.status == Course.Status.DRAFT


def test_publish_and_archive():
    author = MethodologistFactory()
    course = course_with_structure(status=Course.Status.DRAFT, published_at=None, authors=[author])
    course = services.course_publish(user=author, course=course)
    assert course.status == Course.Status.PUBLISHED
    assert course.published_at is not None
    course = services.course_archive(user=author, course=course)
    assert course.status == Course.Status.ARCHIVED


def test_duplicate_as_new_version_copies_structure_and_leaves_the_old_version_alone():
    author = MethodologistFactory()
    competency = CompetencyFactory()
    course = course_with_structure(
        modules=2, lessons=3, slug="fa", authors=[author], competencies=[competency]
    )
    before = (course.status, course.title, Module.objects.filter(course=course).count())

    copy = services.course_duplicate_as_new_version(user=author, course=course)

    assert copy.pk != course.pk
    assert (copy.slug, copy.version, copy.status, copy.previous_version_id) == (
        "fa-v2",
        2,
        "draft",
        course.pk,
    )
    assert Module.objects.filter(course=copy).count() == 2
    assert Lesson.objects.filter(module__course=copy).count() == 6
    assert Assignment.objects.filter(module__course=copy).count() == 2
    assert list(copy.competencies.all()) == [competency]
    assert list(copy.authors.all()) == [author]
    course.refresh_from_db()
    assert (course.status, course.title, Module.objects.filter(course=course).count()) == before
    assert Lesson.objects.filter(module__course=course).count() == 6

    third = services.course_duplicate_as_new_version(user=author, course=copy)
    assert (third.slug, third.version) == ("fa-v3", 3)


def test_duplicate_by_non_author_is_refused():
    course = course_with_structure(authors=[MethodologistFactory()])
    with pytest.raises(services.CourseError):
        services.course_duplicate_as_new_version(user=MethodologistFactory(), course=course)
    assert Course.objects.count() == 1


def test_changes_are_recorded_with_who_made_them():
    author = MethodologistFactory()
    course = services.course_create(user=author, title="History", summary="s", hours=5)
    services.course_update(user=author, course=course, title="History 2")
    titles = list(course.history.values_list("title", flat=True))
    assert list(dict.fromkeys(titles)) == ["History 2", "History"]
    assert course.history.first().history_type == "~"
    assert course.history.last().history_type == "+"
    assert {
        h.history_user_id for h in course.history.all() if h.history_type == "~" and h.title == "History 2"
    } == {author.pk}


@pytest.mark.parametrize("url", ["ftp://example.org/v.mp4", "javascript:alert(1)", "file:///etc/passwd"])
def test_lesson_video_url_must_be_http(url):
    lesson = LessonFactory.build(module=ModuleFactory(), video_url=url)
    with pytest.raises(ValidationError) as exc:
        lesson.full_clean()
    assert "video_url" in exc.value.message_dict


def test_lesson_embed_url_for_known_hosts():
    assert LessonFactory.build(video_url="https://www.youtube.com/watch?v=abc_DEF-1").embed_url == (
        "https://www.youtube-nocookie.com/embed/abc_DEF-1"
    )
    assert (
        LessonFactory.build(video_url="https://vimeo.com/12345").embed_url
        == "https://player.vimeo.com/video/12345"
    )
    assert LessonFactory.build(video_url="https://example.org/v.mp4").embed_url == ""


PNG = samples.PNG  # a real image: the check decodes it


def test_upload_checks_the_content_not_the_name():
    validate_cover_upload(SimpleUploadedFile("cover.png", PNG, content_type="image/png"))
    with pytest.raises(ValidationError) as exc:
        validate_cover_upload(
            SimpleUploadedFile("cover.png", b"MZ\x90\x00 not an image", content_type="image/png")
        )
    assert exc.value.code == "file_type"
    validate_material_upload(
        SimpleUploadedFile("notes.pdf", b"%PDF-1.4\n...", content_type="application/pdf")
    )
    with pytest.raises(ValidationError):
        validate_material_upload(SimpleUploadedFile("run.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 64))


def test_upload_over_the_size_limit_is_refused(monkeypatch):
    upload = SimpleUploadedFile("cover.png", PNG, content_type="image/png")
    monkeypatch.setattr(type(upload), "size", property(lambda self: 6 * 1024 * 1024), raising=False)
    with pytest.raises(ValidationError) as exc:
        validate_cover_upload(upload)
    assert exc.value.code == "file_too_large"


CSV_OK = (
    "area_code,area_name,area_description,code,name,description\n"
    "DIG,Digital,About digital,DIG.1,Resources,Finds resources\n"
    "DIG,Digital,,DIG.2,Online teaching,\n"
    "ASM,Assessment,,ASM.1,Formative,\n"
)


def test_competency_import_creates_then_updates():
    counts = services.competency_import_csv(file=io.BytesIO(CSV_OK.encode()))
    assert counts == {"areas": 2, "competencies": 3, "created": 3, "updated": 0}
    assert CompetencyArea.objects.get(code="DIG").description == "About digital"
    again = services.competency_import_csv(
        file=io.BytesIO(CSV_OK.replace("Formative", "Formative!").encode())
    )
    assert again["updated"] == 3
    assert Competency.objects.get(code="ASM.1").name == "Formative!"


def test_competency_import_with_semicolons_and_bom():
    text = "\ufeff" + CSV_OK.replace(",", ";")
    services.competency_import_csv(file=io.BytesIO(text.encode("utf-8")))
    assert Competency.objects.count() == 3


@pytest.mark.parametrize(
    "text",
    [
        "area_code,area_name,code,name\nDIG,Digital,DIG.1,Resources\nDIG,Digital,,Nameless\n",
        "area_code,area_name,code,name\nDIG,Digital,DIG.1,A\nDIG,Digital,DIG.1,B\n",
        "code,name\nDIG.1,Resources\n",
    ],
)
def test_competency_import_with_a_bad_row_imports_nothing(text):
    with pytest.raises(ValidationError):
        services.competency_import_csv(file=io.BytesIO(text.encode()))
    assert not Competency.objects.exists()
    assert not CompetencyArea.objects.exists()


def test_author_and_competency_changes_are_recorded():
    author = MethodologistFactory()
    other = MethodologistFactory()
    competency = CompetencyFactory()
    course = services.course_create(user=author, title="Audit", summary="s", hours=5)
    services.course_update(
        user=author, course=course, m2m={"authors": [author, other], "competencies": [competency]}
    )
    latest = course.history.first()
    assert sorted(a.user_id for a in latest.authors.all()) == sorted([author.pk, other.pk])
    assert [c.competency_id for c in latest.competencies.all()] == [competency.pk]


def test_publishing_a_new_version_archives_the_earlier_ones_and_their_cohorts_keep_them(client):
    """Version 2 published: version 1 leaves the catalogue (archived), its cohort still learns it."""
    from tests.cohorts.factories import CohortFactory, EnrollmentFactory

    author = MethodologistFactory()
    first = course_with_structure(slug="fa", authors=[author])
    enrolled = EnrollmentFactory(cohort=CohortFactory(course=first))
    second = services.course_duplicate_as_new_version(user=author, course=first)
    services.course_publish(user=author, course=second)
    third = services.course_duplicate_as_new_version(user=author, course=second)
    Course.objects.filter(pk=first.pk).update(status=Course.Status.PUBLISHED)  # republished by hand meanwhile
    services.course_publish(user=author, course=third)
    assert dict(Course.objects.values_list("slug", "status")) == {
        "fa": "archived",
        "fa-v2": "archived",
        "fa-v3": "published",
    }
    assert [c.slug for c in client.get("/courses/").context["courses"]] == ["fa-v3"]
    client.force_login(enrolled.teacher)
    assert client.get(f"/learn/my/{enrolled.pk}/").status_code == 200
