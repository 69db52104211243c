"""Reads of certificates, scoped to who asks: the holder, the school administrator of the holder's
school, the course's methodologists; and the public verification by code."""

import re

from django.db.models import CharField, QuerySet, Subquery

from accounts.roles import Role
from accounts.selectors import schools_visible_to, user_has_role

from ..models import Certificate, CertificateBatch
from .models import CertificateTemplate

# secrets.token_urlsafe(16): exactly 22 URL-safe characters. Anything else is not a code.
CODE_RE = re.compile(r"^[A-Za-z0-9_-]{22}$")


def certificate_by_code(code: str) -> Certificate | None:
    """The public lookup: a wrong-shaped code never reaches the database."""
    if not isinstance(code, str) or not CODE_RE.match(code):
        return None
    return Certificate.objects.filter(code=code).first()


def certificates_of(user) -> QuerySet[Certificate]:
    if not getattr(user, "is_authenticated", False):
        return Certificate.objects.none()
    return Certificate.objects.filter(enrollment__teacher=user).select_related("enrollment__cohort")


def certificate_for_holder(*, user, enrollment_id: int) -> Certificate:
    """The teacher's own certificate for one of their enrollments, or DoesNotExist (→ 404); with what its
    Open Badge carries (course, organisation, competencies) loaded in two queries."""
    return (
        certificates_of(user)
        .select_related("enrollment__teacher", "enrollment__cohort__course__organisation")
        .prefetch_related("enrollment__cohort__course__competencies")
        .get(enrollment_id=enrollment_id)
    )


def certificates_for_school_admin(*, user, cohort_id: int) -> QuerySet[Certificate]:
    """Valid certificates of a cohort held by teachers of the schools the user administers."""
    if not (user_has_role(user, Role.SCHOOL_ADMIN) or user_has_role(user, Role.MUNICIPAL_ADMIN)):
        return Certificate.objects.none()
    schools = schools_visible_to(user).values("pk")
    return (
        Certificate.objects.filter(
            enrollment__cohort_id=cohort_id, enrollment__teacher__school__in=schools, revoked_at__isnull=True
        )
        .select_related("enrollment__teacher")
        .order_by("holder_name", "pk")
    )


def certificates_managed_by(user) -> QuerySet[Certificate]:
    """Methodologists revoke and re-issue certificates of the courses they author (superusers: all)."""
    qs = Certificate.objects.select_related("enrollment__cohort__course", "enrollment__teacher")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if user.is_superuser:
        return qs
    if not user_has_role(user, Role.METHODOLOGIST):
        return qs.none()
    return qs.filter(enrollment__cohort__course__authors=user)


def batch_for(*, user, batch_id: int) -> CertificateBatch:
    qs = CertificateBatch.objects.select_related("cohort")
    if not user.is_superuser:
        qs = qs.filter(created_by=user)
    return qs.get(pk=batch_id)


def valid_certificate_number(enrollment_ref) -> Subquery:
    """The number of the enrollment's certificate unless revoked (a subquery for report rows)."""
    valid = Certificate.objects.filter(enrollment=enrollment_ref, revoked_at__isnull=True)
    return Subquery(valid.values("number")[:1], output_field=CharField())


def certificate_template_for(*, cohort) -> CertificateTemplate | None:
    """The template a cohort's certificates use, the first that exists of: the cohort's own choice →
    the template chosen for its course (one at most: a unique index) → the default of the
    course's organisation → the platform's default. None: the plain built-in page."""
    templates = CertificateTemplate.objects.select_related("organisation")
    if cohort.certificate_template_id:
        chosen = templates.filter(pk=cohort.certificate_template_id).first()
        if chosen is not None:
            return chosen
    course = cohort.course
    chosen = templates.filter(courses=course).order_by("-updated_at", "-pk").first()
    if chosen is None and course.organisation_id:
        chosen = templates.filter(organisation_id=course.organisation_id, is_default=True).first()
    return chosen or templates.filter(organisation__isnull=True, is_default=True).first()


def template_for_designer(*, user, template_id: int) -> CertificateTemplate:
    """A certificate design for someone who may view designs (admin permission); DoesNotExist otherwise."""
    if not getattr(user, "is_authenticated", False) or not user.has_perm("cohorts.view_certificatetemplate"):
        raise CertificateTemplate.DoesNotExist
    return CertificateTemplate.objects.get(pk=template_id)
