"""Browser tests: Playwright's sync API driving Debian's Chromium against pytest-django's live server.

The live server runs in a thread of this process. The tests cannot share a transaction with it, so they use the
transactional database, which is flushed after every test: the reference tables (loaded by a data migration)
are reloaded when missing, then the shared world is built as in tests/conftest.py.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from tests.conftest import TEST_PASSWORD, World, build_world, otp_device, totp_code
from yuanqu.accounts.identity import otp_required_for_role

CHROMIUM = os.environ.get("YUANQU_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the browser tests last, after pytest-django's own ordering.

    Once Playwright's sync API has started, its asyncio loop stays registered on the main thread until the
    session ends, and Django refuses ORM calls from a thread with a running loop (see `_playwright_may_use_orm`).
    With the browser tests last, no other test ever runs beside that loop. They are also the slowest.
    """
    e2e_dir = Path(__file__).resolve().parent
    browser_tests = [i for i in items if e2e_dir in Path(str(i.path)).resolve().parents]
    if browser_tests:
        items[:] = [i for i in items if e2e_dir not in Path(str(i.path)).resolve().parents] + browser_tests


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Keep each phase's report on the test item, so the page fixture knows whether the test failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def _playwright_may_use_orm(django_db_setup: Any) -> Iterator[None]:
    """Allow the ORM on the main thread while Playwright's event loop is registered there.

    Playwright's sync API keeps an asyncio loop set as the thread's running loop between calls; the ORM calls
    the tests and pytest-django make between browser steps are still synchronous, so Django's async-safety
    check is a false alarm. The variable is removed when the browser is gone: `check --deploy` warns when it
    is set. The test database is created first, before the loop exists.
    """
    mp = pytest.MonkeyPatch()
    mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    yield
    mp.undo()


@pytest.fixture(scope="session")
def playwright_instance(_playwright_may_use_orm: None, live_server: Any) -> Iterator[Playwright]:
    """Playwright, started after the test database and the live server exist, stopped before they go."""
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    """One headless Debian Chromium for the whole session (never a downloaded browser)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium package (apt-get install chromium)")
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def _e2e_build() -> World:
    """The browser tests' world: the tables data migrations fill and a flush empties (standard indicators, the
    working-day calendar, incubation thresholds), then the shared world."""
    from tests.conftest import reload_reference_tables

    reload_reference_tables()
    return build_world()


@pytest.fixture
def e2e_world(live_server: Any) -> World:
    """The shared world, committed so that the live server sees it.

    Built through the services once per session and restored as rows in one transaction afterwards
    (tests/world_snapshot.py), as the client tests do: building it anew costs thousands of queries, each
    committing on its own. The snapshot is taken on a database emptied as after a test, so that it holds the
    rows of the data-migration tables a flush removes, with their ids. The national code tables (regions,
    industries) stay outside it: they are kept or reloaded by code.
    """
    from django.core.management import call_command
    from django.db import connection, transaction

    from tests import world_snapshot
    from tests.conftest import fast_flush
    from yuanqu.core.models import IndustryCode, Region
    from yuanqu.core.reference import load_industries, load_regions

    if connection.settings_dict["NAME"] not in world_snapshot._taken:
        if connection.vendor == "postgresql":
            fast_flush()
        else:
            call_command("flush", verbosity=0, interactive=False)
    with transaction.atomic():
        if not Region.objects.exists():
            load_regions(Region)
        if not IndustryCode.objects.exists():
            load_industries(IndustryCode)
        return world_snapshot.world_for_test(_e2e_build)


@pytest.fixture
def page(browser: Browser, live_server: Any, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh browser context and page (zh-hans, Shanghai time); a screenshot is kept when the test fails."""
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1366, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    failed = any(getattr(getattr(request.node, f"rep_{when}", None), "failed", False) for when in ("setup", "call"))
    if failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
        try:
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        except Exception as exc:  # the page may be gone; the test's own failure matters more
            print(f"screenshot failed: {exc}")
    context.close()


def login(page: Page, base_url: str, world: World, role: str) -> None:
    """Log in through the real forms, as the shared user of that role: the password, then, for a role that needs
    a second factor, the code its (enrolled) authenticator shows now, computed from the device's key.

    The user names are the role values, except the region_staff user, which tests/conftest.py calls "staff".
    """
    user = world.user(role)
    device = otp_device(user) if otp_required_for_role(user.role) else None
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", TEST_PASSWORD)
    with page.expect_navigation():
        page.click("#login-form button[type=submit]")
    assert "/accounts/login/" not in page.url, f"login as {role} failed: {page.url}"
    if device is not None:
        assert "/accounts/2fa/verify/" in page.url, f"login as {role} asked no second factor: {page.url}"
        page.fill("#id_code", totp_code(device))
        with page.expect_navigation():
            page.click("#otp-verify-form button[type=submit]")
        assert "/accounts/2fa/" not in page.url, f"second factor of {role} refused: {page.url}"
    assert page.locator("#whoami").is_visible()



def pick(page: Page, select_id: str, text: str, option_text: str | None = None) -> None:
    """Choose in a searchable picker (Tom Select over ``<select id=select_id data-picker>``, ``pickers.js``) as a
    user does: type ``text`` into its search box and click the option that shows ``option_text`` (``text`` by
    default)."""
    control = page.locator(f"#{select_id}-ts-control")
    control.click()
    control.fill(text)
    page.locator(".ts-dropdown .option", has_text=option_text or text).first.click()
