"""Bulk import of a school's teachers (decision 0393): a dry-run preview lists each row's error and writes
nothing; the import writes everyone or no one and invites each new teacher with a one-time link."""

import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from accounts.models import SchoolChange, SchoolChangeHow, User
from notifications.models import Notification
from tests.factories import SchoolAdminFactory, SchoolFactory, SubjectFactory, TeacherFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADER = "name;email;subject;position;start date\n"


def csv_file(text, name="teachers.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


@pytest.fixture
def admin():
    SubjectFactory(code="math", name="Математика")
    return SchoolAdminFactory(school=SchoolFactory(name="Гимназия № 1"), preferred_language="en")


def preview(client, admin, upload):
    client.force_login(admin)
    return client.post(
        reverse("reports:teacher_import"), {"action": "preview", "school": admin.school_id, "file": upload}
    )


def commit(client, response):
    return client.post(
        reverse("reports:teacher_import"),
        {
            "action": "commit",
            "school": response.context["preview_school"].pk,
            "token": response.context["token"],
        },
    )


def errors_of(response):
    return {item.row: item.errors for item in response.context["preview"]}


def test_preview_then_import_creates_accounts_and_sends_invitations(
    client, admin, django_capture_on_commit_callbacks
):
    text = (
        HEADER
        + "Иванова Анна;anna@school.example;math;teacher;2015-09-01\nПетров Олег;oleg@school.example;Математика;;01.09.2020\n"
    )
    response = preview(client, admin, csv_file(text))
    assert response.status_code == 200
    assert errors_of(response) == {2: [], 3: []}
    assert User.objects.filter(email__endswith="@school.example").count() == 0  # the preview writes nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = commit(client, response)
    assert response.status_code == 302
    anna = User.objects.get(email="anna@school.example")
    assert (anna.school, anna.full_name, anna.position, anna.has_usable_password()) == (
        admin.school,
        "Иванова Анна",
        "teacher",
        False,
    )
    assert list(anna.subjects.values_list("code", flat=True)) == ["math"]
    assert SchoolChange.objects.filter(how=SchoolChangeHow.IMPORT, changed_by=admin).count() == 2
    invitation = Notification.objects.get(recipient=anna, kind="school_invitation")
    assert invitation.url.startswith("/accounts/password/reset/key/")
    assert len([m for m in mail.outbox if m.to == ["anna@school.example"]]) == 1
    # the link works once: it opens the set-password page
    client.logout()
    page = client.get(invitation.url, follow=True)
    assert page.status_code == 200
    assert "password1" in page.content.decode()


def test_attack_wrong_columns_names_row_one_and_writes_nothing(client, admin):
    response = preview(client, admin, csv_file("name;mail;subject\nАнна;a@b.example;math\n"))
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [
        "Row 1: the columns must be name, email, subject, position, start date; missing: email, position, start date."
    ]
    assert User.objects.filter(email="a@b.example").count() == 0


def test_attack_each_bad_row_is_named_with_its_field(client, admin):
    TeacherFactory(email="taken@other.example")  # a teacher of another school
    text = (
        HEADER
        + "Анна;not-an-email;math;teacher;2015-09-01\n"
        + "Олег;dup@school.example;math;teacher;2015-09-01\n"
        + "Олег 2;DUP@school.example;math;teacher;2015-09-01\n"
        + "Ирина;taken@other.example;math;teacher;2015-09-01\n"
        + "Павел;pavel@school.example;алхимия;teacher;2015-09-01\n"
        + "Дарья;darya@school.example;math;teacher;31.02.2015\n"
    )
    response = preview(client, admin, csv_file(text))
    assert response.status_code == 400
    assert errors_of(response) == {
        2: [("E-mail", "“not-an-email” is not an e-mail address.")],
        3: [],
        4: [("E-mail", "The address is also in row 3 of the file.")],
        5: [
            (
                "E-mail",
                "This address already has an account: its owner chooses the school in their profile"
                " (or asks for a move there).",
            )
        ],
        6: [("Subject", "Unknown subject “алхимия”.")],
        7: [("Start date", "“31.02.2015” is not a past date (YYYY-MM-DD or DD.MM.YYYY).")],
    }
    assert response.context["token"] == ""
    assert User.objects.filter(email__endswith="@school.example").count() == 0


def test_attack_forged_or_stale_token_writes_nothing(client, admin):
    client.force_login(admin)
    response = client.post(
        reverse("reports:teacher_import"), {"action": "commit", "school": admin.school_id, "token": "forged"}
    )
    assert response.status_code == 200
    assert User.objects.count() == 1
    # a token made for one school cannot import into another one the admin does not run
    other = SchoolFactory()
    ok = preview(client, admin, csv_file(HEADER + "Анна;anna@school.example;math;teacher;2015-09-01\n"))
    response = client.post(
        reverse("reports:teacher_import"),
        {"action": "commit", "school": other.pk, "token": ok.context["token"]},
    )
    assert response.status_code == 404
    assert User.objects.filter(email="anna@school.example").count() == 0


def test_import_is_all_or_nothing_when_a_row_went_bad_since_the_preview(client, admin):
    text = (
        HEADER
        + "Анна;anna@school.example;math;teacher;2015-09-01\nОлег;oleg@school.example;math;teacher;2015-09-01\n"
    )
    response = preview(client, admin, csv_file(text))
    TeacherFactory(email="oleg@school.example")  # joined another school after the preview
    result = commit(client, response)
    assert result.status_code == 200
    assert User.objects.filter(email="anna@school.example").count() == 0
    assert SchoolChange.objects.count() == 0


def test_an_xlsx_file_is_read(client, admin):
    book = Workbook()
    book.active.append(["name", "email", "subject", "position", "start date"])
    book.active.append(["Одинокий Учитель", "lone@school.example", "math", "teacher", "2019-09-01"])
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("teachers.xlsx", buffer.getvalue())
    response = preview(client, admin, upload)
    assert errors_of(response) == {2: []}
    assert commit(client, response).status_code == 302
    lone = User.objects.get(email="lone@school.example")
    assert lone.school == admin.school
    assert lone.groups.filter(name="teacher").exists()


@pytest.mark.parametrize("roles", [[], ["municipal_admin"]])
def test_attack_an_existing_account_without_a_school_is_never_taken_over(client, admin, roles):
    """Someone signs up with a colleague's address (unverified, their own password) or an account without a
    school exists: importing the address must not attach it, verify it or hand it the school."""
    squatter = UserFactory(email="victim@school.example", roles=roles)
    squatter.set_password("attackers-pass-2026")
    squatter.save()
    response = preview(
        client, admin, csv_file(HEADER + "Жертва;victim@school.example;math;teacher;2015-09-01\n")
    )
    assert response.status_code == 400
    assert errors_of(response)[2][0][0] == "E-mail"
    assert response.context["token"] == ""
    squatter.refresh_from_db()
    assert (squatter.school_id, squatter.municipality_id) == (None, None)
    assert not squatter.groups.filter(name="teacher").exists() or roles == []
    assert SchoolChange.objects.count() == 0


def test_teacher_cannot_open_the_import(client):
    client.force_login(TeacherFactory())
    assert client.get(reverse("reports:teacher_import")).status_code == 403


@pytest.mark.parametrize("count", [2, 40])
def test_preview_runs_constant_queries(client, admin, django_assert_max_num_queries, count):
    text = HEADER + "".join(
        f"Учитель {n};t{n}@school.example;math;teacher;2015-09-01\n" for n in range(count)
    )
    client.force_login(admin)
    with django_assert_max_num_queries(14):  # the same at 2 and at 40 rows
        response = preview(client, admin, csv_file(text))
    assert response.status_code == 200
    assert len(response.context["preview"]) == count
