import pytest

from accounts import demo as accounts_demo
from mentoring import demo
from mentoring.models import DevelopmentPlan, Meeting, MentoringPair, PairGoal, PairState, PlanGoal

from .factories import CompetencyFactory

pytestmark = pytest.mark.django_db


def test_demo_has_pairs_in_each_state_and_is_idempotent():
    people = accounts_demo.seed()
    for _i in range(3):
        CompetencyFactory()
    demo.seed(people)
    counts = [
        MentoringPair.objects.count(),
        PairGoal.objects.count(),
        Meeting.objects.count(),
        DevelopmentPlan.objects.count(),
        PlanGoal.objects.count(),
    ]
    assert set(MentoringPair.objects.values_list("state", flat=True)) == set(PairState.values)
    assert all(counts)
    demo.seed(people)
    assert [
        MentoringPair.objects.count(),
        PairGoal.objects.count(),
        Meeting.objects.count(),
        DevelopmentPlan.objects.count(),
        PlanGoal.objects.count(),
    ] == counts
