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
