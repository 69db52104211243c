"""Who may change a course: its authors and superusers; everyone else gets 404/403 and nothing changes."""

import pytest
from rest_framework.test import APIClient

from courses.models import Course, Module
from tests.factories import (
    CuratorFactory,
    MethodologistFactory,
    SchoolAdminFactory,
    TeacherFactory,
    UserFactory,
)

from .factories import CourseFactory, course_with_structure

pytestmark = pytest.mark.django_db


@pytest.fixture
def owned():
    owner = MethodologistFactory()
    course = course_with_structure(
        slug="owned", title="Owner's course", authors=[owner], status=Course.Status.DRAFT, published_at=None
    )
    return owner, course


def admin_post_data(course: Course, **changes) -> dict:
    data = {
        "title": course.title,
        "slug": course.slug,
        "summary": course.summary,
        "description": course.description,
        "target_audience": "",
        "format": course.format,
        "hours": course.hours,
        "level": course.level,
        "language": course.language,
        "modules-TOTAL_FORMS": "0",
        "modules-INITIAL_FORMS": "0",
        "modules-MIN_NUM_FORMS": "0",
        "modules-MAX_NUM_FORMS": "1000",
        "faq_entries-TOTAL_FORMS": "0",
        "faq_entries-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_methodologist_cannot_see_or_edit_another_authors_course_in_the_admin(client, owned):
    _owner, course = owned
    client.force_login(MethodologistFactory())
    change_url = f"/admin/courses/course/{course.pk}/change/"
    response = client.get(change_url)
    assert response.status_code == 302  # "doesn't exist" redirect: it is not in their queryset
    response = client.post(change_url, admin_post_data(course, title="Hijacked"))
    assert response.status_code == 302
    course.refresh_from_db()
    assert course.title == "Owner's course"
    changelist = client.get("/admin/courses/course/")
    assert changelist.status_code == 200
    assert "Owner&#x27;s course" not in changelist.content.decode()


def test_methodologist_cannot_publish_another_authors_course_by_action(client, owned):
    _owner, course = owned
    client.force_login(MethodologistFactory())
    client.post("/admin/courses/course/", {"action": "publish", "_selected_action": [course.pk]})
    course.refresh_from_db()
    assert course.status == Course.Status.DRAFT


def test_methodologist_cannot_edit_another_authors_module(client, owned):
    _owner, course = owned
    module = course.modules.first()
    client.force_login(MethodologistFactory())
    response = client.post(f"/admin/courses/module/{module.pk}/change/", {"course": course.pk, "title": "X"})
    assert response.status_code == 302
    module.refresh_from_db()
    assert module.title != "X"
    assert client.get(f"/admin/courses/module/{module.pk}/delete/").status_code == 302
    assert Module.objects.filter(pk=module.pk).exists()


def test_owner_and_superuser_can_edit_in_the_admin(client, owned):
    owner, course = owned
    client.force_login(owner)
    response = client.post(
        f"/admin/courses/course/{course.pk}/change/", admin_post_data(course, title="Renamed")
    )
    assert response.status_code == 302
    course.refresh_from_db()
    assert course.title == "Renamed"
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get(f"/admin/courses/course/{course.pk}/change/").status_code == 200


@pytest.mark.parametrize("factory", [TeacherFactory, SchoolAdminFactory, CuratorFactory])
def test_other_roles_cannot_use_the_course_admin(client, owned, factory):
    _owner, course = owned
    client.force_login(factory())
    response = client.get(f"/admin/courses/course/{course.pk}/change/")
    assert response.status_code in (302, 403)
    client.post(f"/admin/courses/course/{course.pk}/change/", admin_post_data(course, title="X"))
    course.refresh_from_db()
    assert course.title == "Owner's course"


def test_methodologist_cannot_edit_another_authors_course_through_the_api(owned):
    owner, course = owned
    Course.objects.filter(pk=course.pk).update(status=Course.Status.PUBLISHED)
    api = APIClient()
    api.force_authenticate(MethodologistFactory())
    response = api.patch("/api/v1/courses/owned/", {"title": "Hijacked"}, format="json")
    assert response.status_code == 403
    response = api.put(
        "/api/v1/courses/owned/", {"title": "Hijacked", "summary": "s", "hours": 3}, format="json"
    )
    assert response.status_code == 403
    course.refresh_from_db()
    assert course.title == "Owner's course"
    assert list(course.authors.all()) == [owner]


def test_another_authors_draft_is_404_through_the_api(owned):
    _owner, course = owned
    api = APIClient()
    api.force_authenticate(MethodologistFactory())
    assert api.patch("/api/v1/courses/owned/", {"title": "Hijacked"}, format="json").status_code == 404
    course.refresh_from_db()
    assert course.title == "Owner's course"


def test_teacher_cannot_write_through_the_api():
    CourseFactory(slug="pub", title="Public")
    api = APIClient()
    api.force_authenticate(TeacherFactory())
    assert api.patch("/api/v1/courses/pub/", {"title": "X"}, format="json").status_code == 403
    assert api.delete("/api/v1/courses/pub/").status_code in (403, 405)
    assert Course.objects.get(slug="pub").title == "Public"


def test_author_autocomplete_lists_only_methodologists(client):
    me = MethodologistFactory(full_name="Marina Sokolova")
    MethodologistFactory(full_name="Marina Petrenko")
    TeacherFactory(full_name="Marina Teacher")
    client.force_login(me)
    data = client.get("/admin/courses/course/author-autocomplete/", {"term": "Marina"}).json()
    names = sorted(r["text"].split(" <")[0] for r in data["results"])
    assert names == ["Marina Petrenko", "Marina Sokolova"]
    client.force_login(TeacherFactory())
    assert client.get("/admin/courses/course/author-autocomplete/", {"term": "Marina"}).status_code == 302


def test_methodologist_group_has_the_admin_permissions():
    from django.contrib.auth.models import Group

    perms = set(Group.objects.get(name="methodologist").permissions.values_list("codename", flat=True))
    assert {
        "add_course",
        "change_course",
        "view_course",
        "add_lesson",
        "change_module",
        "view_competency",
    } <= perms
    assert "delete_course" not in perms
