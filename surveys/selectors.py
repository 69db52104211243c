"""Reads on surveys, scoped to the acting user: pending surveys, results, profiles, heat maps.

Every aggregate is one GROUP BY query with conditional counts; Python only rounds the few numbers per row.

One file: results, profiles, heat maps and recommendations all read through the same visibility scope and
anonymity threshold (`visible_responses`, `anonymity_k`); split, the guard would live apart from its
users.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db.models import (
    Avg,
    Count,
    Exists,
    F,
    Model,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)
from django.http import Http404
from django.utils import timezone

from accounts.models import School
from accounts.roles import Role
from accounts.selectors import (
    school_list_for_municipality,
    schools_visible_to,
    teachers_visible_to,
    user_has_role,
)
from core.i18n import reading_languages
from courses.models import Competency, Course
from notifications.selectors import sent_records_about

from . import followup, links, reminders
from .models import (
    Answer,
    CompetencyScore,
    CourseRecommendationRule,
    ExportJob,
    Participation,
    PendingAnswers,
    Question,
    Response,
    Section,
    Survey,
)
from .services import round_half_up

TEXTS_SHOWN = 200  # free-text answers listed per question on the page (exports carry all of them)


# --- pending surveys and filling -------------------------------------------------------------------


@dataclass
class PendingSurvey:
    survey: Survey
    cohort: Model | None = None  # a cohorts.Cohort (surveys sits below cohorts)

    @property
    def key(self) -> str:
        return f"{self.survey.pk}:{self.cohort.pk if self.cohort else ''}"


def _open_surveys() -> QuerySet[Survey]:
    now = timezone.now()
    return Survey.objects.filter(is_published=True).filter(
        Q(opens_at__isnull=True) | Q(opens_at__lte=now), Q(closes_at__isnull=True) | Q(closes_at__gt=now)
    )


def surveys_pending_for(user) -> list[PendingSurvey]:
    """Open surveys meant for the user that they have not answered yet (three queries, any data size)."""
    if not getattr(user, "is_authenticated", False):
        return []
    open_qs = _open_surveys()
    pending: list[PendingSurvey] = []
    if user_has_role(user, Role.TEACHER):
        audience = Q(audience=Survey.Audience.ALL_TEACHERS)
        if user.school_id:
            audience |= Q(audience=Survey.Audience.SCHOOL, school_id=user.school_id)
            audience |= Q(audience=Survey.Audience.MUNICIPALITY, municipality__schools=user.school_id)
        answered = Participation.objects.filter(survey=OuterRef("pk"), user=user, cohort__isnull=True)
        plain = (
            open_qs.filter(audience)
            .exclude(kind__in=[Survey.Kind.FEEDBACK, Survey.Kind.PLACEMENT])
            .exclude(Exists(answered))
            .order_by("closes_at", "pk")
        )
        pending += [PendingSurvey(survey=s) for s in plain]
    through = Survey.cohorts.through
    answered_in_cohort = Participation.objects.filter(
        survey=OuterRef("survey_id"), cohort=OuterRef("cohort_id"), user=user
    )
    pairs = (
        through.objects.filter(
            survey__in=open_qs.filter(
                Q(kind__in=[Survey.Kind.FEEDBACK, Survey.Kind.PLACEMENT]) | Q(audience=Survey.Audience.COHORT)
            ),
            cohort__in=links.enrollments_of(user).values("cohort_id"),
        )
        .exclude(Exists(answered_in_cohort))
        .select_related("survey", "cohort")
        .order_by("survey__closes_at", "survey_id", "cohort_id")
    )
    pending += [PendingSurvey(survey=p.survey, cohort=p.cohort) for p in pairs]
    return pending


def survey_for_filling(*, user, survey_id: int) -> Survey:
    """A published survey the user may open (whether they may still respond is the service's rule)."""
    survey = Survey.objects.filter(pk=survey_id, is_published=True).first()
    if survey is None:
        raise Http404
    if (
        survey.audience == Survey.Audience.SCHOOL
        and survey.school_id != user.school_id
        and not user.is_superuser
    ):
        raise Http404
    if (
        survey.audience == Survey.Audience.MUNICIPALITY
        and not user.is_superuser
        and not school_list_for_municipality(municipality_id=survey.municipality_id)
        .filter(pk=user.school_id)
        .exists()
    ):
        raise Http404
    return survey


def cohorts_for_filling(*, user, survey: Survey):
    """The survey's cohorts where the user has a seat."""
    return survey.cohorts.filter(pk__in=links.enrollments_of(user).values("cohort_id")).order_by("-starts_on")


def survey_sections(survey: Survey):
    """Sections with their questions and choices, in order (three queries)."""
    return list(
        survey.sections.order_by("position", "id").prefetch_related(
            Prefetch(
                "questions", queryset=Question.objects.order_by("position", "id").prefetch_related("choices")
            )
        )
    )


# --- the builder: what an author may edit ----------------------------------------------------------


def surveys_editable_by(user) -> QuerySet[Survey]:
    """Surveys the user authors (superusers: all) — the only ones the builder offers them."""
    if not getattr(user, "is_authenticated", False):
        return Survey.objects.none()
    if user.is_superuser:
        return Survey.objects.all()
    return Survey.objects.filter(pk__in=Survey.authors.through.objects.filter(user=user).values("survey_id"))


def sections_editable_by(user) -> QuerySet[Section]:
    return Section.objects.filter(survey__in=surveys_editable_by(user)).select_related("survey")


def survey_for_author(*, user, survey_id: int) -> Survey:
    """A survey the user authors, published or not (the preview); 404 for anyone else."""
    survey = surveys_editable_by(user).filter(pk=survey_id).first()
    if survey is None:
        raise Http404
    return survey


def participations_visible_to(user) -> QuerySet[Participation]:
    """Who took part: the survey's authors see all of it; for named surveys also the curators of the cohort
    and the administrators whose school or municipality covers the person. Anonymous surveys: authors only
    (they need it for reminders); what anyone answered is never reachable from a participation."""
    base = Participation.objects.select_related("survey", "user", "cohort")
    if not getattr(user, "is_authenticated", False):
        return base.none()
    if user.is_superuser:
        return base
    visible = Q(survey__in=surveys_editable_by(user))
    named = Q(survey__is_anonymous=False)
    visible |= named & Q(cohort__in=links.cohorts_curated_by(user))
    if user_has_role(user, Role.SCHOOL_ADMIN) or user_has_role(user, Role.MUNICIPAL_ADMIN):
        visible |= named & Q(user__in=teachers_visible_to(user))
    return base.filter(visible)


def export_job_for(*, user, job_id):
    """A results export is seen only by whoever asked for it."""

    job = ExportJob.objects.filter(pk=job_id, requested_by=user).select_related("survey").first()
    if job is None:
        raise Http404
    return job


def surveys_answered_by(user) -> QuerySet[Participation]:
    return (
        Participation.objects.filter(user=user).select_related("survey", "cohort").order_by("-submitted_on")
    )


# --- who may see results ---------------------------------------------------------------------------


@dataclass
class ResultsScope:
    survey: Survey
    everything: bool
    cohorts: list = field(default_factory=list)
    # Surveys across schools (no cohorts): the schools whose cells the user may read and break down by.
    schools: list = field(default_factory=list)
    # Administrators: aggregates of their schools only — no raw export, no free texts (decision 0354).
    aggregates_only: bool = False

    @property
    def school_ids(self) -> list[int] | None:
        """The restriction every filter of this scope starts from (None: the whole survey)."""
        return [s.pk for s in self.schools] if self.aggregates_only else None


def is_across_schools(survey: Survey) -> bool:
    """A survey whose cells are schools (no cohorts): all teachers, one municipality's or one school's."""
    return survey.kind not in (
        Survey.Kind.FEEDBACK,
        Survey.Kind.PLACEMENT,
    ) and survey.audience in (
        Survey.Audience.ALL_TEACHERS,
        Survey.Audience.MUNICIPALITY,
        Survey.Audience.SCHOOL,
    )


def _covering_admin(user) -> Q | None:
    """Surveys across schools whose audience covers the schools a school or municipal administrator runs."""
    if not (user_has_role(user, Role.SCHOOL_ADMIN) or user_has_role(user, Role.MUNICIPAL_ADMIN)):
        return None
    schools = schools_visible_to(user)
    if not schools.exists():
        return None
    audience = (
        Q(audience=Survey.Audience.ALL_TEACHERS)
        | Q(audience=Survey.Audience.SCHOOL, school__in=schools)
        | Q(audience=Survey.Audience.MUNICIPALITY, municipality__schools__in=schools)
    )
    answered = Exists(Response.objects.filter(survey=OuterRef("pk")))
    return (
        audience
        & ~Q(kind__in=[Survey.Kind.FEEDBACK, Survey.Kind.PLACEMENT])
        & (Q(is_published=True) | Q(answered))
    )


def surveys_with_results_for(user) -> QuerySet[Survey]:
    """Surveys whose results the user may open: authors, the course's methodologists, cohorts' curators,
    and the school and municipal administrators whose schools a survey across schools covers."""
    if not getattr(user, "is_authenticated", False):
        return Survey.objects.none()
    qs = Survey.objects.select_related("course")
    if user.is_superuser:
        return qs
    visible = (
        Q(authors=user)
        | Q(cohorts__in=links.cohorts_curated_by(user))
        | Q(cohorts__in=links.cohorts_of_authored_courses(user))
    )
    admin = _covering_admin(user)
    if admin is not None:
        visible |= Q(pk__in=Survey.objects.filter(admin).values("pk"))
    return qs.filter(visible).distinct()


def _schools_answering(survey: Survey) -> list:
    """Schools with responses stored or waiting (the groups an author's breakdown lists)."""
    waiting = PendingAnswers.objects.filter(survey=survey, school__isnull=False).values("school_id")
    stored = Response.objects.filter(survey=survey, school__isnull=False).values("school_id")
    return list(
        School.objects.filter(Q(pk__in=stored) | Q(pk__in=waiting))
        .select_related("municipality")
        .order_by("municipality__name", "name")
    )


def _schools_of_audience_for_admin(*, user, survey: Survey) -> list:
    schools = schools_visible_to(user).order_by("municipality__name", "name")
    if survey.audience == Survey.Audience.SCHOOL:
        schools = schools.filter(pk__in=[survey.school_id])
    elif survey.audience == Survey.Audience.MUNICIPALITY:
        schools = schools.filter(municipality_id__in=[survey.municipality_id])
    return list(schools)


def results_scope_for(*, user, survey_id: int) -> ResultsScope:
    survey = surveys_with_results_for(user).filter(pk=survey_id).first()
    if survey is None:
        raise Http404
    cohorts = survey.cohorts.select_related("course").order_by("-starts_on", "title")
    across = is_across_schools(survey)
    if user.is_superuser or survey.authors.filter(pk=user.pk).exists():
        return ResultsScope(
            survey=survey,
            everything=True,
            cohorts=list(cohorts),
            schools=_schools_answering(survey) if across else [],
        )
    admin = _covering_admin(user)
    if across and admin is not None and Survey.objects.filter(admin, pk=survey.pk).exists():
        return ResultsScope(
            survey=survey,
            everything=False,
            schools=_schools_of_audience_for_admin(user=user, survey=survey),
            aggregates_only=True,
        )
    # Curators: their cohorts; the course's methodologists: the cohorts of the courses they author.
    allowed = cohorts.filter(
        Q(pk__in=links.cohorts_curated_by(user).values("pk"))
        | Q(pk__in=links.cohorts_of_authored_courses(user).values("pk"))
    )
    return ResultsScope(survey=survey, everything=False, cohorts=list(allowed))


# --- results aggregation ---------------------------------------------------------------------------


@dataclass
class ResultFilter:
    cohort_ids: list[int] | None = None  # None: all responses of the survey
    school_ids: list[int] | None = None  # None: every school's cell and the survey-wide one
    course_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None

    def to_params(self) -> dict:
        return {
            "cohort_ids": self.cohort_ids,
            "school_ids": self.school_ids,
            "course_id": self.course_id,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
        }

    @classmethod
    def from_params(cls, params: dict) -> ResultFilter:
        return cls(
            cohort_ids=params.get("cohort_ids"),
            school_ids=params.get("school_ids"),
            course_id=params.get("course_id"),
            date_from=date.fromisoformat(params["date_from"]) if params.get("date_from") else None,
            date_to=date.fromisoformat(params["date_to"]) if params.get("date_to") else None,
        )

    def responses(self, survey: Survey) -> QuerySet[Response]:
        qs = Response.objects.filter(survey=survey)
        if self.cohort_ids is not None:
            qs = qs.filter(cohort_id__in=self.cohort_ids)
        if self.school_ids is not None:
            qs = qs.filter(school_id__in=self.school_ids)
        if self.course_id:
            qs = qs.filter(cohort__course_id=self.course_id)
        if self.date_from:
            qs = qs.filter(cohort__starts_on__gte=self.date_from)
        if self.date_to:
            qs = qs.filter(cohort__starts_on__lte=self.date_to)
        return qs


def anonymity_k() -> int:
    """K: the fewest respondents any visible figure, row or text may stand for (setting SURVEYS_ANONYMITY_K)."""
    return settings.SURVEYS_ANONYMITY_K


def visible_responses(*, survey: Survey, flt: ResultFilter) -> QuerySet[Response]:
    """THE anonymity rule; every results page, export and API reads responses through here.

    The unit of every aggregate is a cell: the survey's responses of one cohort (or, for a survey without
    cohorts, of one school — the respondent's at submission — plus the survey-wide cell of responses with
    no school). A cell with fewer than K responses counts nowhere — not in its own figures, not in "all", a
    course, a period, a school or a municipality — and every filter selects whole cells. So any two
    visible sets differ by whole cells of at least K (a municipality is the sum of its visible schools). Anonymous responses are stored only K at a time (`_anonymous_hold`), so a
    cell also grows only by at least K between two looks: differencing over time yields a batch, not a person.
    """
    k = anonymity_k()
    cells = [
        (row["cohort_id"], row["school_id"])
        for row in Response.objects.filter(survey=survey)
        .values("cohort_id", "school_id")
        .annotate(n=Count("pk"))
        .order_by()
        if row["n"] >= k
    ]
    in_cells = Q(pk__in=[])
    cohort_cells = [c for c, _s in cells if c is not None]
    if cohort_cells:
        in_cells |= Q(cohort_id__in=cohort_cells)
    school_cells = [s for c, s in cells if c is None and s is not None]
    if school_cells:
        in_cells |= Q(cohort__isnull=True, school_id__in=school_cells)
    if (None, None) in cells:
        in_cells |= Q(cohort__isnull=True, school__isnull=True)
    return flt.responses(survey).filter(in_cells)


def visible_answers(*, survey: Survey, flt: ResultFilter) -> QuerySet[Answer]:
    return Answer.objects.filter(response__in=visible_responses(survey=survey, flt=flt))


def percentages(counts: list[int], n: int) -> list[int]:
    """Each share in whole percent, halves rounded up (so a row may add up to 99 or 101)."""
    return [round_half_up(100 * c / n) if n else 0 for c in counts]


NEGATIVE_UPTO = (2, 3)  # the negative answers: 1–2 (the default, the research's reading) or 1–3
# The survey's own order (by section), weakest mean first, most negative first.
ORDERS = ("survey", "mean", "negative")


@dataclass
class LikertRow:
    question: Question
    n: int
    mean: float | None
    counts: list[int]
    percents: list[int]
    negative_upto: int = 2  # answers 1..negative_upto are negative
    threshold: int = 30  # the survey's vulnerable threshold, percent

    @property
    def section(self) -> Section:
        return self.question.section

    @property
    def cells(self) -> list[tuple[int, int]]:
        """(count, whole percent) of each answer 1–5."""
        return list(zip(self.counts, self.percents, strict=True))

    @property
    def negative_count(self) -> int:
        return sum(self.counts[: self.negative_upto])

    @property
    def negative_percent(self) -> int:
        """The share of negative answers in whole percent, halves rounded up (as the distribution)."""
        return percentages([self.negative_count], self.n)[0]

    @property
    def vulnerable(self) -> bool:
        """The exact share (not the rounded one) is over the author's threshold."""
        return bool(self.n) and 100 * self.negative_count > self.threshold * self.n

    @property
    def segments(self):
        """(value, label, count, percent, exact width) for the stacked bar."""
        labels = self.question.likert_labels()
        return [
            (value, label, self.counts[i], self.percents[i], (100 * self.counts[i] / self.n) if self.n else 0)
            for i, (value, label) in enumerate(labels)
        ]


def _order_likert(rows: list[LikertRow], order: str) -> list[LikertRow]:
    """`survey`: as asked (section by section); `mean`: lowest mean first; `negative`: highest negative share
    first. Ties and aspects nobody answered keep the survey's order (the sort is stable), the latter last."""
    if order == "mean":
        return sorted(rows, key=lambda r: (r.mean is None, r.mean or 0))
    if order == "negative":
        return sorted(rows, key=lambda r: (not r.n, -(r.negative_count / r.n) if r.n else 0))
    return rows


@dataclass
class ChoiceRow:
    question: Question
    n: int
    options: list[tuple[str, int, int]]  # text, count, percent of respondents who answered the question


@dataclass
class SurveyResults:
    survey: Survey
    responses: int
    hidden: bool
    likert: list[LikertRow]
    choices: list[ChoiceRow]
    numbers: list[tuple[Question, int, float | None]]
    texts: list[tuple[Question, list[tuple[str, int]], int]]
    order: str = "survey"
    negative_upto: int = 2

    @property
    def by_section(self) -> bool:
        """Rows are shown under their section headings only in the survey's own order (a sort lists them
        flat, each naming its section: docs/decisions/0352)."""
        return self.order == "survey"

    @property
    def likert_sections(self) -> list[tuple[Section, list[LikertRow]]]:
        """(section, its rows) in the survey's order — for the page's headings."""
        groups: list[tuple[Section, list[LikertRow]]] = []
        for row in self.likert:
            if not groups or groups[-1][0].pk != row.section.pk:
                groups.append((row.section, []))
            groups[-1][1].append(row)
        return groups

    @property
    def vulnerable(self) -> list[LikertRow]:
        return [r for r in self.likert if r.vulnerable]


def survey_results(
    *,
    survey: Survey,
    flt: ResultFilter,
    with_texts: bool = True,
    order: str = "survey",
    negative_upto: int = 2,
) -> SurveyResults:
    """Distribution (counts and whole percents), mean, n and the share of negative answers (1..`negative_upto`)
    per question over the filtered responses, aggregated in the database; aspects over the survey's
    vulnerable threshold flagged; Likert rows in `order` (ORDERS).

    A fixed number of queries whatever the number of answers (one more per free-text question); with fewer than K visible responses nothing is broken down.
    """
    if order not in ORDERS or negative_upto not in NEGATIVE_UPTO:
        raise ValueError(f"order {order!r}, negative_upto {negative_upto!r}")
    responses = visible_responses(survey=survey, flt=flt).count()
    questions = list(
        Question.objects.filter(section__survey=survey)
        .select_related("section")
        .prefetch_related("choices")
        .order_by("section__position", "section_id", "position", "id")
    )
    if responses < anonymity_k():
        return SurveyResults(survey, responses, True, [], [], [], [], order, negative_upto)
    answers = visible_answers(survey=survey, flt=flt)
    value_rows = {
        row["question_id"]: row
        for row in answers.filter(value__isnull=False)
        .values("question_id")
        .annotate(
            n=Count("pk"),
            mean=Avg("value"),
            c1=Count("pk", filter=Q(value=1)),
            c2=Count("pk", filter=Q(value=2)),
            c3=Count("pk", filter=Q(value=3)),
            c4=Count("pk", filter=Q(value=4)),
            c5=Count("pk", filter=Q(value=5)),
        )
        .order_by()
    }
    choice_rows: dict[int, dict[int, int]] = {}
    choice_n: dict[int, int] = {}
    for row in (
        answers.filter(choice__isnull=False)
        .values("question_id", "choice_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        choice_rows.setdefault(row["question_id"], {})[row["choice_id"]] = row["n"]
    for row in (
        answers.filter(choice__isnull=False)
        .values("question_id")
        .annotate(n=Count("response_id", distinct=True))
        .order_by()
    ):
        choice_n[row["question_id"]] = row["n"]
    texts: dict[int, list[tuple[str, int]]] = {}
    text_totals: dict[int, int] = {}
    if with_texts:
        text_totals = dict(
            answers.exclude(text="")
            .values("question_id")
            .annotate(n=Count("pk"))
            .values_list("question_id", "n")
            .order_by()
        )
        for question in questions:
            if question.kind == Question.Kind.TEXT and text_totals.get(question.pk):
                # Ordered by the text itself (never in the order people answered); the export has them all.
                # Identical answers are grouped with their count, most frequent first.
                texts[question.pk] = list(
                    answers.filter(question=question)
                    .exclude(text="")
                    .values("text")
                    .annotate(n=Count("pk"))
                    .order_by("-n", "text")
                    .values_list("text", "n")[:TEXTS_SHOWN]
                )
    likert, choices, numbers, text_rows = [], [], [], []
    for question in questions:
        stats = value_rows.get(question.pk)
        if question.kind == Question.Kind.LIKERT:
            n = stats["n"] if stats else 0
            counts = [stats[f"c{i}"] if stats else 0 for i in range(1, 6)]
            mean = round(float(stats["mean"]), 2) if stats and stats["mean"] is not None else None
            likert.append(
                LikertRow(
                    question,
                    n,
                    mean,
                    counts,
                    percentages(counts, n),
                    negative_upto=negative_upto,
                    threshold=survey.vulnerable_threshold,
                )
            )
        elif question.kind == Question.Kind.NUMBER:
            numbers.append(
                (question, stats["n"] if stats else 0, round(float(stats["mean"]), 2) if stats else None)
            )
        elif question.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
            n = choice_n.get(question.pk, 0)
            by_choice = choice_rows.get(question.pk, {})
            options = []
            for choice in question.choices.all():
                count = by_choice.get(choice.pk, 0)
                options.append((choice.text, count, percentages([count], n)[0]))
            choices.append(ChoiceRow(question, n, options))
        else:
            text_rows.append((question, texts.get(question.pk, []), text_totals.get(question.pk, 0)))
    return SurveyResults(
        survey,
        responses,
        False,
        _order_likert(likert, order),
        choices,
        numbers,
        text_rows,
        order,
        negative_upto,
    )


# --- comparison of cohorts, courses or periods ------------------------------------------------------


@dataclass
class ComparisonGroup:
    label: str
    results: SurveyResults

    @property
    def hidden(self) -> bool:
        return self.results.hidden


@dataclass
class ComparisonRow:
    question: Question
    cells: list[LikertRow | None]  # one per group; None: the group is hidden (fewer than K)

    @property
    def section(self) -> Section:
        return self.question.section

    @property
    def mean_difference(self) -> float | None:
        """Last group minus first (docs/decisions/0352); None when either is hidden or unanswered."""
        first, last = self.cells[0], self.cells[-1]
        if first is None or last is None or first.mean is None or last.mean is None:
            return None
        return round(last.mean - first.mean, 2)

    @property
    def negative_difference(self) -> int | None:
        """Last group's negative share minus the first's, in percentage points (of the whole percents shown)."""
        first, last = self.cells[0], self.cells[-1]
        if first is None or last is None or not first.n or not last.n:
            return None
        return last.negative_percent - first.negative_percent

    @property
    def vulnerable_anywhere(self) -> bool:
        return any(c is not None and c.vulnerable for c in self.cells)


@dataclass
class Comparison:
    groups: list[ComparisonGroup]
    rows: list[ComparisonRow]
    negative_upto: int = 2


def survey_comparison(
    *, survey: Survey, groups: list[tuple[str, ResultFilter]], order: str = "survey", negative_upto: int = 2
) -> Comparison:
    """Likert aspects of 2–N groups (cohorts, courses or periods) side by side, one row per aspect.

    Each group is read by `survey_results`, so through `visible_responses`: a group with fewer than K visible
    responses shows nothing, and cells under K count in no group (comparing "all" with one cohort cannot
    reveal a hidden one). Queries grow with the number of groups, never with questions or answers. Rows come
    in the first visible group's `order`."""
    read = [
        ComparisonGroup(
            label,
            survey_results(
                survey=survey, flt=flt, with_texts=False, order=order, negative_upto=negative_upto
            ),
        )
        for label, flt in groups
    ]
    by_question = [{r.question.pk: r for r in g.results.likert} for g in read]
    leading = next((g.results.likert for g in read if not g.hidden), [])
    rows = [
        ComparisonRow(lead.question, [cells.get(lead.question.pk) for cells in by_question])
        for lead in leading
    ]
    return Comparison(read, rows, negative_upto)


def placement_levels(*, survey: Survey, flt: ResultFilter) -> QuerySet[Participation]:
    """Each listener's placement level in the cohorts in view (placement surveys are never anonymous)."""
    if survey.kind != Survey.Kind.PLACEMENT:
        return Participation.objects.none()
    qs = Participation.objects.filter(survey=survey).select_related("user", "cohort")
    if flt.cohort_ids is not None:
        qs = qs.filter(cohort_id__in=flt.cohort_ids)
    if flt.course_id:
        qs = qs.filter(cohort__course_id=flt.course_id)
    return qs.order_by("cohort__title", "level", "user__full_name")


def responses_per_cohort(*, survey: Survey, cohort_ids: list[int] | None) -> dict[int, int]:
    """Visible responses per cohort; a cohort under K is absent (the page says "fewer than K")."""
    qs = visible_responses(survey=survey, flt=ResultFilter(cohort_ids=cohort_ids)).filter(
        cohort__isnull=False
    )
    return {row["cohort_id"]: row["n"] for row in qs.values("cohort_id").annotate(n=Count("pk")).order_by()}


@dataclass
class AreaRow:
    """One school or municipality: n and the mean of each Likert aspect, or hidden (fewer than K)."""

    pk: int
    name: str
    n: int
    means: list[float | None]

    @property
    def hidden(self) -> bool:
        return self.n == 0


@dataclass
class AreaBreakdown:
    by: str  # "school" or "municipality"
    questions: list[Question]  # the Likert aspects, in the survey's order
    rows: list[AreaRow]


BREAKDOWNS = ("school", "municipality")


def results_by_area(*, survey: Survey, flt: ResultFilter, schools: list, by: str) -> AreaBreakdown:
    """n and the mean per Likert aspect for each school (or municipality) of `schools`, over the visible
    responses only (three queries). A school is a cell, so it shows with at least K responses or not at all;
    a municipality is the sum of its visible schools — "municipality minus school" is again whole cells."""
    if by not in BREAKDOWNS:
        raise ValueError(by)
    key = "school_id" if by == "school" else "school__municipality_id"
    if flt.school_ids is not None:
        schools = [s for s in schools if s.pk in flt.school_ids]
    if by == "school":
        groups = [(s.pk, s.name) for s in schools]
    else:
        groups = list({s.municipality_id: (s.municipality_id, s.municipality.name) for s in schools}.values())
    questions = list(
        Question.objects.filter(section__survey=survey, kind=Question.Kind.LIKERT).order_by(
            "section__position", "section_id", "position", "id"
        )
    )
    visible = visible_responses(survey=survey, flt=flt).filter(school__isnull=False)
    counts = {row[key]: row["n"] for row in visible.values(key).annotate(n=Count("pk")).order_by()}
    means = {
        (row[f"response__{key}"], row["question_id"]): round(float(row["mean"]), 2)
        for row in Answer.objects.filter(response__in=visible, value__isnull=False, question__in=questions)
        .values(f"response__{key}", "question_id")
        .annotate(mean=Avg("value"))
        .order_by()
    }
    k = anonymity_k()
    rows = []
    for pk, name in groups:
        n = counts.get(pk, 0)
        shown = n >= k  # always true for a visible cell; kept so the rule reads here too
        rows.append(
            AreaRow(
                pk=pk,
                name=name,
                n=n if shown else 0,
                means=[means.get((pk, q.pk)) if shown else None for q in questions],
            )
        )
    return AreaBreakdown(by=by, questions=questions, rows=rows)


def raw_answers(*, survey: Survey, flt: ResultFilter):
    """Raw answers for export, streamed in chunks, only of visible responses (so every cohort named has at
    least K). No respondent for anonymous surveys; ordered by the random response key, an order that follows
    no one's time of answering."""
    fields = ["response_id", "question_id", "value", "choice__text", "text", "response__cohort__title"]
    if not survey.is_anonymous:
        fields += ["response__respondent__email", "response__respondent__full_name", "response__submitted_at"]
    return (
        visible_answers(survey=survey, flt=flt)
        .order_by("response_id", "question__section__position", "question__position", "question_id")
        .values_list(*fields)
        .iterator(chunk_size=2000)
    )


# --- deficit profiles and recommendations ----------------------------------------------------------


@dataclass
class ProfileRow:
    competency: Competency
    score: int
    is_deficit: bool
    before: int | None = None

    @property
    def growth(self) -> int | None:
        return None if self.before is None else self.score - self.before


@dataclass
class Profile:
    rows: list[ProfileRow]
    threshold: int
    measured_at: object = None
    before_at: object = None
    user: object = None
    survey: Survey | None = None
    _recommendable: tuple[dict[int, list[int]], set[int]] | None = field(
        default=None, repr=False, compare=False
    )

    @property
    def deficits(self) -> list[ProfileRow]:
        return [r for r in self.rows if r.is_deficit]


def profile_person_for(*, viewer, user_id: int):
    """Whose profile the viewer may read: themself, or a teacher of the schools they administer
    (teachers_visible_to); None for anybody else (the API answers 404, as for a missing person)."""
    if user_id == viewer.pk:
        return viewer
    return teachers_visible_to(viewer).filter(pk=user_id).first()


def heatmap_school_for(*, viewer, school_id: int):
    """One school of the viewer's heat map, or None for a school outside it (the API answers 404)."""
    return schools_visible_to(viewer).filter(pk=school_id).first()


def profile_for(user) -> Profile | None:
    """The latest diagnostic profile of the user, with the previous measurement of each competency."""
    latest = list(
        Response.objects.filter(respondent=user, survey__kind=Survey.Kind.DIAGNOSTIC)
        .select_related("survey")
        .order_by("-submitted_at")[:2]
    )
    if not latest:
        return None
    scores = list(
        CompetencyScore.objects.filter(response__in=[r.pk for r in latest])
        .select_related("competency__area")
        .order_by("competency__area__position", "competency__code")
    )
    current = latest[0]
    before = {s.competency_id: s.score for s in scores if s.response_id != current.pk}
    rows = [
        ProfileRow(s.competency, s.score, s.is_deficit, before.get(s.competency_id))
        for s in scores
        if s.response_id == current.pk
    ]
    return Profile(
        rows=rows,
        threshold=current.survey.deficit_threshold,
        measured_at=current.submitted_at,
        before_at=latest[1].submitted_at if len(latest) > 1 else None,
        user=user,
        survey=current.survey,
    )


@dataclass
class Recommendation:
    course: Course
    competencies: list[Competency]
    pinned: bool
    cohorts: list = field(default_factory=list)


def _recommendable_pairs(profile: Profile) -> tuple[dict[int, list[int]], set[int]]:
    """(course id → deficit competency ids it addresses, pinned course ids) over published courses;
    excluded (competency, course) pairs never count, pinned ones always do. Read once per profile."""
    cached = getattr(profile, "_recommendable", None)
    if cached is None:
        cached = profile._recommendable = _read_recommendable_pairs(
            [r.competency.pk for r in profile.deficits]
        )
    return cached


def _read_recommendable_pairs(deficit_ids) -> tuple[dict[int, list[int]], set[int]]:
    through = Course.competencies.through
    pairs = set(
        through.objects.filter(
            competency_id__in=deficit_ids, course__in=links.published_courses()
        ).values_list("course_id", "competency_id")
    )
    pinned: set[int] = set()
    for course_id, competency_id, mode in CourseRecommendationRule.objects.filter(
        competency_id__in=deficit_ids, course__in=links.published_courses()
    ).values_list("course_id", "competency_id", "mode"):
        if mode == CourseRecommendationRule.Mode.EXCLUDE:
            pairs.discard((course_id, competency_id))
        else:
            pairs.add((course_id, competency_id))
            pinned.add(course_id)
    covered: dict[int, list[int]] = {}
    for course_id, competency_id in pairs:
        covered.setdefault(course_id, []).append(competency_id)
    return covered, pinned & set(covered)


def recommendations_for(*, profile: Profile | None, limit: int = 6, user=None) -> list[Recommendation]:
    """Published courses addressing the deficits: those in the languages `user` reads first (the others
    after, marked `in_other_language`), then pinned ones, then those with an open cohort with a seat free
    for this teacher, then those covering more deficits. Each course carries its open cohorts with the
    seats counted as enrolment counts them (0 = the waitlist)."""
    if profile is None or not profile.deficits:
        return []
    deficit = {r.competency.pk: r.competency for r in profile.deficits}
    covered, pinned = _recommendable_pairs(profile)
    if not covered:
        return []
    courses = {c.pk: c for c in Course.objects.filter(pk__in=covered)}
    cohorts = links.open_cohorts_with_seats(covered, teacher=profile.user)
    recs = [
        Recommendation(
            course=courses[cid],
            competencies=sorted((deficit[x] for x in comps), key=lambda c: c.code),
            pinned=cid in pinned,
            cohorts=cohorts.get(cid, []),
        )
        for cid, comps in covered.items()
    ]
    reads = reading_languages(user)
    for rec in recs:
        rec.course.in_other_language = rec.course.language not in reads  # type: ignore[attr-defined]  # for the page
    recs.sort(
        key=lambda r: (
            r.course.in_other_language,  # type: ignore[attr-defined]  # set just above
            not r.pinned,
            not any(c.free_seats for c in r.cohorts),
            -len(r.competencies),
            r.course.title,
        )
    )
    return recs[:limit]


@dataclass
class UncoveredDeficits:
    """Deficits no published course addresses, and whom to ask about them."""

    competencies: list[Competency]
    contacts: list  # the diagnostic's authors (methodologists) with an email


def deficits_without_course(*, profile: Profile | None) -> UncoveredDeficits:
    """The teacher's deficits that no published course addresses (after the methodologists' rules),
    with the diagnostic's authors to ask — so a deficit is never met with silence."""
    if profile is None or not profile.deficits:
        return UncoveredDeficits(competencies=[], contacts=[])
    deficit = {r.competency.pk: r.competency for r in profile.deficits}
    covered, _pinned = _recommendable_pairs(profile)
    addressed = {competency_id for comps in covered.values() for competency_id in comps}
    missing = sorted((c for pk, c in deficit.items() if pk not in addressed), key=lambda c: c.code)
    contacts = []
    if missing and profile.survey is not None:
        contacts = list(profile.survey.authors.filter(is_active=True).order_by("full_name", "pk"))
    return UncoveredDeficits(competencies=missing, contacts=contacts)


# --- heat maps for administrators -----------------------------------------------------------------


def _latest_scores(teachers: QuerySet) -> QuerySet[CompetencyScore]:
    newest = CompetencyScore.objects.filter(
        user=OuterRef("user"), competency=OuterRef("competency")
    ).order_by("-measured_at", "-pk")
    return CompetencyScore.objects.filter(user__in=teachers, pk=Subquery(newest.values("pk")[:1]))


def can_see_heatmap(user) -> bool:
    return (
        user.is_superuser
        or user_has_role(user, Role.SCHOOL_ADMIN)
        or user_has_role(user, Role.MUNICIPAL_ADMIN)
    )


def competency_counts_for(viewer):
    """Per competency: teachers measured, deficits, mean score — over the teachers the viewer administers."""
    teachers = teachers_visible_to(viewer)
    return list(
        _latest_scores(teachers)
        .values("competency_id", "competency__code", "competency__name")
        .annotate(
            teachers=Count("user", distinct=True),
            deficits=Count("pk", filter=Q(is_deficit=True)),
            mean=Avg("score"),
        )
        .order_by("competency__code")
    )


def heatmap_teachers(viewer, teachers_page):
    """Rows of (teacher, [score or None per competency]) for one page of teachers; two queries."""
    competencies = list(
        Competency.objects.filter(scores__user__in=teachers_visible_to(viewer)).distinct().order_by("code")
    )
    ids = [t.pk for t in teachers_page]
    cells = {
        (s["user_id"], s["competency_id"]): (s["score"], s["is_deficit"])
        for s in _latest_scores(teachers_visible_to(viewer).filter(pk__in=ids)).values(
            "user_id", "competency_id", "score", "is_deficit"
        )
    }
    rows = [(t, [cells.get((t.pk, c.pk)) for c in competencies]) for t in teachers_page]
    return competencies, rows


def heatmap_schools(viewer):
    """Rows of (school name, teachers measured, [(mean, deficits) per competency]) across schools."""
    teachers = teachers_visible_to(viewer)
    data = list(
        _latest_scores(teachers)
        .values("user__school_id", "user__school__name", "competency_id")
        .annotate(mean=Avg("score"), deficits=Count("pk", filter=Q(is_deficit=True)), n=Count("pk"))
        .order_by("user__school__name")
    )
    competencies = list(Competency.objects.filter(pk__in={d["competency_id"] for d in data}).order_by("code"))
    by_school: dict[int, dict] = {}
    for d in data:
        school = by_school.setdefault(d["user__school_id"], {"name": d["user__school__name"], "cells": {}})
        school["cells"][d["competency_id"]] = (round_half_up(d["mean"]), d["deficits"], d["n"])
    rows = [
        (s["name"], [s["cells"].get(c.pk) for c in competencies])
        for s in sorted(by_school.values(), key=lambda s: s["name"] or "")
    ]
    return competencies, rows


def comparison_groups(
    *,
    scope: ResultsScope,
    current: ResultFilter,
    current_label: str,
    cohorts: Sequence[int] = (),
    courses: Sequence[int] = (),
    years: Sequence[int] = (),
) -> list[tuple[str, ResultFilter]]:
    """The groups to compare, each a filter inside the user's scope: the picked cohorts (by start date),
    courses (by title) or years of cohort start (ascending). One pick is compared with the current
    selection, which comes first. Ids must be the scope's (the filter form checks them)."""
    allowed = None if scope.everything else [c.pk for c in scope.cohorts]
    groups: list[tuple[str, ResultFilter]] = []
    if cohorts:
        picked = sorted(
            (c for c in scope.cohorts if c.pk in cohorts), key=lambda c: (c.starts_on, c.title, c.pk)
        )
        groups = [(c.title, ResultFilter(cohort_ids=[c.pk])) for c in picked]
    elif courses:
        titles = {c.course_id: c.course.title for c in scope.cohorts if c.course_id in courses}
        groups = [
            (title, ResultFilter(cohort_ids=allowed, course_id=pk))
            for pk, title in sorted(titles.items(), key=lambda kv: (kv[1], kv[0]))
        ]
    elif years:
        groups = [
            (str(y), ResultFilter(cohort_ids=allowed, date_from=date(y, 1, 1), date_to=date(y, 12, 31)))
            for y in sorted(set(years))
        ]
    if len(groups) == 1:
        groups.insert(0, (current_label, current))
    return groups


# --- follow-up: non-respondents --------------------------------------------------------------------


@dataclass
class FollowUp:
    """What the author's non-respondents page shows about reminders."""

    count: int  # people (per cohort, for cohort surveys) of the audience who have not answered
    steps: list[followup.Step]
    current: followup.Step | None  # the step already due (None before the first, or when closed)
    to_send: followup.Step | followup.FeedbackStep | None  # what "remind now" would send
    waiting: int  # non-respondents not yet reminded at `to_send`
    is_open: bool
    names_shown: bool  # never for anonymous surveys: a count only
    by_cohort: bool  # one row per person and cohort (the list shows the cohort)


def survey_follow_up(*, survey: Survey, now=None) -> FollowUp:
    """Counts for the non-respondents page (two COUNT queries and the survey's steps)."""
    now = now or timezone.now()
    prefetch_related_objects([survey], "reminder_steps")
    to_send: followup.Step | followup.FeedbackStep | None
    waiting = 0
    if survey.kind == Survey.Kind.FEEDBACK:  # each teacher's own steps after finishing (surveys/reminders.py)
        to_send = followup.FEEDBACK_STEP if followup.is_open(survey, now) else None
        if to_send is not None:
            waiting = len(reminders.feedback_remind_now(survey=survey, now=now))
    else:
        to_send = followup.step_to_send_now(survey, now)
        if to_send is not None:
            sent = sent_records_about(kind=followup.REMINDER_KIND, obj=survey)
            waiting = followup.not_yet_reminded(survey, to_send, sent).count()
    return FollowUp(
        count=followup.non_respondents(survey).count(),
        steps=followup.survey_steps(survey),
        current=followup.current_step(survey, now),
        to_send=to_send,
        waiting=waiting,
        is_open=followup.is_open(survey, now),
        names_shown=not survey.is_anonymous,
        by_cohort=followup.by_cohort(survey),
    )


def non_respondent_list(*, survey: Survey) -> QuerySet:
    """Named surveys only: the non-respondents by school and name, with their school (and cohort title)."""
    if survey.is_anonymous:
        return followup.non_respondents(survey).none()
    people = followup.non_respondents(survey).select_related("school")
    if followup.by_cohort(survey):
        people = people.annotate(cohort_title=F("enrollments__cohort__title"))
    return people.order_by("school__name", "full_name", "pk")


def non_respondent_schools(*, survey: Survey) -> QuerySet[School]:
    """The schools of the survey's non-respondents (the page's school filter offers only these)."""
    if survey.is_anonymous:
        return School.objects.none()
    return School.objects.filter(pk__in=followup.non_respondents(survey).values("school_id")).order_by("name")
