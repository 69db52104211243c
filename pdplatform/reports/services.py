"""Report exports: what a file holds for each report, the export log, and background export jobs.

Every export — a streamed file, a worker's file, an API pull — writes one ExportLog row (who, when,
which filters, how many rows). A background job re-applies the owner's scope when it runs: the
filters it stored are validated again against what the owner may see then.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts import services as account_services
from accounts.models import SchoolMoveRequest
from accounts.roles import Role
from accounts.selectors import users_with_role
from cohorts.models import Cohort
from cohorts.services.notify import lazy_format
from core.exports import Column, ExportParamError, Sheet, csv_delimiter, csv_separator, write_csv, write_xlsx
from core.i18n import language_of
from core.jobs import job_running
from core.progress import stalled_cutoff
from notifications.services import notification_send

from . import selectors
from .filters import EnrollmentFilterSet, MonitoringFilterSet, TeacherFilterSet
from .models import ExportJob, ExportLog, ReportKind


class ReportError(ValidationError):
    """A report request that cannot be served (bad filters, not allowed); the message is for the user."""


FORMATS = ("csv", "xlsx")


def async_threshold() -> int:
    return int(getattr(settings, "REPORTS_EXPORT_ASYNC_ROWS", 50_000))


@dataclass
class ExportSpec:
    """What one export writes: sheets (CSV writes the first), the row count, the filename, the filters."""

    report: str
    sheets: list[Sheet]
    count: int
    filename: str
    params: dict

    @property
    def columns(self) -> list[Column]:
        return self.sheets[0].columns

    @property
    def rows(self):
        return self.sheets[0].rows


def _errors_text(filterset) -> str:
    return " ".join(filterset.error_lines)


def school_filterset(*, user, data) -> EnrollmentFilterSet:
    """The school report's filters for `user` (their schools, courses and cohorts are the choices)."""
    return EnrollmentFilterSet(data or {}, queryset=selectors.school_enrollments_in_scope(user), user=user)


def _enrollment_rows(qs) -> Iterator[list]:
    for r in qs.iterator(chunk_size=2000):
        yield selectors.enrollment_row_values(r)


def _teacher_rows(qs, cycle) -> Iterator[list]:
    for teacher in qs.iterator(chunk_size=1000):
        yield selectors.teacher_row_values(teacher, cycle)


def school_export_spec(*, user, data, with_ledger: bool = True) -> ExportSpec:
    """The school report exactly as filtered (+ the hours ledger sheet in a workbook)."""
    if not selectors.can_see_school_report(user):
        raise ReportError(_("You have no school report."), code="forbidden")
    filterset = school_filterset(user=user, data=data)
    if not filterset.is_valid():
        raise ReportError(_errors_text(filterset), code="bad_filter")
    flt = filterset.enrollment_filters()
    qs = selectors.school_report_rows(user=user, flt=flt)
    sheets = [Sheet(_("Teachers and cohorts"), selectors.enrollment_columns(), _enrollment_rows(qs))]
    if with_ledger:
        cycle = selectors.current_cycle()
        teachers = selectors.teacher_report(user=user, school=flt.school, subject=flt.subject, cycle=cycle)
        sheets.append(Sheet(_("Hours ledger"), selectors.teacher_columns(), _teacher_rows(teachers, cycle)))
    return ExportSpec(ReportKind.SCHOOL, sheets, qs.count(), "school-report", flt.as_params())


def teacher_filterset(*, user, data) -> TeacherFilterSet:
    return TeacherFilterSet(data or {}, queryset=selectors.report_teachers(user), user=user)


def teachers_export_spec(*, user, data) -> ExportSpec:
    if not selectors.can_see_school_report(user):
        raise ReportError(_("You have no school report."), code="forbidden")
    filterset = teacher_filterset(user=user, data=data)
    if not filterset.is_valid():
        raise ReportError(_errors_text(filterset), code="bad_filter")
    cycle = selectors.current_cycle()
    qs = selectors.teacher_report(user=user, cycle=cycle, **filterset.teacher_filters())
    params = filterset.params()
    return ExportSpec(
        ReportKind.TEACHERS,
        [Sheet(_("Hours ledger"), selectors.teacher_columns(), _teacher_rows(qs, cycle))],
        qs.count(),
        "teachers-hours",
        params,
    )


def cohort_export_spec(*, user, cohort_id) -> ExportSpec:
    try:
        cohort = selectors.cohort_for_report(user=user, cohort_id=int(cohort_id))
    except (Cohort.DoesNotExist, TypeError, ValueError):
        raise ReportError(_("There is no such cohort among yours."), code="not_found") from None
    qs = selectors.cohort_report_rows(cohort)
    summary = selectors.cohort_school_summary(cohort)
    sheets = [
        Sheet(_("Teachers"), selectors.enrollment_columns(), _enrollment_rows(qs)),
        Sheet(
            _("Schools"),
            [
                Column(_("School"), width=30),
                Column(_("Teachers"), "int", 10),
                Column(_("Learning"), "int", 10),
                Column(_("Completed"), "int", 10),
                Column(_("Feedback survey filled"), "int", 12),
            ],
            [
                [
                    r["teacher__school__name"] or "—",
                    r["teachers"],
                    r["learning"],
                    r["completed"],
                    r["feedback"],
                ]
                for r in summary
            ],
        ),
    ]
    return ExportSpec(ReportKind.COHORT, sheets, qs.count(), f"cohort-{cohort.pk}", {"cohort": cohort.pk})


def monitoring_export_spec(*, user, data) -> ExportSpec:
    if not selectors.can_see_monitoring(user):
        raise ReportError(_("Municipal monitoring is for municipal administrators."), code="forbidden")
    filterset = MonitoringFilterSet(data)
    if not filterset.is_valid():
        raise ReportError(_errors_text(filterset), code="bad_filter")
    year = filterset.year_value()
    data = selectors.monitoring(user=user, year=year)
    sheets = selectors.monitoring_sheets(data)
    count = sum(len(s.rows) for s in sheets)
    return ExportSpec(ReportKind.MONITORING, sheets, count, f"monitoring-{year}", {"year": year})


def spec_for(*, user, report: str, params: dict) -> ExportSpec:
    if report == ReportKind.SCHOOL:
        return school_export_spec(user=user, data=params)
    if report == ReportKind.TEACHERS:
        return teachers_export_spec(user=user, data=params)
    if report == ReportKind.COHORT:
        return cohort_export_spec(user=user, cohort_id=params.get("cohort"))
    if report == ReportKind.MONITORING:
        return monitoring_export_spec(user=user, data=params)
    raise ReportError(_("Unknown report."), code="unknown_report")


def export_log_record(
    *, user, report: str, fmt: str, filters: dict, rows: int, via: str = "web"
) -> ExportLog:
    """Every export leaves a trace: who, when, which filters, how many rows."""
    return ExportLog.objects.create(user=user, report=report, fmt=fmt, filters=filters, rows=rows, via=via)


def export_job_start(*, user, report: str, fmt: str, params: dict) -> ExportJob:
    """Queue a large export for a worker (heavy queue), after commit."""
    if fmt not in FORMATS:
        raise ReportError(_("Unknown format."), code="bad_format")
    job = ExportJob.objects.create(requested_by=user, report=report, fmt=fmt, params=params)
    from .tasks import export_report

    transaction.on_commit(lambda: export_report.delay(str(job.pk)))
    return job


def export_job_run(*, job_id) -> ExportJob | None:
    """Build the job's file; idempotent: a finished job is left alone, a re-run rewrites a running one."""
    job = ExportJob.objects.select_related("requested_by").filter(pk=job_id).first()
    if job is None or job.state in (ExportJob.State.DONE, ExportJob.State.FAILED):
        return job
    try:
        spec = spec_for(user=job.requested_by, report=job.report, params=job.params)
        # The delimiter the requester chose (stored with the job), else that of the file's language.
        delimiter = csv_delimiter(sep=csv_separator(job.params))
    except (ReportError, ExportParamError) as exc:
        ExportJob.objects.filter(pk=job.pk).update(
            state=ExportJob.State.FAILED, error=" ".join(exc.messages)[:500], finished_at=timezone.now()
        )
        return ExportJob.objects.get(pk=job.pk)
    ExportJob.objects.filter(pk=job.pk).update(**job_running(), total=spec.count, done=0)

    job_pk = job.pk

    def progress(n: int) -> None:
        if n % 1000 == 0:
            ExportJob.objects.filter(pk=job_pk).update(done=min(n, spec.count), progressed_at=timezone.now())

    with tempfile.TemporaryFile() as handle:
        if job.fmt == "csv":

            def counted():
                for n, row in enumerate(spec.rows, start=1):
                    progress(n)
                    yield row

            write_csv(handle, spec.columns, counted(), delimiter)
        else:
            write_xlsx(handle, spec.sheets, on_row=progress)
        handle.seek(0)
        job.file.save(f"{job.pk}.{job.fmt}", File(handle), save=False)
    # Two runs of one job (a redelivery, or the sweep resuming a slow one): the first to finish wins;
    # the other removes its file, so nothing is logged or announced twice and no file is left behind.
    # "Done", its log row and the notice commit together: whoever sees the job done finds both.
    with transaction.atomic():
        finished = ExportJob.objects.filter(
            pk=job.pk, state__in=[ExportJob.State.QUEUED, ExportJob.State.RUNNING]
        ).update(
            file=job.file.name,
            state=ExportJob.State.DONE,
            done=spec.count,
            total=spec.count,
            finished_at=timezone.now(),
        )
        if finished:
            export_log_record(
                user=job.requested_by,
                report=job.report,
                fmt=job.fmt,
                filters=spec.params,
                rows=spec.count,
                via="task",
            )
            notification_send(
                recipient=job.requested_by,
                kind="export_ready",
                title=_("Your report export is ready"),
                body=_("The file is ready to download."),
                url=reverse("reports:job", kwargs={"job_id": job.pk}),
                dedupe_key=f"report-export-{job.pk}",
            )
    if not finished:
        job.file.delete(save=False)
    job = ExportJob.objects.get(pk=job.pk)
    return job


EXPORT_RESUME_WITHIN = timedelta(hours=24)


def export_jobs_resume(*, now=None, limit: int = 50) -> list:
    """The sweep: a waiting or running export with no progress (and not resumed) for PDP_STALLED_AFTER is
    queued again (rebuilt whole; the first run to finish wins). One asked for more than a day ago is
    marked failed instead: its requester is told on the page to ask again."""
    from .tasks import export_report

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
            job = (
                ExportJob.objects.select_for_update(skip_locked=True)
                .filter(stalled, pk=pk)
                .select_related("requested_by")
                .first()
            )
            if job is None:
                continue
            if job.created_at < now - EXPORT_RESUME_WITHIN:
                with translation.override(language_of(job.requested_by)):
                    job.error = str(_("The export stopped and was not finished; please ask for it again."))
                job.state, job.finished_at = ExportJob.State.FAILED, now
                job.save(update_fields=["error", "state", "finished_at"])
                continue
            job.resumed_at = now
            job.resumed_count = F("resumed_count") + 1
            job.save(update_fields=["resumed_at", "resumed_count"])
            transaction.on_commit(partial(export_report.delay, str(pk)))
            resumed.append(pk)
    return resumed


# --- School moves: the receiving school decides; the teacher (and, on approval, the old school's
# administrators) are told, each in their own language (decision 0393) ---


@transaction.atomic
def school_move_ask(*, teacher, to_school_id, reason: str) -> SchoolMoveRequest:
    """The teacher's request; the receiving school's administrators are told a decision waits for them."""
    move = account_services.school_move_request_create(
        teacher=teacher, to_school_id=to_school_id, reason=reason
    )
    for admin in users_with_role(Role.SCHOOL_ADMIN).filter(school_id=move.to_school_id):
        notification_send(
            recipient=admin,
            kind="school_move",
            title=lazy_format(
                _("%(teacher)s asks to move to %(school)s"),
                teacher=teacher.display_name,
                school=move.to_school.name,
            ),
            body=lazy_format(_("Reason: %(reason)s"), reason=move.reason),
            url=reverse("reports:school_moves"),
        )
    return move


@transaction.atomic
def school_move_approve(*, move_id, decider) -> SchoolMoveRequest:
    move = account_services.school_move_approve(move_id=move_id, decider=decider)
    url = reverse("profile_edit")
    notification_send(
        recipient=move.teacher,
        kind="school_move",
        title=lazy_format(_("Your move to %(school)s is approved"), school=move.to_school.name),
        body=lazy_format(
            _("You now work at %(school)s; your record moved with you."), school=move.to_school.name
        ),
        url=url,
    )
    if move.from_school_id:
        for admin in users_with_role(Role.SCHOOL_ADMIN).filter(school_id=move.from_school_id):
            notification_send(
                recipient=admin,
                kind="school_move",
                title=lazy_format(
                    _("%(teacher)s moved to %(school)s"),
                    teacher=move.teacher.display_name,
                    school=move.to_school.name,
                ),
                body=_(
                    "The receiving school approved the move; the teacher no longer appears in your reports."
                ),
                url=reverse("reports:school_changes"),
            )
    return move


@transaction.atomic
def school_move_reject(*, move_id, decider, reason: str) -> SchoolMoveRequest:
    move = account_services.school_move_reject(move_id=move_id, decider=decider, reason=reason)
    notification_send(
        recipient=move.teacher,
        kind="school_move",
        title=lazy_format(_("Your move to %(school)s is rejected"), school=move.to_school.name),
        body=lazy_format(_("Reason: %(reason)s"), reason=move.rejection_reason),
        url=reverse("profile_edit"),
    )
    return move


@transaction.atomic
def teacher_import_run(*, school, admin, rows: list[dict]) -> int:
    """Create (or attach) every teacher of the file in one transaction, then invite each in their
    language with a one-time link to set a password; any bad row and nothing is written or sent."""
    people = account_services.teacher_import_commit(school=school, admin=admin, rows=rows)
    for person in people:
        notification_send(
            recipient=person,
            kind="school_invitation",
            title=lazy_format(_("%(school)s invites you to pdplatform"), school=school.name),
            body=lazy_format(
                _(
                    "Your school added you to the platform. Open the link to set your password; then sign in "
                    "with %(email)s."
                ),
                email=person.email,
            ),
            url=account_services.set_password_path(person),
        )
    return len(people)
