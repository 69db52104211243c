"""Report pages and exports. Thin: forms parse, selectors read (scoped), services export and log.

One file: every page under /reports/ (school, cohort, teachers, monitoring, school moves, the teacher
import) shares the same scope checks, filter forms and export responses; the school moves and the import
live here because only the reports layer may notify across schools (decision 0393).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import localize
from django.utils.functional import SimpleLazyObject
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.forms import ProfileForm, SchoolMoveForm, SchoolMoveRejectForm
from accounts.imports import read_teacher_file
from accounts.selectors import school_changes_visible_to, school_moves_to_decide
from accounts.services import AccountError, teacher_import_check
from accounts.views import profile_page
from cohorts.models import Cohort
from core import charts
from core.caching import personal_cache
from core.exports import ExportParamError, csv_delimiter, csv_response, csv_separator, xlsx_response
from core.files import serve_file
from core.jobs import job_progress_response
from core.pagination import paginate
from core.ratelimit import RateLimited, too_many
from core.uploads import UploadRefused

from . import selectors, services
from .filters import MonitoringFilterSet
from .forms import TeacherImportForm
from .models import ExportJob


def _query_without(request, *names) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def _export(request, spec, fmt: str):
    """Stream a small export, or hand a large one to a worker and show its progress page."""
    if fmt not in services.FORMATS:
        raise Http404
    params, delimiter = spec.params, None
    if fmt == "csv":  # the reader's delimiter (?sep=semicolon|comma); a chosen one is kept with a job
        try:
            delimiter = csv_delimiter(sep=csv_separator(request.GET))
        except ExportParamError as exc:
            return _bad_filter(request, " ".join(exc.messages))
        if request.GET.get("sep"):
            params = {**params, "sep": request.GET["sep"]}
    if spec.count > services.async_threshold():
        job = services.export_job_start(user=request.user, report=spec.report, fmt=fmt, params=params)
        return redirect("reports:job", job_id=job.pk)
    services.export_log_record(
        user=request.user, report=spec.report, fmt=fmt, filters=spec.params, rows=spec.count
    )
    if fmt == "csv":
        return csv_response(spec.columns, spec.rows, spec.filename, delimiter)
    return xlsx_response(spec.sheets, spec.filename)


def _cells(rows, skip: frozenset = frozenset()) -> list[str]:
    """Each row as its <tr>, numbers aligned right; `skip` drops columns by index.

    Built here rather than in the template: a page of 20 rows × 14 cells was 280 template loops with
    their conditions, a third of the page's time. Values are localized and escaped as {{ value }} would.
    """
    numeric = [c.kind in ("int", "number", "percent") for c in selectors.enrollment_columns()]
    return [
        mark_safe(  # noqa: S308 - every value is escaped
            "<tr>"
            + "".join(
                ('<td class="text-end">' if is_number else "<td>")
                + ("—" if value is None or value == "" else conditional_escape(localize(value)))
                + "</td>"
                for i, (value, is_number) in enumerate(
                    zip(selectors.enrollment_row_values(r), numeric, strict=False)
                )
                if i not in skip
            )
            + "</tr>"
        )
        for r in rows
    ]


# On a cohort's own page the course, its hours, the cohort and its dates are the same on every row.
COHORT_PAGE_SKIP = frozenset({3, 4, 5, 6, 7})


# The school report's columns on the page (selectors.enrollment_columns, in order), by key. The reader picks
# the ones to show (?cols=…, remembered in their session); the teacher's name always shows, first and sticky.
# Exports keep every column.
SCHOOL_COLUMNS = (
    "teacher",
    "email",
    "school",
    "course",
    "hours",
    "cohort",
    "starts",
    "ends",
    "state",
    "progress",
    "accepted",
    "assignments",
    "score",
    "attendance",
    "feedback",
    "completed",
    "certificate",
)
SCHOOL_COLUMNS_DEFAULT = ("teacher", "email", "school", "course", "cohort", "state", "progress", "completed")
SCHOOL_COLUMNS_SESSION_KEY = "reports_school_columns"


def _school_columns(request) -> list[str] | None:
    """The columns asked for in the URL (unknown keys dropped, the teacher's name always), or None."""
    if "cols" not in request.GET:
        return None
    asked = {key for value in request.GET.getlist("cols") for key in value.split(",")}
    if "default" in asked:
        return list(SCHOOL_COLUMNS_DEFAULT)
    chosen = [key for key in SCHOOL_COLUMNS if key in asked] or list(SCHOOL_COLUMNS_DEFAULT)
    return chosen if "teacher" in chosen else ["teacher", *chosen]


def _bad_filter(request, message: str):
    return render(request, "reports/error.html", {"message": message}, status=400)


@login_required
def home(request):
    """The school report (teachers × cohorts) for school and municipal administrators."""
    user = request.user
    if not selectors.can_see_school_report(user):
        if selectors.can_see_cohort_reports(user):
            return redirect("reports:cohorts")
        raise PermissionDenied
    chosen = _school_columns(request)
    if chosen is None:
        # The columns ride in the URL (the page's cache is keyed by it); the ones chosen last come back.
        remembered = request.session.get(SCHOOL_COLUMNS_SESSION_KEY)
        if remembered:
            query = request.GET.copy()
            query["cols"] = ",".join(remembered)
            return redirect(f"{reverse('reports:home')}?{query.urlencode()}")
        chosen = list(SCHOOL_COLUMNS_DEFAULT)
    elif request.session.get(SCHOOL_COLUMNS_SESSION_KEY) != chosen:
        request.session[SCHOOL_COLUMNS_SESSION_KEY] = chosen
    skip = frozenset(i for i, key in enumerate(SCHOOL_COLUMNS) if key not in chosen)
    all_columns = selectors.enrollment_columns()
    filterset = services.school_filterset(user=user, data=request.GET)
    valid = filterset.is_valid()

    def rows_page():  # read only when the cached report is missing or stale
        page = paginate(request, selectors.school_report_rows(user=user, flt=filterset.enrollment_filters()))
        page.object_list = _cells(page.object_list, skip)
        return page

    return render(
        request,
        "reports/school.html",
        {
            "form": filterset.form,
            "filter_errors": filterset.error_lines,
            "valid": valid,
            "page": SimpleLazyObject(rows_page) if valid else None,
            **personal_cache(request, *selectors.report_scopes(user), cacheable=valid),
            "columns": [c for i, c in enumerate(all_columns) if i not in skip],
            "column_choices": [
                {"key": key, "header": column.header, "shown": key in chosen}
                for key, column in zip(SCHOOL_COLUMNS, all_columns, strict=True)
            ],
            "chosen_columns": chosen,
            "column_query": [
                (name, value)
                for name, values in request.GET.lists()
                if name not in ("cols", "page")
                for value in values
            ],
            "sticky_first": True,
            "query": _query_without(request, "page"),
            "sort_query": _query_without(request, "page", "sort"),
            "current_sort": request.GET.get("sort", ""),
            "sorts": ["teacher", "school", "course", "cohort", "starts", "state", "progress", "score"],
            "tabs": _tabs(user, "school"),
            "threshold": services.async_threshold(),
        },
        status=200 if valid else 400,
    )


def _tabs(user, active: str) -> list[dict]:
    tabs = []
    if selectors.can_see_school_report(user):
        tabs += [
            {"key": "school", "url": reverse("reports:home"), "label": _("Teachers and cohorts")},
            {"key": "teachers", "url": reverse("reports:teachers"), "label": _("Hours and three-year cycle")},
        ]
    if selectors.can_see_school_report(user):
        tabs += [
            {"key": "moves", "url": reverse("reports:school_moves"), "label": _("School moves")},
            {"key": "changes", "url": reverse("reports:school_changes"), "label": _("Who moved")},
            {"key": "import", "url": reverse("reports:teacher_import"), "label": _("Import teachers")},
        ]
    if selectors.can_see_monitoring(user):
        tabs.append(
            {"key": "monitoring", "url": reverse("reports:monitoring"), "label": _("Municipal monitoring")}
        )
    if selectors.can_see_cohort_reports(user):
        tabs.append({"key": "cohorts", "url": reverse("reports:cohorts"), "label": _("Cohort reports")})
    for tab in tabs:
        tab["active"] = tab["key"] == active
    return tabs


@login_required
@require_GET
def school_export(request, fmt: str):
    try:
        spec = services.school_export_spec(user=request.user, data=request.GET)
    except services.ReportError as exc:
        if exc.code == "forbidden":
            raise PermissionDenied from None
        return _bad_filter(request, " ".join(exc.messages))
    return _export(request, spec, fmt)


@login_required
def teachers(request):
    user = request.user
    if not selectors.can_see_school_report(user):
        raise PermissionDenied
    filterset = services.teacher_filterset(user=user, data=request.GET)
    valid = filterset.is_valid()
    cycle = selectors.current_cycle()

    def teachers_page():  # read only when the cached report is missing or stale
        page = paginate(
            request, selectors.teacher_report(user=user, cycle=cycle, **filterset.teacher_filters())
        )
        for teacher in page.object_list:
            teacher.behind = teacher.cycle_total < cycle.expected_now
        return page

    return render(
        request,
        "reports/teachers.html",
        {
            "form": filterset.form,
            "filter_errors": filterset.error_lines,
            "valid": valid,
            "page": SimpleLazyObject(teachers_page) if valid else None,
            "cycle": cycle,
            "query": _query_without(request, "page"),
            "tabs": _tabs(user, "teachers"),
            **personal_cache(request, *selectors.report_scopes(user), cacheable=valid),
        },
        status=200 if valid else 400,
    )


@login_required
@require_GET
def teachers_export(request, fmt: str):
    try:
        spec = services.teachers_export_spec(user=request.user, data=request.GET)
    except services.ReportError as exc:
        if exc.code == "forbidden":
            raise PermissionDenied from None
        return _bad_filter(request, " ".join(exc.messages))
    return _export(request, spec, fmt)


@login_required
def cohorts(request):
    if not selectors.can_see_cohort_reports(request.user):
        raise PermissionDenied
    page = paginate(request, selectors.cohorts_for_reports(request.user))
    return render(request, "reports/cohorts.html", {"page": page, "tabs": _tabs(request.user, "cohorts")})


@login_required
def cohort_report(request, cohort_id: int):
    try:
        cohort = selectors.cohort_for_report(user=request.user, cohort_id=cohort_id)
    except Cohort.DoesNotExist:
        raise Http404 from None
    page = paginate(request, selectors.cohort_report_rows(cohort), per_page=50)
    page.object_list = _cells(page.object_list, COHORT_PAGE_SKIP)
    return render(
        request,
        "reports/cohort.html",
        {
            "cohort": cohort,
            "page": page,
            "columns": [c for i, c in enumerate(selectors.enrollment_columns()) if i not in COHORT_PAGE_SKIP],
            "summary": selectors.cohort_school_summary(cohort),
            "response": selectors.cohort_response_stats(cohort),
            "reviews": selectors.review_time_stats(cohort),
            "tabs": _tabs(request.user, "cohorts"),
        },
    )


@login_required
@require_GET
def cohort_export(request, cohort_id: int, fmt: str):
    try:
        spec = services.cohort_export_spec(user=request.user, cohort_id=cohort_id)
    except services.ReportError:
        raise Http404 from None
    return _export(request, spec, fmt)


@login_required
def monitoring(request):
    user = request.user
    if not selectors.can_see_monitoring(user):
        raise PermissionDenied

    filterset = MonitoringFilterSet(request.GET)
    form = filterset.form
    if not filterset.is_valid():
        return render(
            request,
            "reports/monitoring.html",
            {"form": form, "filter_errors": filterset.error_lines, "tabs": _tabs(user, "monitoring")},
            status=400,
        )
    data = selectors.monitoring(user=user, year=filterset.year_value())
    chart_data = {
        "share": charts.bar_chart(
            [(r["name"], r["share_3y"] or 0) for r in data["by_school"]],
            max_value=100,
            suffix="%",
            title=_("Teachers with a completed course in 3 years, %"),
        ),
        "trained": charts.bar_chart(
            [(r["name"], r["trained_year"]) for r in data["by_school"]],
            title=_("Teachers trained this school year"),
        ),
        "deficits": charts.pair_chart(
            [
                (f"{r['competency__code']} {r['competency__name']}", r["found"], r["fixed"])
                for r in data["deficits"]
            ],
            title=_("Deficits found vs addressed"),
            labels=(_("found"), _("addressed")),
        ),
        "young": charts.pair_chart(
            [(r["name"], r["young_mentored"], r["young_unmentored"]) for r in data["mentoring"]],
            title=_("Young teachers with and without a mentor"),
            labels=(_("with a mentor"), _("without")),
        ),
    }
    return render(
        request,
        "reports/monitoring.html",
        {
            "form": form,
            "data": data,
            "charts": chart_data,
            "tabs": _tabs(user, "monitoring"),
            "query": request.GET.urlencode(),
        },
    )


@login_required
@require_GET
def monitoring_export(request):
    try:
        spec = services.monitoring_export_spec(user=request.user, data=request.GET)
    except services.ReportError as exc:
        if exc.code == "forbidden":
            raise PermissionDenied from None
        return _bad_filter(request, " ".join(exc.messages))
    return _export(request, spec, "xlsx")


def _job_or_404(request, job_id) -> ExportJob:
    try:
        return selectors.export_job_for(user=request.user, job_id=job_id)
    except ExportJob.DoesNotExist:
        raise Http404(_("There is no such export of yours.")) from None


@login_required
def job(request, job_id):
    job = _job_or_404(request, job_id)
    return job_progress_response(
        request,
        job,
        page="reports/job.html",
        poll_url=reverse("reports:job", args=[job.pk]),
        result_url=reverse("reports:job_download", args=[job.pk]),
        result_label=_("Download"),
        tabs=_tabs(request.user, ""),
    )


@login_required
def job_download(request, job_id):
    job = _job_or_404(request, job_id)
    if job.state != ExportJob.State.DONE or not job.file:
        return render(request, "reports/error.html", {"message": _("The file is not ready yet.")}, status=409)
    return serve_file(request, job.file, filename=f"{job.report}-report.{job.fmt}")


def _moves_page(request, reject_form=None, reject_for=None, status=200):
    user = request.user
    return render(
        request,
        "reports/school_moves.html",
        {
            "page": paginate(request, school_moves_to_decide(user)),
            "reject_form": reject_form,
            "reject_for": reject_for,
            "tabs": _tabs(user, "moves"),
        },
        status=status,
    )


@login_required
@require_GET
def school_moves(request):
    """Teachers asking to move into the schools this administrator runs: approve or reject."""
    if not selectors.can_see_school_report(request.user):
        raise PermissionDenied
    return _moves_page(request)


@login_required
@require_POST
def school_move_decide(request, move_id: int):
    user = request.user
    if not selectors.can_see_school_report(user):
        raise PermissionDenied
    decision = request.POST.get("decision")
    try:
        if decision == "approve":
            move = services.school_move_approve(move_id=move_id, decider=user)
            messages.success(
                request,
                _("%(teacher)s now works at %(school)s.")
                % {"teacher": move.teacher.display_name, "school": move.to_school.name},
            )
        elif decision == "reject":
            form = SchoolMoveRejectForm(request.POST)
            if not form.is_valid():
                if not school_moves_to_decide(user).filter(pk=move_id).exists():
                    raise Http404
                return _moves_page(request, reject_form=form, reject_for=move_id, status=400)
            move = services.school_move_reject(
                move_id=move_id, decider=user, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("The request is rejected; the teacher is told why."))
        else:
            return _bad_filter(request, _("Choose to approve or to reject."))
    except AccountError as exc:
        if exc.code in ("not_found", "forbidden"):
            raise Http404 from None
        messages.error(request, exc.messages[0])
    return redirect("reports:school_moves")


@login_required
@require_GET
def school_changes(request):
    """The audit trail: every change of school into or out of the schools this administrator runs."""
    if not selectors.can_see_school_report(request.user):
        raise PermissionDenied
    return render(
        request,
        "reports/school_changes.html",
        {
            "page": paginate(request, school_changes_visible_to(request.user)),
            "tabs": _tabs(request.user, "changes"),
        },
    )


def _import_salt(user, school_id) -> str:
    return f"reports.teacher_import:{user.pk}:{school_id}"


@login_required
def teacher_import(request):
    """Upload a school's teacher list: a preview lists each row's errors and writes nothing; the import
    itself re-checks every row and writes all or nothing (decision 0393)."""
    user = request.user
    if not selectors.can_see_school_report(user):
        raise PermissionDenied
    schools = selectors.report_schools(user)
    context = {"tabs": _tabs(user, "import"), "preview": None, "token": ""}
    status = 200
    if request.method == "POST" and request.POST.get("action") == "commit":
        school = schools.filter(pk=request.POST.get("school") or 0).first()
        if school is None:
            raise Http404
        try:
            rows = signing.loads(
                request.POST.get("token", ""), salt=_import_salt(user, school.pk), max_age=3600
            )
            count = services.teacher_import_run(school=school, admin=user, rows=rows)
        except signing.BadSignature:
            messages.error(request, _("The preview is out of date: upload the file again."))
        except AccountError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(
                request,
                _("Teachers imported into %(school)s: %(count)d; each got an invitation by e-mail.")
                % {"count": count, "school": school.name},
            )
            return redirect("reports:school_changes")
        form = TeacherImportForm(schools=schools, initial={"school": school})
    elif request.method == "POST":
        form = TeacherImportForm(request.POST, request.FILES, schools=schools)
        if form.is_valid():
            school = form.cleaned_data["school"]
            try:
                rows = read_teacher_file(form.cleaned_data["file"])
            except UploadRefused as exc:
                form.add_error("file", exc.messages[0])
                status = 400
            else:
                checked = teacher_import_check(school=school, rows=rows)
                context["preview"] = checked
                context["preview_school"] = school
                context["bad_rows"] = sum(1 for item in checked if item.errors)
                if context["bad_rows"]:
                    status = 400
                else:
                    context["token"] = signing.dumps(rows, salt=_import_salt(user, school.pk))
        else:
            status = 400
    else:
        form = TeacherImportForm(schools=schools)
    context["form"] = form
    return render(request, "reports/teacher_import.html", context, status=status)


@login_required
@require_POST
def school_move_create(request):
    """The teacher asks to move (the form on their profile page); the receiving school decides (0393)."""
    user = request.user
    move_form = SchoolMoveForm(request.POST, municipality_id=request.POST.get("municipality") or None)
    refused: BaseException | None = None
    if move_form.is_valid():
        try:
            services.school_move_ask(
                teacher=user,
                to_school_id=str(move_form.cleaned_data["to_school"].pk),
                reason=move_form.cleaned_data["reason"],
            )
        except (AccountError, RateLimited) as exc:
            move_form.add_error(None, exc.messages[0])
            refused = exc
        else:
            messages.success(
                request, _("Your request is sent. You stay at your school until it is approved.")
            )
            return redirect("profile_edit")
    form = ProfileForm(
        initial=ProfileForm.initial_for(user),
        municipality_id=user.municipality_id,
        school_locked=user.school_id is not None,
    )
    return too_many(profile_page(request, form, move_form=move_form, status=400), refused)
