"""Demo certificates: the platform's default template (signature lines, from before organisations),
the regional institute's template its courses use (its signatories and the cohort's curators sign),
and a certificate for every completed enrollment of the finished demo cohorts (issued by the same
service as in production; idempotent). Each is also an Open Badge: signed on download (decision 0391),
so the demo signs every one once and checks it verifies, which proves the key and the status list work."""

from courses.models import Organisation

from ..models import Certificate, CertificateTemplate, Cohort, Enrollment
from . import badges
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
    demo_certificates = (
        Certificate.objects.filter(revoked_at__isnull=True)
        .select_related("enrollment__teacher", "enrollment__cohort__course__organisation")
        .prefetch_related("enrollment__cohort__course__competencies")
        .order_by("pk")[:200]
    )
    for certificate in demo_certificates:
        verdict = badges.credential_verify(badges.credential_jwt(certificate).encode())
        if verdict.status != "valid":
            raise RuntimeError(f"demo badge {certificate.number} does not verify: {verdict.message}")


def badge_example() -> Certificate | None:
    """A demo teacher's valid certificate, for seed_demo to point at its Open Badge page."""
    return (
        Certificate.objects.filter(
            revoked_at__isnull=True, enrollment__teacher__email__endswith="@demo.pdplatform.local"
        )
        .select_related("enrollment__teacher")
        .order_by("pk")
        .first()
    )
