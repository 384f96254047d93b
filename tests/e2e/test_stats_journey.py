"""An enterprise reports with a warning explained, the park operator returns it, the enterprise corrects and
resubmits, the operator reviews, district staff approve, and the park's 累计 and 同比 change."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import World
from tests.stats.helpers import ind, may_round
from yuanqu.stats import services
from yuanqu.stats.models import Report, ReportValue
from yuanqu.stats.services import Entry

from .conftest import ARTIFACTS, login

pytestmark = pytest.mark.e2e
SHOTS = ARTIFACTS / "screenshots"


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(Path(SHOTS) / f"stats-{name}.png"), full_page=True)


def switch(page: Page, base: str, world: World, role: str) -> None:
    page.context.clear_cookies()
    login(page, base, world, role)


def last_year(world: World) -> None:
    """June 2024, approved: 工业总产值 累计 800 万元 (the 同比 base)."""
    staff = world.users["region_staff"]
    rnd = services.round_open(actor=staff, region=world.licang, frequency="month", year=2024, month=6,
                              deadline=dt.date(2024, 7, 10))
    report = Report.objects.get(round=rnd, enterprise=world.ent_xltd)
    entries = {ind(c).pk: Entry(value=Decimal(v)) for c, v in {
        "output": "800", "revenue": "900", "tax": "50", "profit": "70", "employees": "90"}.items()}
    services.report_save(actor=world.users["enterprise_user"], report=report, entries=entries, submit=True)
    services.report_park_review(actor=world.users["park_operator"], report=report)
    services.report_approve(actor=staff, report=report)


def test_it_reports_returns_resubmits_reviews_approves_and_moves_the_aggregates(
    page: Page, live_server: Any, e2e_world: World,
) -> None:
    world = e2e_world
    last_year(world)
    may_round(world, employees="100")
    report = world.report_xltd
    base = live_server.url
    aggregates = f"{base}/stats/?indicator=output&year=2025&month=6"
    xltd_row = f"#park-table tr[data-park='{world.xltd.pk}']"

    # Before: nothing approved for June 2025 at 信联天地.
    login(page, base, world, "region_staff")
    page.goto(aggregates)
    expect(page.locator(f"{xltd_row} .cell-ytd")).to_have_text("—")
    expect(page.locator(f"{xltd_row} .cell-yoy")).to_have_text("—")

    # The enterprise fills in, trips the 从业人员 check (100 → 500) and explains it.
    switch(page, base, world, "enterprise_user")
    page.goto(f"{base}/stats/reports/")
    shot(page, "my-reports")
    with page.expect_navigation():
        page.locator(f"#report-table tr[data-report='{report.pk}'] .fill-link").click()
    emp = ind("employees").pk
    expect(page.locator(f"#row-{emp} .prev-value")).to_have_text("100 人")
    for code, value in {"output": "１,２００", "revenue": "1500", "tax": "80", "profit": "100"}.items():
        page.fill(f"#id_v_{ind(code).pk}", value)
    page.fill(f"#id_v_{emp}", "500")
    page.locator(f"#id_v_{emp}").dispatch_event("change")
    expect(page.locator(f"#warning-{emp}")).to_be_visible()
    expect(page.locator(f"#id_e_{emp}")).to_be_visible()
    shot(page, "fill-warning")
    # Submitting without the explanation is refused, and nothing typed is lost.
    with page.expect_navigation():
        page.click("#submit-report")
    expect(page.locator(f"[data-error-for='e_{emp}']")).to_be_visible()
    expect(page.locator(f"#id_v_{ind('output').pk}")).to_have_value("１,２００")
    page.fill(f"#id_e_{emp}", "新建研发中心，集中招聘")
    with page.expect_navigation():
        page.click("#submit-report")
    assert re.search(rf"/stats/reports/{report.pk}/$", page.url), page.url
    expect(page.locator("#report-status .report-status")).to_have_attribute("data-status", "submitted")

    # The park operator returns it with a reason.
    switch(page, base, world, "park_operator")
    page.goto(f"{base}/stats/reports/?status=submitted")
    shot(page, "review-list")
    with page.expect_navigation():
        page.locator(f"#report-table tr[data-report='{report.pk}'] a", has_text=world.ent_xltd.name).click()
    expect(page.locator("tr.warning-row")).to_contain_text("新建研发中心，集中招聘")
    page.fill("#return-reason-input", "营业收入与开票数据不符，请核实")
    shot(page, "report-detail")
    with page.expect_navigation():
        page.click("#return")
    expect(page.locator("#report-status .report-status")).to_have_attribute("data-status", "returned")

    # The enterprise corrects and resubmits.
    switch(page, base, world, "enterprise_user")
    page.goto(f"{base}/stats/reports/{report.pk}/fill/")
    expect(page.locator("#return-reason")).to_contain_text("营业收入与开票数据不符")
    expect(page.locator(f"#id_e_{emp}")).to_have_value("新建研发中心，集中招聘")
    page.fill(f"#id_v_{ind('revenue').pk}", "1,450")
    with page.expect_navigation():
        page.click("#submit-report")
    expect(page.locator("#report-status .report-status")).to_have_attribute("data-status", "submitted")

    # The operator passes the first review.
    switch(page, base, world, "park_operator")
    page.goto(f"{base}/stats/reports/{report.pk}/")
    with page.expect_navigation():
        page.click("#park-review")
    expect(page.locator("#report-status .report-status")).to_have_attribute("data-status", "park_reviewed")

    # District staff approve; the park's 累计 and 同比 move.
    switch(page, base, world, "region_staff")
    page.goto(f"{base}/stats/reports/{report.pk}/")
    with page.expect_navigation():
        page.click("#approve")
    expect(page.locator("#report-status .report-status")).to_have_attribute("data-status", "approved")
    page.goto(aggregates)
    expect(page.locator(f"{xltd_row} .cell-ytd")).to_have_text("1,200.00")
    expect(page.locator(f"{xltd_row} .cell-yoy")).to_have_text("+50.0%")
    shot(page, "aggregates")

    # The round page and the other new pages, for the record.
    page.goto(f"{base}/stats/rounds/{world.round_licang.pk}/")
    expect(page.locator("#completion")).to_contain_text(world.xltd.name)
    shot(page, "round-detail")
    for name, path in (("rounds", "/stats/rounds/"), ("round-new", "/stats/rounds/new/"),
                       ("indicators", "/stats/indicators/"), ("targets", "/stats/targets/"),
                       ("target-set", "/stats/targets/set/")):
        page.goto(base + path)
        shot(page, name)

    report.refresh_from_db()
    assert report.status == Report.Status.APPROVED
    assert ReportValue.objects.get(report=report, indicator=ind("revenue")).value == Decimal("1450")
