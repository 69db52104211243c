"""Certificates: issue once per completed enrollment, revoke with a reason, re-issue, issue in bulk.

Once: the enrollment row is locked while the certificate is looked for and created, and the
one-to-one column is unique, so a task that runs twice or two workers at once make one certificate
(a loser returns the winner's). The PDF is rendered before the write and stored with it; it is
regenerated only on re-issue, so the document never changes under its holder.
"""

import logging
import secrets
from functools import partial
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from cohorts.scopes import learning_changed
from core.i18n import language_of
from core.jobs import UNFINISHED, job_running
from core.progress import stalled_cutoff

from ..models import (
    Certificate,
    CertificateBatch,
    CertificateCounter,
    Cohort,
    Enrollment,
)
from ..services.errors import CohortError
from ..services.notify import lazy_format, notify
from .pdf import BackgroundMissing, CertificateFacts, Issuer, Signer, load_background, render_certificate
from .selectors import certificate_template_for

logger = logging.getLogger(__name__)
S = Enrollment.State
CODE_BYTES = 16  # secrets.token_urlsafe(16): 22 characters, 128 bits


class CertificateError(CohortError):
    """A rule about certificates was broken; the message is shown as is."""


def verify_url(code: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("certificate_verify", args=[code])


def _next_number(year: int) -> str:
    """PD-<year>-<n>: the year's counter row is incremented under its lock in a short transaction.

    A number taken by an attempt that then loses (a concurrent duplicate) or fails is not reused:
    numbers are unique and increasing, with rare gaps, like a database sequence.
    """
    with transaction.atomic():
        if not CertificateCounter.objects.filter(year=year).update(last=F("last") + 1):
            try:
                with transaction.atomic():
                    CertificateCounter.objects.create(year=year, last=1)
            except IntegrityError:
                CertificateCounter.objects.filter(year=year).update(last=F("last") + 1)
        last = CertificateCounter.objects.filter(year=year).values_list("last", flat=True).get()
    return f"PD-{year}-{last:06d}"


def _file_bytes(fieldfile) -> bytes:
    """A logo's or signature's bytes; a file storage lost is left off the page (and logged)."""
    if not fieldfile:
        return b""
    try:
        with fieldfile.storage.open(fieldfile.name, "rb") as handle:
            return handle.read()
    except OSError:
        logger.warning("certificate image %s is missing from storage", fieldfile.name)
        return b""


def _signing(*, template, cohort: Cohort, language: str) -> tuple[Issuer | None, str]:
    """Who the certificate is from and who signs it, in the holder's language.

    The organisation is the template's, else the course's. Its signatories sign; the template's own
    signature lines are printed only when there are none (templates from before organisations keep
    theirs). With "curators sign too" each curator of the cohort signs as the course's curator.
    """
    organisation = (template.organisation if template else None) or cohort.course.organisation
    lines = template.signatures_in(language) if template else ""
    signers: list[Signer] = []
    if organisation is not None:
        signers = [
            Signer(
                signatory.title_in(language), signatory.name_in(language), _file_bytes(signatory.signature)
            )
            for signatory in organisation.signatories.all()
        ]
    if template is not None and template.sign_curator:
        with override(language):
            title = _("Course curator")
        curators = [user.full_name or user.email for user in cohort.curators.order_by("full_name", "pk")]
        if signers or not lines:
            signers += [Signer(title, name) for name in curators]
        else:
            lines = "\n".join([lines, *(f"{title} ________ {name}" for name in curators)])
    if organisation is None:
        return (Issuer(signers=tuple(signers)) if signers else None), lines
    return (
        Issuer(
            name=organisation.name_in(language),
            logo=_file_bytes(organisation.logo),
            signers=tuple(signers),
        ),
        lines,
    )


def _render(*, template, number: str, code: str, enrollment: Enrollment, now) -> tuple[bytes, dict]:
    teacher = enrollment.teacher
    course = enrollment.cohort.course
    facts: dict[str, Any] = {
        "holder_name": teacher.full_name or teacher.email,
        "course_title": course.title,
        "hours": course.hours,
        "starts_on": enrollment.cohort.starts_on,
        "ends_on": enrollment.cohort.ends_on,
        "language": language_of(teacher),
    }
    issuer, signatures = _signing(template=template, cohort=enrollment.cohort, language=facts["language"])
    try:
        background = load_background(template)
        pdf = render_certificate(
            facts=CertificateFacts(
                number=number, issued_on=timezone.localtime(now).date(), verify_url=verify_url(code), **facts
            ),
            layout=template.layout if template else None,
            signatures=signatures,
            background=background,
            issuer=issuer,
        )
    except BackgroundMissing as exc:
        raise CertificateError(
            _(
                "The background file of the certificate template “%(template)s” is missing or unreadable; upload it again."
            )
            % {"template": template}
        ) from exc
    return pdf, facts


def _check_background(template) -> None:
    try:
        load_background(template)
    except BackgroundMissing as exc:
        raise CertificateError(
            _(
                "The background file of the certificate template “%(template)s” is missing or unreadable; upload it again."
            )
            % {"template": template}
        ) from exc


def _check_not_before_start(cohort: Cohort, now) -> None:
    if timezone.localdate(now) < cohort.starts_on:
        raise CertificateError(
            _("A certificate cannot be dated before the cohort starts (%(date)s).")
            % {"date": date_format(cohort.starts_on)}
        )


def certificate_issue(*, enrollment_id: int) -> Certificate:
    """Issue the certificate of a completed enrollment, once; return the existing one if there is one.

    Refuses an enrollment that is not completed, and a template whose background file is missing
    (nothing is created then).
    """
    existing = Certificate.objects.filter(enrollment_id=enrollment_id).first()
    if existing is not None:
        return existing
    enrollment = Enrollment.objects.select_related("teacher", "cohort__course__organisation").get(
        pk=enrollment_id
    )
    if enrollment.state != S.COMPLETED:
        raise CertificateError(_("A certificate is issued only for a completed enrollment."))
    now = timezone.now()
    _check_not_before_start(enrollment.cohort, now)
    template = certificate_template_for(cohort=enrollment.cohort)
    _check_background(template)
    number = _next_number(timezone.localtime(now).year)
    code = secrets.token_urlsafe(CODE_BYTES)
    pdf, facts = _render(template=template, number=number, code=code, enrollment=enrollment, now=now)
    written: list = []  # the PDF stored inside the transaction: removed again if the transaction rolls back
    try:
        with transaction.atomic():
            locked = Enrollment.objects.select_for_update().get(pk=enrollment_id)
            existing = Certificate.objects.filter(enrollment_id=enrollment_id).first()
            if existing is not None:
                return existing
            if locked.state != S.COMPLETED:
                raise CertificateError(_("A certificate is issued only for a completed enrollment."))
            certificate = Certificate(
                enrollment=locked,
                number=number,
                code=code,
                issued_at=now,
                issued_on=timezone.localdate(now),
                template=template,
                **facts,
            )
            certificate.pdf.save("certificate.pdf", ContentFile(pdf), save=False)
            written.append(certificate.pdf.name)
            # Once committed the file is the certificate's: an error raised after the commit (a later
            # on-commit hook, e.g. the notice's queueing while Redis restarts) must not delete it.
            transaction.on_commit(written.clear)
            try:
                with transaction.atomic():
                    certificate.save(force_insert=True)
            except IntegrityError:
                certificate.pdf.delete(save=False)
                return Certificate.objects.get(enrollment_id=enrollment_id)
            notify(
                recipient=enrollment.teacher,
                kind="certificate_issued",
                title=lazy_format(
                    gettext_lazy("Your certificate for “%(course)s” is ready"),
                    course=enrollment.cohort.course.title,
                ),
                body=lazy_format(
                    gettext_lazy("Certificate No. %(number)s. Download it from your cabinet."), number=number
                ),
                url=reverse("cohorts:certificate_download", args=[enrollment_id]),
                dedupe_key=f"certificate:{certificate.pk}",
            )
    except BaseException:
        for name in written:
            Certificate._meta.get_field("pdf").storage.delete(name)
        raise
    return certificate


def certificate_revoke(*, certificate: Certificate, actor, reason: str) -> Certificate:
    """Revoke with a reason (required); the verification page then says "revoked" with the date."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise CertificateError(_("Give a reason for revoking the certificate."))
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.revoked_at is not None:
            raise CertificateError(_("This certificate is already revoked."))
        certificate.revoked_at = timezone.now()
        certificate.revoked_reason = reason[:500]
        certificate.revoked_by = actor
        certificate.save(update_fields=["revoked_at", "revoked_reason", "revoked_by"])
        learning_changed(certificate.enrollment_id)  # the cabinet drops the link
        enrollment = Enrollment.objects.select_related("teacher", "cohort__course").get(
            pk=certificate.enrollment_id
        )
        notify(
            recipient=enrollment.teacher,
            kind="certificate_changed",
            title=lazy_format(
                gettext_lazy("Your certificate for “%(course)s” was revoked"),
                course=enrollment.cohort.course.title,
            ),
            body=lazy_format(
                gettext_lazy("Certificate No. %(number)s no longer verifies. Reason: %(reason)s"),
                number=certificate.number,
                reason=certificate.revoked_reason,
            ),
            url=reverse("cabinet"),
            dedupe_key=f"certificate:{certificate.pk}:revoked:{certificate.revoked_at.timestamp():.0f}",
        )
    return certificate


def certificate_reissue(*, certificate: Certificate, actor=None, reason: str = "") -> Certificate:
    """Re-issue: the same number, the holder's current name, today's date, a new verification code
    (the old printout no longer verifies), a new PDF; a revocation is lifted. The holder is told, with
    the reason when one is given (the admin action asks for one)."""
    reason = " ".join((reason or "").split())[:500]
    enrollment = Enrollment.objects.select_related("teacher", "cohort__course__organisation").get(
        pk=certificate.enrollment_id
    )
    if enrollment.state != S.COMPLETED:
        raise CertificateError(_("A certificate is issued only for a completed enrollment."))
    now = timezone.now()
    _check_not_before_start(enrollment.cohort, now)
    template = certificate_template_for(cohort=enrollment.cohort)
    code = secrets.token_urlsafe(CODE_BYTES)
    pdf, facts = _render(
        template=template, number=certificate.number, code=code, enrollment=enrollment, now=now
    )
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        old_file = certificate.pdf.name
        for field, value in facts.items():
            setattr(certificate, field, value)
        certificate.code = code
        certificate.issued_at = now
        certificate.issued_on = timezone.localdate(now)
        certificate.template = template
        certificate.revoked_at = None
        certificate.revoked_reason = ""
        certificate.revoked_by = None
        certificate.reissue_count = F("reissue_count") + 1
        certificate.pdf.save("certificate.pdf", ContentFile(pdf), save=False)
        certificate.save()
        storage = certificate.pdf.storage
        transaction.on_commit(partial(storage.delete, old_file))
        learning_changed(certificate.enrollment_id)
        course = enrollment.cohort.course.title
        notify(
            recipient=enrollment.teacher,
            kind="certificate_changed",
            title=lazy_format(gettext_lazy("Your certificate for “%(course)s” was re-issued"), course=course),
            body=lazy_format(
                gettext_lazy(
                    "Certificate No. %(number)s. Reason: %(reason)s. The previous copy no longer verifies: download the new one from your cabinet."
                ),
                number=certificate.number,
                reason=reason,
            )
            if reason
            else lazy_format(
                gettext_lazy(
                    "Certificate No. %(number)s. The previous copy no longer verifies: download the new one from your cabinet."
                ),
                number=certificate.number,
            ),
            url=reverse("cohorts:certificate_download", args=[enrollment.pk]),
            dedupe_key=f"certificate:{certificate.pk}:reissued:{now.timestamp():.0f}",
        )
    certificate.refresh_from_db()
    return certificate


# --- bulk ------------------------------------------------------------------------------------


def certificate_batch_start(*, cohort: Cohort, actor) -> CertificateBatch:
    """Issue certificates for every completed enrollment of the cohort in the background."""
    total = cohort.enrollments.filter(state=S.COMPLETED).count()
    if not total:
        raise CertificateError(_("Nobody has completed this cohort yet."))
    template = certificate_template_for(cohort=cohort)
    _check_background(template)
    batch = CertificateBatch.objects.create(cohort=cohort, created_by=actor, total=total)

    def queue() -> None:
        from .tasks import certificates_issue_for_cohort  # tasks imports this module

        certificates_issue_for_cohort.delay(batch.pk)

    transaction.on_commit(queue)
    return batch


def certificate_batch_note_failure(*, batch_id: int, enrollment_id: int, message: str) -> None:
    """A problem with one enrollment, recorded once per enrollment (a re-run does not double it)."""
    with transaction.atomic():
        batch = CertificateBatch.objects.select_for_update().filter(pk=batch_id).first()
        if batch is None:
            return
        if any(item.get("enrollment") == enrollment_id for item in batch.messages):
            return
        batch.messages = [*batch.messages, {"enrollment": enrollment_id, "message": message}][-200:]
        batch.save(update_fields=["messages"])


def certificate_batch_remaining(batch: CertificateBatch) -> list[int]:
    """Completed enrollments of the batch's cohort still without a certificate, minus those that failed
    with a recorded problem (a rule broken: re-running them would fail again)."""
    failed = [item.get("enrollment") for item in batch.messages if item.get("enrollment")]
    return list(
        Enrollment.objects.filter(cohort_id=batch.cohort_id, state=S.COMPLETED, certificate__isnull=True)
        .exclude(pk__in=failed)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def certificate_batch_issued(batch: CertificateBatch) -> int:
    """Certificates of the batch's cohort's completed enrollments, counted from the certificates (exact
    even if a task ran twice), at most the batch's total."""
    issued = Certificate.objects.filter(
        enrollment__cohort_id=batch.cohort_id, enrollment__state=S.COMPLETED
    ).count()
    return min(issued, batch.total)


def certificate_batch_progressed(*, batch_id: int, now=None) -> bool:
    """A chunk finished (or the fan-out found nothing to do): count what is issued, note the time, and close
    the batch as done when nothing is left. True when finished."""
    now = now or timezone.now()
    batch = CertificateBatch.objects.filter(pk=batch_id, finished_at__isnull=True).first()
    if batch is None:
        return True
    finished = not certificate_batch_remaining(batch)
    end = {"state": CertificateBatch.State.DONE, "finished_at": now} if finished else {}
    CertificateBatch.objects.filter(pk=batch_id, finished_at__isnull=True).update(
        **{**job_running(now), "done": certificate_batch_issued(batch), **end}
    )
    return finished


def certificate_batches_resume(*, now=None, limit: int = 100) -> list[int]:
    """The sweep: every unfinished batch with no progress (and not resumed) for PDP_STALLED_AFTER seconds
    gets what is left queued again, in chunks; a batch with nothing left is closed. Returns the ids resumed.

    Safe to run twice at once or while the original chunks still run: the batch row is taken with
    SKIP LOCKED and re-checked under its lock, and each certificate is issued once however many chunks
    ask for it (certificate_issue locks the enrollment; the one-to-one column is unique). A chunk the
    broker still holds for a killed worker and redelivers later finds its certificates issued.
    """
    from .tasks import certificates_queue_chunks  # tasks imports this module

    now = now or timezone.now()
    cutoff = stalled_cutoff(now)
    stalled = Q(state__in=UNFINISHED, progressed_at__lt=cutoff) & (
        Q(resumed_at__isnull=True) | Q(resumed_at__lt=cutoff)
    )
    resumed = []
    for batch_id in (
        CertificateBatch.objects.filter(stalled)
        .order_by("progressed_at")
        .values_list("pk", flat=True)[:limit]
    ):
        with transaction.atomic():
            batch = (
                CertificateBatch.objects.select_for_update(skip_locked=True)
                .filter(stalled, pk=batch_id)
                .first()
            )
            if batch is None:
                continue  # another sweep has it, or it moved on meanwhile
            remaining = certificate_batch_remaining(batch)
            if not remaining:
                batch.state, batch.finished_at, batch.done = (
                    batch.State.DONE,
                    now,
                    certificate_batch_issued(batch),
                )
                batch.save(update_fields=["state", "finished_at", "done"])
                continue
            batch.resumed_at = now
            batch.resumed_count = F("resumed_count") + 1
            batch.save(update_fields=["resumed_at", "resumed_count"])
            logger.warning(
                "certificate batch %s stalled: queueing %s enrollments again", batch_id, len(remaining)
            )
            transaction.on_commit(partial(certificates_queue_chunks, remaining, batch_id))
            resumed.append(batch_id)
    return resumed
