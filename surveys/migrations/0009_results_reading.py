"""The author's threshold for flagging a results aspect as vulnerable (share of negative answers, %)."""

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('surveys', '0008_export_job_is_a_background_job'),
    ]

    operations = [
        migrations.AddField(
            model_name='survey',
            name='vulnerable_threshold',
            field=models.PositiveSmallIntegerField(default=30, validators=[django.core.validators.MaxValueValidator(100)], help_text='In the results, an aspect whose share of negative answers (1–2, or 1–3 if the reader picks it) is over this percent is flagged as vulnerable.', verbose_name='vulnerable aspect threshold, %'),
        ),
        migrations.AddConstraint(
            model_name='survey',
            constraint=models.CheckConstraint(condition=models.Q(('vulnerable_threshold__lte', 100)), name='survey_vulnerable_threshold_percent'),
        ),
    ]
