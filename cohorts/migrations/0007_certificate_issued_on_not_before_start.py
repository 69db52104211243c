from django.db import migrations, models
from django.utils import timezone


def fill_issued_on(apps, schema_editor):
    """The date printed on each existing document: its issue time in the site's time zone."""
    Certificate = apps.get_model("cohorts", "Certificate")
    for certificate in Certificate.objects.only("pk", "issued_at").iterator(chunk_size=1000):
        Certificate.objects.filter(pk=certificate.pk).update(issued_on=timezone.localdate(certificate.issued_at))


class Migration(migrations.Migration):

    dependencies = [
        ("cohorts", "0006_uploads_named_by_checked_content"),
    ]

    operations = [
        migrations.AddField(
            model_name="certificate",
            name="issued_on",
            field=models.DateField(null=True, verbose_name="issued on"),
        ),
        migrations.RunPython(fill_issued_on, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="certificate",
            name="issued_on",
            field=models.DateField(verbose_name="issued on"),
        ),
        migrations.AddConstraint(
            model_name="certificate",
            constraint=models.CheckConstraint(
                condition=models.Q(("issued_on__gte", models.F("starts_on"))), name="certificate_not_dated_before_start"
            ),
        ),
    ]
