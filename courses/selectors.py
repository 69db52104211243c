"""Reads of courses scoped to the acting user, with eager loading done once here."""

from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.core.cache import cache
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)

from accounts.models import Subject
from core.i18n import reading_languages

from . import hooks
from .models import (
    Assignment,
    Competency,
    CompetencyArea,
    Course,
    FaqEntry,
    Lesson,
    Module,
    Organisation,
    Quiz,
    QuizQuestion,
    Signatory,
)
from .search import apply_search, did_you_mean, on_postgres


def courses_visible_to(user) -> QuerySet[Course]:
    """Published courses for everyone; drafts and archived ones also for their authors; all for superusers."""
    qs = Course.objects.all()
    if getattr(user, "is_superuser", False):
        return qs
    visible = Q(status=Course.Status.PUBLISHED)
    if getattr(user, "is_authenticated", False):
        visible |= Q(pk__in=Course.authors.through.objects.filter(user_id=user.pk).values("course_id"))
    return qs.filter(visible)


def courses_editable_by(user) -> QuerySet[Course]:
    """What a user may change: superusers everything, methodologists the courses they author."""
    if not getattr(user, "is_authenticated", False):
        return Course.objects.none()
    if user.is_superuser:
        return Course.objects.all()
    return Course.objects.filter(
        pk__in=Course.authors.through.objects.filter(user_id=user.pk).values("course_id")
    )


# --- "has an open cohort": filled by the cohorts app ---------------------------------------


def open_cohort_exists(course_ref) -> Exists | None:
    """An Exists() over open cohorts of the course, from the filter the cohorts app registers
    (courses sit below cohorts and never import them); None when no app registered one."""
    builder = hooks.open_cohort_filter()
    return builder(course_ref) if builder is not None else None


def open_cohort_filter_available() -> bool:
    return open_cohort_exists(OuterRef("pk")) is not None


# --- Catalogue ----------------------------------------------------------------------------


@dataclass
class CatalogueFilters:
    q: str = ""
    subjects: list[str] = field(default_factory=list)
    formats: list[str] = field(default_factory=list)
    levels: list[str] = field(default_factory=list)
    competencies: list[str] = field(default_factory=list)
    hours_min: int | None = None
    hours_max: int | None = None
    open_cohort: bool = False
    languages: list[str] = field(default_factory=list)
    sort: str = ""

    SORTS = ("relevance", "newest", "hours", "-hours", "title")

    @property
    def effective_sort(self) -> str:
        if self.sort == "relevance" and not self.q:
            return "newest"
        return self.sort or ("relevance" if self.q else "newest")

    @property
    def active(self) -> bool:
        return bool(
            self.q
            or self.subjects
            or self.formats
            or self.levels
            or self.competencies
            or self.hours_min is not None
            or self.hours_max is not None
            or self.open_cohort
            or self.languages
        )


def known_subject_codes(codes: list[str]) -> list[str]:
    """Which of these subject codes exist (the catalogue's filter check)."""
    return list(Subject.objects.filter(code__in=codes).values_list("code", flat=True))


def known_competency_codes(codes: list[str]) -> list[str]:
    """Which of these are a competency's or a competency area's code: read from the catalogue's facets
    (the whole competency tree, cached; the page shows it anyway)."""
    areas = catalogue_facets()["areas"]
    known = {a.code for a in areas} | {c.code for a in areas for c in a.competencies.all()}
    return [code for code in codes if code in known]


def _card_queryset(qs: QuerySet[Course]) -> QuerySet[Course]:
    return qs.prefetch_related(
        Prefetch("subjects", queryset=Subject.objects.only("id", "code", "name")),
        Prefetch("competencies", queryset=Competency.objects.only("id", "code", "name", "area_id")),
    ).defer("description", "search_vector")


def with_reader_language(qs: QuerySet[Course], *, user) -> QuerySet[Course]:
    """Annotate `in_other_language`: the course is in none of the languages the user reads
    (their own plus "also show courses in ..."); such courses rank after the others and are marked."""
    return qs.annotate(
        in_other_language=Case(
            When(language__in=reading_languages(user), then=Value(False)),
            default=Value(True),
            output_field=BooleanField(),
        )
    )


def catalogue_courses() -> QuerySet[Course]:
    """What the public catalogue lists before its filters: published courses."""
    return Course.objects.filter(status=Course.Status.PUBLISHED)


def course_catalogue(
    *, user, filters: CatalogueFilters, base: QuerySet[Course] | None = None
) -> QuerySet[Course]:
    """Published courses (or `base`) matching the filters, sorted; one query per page plus two prefetches.
    Within every sort, courses in the reader's languages come first."""
    qs = catalogue_courses() if base is None else base
    if filters.languages:
        qs = qs.filter(language__in=filters.languages)
    if filters.subjects:
        qs = qs.filter(
            Exists(
                Course.subjects.through.objects.filter(
                    course_id=OuterRef("pk"), subject__code__in=filters.subjects
                )
            )
        )
    if filters.formats:
        qs = qs.filter(format__in=filters.formats)
    if filters.levels:
        qs = qs.filter(level__in=filters.levels)
    if filters.competencies:
        # A competency code or a whole area code.
        through = Course.competencies.through.objects.filter(course_id=OuterRef("pk")).filter(
            Q(competency__code__in=filters.competencies) | Q(competency__area__code__in=filters.competencies)
        )
        qs = qs.filter(Exists(through))
    if filters.hours_min is not None:
        qs = qs.filter(hours__gte=filters.hours_min)
    if filters.hours_max is not None:
        qs = qs.filter(hours__lte=filters.hours_max)
    if filters.open_cohort:
        exists = open_cohort_exists(OuterRef("pk"))
        if exists is not None:
            qs = qs.filter(exists)
    qs = with_reader_language(apply_search(qs, filters.q), user=user)
    sort = filters.effective_sort
    if sort == "relevance" and on_postgres():
        order = ["-rank", "-published_at", "-pk"]
    elif sort == "hours":
        order = ["hours", "title", "pk"]
    elif sort == "-hours":
        order = ["-hours", "title", "pk"]
    elif sort == "title":
        order = ["title", "pk"]
    else:
        order = ["-published_at", "-pk"]
    return _card_queryset(qs.order_by("in_other_language", *order))


def course_faq(*, course_id: int, limit: int = 30) -> list[FaqEntry]:
    """The course's FAQ as every cohort of it shows it, in the methodologists' order."""
    return list(
        FaqEntry.objects.filter(course_id=course_id).order_by("position", "-created_at", "-id")[:limit]
    )


def catalogue_suggestion(*, user, filters: CatalogueFilters) -> str:
    """ "Did you mean": for a search that found nothing, a corrected query that finds something under the
    same filters (PostgreSQL; "" otherwise)."""
    if not filters.q:
        return ""
    return did_you_mean(course_catalogue(user=user, filters=replace(filters, q="", sort="newest")), filters.q)


FACETS_CACHE_KEY = "courses:catalogue-facets:v1"
FACETS_CACHE_SECONDS = 60


def catalogue_facets() -> dict:
    """Choices for the sidebar: subjects that published courses use (with counts) and the competency tree.

    Three queries, cached for a minute in the shared cache (they change only when courses are published).
    """
    facets = cache.get(FACETS_CACHE_KEY)
    if facets is None:
        subjects = list(
            Subject.objects.annotate(n=Count("courses", filter=Q(courses__status=Course.Status.PUBLISHED)))
            .filter(n__gt=0)
            .order_by("name")
        )
        areas = list(
            CompetencyArea.objects.prefetch_related(
                Prefetch("competencies", queryset=Competency.objects.order_by("code"))
            ).order_by("position", "code")
        )
        facets = {"subjects": subjects, "areas": areas}
        cache.set(FACETS_CACHE_KEY, facets, FACETS_CACHE_SECONDS)
    return facets


def course_detail_for_user(*, user, slug: str, with_content: bool = False) -> Course:
    """The course page: the course with its structure, competencies and authors in a fixed number of queries.

    Raises Course.DoesNotExist when the user may not see it (drafts are visible to their authors only).
    """
    return course_detail_queryset(courses_visible_to(user), with_content=with_content).get(slug=slug)


def course_detail_queryset(qs: QuerySet[Course], with_content: bool = False) -> QuerySet[Course]:
    lessons = Lesson.objects.order_by("position", "id")
    if not with_content:
        lessons = lessons.defer("body")
    assignments = Assignment.objects.order_by("position", "id")
    modules = (
        Module.objects.order_by("position", "id")
        .annotate(lesson_hours=Sum("lessons__hours"))
        .prefetch_related(
            Prefetch("lessons", queryset=lessons), Prefetch("assignments", queryset=assignments)
        )
    )
    return (
        qs.select_related("previous_version")
        .prefetch_related(
            Prefetch("modules", queryset=modules),
            Prefetch("competencies", queryset=Competency.objects.select_related("area")),
            "subjects",
            "school_levels",
            "authors",
        )
        .defer("search_vector")
    )


def course_total_lesson_hours(course: Course) -> Decimal:
    # lesson_hours: annotated by course_detail_queryset's prefetch, which the stubs cannot follow
    return sum((m.lesson_hours or Decimal(0) for m in course.modules.all()), Decimal(0))  # type: ignore[attr-defined]


def competency_list() -> QuerySet[Competency]:
    return Competency.objects.select_related("area").order_by("area__position", "code")


def course_list_for_api(*, user) -> QuerySet[Course]:
    """The API list before its filters (courses/filters.py, through course_catalogue): what the user may
    see (published, plus their own drafts)."""
    return courses_visible_to(user).prefetch_related("authors")


def organisation_for_viewer(*, user, organisation_id: int) -> Organisation:
    """An issuing organisation for someone who may see organisations in the admin; DoesNotExist otherwise."""
    if not getattr(user, "is_authenticated", False) or not user.has_perm("courses.view_organisation"):
        raise Organisation.DoesNotExist
    return Organisation.objects.get(pk=organisation_id)


def signatory_for_viewer(*, user, signatory_id: int) -> Signatory:
    """A signatory (with their signature image) for someone who may see organisations in the admin."""
    if not getattr(user, "is_authenticated", False) or not user.has_perm("courses.view_signatory"):
        raise Signatory.DoesNotExist
    return Signatory.objects.get(pk=signatory_id)


# --- Quizzes ---------------------------------------------------------------------------------


def quiz_question_pool(*, quiz: Quiz) -> tuple[list[QuizQuestion], int | None]:
    """The questions an attempt draws from, with their choices (two queries), and how many it takes:
    the quiz's fixed questions in their order (all of them), or its course bank's questions of the
    topic for a random draw (random_count of them)."""
    if quiz.selection == Quiz.Selection.FIXED:
        questions = (
            QuizQuestion.objects.filter(quiz_items__quiz=quiz)
            .order_by("quiz_items__position", "quiz_items__id")
            .prefetch_related("choices")
        )
        return list(questions), None
    questions = QuizQuestion.objects.filter(course_id=quiz.lesson.module.course_id)
    if quiz.random_topic:
        questions = questions.filter(topic=quiz.random_topic)
    return list(questions.order_by("position", "pk").prefetch_related("choices")), quiz.random_count
