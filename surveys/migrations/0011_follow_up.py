"""Follow-up for every survey kind: reminder steps per survey (N days after opening / before closing, checked
by the database) and a switch for the automatic reminders (docs/decisions/0351)."""

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0010_results_by_area"),
    ]

    operations = [
        migrations.AddField(
            model_name="survey",
            name="remind_automatically",
            field=models.BooleanField(
                default=True,
                help_text="At each reminder step (below), people who have not answered yet get one reminder. Course feedback surveys remind 1 and 4 days after each teacher finishes.",
                verbose_name="remind non-respondents automatically",
            ),
        ),
        migrations.CreateModel(
            name="ReminderStep",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "days",
                    models.PositiveSmallIntegerField(
                        help_text="From 1 to 90. Steps before closing apply when the survey has a close date.",
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(90),
                        ],
                        verbose_name="days",
                    ),
                ),
                (
                    "anchor",
                    models.CharField(
                        choices=[
                            ("after_opening", "days after opening"),
                            ("before_closing", "days before closing"),
                        ],
                        max_length=20,
                        verbose_name="counted",
                    ),
                ),
                (
                    "survey",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reminder_steps",
                        to="surveys.survey",
                        verbose_name="survey",
                    ),
                ),
            ],
            options={
                "verbose_name": "reminder step",
                "verbose_name_plural": "reminder steps",
                "ordering": ["survey", "anchor", "days", "id"],
                "constraints": [
                    models.UniqueConstraint(fields=("survey", "anchor", "days"), name="reminder_step_once"),
                    models.CheckConstraint(
                        condition=models.Q(("anchor__in", ["after_opening", "before_closing"])),
                        name="reminder_step_anchor_known",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("days__gte", 1), ("days__lte", 90)),
                        name="reminder_step_days_range",
                    ),
                ],
            },
        ),
    ]
