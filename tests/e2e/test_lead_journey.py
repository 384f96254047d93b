"""District staff claim a lead from the pool, log a one-to-one docking, sign it, convert it, and see it on the park."""

from __future__ import annotations

import random
import re
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import World
from yuanqu.core.demo import make_uscc
from yuanqu.enterprises.models import Settlement
from yuanqu.investment import services as inv
from yuanqu.investment.models import FollowUp, Lead

from .conftest import login

pytestmark = pytest.mark.e2e

COMPANY = "青岛海纳智能装备有限公司"


def test_it_claims_docks_signs_converts_and_lists_the_lead_at_the_park(
    page: Page, live_server: Any, e2e_world: World,
) -> None:
    # A pooled lead for 信联天地, without an owner (the shared world's pooled lead is for another park).
    lead = inv.lead_create(actor=e2e_world.user("region_staff"), name=COMPANY, target_park=e2e_world.xltd,
                           source="office", intended_investment_wan=Decimal("8000"), expected_jobs=120, claim=False)
    assert lead.owner_id is None
    uscc = make_uscc(random.Random(7301), "370213")
    base = live_server.url

    login(page, base, e2e_world, "region_staff")

    # The park's 签约 count before.
    page.goto(f"{base}/parks/{e2e_world.xltd.pk}/")
    signed_before = int(page.locator("#count-signed").inner_text().strip())

    # The shared pool (公海) lists the lead; open it and claim it.
    page.goto(f"{base}/investment/leads/pool/")
    row = page.locator("#lead-table tbody tr", has_text=COMPANY)
    expect(row).to_have_count(1)
    with page.expect_navigation():
        row.locator("a").first.click()
    expect(page.locator("h2.page-title")).to_contain_text(COMPANY)
    with page.expect_navigation():
        page.click("#claim")
    expect(page.locator("#lead-owner")).to_have_text(str(e2e_world.user("region_staff")))
    expect(page.locator("#claim")).to_have_count(0)
    expect(page.locator("#release")).to_be_visible()

    # A one-to-one docking by a district leader (领导一对一对接).
    with page.expect_navigation():
        page.locator(f"a[href$='/investment/leads/{lead.pk}/follow-ups/new/']").click()
    page.select_option("#id_kind", FollowUp.Kind.LEADER_DOCKING.value)
    page.fill("#id_on", "2025-04-08")
    page.fill("#id_participants", "区招商局 刘洋")
    page.fill("#id_leader", "区委副书记 王建国")  # a leader one-to-one docking names its leader (issue 14)
    page.fill("#id_summary", "区领导一对一对接，企业确认在信联天地设立区域总部")
    page.fill("#id_next_step", "签订投资协议")
    page.fill("#id_next_step_on", "2025-04-20")
    with page.expect_navigation():
        page.click("#main-form button[type=submit]")
    assert re.search(rf"/investment/leads/{lead.pk}/$", page.url), page.url
    follow_up = page.locator("#follow-ups .list-group-item", has_text="企业确认在信联天地设立区域总部")
    expect(follow_up).to_have_count(1)
    expect(follow_up).to_contain_text("2025-04-08")
    expect(follow_up).to_contain_text("王建国")

    # 已签约.
    page.select_option("#status-form select[name=status]", Lead.Status.SIGNED.value)
    with page.expect_navigation():
        page.click("#status-form button")
    expect(page.locator("#lead-status")).to_have_class(re.compile(r"\bbg-green-lt\b"))

    # Convert it into a settlement at 签约 in 信联天地.
    with page.expect_navigation():
        page.locator(f"a[href$='/investment/leads/{lead.pk}/convert/']").click()
    page.fill("#id_uscc", uscc)
    expect(page.locator("#id_name")).to_have_value(COMPANY)
    page.select_option("#id_park", str(e2e_world.xltd.pk))
    page.fill("#id_signed_on", "2025-04-20")
    with page.expect_navigation():
        page.click("#main-form button[type=submit]")
    assert re.search(rf"/investment/leads/{lead.pk}/$", page.url), page.url
    expect(page.locator("#lead-enterprise a")).to_have_text(COMPANY)
    expect(page.locator(f"a[href$='/investment/leads/{lead.pk}/convert/']")).to_have_count(0)

    # The park page lists it at 签约.
    page.goto(f"{base}/parks/{e2e_world.xltd.pk}/")
    expect(page.locator("#count-signed")).to_have_text(str(signed_before + 1))
    page.click("#stage-tabs [data-stage=signed]")
    expect(page.locator("#stage-tabs [data-stage=signed]")).to_have_class(re.compile(r"\bbtn-primary\b"))
    expect(page.locator("#stage-table tbody tr", has_text=COMPANY)).to_have_count(1)

    lead.refresh_from_db()
    assert lead.status == Lead.Status.SIGNED
    assert lead.owner == e2e_world.user("region_staff")
    assert lead.follow_ups.filter(kind=FollowUp.Kind.LEADER_DOCKING).count() == 1
    settlement = Settlement.objects.get(pk=lead.settlement_id)
    assert (settlement.park_id, settlement.stage, settlement.enterprise.uscc) == (
        e2e_world.xltd.pk, Settlement.Stage.SIGNED, uscc)
    assert lead.enterprise_id == settlement.enterprise_id
