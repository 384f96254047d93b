"""No stored XSS (issue 12, H3 and deliverable 3), in Chromium.

A script payload is written into every text field a user can write, through the real forms (or, for fields
that have no form of their own, the same services the forms call), and every page and chart that shows it is
visited. On every page: no script of the payload ran (it calls ``yqXss()``, which the test defines before any
page script, and ``alert()``, which the test listens for), no element of the payload was parsed into the DOM,
the payload's text is shown literally, and the browser reported no Content-Security-Policy violation.
"""

from __future__ import annotations

import datetime as dt
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
    page.wait_for_timeout(800)  # the charts' entry animations
    show_tip(page, "park_map", name)
    page.locator("#chart-park_map").screenshot(path=str(SCREENSHOTS / "xss-cockpit-map-tooltip.png"))
    page.screenshot(path=str(SCREENSHOTS / "xss-cockpit.png"), full_page=True)


def payload(n: int, prefix: str = "名") -> str:
    """The payload of field ``n``: its number tells which field ran, if one does."""
    return f"{prefix}<img src=x onerror=yqXss({n})><b class=yq-inj>{n}\"'</b>"


#: Every tooltip of every chart on the page, shown one after the other (as hovering each item does); the texts.
ALL_TIPS = """() => {
  const texts = [];
  document.querySelectorAll('.yq-chart').forEach(el => {
    const c = echarts.getInstanceByDom(el);
    if (!c) return;
    (c.getOption().series || []).forEach((s, si) => (s.data || []).forEach((d, i) => {
      c.dispatchAction({type: 'showTip', seriesIndex: si, dataIndex: i});
      texts.push(el.innerText);
      if (el.querySelector('.yq-inj, img[src=x]')) texts.push('INJECTED in ' + el.id);
    }));
    c.dispatchAction({type: 'hideTip'});
  });
  return texts;
}"""


def write_payloads(world: World) -> dict[str, str]:
    """A payload in every free-text field a user can write, through the services the forms and the API call."""
    from yuanqu.accounts import services as accounts
    from yuanqu.briefings import services as briefings
    from yuanqu.enterprises import services as ent
    from yuanqu.figures.periods import Period
    from yuanqu.investment import services as inv
    from yuanqu.parks import services as parks
    from yuanqu.stats import services as stats
    from yuanqu.stats.models import Indicator

    staff, admin = world.users["region_staff"], world.users["region_admin"]
    operator = world.users["park_operator"]
    p = {name: payload(n) for n, name in enumerate([
        "park", "operator_name", "address", "description", "building", "enterprise", "contact", "contact_title",
        "lead", "lead_note", "follow_up", "next_step", "lead_contact", "project", "project_note", "case",
        "case_request", "measure", "measure_owner", "indicator", "user", "token", "settlement_note",
        "return_reason", "briefing_text", "other_park", "other_enterprise"], start=1)}
    parks.park_update(actor=staff, park=world.xltd, name=p["park"], operator_name=p["operator_name"],
                      address=p["address"], description=p["description"])
    parks.park_update(actor=staff, park=world.smyz, name=p["other_park"])
    parks.building_update(actor=staff, building=world.tower, name=p["building"])
    parks.unit_update(actor=staff, unit=world.units[0], number=SHORT)
    ent.enterprise_update(actor=staff, enterprise=world.ent_xltd, name=p["enterprise"])
    ent.enterprise_update(actor=staff, enterprise=world.ent_smyz, name=p["other_enterprise"])
    ent.contact_update(actor=staff, contact=world.contact_xltd, name=p["contact"], title=p["contact_title"])
    ent.settlement_update(actor=staff, settlement=world.st_xltd, note=p["settlement_note"])
    inv.lead_update(actor=operator, lead=world.lead_xltd, name=p["lead"], note=p["lead_note"])
    inv.follow_up_create(actor=operator, lead=world.lead_xltd, kind="call", on=dt.date(2025, 4, 1),
                         summary=p["follow_up"], next_step=p["next_step"], next_step_on=dt.date(2025, 4, 20))
    inv.lead_contact_update(actor=operator, contact=world.lead_contact_xltd, name=p["lead_contact"])
    inv.project_update(actor=staff, project=world.project_xltd, name=p["project"], note=p["project_note"])
    case = inv.case_create(actor=staff, title=p["case"], kind="one_enterprise", request=p["case_request"],
                           lead=world.lead_xltd)
    inv.case_measure_create(actor=staff, case=case, text=p["measure"], owner=p["measure_owner"],
                            due_on=dt.date(2030, 1, 31))
    output = Indicator.objects.get(code="output")
    before = {"name": output.name, "unit": output.unit}
    output.name = p["indicator"]
    stats.indicator_update(actor=staff, indicator=output, before=before)
    accounts.user_update(actor=admin, user=staff, display_name=p["user"])
    accounts.token_create(actor=staff, name=p["token"])
    stats.report_return(actor=staff, report=world.reports_by_status["submitted"], reason=p["return_reason"])
    briefing = briefings.briefing_request(actor=staff, period=Period.month(2025, 6), park=world.xltd)
    briefing.refresh_from_db()
    if briefing.is_written:
        key = briefing.content["sections"][0]["key"]
        briefing = briefings.briefing_edit(actor=staff, briefing=briefing, sections={key: p["briefing_text"]})
    p["briefing_pk"] = str(briefing.pk)
    p["case_pk"] = str(case.pk)
    return p


def test_no_payload_runs_on_any_page_or_chart(page: Page, live_server: Any, e2e_world: World) -> None:
    """Deliverable 3: every page and chart that shows a user's text shows it literally, and runs nothing."""
    world = add_statistics(e2e_world)
    p = write_payloads(world)
    watch = Watch(page)
    base = live_server.url
    visited: list[str] = []

    def visit(path: str, *shown: str, tips: bool = False) -> None:
        page.goto(base + path)
        if page.locator(".yq-chart").count():
            charts_loaded(page)
        texts = page.evaluate(ALL_TIPS) if tips else []
        page.wait_for_timeout(150)  # an <img onerror> would fire by now
        watch.check(page, path)
        assert not [t for t in texts if t.startswith("INJECTED")], (path, texts)
        body = page.inner_text("body") + "\n".join(texts)
        for key in shown:
            assert p[key] in body, f"{path}: {key} is not shown literally"
        visited.append(path)

    login(page, base, world, "region_staff")
    xltd, ent_xltd, lead, project = world.xltd.pk, world.ent_xltd.pk, world.lead_xltd.pk, world.project_xltd.pk
    visit("/", "user")
    visit("/parks/", "park", "other_park")
    visit(f"/parks/{xltd}/", "park", "operator_name", "address", "description", "building")
    assert SHORT in page.inner_text("body")
    visit(f"/parks/{xltd}/edit/")
    visit(f"/parks/{xltd}/?part=stages&stage=moved_in", "enterprise")
    visit("/enterprises/", "enterprise", "other_enterprise")
    visit(f"/enterprises/{ent_xltd}/", "enterprise", "contact", "contact_title", "park")
    visit(f"/enterprises/{ent_xltd}/edit/")
    visit("/enterprises/settlements/", "enterprise", "park")
    visit(f"/enterprises/settlements/{world.st_xltd.pk}/", "enterprise")  # the note is not shown
    visit("/investment/board/", "lead")
    visit("/investment/leads/", "lead")
    visit(f"/investment/leads/{lead}/", "lead", "lead_note", "follow_up", "next_step", "lead_contact")
    visit("/investment/leads/due/")
    visit("/investment/projects/", "project")
    visit(f"/investment/projects/{project}/", "project")  # the note is not shown
    visit("/investment/cases/", "case")
    visit(f"/investment/cases/{p['case_pk']}/", "case", "case_request", "measure", "measure_owner")
    visit(f"/stats/?{PERIOD}", "indicator", "park")
    visit("/stats/reports/", "enterprise")
    visit(f"/stats/reports/{world.reports_by_status['submitted'].pk}/", "return_reason")
    visit(f"/stats/reports/{world.report_xltd.pk}/", "enterprise", "indicator")
    visit("/stats/indicators/", "indicator")
    visit(f"/stats/rounds/{world.round_licang.pk}/", "park")
    visit("/stats/targets/")
    visit("/accounts/tokens/", "token")
    visit(f"/dashboards/?{PERIOD}", "indicator", "park", "enterprise", tips=True)
    visit(f"/dashboards/figures/?{PERIOD}&section=output", "indicator")
    visit(f"/dashboards/parks/{xltd}/?{PERIOD}", "park", tips=True)
    visit(f"/dashboards/enterprises/{ent_xltd}/?{PERIOD}", "enterprise", tips=True)
    visit(f"/briefings/{p['briefing_pk']}/", "park")
    visit("/briefings/", "park")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(f"{base}/dashboards/parks/{xltd}/?{PERIOD}")
    charts_loaded(page)
    page.wait_for_timeout(800)  # the charts' entry animations
    page.screenshot(path=str(SCREENSHOTS / "xss-park-dashboard.png"), full_page=True)

    # The operator's own views of the same rows, the enterprise user's report form, the auditor's log.
    page.context.clear_cookies()
    login(page, base, world, "park_operator")
    visit(f"/dashboards/?{PERIOD}", "park", tips=True)
    visit(f"/investment/leads/{lead}/", "lead", "follow_up")
    page.context.clear_cookies()
    login(page, base, world, "enterprise_user")
    visit(f"/stats/reports/{world.reports_by_status['draft'].pk}/fill/", "indicator")
    visit(f"/dashboards/enterprises/{ent_xltd}/?{PERIOD}", "enterprise", tips=True)
    page.context.clear_cookies()
    login(page, base, world, "region_admin")
    visit("/accounts/users/", "user")
    page.context.clear_cookies()
    login(page, base, world, "auditor")
    visit("/audit/", "park")
    from yuanqu.core.models import AuditEvent

    event = AuditEvent.objects.filter(object_repr__contains="yqXss").order_by("-id").first()
    assert event is not None
    visit(f"/audit/{event.pk}/")
    assert len(visited) == 39, visited  # every page above was checked


def test_the_api_docs_work_under_the_policy(page: Page, live_server: Any, e2e_world: World) -> None:
    """The Swagger page (django-ninja's own static files, with the nonce) renders with no CSP violation."""
    watch = Watch(page)
    login(page, live_server.url, e2e_world, "region_staff")
    page.goto(f"{live_server.url}/api/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=30_000)
    watch.check(page, "/api/docs")
