"""School membership with approval (decision 0393): a teacher asks, the receiving school decides,
every change is kept in the audit trail. Each guarantee is played as an attack."""

import pytest
from django.contrib.admin.sites import site
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts import demo
from accounts.models import SchoolChange, SchoolChangeHow, SchoolMoveRequest, SchoolMoveState
from accounts.services import school_move_request_create
from notifications.models import Notification
from tests.factories import (
    MunicipalAdminFactory,
    SchoolAdminFactory,
    SchoolFactory,
    SuperuserFactory,
    TeacherFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    old_school, new_school = SchoolFactory(), SchoolFactory()
    teacher = TeacherFactory(
        school=old_school, position="teacher", years_of_experience=5, preferred_language="uk"
    )
    return {
        "teacher": teacher,
        "old": old_school,
        "new": new_school,
        "old_admin": SchoolAdminFactory(school=old_school, preferred_language="ru"),
        "new_admin": SchoolAdminFactory(school=new_school),
    }


def ask(client, teacher, school_id, reason="Переезд в другой город"):
    client.force_login(teacher)
    return client.post(reverse("reports:school_move_create"), {"to_school": school_id, "reason": reason})


def decide(client, admin, move, **data):
    client.force_login(admin)
    return client.post(reverse("reports:school_move_decide", args=[move.pk]), data)


def test_request_then_approval_moves_the_teacher_and_tells_both_sides(client, setup):
    teacher, new = setup["teacher"], setup["new"]
    response = ask(client, teacher, new.pk)
    assert response.status_code == 302
    teacher.refresh_from_db()
    assert teacher.school == setup["old"]  # nothing changes until approval
    move = SchoolMoveRequest.objects.get()
    assert (move.from_school, move.to_school, move.state) == (setup["old"], new, SchoolMoveState.PENDING)
    asked = Notification.objects.get(recipient=setup["new_admin"])  # the receiving school is told
    assert asked.url == reverse("reports:school_moves")
    assert asked.body == "Reason: Переезд в другой город"

    response = decide(client, setup["new_admin"], move, decision="approve")
    assert response.status_code == 302
    teacher.refresh_from_db()
    assert (teacher.school, teacher.municipality) == (new, new.municipality)
    move.refresh_from_db()
    assert move.state == SchoolMoveState.APPROVED and move.decided_by == setup["new_admin"]
    change = SchoolChange.objects.get()
    assert (change.from_school, change.to_school, change.how, change.changed_by, change.move_request) == (
        setup["old"],
        new,
        SchoolChangeHow.REQUEST,
        setup["new_admin"],
        move,
    )
    told_teacher = Notification.objects.get(recipient=teacher)
    assert told_teacher.title == f"Ваш перехід до {new.name} схвалено"
    told_old_admin = Notification.objects.get(recipient=setup["old_admin"])
    assert told_old_admin.title == f"{teacher.display_name} перешёл(а) в {new.name}"


def test_municipal_admin_of_receiving_municipality_may_approve(client, setup):
    move = school_move_request_create(
        teacher=setup["teacher"], to_school_id=setup["new"].pk, reason="ближе к дому"
    )
    municipal = MunicipalAdminFactory(municipality=setup["new"].municipality)
    assert decide(client, municipal, move, decision="approve").status_code == 302
    setup["teacher"].refresh_from_db()
    assert setup["teacher"].school == setup["new"]


def test_rejection_needs_a_reason_and_tells_the_teacher(client, setup):
    move = school_move_request_create(
        teacher=setup["teacher"], to_school_id=setup["new"].pk, reason="ближе к дому"
    )
    response = decide(client, setup["new_admin"], move, decision="reject", reason="  ")
    assert response.status_code == 400
    move.refresh_from_db()
    assert move.state == SchoolMoveState.PENDING
    response = decide(client, setup["new_admin"], move, decision="reject", reason="Нет вакансии")
    assert response.status_code == 302
    move.refresh_from_db()
    assert (move.state, move.rejection_reason) == (SchoolMoveState.REJECTED, "Нет вакансии")
    setup["teacher"].refresh_from_db()
    assert setup["teacher"].school == setup["old"]
    assert Notification.objects.get(recipient=setup["teacher"]).body == "Причина: Нет вакансии"
    assert SchoolChange.objects.count() == 0


def test_attack_request_to_a_school_that_does_not_exist(client, setup):
    response = ask(client, setup["teacher"], 999999)
    assert response.status_code == 400
    assert "Такої школи немає." in response.content.decode()  # in the teacher's language
    assert SchoolMoveRequest.objects.count() == 0


def test_attack_admin_of_another_school_cannot_approve(client, setup):
    move = school_move_request_create(
        teacher=setup["teacher"], to_school_id=setup["new"].pk, reason="ближе к дому"
    )
    for intruder in (setup["old_admin"], SchoolAdminFactory(), MunicipalAdminFactory()):
        assert decide(client, intruder, move, decision="approve").status_code == 404
        assert decide(client, intruder, move, decision="reject", reason="нет").status_code == 404
    move.refresh_from_db()
    assert move.state == SchoolMoveState.PENDING
    setup["teacher"].refresh_from_db()
    assert setup["teacher"].school == setup["old"]


def test_attack_teacher_cannot_approve_their_own_request(client, setup):
    move = school_move_request_create(
        teacher=setup["teacher"], to_school_id=setup["new"].pk, reason="ближе к дому"
    )
    assert decide(client, setup["teacher"], move, decision="approve").status_code == 403
    # even a teacher who is also an administrator of the receiving school
    admin_teacher = SchoolAdminFactory(school=setup["old"], roles=["teacher", "school_admin"])
    # (administrators cannot ask any more; a request made before that rule, written directly)
    own = SchoolMoveRequest.objects.create(
        teacher=admin_teacher, from_school=setup["old"], to_school=setup["new"], reason="так надо"
    )
    admin_teacher.school = setup["new"]  # pretend they administer the receiving school already
    admin_teacher.save(update_fields=["school"])
    assert decide(client, admin_teacher, own, decision="approve").status_code == 404
    own.refresh_from_db()
    assert own.state == SchoolMoveState.PENDING


@pytest.mark.parametrize("role", ["school_admin", "municipal_admin"])
def test_attack_an_administrator_cannot_move_into_another_schools_scope(client, setup, role):
    """An approved move would hand a school administrator the new school's reports (and a municipal
    administrator a new municipality): administrators may not ask at all; nothing is written."""
    intruder = SchoolAdminFactory(school=setup["old"], roles=["teacher", role], preferred_language="ru")
    response = ask(client, intruder, setup["new"].pk)
    assert response.status_code == 400
    assert "Администраторы не переходят по заявке" in response.content.decode()
    assert SchoolMoveRequest.objects.count() == 0
    intruder.refresh_from_db()
    assert intruder.school == setup["old"]


def test_attack_old_profile_form_with_another_school_changes_nothing(client, setup):
    teacher, new = setup["teacher"], setup["new"]
    client.force_login(teacher)
    response = client.post(
        reverse("profile_edit"),
        {
            "full_name": "Петренко Олена",
            "preferred_language": "uk",
            "municipality": new.municipality_id,
            "school": new.pk,
            "position": "teacher",
            "years_of_experience": 5,
        },
    )
    assert response.status_code == 302  # the rest of the profile is saved…
    teacher.refresh_from_db()
    assert teacher.full_name == "Петренко Олена"
    assert (teacher.school, teacher.municipality) == (
        setup["old"],
        setup["old"].municipality,
    )  # …not the school
    assert SchoolChange.objects.count() == 0


def test_first_school_choice_is_recorded(client):
    teacher = TeacherFactory(school=None, municipality=None)
    school = SchoolFactory()
    client.force_login(teacher)
    response = client.post(
        reverse("profile_edit"),
        {
            "full_name": "Новый Учитель",
            "preferred_language": "ru",
            "municipality": school.municipality_id,
            "school": school.pk,
            "position": "teacher",
            "years_of_experience": 1,
        },
    )
    assert response.status_code == 302
    change = SchoolChange.objects.get()
    assert (change.from_school, change.to_school, change.how) == (None, school, SchoolChangeHow.FIRST_CHOICE)


def test_one_pending_request_per_teacher_is_a_db_constraint(client, setup):
    assert ask(client, setup["teacher"], setup["new"].pk).status_code == 302
    response = ask(client, setup["teacher"], SchoolFactory().pk)
    assert response.status_code == 400
    assert "У вас уже є заява на перехід, що чекає на рішення." in response.content.decode()
    with pytest.raises(IntegrityError), transaction.atomic():
        SchoolMoveRequest.objects.create(
            teacher=setup["teacher"], from_school=setup["old"], to_school=SchoolFactory(), reason="x"
        )
    assert SchoolMoveRequest.objects.count() == 1


def test_teacher_withdraws_own_request_only(client, setup):
    move = school_move_request_create(
        teacher=setup["teacher"], to_school_id=setup["new"].pk, reason="ближе к дому"
    )
    client.force_login(TeacherFactory())
    client.post(reverse("school_move_cancel", args=[move.pk]))
    assert SchoolMoveRequest.objects.filter(pk=move.pk).exists()
    client.force_login(setup["teacher"])
    assert client.post(reverse("school_move_cancel", args=[move.pk])).status_code == 302
    assert not SchoolMoveRequest.objects.filter(pk=move.pk).exists()


def test_audit_trail_visible_only_to_the_schools_concerned(client, setup):
    move = school_move_request_create(
        teacher=setup["teacher"], to_school_id=setup["new"].pk, reason="ближе к дому"
    )
    decide(client, setup["new_admin"], move, decision="approve")
    for admin in (setup["old_admin"], setup["new_admin"]):
        client.force_login(admin)
        response = client.get(reverse("reports:school_changes"))
        assert response.status_code == 200
        assert list(response.context["page"].object_list) == [SchoolChange.objects.get()]
    client.force_login(SchoolAdminFactory())
    response = client.get(reverse("reports:school_changes"))
    assert list(response.context["page"].object_list) == []
    client.force_login(setup["teacher"])
    assert client.get(reverse("reports:school_changes")).status_code == 403


@pytest.mark.parametrize("count", [1, 12])
def test_moves_and_changes_pages_run_constant_queries(client, django_assert_max_num_queries, count):
    school = SchoolFactory()
    admin = SchoolAdminFactory(school=school)
    for _i in range(count):
        teacher = TeacherFactory()
        school_move_request_create(teacher=teacher, to_school_id=school.pk, reason="ближе к дому")
        SchoolChange.objects.create(
            teacher=teacher, from_school=None, to_school=school, how=SchoolChangeHow.FIRST_CHOICE
        )
    client.force_login(admin)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("reports:school_moves")).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("reports:school_changes")).status_code == 200


def test_demo_shows_a_pending_request_and_an_audit_entry_and_is_idempotent(client):
    people = demo.seed()
    demo.seed()
    pending = SchoolMoveRequest.objects.get(state=SchoolMoveState.PENDING)
    assert pending.to_school == people["schools"][0]
    assert SchoolMoveRequest.objects.count() == 2
    change = SchoolChange.objects.get()
    assert change.teacher.school == change.to_school
    client.force_login(people["school_admins"][0])
    assert list(client.get(reverse("reports:school_moves")).context["page"].object_list) == [pending]


def test_move_requests_are_rate_limited(client, setup, settings):
    settings.RATE_LIMITS = "school_move=1/h"
    teacher = setup["teacher"]
    school_move_request_create(teacher=teacher, to_school_id=setup["new"].pk, reason="ближе к дому")
    SchoolMoveRequest.objects.all().delete()
    response = ask(client, teacher, setup["new"].pk)
    assert response.status_code == 429
    assert SchoolMoveRequest.objects.count() == 0


def test_admin_site_change_of_school_is_in_the_audit_trail(rf, setup):
    staff = SuperuserFactory()
    request = rf.post("/admin/")
    request.user = staff
    teacher = setup["teacher"]
    teacher.school = setup["new"]
    site._registry[type(teacher)].save_model(request, teacher, form=None, change=True)
    change = SchoolChange.objects.get()
    assert (change.from_school, change.to_school, change.how, change.changed_by) == (
        setup["old"],
        setup["new"],
        SchoolChangeHow.ADMIN_SITE,
        staff,
    )
    site._registry[type(teacher)].save_model(request, teacher, form=None, change=True)  # no change, no row
    assert SchoolChange.objects.count() == 1
