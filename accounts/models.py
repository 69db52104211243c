"""Who uses the platform and where they work: users, municipalities, schools, subjects."""

import hashlib

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models.functions import Length, Lower
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.i18n import language_subsets, site_language


class Municipality(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name


class School(models.Model):
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="schools", verbose_name=_("municipality")
    )
    name = models.CharField(_("name"), max_length=255)

    class Meta:
        ordering = ["municipality__name", "name"]
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"], name="school_unique_name_per_municipality"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Subject(models.Model):
    """A school subject a teacher teaches and a course may target (mathematics, history...)."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        ordering = ["name"]
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")

    def __str__(self) -> str:
        return self.name


class SchoolLevel(models.TextChoices):
    PRIMARY = "primary", _("Primary school (grades 1-4)")
    LOWER_SECONDARY = "lower_secondary", _("Lower secondary (grades 5-9)")
    UPPER_SECONDARY = "upper_secondary", _("Upper secondary (grades 10-11)")


class Level(models.Model):
    """School levels as rows so that users and courses can be filtered by them on any database."""

    code = models.CharField(_("code"), max_length=20, unique=True, choices=SchoolLevel.choices)

    class Meta:
        ordering = ["id"]
        verbose_name = _("school level")
        verbose_name_plural = _("school levels")

    def __str__(self) -> str:
        return str(SchoolLevel(self.code).label)


class Position(models.TextChoices):
    TEACHER = "teacher", _("Teacher")
    SENIOR_TEACHER = "senior_teacher", _("Senior teacher")
    DEPUTY_HEAD = "deputy_head", _("Deputy head")
    HEAD = "head", _("Head of school")
    METHODOLOGIST = "methodologist", _("Methodologist")
    OTHER = "other", _("Other")


class UserManager(DjangoUserManager):
    """Email is the login; there is no username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


def default_language() -> str:
    """A new account speaks the site's language until sign-up stores the browser's."""
    return site_language()


class User(AbstractUser):
    # Set on fetched instances by selectors for the pages (not columns; for the type checker):
    _role_codes: "frozenset[str] | None"  # accounts.selectors.user_role_codes: the cached roles

    LANGUAGE_CHOICES = [("ru", "Русский"), ("uk", "Українська"), ("en", "English")]

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    # Settled at sign-up from the browser's language (core.i18n.language_from_request); never empty.
    preferred_language = models.CharField(
        _("preferred language"), max_length=5, choices=LANGUAGE_CHOICES, default=default_language
    )
    # "Also show courses in ...": languages besides their own the person reads courses in, stored as
    # a canonical comma-joined subset of ru/uk/en ("uk,en"); docs/decisions/0191-lang-course-language.md.
    also_course_languages = models.CharField(_("also show courses in"), max_length=20, blank=True, default="")
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("municipality"),
    )
    school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("school"),
    )
    subjects = models.ManyToManyField(
        Subject, blank=True, related_name="teachers", verbose_name=_("subjects taught")
    )
    school_levels = models.ManyToManyField(
        Level, blank=True, related_name="teachers", verbose_name=_("school levels")
    )
    position = models.CharField(
        pgettext_lazy("job", "position"), max_length=30, blank=True, choices=Position.choices
    )
    years_of_experience = models.PositiveSmallIntegerField(
        _("years of teaching experience"), null=True, blank=True
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["full_name", "email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
            models.CheckConstraint(
                condition=models.Q(preferred_language__in=["en", "ru", "uk"]), name="user_language_set"
            ),
            models.CheckConstraint(
                condition=models.Q(also_course_languages__in=language_subsets(("ru", "uk", "en"))),
                name="user_also_course_languages_known",
            ),
            models.CheckConstraint(
                condition=models.Q(years_of_experience__isnull=True) | models.Q(years_of_experience__lte=70),
                name="user_experience_plausible",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    @property
    def display_name(self) -> str:
        """The name others see (member lists, mentions, user cards): the full name, never a part of the
        e-mail address; a person without a name yet is "Participant #<id>"."""
        return " ".join(self.full_name.split()) or _("Participant #%(number)d") % {"number": self.pk or 0}

    def get_short_name(self) -> str:
        return self.full_name.split()[0] if self.full_name else self.email.split("@")[0]

    @property
    def profile_complete(self) -> bool:
        return bool(
            self.full_name and self.school_id and self.position and self.years_of_experience is not None
        )

    @property
    def is_young_teacher(self) -> bool:
        return self.years_of_experience is not None and self.years_of_experience < 3


class CalendarFeed(models.Model):
    """A person's private calendar address. Calendar apps cannot sign in, so the address carries a
    secret; only its SHA-256 is stored (a leaked database gives no working address). Renewing
    replaces the hash (the old address stops at once); revoking deletes the row."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="calendar_feed", verbose_name=_("person")
    )
    token_hash = models.CharField(_("secret's hash"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            models.CheckConstraint(
                condition=Exact(Length("token_hash"), 64), name="calendar_feed_hash_is_sha256"
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)

    @staticmethod
    def hash_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


class SchoolMoveState(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class SchoolMoveRequest(models.Model):
    """A teacher asks to work at another school. Until the receiving school's administrator (or the
    municipal administrator of its municipality) approves, the teacher stays where they were."""

    teacher = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="school_move_requests", verbose_name=_("teacher")
    )
    from_school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("from school"),
    )
    to_school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="move_requests_in", verbose_name=_("to school")
    )
    reason = models.TextField(_("reason"), max_length=1000)
    state = models.CharField(
        _("state"), max_length=10, choices=SchoolMoveState.choices, default=SchoolMoveState.PENDING
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    rejection_reason = models.TextField(_("rejection reason"), max_length=1000, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("school move request")
        verbose_name_plural = _("school move requests")
        constraints = [
            models.UniqueConstraint(
                fields=["teacher"],
                condition=models.Q(state="pending"),
                name="school_move_one_pending_per_teacher",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=["pending", "approved", "rejected"]),
                name="school_move_state_known",
            ),
            models.CheckConstraint(
                condition=~models.Q(from_school=models.F("to_school")), name="school_move_to_another_school"
            ),
            models.CheckConstraint(
                condition=models.Q(state="pending", decided_at__isnull=True)
                | (~models.Q(state="pending") & models.Q(decided_at__isnull=False)),
                name="school_move_decided_when_decided",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="rejected") | ~models.Q(rejection_reason=""),
                name="school_move_rejection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.teacher} → {self.to_school}"


class SchoolChangeHow(models.TextChoices):
    REQUEST = "request", _("Move request approved")
    IMPORT = "import", _("Administrator's import")
    ADMIN_SITE = "admin_site", _("Administration site")
    FIRST_CHOICE = "first_choice", _("First choice in the profile")


class SchoolChange(models.Model):
    """The audit trail of where a person works: every change of their school, who made it and how.
    Rows are only added, never edited."""

    teacher = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="school_changes", verbose_name=_("teacher")
    )
    from_school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("from school"),
    )
    to_school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="+", null=True, blank=True, verbose_name=_("to school")
    )
    how = models.CharField(_("how"), max_length=20, choices=SchoolChangeHow.choices)
    changed_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("changed by")
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    move_request = models.OneToOneField(
        SchoolMoveRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="change",
        verbose_name=_("move request"),
    )

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("school change")
        verbose_name_plural = _("school changes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(how__in=["request", "import", "admin_site", "first_choice"]),
                name="school_change_how_known",
            ),
            models.CheckConstraint(
                condition=~models.Q(how="request") | models.Q(move_request__isnull=False),
                name="school_change_request_named",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.teacher}: {self.from_school} → {self.to_school}"


class ApiToken(models.Model):
    """A person's own key to the API (`Authorization: Token <secret>`), made and revoked on their profile
    page. Only the SHA-256 of the random secret is stored, with its first characters so the person can tell
    their tokens apart; the secret itself is shown once, when it is made. Revoking deletes the row.
    `last_used_at` is written at most once a minute per token (accounts/api_auth.py)."""

    PREFIX_LENGTH = 12  # "pdp_" + 8 characters that tell tokens apart
    LIMIT_PER_PERSON = 10

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("person")
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("beginning of the secret"), max_length=PREFIX_LENGTH, editable=False)
    token_hash = models.CharField(_("secret's hash"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            models.CheckConstraint(
                condition=Exact(Length("token_hash"), 64), name="api_token_hash_is_sha256"
            ),
            models.CheckConstraint(condition=~models.Q(name=""), name="api_token_has_name"),
            models.UniqueConstraint(fields=["user", "name"], name="api_token_unique_name_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_of(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()
