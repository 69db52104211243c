import pytest
from django.urls import reverse

from accounts.models import Level, Subject
from tests.factories import SchoolFactory, SubjectFactory, TeacherFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def new_teacher():
    return UserFactory(roles=["teacher"], full_name="New Teacher")


def profile_data(for_school, **overrides):
    school = for_school
    data = {
        "full_name": "Petrenko Olena",
        "preferred_language": "uk",
        "municipality": school.municipality_id,
        "school": school.pk,
        "subjects": [SubjectFactory().pk],
        "school_levels": [Level.objects.get(code="primary").pk],
        "position": "teacher",
        "years_of_experience": 2,
    }
    data.update(overrides)
    return data


def test_teacher_with_incomplete_profile_is_sent_to_profile(client, new_teacher):
    client.force_login(new_teacher)
    response = client.get(reverse("cabinet"))
    assert response.status_code == 302
    assert response.url == reverse("profile_edit")


def test_profile_is_saved_and_cabinet_opens(client, new_teacher):
    school = SchoolFactory()
    client.force_login(new_teacher)
    response = client.post(reverse("profile_edit"), profile_data(school))
    assert response.status_code == 302
    new_teacher.refresh_from_db()
    assert new_teacher.school == school
    assert new_teacher.municipality == school.municipality
    assert new_teacher.preferred_language == "uk"
    assert new_teacher.years_of_experience == 2
    assert new_teacher.is_young_teacher
    assert list(new_teacher.subjects.all()) == list(Subject.objects.all())
    cabinet = client.get(reverse("cabinet"))
    assert cabinet.status_code == 200
    assert "Petrenko Olena" in cabinet.content.decode()


def test_school_of_another_municipality_is_refused_and_nothing_changes(client, new_teacher):
    school = SchoolFactory()
    other_school = SchoolFactory()
    assert school.municipality_id != other_school.municipality_id
    client.force_login(new_teacher)
    response = client.post(
        reverse("profile_edit"), profile_data(school, school=other_school.pk), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "not in the chosen municipality" in response.content.decode()
    new_teacher.refresh_from_db()
    assert new_teacher.school is None
    assert new_teacher.full_name == "New Teacher"


def test_profile_refuses_unknown_language_and_negative_experience(client, new_teacher):
    school = SchoolFactory()
    client.force_login(new_teacher)
    response = client.post(
        reverse("profile_edit"), profile_data(school, preferred_language="de", years_of_experience=-1)
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "preferred_language" in errors and "years_of_experience" in errors
    new_teacher.refresh_from_db()
    assert new_teacher.school is None


def test_school_options_lists_only_that_municipality(client):
    school = SchoolFactory(name="Gymnasium One")
    SchoolFactory(name="Elsewhere School")
    response = client.get(reverse("school_options"), {"municipality": school.municipality_id})
    html = response.content.decode()
    assert "Gymnasium One" in html and "Elsewhere School" not in html
    assert client.get(reverse("school_options"), {"municipality": "abc"}).status_code == 200


def test_profile_requires_login(client):
    response = client.get(reverse("profile_edit"))
    assert response.status_code == 302
    assert reverse("account_login") in response.url


def test_teacher_factory_profile_is_complete():
    assert TeacherFactory().profile_complete
