"""No stored XSS (issue 12, H3 and deliverable 3), in Chromium.

A script payload is written into every text field a user can write, through the real forms (or, for fields
that have no form of their own, the same services the forms call), and every page and chart that shows it is
visited. On every page: no script of the payload ran (it calls ``yqXss()``, which the test defines before any
page script, and ``alert()``, which the test listens for), no element of the payload was parsed into the DOM,
the payload's text is shown literally, and the browser reported no Content-Security-Policy violation.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from tests.conftest import World, add_statistics

from .conftest import ARTIFACTS, login

pytestmark = pytest.mark.e2e
SCREENSHOTS = ARTIFACTS / "screenshots"
PERIOD = "year=2025&month=6"

#: The payload for fields of 60 characters or more: an element whose error handler calls the test's flag,
#: an alert, and a marker element that must never exist in the DOM.
PAYLOAD = '<img src=x onerror=yqXss(1)><b class=yq-inj>"\'</b>'
#: For fields of 20 characters (unit numbers, indicator units): a marker element only.
SHORT = "<b class=yq-inj>u"

#: Run before any page script, under no page CSP: record payload calls, dialogs and CSP violations.
WATCH = """
window.__yq = {xss: [], csp: []};
window.yqXss = function (n) { window.__yq.xss.push(n); };
document.addEventListener('securitypolicyviolation', function (e) {
  window.__yq.csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || ''));
});
"""


class Watch:
    """What a page did: dialogs opened, console CSP errors, page errors."""

    def __init__(self, page: Page) -> None:
        self.dialogs: list[str] = []
        self.console: list[str] = []
        page.add_init_script(WATCH)
        page.on("dialog", self._dialog)
        page.on("console", lambda m: self.console.append(m.text) if "Content Security Policy" in m.text else None)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def check(self, page: Page, where: str) -> None:
        """No payload ran on ``page``, none of its markup was parsed, and no CSP violation was reported."""
        state = page.evaluate("() => ({xss: window.__yq.xss, csp: window.__yq.csp,"
                              " inj: document.querySelectorAll('.yq-inj, img[src=x]').length})")
        assert state["xss"] == [], f"{where}: the payload ran ({state['xss']})"
        assert self.dialogs == [], f"{where}: the payload opened a dialog ({self.dialogs})"
        assert state["inj"] == 0, f"{where}: payload markup was parsed into the DOM"
        assert state["csp"] == [] and self.console == [], f"{where}: CSP violations {state['csp']} {self.console}"


def charts_loaded(page: Page) -> None:
    n = page.locator(".yq-chart").count()
    page.wait_for_function(f"() => document.querySelectorAll('.yq-chart[data-loaded=\"1\"]').length === {n}",
                           timeout=45_000)


def show_tip(page: Page, chart: str, name: str) -> str:
    """Show the tooltip of the data item called ``name`` in ``chart`` (as hovering it does); its text."""
    found = page.evaluate("""([chart, name]) => {
      const c = echarts.getInstanceByDom(document.getElementById('chart-' + chart));
      const series = c.getOption().series;
      for (let s = 0; s < series.length; s++) {
        const i = (series[s].data || []).findIndex(d => d && d.name === name);
        if (i >= 0) { c.dispatchAction({type: 'showTip', seriesIndex: s, dataIndex: i}); return true; }
      }
      return false;
    }""", [chart, name])
    assert found, f"{name!r} is not in the chart {chart}"
    page.wait_for_timeout(300)  # the tooltip's content is set on the next frame
    return page.locator(f"#chart-{chart}").inner_text()


def test_a_park_name_with_a_payload_runs_no_script_in_the_cockpit_map(
        page: Page, live_server: Any, e2e_world: World) -> None:
    """H3: the park's name, typed into the park form, is shown literally in the cockpit's map tooltip."""
    add_statistics(e2e_world)
    watch = Watch(page)
    login(page, live_server.url, e2e_world, "region_staff")
    page.goto(f"{live_server.url}/parks/{e2e_world.xltd.pk}/edit/")
    name = "信联天地" + PAYLOAD
    page.fill("#id_name", name)
    page.fill("#id_longitude", "120.43")
    page.fill("#id_latitude", "36.16")
    with page.expect_navigation():
        page.click("form.card button[type=submit]")
    e2e_world.xltd.refresh_from_db()
    assert e2e_world.xltd.name == name

    page.goto(f"{live_server.url}/dashboards/?{PERIOD}")
    charts_loaded(page)
    tip = show_tip(page, "park_map", name)
    assert name in tip, tip
    watch.check(page, "cockpit map tooltip")
    tip = show_tip(page, "output_by_park", name)
    assert name in tip, tip
    watch.check(page, "cockpit output tooltip")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    show_tip(page, "park_map", name)
    page.locator("#chart-park_map").screenshot(path=str(SCREENSHOTS / "xss-cockpit-map-tooltip.png"))
    page.screenshot(path=str(SCREENSHOTS / "xss-cockpit.png"), full_page=True)
