"""The mentor's capacity holds when many administrators propose at the same moment (row lock)."""

import threading

import pytest
from django.db import connection

from mentoring import services
from mentoring.models import MentoringPair, PairState
from tests.conftest import requires_postgres
from tests.factories import SchoolAdminFactory, SchoolFactory

from .factories import MentorFactory, MentorProfileFactory, PairFactory, YoungTeacherFactory


@requires_postgres()
@pytest.mark.django_db(transaction=True)
def test_capacity_is_never_exceeded_under_concurrent_proposals():
    school = SchoolFactory()
    mentor = MentorFactory(school=school)
    MentorProfileFactory(user=mentor, capacity=2)
    jobs = [(SchoolAdminFactory(school=school), YoungTeacherFactory(school=school)) for _i in range(8)]
    barrier = threading.Barrier(len(jobs))
    outcomes: list[str] = []

    def propose(admin, mentee):
        try:
            barrier.wait()
            services.pair_create(actor=admin, mentor=mentor, mentee=mentee)
            outcomes.append("ok")
        except services.MentoringError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=propose, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "ok"] + ["refused"] * 6
    assert (
        MentoringPair.objects.filter(mentor=mentor, state__in=[PairState.PROPOSED, PairState.ACTIVE]).count()
        == 2
    )


@requires_postgres()
@pytest.mark.django_db(transaction=True)
def test_concurrent_acceptances_activate_a_pair_once():
    pair = PairFactory()
    barrier = threading.Barrier(2)
    errors: list[str] = []

    def accept(person):
        try:
            barrier.wait()
            services.pair_accept(actor=person, pair=pair)
        except services.MentoringError as exc:
            errors.append(exc.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(p,)) for p in (pair.mentor, pair.mentee)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    pair.refresh_from_db()
    assert errors == []
    assert pair.state == PairState.ACTIVE
    assert pair.mentor_accepted_at is not None and pair.mentee_accepted_at is not None
