"""ExportJob and ExportLog now belong to the reports app (pdplatform/reports/migrations/0001): they leave
this app's state only; their tables stay as they are."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("pdplatform", "0003_export_job_progress_and_resume"),
        ("reports", "0001_export_models_from_pdplatform"),
    ]

    state_operations = [
        migrations.RemoveField(
            model_name="exportlog",
            name="user",
        ),
        migrations.DeleteModel(
            name="ExportJob",
        ),
        migrations.DeleteModel(
            name="ExportLog",
        ),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=state_operations, database_operations=[])
    ]
