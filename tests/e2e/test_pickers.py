"""The industry picker on the enterprise form: type pinyin initials, pick the class the server found, save
(issue 14 item 4). The select becomes a Tom Select (vendor/tom-select, our pickers.js) under the strict CSP."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import World

from .conftest import login

pytestmark = pytest.mark.e2e


def test_it_picks_an_industry_by_its_initials(page: Page, live_server: Any, e2e_world: World) -> None:
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    enterprise = e2e_world.ent_xltd
    assert enterprise.industry_id == "6513"

    login(page, live_server.url, e2e_world, "park_operator")
    page.goto(f"{live_server.url}/enterprises/{enterprise.pk}/edit/")
    # Only the chosen class is left in the page's select; the rest come from the server as one types.
    expect(page.locator("#id_industry option")).to_have_count(2)  # the empty choice and 6513
    control = page.locator("#field-industry .ts-control input")
    control.click()
    control.fill("jcdlsj")  # 集成电路设计
    option = page.locator(".ts-dropdown .option", has_text="6520 集成电路设计")
    expect(option).to_be_visible()
    expect(option).to_contain_text("I 信息传输、软件和信息技术服务业 › 65 软件和信息技术服务业 › 652 集成电路设计")
    option.click()
    expect(page.locator("#id_industry")).to_have_value("6520")
    with page.expect_navigation():
        page.click("#main-form button[type=submit]")
    assert f"/enterprises/{enterprise.pk}/" in page.url
    enterprise.refresh_from_db()
    assert enterprise.industry_id == "6520"
    assert not violations, violations
