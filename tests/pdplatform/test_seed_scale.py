"""seed_scale makes exactly the data set it is asked for, consistent with every constraint, once."""

import pytest
from django.core.management import CommandError, call_command

from accounts.models import School, User
from cohorts.models import Enrollment, LessonProgress, Review, Submission
from communities.models import Post, Topic
from mentoring.models import MentoringPair
from surveys.models import Answer, CompetencyScore
from tests.courses.factories import CompetencyFactory
from tests.factories import SubjectFactory

pytestmark = pytest.mark.django_db

COUNTS = {
    "municipalities": 2,
    "schools": 6,
    "teachers": 120,
    "courses": 8,
    "cohorts": 4,
    "enrollments": 150,
    "progress": 900,
    "submissions": 200,
    "answers": 400,
    "communities": 3,
    "posts": 300,
    "pairs": 10,
}


def test_counts_are_what_was_asked_and_a_second_run_is_refused():
    CompetencyFactory.create_batch(4)
    SubjectFactory.create_batch(2)
    call_command("seed_scale", *[f"--{name}={value}" for name, value in COUNTS.items()])
    scale = User.objects.filter(email__endswith="@scale.pdplatform.local")
    assert scale.filter(groups__name="teacher").count() == 120
    assert School.objects.filter(name__endswith="(scale)").count() == 6
    assert Enrollment.objects.count() == 150
    assert LessonProgress.objects.count() == 900
    assert Submission.objects.count() == 200
    assert Review.objects.count() == Submission.objects.exclude(state=Submission.State.SUBMITTED).count() > 0
    assert Answer.objects.count() == 400
    assert CompetencyScore.objects.count() > 0
    assert 0 < Topic.objects.count() <= 300 // 20 and Post.objects.count() == 300  # empty topics are dropped
    assert MentoringPair.objects.filter(state="active").count() == 10
    assert all(t.post_count == t.posts.count() for t in Topic.objects.all())
    with pytest.raises(CommandError, match="already has the scale data set"):
        call_command("seed_scale", "--scale=0.001")


def test_refuses_without_the_demo_framework():
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("seed_scale", "--scale=0.001")
