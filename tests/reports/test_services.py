"""Hours ledger and the three-year cycle; monitoring aggregates; export jobs re-check the owner's scope."""

import datetime as dt

import pytest
from django.utils import timezone

from pdplatform.reports import selectors, services
from pdplatform.reports.models import ExportJob
from tests.factories import MunicipalAdminFactory

pytestmark = pytest.mark.django_db


def test_cycle_from_the_configured_start(settings):
    settings.REPORTS_HOURS_LEDGER = {"cycle_start": "2024-09-01", "cycle_years": 3, "required_hours": 72}
    cycle = selectors.current_cycle(dt.date(2028, 3, 1))
    assert (cycle.start, cycle.end, cycle.required) == (dt.date(2027, 9, 1), dt.date(2030, 9, 1), 72)
    assert cycle.expected_now == round(72 * 182 / 1096)


def test_ledger_counts_courses_events_and_mentoring(world, settings):
    from communities.models import Community, Event, Registration
    from mentoring.models import MentoringPair, PairState

    settings.REPORTS_HOURS_LEDGER = {
        "event_hours": 3,
        "mentor_pair_hours": 10,
        "mentee_pair_hours": 5,
        "cycle_start": (timezone.localdate() - dt.timedelta(days=30)).isoformat(),
    }
    community = Community.objects.create(name="Club", slug="club")
    now = timezone.now()
    event = Event.objects.create(
        community=community,
        title="Round table",
        starts_at=now - dt.timedelta(days=2),
        ends_at=now - dt.timedelta(days=2, hours=-2),
        created_by=world["anna"],
    )
    Registration.objects.create(event=event, user=world["anna"])
    MentoringPair.objects.create(
        mentor=world["anna"],
        mentee=world["boris"],
        state=PairState.COMPLETED,
        ended_at=now - dt.timedelta(days=1),
        created_by=world["admin_a"],
    )
    rows = {t.email: t for t in selectors.teacher_report(user=world["admin_a"])}
    anna, boris = rows["anna@example.org"], rows["boris@example.org"]
    assert (
        anna.cycle_course_hours,
        anna.cycle_event_hours,
        anna.cycle_mentoring_hours,
        anna.cycle_total,
    ) == (36, 3, 10, 49)
    assert (boris.cycle_mentoring_hours, boris.cycle_total, boris.courses_3y) == (5, 5, 0)
    none = [t.email for t in selectors.teacher_report(user=world["admin_a"], show="none")]
    assert none == ["boris@example.org"]


def test_monitoring_figures(world):
    admin = MunicipalAdminFactory(municipality=world["municipality"])
    data = selectors.monitoring(user=admin, year=selectors.current_cycle().start.year)
    assert data["totals"]["teachers"] == 3


def test_deficits_found_and_addressed(world):
    from surveys import services as survey_services
    from tests.surveys.factories import CompetencyFactory, diagnostic_survey

    competency = CompetencyFactory(code="D.1", name="Digital")
    survey, questions = diagnostic_survey(competencies=[competency], per_competency=1)
    for teacher in (world["boris"], world["olga"]):
        survey_services.response_submit(survey=survey, user=teacher, answers={q.pk: 1 for q in questions})
    world["course"].competencies.add(competency)
    e = world["e_boris"]
    e.state, e.completed_at = "completed", timezone.now() + dt.timedelta(seconds=5)
    e.save()
    admin = MunicipalAdminFactory(municipality=world["municipality"])
    today = timezone.localdate()
    rows = selectors.monitoring_deficits(user=admin, year=today.year if today.month >= 9 else today.year - 1)
    assert [(r["competency__code"], r["found"], r["fixed"]) for r in rows] == [("D.1", 2, 1)]


def test_job_reapplies_the_owners_scope(world):
    job = ExportJob.objects.create(
        requested_by=world["admin_a"], report="school", fmt="csv", params={"school": world["school_b"].pk}
    )
    services.export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == "failed" and "Unknown value" in job.error and not job.file
