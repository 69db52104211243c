"""A question belongs to its survey through its section: the separate Question.survey column goes
(docs/decisions/0221-svbuild-question-survey-through-section.md)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('surveys', '0005_move_phantom_questions_home'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='question',
            name='survey',
        ),
    ]
