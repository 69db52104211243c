"""Competency framework and in-service courses: what methodologists author and teachers browse.

One file: these are the tables of one authoring schema (a course, its modules and lessons, assignments
with rubrics, the question bank and quizzes, the issuing organisation) whose keys point at each other and
which a new course version copies together; split, each part would import all the others.
"""

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from accounts.models import Level as SchoolLevelRow
from accounts.models import Subject
from core.i18n import site_language
from core.uploads import CheckedFileField, UploadCheck

from .validators import (
    http_url_validator,
    validate_cover_upload,
    validate_material_upload,
    validate_video_upload,
)

if TYPE_CHECKING:
    import datetime


class CompetencyArea(models.Model):
    """A top branch of the framework (digital competence, assessment, inclusive education...)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("competency area")
        verbose_name_plural = _("competency areas")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Competency(models.Model):
    area = models.ForeignKey(
        CompetencyArea, on_delete=models.PROTECT, related_name="competencies", verbose_name=_("area")
    )
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


SIGNATURE_KINDS = ("png", "jpg")  # a stamp or signature scan; PNG keeps a transparent background
validate_organisation_image = UploadCheck(allowed=SIGNATURE_KINDS, max_bytes=2 * 1024 * 1024)


def _in_language(main: str, translations: dict[str, str], language: str) -> str:
    return translations.get(language, "") or main


class Organisation(models.Model):
    """Who provides courses and issues their certificates, e.g. «ГАУ ДПО ЯО «Институт развития
    образования»»: its name as printed (Russian, with Ukrainian and English versions), its logo and
    the people who sign (docs/decisions/0341-certtpl-issuing-organisations.md)."""

    name = models.CharField(_("name"), max_length=300)
    name_uk = models.CharField(
        _("name in Ukrainian"), max_length=300, blank=True, help_text=_("Empty: the name above.")
    )
    name_en = models.CharField(
        _("name in English"), max_length=300, blank=True, help_text=_("Empty: the name above.")
    )
    logo = CheckedFileField(
        _("logo"),
        upload_to="courses/organisations/",
        blank=True,
        validators=[validate_organisation_image],
        help_text=_("PNG or JPEG, printed at the top left of its certificates."),
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(name=""),
                name="organisation_has_name",
                violation_error_message=_("Give the organisation's name."),
            ),
            models.UniqueConstraint(
                fields=["name"],
                name="organisation_name_unique",
                violation_error_message=_("An organisation with this name already exists."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def name_in(self, language: str) -> str:
        """The name for a reader of `language` (the main name when there is no translation)."""
        return _in_language(self.name, {"uk": self.name_uk, "en": self.name_en}, language)


class Signatory(models.Model):
    """A person who signs the organisation's certificates, in the order they sign."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="signatories", verbose_name=_("organisation")
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("name"), max_length=200, help_text=_("As printed, e.g. “Е. В. Орлова”."))
    name_uk = models.CharField(_("name in Ukrainian"), max_length=200, blank=True)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=200, help_text=_("E.g. “Ректор”."))
    title_uk = models.CharField(_("title in Ukrainian"), max_length=200, blank=True)
    title_en = models.CharField(_("title in English"), max_length=200, blank=True)
    signature = CheckedFileField(
        _("signature image"),
        upload_to="courses/signatures/",
        blank=True,
        validators=[validate_organisation_image],
        help_text=_("Optional: a scan printed above the name (PNG with a transparent background is best)."),
    )

    class Meta:
        ordering = ["organisation", "position", "id"]
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "position"],
                name="signatory_position_unique",
                violation_error_message=_(
                    "Two signatories of one organisation cannot share a place in the order."
                ),
            ),
            models.CheckConstraint(
                condition=~models.Q(name="") & ~models.Q(title=""),
                name="signatory_has_name_and_title",
                violation_error_message=_("A signatory needs a name and a title."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.name}"

    def name_in(self, language: str) -> str:
        return _in_language(self.name, {"uk": self.name_uk, "en": self.name_en}, language)

    def title_in(self, language: str) -> str:
        return _in_language(self.title, {"uk": self.title_uk, "en": self.title_en}, language)


class Course(models.Model):
    # Set on fetched instances by selectors for the pages (not columns; for the type checker):
    _history_user: object  # django-simple-history: who made the change

    class Format(models.TextChoices):
        DISTANCE = "distance", _("Distance")
        BLENDED = "blended", _("Blended")
        IN_PERSON = "in_person", _("In person")

    class Level(models.TextChoices):
        INTRODUCTORY = "introductory", _("Introductory")
        BASIC = "basic", _("Basic")
        ADVANCED = "advanced", _("Advanced")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    class Language(models.TextChoices):
        RUSSIAN = "ru", _("Russian")
        UKRAINIAN = "uk", _("Ukrainian")
        ENGLISH = "en", _("English")

    title = models.CharField(_("title"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=255, unique=True, allow_unicode=False)
    summary = models.CharField(_("summary"), max_length=500)
    description = models.TextField(_("full description"), blank=True)
    subjects = models.ManyToManyField(
        Subject, blank=True, related_name="courses", verbose_name=_("subject areas")
    )
    school_levels = models.ManyToManyField(
        SchoolLevelRow, blank=True, related_name="courses", verbose_name=_("target school levels")
    )
    target_audience = models.CharField(_("target audience"), max_length=255, blank=True)
    format = models.CharField(_("format"), max_length=20, choices=Format.choices, default=Format.DISTANCE)
    hours = models.PositiveSmallIntegerField(_("academic hours"), validators=[MinValueValidator(1)])
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, default=Level.BASIC)
    # The language the course is taught in; the catalogue and recommendations rank courses in the
    # reader's languages first and mark the others (core.i18n.reading_languages).
    language = models.CharField(
        _("course language"), max_length=5, choices=Language.choices, default=site_language
    )
    competencies = models.ManyToManyField(
        Competency, blank=True, related_name="courses", verbose_name=_("competencies addressed")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="authored_courses", verbose_name=_("authors")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="courses",
        verbose_name=_("provided by"),
        help_text=_("The organisation whose name, logo and signatories its certificates carry."),
    )
    cover = CheckedFileField(
        _("cover image"), upload_to="courses/covers/", blank=True, validators=[validate_cover_upload]
    )
    previous_version = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="next_versions",
        verbose_name=_("previous version"),
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # Title, summary, description and lesson titles, Russian and English stemming; kept current by
    # services.course_refresh_search_vectors (PostgreSQL only; NULL on SQLite). GIN index: migration 0002.
    search_vector = SearchVectorField(null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["search_vector"], m2m_fields=[competencies, authors])

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        indexes = [models.Index(fields=["status", "-published_at"], name="course_status_published")]
        constraints = [
            models.CheckConstraint(condition=models.Q(hours__gte=1), name="course_hours_positive"),
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "published", "archived"]), name="course_status_known"
            ),
            models.CheckConstraint(
                condition=models.Q(language__in=["ru", "uk", "en"]), name="course_language_known"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("courses:detail", kwargs={"slug": self.slug})

    @property
    def language_badge(self) -> str:
        """ "на украинском" / "українською" / "in Ukrainian": the mark of a course in another language."""
        return str(LANGUAGE_BADGES.get(self.language, ""))


LANGUAGE_BADGES = {
    "ru": pgettext_lazy("course language badge", "in Russian"),
    "uk": pgettext_lazy("course language badge", "in Ukrainian"),
    "en": pgettext_lazy("course language badge", "in English"),
}


class Module(models.Model):
    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="modules", verbose_name=_("course")
    )
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["course", "position", "id"]
        verbose_name = _("module")
        verbose_name_plural = _("modules")

    def __str__(self) -> str:
        return self.title


class Lesson(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        VIDEO = "video", _("Video recording")
        MATERIAL = "material", _("Downloadable material")
        WEBINAR = "webinar", _("Live webinar")
        ROUND_TABLE = "round_table", _("Round table")
        MASTER_CLASS = "master_class", _("Master class")
        PRACTICUM = "practicum", _("Practicum")
        QUIZ = "quiz", _("Quiz")

    module = models.ForeignKey(
        Module, on_delete=models.CASCADE, related_name="lessons", verbose_name=_("module")
    )
    title = models.CharField(_("title"), max_length=255)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.TEXT)
    body = models.TextField(_("text"), blank=True, help_text=_("Markdown."))
    video_url = models.URLField(
        _("video URL"),
        blank=True,
        validators=[http_url_validator],
        help_text=_("An http(s) link; YouTube, Vimeo and RuTube links are shown embedded."),
    )
    video_file = CheckedFileField(
        _("video file"), upload_to="courses/videos/", blank=True, validators=[validate_video_upload]
    )
    material = CheckedFileField(
        _("material"), upload_to="courses/materials/", blank=True, validators=[validate_material_upload]
    )
    hours = models.DecimalField(_("academic hours"), max_digits=5, decimal_places=1, default=1)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_required = models.BooleanField(_("required for completion"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["module", "position", "id"]
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        constraints = [
            models.CheckConstraint(condition=models.Q(hours__gte=0), name="lesson_hours_not_negative"),
            models.CheckConstraint(
                condition=models.Q(video_url="")
                | models.Q(video_url__startswith="http://")
                | models.Q(video_url__startswith="https://"),
                name="lesson_video_url_http",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def embed_url(self) -> str:
        """The player address for a known video host, or "" (then the page shows a plain link)."""
        return video_embed_url(self.video_url)


def video_embed_url(url: str) -> str:
    """The player address for a link to a known host whose player is in VIDEO_EMBED_ORIGINS, else ""."""
    player = _player_url(url)
    origin = "/".join(player.split("/", 3)[:3])
    return player if player and origin in settings.VIDEO_EMBED_ORIGINS else ""


def _player_url(url: str) -> str:
    from urllib.parse import parse_qs, urlparse

    if not url or not url.startswith(("http://", "https://")):
        return ""
    parts = urlparse(url)
    host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    path = parts.path.strip("/")
    video_id = ""
    if host == "youtube.com":
        if path == "watch":
            video_id = parse_qs(parts.query).get("v", [""])[0]
        elif path.startswith(("embed/", "shorts/", "live/")):
            video_id = path.split("/", 1)[1]
        if video_id.replace("-", "").replace("_", "").isalnum():
            return f"https://www.youtube-nocookie.com/embed/{video_id}"
    elif host == "youtu.be" and path.replace("-", "").replace("_", "").isalnum():
        return f"https://www.youtube-nocookie.com/embed/{path}"
    elif host == "vimeo.com" and path.isdigit():
        return f"https://player.vimeo.com/video/{path}"
    elif host == "rutube.ru" and path.startswith("video/"):
        video_id = path.split("/")[1]
        if video_id.isalnum():
            return f"https://rutube.ru/play/embed/{video_id}"
    return ""


class Assignment(models.Model):
    # Set on fetched instances by selectors for the pages (not columns; for the type checker):
    deadline: "datetime.date | None"  # cohorts.selectors: the cohort's due date
    my_submission: "models.Model | None"  # cohorts.selectors: the teacher's Submission

    class Submission(models.TextChoices):
        TEXT = "text", _("Text")
        FILE = "file", _("File")
        TEXT_AND_FILE = "text_and_file", _("Text and file")

    module = models.ForeignKey(
        Module, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("module")
    )
    title = models.CharField(_("title"), max_length=255)
    instructions = models.TextField(_("instructions"), help_text=_("Markdown."))
    submission_kind = models.CharField(
        _("what is submitted"), max_length=20, choices=Submission.choices, default=Submission.TEXT
    )
    max_score = models.PositiveSmallIntegerField(
        _("maximum score"), default=10, validators=[MinValueValidator(1)]
    )
    review_requires_comment = models.BooleanField(_("review must carry a comment"), default=True)
    due_days = models.PositiveSmallIntegerField(_("due, days after the cohort starts"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # Bumped when the title or the due day changes, so calendars replace the deadline (iCalendar SEQUENCE).
    sequence = models.PositiveIntegerField(_("calendar version"), default=0, editable=False)
    # Set (once) by the first review that scored the rubric: from then on its structure is frozen
    # (services.rubric_check_editable), so every review of the assignment used the same criteria and levels.
    rubric_used_at = models.DateTimeField(
        _("rubric first used in a review"), null=True, blank=True, editable=False
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["module", "position", "id"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.CheckConstraint(condition=models.Q(max_score__gte=1), name="assignment_max_score_positive")
        ]

    def __str__(self) -> str:
        return self.title


class FaqEntry(models.Model):
    """A question and answer of the course's FAQ, shown to every cohort of the course: published from an
    answered question by a curator (cohorts.Question.faq_entry) or written by the course's
    methodologists, who edit and order them in the course admin."""

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="faq_entries", verbose_name=_("course")
    )
    question = models.TextField(_("question"), max_length=2000)
    answer = models.TextField(_("answer"), max_length=10000, help_text=_("Markdown."))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    class Meta:
        ordering = ["position", "-created_at", "-id"]
        verbose_name = _("FAQ entry")
        verbose_name_plural = _("course FAQ")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(question="") & ~models.Q(answer=""), name="faq_entry_answered"
            ),
        ]

    def __str__(self) -> str:
        return self.question[:60]


class RubricCriterion(models.Model):
    """One row of an assignment's rubric: what is assessed; its levels say how well, with points.
    An assignment with at least one criterion is scored by its rubric (the total is the review's score)."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("assignment")
    )
    title = models.CharField(_("criterion"), max_length=200)
    description = models.TextField(_("what the reviewer looks at"), blank=True, max_length=2000)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["assignment", "position", "id"]
        verbose_name = _("rubric criterion")
        verbose_name_plural = _("rubric criteria")
        constraints = [
            models.CheckConstraint(condition=~models.Q(title=""), name="rubriccriterion_has_title")
        ]

    def __str__(self) -> str:
        return self.title


class RubricLevel(models.Model):
    """A level of a criterion: its points (distinct within the criterion, never negative) and what
    work at this level looks like. Levels are ordered by points, highest first."""

    criterion = models.ForeignKey(
        RubricCriterion, on_delete=models.CASCADE, related_name="levels", verbose_name=_("criterion")
    )
    points = models.PositiveSmallIntegerField(_("points"))
    descriptor = models.CharField(_("what work at this level looks like"), max_length=500)

    history = HistoricalRecords()

    class Meta:
        ordering = ["criterion", "-points", "id"]
        verbose_name = _("rubric level")
        verbose_name_plural = _("rubric levels")
        constraints = [
            models.CheckConstraint(condition=models.Q(points__gte=0), name="rubriclevel_points_not_negative"),
            models.UniqueConstraint(fields=["criterion", "points"], name="rubriclevel_unique_points"),
            models.CheckConstraint(condition=~models.Q(descriptor=""), name="rubriclevel_has_descriptor"),
            # The target of cohorts.RubricScore's composite foreign key (level, criterion, points) on
            # PostgreSQL: a score's level belongs to its criterion and carries the points it stored.
            models.UniqueConstraint(
                fields=["id", "criterion", "points"], name="rubriclevel_id_criterion_points"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.points} — {self.descriptor[:60]}"


class SearchTerm(models.Model):
    """A word of the catalogue (course titles, summaries, lesson titles), lower-case and ё-folded: the
    vocabulary typo tolerance and "did you mean" draw on (courses/search.py). Filled on PostgreSQL by
    refresh_search_vectors; a GiST trigram index (migration 0006) answers nearest-word look-ups."""

    word = models.CharField(_("word"), max_length=60, unique=True)

    class Meta:
        verbose_name = _("search term")
        verbose_name_plural = _("search terms")
        constraints = [models.CheckConstraint(condition=~models.Q(word=""), name="search_term_not_empty")]

    def __str__(self) -> str:
        return self.word


# --- Quizzes: the course's question bank and the quiz lessons drawing from it -----------------
# Authoring only; attempts, answers and grading live in cohorts (docs/decisions/0331-quiz-bank-attempts.md).


class QuizQuestion(models.Model):
    """A question of the course's bank. What makes an answer right depends on the kind: choices marked
    correct (single, multiple), the true/false answer, accepted variants (short answer), a number with a
    tolerance (numeric), pairs (matching: each choice's text goes with its match), or the choices' order
    (ordering). Used by an attempt, the question is frozen (used_at): a change needs a new course version."""

    class Kind(models.TextChoices):
        SINGLE = "single", pgettext_lazy("quiz question kind", "Single choice")
        MULTIPLE = "multiple", pgettext_lazy("quiz question kind", "Multiple choice")
        TRUE_FALSE = "true_false", pgettext_lazy("quiz question kind", "True or false")
        SHORT = "short", pgettext_lazy("quiz question kind", "Short answer")
        NUMERIC = "numeric", pgettext_lazy("quiz question kind", "Numeric answer")
        MATCHING = "matching", pgettext_lazy("quiz question kind", "Matching")
        ORDERING = "ordering", pgettext_lazy("quiz question kind", "Ordering")

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="quiz_questions", verbose_name=_("course")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SINGLE)
    topic = models.CharField(
        _("topic"), max_length=100, blank=True, help_text=_("Quizzes can draw random questions of a topic.")
    )
    text = models.TextField(_("question"), max_length=4000, help_text=_("Markdown."))
    points = models.PositiveSmallIntegerField(_("points"), default=1, validators=[MinValueValidator(1)])
    feedback = models.TextField(
        _("feedback after submission"), blank=True, max_length=4000, help_text=_("Shown with the result.")
    )
    true_false_answer = models.BooleanField(_("the statement is true"), null=True, blank=True)
    accepted_answers = models.TextField(
        _("accepted answers"),
        blank=True,
        max_length=4000,
        help_text=_("One per line; compared ignoring case, extra spaces and ё/е."),
    )
    numeric_answer = models.DecimalField(
        _("correct number"), max_digits=14, decimal_places=4, null=True, blank=True
    )
    tolerance = models.DecimalField(
        _("tolerance ±"), max_digits=14, decimal_places=4, null=True, blank=True, default=0
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    used_at = models.DateTimeField(_("first used in an attempt"), null=True, blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["course", "position", "id"]
        verbose_name = _("bank question")
        verbose_name_plural = _("question bank")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    kind__in=["single", "multiple", "true_false", "short", "numeric", "matching", "ordering"]
                ),
                name="quizquestion_kind_known",
            ),
            models.CheckConstraint(condition=~models.Q(text=""), name="quizquestion_has_text"),
            models.CheckConstraint(condition=models.Q(points__gte=1), name="quizquestion_points_positive"),
            models.CheckConstraint(
                condition=~models.Q(kind="true_false") | models.Q(true_false_answer__isnull=False),
                name="quizquestion_true_false_has_answer",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="short") | ~models.Q(accepted_answers=""),
                name="quizquestion_short_has_answers",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="numeric")
                | models.Q(numeric_answer__isnull=False, tolerance__isnull=False, tolerance__gte=0),
                name="quizquestion_numeric_has_answer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"

    @property
    def uses_choices(self) -> bool:
        return self.kind in CHOICE_KINDS


CHOICE_KINDS = ("single", "multiple", "matching", "ordering")


class QuizChoice(models.Model):
    """An option of a single/multiple choice question (correct or not, with feedback when chosen), a left
    item of a matching question (with its match), or an item of an ordering question (its position is
    the correct order)."""

    question = models.ForeignKey(
        QuizQuestion, on_delete=models.CASCADE, related_name="choices", verbose_name=_("question")
    )
    text = models.CharField(_("text"), max_length=500)
    is_correct = models.BooleanField(_("correct"), default=False)
    match = models.CharField(_("matches"), max_length=500, blank=True, help_text=_("Matching questions."))
    feedback = models.CharField(_("feedback when chosen"), max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["question", "position", "id"]
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        constraints = [
            models.CheckConstraint(condition=~models.Q(text=""), name="quizchoice_has_text"),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class Quiz(models.Model):
    """The quiz of a lesson of kind "quiz": fixed questions (its items) or a random draw from the bank,
    attempts (limit, time limit), the pass mark, and when the teacher sees the correct answers."""

    class Selection(models.TextChoices):
        FIXED = "fixed", _("Fixed questions")
        RANDOM = "random", _("Random questions from the bank")

    class Reveal(models.TextChoices):
        NEVER = "never", _("Never")
        AFTER_LAST_ATTEMPT = "after_last", _("After the last attempt")
        AFTER_EACH_ATTEMPT = "after_each", _("After each attempt")

    lesson = models.OneToOneField(
        Lesson, on_delete=models.CASCADE, related_name="quiz", verbose_name=_("lesson")
    )
    selection = models.CharField(
        _("questions"), max_length=10, choices=Selection.choices, default=Selection.FIXED
    )
    random_count = models.PositiveSmallIntegerField(_("random questions per attempt"), null=True, blank=True)
    random_topic = models.CharField(
        _("random questions of the topic"), max_length=100, blank=True, help_text=_("Empty: any topic.")
    )
    shuffle = models.BooleanField(_("shuffle questions and choices"), default=True)
    pass_percent = models.PositiveSmallIntegerField(
        _("pass mark, %"), default=60, validators=[MinValueValidator(0)]
    )
    attempt_limit = models.PositiveSmallIntegerField(
        _("attempts allowed"), default=1, validators=[MinValueValidator(1)]
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit, minutes"), null=True, blank=True, help_text=_("Empty: no time limit.")
    )
    reveal_answers = models.CharField(
        _("show the correct answers"),
        max_length=10,
        choices=Reveal.choices,
        default=Reveal.AFTER_LAST_ATTEMPT,
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pass_percent__gte=0, pass_percent__lte=100), name="quiz_pass_percent_0_100"
            ),
            models.CheckConstraint(
                condition=models.Q(attempt_limit__gte=1), name="quiz_attempt_limit_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(time_limit_minutes__isnull=True) | models.Q(time_limit_minutes__gt=0),
                name="quiz_time_limit_positive_or_none",
            ),
            models.CheckConstraint(
                condition=models.Q(selection__in=["fixed", "random"]), name="quiz_selection_known"
            ),
            models.CheckConstraint(
                condition=models.Q(reveal_answers__in=["never", "after_last", "after_each"]),
                name="quiz_reveal_known",
            ),
            models.CheckConstraint(
                condition=~models.Q(selection="random") | models.Q(random_count__gte=1),
                name="quiz_random_has_count",
            ),
        ]

    def __str__(self) -> str:
        return self.lesson.title


class QuizItem(models.Model):
    """A fixed question of a quiz, in order."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="items", verbose_name=_("quiz"))
    question = models.ForeignKey(
        QuizQuestion, on_delete=models.CASCADE, related_name="quiz_items", verbose_name=_("question")
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["quiz", "position", "id"]
        verbose_name = _("quiz question")
        verbose_name_plural = _("quiz questions")
        constraints = [models.UniqueConstraint(fields=["quiz", "question"], name="quizitem_once")]

    def __str__(self) -> str:
        return f"{self.quiz_id}: {self.question_id}"
