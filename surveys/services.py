"""Writes on surveys: drafts, submitting a response, scoring profiles, copying a survey to a new version.

One file: the builder's edits, the submission, the scoring and the copy to a new version all depend on
one freeze rule (a survey with responses is frozen) and one answer validation (`clean_answers`).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role
from accounts.selectors import school_list_for_municipality, user_has_role
from core.i18n import in_language_of, language_of
from core.jobs import job_running
from core.progress import stalled_cutoff
from courses.models import Course
from notifications.reminders import ReminderRule
from notifications.selectors import sent_records_about
from notifications.services import reminder_rule_run

from . import followup, links, reminders
from .models import (
    Answer,
    Choice,
    CompetencyScore,
    Draft,
    ExportJob,
    Participation,
    PendingAnswers,
    Question,
    ReminderStep,
    Response,
    Section,
    Survey,
)

# Placement: overall score (0–100) → the course level a listener is placed at, for splitting groups.
PLACEMENT_LEVELS = [(40, Course.Level.INTRODUCTORY), (70, Course.Level.BASIC), (101, Course.Level.ADVANCED)]


class SurveyError(ValidationError):
    """A rule about surveys was broken; the message is shown to the user as is."""


def round_half_up(value: float | Decimal) -> int:
    return int(Decimal(str(value)).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def survey_is_open(survey: Survey, now=None) -> bool:
    now = now or timezone.now()
    if not survey.is_published:
        return False
    if survey.opens_at and now < survey.opens_at:
        return False
    return not (survey.closes_at and now >= survey.closes_at)


def survey_has_responses(survey: Survey) -> bool:
    return survey.participations.exists() or survey.responses.exists()


def _cohort_id(cohort) -> int | None:
    return getattr(cohort, "pk", cohort)


# --- answers ------------------------------------------------------------------------------------


def _as_int(raw) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
        return int(raw.strip())
    return None


def _is_blank(raw) -> bool:
    return raw is None or raw == "" or raw == [] or (isinstance(raw, str) and not raw.strip())


def clean_answers(*, survey: Survey, questions: list[Question], raw: dict) -> list[Answer]:
    """Turn {question_id: value} into unsaved Answer rows, or raise SurveyError listing every problem.

    Values: Likert and number → int; single choice → a choice id; multiple choice → a list of choice ids;
    free text → a string. Keys may be ints or strings ("12" or "q12").
    """
    by_id = {q.pk: q for q in questions}
    normalized: dict[int, object] = {}
    errors: list[str] = []
    for key, value in (raw or {}).items():
        qid = _as_int(str(key).removeprefix("q"))
        if qid is None or qid not in by_id:
            errors.append(_("An answer was given to a question that is not in this survey."))
            continue
        normalized[qid] = value
    answers: list[Answer] = []
    for question in questions:
        value = normalized.get(question.pk)
        label = question.text
        if _is_blank(value):
            if question.is_required:
                errors.append(_("“%(q)s”: an answer is required.") % {"q": label})
            continue
        kind = question.kind
        if kind == Question.Kind.LIKERT:
            number = _as_int(value)
            if number is None or not 1 <= number <= 5:
                errors.append(_("“%(q)s”: choose a value from 1 to 5.") % {"q": label})
                continue
            answers.append(Answer(question=question, value=number))
        elif kind == Question.Kind.NUMBER:
            number = _as_int(value)
            if number is None:
                errors.append(_("“%(q)s”: enter a whole number.") % {"q": label})
                continue
            low, high = question.min_value, question.max_value
            if (low is not None and number < low) or (high is not None and number > high):
                errors.append(
                    _("“%(q)s”: enter a number from %(low)s to %(high)s.")
                    % {"q": label, "low": "−∞" if low is None else low, "high": "∞" if high is None else high}
                )
                continue
            answers.append(Answer(question=question, value=number))
        elif kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
            values = value if isinstance(value, list | tuple) else [value]
            if kind == Question.Kind.SINGLE and len(values) != 1:
                errors.append(_("“%(q)s”: choose exactly one option.") % {"q": label})
                continue
            own = {c.pk: c for c in question.choices.all()}
            ids = [_as_int(v) for v in values]
            if any(i is None or i not in own for i in ids):
                errors.append(_("“%(q)s”: choose one of the options offered.") % {"q": label})
                continue
            for choice_id in dict.fromkeys(i for i in ids if i is not None):  # all checked above
                answers.append(Answer(question=question, choice=own[choice_id]))
        else:
            text = str(value).strip()
            if len(text) > 5000:
                errors.append(_("“%(q)s”: the answer is too long (at most 5000 characters).") % {"q": label})
                continue
            answers.append(Answer(question=question, text=text))
    if errors:
        raise SurveyError(errors)
    return answers


# --- scoring ------------------------------------------------------------------------------------


def _answer_points(question: Question, answers: list[Answer]) -> float | None:
    """0–100 for one question's answers, or None when the question does not score."""
    if question.kind == Question.Kind.LIKERT:
        return (answers[0].value - 1) * 25.0  # type: ignore[operator]  # validated: the answer has a value
    if question.kind == Question.Kind.SINGLE:
        return float(answers[0].choice.points)  # type: ignore[union-attr]  # validated: the answer has a choice
    if question.kind == Question.Kind.MULTIPLE:
        return float(min(100, sum(a.choice.points for a in answers)))  # type: ignore[union-attr,misc]  # validated: each has a choice
    if (
        question.kind == Question.Kind.NUMBER
        and question.min_value is not None
        and question.max_value is not None
    ):
        span = question.max_value - question.min_value
        return 100.0 if span == 0 else (answers[0].value - question.min_value) * 100.0 / span  # type: ignore[operator]  # validated: the answer has a value
    return None


def score_answers(answers: list[Answer]) -> tuple[dict[int, int], int | None]:
    """Weighted mean per competency (0–100, half rounded up), and the overall weighted mean.

    Unanswered optional questions do not count; a competency with no scored answer gets no score.
    """
    grouped: dict[int, list[Answer]] = {}
    questions: dict[int, Question] = {}
    for answer in answers:
        grouped.setdefault(answer.question.pk, []).append(answer)
        questions[answer.question.pk] = answer.question
    per_comp: dict[int, list[tuple[float, int]]] = {}
    overall: list[tuple[float, int]] = []
    for qid, rows in grouped.items():
        question = questions[qid]
        points = _answer_points(question, rows)
        if points is None:
            continue
        overall.append((points, question.weight))
        if question.competency_id:
            per_comp.setdefault(question.competency_id, []).append((points, question.weight))

    def mean(items):
        total = sum(w for _p, w in items)
        return round_half_up(sum(p * w for p, w in items) / total) if total else None

    return {cid: mean(items) for cid, items in per_comp.items()}, mean(overall)


def placement_level(score: int | None) -> str:
    if score is None:
        return ""
    for upper, level in PLACEMENT_LEVELS:
        if score < upper:
            return level
    return PLACEMENT_LEVELS[-1][1]


# --- drafts and submitting ----------------------------------------------------------------------


def survey_needs_cohort(survey: Survey) -> bool:
    return (
        survey.kind in (Survey.Kind.FEEDBACK, Survey.Kind.PLACEMENT)
        or survey.audience == Survey.Audience.COHORT
    )


def _check_can_respond(*, survey: Survey, user, cohort=None):
    """Open, meant for this person (and cohort), not answered yet. Returns the enrollment, if any."""
    enrollment = None
    if survey_needs_cohort(survey):
        cohort_id = _cohort_id(cohort)
        if not cohort_id or not survey.cohorts.filter(pk=cohort_id).exists():
            raise SurveyError(_("Choose the cohort this survey is about."))
        enrollment = links.enrollment_for(user=user, cohort_id=cohort_id)
        if enrollment is None:
            raise SurveyError(_("This survey is for the listeners of the cohort."))
    elif cohort is not None:
        raise SurveyError(_("This survey is not about a cohort."))
    elif survey.audience == Survey.Audience.SCHOOL and user.school_id != survey.school_id:
        raise SurveyError(_("This survey is for the teachers of another school."))
    elif (
        survey.audience == Survey.Audience.MUNICIPALITY
        and not school_list_for_municipality(municipality_id=survey.municipality_id)
        .filter(pk=user.school_id)
        .exists()
    ):
        raise SurveyError(_("This survey is for the teachers of another municipality."))
    if not survey_is_open(survey):
        if survey.closes_at and timezone.now() >= survey.closes_at:
            raise SurveyError(
                _("This survey closed on %(date)s; responses are no longer accepted.")
                % {"date": timezone.localtime(survey.closes_at).strftime("%d.%m.%Y")}
            )
        raise SurveyError(_("This survey is not open for responses."))
    if Participation.objects.filter(survey=survey, user=user, cohort_id=_cohort_id(cohort)).exists():  # type: ignore[misc]  # cohort_id=None is IS NULL (a nullable FK); the plugin refuses None
        raise SurveyError(_("You have already responded to this survey."))
    return enrollment


@transaction.atomic
def draft_save(*, survey: Survey, user, data: dict, page: int = 1, cohort=None) -> Draft:
    """Autosave: keeps the unfinished answers with the person until they submit (then it is deleted).

    Merges into what was saved before, so each page of the form adds its own answers.
    """
    _check_can_respond(survey=survey, user=user, cohort=cohort)
    if survey.is_anonymous:
        raise SurveyError(
            _("Answers to an anonymous survey are not saved on the server before you submit them.")
        )
    question_ids = {str(pk) for pk in survey.questions.values_list("pk", flat=True)}
    clean = {
        str(k).removeprefix("q"): v
        for k, v in (data or {}).items()
        if str(k).removeprefix("q") in question_ids
    }
    draft = (
        Draft.objects.select_for_update()
        .filter(survey=survey, user=user, cohort_id=_cohort_id(cohort))  # type: ignore[misc]  # cohort_id=None is IS NULL (a nullable FK); the plugin refuses None
        .first()
    )
    if draft is None:
        draft = Draft(survey=survey, user=user, cohort_id=_cohort_id(cohort))
    draft.data = {**draft.data, **clean}
    draft.page = max(1, int(page))
    draft.save()
    return draft


def survey_questions(survey: Survey) -> list[Question]:
    return list(
        Question.objects.filter(section__survey=survey)
        .select_related("section", "competency")
        .prefetch_related("choices")
        .order_by("section__position", "section_id", "position", "id")
    )


@dataclass
class SubmitResult:
    participation: Participation
    response: Response | None  # None for an anonymous survey: its answers wait to be released K at a time
    scores: dict[int, int]
    level: str


@transaction.atomic
def response_submit(*, survey: Survey, user, answers: dict, cohort=None) -> SubmitResult:
    """One response per person per survey (DB constraint); all answers valid or nothing is stored.

    Anonymous surveys store the response with no respondent and no time, apart from the participation,
    so reminders reach only non-respondents and no answer can be joined back to a person.
    """
    enrollment = _check_can_respond(survey=survey, user=user, cohort=cohort)
    cohort_id = _cohort_id(cohort)
    school_id = response_cell_school(survey=survey, user=user, cohort_id=cohort_id)
    questions = survey_questions(survey)
    rows = clean_answers(survey=survey, questions=questions, raw=answers)
    now = timezone.now()
    try:
        with transaction.atomic():
            participation = Participation.objects.create(
                survey=survey, user=user, cohort_id=cohort_id, submitted_on=timezone.localdate(now)
            )
    except IntegrityError as exc:
        raise SurveyError(_("You have already responded to this survey.")) from exc
    if survey.is_anonymous:
        response = None
        _anonymous_hold(survey=survey, cohort_id=cohort_id, school_id=school_id, rows=rows)
    else:
        response = Response.objects.create(
            survey=survey, cohort_id=cohort_id, school_id=school_id, respondent=user, submitted_at=now
        )
        for row in rows:
            row.response = response
        Answer.objects.bulk_create(rows)
    scores, overall = score_answers(rows)
    level = ""
    if survey.kind == Survey.Kind.DIAGNOSTIC and scores:
        CompetencyScore.objects.bulk_create(
            CompetencyScore(
                response=response,
                user=user,
                competency_id=cid,
                score=score,
                is_deficit=score < survey.deficit_threshold,
                measured_at=now,
            )
            for cid, score in scores.items()
        )
    if survey.kind == Survey.Kind.PLACEMENT:
        level = placement_level(overall)
        participation.level = level
        participation.save(update_fields=["level"])
        if enrollment is not None:
            links.record_placement(enrollment=enrollment, score=overall, level=level)
    if survey.kind == Survey.Kind.FEEDBACK and enrollment is not None:
        links.record_feedback(enrollment=enrollment)
    Draft.objects.filter(survey=survey, user=user, cohort_id=cohort_id).delete()  # type: ignore[misc]  # cohort_id=None is IS NULL (a nullable FK); the plugin refuses None
    return SubmitResult(participation=participation, response=response, scores=scores, level=level)


def response_cell_school(*, survey: Survey, user, cohort_id) -> int | None:
    """The school key of a response's cell: the respondent's school at submission, for a survey without
    cohorts (a cohort is the cell otherwise). Someone with no school answers into the survey-wide cell."""
    if cohort_id is not None or survey_needs_cohort(survey):
        return None
    return user.school_id


def _anonymous_hold(*, survey: Survey, cohort_id, school_id=None, rows: list[Answer]) -> None:
    """Hold an anonymous response with its cell's others; release the cell's batch once K are held.

    The held items are reshuffled on every write and released together in random order with random keys,
    so the released rows share one insertion transaction and an order that follows no one's submission:
    what one participation can be joined to is its whole batch of K (surveys/README.md, "Anonymity").
    """
    item = [
        {"q": a.question.pk, "v": a.value, "c": a.choice.pk if a.choice else None, "t": a.text} for a in rows
    ]
    pending, _created = PendingAnswers.objects.select_for_update().get_or_create(
        survey=survey, cohort_id=cohort_id, school_id=school_id
    )
    items = [*pending.items, item]
    shuffle = secrets.SystemRandom().shuffle
    shuffle(items)
    if len(items) >= settings.SURVEYS_ANONYMITY_K:
        responses = [Response(survey=survey, cohort_id=cohort_id, school_id=school_id) for _ in items]
        Response.objects.bulk_create(responses)
        Answer.objects.bulk_create(
            Answer(response=response, question_id=a["q"], value=a["v"], choice_id=a["c"], text=a["t"])
            for response, held in zip(responses, items, strict=True)
            for a in held
        )
        items = []
    pending.items = items
    pending.save(update_fields=["items"])


# --- builder --------------------------------------------------------------------------------------
# Every change to a survey's structure (sections, questions, options) goes through these functions, from the
# admin, the demo and tests alike: only the survey's authors (and superusers) change it, and once it has
# responses nothing is added, removed, reordered or re-scored — the author makes a new version instead.

# Fields whose change alters what the answers already given mean (a typo fix in a text does not).
STRUCTURAL_FIELDS = {
    Section: ("survey_id", "position"),
    Question: (
        "section_id",
        "kind",
        "position",
        "is_required",
        "competency_id",
        "weight",
        "min_value",
        "max_value",
    ),
    Choice: ("question_id", "position", "points"),
}


def survey_user_can_edit(*, user, survey: Survey) -> bool:
    """Superusers edit every survey; anyone else only the surveys they author."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return survey.pk is not None and survey.authors.filter(pk=user.pk).exists()


def survey_school_of_author(user) -> int | None:
    """None when the user may address a survey to anyone (superusers, methodologists); a school administrator's
    school id when they may run surveys for their own school only. SurveyError for anyone else."""
    if user.is_superuser or user_has_role(user, Role.METHODOLOGIST):
        return None
    if user_has_role(user, Role.SCHOOL_ADMIN) and user.school_id:
        return user.school_id
    raise SurveyError(_("Only methodologists and school administrators run surveys."), code="not_author")


def survey_check(*, user, survey: Survey, cohorts=None) -> None:
    """Raise SurveyError unless `user` may save these settings (see `survey_save`)."""
    if survey.pk is not None:
        if not survey_user_can_edit(user=user, survey=survey):
            raise SurveyError(_("You can change only the surveys you author."), code="not_author")
    own_school = survey_school_of_author(user)
    if own_school is not None:
        if survey.audience != Survey.Audience.SCHOOL or survey.school_id != own_school:
            raise SurveyError(
                _("You can run surveys only for the teachers of your own school."), code="not_own_school"
            )
        if survey.course_id is not None or survey.kind in (Survey.Kind.FEEDBACK, Survey.Kind.PLACEMENT):
            raise SurveyError(
                _("A school's survey is not about a course: course feedback and placement are for cohorts."),
                code="not_own_school",
            )
        has_cohorts = bool(cohorts) if cohorts is not None else survey.pk and survey.cohorts.exists()
        if has_cohorts:
            raise SurveyError(_("A school's survey is not about cohorts."), code="not_own_school")


@transaction.atomic
def survey_save(*, user, survey: Survey) -> Survey:
    """Create or change a survey's settings. Only its authors change it (the creator becomes one). A school
    administrator runs surveys for their own school only: the audience is their school, with no course or
    cohorts, and so never a course-feedback or placement survey (those are about cohorts)."""
    if survey.pk is not None:
        Survey.objects.select_for_update().filter(pk=survey.pk).first()
    survey_check(user=user, survey=survey)
    creating = survey.pk is None
    survey.full_clean(validate_unique=False, exclude=["authors", "cohorts"])
    survey.save()
    if creating and not user.is_superuser:
        survey.authors.add(user)
    return survey


def _survey_of(obj) -> Survey:
    if isinstance(obj, Section):
        return obj.survey
    if isinstance(obj, Question):
        return obj.section.survey
    return obj.question.section.survey


def _frozen_error(survey: Survey) -> SurveyError:
    return SurveyError(
        _(
            "“%(title)s” already has responses: its sections, questions and options can no longer be added, "
            "removed, reordered or re-scored. Make a new version of the survey and change that one."
        )
        % {"title": survey.title},
        code="survey_frozen",
    )


def _structure_check(*, user, obj, deleting: bool = False) -> None:
    """Raise SurveyError unless `user` may make this change (author; structure not frozen by responses)."""
    surveys = [_survey_of(obj)]
    structural = deleting or obj.pk is None
    if obj.pk is not None and not deleting:
        model = type(obj)
        fields = STRUCTURAL_FIELDS[model]
        before = model.objects.filter(pk=obj.pk).values(*fields).first()
        if before is None:
            structural = True
        else:
            changed = [f for f in fields if before[f] != getattr(obj, f)]
            structural = bool(changed)
            if isinstance(obj, Question) and "section_id" in changed:
                surveys.append(Section.objects.select_related("survey").get(pk=before["section_id"]).survey)
    for survey in surveys:
        if survey.pk is None:
            continue  # a survey being created with its first sections: nothing answered, its creator authors it
        if user is not None and not survey_user_can_edit(user=user, survey=survey):
            raise SurveyError(_("You can change only the surveys you author."), code="not_author")
        if structural and survey_has_responses(survey):
            raise _frozen_error(survey)


def section_check(*, user, section: Section, deleting: bool = False) -> None:
    _structure_check(user=user, obj=section, deleting=deleting)


def question_check(*, user, question: Question, deleting: bool = False) -> None:
    _structure_check(user=user, obj=question, deleting=deleting)


def choice_check(*, user, choice: Choice, deleting: bool = False) -> None:
    _structure_check(user=user, obj=choice, deleting=deleting)


def _structure_save(*, user, obj):
    with transaction.atomic():
        Survey.objects.select_for_update().filter(
            pk=_survey_of(obj).pk
        ).first()  # one builder write at a time
        _structure_check(user=user, obj=obj)
        obj.full_clean(validate_unique=False, validate_constraints=False)
        obj.save()
    return obj


def _structure_delete(*, user, obj) -> None:
    with transaction.atomic():
        Survey.objects.select_for_update().filter(pk=_survey_of(obj).pk).first()
        _structure_check(user=user, obj=obj, deleting=True)
        obj.delete()


def section_save(*, user, section: Section) -> Section:
    """Add or change a section: author only; on a survey with responses only its title and description."""
    return _structure_save(user=user, obj=section)


def section_delete(*, user, section: Section) -> None:
    """Remove a section with its questions: author only, never once the survey has responses."""
    _structure_delete(user=user, obj=section)


def question_save(*, user, question: Question) -> Question:
    """Add or change a question: author only; on a survey with responses only its wording and labels."""
    return _structure_save(user=user, obj=question)


def question_delete(*, user, question: Question) -> None:
    _structure_delete(user=user, obj=question)


def choice_save(*, user, choice: Choice) -> Choice:
    """Add or change an option: author only; on a survey with responses only its wording."""
    return _structure_save(user=user, obj=choice)


def choice_delete(*, user, choice: Choice) -> None:
    _structure_delete(user=user, obj=choice)


def survey_publish_problems(survey: Survey) -> list[str]:
    """What must be fixed before the survey can go live, in the order the author meets it."""
    problems: list[str] = []
    sections = list(survey.sections.order_by("position", "id").prefetch_related("questions__choices"))
    questions = [q for section in sections for q in section.questions.all()]
    if not questions:
        problems.append(_("The survey has no questions: add at least one."))
    for section in sections:
        if not section.questions.all():
            problems.append(
                _("Section “%(title)s” has no questions: add questions or delete the section.")
                % {"title": section.title}
            )
    for question in questions:
        if question.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE) and not question.choices.all():
            problems.append(
                _("“%(q)s” is a choice question without options: add its options.") % {"q": question.text}
            )
    return problems


@transaction.atomic
def survey_publish(*, user, survey: Survey) -> Survey:
    """A survey goes live only when it can be completed: questions, no empty section, options for choices."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if not survey_user_can_edit(user=user, survey=survey):
        raise SurveyError(_("You can change only the surveys you author."), code="not_author")
    problems = survey_publish_problems(survey)
    if problems:
        raise SurveyError(problems, code="not_publishable")
    if not survey.is_published:
        survey.is_published = True
        survey.save(update_fields=["is_published"])
    return survey


@transaction.atomic
def survey_unpublish(*, user, survey: Survey) -> Survey:
    """Take a survey off the lists; responses already given stay."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if not survey_user_can_edit(user=user, survey=survey):
        raise SurveyError(_("You can change only the surveys you author."), code="not_author")
    if survey.is_published:
        survey.is_published = False
        survey.save(update_fields=["is_published"])
    return survey


@transaction.atomic
def survey_copy_as_new_version(*, survey: Survey, user=None) -> Survey:
    """A survey with responses keeps its questions; changes go into a copy (unpublished, version + 1).

    The one who makes the copy becomes one of its authors (as with courses' new versions).
    """
    if user is not None and not survey_user_can_edit(user=user, survey=survey):
        raise SurveyError(_("You can change only the surveys you author."), code="not_author")
    sections = list(survey.sections.prefetch_related("questions__choices").order_by("position", "id"))
    authors = list(survey.authors.all())
    copy = Survey.objects.get(pk=survey.pk)
    copy.pk = None
    copy.id = None
    copy._state.adding = True
    copy.version = (
        max(
            [
                survey.version,
                *Survey.objects.filter(previous_version=survey).values_list("version", flat=True),
            ]
        )
        + 1
    )
    copy.previous_version = survey
    copy.is_published = False
    copy.save()
    copy.authors.set(authors)
    if user is not None and not user.is_superuser:
        copy.authors.add(user)
    copy.cohorts.set(survey.cohorts.all())
    ReminderStep.objects.bulk_create(
        ReminderStep(survey=copy, anchor=step.anchor, days=step.days) for step in survey.reminder_steps.all()
    )
    for section in sections:
        new_section = Section.objects.create(
            survey=copy, title=section.title, description=section.description, position=section.position
        )
        for question in section.questions.all():
            choices = list(question.choices.all())
            question.pk = None
            question.id = None
            question._state.adding = True
            question.section = new_section
            question.save()
            Choice.objects.bulk_create(
                Choice(question=question, text=c.text, position=c.position, points=c.points) for c in choices
            )
    return copy


# --- follow-up: reminder steps and "remind now" -----------------------------------------------------


def reminder_step_save(*, user, reminder_step: ReminderStep) -> ReminderStep:
    """Only the survey's authors set its reminder steps; unlike its questions they stay editable once it has
    responses (when to remind is not what was asked). The range and uniqueness are DB constraints."""
    if not survey_user_can_edit(user=user, survey=reminder_step.survey):
        raise SurveyError(_("You can change only the surveys you author."), code="not_author")
    reminder_step.save()
    return reminder_step


def reminder_step_delete(*, user, reminder_step: ReminderStep) -> None:
    if not survey_user_can_edit(user=user, survey=reminder_step.survey):
        raise SurveyError(_("You can change only the surveys you author."), code="not_author")
    reminder_step.delete()


# --- follow-up: remind non-respondents now ----------------------------------------------------------


@dataclass
class RemindNow:
    step: followup.Step | followup.FeedbackStep
    queued: int  # people about to be reminded (0: everyone not answering was already reminded at this step)


def survey_remind_now(*, user, survey: Survey, now=None) -> RemindNow:
    """The author's "Remind non-respondents now": the current step (before the first, the next one early) to
    every non-respondent not yet reminded at it. A step reaches a person once, whoever sends it (the sweep,
    a second click, two authors at once): the once-only record decides. Nothing after the close date."""
    now = now or timezone.now()
    if not survey_user_can_edit(user=user, survey=survey):
        raise SurveyError(_("Only the survey's authors can remind its non-respondents."), code="not_author")
    prefetch_related_objects([survey], "reminder_steps")
    if not followup.is_open(survey, now):
        raise SurveyError(_("The survey is not open: reminders go out only while it is."), code="closed")
    if survey.kind == Survey.Kind.FEEDBACK:
        waiting = len(reminders.feedback_remind_now(survey=survey, now=now))
        if waiting:
            from . import tasks  # tasks imports this module

            transaction.on_commit(lambda: tasks.remind_now.delay(survey.pk, followup.FEEDBACK_STEP.key))
        return RemindNow(step=followup.FEEDBACK_STEP, queued=waiting)
    step = followup.step_to_send_now(survey, now)
    if step is None:
        raise SurveyError(_("No reminder step is left before the survey closes."), code="no_step")
    waiting = followup.not_yet_reminded(
        survey, step, sent_records_about(kind=followup.REMINDER_KIND, obj=survey)
    ).count()
    if waiting:
        from . import tasks  # tasks imports this module

        transaction.on_commit(lambda: tasks.remind_now.delay(survey.pk, step.key))
    return RemindNow(step=step, queued=waiting)


def survey_remind_now_run(*, survey_id: int, step_key: str, now=None) -> int:
    """The worker's half of "remind now": send the step if the survey is still open and the step is still
    the one to send (a click just before the close date sends nothing after it). Returns how many were sent."""
    now = now or timezone.now()
    survey = Survey.objects.filter(pk=survey_id).prefetch_related("reminder_steps").first()
    if survey is None:
        return 0
    if survey.kind == Survey.Kind.FEEDBACK:
        if step_key != followup.FEEDBACK_STEP.key or not followup.is_open(survey, now):
            return 0
        feedback = ReminderRule(
            lambda _now: reminders.feedback_remind_now(survey=survey, now=_now), "feedback_reminder"
        )
        return reminder_rule_run(rule=feedback, now=now)
    step = followup.step_to_send_now(survey, now)
    if step is None or step.key != step_key:
        return 0
    rule = ReminderRule(
        lambda _now: reminders.step_reminders(survey=survey, step=step), followup.REMINDER_KIND
    )
    return reminder_rule_run(rule=rule, now=now)


# --- large exports --------------------------------------------------------------------------------

EXPORT_PROGRESS_EVERY = 5000


def export_job_start(*, user, survey: Survey, flt, what: str = "raw", fmt: str = "xlsx"):
    """Queue a large export for a worker (after commit); the caller shows its progress page."""
    from . import selectors, tasks  # both import this module

    if what not in ("raw", "distribution") or fmt not in ("csv", "xlsx"):
        raise SurveyError(_("Unknown export."))
    job = ExportJob.objects.create(
        survey=survey,
        requested_by=user,
        what=what,
        fmt=fmt,
        params=flt.to_params(),
        total=selectors.visible_answers(survey=survey, flt=flt).count(),
    )
    transaction.on_commit(lambda: tasks.export_run.delay(str(job.pk)))
    return job


def _export_failed_text(user) -> str:
    """What the requester reads on the job's page, in their language (stored with the job)."""
    from django.utils import translation

    with translation.override(language_of(user)):
        return str(_("The export failed. Please try again or ask the administrator."))


def export_job_run(*, job_id) -> None:
    """Build the file; idempotent (a finished job is left alone, a re-delivered one is rebuilt)."""
    import tempfile

    from django.core.files import File
    from django.db.models import F

    from . import exports  # exports imports selectors, which import this module
    from .selectors import ResultFilter  # selectors import this module

    job = ExportJob.objects.select_related("survey", "requested_by").filter(pk=job_id).first()
    if job is None or job.state == ExportJob.State.DONE:
        return
    ExportJob.objects.filter(pk=job.pk).update(**job_running(), done=0)
    flt = ResultFilter.from_params(job.params)

    def progress(rows):
        for count, row in enumerate(rows, start=1):
            if count % EXPORT_PROGRESS_EVERY == 0:
                ExportJob.objects.filter(pk=job.pk).update(
                    done=F("done") + EXPORT_PROGRESS_EVERY, progressed_at=timezone.now()
                )
            yield row

    try:
        rows = progress(exports.raw_rows(job.survey, flt))
        # The header and sheet name in the requester's language, whichever worker builds the file.
        with tempfile.TemporaryFile() as handle, in_language_of(job.requested_by):
            exports.write_file(rows, handle, fmt=job.fmt, title=job.what)
            handle.seek(0)
            job.file.save(f"survey-{job.survey_id}-{job.what}-{job.pk}.{job.fmt}", File(handle), save=False)
    except Exception:
        ExportJob.objects.filter(pk=job.pk).update(
            state=ExportJob.State.FAILED,
            error=_export_failed_text(job.requested_by),
            finished_at=timezone.now(),
        )
        raise
    # Two runs of one job (a redelivery, or the sweep resuming a slow one): the first to finish wins; the
    # other removes its own file, so none is left behind.
    finished = ExportJob.objects.filter(
        pk=job.pk, state__in=[ExportJob.State.QUEUED, ExportJob.State.RUNNING]
    ).update(file=job.file.name, state=ExportJob.State.DONE, done=F("total"), finished_at=timezone.now())
    if not finished:
        job.file.delete(save=False)


EXPORT_RESUME_WITHIN_HOURS = 24


def export_jobs_resume(*, now=None, limit: int = 50) -> list:
    """The sweep: a waiting or running export with no progress (and not resumed) for PDP_STALLED_AFTER is
    queued again (rebuilt whole; the first run to finish wins). One asked for more than a day ago is
    marked failed instead (its page says to try again)."""
    from datetime import timedelta
    from functools import partial

    from django.db.models import F, Q

    from . import tasks  # tasks imports this module

    now = now or timezone.now()
    cutoff = stalled_cutoff(now)
    stalled = Q(state__in=[ExportJob.State.QUEUED, ExportJob.State.RUNNING], progressed_at__lt=cutoff) & (
        Q(resumed_at__isnull=True) | Q(resumed_at__lt=cutoff)
    )
    resumed = []
    for pk in (
        ExportJob.objects.filter(stalled).order_by("progressed_at").values_list("pk", flat=True)[:limit]
    ):
        with transaction.atomic():
            job = ExportJob.objects.select_for_update(skip_locked=True).filter(stalled, pk=pk).first()
            if job is None:
                continue
            if job.created_at < now - timedelta(hours=EXPORT_RESUME_WITHIN_HOURS):
                job.state, job.finished_at = ExportJob.State.FAILED, now
                job.error = _export_failed_text(job.requested_by)
                job.save(update_fields=["state", "error", "finished_at"])
                continue
            job.resumed_at = now
            job.resumed_count = F("resumed_count") + 1
            job.save(update_fields=["resumed_at", "resumed_count"])
            transaction.on_commit(partial(tasks.export_run.delay, str(pk)))
            resumed.append(pk)
    return resumed
