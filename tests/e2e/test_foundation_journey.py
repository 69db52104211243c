"""A new teacher: sign up → open the verification link from the mail → log in → fill the profile → cabinet."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import User
from tests.e2e.conftest import SHOTS
from tests.factories import SchoolFactory, SubjectFactory

TEXTS = {
    "en": {
        "signup": "Sign Up",
        "login": "Sign In",
        "confirm": "Confirm",
        "save": "Save profile",
        "cabinet": "My learning",
    },
    "ru": {
        "signup": "Регистрация",
        "login": "Войти",
        "confirm": "Подтвердить",
        "save": "Сохранить профиль",
        "cabinet": "Моё обучение",
    },
}


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_new_teacher_signs_up_verifies_logs_in_and_fills_profile(browser, live_server, lang):
    context = browser.new_context(locale=lang, viewport={"width": 1280, "height": 860})
    page = context.new_page()

    def shot(name):
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)

    school = SchoolFactory(name="Gymnasium No. 1")
    SchoolFactory(name="Other town school")
    SubjectFactory(code="math", name="Mathematics")
    email = f"anna.{lang}@example.org"

    page.goto(f"{live_server.url}/accounts/signup/")
    assert page.locator("html").get_attribute("lang") == lang
    page.fill("input[name=email]", email)
    page.fill("input[name=full_name]", "Anna Ivanova")
    page.fill("input[name=password1]", "Str0ng-enough-pass")
    page.fill("input[name=password2]", "Str0ng-enough-pass")
    shot(f"foundation-signup-{lang}")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state("networkidle")
    assert User.objects.filter(email=email).exists()

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    page.goto(link)
    shot(f"foundation-confirm-{lang}")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", "Str0ng-enough-pass")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state("networkidle")

    # A teacher with an empty profile lands on the profile form.
    assert "/accounts/profile/" in page.url
    page.select_option("select[name=municipality]", str(school.municipality_id))
    expect(page.locator("#id_school option")).to_have_count(2)
    page.select_option("select[name=school]", str(school.pk))
    page.locator("input[name=subjects]").first.check()
    page.select_option("select[name=position]", "teacher")
    page.fill("input[name=years_of_experience]", "2")
    shot(f"foundation-profile-{lang}")
    page.get_by_role("button", name=TEXTS[lang]["save"]).click()
    page.wait_for_load_state("networkidle")

    assert page.url.endswith("/cabinet/")
    assert page.locator("h1").inner_text() == TEXTS[lang]["cabinet"]
    shot(f"foundation-cabinet-{lang}")
    user = User.objects.get(email=email)
    assert user.school == school and user.years_of_experience == 2
    context.close()


def test_cabinet_on_a_phone(page, live_server, login_as, shot):
    from tests.factories import TeacherFactory

    teacher = TeacherFactory(full_name="Olena Petrenko")
    page.set_viewport_size({"width": 390, "height": 844})
    login_as(teacher)
    page.goto(f"{live_server.url}/cabinet/")
    assert page.locator(".navbar-toggler").is_visible()
    page.locator(".navbar-toggler").click()
    assert page.locator("#user-menu").is_visible()
    shot("foundation-cabinet-phone")


def test_the_language_switcher_keeps_the_page_and_the_active_section(page, live_server, login_as, shot):
    """The navigation is a cached fragment; the address to come back to sits outside it (form="language-form")."""
    from tests.factories import TeacherFactory

    teacher = TeacherFactory(full_name="Olena Petrenko")
    login_as(teacher)
    page.goto(f"{live_server.url}/communities/?kind=open")
    expect(page.locator(".navbar a.nav-link.active")).to_have_text("Communities")
    sent = page.evaluate("new FormData(document.getElementById('language-form')).get('next')")
    assert sent == "/communities/?kind=open"  # (the browser's Referer alone would hide a lost field)
    page.locator("#language-menu").click()
    page.locator("button[data-lang=uk]").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/communities/?kind=open")
    assert page.locator("html").get_attribute("lang") == "uk"
    expect(page.locator(".navbar a.nav-link.active")).to_have_text("Спільноти")
    shot("foundation-language-switched-uk")
    teacher.refresh_from_db()
    assert teacher.preferred_language == "uk"
