"""A small world for report tests: two schools of one municipality, a third elsewhere, one course."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from cohorts.models import Attendance, Enrollment, LessonProgress, Submission
from tests.cohorts.factories import (
    AssignmentFactory,
    CohortFactory,
    CourseFactory,
    EnrollmentFactory,
    LessonFactory,
    LiveSessionFactory,
    ModuleFactory,
)
from tests.factories import MunicipalityFactory, SchoolAdminFactory, SchoolFactory, TeacherFactory


def learning_world(*, extra_teachers: int = 0):
    municipality = MunicipalityFactory(name="Reports town")
    school_a = SchoolFactory(municipality=municipality, name="School A")
    school_b = SchoolFactory(municipality=municipality, name="School B")
    course = CourseFactory(title="Digital didactics", hours=36)
    module = ModuleFactory(course=course)
    lessons = [LessonFactory(module=module) for _ in range(4)]
    assignment = AssignmentFactory(module=module)
    cohort = CohortFactory(
        course=course,
        title="Spring group",
        starts_on=timezone.localdate() - timedelta(days=30),
        ends_on=timezone.localdate() + timedelta(days=30),
    )
    session = LiveSessionFactory(cohort=cohort, starts_at=timezone.now() - timedelta(days=3))
    LiveSessionFactory(cohort=cohort, starts_at=timezone.now() - timedelta(days=2))
    anna = TeacherFactory(school=school_a, full_name="Anna Ivanova", email="anna@example.org")
    boris = TeacherFactory(school=school_a, full_name='=HYPERLINK("http://x")', email="boris@example.org")
    olga = TeacherFactory(school=school_b, full_name="Olga Other", email="olga@example.org")
    e_anna = EnrollmentFactory(
        cohort=cohort,
        teacher=anna,
        state=Enrollment.State.COMPLETED,
        completed_at=timezone.now() - timedelta(days=1),
        feedback_at=timezone.now(),
    )
    e_boris = EnrollmentFactory(cohort=cohort, teacher=boris)
    e_olga = EnrollmentFactory(cohort=cohort, teacher=olga)
    for lesson in lessons[:3]:
        LessonProgress.objects.create(enrollment=e_anna, lesson=lesson)
    LessonProgress.objects.create(enrollment=e_boris, lesson=lessons[0])
    Submission.objects.create(
        enrollment=e_anna,
        assignment=assignment,
        state=Submission.State.ACCEPTED,
        submitted_at=timezone.now(),
        score=9,
    )
    Attendance.objects.create(session=session, enrollment=e_anna, method=Attendance.Method.CURATOR)
    for i in range(extra_teachers):
        EnrollmentFactory(cohort=cohort, teacher=TeacherFactory(school=school_a, full_name=f"Extra {i:05d}"))
    admin_a = SchoolAdminFactory(school=school_a)
    admin_b = SchoolAdminFactory(school=school_b)
    return {
        "municipality": municipality,
        "school_a": school_a,
        "school_b": school_b,
        "course": course,
        "cohort": cohort,
        "anna": anna,
        "boris": boris,
        "olga": olga,
        "admin_a": admin_a,
        "admin_b": admin_b,
        "e_anna": e_anna,
        "e_boris": e_boris,
        "e_olga": e_olga,
        "assignment": assignment,
        "lessons": lessons,
    }
