"""A teacher asks to move to another school from their profile; the receiving school's administrator
approves it on the reports pages after a confirmation; the teacher's school changes and the move is in
the audit trail (decision 0393)."""

from playwright.sync_api import expect

from tests.factories import SchoolAdminFactory, SchoolFactory, TeacherFactory


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
    form.get_by_label("Municipality").select_option(str(old.municipality_id))
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
