"""Certificates: one per completed enrollment, a platform-wide number, an unguessable verification
code, the facts as they were at issuance, and the PDF rendered once from a template."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.jobs import BackgroundJob
from core.uploads import CheckedFileField, UploadCheck

from ..models.cohort import Cohort
from ..models.enrollment import Enrollment
from .layout import default_layout


def background_upload_to(instance, filename: str) -> str:
    # `filename` is the <random>.<extension read from the content> that CheckedFileField made.
    return f"cohorts/certificate_templates/{filename}"


BACKGROUND_KINDS = ("jpg", "png", "pdf")
BACKGROUND_MAX_BYTES = 10 * 1024 * 1024


def certificate_upload_to(instance, filename: str) -> str:
    # Not derived from the verification code: a listing of the storage must not reveal codes.
    return f"cohorts/certificates/{uuid.uuid4().hex}.pdf"


class CertificateTemplate(models.Model):
    """A page design methodologists choose in the admin: background plus positioned fields."""

    name = models.CharField(_("name"), max_length=200)
    background = CheckedFileField(
        _("background (image or PDF)"),
        upload_to=background_upload_to,
        blank=True,
        validators=[UploadCheck(allowed=BACKGROUND_KINDS, max_bytes=BACKGROUND_MAX_BYTES)],
        help_text=_("A4 landscape. Empty: a plain white page with a frame."),
    )
    organisation = models.ForeignKey(
        "courses.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificate_templates",
        verbose_name=_("organisation"),
        help_text=_(
            "Empty: a template for any organisation. Its certificates carry the course's organisation."
        ),
    )
    layout = models.JSONField(
        _("field positions"),
        default=default_layout,
        help_text=_(
            "{field: [x_mm, y_mm, font_size]} or [x_mm, y_mm, font_size, width_mm, height_mm] from the "
            "bottom-left corner; text is centred on x and shrunk or wrapped into its box; every box stays "
            "inside the frame and boxes do not overlap."
        ),
    )
    signatures = models.TextField(
        _("signatures"),
        blank=True,
        help_text=_(
            "One line per signature, e.g. “Director ________ I. Ivanova”. Printed only when the "
            "organisation has no signatories."
        ),
    )
    # The signatures are fixed text too: a Ukrainian or English holder's certificate takes its own lines.
    signatures_uk = models.TextField(
        _("signatures in Ukrainian"),
        blank=True,
        help_text=_("For holders who read Ukrainian. Empty: the lines above."),
    )
    signatures_en = models.TextField(
        _("signatures in English"),
        blank=True,
        help_text=_("For holders who read English. Empty: the lines above."),
    )
    courses = models.ManyToManyField(
        "courses.Course",
        blank=True,
        related_name="certificate_templates",
        verbose_name=_("used for courses"),
        help_text=_("Other courses use the default template."),
    )
    sign_curator = models.BooleanField(
        _("the cohort's curators sign too"),
        default=False,
        help_text=_("Adds a “Course curator” signature with each curator's name."),
    )
    is_default = models.BooleanField(
        _("default template"),
        default=False,
        help_text=_("The default of its organisation; without an organisation, the default of the platform."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("certificate template")
        verbose_name_plural = _("certificate templates")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True, organisation__isnull=True),
                name="certificatetemplate_one_default",
                violation_error_message=_("There is already a default template for the platform."),
            ),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(is_default=True, organisation__isnull=False),
                name="certificatetemplate_one_default_per_organisation",
                violation_error_message=_("This organisation already has a default template."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def signatures_in(self, language: str) -> str:
        """The signature lines for a holder reading `language` (the main lines when none are given)."""
        return {"uk": self.signatures_uk, "en": self.signatures_en}.get(language, "") or self.signatures


class CertificateCounter(models.Model):
    """The last number handed out per year; incremented under its row lock (a short transaction)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("certificate counter")
        verbose_name_plural = _("certificate counters")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Certificate(models.Model):
    enrollment = models.OneToOneField(
        Enrollment, on_delete=models.PROTECT, related_name="certificate", verbose_name=_("enrollment")
    )
    number = models.CharField(_("number"), max_length=32, unique=True)
    code = models.CharField(_("verification code"), max_length=64, unique=True)
    issued_at = models.DateTimeField(_("issued at"))
    # The date printed on the document (issued_at in the site's time zone), kept on the row so the
    # database can check it against the cohort's start copied beside it.
    issued_on = models.DateField(_("issued on"))
    holder_name = models.CharField(_("holder"), max_length=200)
    course_title = models.CharField(_("course"), max_length=255)
    hours = models.PositiveSmallIntegerField(_("academic hours"))
    starts_on = models.DateField(_("course started on"))
    ends_on = models.DateField(_("course ended on"))
    language = models.CharField(_("language"), max_length=5)
    template = models.ForeignKey(
        CertificateTemplate,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("template"),
    )
    pdf = models.FileField(_("PDF"), upload_to=certificate_upload_to)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason for revoking"), max_length=500, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    reissue_count = models.PositiveSmallIntegerField(_("times re-issued"), default=0)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revoked_reason=""),
                name="certificate_revoked_has_reason",
            ),
            models.CheckConstraint(condition=~Q(pdf=""), name="certificate_has_pdf"),
            models.CheckConstraint(
                condition=Q(issued_on__gte=models.F("starts_on")), name="certificate_not_dated_before_start"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args, **kwargs) -> None:
        if self.issued_on is None and self.issued_at is not None:
            self.issued_on = timezone.localdate(self.issued_at)
        super().save(*args, **kwargs)

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None


class CertificateBatch(BackgroundJob):
    """Progress of "issue certificates for a cohort": the page polls it.

    Done is counted again from the certificates themselves each time a chunk finishes (never incremented
    by tasks), so a task that runs twice after a worker was killed can never push the count past the
    truth. A problem with one enrollment is a message (the others go on), never the batch's failure.
    """

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="certificate_batches", verbose_name=_("cohort")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    total = models.PositiveIntegerField(_("completed enrollments"), default=0)
    done = models.PositiveIntegerField(_("certificates issued"), default=0)
    messages = models.JSONField(_("problems"), default=list, blank=True)
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("certificate issuance")
        verbose_name_plural = _("certificate issuances")
        constraints = BackgroundJob.constraints("certificatebatch")
        indexes = [
            models.Index(
                fields=["progressed_at"], condition=Q(finished_at__isnull=True), name="certbatch_unfinished"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cohort} ({self.total})"

    @property
    def failed_count(self) -> int:
        return len(self.messages)

    @property
    def handled(self) -> int:
        return self.done + self.failed_count

    @property
    def problems(self) -> list[str]:
        return [item.get("message", "") for item in self.messages]
