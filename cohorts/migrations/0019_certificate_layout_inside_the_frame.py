"""Templates keep their own positions; a position still equal to the old default moves to the new
default, whose boxes lie inside the frame (the old QR code reached over the frame's bottom edge).
Signature lines are not touched."""

from django.db import migrations

PREVIOUS = {
    "title": [148.5, 165, 30],
    "subtitle": [148.5, 152, 14],
    "name": [148.5, 125, 26],
    "course_intro": [148.5, 108, 12],
    "course": [148.5, 97, 16],
    "hours": [148.5, 85, 12],
    "dates": [148.5, 77, 12],
    "signatures": [148.5, 45, 11],
    "number": [30, 18, 10],
    "issued": [30, 12, 9],
    "qr": [250, 12, 32],
}
# cohorts/certificates/layout.py DEFAULT_LAYOUT as of this migration (copied: a migration must not
# change when the code does).
CURRENT = {
    "logo": [20, 170, 22],
    "organisation": [148.5, 178, 12, 190, 16],
    "title": [148.5, 156, 30],
    "subtitle": [148.5, 144, 14],
    "name": [148.5, 121, 26, 250, 18],
    "course_intro": [148.5, 109, 12],
    "course": [148.5, 91, 16, 250, 14],
    "hours": [148.5, 81, 12],
    "dates": [148.5, 73, 12],
    "signatures": [148.5, 33, 10, 190, 36],
    "number": [18, 25, 10, 220],
    "issued": [18, 18, 9, 225],
    "qr": [250, 18, 28],
}


def _same(a, b) -> bool:
    return isinstance(a, list) and len(a) == len(b) and all(float(x) == float(y) for x, y in zip(a, b))


def forwards(apps, schema_editor):
    CertificateTemplate = apps.get_model("cohorts", "CertificateTemplate")
    for template in CertificateTemplate.objects.all().only("pk", "layout"):
        layout = template.layout if isinstance(template.layout, dict) else {}
        moved = {
            field: list(CURRENT[field]) if field in PREVIOUS and _same(spot, PREVIOUS[field]) else spot
            for field, spot in layout.items()
        }
        if moved != layout:
            CertificateTemplate.objects.filter(pk=template.pk).update(layout=moved)


def backwards(apps, schema_editor):
    CertificateTemplate = apps.get_model("cohorts", "CertificateTemplate")
    for template in CertificateTemplate.objects.all().only("pk", "layout"):
        layout = template.layout if isinstance(template.layout, dict) else {}
        moved = {
            field: list(PREVIOUS[field]) if field in PREVIOUS and _same(spot, CURRENT[field]) else spot
            for field, spot in layout.items()
            if field in PREVIOUS
        }
        if moved != layout:
            CertificateTemplate.objects.filter(pk=template.pk).update(layout=moved)


class Migration(migrations.Migration):
    dependencies = [("cohorts", "0018_certificate_templates_of_organisations")]

    operations = [migrations.RunPython(forwards, backwards)]
