"""Pages: my surveys, filling in (pages, autosave, thank-you), my profile, results, exports, charts, heat maps.

One file: the results page, its exports, its chart downloads (and the API) read scope, filters and anonymity
through the one `_results_context` here; split, a download could drift from what the page shows.
"""

import json
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import Role
from accounts.selectors import teachers_visible_to, user_has_role
from core import charts
from core.exports import ExportParamError, bad_param_response, csv_delimiter, csv_separator
from core.files import serve_file, serve_generated
from core.jobs import job_progress_response
from core.pagination import paginate

from . import exports, selectors, services
from .filters import NonRespondentFilterSet
from .forms import ResultsFilterForm, SectionForm, raw_page_data
from .models import Draft, Survey


def _cohort_from(request, survey: Survey):
    """The cohort named in ?cohort= among those the user sits in (404 otherwise); None if not a cohort survey."""
    if not services.survey_needs_cohort(survey):
        return None
    raw = request.GET.get("cohort") or request.POST.get("cohort")
    cohorts = selectors.cohorts_for_filling(user=request.user, survey=survey)
    try:
        cohort = cohorts.filter(pk=int(raw)).first() if raw else None
    except ValueError:
        cohort = None
    if cohort is None:
        raise Http404
    return cohort


@login_required
def survey_list(request):
    return render(
        request,
        "surveys/list.html",
        {
            "pending": selectors.surveys_pending_for(request.user),
            "answered": selectors.surveys_answered_by(request.user)[:50],
            "results": selectors.surveys_with_results_for(request.user)[:50],
        },
    )


def _fill_url(survey, cohort, page=None) -> str:
    url = reverse("surveys:fill", args=[survey.pk])
    params = []
    if cohort is not None:
        params.append(f"cohort={cohort.pk}")
    if page:
        params.append(f"page={page}")
    return url + ("?" + "&".join(params) if params else "")


@login_required
def survey_fill(request, pk: int):
    survey = selectors.survey_for_filling(user=request.user, survey_id=pk)
    cohort = _cohort_from(request, survey)
    try:
        services._check_can_respond(survey=survey, user=request.user, cohort=cohort)
    except services.SurveyError as error:
        for message in error.messages:
            messages.warning(request, message)
        return redirect("surveys:list")
    sections = [s for s in selectors.survey_sections(survey) if s.questions.all()]
    if not sections:
        raise Http404
    anonymous = survey.is_anonymous
    # Anonymous surveys keep unfinished answers only in the form itself (a hidden field), never on the server.
    draft = (
        None if anonymous else Draft.objects.filter(survey=survey, user=request.user, cohort=cohort).first()
    )
    carried = _carried_answers(request.POST, sections) if anonymous and request.method == "POST" else {}
    try:
        page = int(request.GET.get("page") or request.POST.get("page") or (draft.page if draft else 1))
    except ValueError:
        page = 1
    page = min(max(page, 1), len(sections))
    section = sections[page - 1]
    questions = list(section.questions.all())
    saved = carried if anonymous else (draft.data if draft else {})
    initial = {
        f"q{q.pk}": saved.get(str(q.pk)) for q in questions if saved.get(str(q.pk)) not in (None, "", [])
    }
    going_back = request.method == "POST" and "back" in request.POST
    form = SectionForm(
        request.POST if request.method == "POST" else None,
        questions=questions,
        enforce_required=not going_back,
        initial=initial,
    )
    if request.method == "POST":
        last = page == len(sections)
        if going_back:
            data = raw_page_data(request.POST, questions)
            if anonymous:
                return _render_page(request, survey, cohort, sections, page - 1, {**carried, **data})
            services.draft_save(survey=survey, user=request.user, cohort=cohort, data=data, page=page - 1)
            return redirect(_fill_url(survey, cohort, page - 1))
        if form.is_valid():
            if anonymous:
                answers = {**carried, **form.answers()}
                if not last:
                    return _render_page(request, survey, cohort, sections, page + 1, answers)
            else:
                draft = services.draft_save(
                    survey=survey,
                    user=request.user,
                    cohort=cohort,
                    data=form.answers(),
                    page=page if last else page + 1,
                )
                if not last:
                    return redirect(_fill_url(survey, cohort, page + 1))
                answers = draft.data
            try:
                result = services.response_submit(
                    survey=survey, user=request.user, cohort=cohort, answers=answers
                )
            except services.SurveyError as error:
                for message in error.messages:
                    messages.error(request, message)
                return redirect(_fill_url(survey, cohort, 1))
            request.session["survey_level"] = result.level
            return redirect("surveys:thanks", pk=survey.pk)
    return _render_page(request, survey, cohort, sections, page, saved, form=form)


def _carried_answers(data, sections) -> dict:
    """The anonymous form's earlier pages, posted back in its hidden field (validated again on submit)."""
    try:
        carried = json.loads(data.get("carried") or "{}")
    except ValueError:
        return {}
    ids = {str(q.pk) for s in sections for q in s.questions.all()}
    return {k: v for k, v in carried.items() if k in ids} if isinstance(carried, dict) else {}


def _render_page(request, survey, cohort, sections, page, saved, form=None):
    section = sections[page - 1]
    questions = list(section.questions.all())
    if form is None:
        initial = {
            f"q{q.pk}": saved.get(str(q.pk)) for q in questions if saved.get(str(q.pk)) not in (None, "", [])
        }
        form = SectionForm(None, questions=questions, initial=initial)
    answered = sum(1 for v in saved.values() if v not in (None, "", []))
    total_questions = sum(len(s.questions.all()) for s in sections)
    return render(
        request,
        "surveys/fill.html",
        {
            "survey": survey,
            "cohort": cohort,
            "form": form,
            "section": section,
            "page": page,
            "pages": len(sections),
            "is_last": page == len(sections),
            "progress": round(100 * (page - 1) / len(sections)),
            "answered": answered,
            "total_questions": total_questions,
            "autosave_url": reverse("surveys:autosave", args=[survey.pk]),
            "carried": json.dumps(saved) if survey.is_anonymous else "",
        },
    )


@login_required
@require_POST
def survey_autosave(request, pk: int):
    """htmx: save the page as typed; answers are validated only on submit."""
    survey = selectors.survey_for_filling(user=request.user, survey_id=pk)
    cohort = _cohort_from(request, survey)
    try:
        page = int(request.POST.get("page") or 1)
    except ValueError:
        page = 1
    questions = [q for s in selectors.survey_sections(survey) for q in s.questions.all()]
    try:
        services.draft_save(
            survey=survey,
            user=request.user,
            cohort=cohort,
            data=raw_page_data(request.POST, questions),
            page=page,
        )
    except services.SurveyError as error:
        return HttpResponse(" ".join(error.messages), status=400)
    return HttpResponse(_("Draft saved at %(time)s") % {"time": timezone.localtime().strftime("%H:%M")})


@login_required
def survey_thanks(request, pk: int):
    survey = selectors.survey_for_filling(user=request.user, survey_id=pk)
    level = request.session.pop("survey_level", "")
    profile = selectors.profile_for(request.user) if survey.kind == Survey.Kind.DIAGNOSTIC else None
    return render(request, "surveys/thanks.html", {"survey": survey, "level": level, "profile": profile})


def _enrol_url(cohort) -> str:
    try:
        return reverse("cohorts:enrol", args=[cohort.pk])
    except NoReverseMatch:
        return reverse("courses:detail", args=[cohort.course.slug]) + f"#cohort-{cohort.pk}"


def _profile_chart(profile):
    """The competency profile as a score chart; deficits (stored with each score) drawn red."""
    return charts.score_chart(
        [
            charts.Score(r.competency.name, r.competency.code, r.score, flagged=r.is_deficit, before=r.before)
            for r in profile.rows
        ],
        title=_("Competency profile, score 0–100"),
        threshold=profile.threshold,
        threshold_label=_("threshold"),
        before_label=_("before"),
        flag_class="deficit",
        css_class="profile-chart",
    )


CHART_TYPES = {"png": "image/png", "svg": "image/svg+xml"}


def _chart_download(svg: str, *, name: str, fmt: str):
    """A chart drawn for a page as a PNG or SVG file (404 for any other format)."""
    if fmt == "png":
        return serve_generated(
            charts.svg_to_png(svg), filename=f"{name}.png", content_type=CHART_TYPES["png"]
        )
    return serve_generated(
        charts.standalone_svg(svg), filename=f"{name}.svg", content_type=CHART_TYPES["svg"]
    )


@login_required
@require_GET
def my_profile_chart(request, fmt: str):
    """The teacher's own profile chart as a file; there is no way to ask for someone else's."""
    if fmt not in CHART_TYPES:
        raise Http404
    profile = selectors.profile_for(request.user)
    if profile is None or not profile.rows:
        raise Http404
    return _chart_download(_profile_chart(profile), name="competency-profile", fmt=fmt)


@login_required
def my_profile(request):
    profile = selectors.profile_for(request.user)
    recommendations = selectors.recommendations_for(profile=profile, user=request.user)
    for rec in recommendations:
        for cohort in rec.cohorts:
            cohort.course = rec.course
            cohort.enrol_url = _enrol_url(cohort)
    return render(
        request,
        "surveys/profile.html",
        {
            "profile": profile,
            "recommendations": recommendations,
            "uncovered": selectors.deficits_without_course(profile=profile),
            "chart": _profile_chart(profile) if profile else None,
            "chart_has_before": bool(profile) and any(r.before is not None for r in profile.rows),
        },
    )


@dataclass
class ResultsReading:
    """How the reader asked to read the results: which answers count as negative, the order of aspects,
    and the groups to compare (none, or 2–N)."""

    negative_upto: int = 2
    order: str = "survey"
    groups: list = field(default_factory=list)  # [(label, ResultFilter)]


def _results_context(request, pk: int):
    """The user's results scope, the filter form, the filter it gives and the reading. The filter is None when
    the form is not valid: the caller answers 400 with the form's errors instead of showing some other set of
    responses."""
    scope = selectors.results_scope_for(user=request.user, survey_id=pk)
    form = ResultsFilterForm(
        request.GET or None, cohorts=scope.cohorts, everything=scope.everything, schools=scope.schools
    )
    allowed_ids = [c.pk for c in scope.cohorts]
    flt = selectors.ResultFilter(
        cohort_ids=None if scope.everything or scope.aggregates_only else allowed_ids,
        school_ids=scope.school_ids,
    )
    reading = ResultsReading()
    if form.is_bound:
        if not form.is_valid():
            return scope, form, None, reading
        data = form.cleaned_data
        if data["cohort"]:
            flt.cohort_ids = [data["cohort"]]
        if data["school"]:
            flt.school_ids = [data["school"]]
        if data["municipality"]:
            flt.school_ids = [s.pk for s in scope.schools if s.municipality_id == data["municipality"]]
        flt.course_id = data["course"]
        flt.date_from, flt.date_to = data["date_from"], data["date_to"]
        reading.negative_upto, reading.order = data["negative"], data["sort"]
        reading.groups = selectors.comparison_groups(
            scope=scope,
            current=flt,
            current_label=_selection_name(scope, flt),
            cohorts=data["compare"],
            courses=data["compare_course"],
            years=data["compare_year"],
        )
    return scope, form, flt, reading


def _selection_name(scope, flt) -> str:
    if flt.cohort_ids and len(flt.cohort_ids) == 1:
        return next((c.title for c in scope.cohorts if c.pk == flt.cohort_ids[0]), "")
    return _("All responses in view")


def _bad_filter(request, scope, form):
    """The results page with the filter's errors and no figures (400): bad input is never read as "all"."""
    return render(
        request,
        "surveys/results.html",
        {
            "survey": scope.survey,
            "scope": scope,
            "form": form,
            "results": None,
        },
        status=400,
    )


def _comparison_chart(comparison):
    """Mean per aspect, one bar per group (hidden groups drawn as nothing)."""
    return charts.group_chart(
        [
            (row.question.text, [cell.mean if cell is not None else None for cell in row.cells])
            for row in comparison.rows
        ],
        title=_("Mean per aspect, 1–5"),
        labels=[g.label for g in comparison.groups],
        max_value=5,
    )


@login_required
def survey_results(request, pk: int):
    scope, form, flt, reading = _results_context(request, pk)
    if flt is None:
        return _bad_filter(request, scope, form)
    results = selectors.survey_results(
        survey=scope.survey,
        flt=flt,
        with_texts=not scope.aggregates_only,
        order=reading.order,
        negative_upto=reading.negative_upto,
    )
    if scope.aggregates_only:
        results.texts = []  # administrators read aggregates only (decision 0354)
    comparison = None
    if reading.groups:
        comparison = selectors.survey_comparison(
            survey=scope.survey,
            groups=reading.groups,
            order=reading.order,
            negative_upto=reading.negative_upto,
        )
    per_cohort = selectors.responses_per_cohort(survey=scope.survey, cohort_ids=[c.pk for c in scope.cohorts])
    return render(
        request,
        "surveys/results.html",
        {
            "survey": scope.survey,
            "scope": scope,
            "form": form,
            "results": results,
            "comparison": comparison,
            "comparison_chart": _comparison_chart(comparison) if comparison else "",
            "current_name": _selection_name(scope, flt),
            "per_cohort": [(c, per_cohort.get(c.pk)) for c in scope.cohorts],
            "k": selectors.anonymity_k(),
            "query": request.GET.urlencode(),
            "max_texts": selectors.TEXTS_SHOWN,
            "levels": selectors.placement_levels(survey=scope.survey, flt=flt)[:500],
            "breakdowns": _breakdowns(scope, flt) if not results.hidden else [],
        },
    )


def _breakdowns(scope, flt) -> list:
    """By school and by municipality, for a survey across schools (none for a survey of cohorts)."""
    if not scope.schools:
        return []
    return [
        selectors.results_by_area(survey=scope.survey, flt=flt, schools=scope.schools, by=by)
        for by in selectors.BREAKDOWNS
    ]


def _distribution_chart(results):
    """The Likert questions' shares of 1–5 as stacked bars: the figures of the results table, drawn."""
    if not results.likert:
        return ""
    rows = [
        charts.Stack(
            row.question.text,
            widths=[width for _v, _l, _c, _p, width in row.segments],
            texts=[f"{percent}%" for _v, _l, _c, percent, _w in row.segments],
        )
        for row in results.likert
    ]
    legend = [f"{value} — {label}" for value, label, *_rest in results.likert[0].segments]
    return charts.stacked_chart(rows, title=_("Distribution of answers, %"), legend=legend)


@login_required
@require_GET
def survey_results_chart(request, pk: int, fmt: str):
    """The results chart as PNG or SVG: the same scope, filter and anonymity rule as the results page."""
    if fmt not in CHART_TYPES:
        raise Http404
    scope, form, flt, reading = _results_context(request, pk)
    if flt is None:
        return _bad_filter(request, scope, form)
    results = selectors.survey_results(
        survey=scope.survey,
        flt=flt,
        with_texts=False,
        order=reading.order,
        negative_upto=reading.negative_upto,
    )
    if results.hidden:
        raise PermissionDenied(
            _("Fewer than %(k)s responses: the breakdown is hidden.") % {"k": selectors.anonymity_k()}
        )
    chart = _distribution_chart(results)
    if not chart:
        raise Http404
    return _chart_download(chart, name=f"survey-{scope.survey.pk}-distribution", fmt=fmt)


@login_required
def survey_export(request, pk: int, what: str, fmt: str):
    scope, form, flt, reading = _results_context(request, pk)
    if flt is None:
        return _bad_filter(request, scope, form)
    survey = scope.survey
    name = f"survey-{survey.pk}-{what}"
    delimiter = None
    if fmt == "csv":  # the reader's delimiter, ?sep=semicolon|comma; any other value changes nothing
        try:
            delimiter = csv_delimiter(sep=csv_separator(request.GET))
        except ExportParamError as exc:
            return bad_param_response(request, exc, reverse("surveys:results", args=[survey.pk]))
    if what == "distribution":
        results = selectors.survey_results(
            survey=survey, flt=flt, with_texts=False, order=reading.order, negative_upto=reading.negative_upto
        )
        if results.hidden:
            raise PermissionDenied(
                _("Fewer than %(k)s responses: the breakdown is hidden.") % {"k": selectors.anonymity_k()}
            )
        if fmt == "xlsx":
            return exports.distribution_xlsx_response(results, name, title=what)
        rows = exports.distribution_rows(results)
    elif what in selectors.BREAKDOWNS:
        if not scope.schools:
            raise Http404
        rows = exports.breakdown_rows(
            selectors.results_by_area(survey=survey, flt=flt, schools=scope.schools, by=what),
            k=selectors.anonymity_k(),
        )
    elif what == "raw":
        if scope.aggregates_only:
            raise PermissionDenied(_("Administrators see aggregates only: the raw answers are not exported."))
        if selectors.visible_responses(survey=survey, flt=flt).count() < selectors.anonymity_k():
            raise PermissionDenied
        if fmt == "xlsx":
            # A spreadsheet cannot be streamed: a worker builds it while the page shows progress.
            job = services.export_job_start(user=request.user, survey=survey, flt=flt, what="raw", fmt="xlsx")
            return redirect("surveys:export_job", job_id=job.pk)
        rows = exports.raw_rows(survey, flt)
    else:
        raise Http404
    if fmt == "csv":
        return exports.csv_response(rows, name, delimiter)
    if fmt == "xlsx":
        return exports.xlsx_response(rows, name, title=what)
    raise Http404


@login_required
def heatmap(request):
    user = request.user
    if not selectors.can_see_heatmap(user):
        raise PermissionDenied
    counts = selectors.competency_counts_for(user)
    across_schools = user.is_superuser or user_has_role(user, Role.MUNICIPAL_ADMIN)
    context = {"counts": counts, "across_schools": across_schools}
    if across_schools:
        context["competencies"], context["school_rows"] = selectors.heatmap_schools(user)
    page = paginate(
        request, teachers_visible_to(user).order_by("school__name", "full_name", "pk"), per_page=30
    )
    context["competencies_t"], context["teacher_rows"] = selectors.heatmap_teachers(user, page.object_list)
    context["page_obj"] = page
    return render(request, "surveys/heatmap.html", context)


@login_required
def export_job(request, job_id):
    """Progress of a large export; htmx polls the fragment until the file is ready."""
    job = selectors.export_job_for(user=request.user, job_id=job_id)
    return job_progress_response(
        request,
        job,
        page="surveys/export_job.html",
        poll_url=reverse("surveys:export_job", args=[job.pk]),
        result_url=reverse("surveys:export_download", args=[job.pk]),
        result_label=_("Download"),
    )


@login_required
def export_download(request, job_id):
    job = selectors.export_job_for(user=request.user, job_id=job_id)
    if job.state != job.State.DONE or not job.file:
        raise Http404
    return serve_file(request, job.file, filename=f"survey-{job.survey_id}-{job.what}.{job.fmt}")


@login_required
@require_GET
def survey_preview(request, pk: int):
    """The survey as a teacher will see it, page by page, before it is published (authors only; nothing saved)."""
    survey = selectors.survey_for_author(user=request.user, survey_id=pk)
    sections = [s for s in selectors.survey_sections(survey) if s.questions.all()]
    try:
        page = int(request.GET.get("page") or 1)
    except ValueError:
        page = 1
    page = min(max(page, 1), len(sections)) if sections else 1
    section = sections[page - 1] if sections else None
    form = SectionForm(None, questions=list(section.questions.all())) if section else None
    return render(
        request,
        "surveys/preview.html",
        {
            "survey": survey,
            "section": section,
            "form": form,
            "page": page,
            "pages": len(sections),
            "problems": services.survey_publish_problems(survey),
            "has_responses": services.survey_has_responses(survey),
            "admin_url": reverse("admin:surveys_survey_change", args=[survey.pk]),
        },
    )


@login_required
@require_POST
def survey_publish(request, pk: int):
    """Publish from the preview; what to fix is listed when the survey cannot be completed yet."""
    survey = selectors.survey_for_author(user=request.user, survey_id=pk)
    try:
        services.survey_publish(user=request.user, survey=survey)
    except services.SurveyError:
        messages.error(request, _("The survey cannot be published yet: fix what is listed below."))
        return redirect("surveys:preview", pk=survey.pk)
    messages.success(
        request, _("“%(title)s” is published: teachers can answer it now.") % {"title": survey.title}
    )
    return redirect("surveys:preview", pk=survey.pk)


@login_required
@require_GET
def survey_non_respondents(request, pk: int):
    """The author's follow-up: how many have not answered, who (named surveys), and "remind now"."""
    survey = selectors.survey_for_author(user=request.user, survey_id=pk)
    follow_up = selectors.survey_follow_up(survey=survey)
    context = {"survey": survey, "follow_up": follow_up, "filter_errors": []}
    if follow_up.names_shown:
        filterset = NonRespondentFilterSet(
            request.GET or None, queryset=selectors.non_respondent_list(survey=survey), survey=survey
        )
        people = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
        context.update(
            filterset=filterset,
            filter_errors=filterset.error_lines,
            page_obj=paginate(request, people),
            filtered=bool(
                filterset.is_bound and filterset.is_valid() and filterset.form.cleaned_data["school"]
            ),
        )
    return render(request, "surveys/non_respondents.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def survey_remind_now(request, pk: int):
    """GET: the confirmation (who and which step); POST: send (once per person and step)."""
    survey = selectors.survey_for_author(user=request.user, survey_id=pk)
    if request.method == "GET":
        follow_up = selectors.survey_follow_up(survey=survey)
        if follow_up.to_send is None:
            return redirect("surveys:non_respondents", pk=survey.pk)
        return render(request, "surveys/remind_now_confirm.html", {"survey": survey, "follow_up": follow_up})
    try:
        done = services.survey_remind_now(user=request.user, survey=survey)
    except services.SurveyError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("surveys:non_respondents", pk=survey.pk)
    if done.queued:
        messages.success(
            request,
            ngettext(
                "Reminder “%(step)s” is going out to %(n)d person who has not answered yet.",
                "Reminder “%(step)s” is going out to %(n)d people who have not answered yet.",
                done.queued,
            )
            % {"step": done.step.label, "n": done.queued},
        )
    else:
        messages.info(
            request,
            _(
                "Nothing was sent: everyone who has not answered has already been reminded at the step "
                "“%(step)s”. A person gets each reminder step once."
            )
            % {"step": done.step.label},
        )
    return redirect("surveys:non_respondents", pk=survey.pk)
