"""Browser tests: Playwright driving Debian's Chromium against Django's live server."""

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # else live_server teardown fails

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SHOTS = Path(os.environ.get("E2E_SCREENSHOTS", "/tmp/shots"))  # noqa: S108 - screenshots to look at

HAVE_CHROMIUM = os.path.exists(CHROMIUM) or bool(shutil.which("chromium"))


def pytest_collection_modifyitems(config, items):
    """On a bare machine without Chromium the browser tests are skipped; CI installs it and fails on any skip."""
    if HAVE_CHROMIUM:
        return
    marker = pytest.mark.skip(reason="Chromium is not installed (apt-get install chromium); CI runs these")
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(marker)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 860}, "locale": "en-US"}


@pytest.fixture(autouse=True)
def _e2e_db(transactional_db, settings):
    """The live server runs in another thread: data must be committed, so every browser test is transactional."""
    settings.ACCOUNT_RATE_LIMITS = False
    yield


@pytest.fixture
def shot(page):
    """shot("name") saves a full-page screenshot to look at (E2E_SCREENSHOTS, default /tmp/shots)."""
    SHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = SHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


PASSWORD = "correct-horse-42"  # tests/factories.py UserFactory password


def login(page, live_server, user, password: str = PASSWORD) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", password)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state("networkidle")


@pytest.fixture
def login_as(page, live_server):
    """login_as(user) signs the browser in through the real login form."""
    return lambda user, password=PASSWORD: login(page, live_server, user, password)
