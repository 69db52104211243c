"""Writes with rules for courses and the competency framework. Views, API, admin, commands and
tests all call these functions, so every path enforces the same rules.

One file: the rules of one authored object, the course — its fields, structure, rubrics, question bank and
the copy into a new version, which must touch every one of them in one transaction.
"""

import csv
import io
from collections.abc import Iterable

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from accounts.selectors import user_has_role
from core.caching import public_pages_changed

from .models import (
    Assignment,
    Competency,
    CompetencyArea,
    Course,
    Lesson,
    Module,
    Quiz,
    QuizChoice,
    QuizItem,
    QuizQuestion,
    RubricCriterion,
    RubricLevel,
)
from .search import refresh_search_vectors
from .selectors import FACETS_CACHE_KEY


class CourseError(ValidationError):
    """A course rule was broken; the message is shown to the user as is."""


COURSE_FIELDS = (
    "title",
    "slug",
    "summary",
    "description",
    "target_audience",
    "format",
    "hours",
    "level",
    "language",
    "cover",
)


def user_can_author(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and (
        user.is_superuser or user_has_role(user, Role.METHODOLOGIST)
    )


def user_can_edit_course(user, course: Course) -> bool:
    """Superusers edit every course; a methodologist only the courses they author."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    if not user_has_role(user, Role.METHODOLOGIST) or course.pk is None:
        return False
    return course.authors.filter(pk=user.pk).exists()


def _check_can_edit(user, course: Course) -> None:
    if user is not None and not user_can_edit_course(user, course):
        raise CourseError(_("You can edit only the courses you author."), code="not_author")


def _save(course: Course, user=None) -> None:
    if user is not None:
        course._history_user = user  # django-simple-history: who made the change (requests set it too)
    try:
        course.full_clean()
    except ValidationError as exc:
        raise CourseError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages) from exc
    try:
        with transaction.atomic():
            course.save()
    except IntegrityError as exc:
        # A concurrent writer took the slug between the check and the insert.
        raise CourseError(
            {"slug": [_("A course with this slug already exists.")]}, code="slug_taken"
        ) from exc


@transaction.atomic
def course_create(
    *,
    user,
    title: str,
    summary: str,
    hours: int,
    slug: str = "",
    competencies: Iterable[Competency] = (),
    subjects: Iterable = (),
    school_levels: Iterable = (),
    authors: Iterable = (),
    **fields,
) -> Course:
    """A new course starts as a draft; the acting methodologist becomes one of its authors."""
    if user is not None and not user_can_author(user):
        raise CourseError(_("Only methodologists can create courses."), code="not_methodologist")
    unknown = set(fields) - set(COURSE_FIELDS)
    if unknown:
        raise CourseError(_("Unknown course fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    course = Course(title=title, summary=summary, hours=hours, slug=slug or slugify(title)[:255], **fields)
    course.status = Course.Status.DRAFT
    _save(course, user)
    course.competencies.set(competencies)
    course.subjects.set(subjects)
    course.school_levels.set(school_levels)
    author_ids = {a.pk for a in authors}
    if user is not None and not user.is_superuser:
        author_ids.add(user.pk)
    course.authors.set(author_ids)
    refresh_search_vectors([course.pk])
    return course


@transaction.atomic
def course_update(*, user, course: Course, m2m: dict | None = None, **fields) -> Course:
    """Change a course's fields (and optionally its competencies/subjects/levels/authors)."""
    _check_can_edit(user, course)
    unknown = set(fields) - set(COURSE_FIELDS)
    if unknown:
        raise CourseError(_("Unknown course fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    course = Course.objects.select_for_update().get(pk=course.pk)
    for name, value in fields.items():
        setattr(course, name, value)
    _save(course, user)
    for name, values in (m2m or {}).items():
        if name not in {"competencies", "subjects", "school_levels", "authors"}:
            raise CourseError(_("Unknown course fields: %(fields)s") % {"fields": name})
        if name == "authors" and not list(values):
            raise CourseError({"authors": [_("A course needs at least one author.")]})
        getattr(course, name).set(values)
    refresh_search_vectors([course.pk])
    transaction.on_commit(public_pages_changed)
    return course


def course_structure_changed(*, course_ids: Iterable[int]) -> None:
    """Call after modules or lessons were saved outside the course services (admin inlines)."""
    refresh_search_vectors(list(course_ids))
    transaction.on_commit(public_pages_changed)


@transaction.atomic
def course_publish(*, user, course: Course) -> Course:
    """Publishing needs at least one module with a lesson: an empty course is not a course."""
    _check_can_edit(user, course)
    course = Course.objects.select_for_update().get(pk=course.pk)
    if course.status == Course.Status.PUBLISHED:
        return course
    if not Lesson.objects.filter(module__course=course).exists():
        raise CourseError(
            _("“%(title)s” has no lessons yet: add a module with at least one lesson before publishing.")
            % {"title": course.title},
            code="empty_course",
        )
    course.status = Course.Status.PUBLISHED
    course.published_at = timezone.now()
    course.save(update_fields=["status", "published_at", "updated_at"])
    # The new version replaces the earlier ones in the catalogue; their cohorts (and the teachers
    # enrolled in them) keep the version they learn.
    earlier, seen = course.previous_version_id, {course.pk}
    while earlier is not None and earlier not in seen:
        seen.add(earlier)
        Course.objects.filter(pk=earlier, status=Course.Status.PUBLISHED).update(
            status=Course.Status.ARCHIVED, updated_at=timezone.now()
        )
        earlier = Course.objects.filter(pk=earlier).values_list("previous_version_id", flat=True).first()
    transaction.on_commit(_forget_facets)
    transaction.on_commit(public_pages_changed)
    return course


@transaction.atomic
def course_archive(*, user, course: Course) -> Course:
    """An archived course leaves the catalogue; its cohorts and history stay."""
    _check_can_edit(user, course)
    course = Course.objects.select_for_update().get(pk=course.pk)
    if course.status != Course.Status.ARCHIVED:
        course.status = Course.Status.ARCHIVED
        course.save(update_fields=["status", "updated_at"])
        transaction.on_commit(_forget_facets)
    return course


def _forget_facets() -> None:
    """The catalogue changed: its facet lists and every cached public page must be built again."""

    cache.delete(FACETS_CACHE_KEY)
    public_pages_changed()


def _free_slug(base: str) -> str:
    base = base[:240]
    taken = set(Course.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    n = 2
    while f"{base}-v{n}" in taken:
        n += 1
    return f"{base}-v{n}"


@transaction.atomic
def course_duplicate_as_new_version(*, user, course: Course) -> Course:
    """Copy a course with its modules, lessons and assignments into a new draft version.

    The old version, its status and its cohorts stay untouched: cohorts point at the course they
    were opened for, and the copy has new rows throughout.
    """
    _check_can_edit(user, course)
    source = Course.objects.prefetch_related(
        "competencies",
        "subjects",
        "school_levels",
        "authors",
        "modules__lessons__quiz__items",
        "modules__assignments__criteria__levels",
        "quiz_questions__choices",
    ).get(pk=course.pk)
    root_slug = source.slug
    if source.version > 1 and root_slug.endswith(f"-v{source.version}"):
        root_slug = root_slug[: -len(f"-v{source.version}")]
    latest = (
        Course.objects.filter(slug__startswith=root_slug)
        .order_by("-version")
        .values_list("version", flat=True)
    )
    copy = Course.objects.get(pk=source.pk)
    copy.pk = None
    copy.id = None
    copy._state.adding = True
    copy.slug = _free_slug(root_slug)
    copy.version = max([source.version, *latest[:1]]) + 1
    copy.previous_version = source
    copy.status = Course.Status.DRAFT
    copy.published_at = None
    copy.search_vector = None
    copy.save()
    copy.competencies.set(source.competencies.all())
    copy.subjects.set(source.subjects.all())
    copy.school_levels.set(source.school_levels.all())
    authors = {a.pk for a in source.authors.all()}
    if user is not None and not user.is_superuser:
        authors.add(user.pk)
    copy.authors.set(authors)
    lessons, assignments, rubrics, quizzes = [], [], [], []
    for module in source.modules.all():
        new_module = Module.objects.create(
            course=copy, title=module.title, description=module.description, position=module.position
        )
        for lesson in module.lessons.all():
            quizzes.append(getattr(lesson, "quiz", None))
            lesson.pk = None
            lesson.id = None
            lesson.module = new_module
            lessons.append(lesson)
        for assignment in module.assignments.all():
            rubrics.append(list(assignment.criteria.all()))
            assignment.pk = None
            assignment.id = None
            assignment.module = new_module
            assignment.rubric_used_at = None  # the new version's rubric is editable until reviews use it
            assignments.append(assignment)
    Lesson.objects.bulk_create(lessons)
    Assignment.objects.bulk_create(assignments)
    _copy_rubrics(zip(assignments, rubrics, strict=True))
    _copy_quizzes(course=copy, source=source, lessons=zip(lessons, quizzes, strict=True))
    refresh_search_vectors([copy.pk])
    return copy


# --- Rubrics ---------------------------------------------------------------------------------
# An assignment's rubric is its criteria, each with levels (points + descriptor). The rules: a criterion
# has at least one level, points are never negative and distinct within a criterion, the rubric's
# maximum (the sum of each criterion's highest level) is the assignment's maximum score, and once a
# review used the rubric its structure is frozen (decision record 0281).


def _copy_rubrics(pairs) -> None:
    """The criteria and levels of each source assignment, as new rows under its copy (bulk)."""
    new_criteria, level_sources = [], []
    for target, criteria in pairs:
        for criterion in criteria:
            levels = list(criterion.levels.all())
            criterion.pk = criterion.id = None
            criterion.assignment = target
            new_criteria.append(criterion)
            level_sources.append(levels)
    RubricCriterion.objects.bulk_create(new_criteria)
    RubricLevel.objects.bulk_create(
        RubricLevel(criterion=criterion, points=level.points, descriptor=level.descriptor)
        for criterion, levels in zip(new_criteria, level_sources, strict=True)
        for level in levels
    )


def _copy_quizzes(*, course: Course, source: Course, lessons) -> None:
    """The source's question bank (questions with their choices) and the quizzes of its lessons (settings
    and fixed questions), as new, editable rows of the copy (bulk)."""
    questions = list(source.quiz_questions.all())
    choices = [list(question.choices.all()) for question in questions]
    old_ids = [question.pk for question in questions]
    for question in questions:
        question.pk = question.id = None
        question.course = course
        question.used_at = None  # editable in the new version until its attempts use it
    QuizQuestion.objects.bulk_create(questions)
    new_question = dict(zip(old_ids, questions, strict=True))
    new_choices = []
    for question, rows in zip(questions, choices, strict=True):
        for choice in rows:
            choice.pk = choice.id = None
            choice.question = question
            new_choices.append(choice)
    QuizChoice.objects.bulk_create(new_choices)
    new_quizzes, item_sources = [], []
    for lesson, quiz in lessons:
        if quiz is None:
            continue
        item_sources.append(list(quiz.items.all()))
        quiz.pk = quiz.id = None
        quiz.lesson = lesson
        new_quizzes.append(quiz)
    Quiz.objects.bulk_create(new_quizzes)
    QuizItem.objects.bulk_create(
        QuizItem(quiz=quiz, question=new_question[item.question_id], position=item.position)
        for quiz, items in zip(new_quizzes, item_sources, strict=True)
        for item in items
    )


def rubric_is_frozen(assignment: Assignment) -> bool:
    return assignment.rubric_used_at is not None


def rubric_check_editable(*, assignment: Assignment) -> None:
    """Criteria and levels change only until the first review scored them."""
    if Assignment.objects.filter(pk=assignment.pk, rubric_used_at__isnull=False).exists():
        raise CourseError(
            _(
                "This rubric has already been used in reviews, so its criteria and levels can no longer change. "
                "To change it, duplicate the course as a new version."
            ),
            code="rubric_frozen",
        )


def rubric_check_levels(*, points: list[int]) -> None:
    """A criterion has at least one level; points are whole numbers from 0 and differ between levels."""
    if not points:
        raise CourseError(_("A criterion needs at least one level."), code="rubric_no_levels")
    if any(p is None or p < 0 for p in points):
        raise CourseError(_("Points of a level cannot be negative."), code="rubric_negative")
    if len(set(points)) != len(points):
        raise CourseError(
            _(
                "Two levels of one criterion cannot give the same points: make the points of each level different."
            ),
            code="rubric_same_points",
        )


def rubric_maximum(*, assignment: Assignment) -> int:
    """The sum of each criterion's highest level (0 without a rubric)."""
    from django.db.models import Max

    highest = RubricCriterion.objects.filter(assignment=assignment).annotate(top=Max("levels__points"))
    return sum(c.top or 0 for c in highest)


@transaction.atomic
def rubric_sync_max_score(*, assignment: Assignment) -> Assignment:
    """With a rubric, the assignment's maximum score is the rubric's maximum (so every score of the
    assignment means the same, rubric or not); it must be at least 1 point."""
    if not RubricCriterion.objects.filter(assignment=assignment).exists():
        return assignment
    maximum = rubric_maximum(assignment=assignment)
    if maximum < 1:
        raise CourseError(_("The rubric must give at least 1 point in total."), code="rubric_zero")
    if assignment.max_score != maximum:
        assignment.max_score = maximum
        assignment.save(update_fields=["max_score"])
    return assignment


@transaction.atomic
def rubric_criterion_create(
    *,
    user,
    assignment: Assignment,
    title: str,
    levels: list[tuple[int, str]],
    description: str = "",
    position: int | None = None,
) -> RubricCriterion:
    """A criterion with its levels (points, descriptor), checked by the rubric's rules; the
    assignment's maximum follows the rubric."""
    _check_can_edit(user, assignment.module.course)
    rubric_check_editable(assignment=assignment)
    title = (title or "").strip()
    if not title:
        raise CourseError(_("Give the criterion a title."), code="rubric_no_title")
    rubric_check_levels(points=[p for p, _d in levels])
    if any(not (d or "").strip() for _p, d in levels):
        raise CourseError(_("Describe what work at each level looks like."), code="rubric_no_descriptor")
    if position is None:
        position = RubricCriterion.objects.filter(assignment=assignment).count() + 1
    criterion = RubricCriterion.objects.create(
        assignment=assignment, title=title[:200], description=description, position=position
    )
    RubricLevel.objects.bulk_create(
        RubricLevel(criterion=criterion, points=p, descriptor=d.strip()[:500]) for p, d in levels
    )
    rubric_sync_max_score(assignment=assignment)
    return criterion


def rubric_mark_used(*, assignment_id: int) -> None:
    """Called by the cohorts app when a review scored the rubric: from now on it is frozen."""
    Assignment.objects.filter(pk=assignment_id, rubric_used_at__isnull=True).update(
        rubric_used_at=timezone.now()
    )


# --- Quizzes ---------------------------------------------------------------------------------
# The course's question bank and its quiz lessons (docs/decisions/0331-quiz-bank-attempts.md). A question
# is checked against its kind's rules; once an attempt used it, it is frozen like a used rubric.

QUIZ_FROZEN_MESSAGE = _(
    "This question has already been used in quiz attempts, so it can no longer change (grades and "
    "statistics would stop meaning the same). To change it, duplicate the course as a new version."
)


def quiz_question_is_frozen(question: QuizQuestion) -> bool:
    return question.used_at is not None


def quiz_question_check_editable(*, question: QuizQuestion) -> None:
    if question.pk and QuizQuestion.objects.filter(pk=question.pk, used_at__isnull=False).exists():
        raise CourseError(QUIZ_FROZEN_MESSAGE, code="quiz_frozen")


def quiz_question_check(*, kind: str, choices: list[dict], accepted_answers: str = "", **fields) -> None:
    """The kind's rules over the question and its choices (dicts with text, is_correct, match):
    single choice — at least two options, exactly one correct; multiple choice — at least two options,
    at least one correct; true/false — the answer given; short answer — at least one accepted answer;
    numeric — the number, tolerance not negative; matching — at least two pairs, each with its match;
    ordering — at least two items (their order is the answer)."""
    choices = [c for c in choices if (c.get("text") or "").strip()]
    correct = sum(1 for c in choices if c.get("is_correct"))
    if kind in ("single", "multiple", "matching", "ordering") and len(choices) < 2:
        raise CourseError(_("This kind of question needs at least two choices."), code="quiz_few_choices")
    if kind == "single" and correct != 1:
        raise CourseError(_("Mark exactly one choice as correct."), code="quiz_single_correct")
    if kind == "multiple" and correct < 1:
        raise CourseError(_("Mark at least one choice as correct."), code="quiz_multiple_correct")
    if kind == "matching" and any(not (c.get("match") or "").strip() for c in choices):
        raise CourseError(_("Give every item of a matching question its match."), code="quiz_no_match")
    if kind == "true_false" and fields.get("true_false_answer") is None:
        raise CourseError(_("Say whether the statement is true or false."), code="quiz_no_truth")
    if kind == "short" and not any(line.strip() for line in (accepted_answers or "").splitlines()):
        raise CourseError(_("Give at least one accepted answer."), code="quiz_no_answers")
    if kind == "numeric":
        if fields.get("numeric_answer") is None:
            raise CourseError(_("Give the correct number."), code="quiz_no_number")
        if fields.get("tolerance") is None or fields["tolerance"] < 0:
            raise CourseError(_("The tolerance must be zero or more."), code="quiz_tolerance")


@transaction.atomic
def quiz_question_create(*, course: Course, kind: str, text: str, choices=(), points: int = 1, **fields):
    """A bank question with its choices (dicts: text, is_correct, match, feedback), checked by its kind's rules."""
    choices = [dict(c) for c in choices]
    quiz_question_check(kind=kind, choices=choices, **fields)
    position = fields.pop("position", None) or QuizQuestion.objects.filter(course=course).count() + 1
    question = QuizQuestion.objects.create(
        course=course, kind=kind, text=text, points=points, position=position, **fields
    )
    QuizChoice.objects.bulk_create(
        QuizChoice(question=question, position=i, **c)
        for i, c in enumerate((c for c in choices if c.get("text")), start=1)
    )
    return question


def quiz_check_definition(*, quiz: Quiz) -> None:
    """A quiz belongs to a quiz lesson; its fixed questions come from the lesson's course bank; a random
    draw has a count."""
    if quiz.lesson.kind != Lesson.Kind.QUIZ:
        raise CourseError(_("A quiz belongs to a lesson of the kind “Quiz”."), code="quiz_lesson_kind")
    if quiz.selection == Quiz.Selection.RANDOM and not quiz.random_count:
        raise CourseError(_("Say how many random questions each attempt gets."), code="quiz_random_count")


@transaction.atomic
def quiz_create(*, lesson: Lesson, questions=(), **fields) -> Quiz:
    """The quiz of a quiz lesson, with its fixed questions in the given order (from the course's bank)."""
    quiz = Quiz(lesson=lesson, **fields)
    quiz_check_definition(quiz=quiz)
    quiz.save()
    course_id = lesson.module.course_id
    if any(q.course_id != course_id for q in questions):
        raise CourseError(_("A quiz draws only on its own course's question bank."), code="quiz_other_bank")
    QuizItem.objects.bulk_create(
        QuizItem(quiz=quiz, question=q, position=i) for i, q in enumerate(questions, start=1)
    )
    return quiz


def quiz_questions_mark_used(*, question_ids) -> None:
    """Called by the cohorts app when an attempt starts with these questions: from now on they are frozen."""
    QuizQuestion.objects.filter(pk__in=list(question_ids), used_at__isnull=True).update(
        used_at=timezone.now()
    )


# --- Competency framework ------------------------------------------------------------------

CSV_COLUMNS = ("area_code", "area_name", "code", "name", "description")


@transaction.atomic
def competency_import_csv(*, file) -> dict[str, int]:
    """Create or update areas and competencies from a CSV (columns: CSV_COLUMNS; UTF-8, ',' or ';').

    All rows are checked first; one bad row rejects the whole file so nothing is half-imported.
    """
    raw = file.read()
    text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
    try:
        dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    missing = [c for c in ("area_code", "area_name", "code", "name") if c not in (reader.fieldnames or [])]
    if missing:
        raise ValidationError(
            _("The CSV file lacks the columns: %(columns)s.") % {"columns": ", ".join(missing)},
            code="csv_columns",
        )
    rows, errors, seen = [], [], set()
    for line, row in enumerate(reader, start=2):
        row = {k: (v or "").strip() for k, v in row.items() if k}
        for column in ("area_code", "code", "name", "area_name"):
            if not row.get(column):
                errors.append(_("Line %(line)s: “%(column)s” is empty.") % {"line": line, "column": column})
        if len(row.get("code", "")) > 20 or len(row.get("area_code", "")) > 20:
            errors.append(_("Line %(line)s: codes are at most 20 characters.") % {"line": line})
        if row.get("code") in seen:
            errors.append(
                _("Line %(line)s: the code %(code)s appears twice.") % {"line": line, "code": row["code"]}
            )
        seen.add(row.get("code"))
        rows.append(row)
    if errors:
        raise ValidationError(errors, code="csv_rows")
    counts = {"areas": 0, "competencies": 0, "created": 0, "updated": 0}
    areas: dict[str, CompetencyArea] = {}
    for row in rows:
        area = areas.get(row["area_code"])
        if area is None:
            area, _created = CompetencyArea.objects.update_or_create(
                code=row["area_code"],
                defaults={"name": row["area_name"][:200], "description": row.get("area_description", "")},
                create_defaults={
                    "name": row["area_name"][:200],
                    "description": row.get("area_description", ""),
                    "position": len(areas) + 1,
                },
            )
            areas[row["area_code"]] = area
            counts["areas"] += 1
        _competency, created = Competency.objects.update_or_create(
            code=row["code"],
            defaults={"area": area, "name": row["name"][:200], "description": row.get("description", "")},
        )
        counts["competencies"] += 1
        counts["created" if created else "updated"] += 1
    return counts
