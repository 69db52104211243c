"""Cells by school: a response to a survey without cohorts (and anonymous answers waiting for their K-th)
carry the respondent's school at submission; surveys can be addressed to one municipality's teachers.
Rows stored before this keep no school: they stay in the survey-wide cell (surveys/README.md,
"Anonymity"; docs/decisions/0354)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0005_calendar_feed'),
        ('cohorts', '0022_bulk_operation_and_certificate_batch_are_background_jobs'),
        ('courses', '0012_quiz_bank_and_quizzes'),
        ('surveys', '0009_results_reading'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='pendinganswers',
            name='pending_once_per_survey',
        ),
        migrations.AddField(
            model_name='pendinganswers',
            name='school',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.school', verbose_name='school'),
        ),
        migrations.AddField(
            model_name='response',
            name='school',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='survey_responses', to='accounts.school', verbose_name='school'),
        ),
        migrations.AddField(
            model_name='survey',
            name='municipality',
            field=models.ForeignKey(blank=True, help_text="For a survey of one municipality's teachers.", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='surveys', to='accounts.municipality', verbose_name='municipality'),
        ),
        migrations.AlterField(
            model_name='survey',
            name='audience',
            field=models.CharField(choices=[('all', 'All teachers'), ('school', 'Teachers of one school'), ('municipality', 'Teachers of one municipality'), ('cohort', 'Listeners of cohorts')], default='all', max_length=20, verbose_name='audience'),
        ),
        migrations.AddIndex(
            model_name='response',
            index=models.Index(fields=['survey', 'cohort', 'school'], name='response_cell'),
        ),
        migrations.AddConstraint(
            model_name='pendinganswers',
            constraint=models.UniqueConstraint(condition=models.Q(('cohort__isnull', True), ('school__isnull', True)), fields=('survey',), name='pending_once_per_survey'),
        ),
        migrations.AddConstraint(
            model_name='pendinganswers',
            constraint=models.UniqueConstraint(condition=models.Q(('school__isnull', False)), fields=('survey', 'school'), name='pending_once_per_survey_school'),
        ),
        migrations.AddConstraint(
            model_name='pendinganswers',
            constraint=models.CheckConstraint(condition=models.Q(('cohort__isnull', True), ('school__isnull', True), _connector='OR'), name='pending_cell_is_cohort_or_school'),
        ),
        migrations.AddConstraint(
            model_name='response',
            constraint=models.CheckConstraint(condition=models.Q(('cohort__isnull', True), ('school__isnull', True), _connector='OR'), name='response_cell_is_cohort_or_school'),
        ),
        migrations.AddConstraint(
            model_name='survey',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('audience', 'municipality'), _negated=True), ('municipality__isnull', False), _connector='OR'), name='survey_municipality_audience_has_municipality'),
        ),
    ]
