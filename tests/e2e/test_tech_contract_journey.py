"""An operator registers a technology contract and the 技术合同成交额 card on the cockpit grows by its amount."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.conftest import World
from yuanqu.innovation.models import TechContract

from .conftest import login

pytestmark = pytest.mark.e2e


def _card(page: Page) -> Decimal:
    return Decimal(page.locator("#kpi-contracts [data-value]").get_attribute("data-value") or "0")


def test_a_registered_contract_moves_the_cockpit_card(page: Page, live_server: Any, e2e_world: World) -> None:
    base = live_server.url
    today = timezone.localdate()
    cockpit = f"{base}/dashboards/?year={today.year}&month={today.month}"
    login(page, base, e2e_world, "park_operator")
    page.goto(cockpit)
    before = _card(page)

    page.goto(f"{base}/innovation/contracts/")
    with page.expect_navigation():
        page.click("#create-link")
    page.fill("#id_registration_no", "3702132099000777")
    page.fill("#id_title", "智能巡检机器人技术开发")
    page.select_option("#id_kind", "development")
    page.select_option("#id_field", "manufacturing")
    page.fill("#id_signed_on", (today.replace(day=1)).isoformat())
    page.fill("#id_registered_on", today.isoformat())
    page.select_option("#id_park", str(e2e_world.xltd.pk))
    page.select_option("#id_seller", str(e2e_world.ent_xltd.pk))
    page.fill("#id_buyer_name", "济南某装备公司")
    page.fill("#id_total_wan", "260")
    page.fill("#id_tech_wan", "300")
    with page.expect_navigation():
        page.click("#main-form button[type=submit]")
    expect(page.locator("[data-error-for=tech_wan]")).to_contain_text("技术交易额不能超过合同交易总额")
    page.fill("#id_tech_wan", "240")
    with page.expect_navigation():
        page.click("#main-form button[type=submit]")
    expect(page.locator("h2.page-title")).to_contain_text("智能巡检机器人技术开发")
    assert TechContract.objects.get(registration_no="3702132099000777").seller_in_district

    page.goto(cockpit)
    expect(page.locator("#kpi-contracts")).to_be_visible()
    assert _card(page) - before == Decimal(260)
