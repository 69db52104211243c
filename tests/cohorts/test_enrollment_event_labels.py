"""Issue #17: an enrollment event's two states are labelled as a change of state ("было → стало"), not with
the words of a date range ("из – по", "ИЗ / ПО" in the admin)."""

import pytest
from django.utils import translation

from cohorts.models import EnrollmentEvent

pytestmark = pytest.mark.site_language


@pytest.mark.parametrize(
    ("language", "labels"), [("en", ("was", "became")), ("ru", ("было", "стало")), ("uk", ("було", "стало"))]
)
def test_state_change_labels(language, labels):
    with translation.override(language):
        assert (
            tuple(
                str(EnrollmentEvent._meta.get_field(name).verbose_name) for name in ("from_state", "to_state")
            )
            == labels
        )
