import pytest

from accounts import demo as accounts_demo
from mentoring import demo
from mentoring.models import (
    DevelopmentPlan,
    Meeting,
    MentoringPair,
    MentorProfile,
    PairGoal,
    PairState,
    PlanGoal,
)
from mentoring.selectors import mentor_suggestions

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


def test_demo_mentor_profiles_and_a_stopped_pair_whose_mentor_is_not_suggested():
    people = accounts_demo.seed()
    demo.seed(people)
    profiles = list(MentorProfile.objects.all())
    assert any(p.willing and p.can_help_with for p in profiles)
    assert [p.willing for p in profiles].count(False) == 1
    stopped = MentoringPair.objects.get(stop_reason=demo.SCHEDULE_CLASH)
    assert stopped.mentor not in list(mentor_suggestions(mentee=stopped.mentee))
    assert stopped.mentor in list(mentor_suggestions(mentee=stopped.mentee, include_former=True))
    full = [
        p
        for p in profiles
        if p.capacity
        and p.capacity
        <= MentoringPair.objects.filter(
            mentor=p.user, state__in=[PairState.PROPOSED, PairState.ACTIVE]
        ).count()
    ]
    assert len(full) == 1
    demo.seed(people)
    assert MentorProfile.objects.count() == len(profiles)
    assert MentoringPair.objects.filter(stop_reason=demo.SCHEDULE_CLASH).count() == 1
