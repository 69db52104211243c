"""The report export job takes the shared background-job shape (core/jobs.py): "pending" is now "queued"
(rows mapped both ways), and a start time is kept (started earlier: taken as when it was asked for)."""

from django.conf import settings
from django.db import migrations, models


def queued_for_pending(apps, schema_editor):
    ExportJob = apps.get_model("reports", "ExportJob")
    ExportJob.objects.filter(state="pending").update(state="queued")
    ExportJob.objects.filter(state__in=["running", "done", "failed"], started_at__isnull=True).update(
        started_at=models.F("created_at")
    )


def pending_for_queued(apps, schema_editor):
    apps.get_model("reports", "ExportJob").objects.filter(state="queued").update(state="pending")


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0001_export_models_from_pdplatform'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='exportjob',
            name='reportexportjob_state_known',
        ),
        migrations.AddField(
            model_name='exportjob',
            name='started_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='started at'),
        ),
        migrations.AlterField(
            model_name='exportjob',
            name='state',
            field=models.CharField(choices=[('queued', 'Queued'), ('running', 'Running'), ('done', 'Done'), ('failed', 'Failed')], default='queued', max_length=10, verbose_name='state'),
        ),
        migrations.RunPython(queued_for_pending, pending_for_queued),
        migrations.AddConstraint(
            model_name='exportjob',
            constraint=models.CheckConstraint(condition=models.Q(('state__in', ['queued', 'running', 'done', 'failed'])), name='reportexportjob_state_known'),
        ),
    ]
