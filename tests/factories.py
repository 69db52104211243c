"""Factories for people and places, shared by every app's tests."""

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from accounts.models import Municipality, School, Subject, User
from accounts.roles import Role
from accounts.services import api_token_create


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Municipality {n}")


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"School No. {n}")


class SubjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subject
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"subject-{n}")
    name = factory.Sequence(lambda n: f"Subject {n}")


def with_roles(default: list[str]):
    """Post-generation: give the user these roles (override with roles=[...]) and a verified email."""

    def apply(user, create, extracted, **kwargs):
        if not create:
            return
        for role in default if extracted is None else extracted:
            user.groups.add(Group.objects.get_or_create(name=role)[0])
        user.save()
        EmailAddress.objects.get_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )

    return factory.PostGeneration(apply)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-42")

    roles = with_roles([])


class TeacherFactory(UserFactory):
    school = factory.SubFactory(SchoolFactory)
    municipality = factory.SelfAttribute("school.municipality")
    position = "teacher"
    years_of_experience = 5
    roles = with_roles([Role.TEACHER])


class SchoolAdminFactory(UserFactory):
    school = factory.SubFactory(SchoolFactory)
    municipality = factory.SelfAttribute("school.municipality")
    roles = with_roles([Role.SCHOOL_ADMIN])


class MunicipalAdminFactory(UserFactory):
    municipality = factory.SubFactory(MunicipalityFactory)
    roles = with_roles([Role.MUNICIPAL_ADMIN])


class MethodologistFactory(UserFactory):
    is_staff = True
    roles = with_roles([Role.METHODOLOGIST])


class CuratorFactory(UserFactory):
    is_staff = True
    roles = with_roles([Role.CURATOR])


class SuperuserFactory(UserFactory):
    is_staff = True
    is_superuser = True


def api_secret_for(user, name: str | None = None) -> str:
    """A fresh API token of the person (made by the one service, as on the profile page); its secret."""
    global _api_token_seq
    _api_token_seq += 1
    return api_token_create(user=user, name=name or f"Tests {_api_token_seq}")[1]


_api_token_seq = 0
