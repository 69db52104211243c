"""A teacher asks to move to another school from their profile; the receiving school's administrator
approves it on the reports pages after a confirmation; the teacher's school changes and the move is in
the audit trail (decision 0393)."""

from playwright.sync_api import expect

from accounts.models import SchoolChange, User
from tests.factories import SchoolAdminFactory, SchoolFactory, SubjectFactory, TeacherFactory


def _both_widths(page, shot, name):
    page.set_viewport_size({"width": 1366, "height": 860})
    shot(f"{name}-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(f"{name}-phone")
    page.set_viewport_size({"width": 1366, "height": 860})


def test_teacher_asks_to_move_and_the_receiving_school_approves(page, live_server, login_as, shot):
    old = SchoolFactory(name="Гимназия № 1")
    new = SchoolFactory(name="Лицей № 2", municipality=old.municipality)
    teacher = TeacherFactory(
        school=old,
        full_name="Olena Petrenko",
        position="teacher",
        years_of_experience=4,
        preferred_language="en",
    )
    admin = SchoolAdminFactory(school=new, full_name="Iryna Koval", preferred_language="en")
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.accept()))

    login_as(teacher)
    page.goto(f"{live_server.url}/accounts/profile/")
    expect(page.locator("#id_school")).to_have_count(0)  # the profile form no longer moves anyone
    form = page.locator("#school-move-form")
    # the teacher's own municipality is preselected and its schools listed (htmx refills on a change)
    expect(form.get_by_label("Municipality")).to_have_value(str(old.municipality_id))
    expect(form.locator("#id_to_school option", has_text="Лицей № 2")).to_have_count(1)
    form.get_by_label("New school").select_option(str(new.pk))
    form.get_by_label("Why are you moving?").fill("Переезжаю ближе к дому")
    form.get_by_role("button", name="Ask to move").click()
    expect(page.get_by_text("Your request is sent.", exact=False)).to_be_visible()
    expect(page.locator("#move-pending")).to_contain_text("Лицей № 2")
    expect(page.locator("#current-school")).to_contain_text("Гимназия № 1")
    _both_widths(page, shot, "school-move-asked")

    page.context.clear_cookies()
    login_as(admin)
    page.goto(f"{live_server.url}/reports/school-moves/")
    card = page.locator(".card", has_text="Olena Petrenko")
    expect(card).to_contain_text("Переезжаю ближе к дому")
    _both_widths(page, shot, "school-move-to-decide")
    card.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("Olena Petrenko now works at Лицей № 2.")).to_be_visible()
    assert dialogs == ["Approve the move? The teacher and their record come to your school."]
    page.get_by_role("link", name="Who moved").click()
    expect(page.locator("#school-changes")).to_contain_text("Move request approved")
    expect(page.locator("#school-changes")).to_contain_text("Iryna Koval")
    _both_widths(page, shot, "school-changes")

    teacher.refresh_from_db()
    assert teacher.school == new
    page.context.clear_cookies()
    login_as(teacher)
    page.goto(f"{live_server.url}/accounts/profile/")
    expect(page.locator("#current-school")).to_contain_text("Лицей № 2")
    expect(page.locator("#move-last")).to_contain_text("Your move to Лицей № 2 was approved.")


def test_school_admin_previews_an_import_with_a_bad_row_fixes_it_and_imports(
    page, live_server, login_as, shot, tmp_path
):
    SubjectFactory(code="math", name="Математика")
    admin = SchoolAdminFactory(school=SchoolFactory(name="Гимназия № 1"), preferred_language="en")
    header = "name;email;subject;position;start date\n"
    bad = tmp_path / "teachers.csv"
    bad.write_text(
        header + "Иванова Анна;anna@school.example;math;teacher;2015-09-01\n"
        "Петров Олег;oleg-at-school;math;teacher;2018-09-01\n",
        encoding="utf-8",
    )
    good = tmp_path / "teachers-fixed.csv"
    good.write_text(
        header + "Иванова Анна;anna@school.example;math;teacher;2015-09-01\n"
        "Петров Олег;oleg@school.example;math;teacher;2018-09-01\n",
        encoding="utf-8",
    )
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.accept()))
    login_as(admin)
    page.goto(f"{live_server.url}/reports/")
    page.get_by_role("link", name="Import teachers").click()
    page.get_by_label("File with teachers (CSV or XLSX)").set_input_files(str(bad))
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("#import-errors")).to_contain_text("1 row has errors. Nothing was saved")
    expect(page.locator("#import-row-3")).to_contain_text("“oleg-at-school” is not an e-mail address.")
    expect(page.get_by_role("button", name="Import 2 teachers")).to_have_count(0)
    _both_widths(page, shot, "teacher-import-bad-row")
    assert User.objects.filter(email__endswith="@school.example").count() == 0

    page.get_by_label("File with teachers (CSV or XLSX)").set_input_files(str(good))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("2 teachers are ready to be imported into Гимназия № 1.")).to_be_visible()
    _both_widths(page, shot, "teacher-import-ready")
    page.get_by_role("button", name="Import 2 teachers").click()
    expect(page.get_by_text("Teachers imported into Гимназия № 1: 2", exact=False)).to_be_visible()
    assert dialogs == ["Import these teachers and send them invitations?"]
    expect(page.locator("#school-changes")).to_contain_text("Administrator's import")
    _both_widths(page, shot, "teacher-import-done")
    assert set(User.objects.filter(school=admin.school).values_list("email", flat=True)) == {
        admin.email,
        "anna@school.example",
        "oleg@school.example",
    }
    assert SchoolChange.objects.filter(how="import").count() == 2
