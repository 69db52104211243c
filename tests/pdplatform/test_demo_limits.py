"""seed_demo writes through the services for many demo people at once: the per-person write limits
(PDP_RATE_LIMITS) must not stop it halfway, whatever a deployment sets them to."""

import pytest
from django.core.management import call_command

from cohorts.models import Question

pytestmark = pytest.mark.django_db


def test_the_demo_is_seeded_under_the_tightest_write_limits(settings):
    settings.RATE_LIMITS = "preview=0/m,post=0/m,topic=0/m,question=0/m,material=0/m"
    call_command("seed_demo", verbosity=0)
    assert Question.objects.count() == 3
