"""The migration that drops Question.survey moves phantom questions (section of another survey) back home."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("surveys", "0004_anonymous_answers_wait_for_k")]
AFTER = [("surveys", "0006_question_survey_is_its_sections")]


@pytest.fixture
def back_to_latest():
    """Leave the database at the latest migrations: the tests after this one use today's models (a column
    added by a later migration, such as surveys 0009's, would be missing otherwise)."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_phantom_questions_return_to_their_own_survey(back_to_latest):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Survey, Section, Question = (old.get_model("surveys", m) for m in ("Survey", "Section", "Question"))
    with_section = Survey.objects.create(title="Has a section")
    home = Section.objects.create(survey=with_section, title="Home", position=1)
    without = Survey.objects.create(title="No section")
    elsewhere = Section.objects.create(
        survey=Survey.objects.create(title="Elsewhere"), title="Alien", position=1
    )
    phantom = Question.objects.create(survey=with_section, section=elsewhere, text="Phantom 1")
    orphan = Question.objects.create(survey=without, section=elsewhere, text="Phantom 2")
    fine = Question.objects.create(survey=with_section, section=home, text="Fine")

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    Question, Section = new.get_model("surveys", "Question"), new.get_model("surveys", "Section")
    placed = {
        q.text: (q.section.survey_id, q.section.title) for q in Question.objects.select_related("section")
    }
    assert placed == {
        "Phantom 1": (with_section.pk, "Home"),
        "Phantom 2": (without.pk, "Вопросы"),
        "Fine": (with_section.pk, "Home"),
    }
    assert {phantom.pk, orphan.pk, fine.pk} == set(Question.objects.values_list("pk", flat=True))
    assert list(Section.objects.filter(title="Alien").values_list("questions", flat=True)) == [None]
