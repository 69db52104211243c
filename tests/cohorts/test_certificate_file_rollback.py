"""Issue #16 item 5: a certificate PDF written in a transaction that rolls back is removed (M1 found one
PDF on disk without a row)."""

import pytest
from django.conf import settings

from cohorts.certificates import services
from cohorts.models import Certificate, Enrollment

from .factories import EnrollmentFactory

pytestmark = pytest.mark.django_db


def _stored() -> list[str]:
    root = settings.MEDIA_ROOT / "cohorts" / "certificates"
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


def test_a_pdf_written_in_a_transaction_that_rolls_back_is_removed(monkeypatch):
    enrollment = EnrollmentFactory(state=Enrollment.State.COMPLETED)

    def database_blip(**kwargs):
        raise RuntimeError("the notification insert failed")

    monkeypatch.setattr(services, "notify", database_blip)
    with pytest.raises(RuntimeError):
        services.certificate_issue(enrollment_id=enrollment.pk)
    assert Certificate.objects.count() == 0
    assert _stored() == []


def test_the_pdf_of_an_issued_certificate_stays():
    enrollment = EnrollmentFactory(state=Enrollment.State.COMPLETED)
    certificate = services.certificate_issue(enrollment_id=enrollment.pk)
    assert _stored() == [certificate.pdf.name.rsplit("/", 1)[-1]]


@pytest.mark.django_db(transaction=True)
def test_an_error_after_the_commit_never_deletes_the_committed_pdf(monkeypatch):
    """A Redis restart mid-batch: the notice's on-commit queueing fails after the certificate committed.
    The row exists, so its file must too (the cleanup is for rollbacks only)."""
    from django.db import transaction

    enrollment = EnrollmentFactory(state=Enrollment.State.COMPLETED)

    def notice_queued_on_commit(**kwargs):
        def broker_down():
            raise ConnectionError("Redis is restarting")

        transaction.on_commit(broker_down)

    monkeypatch.setattr(services, "notify", notice_queued_on_commit)
    with pytest.raises(ConnectionError):
        services.certificate_issue(enrollment_id=enrollment.pk)
    certificate = Certificate.objects.get()
    assert certificate.pdf.storage.exists(certificate.pdf.name)
    assert _stored() == [certificate.pdf.name.rsplit("/", 1)[-1]]
