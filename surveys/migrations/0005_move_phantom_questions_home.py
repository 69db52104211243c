"""A question's survey is its section's survey: first move the questions whose section is another survey's.

Before removing it, every question whose section belonged to another survey (a "phantom" question the old
admin allowed) is moved back into its own survey: into that survey's first section, or a new one when the
survey has none (0006 then drops the column; each in its own transaction, which PostgreSQL needs
before altering a table with pending foreign-key checks). Reversible: going back fills the column again.
"""

import django.db.models.deletion
from django.db import migrations, models


def move_phantoms_home(apps, schema_editor):
    Question = apps.get_model("surveys", "Question")
    Section = apps.get_model("surveys", "Section")
    for question in Question.objects.exclude(survey_id=models.F("section__survey_id")).order_by("pk"):
        home = Section.objects.filter(survey_id=question.survey_id).order_by("position", "id").first()
        if home is None:
            home = Section.objects.create(survey_id=question.survey_id, title="Вопросы", position=0)
        question.section_id = home.pk
        question.save(update_fields=["section"])


def fill_survey_from_section(apps, schema_editor):
    Question = apps.get_model("surveys", "Question")
    for question in Question.objects.select_related("section").order_by("pk"):
        question.survey_id = question.section.survey_id
        question.save(update_fields=["survey"])


class Migration(migrations.Migration):

    dependencies = [
        ('surveys', '0004_anonymous_answers_wait_for_k'),
    ]

    operations = [
        migrations.AlterField(
            model_name='question',
            name='survey',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='questions',
                                    to='surveys.survey', verbose_name='survey'),
        ),
        migrations.RunPython(move_phantoms_home, fill_survey_from_section),
    ]
