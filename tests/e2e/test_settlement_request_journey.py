"""The 信联天地 operator signs 生命药洲's tenant by its code: a request, not a settlement (issue 12 H1); district
staff approve it on the requests page, and the operator then sees the tenant. Screenshots of both views of the
page are kept in test-artifacts/screenshots/."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import World
from yuanqu.enterprises.models import EnterpriseRequest, Settlement

from .conftest import ARTIFACTS, login

pytestmark = pytest.mark.e2e
SCREENSHOTS = ARTIFACTS / "screenshots"


def test_an_operators_request_is_approved_by_district_staff(page: Page, live_server: Any, e2e_world: World) -> None:
    world = e2e_world
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    login(page, live_server.url, world, "park_operator")
    page.goto(f"{live_server.url}/enterprises/settlements/new/")
    page.fill("#id_uscc", world.ent_smyz.uscc)
    page.select_option("#id_park", str(world.xltd.pk))
    page.fill("#id_signed_on", "2025-01-02")
    with page.expect_navigation():
        page.click("#main-form button[type=submit]")
    assert page.url.endswith("/enterprises/requests/")
    expect(page.locator("#request-table tbody tr")).to_have_count(1)
    expect(page.locator("body")).to_contain_text("已提交入驻申请")
    expect(page.locator("body")).not_to_contain_text(world.ent_smyz.name)
    page.screenshot(path=str(SCREENSHOTS / "requests_operator.png"), full_page=True)
    assert not Settlement.objects.filter(enterprise=world.ent_smyz, park=world.xltd).exists()

    page.context.clear_cookies()
    login(page, live_server.url, world, "region_staff")
    page.goto(f"{live_server.url}/enterprises/requests/")
    row = page.locator("#request-table tbody tr", has_text=world.ent_smyz.uscc)
    expect(row).to_contain_text(world.ent_smyz.name)
    expect(row.locator("button", has_text="通过")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "requests_staff.png"), full_page=True)
    with page.expect_navigation():
        row.locator("button", has_text="通过").click()
    expect(page.locator("#request-table tbody tr").first).to_contain_text("已通过")
    assert EnterpriseRequest.objects.get().status == "approved"
    assert Settlement.objects.filter(enterprise=world.ent_smyz, park=world.xltd).exists()
