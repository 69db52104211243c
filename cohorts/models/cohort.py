"""A cohort is one stream of a course: its dates, seats, curators, live sessions and quotas."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Cohort(models.Model):
    class Level(models.TextChoices):
        INTRODUCTORY = "introductory", _("Introductory")
        BASIC = "basic", _("Basic")
        ADVANCED = "advanced", _("Advanced")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open for enrollment")
        RUNNING = "running", _("Running")
        FINISHED = "finished", _("Finished")
        ARCHIVED = "archived", _("Archived")

    course = models.ForeignKey(
        "courses.Course", on_delete=models.PROTECT, related_name="cohorts", verbose_name=_("course")
    )
    title = models.CharField(_("title"), max_length=255)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    enrollment_opens_at = models.DateTimeField(_("enrollment opens at"))
    enrollment_closes_at = models.DateTimeField(_("enrollment closes at"))
    withdrawal_deadline = models.DateField(
        _("withdrawal possible until"), null=True, blank=True, help_text=_("Empty: until the cohort ends.")
    )
    capacity = models.PositiveIntegerField(_("seats"), default=30)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, default=Level.BASIC)
    curators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="curated_cohorts", verbose_name=_("curators")
    )
    restricted_to_municipalities = models.ManyToManyField(
        "accounts.Municipality",
        blank=True,
        related_name="restricted_cohorts",
        verbose_name=_("only for municipalities"),
    )
    restricted_to_schools = models.ManyToManyField(
        "accounts.School", blank=True, related_name="restricted_cohorts", verbose_name=_("only for schools")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    response_target_hours = models.PositiveSmallIntegerField(_("answer questions within, hours"), default=24)
    offer_hours = models.PositiveSmallIntegerField(_("a freed seat is offered for, hours"), default=48)
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="groups",
        verbose_name=_("split from"),
    )
    # A split's groups are numbered 1..N under their parent (a re-run of the split reuses them).
    split_index = models.PositiveSmallIntegerField(_("group number"), null=True, blank=True, editable=False)
    self_enrollment = models.BooleanField(
        _("teachers may enrol themselves"),
        default=True,
        help_text=_("Off: only curators place teachers here (groups of a split, a split intake)."),
    )
    certificate_template = models.ForeignKey(
        "cohorts.CertificateTemplate",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("certificate template"),
        help_text=_("Empty: the course's template, else its organisation's default, else the platform's."),
    )
    # Completion rules: each one optional.
    require_lessons = models.BooleanField(_("required lessons done"), default=True)
    require_assignments = models.BooleanField(_("all assignments accepted"), default=True)
    min_attendance_percent = models.PositiveSmallIntegerField(
        _("attendance at least, %"), null=True, blank=True, help_text=_("Empty: attendance is not required.")
    )
    require_feedback = models.BooleanField(_("feedback survey filled"), default=False)
    # Calendar version of the cohort's dates (assignment deadlines are counted from starts_on): bumped
    # when the dates change, so calendar apps replace the deadline entries (iCalendar SEQUENCE).
    sequence = models.PositiveIntegerField(_("calendar version"), default=0, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "title"]
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="cohort_ends_after_start",
                violation_error_message=_("The cohort cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(enrollment_closes_at__gte=models.F("enrollment_opens_at")),
                name="cohort_enrollment_window_ordered",
                violation_error_message=_("Enrolment cannot close before it opens."),
            ),
            models.CheckConstraint(
                condition=Q(min_attendance_percent__isnull=True) | Q(min_attendance_percent__lte=100),
                name="cohort_attendance_percent_range",
                violation_error_message=_("The attendance share is a percentage from 0 to 100."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "open", "running", "finished", "archived"]),
                name="cohort_status_known",
            ),
            models.CheckConstraint(
                condition=Q(level__in=["introductory", "basic", "advanced"]), name="cohort_level_known"
            ),
            models.UniqueConstraint(fields=["parent", "split_index"], name="cohort_split_index_unique"),
            models.CheckConstraint(
                condition=Q(split_index__isnull=True) | (Q(parent__isnull=False) & Q(split_index__gte=1)),
                name="cohort_split_index_has_parent",
            ),
            # A split's group is placed by curators only: nobody enrols straight into "group 1".
            models.CheckConstraint(
                condition=Q(split_index__isnull=True) | Q(self_enrollment=False),
                name="cohort_split_group_closed",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def enrollment_is_open(self) -> bool:
        now = timezone.now()
        return (
            self.self_enrollment
            and self.status in (self.Status.OPEN, self.Status.RUNNING)
            and self.enrollment_opens_at <= now <= self.enrollment_closes_at
        )

    @property
    def last_withdrawal_day(self):
        return self.withdrawal_deadline or self.ends_on


class LiveSession(models.Model):
    """A webinar, round table or master class on the cohort's schedule; a recording is linked afterwards."""

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("cohort")
    )
    title = models.CharField(_("title"), max_length=255)
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration, minutes"), default=90)
    link = models.URLField(_("link to join"), blank=True)
    recording_url = models.URLField(_("recording"), blank=True)
    checkin_code = models.CharField(
        _("check-in code"),
        max_length=12,
        blank=True,
        help_text=_("Shown during the session; teachers type it."),
    )
    copied_from = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="copies",
        editable=False,
        verbose_name=_("copied from"),
    )
    # Bumped on every change, so a subscribed calendar replaces the entry (iCalendar SEQUENCE).
    sequence = models.PositiveIntegerField(_("calendar version"), default=0, editable=False)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("live session")
        verbose_name_plural = _("live sessions")

    def __str__(self) -> str:
        return self.title

    # Teachers check in from 15 minutes before the start to 30 minutes after the end.
    CHECKIN_EARLY_MINUTES, CHECKIN_LATE_MINUTES = 15, 30

    def checkin_open_at(self, when) -> bool:
        from datetime import timedelta

        opens = self.starts_at - timedelta(minutes=self.CHECKIN_EARLY_MINUTES)
        closes = self.starts_at + timedelta(minutes=self.duration_minutes + self.CHECKIN_LATE_MINUTES)
        return opens <= when <= closes

    @property
    def checkin_is_open(self) -> bool:
        """The check-in field shows (and check-in is accepted) only in the session's window."""
        return self.checkin_open_at(timezone.now())


class SeatQuota(models.Model):
    """Seats of a cohort reserved for one municipality or one school until a release date."""

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="quotas", verbose_name=_("cohort")
    )
    municipality = models.ForeignKey(
        "accounts.Municipality",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name=_("municipality"),
    )
    school = models.ForeignKey(
        "accounts.School", on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("school")
    )
    seats = models.PositiveIntegerField(_("reserved seats"))
    release_at = models.DateTimeField(_("unused seats released to everyone at"))

    class Meta:
        verbose_name = _("seat quota")
        verbose_name_plural = _("seat quotas")
        constraints = [
            models.CheckConstraint(
                condition=(Q(municipality__isnull=False) & Q(school__isnull=True))
                | (Q(municipality__isnull=True) & Q(school__isnull=False)),
                name="seatquota_one_holder",
            ),
            models.UniqueConstraint(fields=["cohort", "municipality"], name="seatquota_unique_municipality"),
            models.UniqueConstraint(fields=["cohort", "school"], name="seatquota_unique_school"),
        ]

    def __str__(self) -> str:
        return f"{self.cohort}: {self.school or self.municipality} ({self.seats})"

    def covers(self, user) -> bool:
        if self.school_id:
            return user.school_id == self.school_id
        return user.municipality_id == self.municipality_id or (
            user.school_id is not None
            and getattr(user.school, "municipality_id", None) == self.municipality_id
        )
