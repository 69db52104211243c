"""Confirmations work under the CSP (script-src 'self'): inline onsubmit/onclick handlers were blocked, so
the dialogs never appeared; data-confirm is handled by static/js/app.js. Dismissing sends nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cohorts.models import Enrollment
from tests.cohorts.factories import CohortFactory, EnrollmentFactory, ModuleFactory
from tests.factories import CuratorFactory, TeacherFactory

pytestmark = pytest.mark.e2e
S = Enrollment.State


def _dialogs(page, *, accept: bool) -> dict:
    """Every dialog's message goes to ["seen"]; answered by ["accept"] (changeable mid-test)."""
    state: dict = {"seen": [], "accept": accept}

    def answer(dialog):
        state["seen"].append(dialog.message)
        if state["accept"]:
            dialog.accept()
        else:
            dialog.dismiss()

    page.on("dialog", answer)
    return state


def test_curator_move_asks_first_and_a_dismissed_move_changes_nothing(page, live_server, login_as, shot):
    module = ModuleFactory()
    curator = CuratorFactory(preferred_language="ru")
    cohort = CohortFactory(course=module.course, curators=[curator])
    other = CohortFactory(course=module.course, curators=[curator])
    enrollment = EnrollmentFactory(cohort=cohort)
    login_as(curator)
    url = f"{live_server.url}/learn/curate/{cohort.pk}/enrollment/{enrollment.pk}/move/"
    page.goto(url)
    page.select_option("select[name=to_cohort]", str(other.pk))
    page.fill("[name=reason]", "Неудобное время занятий")
    shot("confirm-move")
    dialogs = _dialogs(page, accept=False)
    page.get_by_role("button", name="Перевести").click()
    page.wait_for_load_state("networkidle")
    assert dialogs["seen"] == ["Перевести педагога? Его место здесь перейдёт к листу ожидания."]
    assert page.url == url
    assert Enrollment.objects.filter(teacher=enrollment.teacher, cohort=other).count() == 0
    enrollment.refresh_from_db()
    assert enrollment.state == S.ENROLLED

    dialogs["accept"] = True
    page.get_by_role("button", name="Перевести").click()
    page.wait_for_load_state("networkidle")
    assert dialogs["seen"] == ["Перевести педагога? Его место здесь перейдёт к листу ожидания."] * 2
    assert Enrollment.objects.get(teacher=enrollment.teacher, cohort=other).state == S.ENROLLED


def test_teacher_declining_an_offered_seat_is_asked_and_dismissing_keeps_the_offer(
    page, live_server, login_as, shot
):
    enrollment = EnrollmentFactory(
        state=S.WAITLISTED,
        offer_expires_at=timezone.now() + timedelta(days=2),
        teacher=TeacherFactory(preferred_language="uk"),
    )
    login_as(enrollment.teacher)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/learn/my/{enrollment.pk}/")
    shot("confirm-offer-phone")
    offered_until = enrollment.offer_expires_at
    dialogs = _dialogs(page, accept=False)
    page.get_by_role("button", name="Ні, дякую").click()
    page.wait_for_load_state("networkidle")
    assert dialogs["seen"] == ["Віддати місце наступному педагогу?"]
    enrollment.refresh_from_db()
    assert enrollment.state == S.WAITLISTED
    assert enrollment.offer_expires_at == offered_until
    assert page.get_by_role("button", name="Зайняти місце").count() == 1
