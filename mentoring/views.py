"""Pages of mentoring. Thin: objects come from selectors (404 for what the user may not see),
writes go to services, whose MentoringError message is shown as is.

One file: every page of mentoring shares the same pair/plan lookups and the same error display; the
suggestions (filters, badges, "show more") and the mentor's opt-in page came with matching (decision 0401)
and belong with the pairs they lead to.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.roles import Role
from accounts.selectors import user_has_role
from core.exports import ExportParamError, bad_param_response, csv_delimiter, csv_separator
from core.pagination import paginate

from . import exports, selectors, services
from .filters import PairFilterSet, SuggestionFilterSet
from .forms import (
    CapacityForm,
    FeedbackForm,
    FocusForm,
    GoalStateForm,
    MeetingForm,
    MentorProfileForm,
    MessageForm,
    PairGoalForm,
    PairProposeForm,
    PlanForm,
    PlanGoalForm,
    StopForm,
)
from .models import LIKERT_ITEMS, MENTOR_MIN_EXPERIENCE, Feedback, PairGoal, PlanGoal
from .services import MentoringError


def _get_or_404(fn, **kwargs):
    try:
        return fn(**kwargs)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def _form_errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


@login_required
def home(request):
    user = request.user
    filterset = PairFilterSet(request.GET, queryset=selectors.pair_list_for(user=user), request=request)
    pairs = paginate(request, filterset.qs)
    state = (
        filterset.form.cleaned_data.get("state") if filterset.is_bound and filterset.form.is_valid() else ""
    )
    return render(
        request,
        "mentoring/home.html",
        {
            "page": pairs,
            "can_match": selectors.can_match(user),
            "can_report": selectors.can_see_reports(user),
            # An experienced teacher may opt in as a mentor (the profile page says why a younger one cannot).
            "can_mentor": user_has_role(user, Role.TEACHER)
            and (user.years_of_experience or 0) >= MENTOR_MIN_EXPERIENCE,
            "state": state or "",
            "filter_errors": filterset.error_lines,
        },
    )


# --- matching ----------------------------------------------------------------------------------


@login_required
def matching(request):
    if not selectors.can_see_reports(request.user):
        raise Http404
    page = paginate(request, selectors.young_teachers_without_mentor(user=request.user))
    return render(
        request, "mentoring/matching.html", {"page": page, "can_match": selectors.can_match(request.user)}
    )


def _suggestion_page(request, mentee) -> dict:
    """The ranked suggestions after the filters: the best SUGGESTIONS_PAGE × page (one query more to
    know whether "show more" has anything to show). A bad filter is named and not applied."""
    filterset = SuggestionFilterSet(request.GET, queryset=User.objects.none(), request=request, mentee=mentee)
    valid = filterset.is_valid()
    data = filterset.form.cleaned_data if valid else {}
    include_former = bool(data.get("include_former"))
    ranked = selectors.mentor_suggestions(mentee=mentee, include_former=include_former)
    if valid:
        ranked = filterset.filter_queryset(ranked)
    shown = selectors.SUGGESTIONS_PAGE * (data.get("page") or 1)
    rows = list(ranked[: shown + 1])
    more = request.GET.copy()
    more["page"] = str((data.get("page") or 1) + 1)
    return {
        "suggestions": rows[:shown],
        "has_more": len(rows) > shown,
        "more_query": more.urlencode(),
        "filter": filterset.form,
        "filter_values": data,
        "filter_errors": filterset.error_lines,
        "schools": filterset.filters["school"].queryset,
        "subjects": filterset.filters["subject"].queryset,
    }


@login_required
def suggestions(request, mentee_id: int):
    if not selectors.can_see_reports(request.user):
        raise Http404
    mentee = _get_or_404(selectors.young_teacher_get_for, user=request.user, mentee_id=mentee_id)
    return render(
        request,
        "mentoring/suggestions.html",
        {
            "mentee": mentee,
            "can_match": selectors.can_match(request.user),
            **_suggestion_page(request, mentee),
        },
    )


@login_required
@require_POST
def pair_propose(request, mentee_id: int):
    if not selectors.can_match(request.user):
        raise Http404
    mentee = _get_or_404(selectors.young_teacher_get_for, user=request.user, mentee_id=mentee_id)
    form = PairProposeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("mentoring:suggestions", mentee_id=mentee.pk)
    # The service holds every rule (capacity, willing, oneself, municipality, experience), so the
    # message says exactly why a mentor cannot be proposed.
    mentor = (
        User.objects.filter(pk=form.cleaned_data["mentor"], is_active=True).select_related("school").first()
    )
    if mentor is None:
        messages.error(request, _("Unknown teacher."))
        return redirect("mentoring:suggestions", mentee_id=mentee.pk)
    try:
        pair = services.pair_create(
            actor=request.user,
            mentor=mentor,
            mentee=mentee,
            focus_competencies=list(form.cleaned_data["focus_competencies"]),
            end_date=form.cleaned_data["end_date"],
        )
    except MentoringError as exc:
        messages.error(request, exc.messages[0])
        return redirect("mentoring:suggestions", mentee_id=mentee.pk)
    messages.success(request, _("The pair is proposed. The mentor and the mentee now accept it."))
    return redirect("mentoring:pair_detail", pk=pair.pk)


@login_required
def mentor_profile(request):
    """The teacher's own mentor profile: opt in or out, capacity, subjects, levels, what I can help with."""
    profile = selectors.mentor_profile_of(request.user)
    if request.method == "POST":
        form = MentorProfileForm(request.POST)
        if form.is_valid():
            try:
                services.mentor_profile_save(actor=request.user, **form.cleaned_data)
            except MentoringError as exc:
                form.add_error(None, exc.messages[0])
            else:
                messages.success(request, _("Your mentor profile is saved."))
                return redirect("mentoring:mentor_profile")
    elif profile is not None:
        form = MentorProfileForm(
            initial={
                "willing": profile.willing,
                "capacity": profile.capacity,
                "subjects": list(profile.subjects.all()),
                "levels": list(profile.levels.all()),
                "can_help_with": profile.can_help_with,
            }
        )
    else:
        form = MentorProfileForm(initial={"willing": False})
    return render(request, "mentoring/mentor_profile.html", {"form": form, "profile": profile})


@login_required
def mentors(request):
    if not selectors.can_see_reports(request.user):
        raise Http404
    page = paginate(request, selectors.mentors_of_school(user=request.user))
    return render(
        request, "mentoring/mentors.html", {"page": page, "can_match": selectors.can_match(request.user)}
    )


@login_required
@require_POST
def mentor_capacity(request, mentor_id: int):
    if not selectors.can_match(request.user):
        raise Http404
    mentor = _get_or_404(selectors.mentors_of_school(user=request.user).get, pk=mentor_id)
    form = CapacityForm(request.POST)
    if form.is_valid():
        _run(
            request,
            services.mentor_set_capacity,
            _("The capacity is saved."),
            mentor=mentor,
            capacity=form.cleaned_data["capacity"],
        )
    else:
        messages.error(request, _("Capacity must be between 0 and 10."))
    return redirect("mentoring:mentors")


# --- pair workspace ----------------------------------------------------------------------------


@login_required
def pair_detail(request, pk: int):
    pair = _get_or_404(selectors.pair_get_for, user=request.user, pair_id=pk)
    access = selectors.pair_access(request.user, pair)
    workspace = selectors.pair_workspace(pair, user=request.user)
    competencies = list(selectors.competency_choices())
    due_period = services.feedback_period(pair)
    feedback_due = (
        access["is_mentee"]
        and due_period is not None
        and all(f.period != due_period for f in workspace["feedback"])
    )
    return render(
        request,
        "mentoring/pair_detail.html",
        {
            "pair": pair,
            "access": access,
            **workspace,
            "goal_form": PairGoalForm(competencies=workspace["focus"] or competencies),
            "meeting_form": MeetingForm(),
            "message_form": MessageForm(),
            "feedback_form": FeedbackForm() if feedback_due else None,
            "stop_form": StopForm(),
            "focus_form": FocusForm(
                competencies=competencies, initial={"competencies": [c.pk for c in workspace["focus"]]}
            )
            if pair.is_open and (access["member"] or access["manage"])
            else None,
            "likert_items": LIKERT_ITEMS,
        },
    )


def _pair_action(request, pk: int):
    return _get_or_404(selectors.pair_get_for, user=request.user, pair_id=pk)


def _run(request, fn, success: str, **kwargs) -> bool:
    try:
        fn(actor=request.user, **kwargs)
    except MentoringError as exc:
        messages.error(request, exc.messages[0])
        return False
    messages.success(request, success)
    return True


@login_required
@require_POST
def pair_accept(request, pk: int):
    pair = _pair_action(request, pk)
    _run(request, services.pair_accept, _("You have accepted the pair."), pair=pair)
    return redirect("mentoring:pair_detail", pk=pair.pk)


@login_required
@require_POST
def pair_stop(request, pk: int):
    pair = _pair_action(request, pk)
    form = StopForm(request.POST)
    if form.is_valid():
        _run(
            request,
            services.pair_stop,
            _("The pair is stopped."),
            pair=pair,
            reason=form.cleaned_data["reason"],
        )
    else:
        messages.error(request, _("Please give a reason for stopping the pair."))
    return redirect("mentoring:pair_detail", pk=pair.pk)


@login_required
@require_POST
def pair_focus(request, pk: int):
    pair = _pair_action(request, pk)
    form = FocusForm(request.POST, competencies=list(selectors.competency_choices()))
    if form.is_valid():
        _run(
            request,
            services.pair_set_focus,
            _("The focus competencies are saved."),
            pair=pair,
            competency_ids=form.cleaned_data["competencies"],
        )
    else:
        messages.error(request, _form_errors(form))
    return redirect("mentoring:pair_detail", pk=pair.pk)


@login_required
@require_POST
def pair_complete(request, pk: int):
    pair = _pair_action(request, pk)
    _run(request, services.pair_complete, _("The pair is completed."), pair=pair)
    return redirect("mentoring:pair_detail", pk=pair.pk)


@login_required
@require_POST
def goal_create(request, pk: int):
    pair = _pair_action(request, pk)
    form = PairGoalForm(request.POST, competencies=list(selectors.competency_choices()))
    if form.is_valid():
        _run(
            request,
            services.pair_goal_create,
            _("The goal is added."),
            pair=pair,
            competency_id=form.cleaned_data["competency"],
            title=form.cleaned_data["title"],
            due_date=form.cleaned_data["due_date"],
        )
    else:
        messages.error(request, _form_errors(form))
    return redirect(f"{pair.get_absolute_url()}#goals")


@login_required
@require_POST
def goal_set_state(request, pk: int, goal_id: int):
    pair = _pair_action(request, pk)
    goal = _get_or_404(PairGoal.objects.filter(pair=pair).get, pk=goal_id)
    form = GoalStateForm(request.POST)
    if form.is_valid():
        _run(
            request,
            services.pair_goal_set_state,
            _("The goal is updated."),
            goal=goal,
            state=form.cleaned_data["state"],
        )
    else:
        messages.error(request, _("Unknown goal state."))
    return redirect(f"{pair.get_absolute_url()}#goals")


@login_required
@require_POST
def meeting_create(request, pk: int):
    pair = _pair_action(request, pk)
    form = MeetingForm(request.POST)
    if form.is_valid():
        _run(request, services.meeting_log, _("The meeting is logged."), pair=pair, **form.cleaned_data)
    else:
        messages.error(request, _form_errors(form))
    return redirect(f"{pair.get_absolute_url()}#meetings")


@login_required
@require_POST
def message_create(request, pk: int):
    pair = _pair_action(request, pk)
    form = MessageForm(request.POST)
    if form.is_valid():
        _run(request, services.message_send, _("Message sent."), pair=pair, body=form.cleaned_data["body"])
    else:
        messages.error(request, _form_errors(form))
    return redirect(f"{pair.get_absolute_url()}#messages")


@login_required
@require_POST
def feedback_create(request, pk: int):
    pair = _pair_action(request, pk)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        comment = data.pop("comment", "")
        _run(
            request,
            services.feedback_submit,
            _("Thank you for your feedback."),
            pair=pair,
            answers=data,
            comment=comment,
        )
    else:
        messages.error(request, _("Please rate every statement from 1 to 5."))
    return redirect(f"{pair.get_absolute_url()}#feedback")


@login_required
@require_POST
def feedback_share(request, pk: int, feedback_id: int):
    pair = _pair_action(request, pk)
    # Feedback is looked up only inside the user's own pairs: an administrator's id is a 404.
    feedback = _get_or_404(
        Feedback.objects.filter(pair__in=selectors.pairs_of_member(request.user), pair=pair).get,
        pk=feedback_id,
    )
    shared = request.POST.get("shared") == "1"
    _run(
        request,
        services.feedback_set_shared,
        _("The entry is shared with the school.") if shared else _("The entry is private to the pair again."),
        feedback=feedback,
        shared=shared,
    )
    return redirect(f"{pair.get_absolute_url()}#feedback")


# --- development plans ---------------------------------------------------------------------------


@login_required
def plan_list(request):
    page = paginate(request, selectors.plan_list_for(user=request.user))
    return render(request, "mentoring/plan_list.html", {"page": page})


@login_required
def plan_create(request):
    user = request.user
    deficit = selectors.deficit_competencies_for(user)
    competencies = list(selectors.competency_choices())
    form = PlanForm(request.POST or None, deficit=deficit, competencies=competencies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = services.plan_create(
                actor=user,
                topic=data["topic"],
                competency_id=data["competency"],
                from_deficit_profile=data["competency"] in form.deficit_ids,
                period_start=data["period_start"],
                period_end=data["period_end"],
                presentation_kind=data["presentation_kind"],
                presentation_details=data["presentation_details"],
            )
        except MentoringError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(request, _("Your development plan is created. Now add its goals."))
            return redirect("mentoring:plan_detail", pk=plan.pk)
    return render(request, "mentoring/plan_form.html", {"form": form, "has_deficit": bool(deficit)})


@login_required
def plan_detail(request, pk: int):
    plan = _get_or_404(selectors.plan_get_for, user=request.user, plan_id=pk)
    goals = selectors.plan_goals(plan)
    done = sum(1 for g in goals if g.state == "done")
    return render(
        request,
        "mentoring/plan_detail.html",
        {
            "plan": plan,
            "goals": goals,
            "percent": round(100 * done / len(goals)) if goals else 0,
            "done": done,
            "is_owner": plan.teacher_id == request.user.pk,
            "goal_form": PlanGoalForm(cohorts=selectors.cohorts_for_plan(request.user))
            if plan.teacher_id == request.user.pk
            else None,
        },
    )


@login_required
@require_POST
def plan_goal_create(request, pk: int):
    plan = _get_or_404(selectors.plan_get_for, user=request.user, plan_id=pk)
    form = PlanGoalForm(request.POST, cohorts=selectors.cohorts_for_plan(request.user))
    if form.is_valid():
        course = form.cleaned_data["course"]
        _run(
            request,
            services.plan_goal_create,
            _("The goal is added."),
            plan=plan,
            title=form.cleaned_data["title"],
            due_date=form.cleaned_data["due_date"],
            course_id=course.pk if course else None,
            cohort_id=form.cleaned_data["cohort"],
            event_link=form.cleaned_data["event_link"],
        )
    else:
        messages.error(request, _form_errors(form))
    return redirect("mentoring:plan_detail", pk=plan.pk)


@login_required
@require_POST
def plan_goal_set_state(request, pk: int, goal_id: int):
    plan = _get_or_404(selectors.plan_get_for, user=request.user, plan_id=pk)
    goal = _get_or_404(PlanGoal.objects.filter(plan=plan).get, pk=goal_id)
    form = GoalStateForm(request.POST)
    if form.is_valid():
        _run(
            request,
            services.plan_goal_set_state,
            _("The goal is updated."),
            goal=goal,
            state=form.cleaned_data["state"],
        )
    else:
        messages.error(request, _("Unknown goal state."))
    return redirect("mentoring:plan_detail", pk=plan.pk)


# --- reports ---------------------------------------------------------------------------------------


@login_required
def reports(request):
    if not selectors.can_see_reports(request.user):
        raise Http404
    user = request.user
    return render(
        request,
        "mentoring/reports.html",
        {
            "schools": list(selectors.report_coverage_by_school(user=user)),
            "months": selectors.report_meetings_per_month(user=user),
            "feedback": selectors.report_feedback_averages(user=user),
            "goals": selectors.report_goals(user=user),
        },
    )


@login_required
def report_export(request, fmt: str):
    if not selectors.can_see_reports(request.user):
        raise Http404
    if fmt == "csv":  # the reader's delimiter, ?sep=semicolon|comma; any other value changes nothing
        try:
            sep = csv_separator(request.GET)
        except ExportParamError as exc:
            return bad_param_response(request, exc, reverse("mentoring:reports"))
        return exports.coverage_csv_response(user=request.user, delimiter=csv_delimiter(sep=sep))
    if fmt == "xlsx":
        return exports.coverage_xlsx_response(user=request.user)
    raise Http404
