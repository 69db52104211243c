import pytest
from django.db import IntegrityError

from accounts.models import User
from accounts.roles import Role
from accounts.selectors import (
    municipalities_visible_to,
    schools_visible_to,
    teachers_visible_to,
    user_has_role,
)
from tests.factories import (
    MunicipalAdminFactory,
    MunicipalityFactory,
    SchoolAdminFactory,
    SchoolFactory,
    TeacherFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def region():
    north, south = MunicipalityFactory(name="North"), MunicipalityFactory(name="South")
    n1, n2, s1 = (
        SchoolFactory(municipality=north),
        SchoolFactory(municipality=north),
        SchoolFactory(municipality=south),
    )
    teachers = {s: [TeacherFactory(school=s) for _ in range(2)] for s in (n1, n2, s1)}
    return north, south, n1, n2, s1, teachers


def test_school_admin_sees_one_school(region):
    north, south, n1, n2, s1, teachers = region
    admin = SchoolAdminFactory(school=n1)
    assert list(schools_visible_to(admin)) == [n1]
    assert set(teachers_visible_to(admin)) == set(teachers[n1])
    assert list(municipalities_visible_to(admin)) == [north]


def test_municipal_admin_sees_their_municipality(region):
    north, south, n1, n2, s1, teachers = region
    admin = MunicipalAdminFactory(municipality=north)
    assert set(schools_visible_to(admin)) == {n1, n2}
    assert set(teachers_visible_to(admin)) == set(teachers[n1] + teachers[n2])
    assert list(municipalities_visible_to(admin)) == [north]


def test_teacher_and_anonymous_see_no_schools(region, django_user_model):
    *_, teachers = region
    teacher = next(iter(teachers.values()))[0]
    assert not schools_visible_to(teacher).exists()
    assert list(teachers_visible_to(teacher)) == [teacher]
    from django.contrib.auth.models import AnonymousUser

    assert not schools_visible_to(AnonymousUser()).exists()
    assert not teachers_visible_to(AnonymousUser()).exists()


def test_superuser_sees_everything(region):
    su = UserFactory(is_superuser=True, is_staff=True)
    assert schools_visible_to(su).count() == 3
    assert user_has_role(su, Role.SCHOOL_ADMIN)


def test_email_unique_regardless_of_case_in_database():
    UserFactory(email="same@example.org")
    with pytest.raises(IntegrityError):
        User.objects.create(email="SAME@example.org")


def test_unknown_language_rejected_by_database():
    with pytest.raises(IntegrityError):
        UserFactory(preferred_language="xx")
