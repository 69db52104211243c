"""A teacher makes an API token on their profile page, sees its secret once, uses it from a program (a
request with no session), then revokes it after confirming; the token is refused from then on."""

from playwright.sync_api import expect

from tests.factories import TeacherFactory


def test_teacher_makes_uses_and_revokes_an_api_token(page, live_server, login_as, shot, playwright):
    teacher = TeacherFactory(full_name="Анна Петрова", preferred_language="ru")
    login_as(teacher)
    for width, height, suffix in ((1366, 860, "1366"), (390, 844, "phone")):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{live_server.url}/accounts/profile/#api-tokens")
        expect(page.get_by_text("У вас нет API-токенов.")).to_be_visible()
        shot(f"api-tokens-empty-{suffix}")
        page.get_by_label("Название токена").fill(f"Электронный журнал {suffix}")
        page.get_by_role("button", name="Создать токен").click()
        expect(page.get_by_text("Ваш API-токен готов.", exact=False)).to_be_visible()
        secret = page.locator("[data-token-secret]").input_value()
        assert secret.startswith("pdp_")
        page.locator("#api-tokens").scroll_into_view_if_needed()
        shot(f"api-tokens-made-{suffix}")

        program = playwright.request.new_context(base_url=live_server.url)  # no session: only the token
        answer = program.get("/api/v1/surveys/recommendations/", headers={"Authorization": f"Token {secret}"})
        assert answer.status == 200
        assert answer.json() == []

        page.reload()
        expect(page.locator("[data-token-secret]")).to_have_count(0)  # shown once only
        expect(page.get_by_text(f"{secret[:12]}…")).to_be_visible()
        expect(page.get_by_text("последнее использование", exact=False)).to_be_visible()
        page.get_by_role("link", name="Отозвать").click()
        expect(page.get_by_role("heading", name="Отозвать API-токен")).to_be_visible()
        shot(f"api-tokens-confirm-revoke-{suffix}")
        page.get_by_role("button", name="Да, отозвать").click()
        expect(page.get_by_text("отозван", exact=False).first).to_be_visible()
        expect(page.get_by_text("У вас нет API-токенов.")).to_be_visible()
        refused = program.get(
            "/api/v1/surveys/recommendations/", headers={"Authorization": f"Token {secret}"}
        )
        assert refused.status == 401
        program.dispose()
