"""The 信联天地 operator finds the park by its initials and moves a tenant from 装修 to 入驻 (htmx)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import World
from yuanqu.enterprises.models import Settlement

from .conftest import login

pytestmark = pytest.mark.e2e


def _count(page: Page, selector: str) -> int:
    return int(page.locator(selector).inner_text().strip())


def test_it_moves_a_fitout_tenant_in_and_updates_the_counts(page: Page, live_server: Any, e2e_world: World) -> None:
    login(page, live_server.url, e2e_world, "park_operator")

    # Find the park by its pinyin initials.
    page.goto(f"{live_server.url}/parks/")
    page.fill("#search-input", "xltd")
    with page.expect_navigation():
        page.press("#search-input", "Enter")
    assert "q=xltd" in page.url
    results = page.locator("#park-table tbody a:not(.object-link)")
    expect(results).to_have_count(1)
    expect(results.first).to_have_text("信联天地")
    # The row links the park's dashboard too (issue 14 item 6).
    expect(page.locator("#park-table tbody a.object-link")).to_have_text(["园区看板"])
    with page.expect_navigation():
        results.first.click()
    expect(page.locator("h2.page-title")).to_contain_text("信联天地")

    moved_in = _count(page, "#count-moved_in")
    fitout = _count(page, "#count-fitout")
    kpi = _count(page, "#kpi-moved-in")
    assert (moved_in, fitout, kpi) == (1, 1, 1)
    # A marker on the window: it survives htmx swaps and disappears on a full page load.
    page.evaluate("window.__yuanquNoReload = true")

    # The 装修 tab (htmx swaps the stage block in place).
    page.click("#stage-tabs [data-stage=fitout]")
    expect(page.locator("#stage-tabs [data-stage=fitout]")).to_have_class(  # the active tab
        re.compile(r"\bbtn-primary\b"))
    row = page.locator("#stage-table tbody tr", has_text="青岛装修中科技有限公司")
    expect(row).to_have_count(1)

    # Move it to 入驻.
    row.locator("button.advance-btn").click()
    expect(page.locator("#count-moved_in")).to_have_text(str(moved_in + 1))
    expect(page.locator("#count-fitout")).to_have_text(str(fitout - 1))
    expect(page.locator("#kpi-moved-in")).to_have_text(str(kpi + 1))
    expect(page.locator("#stage-table tbody tr", has_text="青岛装修中科技有限公司")).to_have_count(0)
    expect(page.locator("#advance-error")).to_have_count(0)
    assert page.evaluate("window.__yuanquNoReload === true"), "the page was reloaded"

    settlement = Settlement.objects.get(pk=e2e_world.st_xltd_fitout.pk)
    assert settlement.stage == Settlement.Stage.MOVED_IN
    assert settlement.moved_in_on is not None
