import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.jobs import BackgroundJob


class ReportKind(models.TextChoices):
    SCHOOL = "school", _("School report: teachers × cohorts")
    TEACHERS = "teachers", _("Teachers' hours over three years")
    COHORT = "cohort", _("Cohort report")
    MONITORING = "monitoring", _("Municipal monitoring")


class ExportLog(models.Model):
    """Every report export: who, when, which filters, how many rows (read-only for superusers in the admin)."""

    user = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("exported by")
    )
    report = models.CharField(_("report"), max_length=20, choices=ReportKind.choices)
    fmt = models.CharField(_("format"), max_length=10)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    via = models.CharField(_("via"), max_length=10, default="web")  # web, api, task
    created_at = models.DateTimeField(_("exported at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        db_table = "pdplatform_exportlog"  # the table from before the move to this app
        verbose_name = _("export log entry")
        verbose_name_plural = _("export log")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(fmt__in=["csv", "xlsx", "json"]), name="exportlog_fmt_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report}.{self.fmt} ({self.rows})"


def export_upload_to(instance, filename: str) -> str:
    return f"reports/exports/{instance.pk}.{instance.fmt}"


class ExportJob(BackgroundJob):
    """A large report export built by a worker; the page polls its progress, the owner downloads the file.
    Waiting and running jobs with no progress for PDP_STALLED_AFTER are queued again by the sweep
    (pdplatform.tasks.unfinished_work_resume): the file is rebuilt whole."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.CASCADE,
        related_name="report_exports",
        verbose_name=_("requested by"),
    )
    report = models.CharField(_("report"), max_length=20, choices=ReportKind.choices)
    fmt = models.CharField(_("format"), max_length=10)
    params = models.JSONField(_("filters"), default=dict, blank=True)
    total = models.PositiveIntegerField(_("rows to write"), default=0)
    done = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(_("file"), upload_to=export_upload_to, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        db_table = "pdplatform_exportjob"  # the table from before the move to this app
        verbose_name = _("report export job")
        verbose_name_plural = _("report export jobs")
        constraints = [
            *BackgroundJob.constraints("reportexportjob"),
            models.CheckConstraint(
                condition=models.Q(fmt__in=["csv", "xlsx"]), name="reportexportjob_fmt_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report}.{self.fmt} ({self.state})"
