"""The survey export job takes the shared background-job shape (core/jobs.py): "pending" is now "queued"
(rows mapped both ways), an error text and a start time are kept (started earlier: taken as when it
was asked for)."""

from django.conf import settings
from django.db import migrations, models


def queued_for_pending(apps, schema_editor):
    ExportJob = apps.get_model("surveys", "ExportJob")
    ExportJob.objects.filter(state="pending").update(state="queued")
    ExportJob.objects.filter(state__in=["running", "done", "failed"], started_at__isnull=True).update(
        started_at=models.F("created_at")
    )


def pending_for_queued(apps, schema_editor):
    apps.get_model("surveys", "ExportJob").objects.filter(state="queued").update(state="pending")


class Migration(migrations.Migration):

    dependencies = [
        ('surveys', '0007_export_job_progress_and_resume'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='exportjob',
            name='exportjob_state_known',
        ),
        migrations.AddField(
            model_name='exportjob',
            name='error',
            field=models.CharField(blank=True, max_length=500, verbose_name='error'),
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
            constraint=models.CheckConstraint(condition=models.Q(('state__in', ['queued', 'running', 'done', 'failed'])), name='exportjob_state_known'),
        ),
    ]
