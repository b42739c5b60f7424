"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server."""

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"

# Playwright's sync API runs an event loop in this thread; the live server's database access is still sync.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed (scripts/test.sh installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def shots():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    counter = iter(range(1, 100))

    def shot(page, name):
        page.screenshot(path=str(SCREENSHOTS / f"{next(counter):02d}-{name}.png"), full_page=True)

    return shot


@pytest.fixture(autouse=True)
def close_server_connections():
    """The live server's request threads must not keep connections open (CONN_MAX_AGE) past the test database."""
    from django.db import connections

    connections.settings["default"]["CONN_MAX_AGE"] = 0
    yield
