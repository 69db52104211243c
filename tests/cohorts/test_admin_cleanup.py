"""The cohort admin for curators and methodologists: the curator picker offers curators only, a date
mistake reads as a sentence in the user's language (never a constraint name), the order column is not
called "должность", and the check-in field shows only during the session's window."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import sync_role_groups
from tests.factories import CuratorFactory, MethodologistFactory, TeacherFactory

from .factories import CohortFactory, EnrollmentFactory, LiveSessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _groups():
    sync_role_groups()


def test_the_curator_picker_lists_curators_only(client):
    curator = CuratorFactory(full_name="Куратор Ирина")
    other_curator = CuratorFactory(full_name="Куратор Олег")
    TeacherFactory(full_name="Учитель Пётр")
    MethodologistFactory(full_name="Методист Анна")
    cohort = CohortFactory(curators=[curator])
    client.force_login(curator)
    form = client.get(reverse("admin:cohorts_cohort_change", args=[cohort.pk])).context["adminform"].form
    assert sorted(u.full_name for u in form.fields["curators"].queryset) == sorted(
        [curator.full_name, other_curator.full_name]
    )


def test_a_date_mistake_is_a_sentence_in_russian_not_a_constraint_name(client):
    curator = CuratorFactory(preferred_language="ru")
    cohort = CohortFactory(curators=[curator])
    client.force_login(curator)
    url = reverse("admin:cohorts_cohort_change", args=[cohort.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data = {k: ([str(x) for x in v] if isinstance(v, list) else str(v)) for k, v in data.items()}
    data.update({"starts_on": "2027-03-10", "ends_on": "2027-03-01"})
    for prefix in ("sessions", "quotas"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Поток не может закончиться раньше, чем начнётся." in html
    assert "cohort_ends_after_start" not in html
    cohort.refresh_from_db()
    assert cohort.ends_on != timezone.datetime(2027, 3, 1).date()


def test_the_order_column_is_not_called_a_job_position():
    from django.utils import translation

    from accounts.models import User
    from courses.models import Module

    with translation.override("ru"):
        assert str(Module._meta.get_field("position").verbose_name) == "порядок"
        assert str(User._meta.get_field("position").verbose_name) == "должность"


@pytest.mark.parametrize(
    ("starts_in", "shown"),
    [
        (timedelta(days=2), False),
        (timedelta(minutes=10), True),
        (timedelta(minutes=-60), True),
        (timedelta(days=-2), False),
    ],
)
def test_the_check_in_field_shows_only_during_the_session(client, starts_in, shown):
    enrollment = EnrollmentFactory()
    LiveSessionFactory(
        cohort=enrollment.cohort,
        starts_at=timezone.now() + starts_in,
        duration_minutes=90,
        checkin_code="XY7",
    )
    client.force_login(enrollment.teacher)
    html = client.get(reverse("cohorts:player", args=[enrollment.pk])).content.decode()
    assert ('name="code"' in html) is shown
