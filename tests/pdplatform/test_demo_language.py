"""seed_demo writes its mentoring texts and the cohorts' discussion spaces in the language of the people and
courses they belong to: Russian by default, Ukrainian for a Ukrainian course, never English meant for them."""

import re

import pytest
from django.core.management import call_command
from django.db import transaction

from communities.models import Community, CommunityKind, MemberRole, Post, Topic
from mentoring.models import DevelopmentPlan, Meeting, MentoringPair, Message, PairGoal, PlanGoal

LATIN = re.compile(r"[A-Za-z]")
CYRILLIC = re.compile(r"[А-Яа-яЁёІіЇїЄєҐґ]")
UKRAINIAN = re.compile(r"[ІіЇїЄєҐґ]")
URL = re.compile(r"https?://\S+")


def _is_not_english(text: str) -> bool:
    """Cyrillic, and most letters Cyrillic (a tool's name or a link may stay Latin)."""
    letters = URL.sub("", text)
    latin, cyrillic = len(LATIN.findall(letters)), len(CYRILLIC.findall(letters))
    return cyrillic > 0 and latin < cyrillic / 4


def _counts():
    return [
        model.objects.count()
        for model in (Message, PairGoal, Meeting, DevelopmentPlan, PlanGoal, Topic, Post)
    ]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed twice for the module inside an outer transaction rolled back at the end; yield the counts after each."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("seed_demo", verbosity=0)
            first = _counts()
            call_command("seed_demo", verbosity=0)
            yield first, _counts()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _english(texts):
    return [t for t in texts if t and not _is_not_english(t)]


def test_mentoring_demo_texts_are_not_english(seeded, db):
    texts = [
        *Message.objects.values_list("body", flat=True),
        *PairGoal.objects.values_list("title", flat=True),
        *Meeting.objects.values_list("notes", flat=True),
        *Meeting.objects.values_list("next_steps", flat=True),
        *MentoringPair.objects.values_list("stop_reason", flat=True),
        *DevelopmentPlan.objects.values_list("topic", flat=True),
        *DevelopmentPlan.objects.values_list("presentation_details", flat=True),
        *PlanGoal.objects.values_list("title", flat=True),
        *PlanGoal.objects.values_list("event_link", flat=True),
    ]
    assert Message.objects.count() > 0
    assert PairGoal.objects.count() > 0
    assert Meeting.objects.count() > 0
    assert _english(texts) == []


def test_cohort_communities_speak_their_course_language(seeded, db):
    cohort_spaces = list(Community.objects.filter(kind=CommunityKind.COHORT).select_related("cohort__course"))
    assert len(cohort_spaces) > 0
    for community in cohort_spaces:
        title = community.cohort.course.title
        course_language = "uk" if UKRAINIAN.search(title) else ("ru" if CYRILLIC.search(title) else "en")
        posts = list(Post.objects.filter(topic__community=community).values_list("body", flat=True))
        titles = list(Topic.objects.filter(community=community).values_list("title", flat=True))
        joined = community.memberships.filter(state="active").exclude(role=MemberRole.MODERATOR).exists()
        assert len(posts) == (4 if joined else 1), (
            community.name
        )  # the welcome, and two teachers' replies with an answer
        texts = [community.description, *titles, *posts]
        if course_language == "en":
            assert [t for t in texts if CYRILLIC.search(t)] == [], community.name
            continue
        assert _english(texts) == [], community.name
        assert [t for t in texts if bool(UKRAINIAN.search(t)) != (course_language == "uk")] == [], (
            community.name
        )


def test_seeding_again_adds_no_demo_text(seeded):
    first, second = seeded
    assert all(first), first
    assert second == first


def test_demo_courses_carry_their_language_and_are_marked_for_a_russian_teacher(seeded, db, client):
    from accounts.models import User
    from courses.models import Course
    from courses.selectors import CatalogueFilters, course_catalogue

    by_language = {}
    for title, language in Course.objects.filter(status="published").values_list("title", "language"):
        detected = "uk" if UKRAINIAN.search(title) else ("ru" if CYRILLIC.search(title) else "en")
        assert language == detected, title
        by_language[language] = by_language.get(language, 0) + 1
    assert sorted(by_language) == ["en", "ru", "uk"]
    teacher = User.objects.filter(
        preferred_language="ru", also_course_languages="", groups__name="teacher"
    ).first()
    ranked = list(course_catalogue(user=teacher, filters=CatalogueFilters()))
    flags = [c.in_other_language for c in ranked]
    assert flags == sorted(flags)  # the Russian ones first, then the rest
    assert [c.language != "ru" for c in ranked] == flags
    client.force_login(teacher)
    page = client.get("/courses/", {"language": "uk"})
    assert page.status_code == 200
    assert {c.language for c in page.context["courses"]} == {"uk"}
    assert page.content.decode().count("course-language") == len(page.context["courses"])
