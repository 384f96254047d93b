"""District staff paste the demo release, accept the fix of the one figure that disagrees with the registry, and the
auditor finds the change in the audit log with its source quote."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import World
from yuanqu.core.models import AuditEvent
from yuanqu.intake.demo import DEMO_TEXT
from yuanqu.parks.models import Park
from yuanqu.parks.services import park_update

from .conftest import login

pytestmark = pytest.mark.e2e

QUOTE = "生命药洲园区占地约280亩"


def test_it_pastes_the_demo_release_accepts_a_discrepancy_fix_and_audits_it_with_the_quote(
    page: Page, live_server: Any, e2e_world: World,
) -> None:
    staff = e2e_world.user("region_staff")
    park_update(actor=staff, park=Park.objects.get(pk=e2e_world.smyz.pk), land_area_mu=Decimal("260"))
    base = live_server.url
    login(page, base, e2e_world, "region_staff")

    page.goto(f"{base}/intake/")
    with page.expect_navigation():
        page.click("#new-document")
    page.fill("#id_text", DEMO_TEXT)
    page.fill("#id_published_on", "2023-02-10")
    page.set_default_timeout(90_000)  # the first extraction loads jieba's dictionary
    with page.expect_navigation():
        page.click("#extract")
    page.set_default_timeout(15_000)
    expect(page.locator("h2.page-title")).to_contain_text("演示")
    expect(page.locator("#document-text mark", has_text=QUOTE)).to_have_count(1)

    row = page.locator("#facts tbody tr", has_text="占地")
    expect(row).to_have_count(1)
    expect(row.locator(".disagree")).to_contain_text("280")
    expect(row).to_contain_text("260")
    with page.expect_navigation(timeout=60_000):
        row.locator("button[name=decision][value=accept]").click()
    row = page.locator("#facts tbody tr", has_text="占地")
    expect(row.locator(".proposal-status")).to_have_text("已应用")
    assert Park.objects.get(pk=e2e_world.smyz.pk).land_area_mu == Decimal("280")

    event = AuditEvent.objects.filter(object_type="intake.Proposal").latest("id")
    page.context.clear_cookies()
    login(page, base, e2e_world, "auditor")
    page.goto(f"{base}/audit/")
    link = page.locator(f"a[href$='/audit/{event.pk}/']")
    expect(link.first).to_be_visible()
    with page.expect_navigation():
        link.first.click()
    expect(page.locator("#audit-changes")).to_contain_text(QUOTE)
    expect(page.locator("#audit-summary")).to_contain_text("→ 已应用")  # the status by its label, not "applied"
