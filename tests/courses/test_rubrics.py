"""Rubrics authored in the admin: criteria × levels with the rules held by the service, the admin and the
database; copied into a new version; frozen once a review used them."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from courses import services
from courses.models import Assignment, RubricCriterion, RubricLevel
from tests.factories import MethodologistFactory

from .factories import AssignmentFactory, CourseFactory, ModuleFactory

pytestmark = pytest.mark.django_db

LEVELS = [
    (3, "Цель сформулирована через результат ученика"),
    (1, "Цель названа в общих словах"),
    (0, "Цели нет"),
]


def _assignment(author=None):
    author = author or MethodologistFactory()
    module = ModuleFactory(course=CourseFactory(authors=[author]))
    return AssignmentFactory(module=module), author


def _level_post(assignment, levels, **extra):
    data = {
        "assignment": assignment.pk,
        "position": "",
        "title": "Цель урока",
        "description": "",
        "levels-TOTAL_FORMS": str(len(levels)),
        "levels-INITIAL_FORMS": "0",
        "levels-MIN_NUM_FORMS": "1",
        "levels-MAX_NUM_FORMS": "1000",
    }
    for i, (points, descriptor) in enumerate(levels):
        data[f"levels-{i}-points"] = str(points)
        data[f"levels-{i}-descriptor"] = descriptor
    data.update(extra)
    return data


# --- services ------------------------------------------------------------------------------


def test_a_criterion_with_levels_sets_the_assignment_maximum_to_the_rubric_maximum():
    assignment, author = _assignment()
    services.rubric_criterion_create(user=author, assignment=assignment, title="Цель урока", levels=LEVELS)
    services.rubric_criterion_create(
        user=author, assignment=assignment, title="Методы", levels=[(2, "Разные"), (0, "Одни")]
    )
    assignment.refresh_from_db()
    assert assignment.max_score == 5
    assert list(assignment.criteria.values_list("title", "position")) == [("Цель урока", 1), ("Методы", 2)]
    first = assignment.criteria.get(position=1)
    assert list(first.levels.values_list("points", flat=True)) == [3, 1, 0]


@pytest.mark.parametrize(
    ("levels", "message"),
    [
        ([], "A criterion needs at least one level."),
        (
            [(2, "a"), (2, "b")],
            "Two levels of one criterion cannot give the same points: make the points of each level different.",
        ),
        ([(-1, "a")], "Points of a level cannot be negative."),
        ([(0, "a")], "The rubric must give at least 1 point in total."),
    ],
)
def test_bad_levels_are_refused_with_a_message_and_nothing_is_stored(levels, message):
    assignment, author = _assignment()
    with pytest.raises(services.CourseError) as exc:
        services.rubric_criterion_create(
            user=author, assignment=assignment, title="Цель урока", levels=levels
        )
    assert exc.value.messages == [message]
    assert RubricCriterion.objects.count() == 0
    assert RubricLevel.objects.count() == 0
    assignment.refresh_from_db()
    assert assignment.max_score == 10


def test_only_the_course_authors_may_add_a_criterion():
    assignment, _author = _assignment()
    with pytest.raises(services.CourseError):
        services.rubric_criterion_create(
            user=MethodologistFactory(), assignment=assignment, title="Цель", levels=LEVELS
        )
    assert RubricCriterion.objects.count() == 0


def test_a_used_rubric_is_frozen():
    assignment, author = _assignment()
    services.rubric_criterion_create(user=author, assignment=assignment, title="Цель урока", levels=LEVELS)
    services.rubric_mark_used(assignment_id=assignment.pk)
    assignment.refresh_from_db()
    with pytest.raises(services.CourseError) as exc:
        services.rubric_criterion_create(user=author, assignment=assignment, title="Методы", levels=LEVELS)
    assert "already been used in reviews" in exc.value.messages[0]
    assert assignment.criteria.count() == 1


def test_the_database_holds_points_not_negative_and_distinct_per_criterion():
    assignment, author = _assignment()
    criterion = services.rubric_criterion_create(
        user=author, assignment=assignment, title="Цель", levels=LEVELS
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        RubricLevel.objects.create(criterion=criterion, points=3, descriptor="Повтор")
    with pytest.raises(IntegrityError), transaction.atomic():
        RubricLevel.objects.filter(criterion=criterion, points=0).update(points=-1)


def test_duplicating_a_course_copies_the_rubric_as_new_editable_rows():
    assignment, author = _assignment()
    services.rubric_criterion_create(user=author, assignment=assignment, title="Цель урока", levels=LEVELS)
    services.rubric_criterion_create(
        user=author, assignment=assignment, title="Методы", levels=[(2, "Разные"), (0, "Одни")]
    )
    services.rubric_mark_used(assignment_id=assignment.pk)
    copy = services.course_duplicate_as_new_version(user=author, course=assignment.module.course)
    new = Assignment.objects.get(module__course=copy)
    assert new.pk != assignment.pk
    assert new.rubric_used_at is None
    assert new.max_score == 5
    assert [
        (c.title, c.position, [(lv.points, lv.descriptor) for lv in c.levels.all()])
        for c in new.criteria.all()
    ] == [
        ("Цель урока", 1, LEVELS),
        ("Методы", 2, [(2, "Разные"), (0, "Одни")]),
    ]
    assert RubricCriterion.objects.count() == 4
    assignment.refresh_from_db()
    assert assignment.rubric_used_at is not None  # the old version stays frozen


# --- admin authoring -------------------------------------------------------------------------


def _errors(response):
    if not response.context:
        return ""
    return [response.context["adminform"].form.errors] + [
        (fs.formset.errors, fs.formset.non_form_errors()) for fs in response.context["inline_admin_formsets"]
    ]


def test_a_methodologist_authors_a_rubric_in_the_admin(client):
    assignment, author = _assignment()
    client.force_login(author)
    page = client.get(f"/admin/courses/assignment/{assignment.pk}/change/")
    assert page.status_code == 200
    assert "Add a criterion" in page.content.decode()
    assert client.get(f"/admin/courses/rubriccriterion/add/?assignment={assignment.pk}").status_code == 200
    response = client.post("/admin/courses/rubriccriterion/add/", _level_post(assignment, LEVELS))
    assert response.status_code == 302, _errors(response)
    assert response["Location"] == f"/admin/courses/assignment/{assignment.pk}/change/"
    criterion = RubricCriterion.objects.get()
    assert (criterion.title, criterion.position) == ("Цель урока", 1)
    assert list(criterion.levels.values_list("points", "descriptor")) == LEVELS
    assignment.refresh_from_db()
    assert assignment.max_score == 3
    assert (
        "Цель урока" in client.get(f"/admin/courses/module/{assignment.module_id}/change/").content.decode()
    )


@pytest.mark.parametrize(
    ("levels", "message"),
    [
        ([(2, "Хорошо"), (2, "Тоже хорошо")], "Two levels of one criterion cannot give the same points"),
        ([(0, "Ничего")], "The rubric must give at least 1 point in total."),
    ],
)
def test_bad_levels_in_the_admin_show_a_message_and_save_nothing(client, levels, message):
    assignment, author = _assignment()
    client.force_login(author)
    response = client.post("/admin/courses/rubriccriterion/add/", _level_post(assignment, levels))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert RubricCriterion.objects.count() == 0


def test_a_criterion_without_levels_is_refused_in_the_admin(client):
    assignment, author = _assignment()
    client.force_login(author)
    response = client.post("/admin/courses/rubriccriterion/add/", _level_post(assignment, []))
    assert response.status_code == 200
    assert RubricCriterion.objects.count() == 0


def test_a_used_rubric_is_read_only_in_the_admin(client):
    assignment, author = _assignment()
    criterion = services.rubric_criterion_create(
        user=author, assignment=assignment, title="Цель урока", levels=LEVELS
    )
    Assignment.objects.filter(pk=assignment.pk).update(rubric_used_at=timezone.now())
    client.force_login(author)
    page = client.get(f"/admin/courses/rubriccriterion/{criterion.pk}/change/")
    assert page.status_code == 200
    assert "already been used in reviews" in page.content.decode()
    post = _level_post(assignment, [(9, "Новый")], title="Другое")
    response = client.post(f"/admin/courses/rubriccriterion/{criterion.pk}/change/", post)
    assert response.status_code == 403
    assert (
        client.post(f"/admin/courses/rubriccriterion/{criterion.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    response = client.post("/admin/courses/rubriccriterion/add/", _level_post(assignment, LEVELS))
    assert response.status_code == 200  # the assignment is not offered any more
    criterion.refresh_from_db()
    assert criterion.title == "Цель урока"
    assert list(criterion.levels.values_list("points", flat=True)) == [3, 1, 0]
    assert RubricCriterion.objects.count() == 1


def test_another_methodologist_cannot_open_or_add_to_the_rubric(client):
    assignment, author = _assignment()
    criterion = services.rubric_criterion_create(
        user=author, assignment=assignment, title="Цель урока", levels=LEVELS
    )
    client.force_login(MethodologistFactory())
    assert (
        client.get(f"/admin/courses/rubriccriterion/{criterion.pk}/change/").status_code == 302
    )  # admin: "not found", back to the index
    assert client.get(f"/admin/courses/assignment/{assignment.pk}/change/").status_code == 302
    response = client.post("/admin/courses/rubriccriterion/add/", _level_post(assignment, LEVELS))
    assert response.status_code == 200
    assert RubricCriterion.objects.count() == 1
