"""Demo certificates: a default template, and a certificate for every completed enrollment of the
finished demo cohorts (issued by the same service as in production; idempotent)."""

from ..models import Certificate, CertificateTemplate, Cohort, Enrollment
from .services import certificate_issue

SIGNATURES = "Директор центра повышения квалификации ________ Е. В. Орлова\nКуратор курса ________ А. С. Миронов"


def seed(people: dict) -> None:
    if not CertificateTemplate.objects.filter(is_default=True).exists():
        CertificateTemplate.objects.create(name="Стандартное удостоверение", is_default=True, signatures=SIGNATURES)
    due = (
        Enrollment.objects.filter(cohort__status=Cohort.Status.FINISHED, state=Enrollment.State.COMPLETED)
        .exclude(pk__in=Certificate.objects.values("enrollment_id"))
        .values_list("pk", flat=True)
    )
    for enrollment_id in list(due):
        certificate_issue(enrollment_id=enrollment_id)
