from django.db import migrations

LEVELS = ["primary", "lower_secondary", "upper_secondary"]


def create_levels(apps, schema_editor):
    Level = apps.get_model("accounts", "Level")
    for code in LEVELS:
        Level.objects.get_or_create(code=code)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(create_levels, migrations.RunPython.noop)]
