"""ExportJob and ExportLog move here from the pdplatform app: the state only. Their tables keep their names
(pdplatform_exportjob, pdplatform_exportlog, via Meta.db_table), so not a row is copied; their content
types (and with them the admin permissions already granted) are relabelled."""

import django.db.models.deletion
import django.utils.timezone
import pdplatform.reports.models
import uuid
from django.conf import settings
from django.db import migrations, models


MODELS = ["exportjob", "exportlog"]


def _relabel(apps, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    taken = set(ContentType.objects.filter(app_label=new, model__in=MODELS).values_list("model", flat=True))
    ContentType.objects.filter(app_label=old, model__in=[m for m in MODELS if m not in taken]).update(
        app_label=new
    )


def content_types_to_reports(apps, schema_editor):
    _relabel(apps, "pdplatform", "reports")


def content_types_to_pdplatform(apps, schema_editor):
    _relabel(apps, "reports", "pdplatform")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("pdplatform", "0003_export_job_progress_and_resume"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    state_operations = [
        migrations.CreateModel(
            name="ExportJob",
            fields=[
                (
                    "id",
                    models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False),
                ),
                (
                    "report",
                    models.CharField(
                        choices=[
                            ("school", "School report: teachers × cohorts"),
                            ("teachers", "Teachers' hours over three years"),
                            ("cohort", "Cohort report"),
                            ("monitoring", "Municipal monitoring"),
                        ],
                        max_length=20,
                        verbose_name="report",
                    ),
                ),
                ("fmt", models.CharField(max_length=10, verbose_name="format")),
                ("params", models.JSONField(blank=True, default=dict, verbose_name="filters")),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("pending", "Waiting"),
                            ("running", "Running"),
                            ("done", "Ready"),
                            ("failed", "Failed"),
                        ],
                        default="pending",
                        max_length=10,
                        verbose_name="state",
                    ),
                ),
                ("total", models.PositiveIntegerField(default=0, verbose_name="rows to write")),
                ("done", models.PositiveIntegerField(default=0, verbose_name="rows written")),
                (
                    "file",
                    models.FileField(
                        blank=True, upload_to=pdplatform.reports.models.export_upload_to, verbose_name="file"
                    ),
                ),
                ("error", models.CharField(blank=True, max_length=500, verbose_name="error")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="requested at")),
                ("finished_at", models.DateTimeField(blank=True, null=True, verbose_name="finished at")),
                (
                    "progressed_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="last progress at"),
                ),
                ("resumed_at", models.DateTimeField(blank=True, null=True, verbose_name="last resumed at")),
                ("resumed_count", models.PositiveSmallIntegerField(default=0, verbose_name="times resumed")),
                (
                    "requested_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="report_exports",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="requested by",
                    ),
                ),
            ],
            options={
                "verbose_name": "report export job",
                "verbose_name_plural": "report export jobs",
                "db_table": "pdplatform_exportjob",
                "ordering": ["-created_at"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("state__in", ["pending", "running", "done", "failed"])),
                        name="reportexportjob_state_known",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("fmt__in", ["csv", "xlsx"])), name="reportexportjob_fmt_known"
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="ExportLog",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "report",
                    models.CharField(
                        choices=[
                            ("school", "School report: teachers × cohorts"),
                            ("teachers", "Teachers' hours over three years"),
                            ("cohort", "Cohort report"),
                            ("monitoring", "Municipal monitoring"),
                        ],
                        max_length=20,
                        verbose_name="report",
                    ),
                ),
                ("fmt", models.CharField(max_length=10, verbose_name="format")),
                ("filters", models.JSONField(blank=True, default=dict, verbose_name="filters")),
                ("rows", models.PositiveIntegerField(default=0, verbose_name="rows")),
                ("via", models.CharField(default="web", max_length=10, verbose_name="via")),
                (
                    "created_at",
                    models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="exported at"),
                ),
                (
                    "user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="exported by",
                    ),
                ),
            ],
            options={
                "verbose_name": "export log entry",
                "verbose_name_plural": "export log",
                "db_table": "pdplatform_exportlog",
                "ordering": ["-created_at", "-id"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("fmt__in", ["csv", "xlsx", "json"])), name="exportlog_fmt_known"
                    )
                ],
            },
        ),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=state_operations, database_operations=[]),
        migrations.RunPython(content_types_to_reports, content_types_to_pdplatform),
    ]
