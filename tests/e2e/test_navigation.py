"""Every role's side navigation at 1280 px: one column beside the page, nothing wrapping in the header, and on
every page the menu links to, exactly one highlighted entry: that page's own. Screenshots go to
test-artifacts/."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page

from tests.conftest import World
from yuanqu.core.roles import Role

from .conftest import ARTIFACTS, login

pytestmark = pytest.mark.e2e


@pytest.fixture
def narrow(browser: Browser) -> Any:
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 800})
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def _entries(page: Page) -> list[str]:
    return page.eval_on_selector_all("#side-nav li.nav-item > a.nav-link:not(.nav-group-toggle)",
                                     "links => links.map(a => a.getAttribute('href'))")


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_each_page_of_the_menu_highlights_its_own_entry(narrow: Page, live_server: Any, e2e_world: World,
                                                         role: str) -> None:
    page = narrow
    login(page, live_server.url, e2e_world, role)
    entries = _entries(page)
    assert entries, f"{role} has no menu"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"nav-{role}-1280.png"))
    for href in entries:
        page.goto(f"{live_server.url}{href}")
        path = urlsplit(page.url).path
        active = page.eval_on_selector_all("#side-nav li.nav-item.active > a.nav-link",
                                           "links => links.map(a => a.getAttribute('href'))")
        # an entry that leads to another entry's page (an administrator's 首页 is 用户管理) highlights that one
        own = path if path != href and path in entries else href
        assert active == [own], f"{role} on {href} (now at {path}): highlighted {active}"
        # one column: every entry starts at the same left edge, the page begins right of the menu
        boxes = page.eval_on_selector_all(
            "#side-nav li.nav-item > a.nav-link",
            "links => links.filter(a => a.offsetParent !== null).map(a => a.getBoundingClientRect().left)")
        assert len({round(x) for x in boxes}) <= 2, f"{role} on {href}: entries in columns at {sorted(set(boxes))}"
        nav = page.locator("#side-nav").bounding_box()
        main = page.locator(".page-wrapper").first.bounding_box()
        assert nav and main and nav["width"] <= 280 and main["x"] >= nav["x"] + nav["width"] - 1, (role, href, nav,
                                                                                                    main)
        header = page.locator("#top-bar").bounding_box()
        assert header and header["height"] <= 72, f"{role} on {href}: the header wraps ({header['height']} px)"
