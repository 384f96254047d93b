"""District staff approve a round's reports in bulk in the browser: filter 待审核, tick the page, then all matching,
终审通过; the result page says how many, and the list has nothing left awaiting review. The operator's first review
of a page that holds an approved report lists it as not done, with the reason."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import World
from tests.stats.helpers import REQUIRED, ind, new_enterprise
from yuanqu.stats import services
from yuanqu.stats.models import Report
from yuanqu.stats.services import Entry

from .conftest import login

pytestmark = pytest.mark.e2e


def _submitted(world: World, n: int, park: Any) -> Report:
    staff = world.users["region_staff"]
    report = Report.objects.create(round=world.round_licang, enterprise=new_enterprise(world, n), park=park,
                                   industry_section="I")
    entries = {ind(code).pk: Entry(value=Decimal(v.replace(",", ""))) for code, v in
               REQUIRED.items()}
    return services.report_save(actor=staff, report=report, entries=entries, submit=True)


def test_staff_approve_all_matching_reports_in_one_action(page: Page, live_server: Any, e2e_world: World) -> None:
    world = e2e_world
    staff = world.users["region_staff"]
    reviewed = [services.report_park_review(actor=staff, report=_submitted(world, n, world.smyz if n % 2 else
                                                                              world.xltd)) for n in range(30)]
    base = live_server.url
    login(page, base, world, "region_staff")
    page.goto(f"{base}/stats/reports/?round={world.round_licang.pk}&todo=1")
    expect(page.locator("#list-total")).to_contain_text("30")
    expect(page.locator("#report-table tbody tr")).to_have_count(25)
    page.check("#check-page")
    expect(page.locator("#bulk-selected")).to_contain_text("25")
    page.check("#bulk-all")
    expect(page.locator("#bulk-selected")).to_contain_text("30")
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click("#bulk-approve")
    expect(page.locator("#done-count")).to_have_text("已终审通过：30")
    expect(page.locator("#not-done-count")).to_have_count(0)
    assert Report.objects.filter(pk__in=[r.pk for r in reviewed], status="approved").count() == 30
    with page.expect_navigation():
        page.click("#back-to-list")
    expect(page.locator("#list-total")).to_contain_text("0")


def test_the_operator_is_told_which_ticked_reports_were_not_reviewed(page: Page, live_server: Any,
                                                                     e2e_world: World) -> None:
    world = e2e_world
    staff = world.users["region_staff"]
    waiting = _submitted(world, 1, world.xltd)
    approved = services.report_approve(actor=staff, report=services.report_park_review(
        actor=staff, report=_submitted(world, 2, world.xltd)))
    base = live_server.url
    login(page, base, world, "park_operator")
    page.goto(f"{base}/stats/reports/?round={world.round_licang.pk}&sort=status")
    expect(page.locator("#bulk-approve")).to_have_count(0)  # the final approval is district staff's
    page.check(f"input[name=ids][value='{waiting.pk}']")
    page.check(f"input[name=ids][value='{approved.pk}']")
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click("#bulk-review")
    expect(page.locator("#done-count")).to_have_text("已初审通过：1")
    expect(page.locator(f"tr[data-skipped='{approved.pk}']")).to_contain_text("已审核通过，无需再次操作")
    assert Report.objects.get(pk=waiting.pk).status == "park_reviewed"
