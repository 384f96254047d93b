"""惠企政策兑现与投资协议履约 as a figure group: the cockpit's section (by park), a park dashboard's (by policy), a
briefing paragraph with each figure's 口径, and the same numbers counted by brute force from the rows.

Hand-worked case, this year: 信联天地's enterprise applies for the 高企 clause (200,000 元) and is paid; a second,
免申即享 policy grants it automatically (50,000 元, approved, not paid); 生命药洲's enterprise applies and is
returned. Two agreements: 信联天地's, whose 2025 revenue commitment of 16,000 万元 met 12,000 (75%, 未达标) with
a deposit of 100 万元 at stake; 生命药洲's, revenue 3,100 against 3,000 (96.8%, 预警 within 5%).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from tests.conftest import World, login
from yuanqu.briefings.models import Briefing
from yuanqu.figures import selectors as fs
from yuanqu.figures.periods import Period
from yuanqu.policies import compliance, services
from yuanqu.policies.models import Agreement, Application, Payout

from .conftest import make_policy


@pytest.fixture
def case(annual_world: World) -> World:
    w = annual_world
    staff = w.users["region_staff"]
    pw = make_policy(w)
    app = services.application_submit(actor=staff, clause=pw.clause, enterprise=w.ent_xltd)
    services.application_approve(actor=staff, application=app)
    services.payout_create(actor=staff, application=app, paid_on=timezone.localdate())
    auto = make_policy(w, no_application=True, amount=50000)
    automatic = Application.objects.get(clause=auto.clause, enterprise=w.ent_xltd)
    assert automatic.origin == Application.Origin.AUTOMATIC
    services.application_approve(actor=staff, application=automatic)
    low = make_policy(w, rule={">=": [{"var": "revenue"}, 1000]})
    returned = services.application_submit(actor=staff, clause=low.clause, enterprise=w.ent_smyz)
    services.application_move(actor=staff, application=returned, move="return", reason="材料不全")
    failed = services.agreement_create(actor=staff, title="信联天地 投资协议", enterprise=w.ent_xltd, park=w.xltd,
                                       signed_on=dt.date(2024, 1, 10), deposit_yuan=Decimal("1000000"))
    services.commitment_add(actor=staff, agreement=failed, year=2025, indicator="revenue", target=Decimal(16000),
                            unit="万元")
    services.failure_clause_add(actor=staff, agreement=failed, kind="deposit")
    warned = services.agreement_create(actor=staff, title="生命药洲 投资协议", enterprise=w.ent_smyz, park=w.smyz,
                                       signed_on=dt.date(2024, 3, 1))
    services.commitment_add(actor=staff, agreement=warned, year=2025, indicator="revenue", target=Decimal(3100),
                            unit="万元", tolerance_pct=Decimal(5))
    return w


def _this_year() -> Period:
    return Period.whole_year(timezone.localdate().year)


def _group() -> fs.FigureGroup:
    return next(g for g in fs.groups() if g.key == "policies")


def _values(figures: dict[str, fs.Figure]) -> dict[str, object]:
    return {k: f.value for k, f in figures.items()}


def test_the_group_counts_the_hand_worked_case(case: World) -> None:
    got = _values(_group().figures(fs.scope_for(case.users["region_staff"]), _this_year()))
    assert got == {"policy_applications": 3, "policy_automatic": 1, "policy_approved": 2, "policy_paid_count": 1,
                   "policy_paid": Decimal("20.00"), "policy_days": Decimal("0.0"), "agreements_warning": 1,
                   "agreements_failed": 1, "agreements_exposure": Decimal("100.00")}


def _brute_force(user: object, period: Period) -> dict[str, object]:
    """The same figures from the rows the user sees, one by one in Python."""
    apps = list(Application.objects.visible_to(user))
    start, end = period.start, period.end

    def within(moment: dt.datetime | None) -> bool:
        return moment is not None and start <= timezone.localtime(moment).date() <= end

    pays = [p for p in Payout.objects.all() if p.application in apps and start <= p.paid_on <= end]
    as_of = min(end, timezone.localdate())
    statuses = [compliance.check_agreement(a, as_of) for a in Agreement.objects.visible_to(user)
                if a.signed_on <= end]
    return {"policy_applications": sum(within(a.submitted_at) for a in apps),
            "policy_automatic": sum(within(a.submitted_at) and a.origin == "automatic" for a in apps),
            "policy_approved": sum(within(a.approved_at) for a in apps),
            "policy_paid_count": len(pays),
            "policy_paid": (sum((p.amount_yuan for p in pays), Decimal(0)) / 10000).quantize(Decimal("0.01")),
            "agreements_warning": sum(c.status == "warning" for c in statuses),
            "agreements_failed": sum(c.status == "failed" for c in statuses),
            "agreements_exposure": (sum((c.exposure_total for c in statuses if c.status == "failed"), Decimal(0))
                                    / 10000).quantize(Decimal("0.01"))}


@pytest.mark.parametrize("role", ["region_staff", "park_operator", "enterprise_user", "leader"])
def test_each_role_sees_what_a_brute_force_count_of_its_rows_gives(case: World, role: str) -> None:
    user = case.users[role]
    period = _this_year()
    got = _values(_group().figures(fs.scope_for(user), period))
    got.pop("policy_days")
    assert got == _brute_force(user, period)
    if role in ("park_operator", "enterprise_user"):
        # 信联天地 only: never 生命药洲's returned application or its agreement in 预警.
        assert (got["policy_applications"], got["agreements_warning"]) == (2, 0)


def test_a_past_period_counts_nothing_that_happened_after_it(case: World) -> None:
    last = Period.whole_year(timezone.localdate().year - 3)
    got = _values(_group().figures(fs.scope_for(case.users["region_staff"]), last))
    assert got["policy_applications"] == got["policy_paid_count"] == 0
    assert got["agreements_warning"] == got["agreements_failed"] == 0  # both signed later


def _row_cells(page: str, section: str) -> list[list[str]]:
    start = page.index(f'id="section-{section}"')
    table = page[page.index("<tbody>", start):page.index("</tbody>", start)]
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)]


def test_the_cockpit_shows_it_by_park_and_a_park_dashboard_by_policy(case: World, client_as) -> None:
    year = timezone.localdate().year
    page = client_as("region_staff").get(reverse("dashboards:cockpit"), {"year": year, "month": 12}).content.decode()
    assert "惠企政策兑现与投资协议履约" in page and 'id="fig-agreements_failed"' in page
    assert _row_cells(page, "policies") == [["信联天地", "2", "1", "2", "1", "20", "1"],
                                            ["生命药洲", "1", "0", "0", "0", "0", "1"]]
    own = client_as("park_operator").get(reverse("dashboards:park", args=[case.xltd.pk]),
                                         {"year": year, "month": 12}).content.decode()
    assert [row[0] for row in _row_cells(own, "policies")] == ["李沧区支持科技创新若干政策"] * 2
    assert "生命药洲" not in "".join(sum(_row_cells(own, "policies"), []))


def test_a_briefing_states_the_figures_with_their_definitions(case: World, client) -> None:
    login(client, case.users["region_staff"])
    year = timezone.localdate().year
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("briefings:create"), {"year": year, "month": 12})
    assert response.status_code == 302
    briefing = Briefing.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
    assert briefing.status == Briefing.Status.DONE, briefing.error
    sections = {s["key"]: s for s in briefing.content["sections"]}
    text = "".join(sections["services"]["paragraphs"])
    assert "惠企政策兑现与投资协议履约。" in text
    assert "免申即享1件" in text and "兑现金额20万元" in text and "履约未达标协议1份" in text
    assert any(note.startswith("未达标协议涉及金额：") for note in briefing.content["notes"])
