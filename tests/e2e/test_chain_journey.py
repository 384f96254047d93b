"""District staff (as a 链长 would) open the 生物医药 chain map from the menu, find the 缺失 CDMO node on the map,
open it by clicking the tree, and turn a target company into a lead of the 招商 pipeline."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import World
from yuanqu.chains import services
from yuanqu.chains.models import ChainNode, ChainTarget
from yuanqu.investment.models import Lead

from .conftest import login

pytestmark = pytest.mark.e2e


def test_a_chain_chief_finds_a_missing_node_and_turns_a_target_into_a_lead(
    page: Page, live_server: Any, e2e_world: World,
) -> None:
    staff = e2e_world.user("region_staff")
    chain = services.chain_from_template(actor=staff, key="biomed")
    cdmo = ChainNode.objects.get(chain=chain, name="CDMO（合同定制研发生产）")
    services.target_create(actor=staff, node=cdmo, name="苏州澄源生物医药CDMO有限公司（演示）", location="江苏苏州",
                           reason="产能扩张", source="协会名录")
    base = live_server.url
    login(page, base, e2e_world, "region_staff")

    page.goto(f"{base}/")
    page.get_by_role("link", name="产业链图谱").click()
    with page.expect_navigation():
        page.locator("#list-table a", has_text="生物医药").click()
    expect(page.locator("#chain-map")).to_have_attribute("data-loaded", "1")
    expect(page.locator(f"#node-table tr[data-node='{cdmo.pk}']")).to_have_attribute("data-status", "missing")
    expect(page.locator("#gaps")).to_contain_text("CDMO")

    # the CDMO node of the drawn tree, clicked through the chart's own click handler (dashboards.js opens its link)
    found = page.evaluate("""() => {
        const chart = echarts.getInstanceByDom(document.getElementById('chain-map'));
        const find = (items) => {
            for (const item of items || []) {
                if (String(item.name).includes('CDMO')) return item;
                const inner = find(item.children);
                if (inner) return inner;
            }
            return null;
        };
        const node = find(chart.getOption().series[0].data);
        if (!node) return null;
        setTimeout(() => chart.trigger('click', {data: node, name: node.name}), 0);
        return {name: node.name, status: node.status, colour: node.itemStyle.color};
    }""")
    assert found == {"name": "★CDMO（合同定制研发生产）（0/2）", "status": "missing", "colour": "#d63939"}
    page.wait_for_url(f"**/chains/nodes/{cdmo.pk}/")
    expect(page.locator("h2.page-title")).to_contain_text("CDMO")
    expect(page.locator("#node-status")).to_have_text("缺失")

    row = page.locator("#targets tr", has_text="苏州澄源")
    with page.expect_navigation():
        row.locator("button[data-action=to-lead]").click()
    expect(page.locator(".alert-success, .alert")).to_contain_text("已转为招商线索")
    expect(page.locator("#targets tr", has_text="苏州澄源")).to_contain_text("已转线索")
    lead = ChainTarget.objects.get(node=cdmo).lead
    assert lead is not None and lead.owner == staff and Lead.objects.filter(name=lead.name).count() == 1
    with page.expect_navigation():
        page.locator("#targets tr", has_text="苏州澄源").get_by_role("link", name="招商线索").click()
    expect(page.locator("h2.page-title")).to_contain_text("苏州澄源")
