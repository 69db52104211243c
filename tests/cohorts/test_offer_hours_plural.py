"""Issue #17 item 3: "Confirm within N hours" of a freed seat's offer counts its hours with plural forms."""

import pytest
from django.utils import translation

from cohorts.models import Enrollment
from cohorts.services import seats_offer_freed
from notifications.models import Notification
from tests.factories import TeacherFactory

from .factories import CohortFactory, EnrollmentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.site_language]


def offer_body(hours: int, language: str, capture) -> str:
    cohort = CohortFactory(capacity=1, offer_hours=hours)
    taken = EnrollmentFactory(cohort=cohort)
    waiting = EnrollmentFactory(
        cohort=cohort,
        teacher=TeacherFactory(preferred_language=language),
        state=Enrollment.State.WAITLISTED,
        enrolled_at=None,
    )
    Enrollment.objects.filter(pk=taken.pk).update(state=Enrollment.State.WITHDRAWN)
    with capture(execute=True):
        assert seats_offer_freed(cohort=cohort) == [waiting]
    return Notification.objects.get(recipient=waiting.teacher, kind="waitlist_offer").body


@pytest.mark.parametrize(("hours", "said"), [(1, "1 hour,"), (2, "2 hours,"), (48, "48 hours,")])
def test_the_offer_counts_its_hours_in_english(hours, said, django_capture_on_commit_callbacks):
    assert (
        offer_body(hours, "en", django_capture_on_commit_callbacks)
        == f"Confirm within {said} or the seat goes to the next teacher."
    )


@pytest.mark.parametrize("language", ["ru", "uk"])
def test_the_offer_uses_the_recipients_plural_forms(language, django_capture_on_commit_callbacks):
    bodies = [offer_body(hours, language, django_capture_on_commit_callbacks) for hours in (1, 2, 5)]
    with translation.override(language):
        forms = [
            translation.ngettext("%(hours)s hour", "%(hours)s hours", n) % {"hours": n} for n in (1, 2, 5)
        ]
    # "1 час / 2 часа / 5 часов", "1 година / 2 години / 5 годин": three different words, each in its body.
    assert len({form.split()[1] for form in forms}) == 3
    assert [form in body for form, body in zip(forms, bodies, strict=True)] == [True, True, True]
