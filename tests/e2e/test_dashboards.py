"""The dashboards in Chromium: every chart holds data (read from the ECharts instances' options, not the
canvas), a bar clicks through to its list, and a screenshot of each dashboard is kept in
test-artifacts/screenshots/."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from tests.conftest import World, add_statistics

from .conftest import ARTIFACTS, login

pytestmark = pytest.mark.e2e
SCREENSHOTS = ARTIFACTS / "screenshots"
PERIOD = "year=2025&month=6"

#: For every chart on the page: its name, whether it loaded, and the number of data items in its options.
CHART_STATE = """() => Array.from(document.querySelectorAll('.yq-chart')).map(el => {
  const chart = window.echarts && echarts.getInstanceByDom(el);
  const option = chart ? chart.getOption() : {series: []};
  const items = (option.series || []).reduce((n, s) => n + (s.data || []).filter(d => d !== null &&
      d !== undefined && (typeof d !== 'object' || d.value !== null)).length, 0);
  return {name: el.dataset.chart, loaded: el.dataset.loaded, empty: el.dataset.empty, items: items,
          types: (option.series || []).map(s => s.type)};
})"""


@pytest.fixture
def world_with_stats(e2e_world: World) -> World:
    add_statistics(e2e_world)
    return e2e_world


def charts_loaded(page: Page, expected: int) -> list[dict[str, Any]]:
    page.wait_for_function(
        # A function, not an expression: Playwright evaluates a bare expression with eval(), which the page's
        # Content-Security-Policy refuses.
        f"() => document.querySelectorAll('.yq-chart[data-loaded=\"1\"]').length === {expected}", timeout=45_000)
    page.wait_for_timeout(400)  # let the animations finish before the screenshot
    return page.evaluate(CHART_STATE)  # type: ignore[no-any-return]


def shoot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_the_cockpit_draws_every_chart_with_data(page: Page, live_server: Any, world_with_stats: World) -> None:
    login(page, live_server.url, world_with_stats, "region_staff")
    page.goto(f"{live_server.url}/dashboards/?{PERIOD}")
    state = charts_loaded(page, 8)
    assert {s["name"] for s in state} == {"output_by_park", "output_trend", "industry_mix", "pipeline",
                                          "project_stages", "park_map", "top_output", "top_tax"}
    for s in state:
        assert s["empty"] == "0" and s["items"] > 0, s
    assert {t for s in state for t in s["types"]} >= {"bar", "line", "treemap", "funnel", "scatter"}
    assert "3200万元" in page.locator("#kpi-output").inner_text()
    shoot(page, "cockpit-region-staff")

    # Click the 信联天地 bar: the enterprise values of that park open.
    page.locator("#chart-output_by_park").scroll_into_view_if_needed()  # below the KPI cards, as a user scrolls
    box = page.locator("#chart-output_by_park").bounding_box()
    assert box is not None
    point = page.evaluate("""() => {
      const chart = echarts.getInstanceByDom(document.getElementById('chart-output_by_park'));
      const data = chart.getOption().series[0].data;
      const i = data.findIndex(d => d.name === '信联天地');
      return chart.convertToPixel({seriesIndex: 0}, [data[i].value / 2, i]);
    }""")
    with page.expect_navigation():
        page.mouse.click(box["x"] + point[0], box["y"] + point[1])
    assert "/dashboards/figures/" in page.url
    assert page.locator("#figure-table").inner_text().count("青岛信达软件有限公司") == 1


def test_the_leader_sees_the_cockpit(page: Page, live_server: Any, world_with_stats: World) -> None:
    login(page, live_server.url, world_with_stats, "leader")
    page.goto(f"{live_server.url}/dashboards/?{PERIOD}")
    state = charts_loaded(page, 8)
    assert all(s["items"] > 0 for s in state), state
    shoot(page, "cockpit-leader")


def test_the_operator_park_dashboard(page: Page, live_server: Any, world_with_stats: World) -> None:
    login(page, live_server.url, world_with_stats, "park_operator")
    page.goto(f"{live_server.url}/dashboards/parks/{world_with_stats.xltd.pk}/?{PERIOD}")
    state = charts_loaded(page, 5)
    for s in state:
        assert s["empty"] == "0" and s["items"] > 0, s
    assert {t for s in state for t in s["types"]} >= {"pie", "bar", "gauge", "line"}
    shoot(page, "park-dashboard-operator")
    # The operator's cockpit covers its own park only.
    page.goto(f"{live_server.url}/dashboards/?{PERIOD}")
    charts_loaded(page, 8)
    names = page.evaluate("""() => echarts.getInstanceByDom(document.getElementById('chart-output_by_park'))
                              .getOption().series[0].data.map(d => d.name)""")
    assert names == ["信联天地"]
    shoot(page, "cockpit-park-operator")


def test_the_enterprise_profile(page: Page, live_server: Any, world_with_stats: World) -> None:
    login(page, live_server.url, world_with_stats, "enterprise_user")
    page.goto(f"{live_server.url}/dashboards/enterprises/{world_with_stats.ent_xltd.pk}/?year=2025")
    state = charts_loaded(page, 4)
    assert all(s["items"] > 0 for s in state), state
    assert page.locator("#settlement-history").inner_text().count("信联天地") == 1
    shoot(page, "enterprise-profile")


def test_a_briefing_is_written_and_shown(page: Page, live_server: Any, world_with_stats: World) -> None:
    login(page, live_server.url, world_with_stats, "region_staff")
    page.goto(f"{live_server.url}/briefings/new/?{PERIOD}")
    page.select_option("#id_park", str(world_with_stats.smyz.pk))
    with page.expect_navigation():
        page.click("#main-form button[type=submit]")
    # June 2025's round is open: the bulletin opens by saying its figures are 快报, then states the park's.
    paragraphs = page.locator(".briefing-paragraph")
    assert paragraphs.first.inner_text().startswith("【快报】")
    assert "截至2025年6月末，生命药洲园区" in paragraphs.nth(1).inner_text()
    assert page.locator("#download-pdf").is_visible()
    shoot(page, "briefing")


def test_the_cockpit_marks_an_open_round_provisional_and_a_locked_one_final(
        page: Page, live_server: Any, world_with_stats: World) -> None:
    """June 2025's round is open: the banner, the output card and the statistics charts' titles say 快报, and
    the like-for-like growth stands beside the raw. Once locked, the same period reads as final."""
    from yuanqu.stats.models import Round

    login(page, live_server.url, world_with_stats, "region_staff")
    page.goto(f"{live_server.url}/dashboards/?{PERIOD}")
    charts_loaded(page, 8)
    banner = page.locator("#period-status")
    assert banner.get_attribute("data-provisional") == "1"
    assert "快报" in banner.inner_text() and "已审核" in banner.inner_text()
    assert "快报" in page.locator("#kpi-output").inner_text()
    assert "同口径" in page.locator("#kpi-output").inner_text()
    titles = page.evaluate("""() => Array.from(document.querySelectorAll('.yq-chart')).map(el => {
      const o = echarts.getInstanceByDom(el).getOption(); return [el.dataset.chart, (o.title || [{}])[0].text];})""")
    assert dict(titles)["output_by_park"].endswith("（快报）"), titles
    shoot(page, "cockpit-provisional")
    Round.objects.filter(pk=world_with_stats.round_licang.pk).update(locked=True)
    page.goto(f"{live_server.url}/dashboards/?{PERIOD}")
    charts_loaded(page, 8)
    assert page.locator("#period-status").get_attribute("data-provisional") == "0"
    assert "快报" not in page.locator("#kpi-output").inner_text()
