"""District staff write a clause with its rule in the editor, add a rule test and publish it; the enterprise then
sees the clause on its home page with the reason it qualifies."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import World
from tests.policies.conftest import add_annual_statistics
from yuanqu.policies import services
from yuanqu.policies.models import Clause

from .conftest import login

pytestmark = pytest.mark.e2e


def test_staff_publish_a_clause_and_the_enterprise_sees_why_it_qualifies(
    page: Page, live_server: Any, e2e_world: World,
) -> None:
    add_annual_statistics(e2e_world)
    policy = services.policy_create(actor=e2e_world.user("region_staff"), title="李沧区支持科技创新若干政策",
                                    issuer="李沧区人民政府", effective_on=dt.date(2024, 1, 1))
    base = live_server.url
    login(page, base, e2e_world, "region_staff")
    page.goto(f"{base}/policies/{policy.pk}/clauses/new/")
    page.fill("#id_number", "第三条")
    page.fill("#id_title", "高新技术企业奖励")
    page.fill("#id_stats_year", "2025")
    page.fill("#id_rule", '{"and": [{"var": "is_high_tech"}, {">=": [{"var": "revenue"}, 5000]}]}')
    page.fill("#id_amount_rule", '{"fixed": 200000}')
    page.fill("#id_beneficiaries", "高新技术企业")
    page.fill("#id_conditions_text", "高企且上年营业收入5000万元以上")
    page.fill("#id_office", "区科技局")
    page.fill("#id_phone", "0532-87661234")
    with page.expect_navigation():
        page.click("#preview-button")
    expect(page.locator("#preview")).to_contain_text("符合 1 家")
    with page.expect_navigation():
        page.click("#save-button")
    clause = Clause.objects.get(number="第三条")
    expect(page.locator("#clause-status")).to_contain_text("草稿")
    page.fill("#id_name", "达标高企")
    page.fill("#id_facts", '{"is_high_tech": true, "revenue": 8000}')
    page.select_option("#id_expected", "eligible")
    with page.expect_navigation():
        page.click("#add-test")
    expect(page.locator("#rule-tests .rule-test.ok")).to_have_count(1)
    with page.expect_navigation():
        page.click("#publish")
    expect(page.locator("#clause-status")).to_contain_text("已发布")

    page.context.clear_cookies()
    login(page, base, e2e_world, "enterprise_user")
    page.goto(f"{base}/")
    card = page.locator("#policy-matches .policy-match", has_text="高新技术企业奖励")
    expect(card).to_have_count(1)
    expect(card.locator(".reason")).to_contain_text("营业收入（统计年度） ≥ 5000")
    expect(card.locator(".reason")).to_contain_text("12000万元")
    with page.expect_navigation():
        card.locator("a").first.click()
    expect(page.locator("#my-outcome")).to_have_text("符合")
    with page.expect_navigation():
        page.click("#apply")
    expect(page.locator("#my-application")).to_contain_text("已申报")
    assert clause.applications.count() == 1


def test_a_grant_without_application_goes_through_to_payout(page: Page, live_server: Any, e2e_world: World) -> None:
    """A 免申即享 clause grants the eligible enterprise an application it never made; staff approve it and record
    the payout in the browser; the enterprise sees it paid, and the cockpit's 兑现金额 counts it."""
    from tests.policies.conftest import make_policy
    from yuanqu.policies.models import Application

    add_annual_statistics(e2e_world)
    granted = make_policy(e2e_world, no_application=True, amount=50000)
    app = Application.objects.get(clause=granted.clause, enterprise=e2e_world.ent_xltd)
    assert app.origin == Application.Origin.AUTOMATIC
    base = live_server.url
    login(page, base, e2e_world, "region_staff")
    page.goto(f"{base}/policies/applications/{app.pk}/")
    expect(page.locator("#amount")).to_contain_text("50000.00")
    with page.expect_navigation():
        page.click("#approve")
    expect(page.locator("#application-status")).to_contain_text("待拨付")
    page.fill("#id_paid_on", dt.date.today().isoformat())
    page.fill("#id_reference", "李财拨〔2026〕1号")
    with page.expect_navigation():
        page.click("#pay")
    expect(page.locator("#application-status")).to_contain_text("已拨付")
    expect(page.locator("#payout")).to_contain_text("50000.00")
    year = dt.date.today().year
    page.goto(f"{base}/dashboards/?year={year}&month=12")
    section = page.locator("#section-policies")
    section.scroll_into_view_if_needed()
    expect(section.locator("#fig-policy_automatic")).to_contain_text("1")
    expect(section.locator("#fig-policy_paid")).to_contain_text("5")  # 5 万元

    page.context.clear_cookies()
    login(page, base, e2e_world, "enterprise_user")
    page.goto(f"{base}/policies/applications/{app.pk}/")
    expect(page.locator("#application-status")).to_contain_text("已拨付")


def test_an_agreement_turns_failed_when_an_approved_report_lowers_the_actual(
    page: Page, live_server: Any, e2e_world: World,
) -> None:
    """An agreement whose 2025 revenue commitment (12,000 万元) is met turns 未达标, with the money at stake, once
    district staff approve a corrected report of 9,000 万元 in the browser."""
    from decimal import Decimal

    from tests.policies.conftest import year_round
    from yuanqu.stats import services as stats
    from yuanqu.stats.models import Report

    w = add_annual_statistics(e2e_world)
    staff = w.user("region_staff")
    agreement = services.agreement_create(actor=staff, title="信达软件 投资协议", enterprise=w.ent_xltd, park=w.xltd,
                                          signed_on=dt.date(2024, 1, 10), deposit_yuan=Decimal("1000000"))
    services.commitment_add(actor=staff, agreement=agreement, year=2025, indicator="revenue", target=Decimal(12000),
                            unit="万元")
    services.failure_clause_add(actor=staff, agreement=agreement, kind="deposit")
    base = live_server.url
    login(page, base, w, "region_staff")
    page.goto(f"{base}/policies/agreements/{agreement.pk}/")
    expect(page.locator("#agreement-status")).to_have_text("达标")

    report = Report.objects.get(round=year_round(w, 2025), enterprise=w.ent_xltd)
    stats.report_return(actor=staff, report=report, reason="营业收入有误，请核实")
    page.reload()
    expect(page.locator("#agreement-status")).to_have_text("数据不全")
    from tests.conftest import _entries

    report = stats.report_save(actor=w.user("enterprise_user"), report=report, submit=True, entries=_entries(
        {"output": "8000", "revenue": "9000", "tax": "500", "profit": "600", "employees": "150"}))
    stats.report_park_review(actor=w.user("park_operator"), report=report)
    page.goto(f"{base}/stats/reports/{report.pk}/")
    with page.expect_navigation():
        page.click("#approve")
    page.goto(f"{base}/policies/agreements/{agreement.pk}/")
    expect(page.locator("#agreement-status")).to_have_text("未达标")
    expect(page.locator("#exposure-total")).to_contain_text("1000000.00")
