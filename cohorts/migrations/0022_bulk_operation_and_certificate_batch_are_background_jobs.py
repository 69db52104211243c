"""Bulk operations and certificate batches take the shared background-job shape (core/jobs.py).
Bulk operations: "pending" is now "queued" (mapped both ways), a failed one's message becomes its error.
Certificate batches get a state (finished → done, otherwise running: their chunks were queued) and a
stored done count, counted from the certificates as the page did."""

from django.conf import settings
from django.db import migrations, models


def queued_for_pending(apps, schema_editor):
    BulkOperation = apps.get_model("cohorts", "BulkOperation")
    BulkOperation.objects.filter(state="pending").update(state="queued")
    BulkOperation.objects.filter(state__in=["running", "done", "failed"], started_at__isnull=True).update(
        started_at=models.F("created_at")
    )


def pending_for_queued(apps, schema_editor):
    apps.get_model("cohorts", "BulkOperation").objects.filter(state="queued").update(state="pending")


def failed_operations_keep_their_reason(apps, schema_editor):
    BulkOperation = apps.get_model("cohorts", "BulkOperation")
    for op in BulkOperation.objects.filter(state="failed", error="").exclude(messages=[]):
        op.error = " ".join(str(m) for m in op.messages)[:500]
        op.save(update_fields=["error"])


def batches_state_and_done(apps, schema_editor):
    CertificateBatch = apps.get_model("cohorts", "CertificateBatch")
    Certificate = apps.get_model("cohorts", "Certificate")
    for batch in CertificateBatch.objects.all():
        issued = Certificate.objects.filter(
            enrollment__cohort_id=batch.cohort_id, enrollment__state="completed"
        ).count()
        batch.done = min(issued, batch.total)
        batch.state = "done" if batch.finished_at else "running"
        batch.started_at = batch.created_at
        batch.save(update_fields=["done", "state", "started_at"])


class Migration(migrations.Migration):

    dependencies = [
        ('cohorts', '0021_quiz_attempts_and_answers'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='bulkoperation',
            name='error',
            field=models.CharField(blank=True, max_length=500, verbose_name='error'),
        ),
        migrations.AddField(
            model_name='bulkoperation',
            name='started_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='started at'),
        ),
        migrations.AddField(
            model_name='certificatebatch',
            name='done',
            field=models.PositiveIntegerField(default=0, verbose_name='certificates issued'),
        ),
        migrations.AddField(
            model_name='certificatebatch',
            name='error',
            field=models.CharField(blank=True, max_length=500, verbose_name='error'),
        ),
        migrations.AddField(
            model_name='certificatebatch',
            name='started_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='started at'),
        ),
        migrations.AddField(
            model_name='certificatebatch',
            name='state',
            field=models.CharField(choices=[('queued', 'Queued'), ('running', 'Running'), ('done', 'Done'), ('failed', 'Failed')], default='queued', max_length=10, verbose_name='state'),
        ),
        migrations.AlterField(
            model_name='bulkoperation',
            name='state',
            field=models.CharField(choices=[('queued', 'Queued'), ('running', 'Running'), ('done', 'Done'), ('failed', 'Failed')], default='queued', max_length=10, verbose_name='state'),
        ),
        migrations.RunPython(queued_for_pending, pending_for_queued),
        migrations.RunPython(failed_operations_keep_their_reason, migrations.RunPython.noop),
        migrations.RunPython(batches_state_and_done, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='bulkoperation',
            constraint=models.CheckConstraint(condition=models.Q(('state__in', ['queued', 'running', 'done', 'failed'])), name='bulkoperation_state_known'),
        ),
        migrations.AddConstraint(
            model_name='certificatebatch',
            constraint=models.CheckConstraint(condition=models.Q(('state__in', ['queued', 'running', 'done', 'failed'])), name='certificatebatch_state_known'),
        ),
    ]
