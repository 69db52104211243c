"""Demo certificates: the platform's default template (signature lines, from before organisations),
the regional institute's template its courses use (its signatories and the cohort's curators sign),
and a certificate for every completed enrollment of the finished demo cohorts (issued by the same
service as in production; idempotent)."""

from courses.models import Organisation

from ..models import Certificate, CertificateTemplate, Cohort, Enrollment
from .services import certificate_issue

SIGNATURES = (
    "Директор центра повышения квалификации ________ Е. В. Орлова\nКуратор курса ________ А. С. Миронов"
)
SIGNATURES_UK = (
    "Директорка центру підвищення кваліфікації ________ О. В. Орлова\nКуратор курсу ________ А. С. Миронов"
)
SIGNATURES_EN = (
    "Director of the professional development centre ________ E. Orlova\nCourse curator ________ A. Mironov"
)


def seed(people: dict) -> None:
    if not CertificateTemplate.objects.filter(is_default=True).exists():
        CertificateTemplate.objects.create(
            name="Стандартное удостоверение", is_default=True, signatures=SIGNATURES
        )
    # Ukrainian and English holders' certificates are signed in their language (also on an older demo).
    CertificateTemplate.objects.filter(is_default=True, signatures=SIGNATURES, signatures_uk="").update(
        signatures_uk=SIGNATURES_UK, signatures_en=SIGNATURES_EN
    )
    for organisation in Organisation.objects.filter(courses__isnull=False).distinct():
        CertificateTemplate.objects.get_or_create(
            organisation=organisation,
            is_default=True,
            defaults={"name": f"Удостоверение: {organisation.name}"[:200], "sign_curator": True},
        )
    due = (
        Enrollment.objects.filter(cohort__status=Cohort.Status.FINISHED, state=Enrollment.State.COMPLETED)
        .exclude(pk__in=Certificate.objects.values("enrollment_id"))
        .values_list("pk", flat=True)
    )
    for enrollment_id in list(due):
        certificate_issue(enrollment_id=enrollment_id)
