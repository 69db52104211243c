"""Ranked mentor suggestions: same subject & school, then same subject in the municipality;
fewer current mentees and more experience rank higher; mentors at capacity are left out."""

import pytest

from mentoring.selectors import mentor_suggestions, young_teachers_without_mentor
from tests.factories import (
    MunicipalityFactory,
    SchoolAdminFactory,
    SchoolFactory,
    SubjectFactory,
    TeacherFactory,
)

from .factories import (
    ActivePairFactory,
    MentorFactory,
    MentorProfileFactory,
    PairFactory,
    YoungTeacherFactory,
)

pytestmark = pytest.mark.django_db


def _teacher(factory, school, subjects, **kw):
    teacher = factory(school=school, **kw)
    teacher.subjects.set(subjects)
    return teacher


def test_ranking_follows_subject_school_load_and_experience():
    math, history = SubjectFactory(code="math"), SubjectFactory(code="history")
    school = SchoolFactory()
    neighbour = SchoolFactory(municipality=school.municipality)
    far = SchoolFactory(municipality=MunicipalityFactory())
    mentee = _teacher(YoungTeacherFactory, school, [math])

    same_school_math_busy = _teacher(
        MentorFactory, school, [math], years_of_experience=30, full_name="A busy"
    )
    ActivePairFactory(mentor=same_school_math_busy, mentee=YoungTeacherFactory(school=school))
    same_school_math_young_mentor = _teacher(
        MentorFactory, school, [math], years_of_experience=8, full_name="B"
    )
    same_school_math_senior = _teacher(MentorFactory, school, [math], years_of_experience=20, full_name="C")
    other_school_math = _teacher(
        MentorFactory, neighbour, [math, history], years_of_experience=35, full_name="D"
    )
    same_school_history = _teacher(MentorFactory, school, [history], years_of_experience=25, full_name="E")
    other_school_history = _teacher(
        MentorFactory, neighbour, [history], years_of_experience=25, full_name="F"
    )
    # Never suggested: another municipality, too little experience, at capacity, the mentee.
    _teacher(MentorFactory, far, [math], years_of_experience=40)
    _teacher(TeacherFactory, school, [math], years_of_experience=4)
    full = _teacher(MentorFactory, school, [math], years_of_experience=40)
    MentorProfileFactory(user=full, capacity=1)
    PairFactory(mentor=full, mentee=YoungTeacherFactory(school=school))

    ranked = list(mentor_suggestions(mentee=mentee))
    assert ranked == [
        same_school_math_senior,
        same_school_math_young_mentor,
        same_school_math_busy,
        other_school_math,
        same_school_history,
        other_school_history,
    ]
    assert [m.score for m in ranked] == [6, 6, 6, 4, 2, 0]
    assert [m.current_mentees for m in ranked] == [0, 0, 1, 0, 0, 0]


def test_mentor_already_paired_with_this_mentee_is_not_suggested_again():
    school = SchoolFactory()
    pair = PairFactory(mentee=YoungTeacherFactory(school=school))
    MentorProfileFactory(user=pair.mentor, capacity=3)
    assert pair.mentor not in list(mentor_suggestions(mentee=pair.mentee))


def test_young_teachers_without_mentor_are_scoped_to_the_admins_school():
    school = SchoolFactory()
    admin = SchoolAdminFactory(school=school)
    lonely = YoungTeacherFactory(school=school)
    ActivePairFactory(mentee=YoungTeacherFactory(school=school))
    PairFactory(mentee=YoungTeacherFactory(school=school))  # proposed counts as having a mentor
    TeacherFactory(school=school, years_of_experience=3)  # not young
    YoungTeacherFactory(school=SchoolFactory(municipality=school.municipality))  # another school
    assert list(young_teachers_without_mentor(user=admin)) == [lonely]
    assert list(young_teachers_without_mentor(user=TeacherFactory(school=school))) == []
