"""Reads in mentoring, always scoped to the acting user, with eager loading done here once.

One file: every read is scoped by the same rules at the top (`_admin_scope_q`, `pairs_visible_to`,
`plans_visible_to`), which the pages, the cabinet and the reports all reuse.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, TypedDict

from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from accounts.models import School, User
from accounts.roles import Role
from accounts.selectors import schools_visible_to, user_has_role, user_role_codes
from cohorts import selectors as cohort_selectors
from cohorts.models import Cohort
from courses.models import Competency
from surveys import selectors as survey_selectors

from .models import (
    DEFAULT_MENTOR_CAPACITY,
    FEEDBACK_MIN_PAIRS,
    LIKERT_ITEMS,
    MENTOR_MIN_EXPERIENCE,
    OPEN_STATES,
    DevelopmentPlan,
    Feedback,
    GoalState,
    Meeting,
    MeetingStatus,
    MentoringPair,
    MentorProfile,
    PairGoal,
    PairState,
    PlanGoal,
    PlanState,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

# --- pairs --------------------------------------------------------------------------------------


def _admin_scope_q(user, prefix: str) -> Q | None:
    """Rows whose teacher (at `prefix`) is in a school the user administers; None when they administer none."""
    roles = user_role_codes(user)
    if Role.MUNICIPAL_ADMIN in roles and user.municipality_id:
        return Q(**{f"{prefix}__school__municipality_id": user.municipality_id})
    if Role.SCHOOL_ADMIN in roles and user.school_id:
        return Q(**{f"{prefix}__school_id": user.school_id})
    return None


def pairs_visible_to(user) -> QuerySet[MentoringPair]:
    """The pair itself, the school admin of the mentee's school and the municipal admin (read-only)."""
    qs = MentoringPair.objects.select_related("mentor__school", "mentee__school")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if user.is_superuser:
        return qs
    condition = Q(mentor=user) | Q(mentee=user)
    scope = _admin_scope_q(user, "mentee")
    if scope is not None:
        condition |= scope
    return qs.filter(condition)


def pairs_of_member(user) -> QuerySet[MentoringPair]:
    """The pairs the user is the mentor or the mentee of: the scope of every private item."""
    if not getattr(user, "is_authenticated", False):
        return MentoringPair.objects.none()
    return MentoringPair.objects.filter(Q(mentor=user) | Q(mentee=user))


def pair_get_for(*, user, pair_id) -> MentoringPair:
    """Raises MentoringPair.DoesNotExist (→ 404) for a pair the user may not see."""
    return pairs_visible_to(user).get(pk=pair_id)


def with_meeting_counts(qs: QuerySet[MentoringPair]) -> QuerySet[MentoringPair]:
    """meetings_held / meetings_planned per pair, as subqueries (what administrators may see of meetings)."""

    def count(status):
        return Coalesce(
            Subquery(
                Meeting.objects.filter(pair=OuterRef("pk"), status=status)
                .order_by()
                .values("pair")
                .annotate(n=Count("pk"))
                .values("n"),
                output_field=IntegerField(),
            ),
            0,
        )

    return qs.annotate(meetings_held=count(MeetingStatus.HELD), meetings_planned=count(MeetingStatus.PLANNED))


def pair_access(user, pair: MentoringPair) -> dict[str, bool]:
    """What the user may do on a pair they can see."""
    member = user.pk in (pair.mentor_id, pair.mentee_id)
    school_admin = user.is_superuser or (
        user_has_role(user, Role.SCHOOL_ADMIN)
        and user.school_id is not None
        and user.school_id == pair.mentee.school_id
    )
    return {
        "member": member,
        "is_mentor": user.pk == pair.mentor_id,
        "is_mentee": user.pk == pair.mentee_id,
        "manage": school_admin,
        "write": member and pair.state == PairState.ACTIVE,
        "can_accept": pair.state == PairState.PROPOSED
        and (
            (user.pk == pair.mentor_id and pair.mentor_accepted_at is None)
            or (user.pk == pair.mentee_id and pair.mentee_accepted_at is None)
        ),
        "can_stop": pair.state in OPEN_STATES and (member or school_admin),
        "can_complete": pair.state == PairState.ACTIVE and (user.pk == pair.mentor_id or school_admin),
        "can_message": member and pair.state in OPEN_STATES,
    }


def pair_list_for(*, user) -> QuerySet[MentoringPair]:
    """The pairs the user may see, proposed first (the state filter: mentoring/filters.py)."""
    return pairs_visible_to(user).order_by(
        Case(When(state=PairState.PROPOSED, then=0), When(state=PairState.ACTIVE, then=1), default=2),
        "-created_at",
        "-id",
    )


def pair_workspace(pair: MentoringPair, *, user) -> dict:
    """Everything the workspace page shows, in a fixed number of queries.

    Messages, meeting notes and the mentee's feedback are the pair's alone: anyone else who may see
    the pair (its school's and municipality's administrators) gets the goals' titles and states,
    the meeting counts (held / planned) and only the feedback entries the mentee shared."""
    member = user.pk in (pair.mentor_id, pair.mentee_id)
    counts = pair.meetings.order_by().aggregate(
        held=Count("pk", filter=Q(status=MeetingStatus.HELD)),
        planned=Count("pk", filter=Q(status=MeetingStatus.PLANNED)),
    )
    feedback = pair.feedback.order_by("-period")
    if not member:
        feedback = feedback.filter(shared_with_school=True)
    return {
        "goals": list(pair.goals.select_related("competency").order_by("due_date", "id")),
        "meetings": list(pair.meetings.select_related("logged_by").order_by("-date", "-id")[:100])
        if member
        else [],
        "meeting_counts": counts,
        "pair_messages": list(pair.messages.select_related("author").order_by("-created_at", "-id")[:100])[
            ::-1
        ]
        if member
        else [],
        "feedback": [_with_scores(f) for f in feedback],
        "focus": list(pair.focus_competencies.all()),
    }


def _with_scores(feedback: Feedback) -> Feedback:
    feedback.scores = [(label, getattr(feedback, name)) for name, label in LIKERT_ITEMS]
    return feedback


def competency_choices() -> QuerySet[Competency]:
    return Competency.objects.select_related("area").order_by("code")


# --- matching ----------------------------------------------------------------------------------


def _open_pairs_as_mentor():
    return (
        MentoringPair.objects.filter(mentor=OuterRef("pk"), state__in=OPEN_STATES)
        .order_by()
        .values("mentor")
        .annotate(n=Count("pk"))
        .values("n")
    )


def young_teachers_without_mentor(*, user) -> QuerySet[User]:
    """Young teachers (< 3 years) of the schools the user administers who have no open pair as mentee."""
    schools = schools_visible_to(user)
    return (
        User.objects.filter(
            is_active=True,
            groups__name=Role.TEACHER,
            school__in=schools,
            years_of_experience__lt=3,
        )
        .exclude(Exists(MentoringPair.objects.filter(mentee=OuterRef("pk"), state__in=OPEN_STATES)))
        .select_related("school")
        .prefetch_related("subjects")
        .order_by("school__name", "full_name", "pk")
        .distinct()
    )


def young_teacher_get_for(*, user, mentee_id) -> User:
    return young_teachers_without_mentor(user=user).get(pk=mentee_id)


SUGGESTIONS_PAGE = 5  # the suggestions page shows the best five, then five more per "show more"


def _matches(mentee_values: list[int], *, profile_through, profile_field: str, user_through, user_field: str):
    """True when the mentor's profile lists one of the mentee's values, or, when the profile lists none,
    the mentor's own profile in accounts does (the teacher's subjects / school levels)."""
    profile_any = Exists(profile_through.objects.filter(mentorprofile__user_id=OuterRef("pk")))
    profile_hit = Exists(
        profile_through.objects.filter(
            mentorprofile__user_id=OuterRef("pk"), **{f"{profile_field}__in": mentee_values}
        )
    )
    user_hit = Exists(
        user_through.objects.filter(user_id=OuterRef("pk"), **{f"{user_field}__in": mentee_values})
    )
    return Case(
        When(profile_any, then=profile_hit),
        default=user_hit,
        output_field=BooleanField(),
    )


def mentor_suggestions(*, mentee: User, include_former: bool = False) -> QuerySet[User]:
    """Ranked mentors for a mentee, computed in one query, each row carrying the reasons of its rank.

    Candidates: active teachers of the mentee's municipality with at least MENTOR_MIN_EXPERIENCE years,
    below capacity, not the mentee, not unwilling (a profile with willing = False), not already in an
    open pair with the mentee and, unless `include_former`, not a mentor of a stopped pair with them.
    Score: same subject 4 + same school 2 + same school level 1 (subjects and levels from the mentor
    profile, else the teacher's own); then more free places, then more experience.
    Annotated for the badges: same_subject, same_level, same_school, same_municipality, willing
    (True / None = has not said), current_mentees, mentor_capacity, free_places, former_mentor, score.
    The caller filters (mentoring/filters.py: SuggestionFilterSet) and slices.
    """
    if mentee.municipality_id is None:
        return User.objects.none()
    subject_ids = [s.pk for s in mentee.subjects.all()]
    level_ids = [lv.pk for lv in mentee.school_levels.all()]
    same_subject = _matches(
        subject_ids,
        profile_through=MentorProfile.subjects.through,
        profile_field="subject_id",
        user_through=User.subjects.through,
        user_field="subject_id",
    )
    same_level = _matches(
        level_ids,
        profile_through=MentorProfile.levels.through,
        profile_field="level_id",
        user_through=User.school_levels.through,
        user_field="level_id",
    )
    stopped_with_mentee = Exists(
        MentoringPair.objects.filter(mentor=OuterRef("pk"), mentee=mentee, state=PairState.STOPPED)
    )
    qs = (
        User.objects.filter(
            is_active=True,
            groups__name=Role.TEACHER,
            municipality_id=mentee.municipality_id,
            years_of_experience__gte=MENTOR_MIN_EXPERIENCE,
        )
        .exclude(pk=mentee.pk)
        .exclude(mentor_profile__willing=False)
        .exclude(
            Exists(MentoringPair.objects.filter(mentor=OuterRef("pk"), mentee=mentee, state__in=OPEN_STATES))
        )
        .annotate(
            same_subject=same_subject,
            same_level=same_level,
            same_school=Case(
                When(school_id=mentee.school_id, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            same_municipality=Value(True, output_field=BooleanField()),
            willing=F("mentor_profile__willing"),
            former_mentor=stopped_with_mentee,
            current_mentees=Coalesce(Subquery(_open_pairs_as_mentor(), output_field=IntegerField()), 0),
            mentor_capacity=Coalesce(F("mentor_profile__capacity"), Value(DEFAULT_MENTOR_CAPACITY)),
        )
        .annotate(free_places=F("mentor_capacity") - F("current_mentees"))
        .filter(free_places__gt=0)
        .annotate(
            score=Case(When(same_subject=True, then=Value(4)), default=Value(0), output_field=IntegerField())
            + Case(When(same_school=True, then=Value(2)), default=Value(0), output_field=IntegerField())
            + Case(When(same_level=True, then=Value(1)), default=Value(0), output_field=IntegerField())
        )
    )
    if not include_former:
        qs = qs.exclude(stopped_with_mentee)
    return (
        qs.select_related("school", "mentor_profile")
        .prefetch_related("subjects", "mentor_profile__subjects", "mentor_profile__levels")
        .order_by("-score", "-free_places", "-years_of_experience", "full_name", "pk")
        .distinct()
    )


def suggestion_schools(*, mentee: User) -> QuerySet[School]:
    """The schools a suggestion may come from (the filter's choices): the mentee's municipality."""
    if mentee.municipality_id is None:
        return School.objects.none()
    return School.objects.filter(municipality_id=mentee.municipality_id).order_by("name", "pk")


def mentor_profile_of(user) -> MentorProfile | None:
    return MentorProfile.objects.filter(user=user).prefetch_related("subjects", "levels").first()


def mentors_of_school(*, user) -> QuerySet[User]:
    """Experienced teachers of the schools the user administers, with their load, capacity and opt-in
    (`willing`: True, False, or None when they have not said)."""
    capacity = Subquery(MentorProfile.objects.filter(user=OuterRef("pk")).values("capacity")[:1])
    return (
        User.objects.filter(
            is_active=True,
            groups__name=Role.TEACHER,
            school__in=schools_visible_to(user),
            years_of_experience__gte=MENTOR_MIN_EXPERIENCE,
        )
        .annotate(
            current_mentees=Coalesce(Subquery(_open_pairs_as_mentor(), output_field=IntegerField()), 0),
            mentor_capacity=Coalesce(capacity, Value(DEFAULT_MENTOR_CAPACITY)),
            willing=F("mentor_profile__willing"),
        )
        .select_related("school")
        .order_by("school__name", "full_name", "pk")
        .distinct()
    )


def pairs_due_feedback(
    *, today: dt.date | None = None, pair_ids: list[int] | None = None
) -> list[MentoringPair]:
    """Active pairs whose mentee owes feedback for the current period (batched, in SQL where it can)."""
    from .services import feedback_period  # services import this module

    today = today or timezone.localdate()
    qs = MentoringPair.objects.filter(state=PairState.ACTIVE, start_date__isnull=False, start_date__lte=today)
    if pair_ids is not None:
        qs = qs.filter(pk__in=pair_ids)
    due: list[MentoringPair] = []
    batch: list[tuple[MentoringPair, int]] = []

    def flush():
        if not batch:
            return
        done = set(
            Feedback.objects.filter(pair_id__in=[p.pk for p, _n in batch]).values_list("pair_id", "period")
        )
        due.extend(p for p, n in batch if (p.pk, n) not in done)
        batch.clear()

    for pair in qs.select_related("mentor", "mentee").order_by("pk").iterator(chunk_size=500):
        period = feedback_period(pair, today)
        if period is not None:
            batch.append((pair, period))
        if len(batch) >= 500:
            flush()
    flush()
    return due


# --- development plans ------------------------------------------------------------------------


def plans_visible_to(user) -> QuerySet[DevelopmentPlan]:
    """A teacher's own plans; the school admin sees their school's, the municipal admin the municipality's."""
    qs = DevelopmentPlan.objects.select_related("teacher__school", "competency")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if user.is_superuser:
        return qs
    condition = Q(teacher=user)
    scope = _admin_scope_q(user, "teacher")
    if scope is not None:
        condition |= scope
    return qs.filter(condition)


def plan_list_for(*, user) -> QuerySet[DevelopmentPlan]:
    return (
        plans_visible_to(user)
        .annotate(
            goals_total=Count("goals", distinct=True),
            goals_done=Count("goals", filter=Q(goals__state=GoalState.DONE), distinct=True),
        )
        .order_by("teacher__full_name", "-period_start", "-id")
    )


def plan_get_for(*, user, plan_id) -> DevelopmentPlan:
    return plans_visible_to(user).get(pk=plan_id)


def plan_goals(plan: DevelopmentPlan) -> list[PlanGoal]:
    return list(plan.goals.select_related("course", "cohort__course").order_by("due_date", "id"))


def deficit_competencies_for(teacher: User) -> list[Competency]:
    """Competencies from the teacher's latest diagnostic deficit profile, weakest first (surveys owns it)."""
    profile = survey_selectors.profile_for(teacher)
    if profile is None:
        return []
    return [row.competency for row in sorted(profile.deficits, key=lambda r: (r.score, r.competency.code))]


def cohorts_for_plan(teacher: User) -> QuerySet:
    """Cohorts a plan goal may name: those the teacher is enrolled in and those open for enrolment."""
    enrolled = cohort_selectors.enrollments_of(teacher).values("cohort_id")
    open_ids = cohort_selectors.cohorts_open_qs().values("pk")
    return (
        Cohort.objects.filter(Q(pk__in=enrolled) | Q(pk__in=open_ids))
        .select_related("course")
        .order_by("starts_on", "pk")
    )


def cabinet_mentoring(user) -> dict:
    """The cabinet block: the active plan with its goal progress, and the user's open pairs."""
    if not getattr(user, "is_authenticated", False):
        return {"plan": None, "pairs": []}
    plan = (
        DevelopmentPlan.objects.filter(teacher=user, state=PlanState.ACTIVE)
        .annotate(
            goals_total=Count("goals"),
            goals_done=Count("goals", filter=Q(goals__state=GoalState.DONE)),
        )
        .first()
    )
    if plan is not None:
        plan.percent = round(100 * plan.goals_done / plan.goals_total) if plan.goals_total else 0
        plan.next_goals = list(
            plan.goals.exclude(state__in=[GoalState.DONE, GoalState.DROPPED]).order_by("due_date", "id")[:3]
        )
    pairs = list(
        MentoringPair.objects.filter(Q(mentor=user) | Q(mentee=user), state__in=OPEN_STATES)
        .select_related("mentor", "mentee")
        .order_by("-created_at")[:5]
    )
    _mark_feedback_due(user, pairs)
    return {"plan": plan, "pairs": pairs}


def _mark_feedback_due(user, pairs: list[MentoringPair]) -> None:
    """pair.feedback_due: the user is the mentee and this period's feedback is missing (one query)."""
    from .services import feedback_period  # services import this module

    periods = {p.pk: feedback_period(p) for p in pairs if p.mentee_id == user.pk}
    periods = {pk: n for pk, n in periods.items() if n is not None}
    done = (
        set(Feedback.objects.filter(pair_id__in=list(periods)).values_list("pair_id", "period"))
        if periods
        else set()
    )
    for pair in pairs:
        pair.feedback_due = pair.pk in periods and (pair.pk, periods[pair.pk]) not in done


# --- reports ------------------------------------------------------------------------------------


class SchoolCoverage(TypedDict):
    """What `report_coverage_by_school` annotates on each school."""

    young_total: int
    young_mentored: int
    active_pairs: int | None
    goals_done: int | None
    meetings_held: int | None
    feedback_avg: float | None
    young_unmentored: int
    active_pairs_n: int
    goals_done_n: int
    meetings_held_n: int


def report_coverage_by_school(*, user) -> QuerySet[WithAnnotations[School, SchoolCoverage]]:
    """Per school: young teachers with and without a mentor, active pairs, goals done, meetings held,
    average feedback — all aggregated in SQL, one row per school."""
    young = User.objects.filter(
        school=OuterRef("pk"), is_active=True, groups__name=Role.TEACHER, years_of_experience__lt=3
    )
    mentored = Exists(MentoringPair.objects.filter(mentee=OuterRef("pk"), state=PairState.ACTIVE))
    young_total = Subquery(
        young.order_by().values("school").annotate(n=Count("pk", distinct=True)).values("n")[:1],
        output_field=IntegerField(),
    )
    young_mentored = Subquery(
        young.filter(mentored)
        .order_by()
        .values("school")
        .annotate(n=Count("pk", distinct=True))
        .values("n")[:1],
        output_field=IntegerField(),
    )
    active_pairs = MentoringPair.objects.filter(mentee__school=OuterRef("pk"), state=PairState.ACTIVE)
    goals_done = PairGoal.objects.filter(pair__mentee__school=OuterRef("pk"), state=GoalState.DONE)
    meetings_held = Meeting.objects.filter(pair__mentee__school=OuterRef("pk"), status=MeetingStatus.HELD)
    feedback = Feedback.objects.filter(pair__mentee__school=OuterRef("pk"))
    # A school's average is shown only over at least FEEDBACK_MIN_PAIRS pairs (privacy of each mentee).
    feedback_avg = Subquery(
        feedback.order_by()
        .values("pair__mentee__school")
        .annotate(
            a=Avg((F("availability") + F("usefulness") + F("advice") + F("confidence")) / 4.0),
            pairs=Count("pair", distinct=True),
        )
        .filter(pairs__gte=FEEDBACK_MIN_PAIRS)
        .values("a")[:1]
    )
    return (
        schools_visible_to(user)
        .annotate(
            young_total=Coalesce(young_total, 0),
            young_mentored=Coalesce(young_mentored, 0),
            active_pairs=Subquery(
                active_pairs.order_by().values("mentee__school").annotate(n=Count("pk")).values("n")[:1],
                output_field=IntegerField(),
            ),
            goals_done=Subquery(
                goals_done.order_by().values("pair__mentee__school").annotate(n=Count("pk")).values("n")[:1],
                output_field=IntegerField(),
            ),
            meetings_held=Subquery(
                meetings_held.order_by()
                .values("pair__mentee__school")
                .annotate(n=Count("pk"))
                .values("n")[:1],
                output_field=IntegerField(),
            ),
            feedback_avg=feedback_avg,
        )
        .annotate(
            young_unmentored=F("young_total") - F("young_mentored"),
            active_pairs_n=Coalesce(F("active_pairs"), 0),
            goals_done_n=Coalesce(F("goals_done"), 0),
            meetings_held_n=Coalesce(F("meetings_held"), 0),
        )
        .order_by("municipality__name", "name")
    )


def report_meetings_per_month(*, user, months: int = 12) -> list[dict]:
    since = (timezone.localdate().replace(day=1) - dt.timedelta(days=31 * (months - 1))).replace(day=1)
    return list(
        Meeting.objects.filter(
            pair__mentee__school__in=schools_visible_to(user), status=MeetingStatus.HELD, date__gte=since
        )
        .annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(meetings=Count("pk"))
        .order_by("month")
    )


def report_feedback_averages(*, user) -> dict:
    """Average of each Likert item over the feedback in the user's schools — only when it comes from
    at least FEEDBACK_MIN_PAIRS pairs, so no single mentee's answers can be read out of it
    (count and averages are None below that)."""
    qs = Feedback.objects.filter(pair__mentee__school__in=schools_visible_to(user))
    result = qs.aggregate(
        count=Count("pk"),
        pairs=Count("pair", distinct=True),
        **{name: Avg(name) for name, _label in LIKERT_ITEMS},
    )
    if result["pairs"] < FEEDBACK_MIN_PAIRS:
        return {"count": None, "items": [(label, None) for _name, label in LIKERT_ITEMS]}
    return {
        "count": result["count"],
        "items": [(label, result[name]) for name, label in LIKERT_ITEMS],
    }


def report_goals(*, user) -> dict:
    scope = schools_visible_to(user)
    pair_goals = PairGoal.objects.filter(pair__mentee__school__in=scope).aggregate(
        total=Count("pk"), done=Count("pk", filter=Q(state=GoalState.DONE))
    )
    plan_goals = PlanGoal.objects.filter(plan__teacher__school__in=scope).aggregate(
        total=Count("pk"), done=Count("pk", filter=Q(state=GoalState.DONE))
    )
    return {"pair": pair_goals, "plan": plan_goals}


def mentoring_summary(*, user) -> dict:
    """Figures for municipal monitoring (pdplatform composes them with other apps')."""
    rows = list(
        report_coverage_by_school(user=user).values("young_total", "young_mentored", "active_pairs_n")
    )
    young = sum(r["young_total"] for r in rows)
    mentored = sum(r["young_mentored"] for r in rows)
    return {
        "young_teachers": young,
        "young_mentored": mentored,
        "coverage_percent": round(100 * mentored / young) if young else None,
        "active_pairs": sum(r["active_pairs_n"] for r in rows),
    }


def can_see_reports(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and (
        user.is_superuser
        or user_has_role(user, Role.SCHOOL_ADMIN)
        or user_has_role(user, Role.MUNICIPAL_ADMIN)
    )


def can_match(user) -> bool:
    """Only school administrators (and superusers) set up pairs; the municipal admin only reads."""
    return bool(getattr(user, "is_authenticated", False)) and (
        user.is_superuser or (user_has_role(user, Role.SCHOOL_ADMIN) and user.school_id is not None)
    )


def meetings_for_calendar(*, user) -> QuerySet[Meeting]:
    """The meetings of the person's own pairs, with the pair's two people for the entry's title."""
    return (
        Meeting.objects.filter(pair__in=pairs_of_member(user))
        .select_related("pair__mentor", "pair__mentee")
        .order_by("date", "pk")
    )
