"""Shared fixtures for the browser tests: Debian's chromium driven by Playwright.

Every test in tests/browser is marked `browser` (deselect with `-m "not browser"`).

    def test_something(page, live_server, users, login, shot):
        login(page, live_server, "official")          # password "pw" (tests/factories.py)
        page.goto(live_server.url + "/persons/")
        shot(page, "search")                          # test-results/<test>-search.png

* `browser`: one headless chromium per session (per xdist worker), never a downloaded one.
* `page`: a fresh context (cookies, storage) per test at desktop size, 1280x800.
* `phone_page`: the same at phone size, 375x740, touch, mobile viewport.
* `new_page(phone=False)`: more pages in the same test (e.g. two users side by side).
* `login(page, live_server, username, password="pw")`: through the real login form (so the
  login throttling of django-axes is exercised); raises with the page's text on failure.
* `shot(page, name)`: a full-page screenshot into test-results/.
* On a failed test, each page still open gets a screenshot in test-results/.

`live_server` makes the test transactional: the database is flushed after it, so use the
`places` fixture (it reloads places when missing). Legal parameters come back by themselves
(post_migrate seeds them after each flush). The root conftest sets
DJANGO_ALLOW_ASYNC_UNSAFE: Playwright's sync API runs an event loop in the test thread, and
the ORM calls a test makes between page actions are ordinary synchronous calls.
"""

import os
import re
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}
#: Playwright's default wait (ms): generous, the live server runs on a small machine.
TIMEOUT_MS = 15_000

_HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    for item in items:
        if _HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"_report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def results_dir(pytestconfig) -> Path:
    path = Path(pytestconfig.rootpath) / "test-results"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")[:120]


@pytest.fixture
def new_page(browser, request, results_dir):
    """A factory of pages, each in its own context; closed (and shot on failure) after the test."""
    contexts = []
    for stale in results_dir.glob(f"{_slug(request.node.name)}-FAILED-*.png"):
        stale.unlink()

    def make(phone: bool = False, locale: str = "vi-VN"):
        options = {"viewport": PHONE if phone else DESKTOP, "locale": locale}
        if phone:
            options.update(is_mobile=True, has_touch=True, device_scale_factor=2)
        context = browser.new_context(timezone_id="Asia/Ho_Chi_Minh", **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make

    failed = getattr(request.node, "_report_call", None)
    failed = failed is not None and failed.failed
    for i, context in enumerate(contexts):
        if failed:
            for j, p in enumerate(context.pages):
                name = f"{_slug(request.node.name)}-FAILED-{i}{j}.png"
                try:
                    p.screenshot(path=str(results_dir / name), full_page=True)
                except Exception:  # the page may have crashed; the test's own error matters
                    pass
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def phone_page(new_page):
    return new_page(phone=True)


@pytest.fixture
def login():
    def do_login(page, live_server, username: str, password: str = "pw"):
        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        with page.expect_navigation():
            page.click("form button[type=submit]")
        if "/login/" in page.url or page.locator("input[name=password]").count():
            text = page.locator("main").inner_text()
            raise AssertionError(f"could not log in as {username!r}: {text}")
        return page

    return do_login


@pytest.fixture
def shot(request, results_dir):
    """shot(page, "name"): save a full-page screenshot as test-results/<test>-<name>.png."""

    def take(page, name: str) -> Path:
        path = results_dir / f"{_slug(request.node.name)}-{_slug(name)}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
