"""Report exports: what a file holds for each report, the export log, and background export jobs.

Every export — a streamed file, a worker's file, an API pull — writes one ExportLog row (who, when,
which filters, how many rows). A background job re-applies the owner's scope when it runs: the
filters it stored are validated again against what the owner may see then.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pdplatform.models import ExportJob, ExportLog, ReportKind

from . import selectors
from .exports import Column, Sheet, write_csv, write_xlsx
from .forms import EnrollmentFilterForm, MonitoringForm, TeacherFilterForm


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


def _errors_text(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def school_filter_form(*, user, data) -> EnrollmentFilterForm:
    return EnrollmentFilterForm(data or {}, **selectors.filter_choices(user))


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
    form = school_filter_form(user=user, data=data)
    if not form.is_valid():
        raise ReportError(_errors_text(form), code="bad_filter")
    flt = selectors.EnrollmentFilters.from_form(form)
    qs = selectors.school_report_rows(user=user, flt=flt)
    sheets = [Sheet(_("Teachers and cohorts"), selectors.enrollment_columns(), _enrollment_rows(qs))]
    if with_ledger:
        cycle = selectors.current_cycle()
        teachers = selectors.teacher_report(user=user, school=flt.school, subject=flt.subject, cycle=cycle)
        sheets.append(Sheet(_("Hours ledger"), selectors.teacher_columns(), _teacher_rows(teachers, cycle)))
    return ExportSpec(ReportKind.SCHOOL, sheets, qs.count(), "school-report", flt.as_params())


def teacher_filter_form(*, user, data) -> TeacherFilterForm:
    return TeacherFilterForm(data or {}, schools=selectors.report_schools(user))


def teachers_export_spec(*, user, data) -> ExportSpec:
    if not selectors.can_see_school_report(user):
        raise ReportError(_("You have no school report."), code="forbidden")
    form = teacher_filter_form(user=user, data=data)
    if not form.is_valid():
        raise ReportError(_errors_text(form), code="bad_filter")
    c = form.cleaned_data
    cycle = selectors.current_cycle()
    qs = selectors.teacher_report(user=user, show=c.get("show") or "", subject=c.get("subject"),
                                  school=c.get("school"), cycle=cycle)
    params = {k: (v.pk if hasattr(v, "pk") else v) for k, v in c.items() if v}
    return ExportSpec(ReportKind.TEACHERS, [Sheet(_("Hours ledger"), selectors.teacher_columns(),
                                                  _teacher_rows(qs, cycle))], qs.count(), "teachers-hours", params)


def cohort_export_spec(*, user, cohort_id) -> ExportSpec:
    from cohorts.models import Cohort

    try:
        cohort = selectors.cohort_for_report(user=user, cohort_id=int(cohort_id))
    except (Cohort.DoesNotExist, TypeError, ValueError):
        raise ReportError(_("There is no such cohort among yours."), code="not_found") from None
    qs = selectors.cohort_report_rows(cohort)
    summary = selectors.cohort_school_summary(cohort)
    sheets = [
        Sheet(_("Teachers"), selectors.enrollment_columns(), _enrollment_rows(qs)),
        Sheet(_("Schools"), [Column(_("School"), width=30), Column(_("Teachers"), "int", 10),
                             Column(_("Learning"), "int", 10), Column(_("Completed"), "int", 10),
                             Column(_("Feedback survey filled"), "int", 12)],
              [[r["teacher__school__name"] or "—", r["teachers"], r["learning"], r["completed"], r["feedback"]]
               for r in summary]),
    ]
    return ExportSpec(ReportKind.COHORT, sheets, qs.count(), f"cohort-{cohort.pk}", {"cohort": cohort.pk})


def monitoring_export_spec(*, user, data) -> ExportSpec:
    if not selectors.can_see_monitoring(user):
        raise ReportError(_("Municipal monitoring is for municipal administrators."), code="forbidden")
    form = MonitoringForm(data or None)
    if data and not form.is_valid():
        raise ReportError(_errors_text(form), code="bad_filter")
    year = form.year_value()
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


def export_log_record(*, user, report: str, fmt: str, filters: dict, rows: int, via: str = "web") -> ExportLog:
    """Every export leaves a trace: who, when, which filters, how many rows."""
    return ExportLog.objects.create(user=user, report=report, fmt=fmt, filters=filters, rows=rows, via=via)


def export_job_start(*, user, report: str, fmt: str, params: dict) -> ExportJob:
    """Queue a large export for a worker (heavy queue), after commit."""
    if fmt not in FORMATS:
        raise ReportError(_("Unknown format."), code="bad_format")
    job = ExportJob.objects.create(requested_by=user, report=report, fmt=fmt, params=params)
    from pdplatform.tasks import export_report

    transaction.on_commit(lambda: export_report.delay(str(job.pk)))
    return job


def export_job_run(*, job_id) -> ExportJob | None:
    """Build the job's file; idempotent: a finished job is left alone, a re-run rewrites a running one."""
    job = ExportJob.objects.select_related("requested_by").filter(pk=job_id).first()
    if job is None or job.state in (ExportJob.State.DONE, ExportJob.State.FAILED):
        return job
    try:
        spec = spec_for(user=job.requested_by, report=job.report, params=job.params)
    except ReportError as exc:
        ExportJob.objects.filter(pk=job.pk).update(state=ExportJob.State.FAILED, error=" ".join(exc.messages)[:500],
                                                   finished_at=timezone.now())
        return ExportJob.objects.get(pk=job.pk)
    ExportJob.objects.filter(pk=job.pk).update(state=ExportJob.State.RUNNING, total=spec.count, done=0)

    def progress(n: int) -> None:
        if n % 1000 == 0:
            ExportJob.objects.filter(pk=job.pk).update(done=min(n, spec.count))

    with tempfile.TemporaryFile() as handle:
        if job.fmt == "csv":
            def counted():
                for n, row in enumerate(spec.rows, start=1):
                    progress(n)
                    yield row

            write_csv(handle, spec.columns, counted())
        else:
            write_xlsx(handle, spec.sheets, on_row=progress)
        handle.seek(0)
        job.file.save(f"{job.pk}.{job.fmt}", File(handle), save=False)
    job.state = ExportJob.State.DONE
    job.done = spec.count
    job.total = spec.count
    job.finished_at = timezone.now()
    job.save(update_fields=["file", "state", "done", "total", "finished_at"])
    export_log_record(user=job.requested_by, report=job.report, fmt=job.fmt, filters=spec.params, rows=spec.count,
                      via="task")
    from django.urls import reverse

    from notifications.services import notification_send

    notification_send(
        recipient=job.requested_by,
        kind="export_ready",
        title=_("Your report export is ready"),
        body=_("The file is ready to download."),
        url=reverse("reports:job", kwargs={"job_id": job.pk}),
        dedupe_key=f"report-export-{job.pk}",
    )
    return job


def export_job_for(*, user, job_id) -> ExportJob:
    """Only the one who asked for an export sees it (ExportJob.DoesNotExist → 404 otherwise)."""
    return ExportJob.objects.filter(requested_by=user).get(pk=job_id)
