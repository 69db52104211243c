"""A course is listed by at most one certificate template (the course's choice): a unique index on the
course column of the templates' course list. Where a course was listed by several templates, the one
the issuing code used (the latest changed) keeps it."""

from django.db import migrations

INDEX = "cohorts_certtemplate_one_per_course"


def keep_latest(apps, schema_editor):
    CertificateTemplate = apps.get_model("cohorts", "CertificateTemplate")
    Through = CertificateTemplate.courses.through
    seen: set[int] = set()
    rows = Through.objects.order_by("course_id", "-certificatetemplate__updated_at", "-certificatetemplate_id")
    for row in rows.values("pk", "course_id"):
        if row["course_id"] in seen:
            Through.objects.filter(pk=row["pk"]).delete()
        seen.add(row["course_id"])


class Migration(migrations.Migration):
    dependencies = [("cohorts", "0019_certificate_layout_inside_the_frame")]

    operations = [
        migrations.RunPython(keep_latest, migrations.RunPython.noop),
        migrations.RunSQL(
            f"CREATE UNIQUE INDEX {INDEX} ON cohorts_certificatetemplate_courses (course_id)",
            f"DROP INDEX {INDEX}",
        ),
    ]
