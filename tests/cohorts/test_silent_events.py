"""Nobody left in the dark: the nominating school admin hears the teacher's decision, a teacher whose
offer lapsed hears it (with the course's next cohorts), a holder hears of revoke and re-issue (with the
reason), and a revoked certificate leaves the cabinet while the API shows its state."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from cohorts.certificates.services import certificate_issue, certificate_reissue, certificate_revoke
from cohorts.models import Enrollment
from cohorts.services import (
    enrollment_expire_offers,
    nomination_accept,
    nomination_create,
    nomination_decline,
)
from notifications.models import Notification
from tests.cohorts.factories import CohortFactory, EnrollmentFactory
from tests.factories import MethodologistFactory, SchoolAdminFactory, SchoolFactory, TeacherFactory

pytestmark = pytest.mark.django_db
S = Enrollment.State


def _in(language, msgid, **params):
    """The text as the recipient reads it (the catalogue's translation, whatever it holds)."""
    with translation.override(language):
        return gettext(msgid) % params if params else gettext(msgid)


def _notes(kind):
    return list(Notification.objects.filter(kind=kind).values_list("recipient_id", "title", "body"))


def _nominated(*, capacity=30):
    school = SchoolFactory()
    admin = SchoolAdminFactory(school=school, preferred_language="ru")
    teacher = TeacherFactory(school=school, full_name="Сидорова Анна")
    cohort = CohortFactory(title="Поток весна", capacity=capacity)
    return admin, nomination_create(cohort=cohort, teacher=teacher, nominated_by=admin)


def test_the_nominating_admin_hears_an_acceptance_in_their_language(django_capture_on_commit_callbacks):
    admin, enrollment = _nominated()
    SchoolAdminFactory(school=admin.school)  # another admin of the school is not told
    with django_capture_on_commit_callbacks(execute=True):
        nomination_accept(enrollment=enrollment, teacher=enrollment.teacher)
    assert _notes("nomination_decision") == [
        (
            admin.pk,
            _in(
                "ru",
                "%(teacher)s accepted the nomination for “%(cohort)s”",
                teacher="Сидорова Анна",
                cohort="Поток весна",
            ),
            _in("ru", "The teacher has a seat in the cohort."),
        )
    ]


def test_an_acceptance_into_a_full_cohort_says_waitlist(django_capture_on_commit_callbacks):
    admin, enrollment = _nominated(capacity=1)
    EnrollmentFactory(cohort=enrollment.cohort)
    with django_capture_on_commit_callbacks(execute=True):
        assert nomination_accept(enrollment=enrollment, teacher=enrollment.teacher).state == S.WAITLISTED
    ((recipient, _title, body),) = _notes("nomination_decision")
    assert (recipient, body) == (
        admin.pk,
        _in("ru", "The cohort is full: the teacher is on the waitlist and gets the first free seat."),
    )


def test_the_nominating_admin_hears_a_refusal_with_the_reason(django_capture_on_commit_callbacks):
    admin, enrollment = _nominated()
    with django_capture_on_commit_callbacks(execute=True):
        nomination_decline(enrollment=enrollment, teacher=enrollment.teacher, reason="Уже прошла этот курс")
    assert _notes("nomination_decision") == [
        (
            admin.pk,
            _in(
                "ru",
                "%(teacher)s declined the nomination for “%(cohort)s”",
                teacher="Сидорова Анна",
                cohort="Поток весна",
            ),
            _in("ru", "The teacher's reason: %(reason)s", reason="Уже прошла этот курс"),
        )
    ]


def test_a_lapsed_offer_tells_the_teacher_with_the_next_cohorts(django_capture_on_commit_callbacks):
    cohort = CohortFactory(title="Поток весна", capacity=1)
    later = CohortFactory(
        title="Поток осень", course=cohort.course, starts_on=timezone.localdate() + timedelta(days=30)
    )
    teacher = TeacherFactory(preferred_language="uk")
    lapsed = EnrollmentFactory(
        cohort=cohort,
        teacher=teacher,
        state=S.WAITLISTED,
        enrolled_at=None,
        offer_expires_at=timezone.now() - timedelta(minutes=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert enrollment_expire_offers() == 1
    lapsed.refresh_from_db()
    assert lapsed.state == S.WITHDRAWN
    from django.utils.formats import date_format

    with translation.override("uk"):
        start = date_format(later.starts_on, "SHORT_DATE_FORMAT")
    assert _notes("waitlist_offer_expired") == [
        (
            teacher.pk,
            _in("uk", "Your seat offer in “%(cohort)s” expired", cohort="Поток весна"),
            _in(
                "uk",
                "The seat went to the next teacher on the waitlist. %(next)s",
                next=_in(
                    "uk",
                    "Next cohorts of the course open for enrolment: %(cohorts)s.",
                    cohorts=f"Поток осень ({start})",
                ),
            ),
        )
    ]


def _certificate():
    enrollment = EnrollmentFactory(state=S.COMPLETED, teacher=TeacherFactory(preferred_language="ru"))
    return certificate_issue(enrollment_id=enrollment.pk)


def test_the_holder_hears_of_a_revocation_with_the_reason(django_capture_on_commit_callbacks):
    certificate = _certificate()
    with django_capture_on_commit_callbacks(execute=True):
        certificate_revoke(
            certificate=certificate, actor=MethodologistFactory(), reason="Ошибка в данных курса"
        )
    ((recipient, _title, body),) = _notes("certificate_changed")
    assert recipient == certificate.enrollment.teacher_id
    assert body == _in(
        "ru",
        "Certificate No. %(number)s no longer verifies. Reason: %(reason)s",
        number=certificate.number,
        reason="Ошибка в данных курса",
    )


def test_the_holder_hears_of_a_reissue_with_the_reason(django_capture_on_commit_callbacks):
    certificate = _certificate()
    with django_capture_on_commit_callbacks(execute=True):
        certificate_reissue(
            certificate=certificate, actor=MethodologistFactory(), reason="Исправлена фамилия"
        )
    ((recipient, _title, body),) = _notes("certificate_changed")
    assert recipient == certificate.enrollment.teacher_id
    assert body == _in(
        "ru",
        "Certificate No. %(number)s. Reason: %(reason)s. The previous copy no longer verifies: "
        "download the new one from your cabinet.",
        number=certificate.number,
        reason="Исправлена фамилия",
    )


def test_a_revoked_certificate_disappears_from_the_cabinet_and_the_api_shows_its_state(client):
    certificate = _certificate()
    teacher = certificate.enrollment.teacher
    teacher.position, teacher.years_of_experience = "teacher", 5
    teacher.save()
    client.force_login(teacher)
    download = reverse("cohorts:certificate_download", args=[certificate.enrollment_id])
    assert download in client.get(reverse("cabinet")).content.decode()
    certificate_revoke(certificate=certificate, actor=MethodologistFactory(), reason="Ошибка в данных курса")
    assert download not in client.get(reverse("cabinet")).content.decode()
    (row,) = client.get("/api/v1/certificates/").json()["results"]
    assert (row["status"], row["revoked_reason"], row["download_url"]) == (
        "revoked",
        "Ошибка в данных курса",
        None,
    )
    certificate_reissue(certificate=certificate, actor=MethodologistFactory(), reason="Исправлено")
    assert download in client.get(reverse("cabinet")).content.decode()
    (row,) = client.get("/api/v1/certificates/").json()["results"]
    assert (row["status"], row["reissue_count"], row["download_url"]) == ("valid", 1, download)
