import factory
from django.utils import timezone

from courses.models import Assignment, Competency, CompetencyArea, Course, Lesson, Module


class CompetencyAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompetencyArea
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"AR{n}")
    name = factory.Sequence(lambda n: f"Area {n}")


class CompetencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Competency
        django_get_or_create = ["code"]

    area = factory.SubFactory(CompetencyAreaFactory)
    code = factory.Sequence(lambda n: f"C{n}")
    name = factory.Sequence(lambda n: f"Competency {n}")


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Course number {n}")
    slug = factory.Sequence(lambda n: f"course-{n}")
    summary = "A practical in-service course."
    description = "Plain description."
    hours = 24
    status = Course.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def authors(self, create, extracted, **kwargs):
        if create and extracted:
            self.authors.set(extracted)

    @factory.post_generation
    def competencies(self, create, extracted, **kwargs):
        if create and extracted:
            self.competencies.set(extracted)

    @factory.post_generation
    def subjects(self, create, extracted, **kwargs):
        if create and extracted:
            self.subjects.set(extracted)


class ModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Module

    course = factory.SubFactory(CourseFactory)
    title = factory.Sequence(lambda n: f"Module {n}")
    position = factory.Sequence(lambda n: n)


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lesson

    module = factory.SubFactory(ModuleFactory)
    title = factory.Sequence(lambda n: f"Lesson {n}")
    kind = Lesson.Kind.TEXT
    hours = 2
    position = factory.Sequence(lambda n: n)


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    module = factory.SubFactory(ModuleFactory)
    title = factory.Sequence(lambda n: f"Assignment {n}")
    instructions = "Do the task."


def course_with_structure(modules: int = 2, lessons: int = 2, **kwargs) -> Course:
    course = CourseFactory(**kwargs)
    for _ in range(modules):
        module = ModuleFactory(course=course)
        for _ in range(lessons):
            LessonFactory(module=module)
        AssignmentFactory(module=module)
    return course


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "courses.Organisation"

    name = factory.Sequence(lambda n: f"Институт развития образования № {n}")
    name_uk = factory.Sequence(lambda n: f"Інститут розвитку освіти № {n}")
    name_en = factory.Sequence(lambda n: f"Institute of Education Development No. {n}")


class SignatoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "courses.Signatory"

    organisation = factory.SubFactory(OrganisationFactory)
    position = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"И. И. Иванова-{n}")
    title = "Ректор"
    title_uk = "Ректорка"
    title_en = "Rector"
