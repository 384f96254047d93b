"""The 信联天地 operator signs 生命药洲's tenant by its code: a request, not a settlement (issue 12 H1); district
staff approve it on the requests page, and the operator then sees the tenant. Screenshots of both views of the
page are kept in test-artifacts/screenshots/."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import World
from yuanqu.enterprises.models import Enterprise, EnterpriseRequest, Settlement

from .conftest import ARTIFACTS, login, pick

pytestmark = pytest.mark.e2e
SCREENSHOTS = ARTIFACTS / "screenshots"


def test_an_operators_request_is_approved_by_district_staff(page: Page, live_server: Any, e2e_world: World) -> None:
    world = e2e_world
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    login(page, live_server.url, world, "park_operator")
    page.goto(f"{live_server.url}/enterprises/settlements/new/")
    page.fill("#id_uscc", world.ent_smyz.uscc)
    pick(page, "id_park", world.xltd.name)
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


def test_an_operators_new_enterprise_is_registered_when_district_staff_approve(
        page: Page, live_server: Any, e2e_world: World) -> None:
    """A code registered nowhere takes the same request (no existence oracle); staff see the name the operator
    typed, marked as a new enterprise, and approving registers it."""
    world, code = e2e_world, "91350100M000100Y43"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    login(page, live_server.url, world, "park_operator")
    page.goto(f"{live_server.url}/enterprises/new/?park={world.xltd.pk}")
    page.fill("#id_uscc", code)
    page.fill("#id_name", "青岛新来科技有限公司")
    page.select_option("#id_park", str(world.xltd.pk))
    page.fill("#id_signed_on", "2025-01-02")
    with page.expect_navigation():
        page.click("#main-form button[type=submit]")
    assert page.url.endswith("/enterprises/requests/")
    expect(page.locator("body")).to_contain_text("已提交入驻申请")
    assert not Enterprise.objects.filter(uscc=code).exists()

    page.context.clear_cookies()
    login(page, live_server.url, world, "region_staff")
    page.goto(f"{live_server.url}/enterprises/requests/")
    row = page.locator("#request-table tbody tr", has_text=code)
    expect(row).to_contain_text("青岛新来科技有限公司")
    expect(row).to_contain_text("新企业，批准后登记")
    page.screenshot(path=str(SCREENSHOTS / "requests_staff_new_enterprise.png"), full_page=True)
    with page.expect_navigation():
        row.locator("button", has_text="通过").click()
    assert Settlement.objects.filter(enterprise__uscc=code, park=world.xltd).exists()
