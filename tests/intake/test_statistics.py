"""产值, 营业收入 and 税收 in a text, checked against the enterprises' approved reports of the months the text states
(through the figures layer), to the precision the text states; a target or a forecast is not checked; a press
release never overwrites reported statistics.

Hand-worked case: 信联天地's enterprise reports 2025 产值 11,000 万元, 营业收入 12,000, 税收 500 (approved, December
累计); 生命药洲's 2,800, 3,000 and 120 (``tests.policies.conftest.add_annual_statistics``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import World, login
from tests.policies.conftest import add_annual_statistics
from yuanqu.figures.periods import Period
from yuanqu.intake import services
from yuanqu.intake.models import Proposal

TEXT = ("李沧园区经济运行稳中有进\n发布时间：2026-01-20\n"
        "2025年，信联天地实现产值1.1亿元，营业收入1.5亿元。"
        "生命药洲2025年产值约0.28亿元，税收超100万元，2026年目标产值5亿元。")


@pytest.fixture
def doc(world: World):
    add_annual_statistics(world)
    return services.document_create(actor=world.users["region_staff"], title="", text=TEXT)


@pytest.mark.parametrize(("period", "expected"), [
    ("2025", Period.whole_year(2025)),
    ("2025-03", Period.month(2025, 3)),
    ("2025-01~2025-11", Period.to_month(2025, 11)),
    ("2025-04~2025-06", Period(2025, 4, 6)),
    ("2025-H1", Period(2025, 1, 6)),
    ("2025-H2", Period(2025, 7, 12)),
    ("2025-Q3", Period.quarter(2025, 3)),
    ("2025-Q1~Q3", Period.to_month(2025, 9)),
    ("2025-10-31", Period.to_month(2025, 10)),
    ("2025（推断）", Period.whole_year(2025)),
    ("2025-10-15", None),                 # 截至10月15日: not a span of months
    ("2026-01-20（推断）", None),           # only the publication date: no period stated
    ("2025-13", None),
    ("", None),
])
def test_the_months_a_flow_covers(period: str, expected: Period | None) -> None:
    found = services.statistics_period(period)
    assert (found.year, found.first, found.last) == (expected.year, expected.first, expected.last) \
        if expected is not None else found is None


@pytest.mark.parametrize(("value", "held", "written", "factor", "qualifier", "expected"), [
    (Decimal(550000), Decimal(548000), Decimal(55), Decimal(10000), "", True),      # 55亿 ≈ 54.8亿
    (Decimal(550000), Decimal(544000), Decimal(55), Decimal(10000), "", False),     # 54.4亿 rounds to 54
    (Decimal(55000), Decimal(54800), Decimal("5.5"), Decimal(10000), "", True),     # 5.5亿 ± 0.05亿
    (Decimal(55000), Decimal(54000), Decimal("5.5"), Decimal(10000), "", False),
    (Decimal(52), Decimal(52), Decimal(52), Decimal(1), "", True),
    (Decimal(118), Decimal(117), Decimal(118), Decimal(1), "", False),             # counts: exact
    (Decimal(100), Decimal(120), Decimal(100), Decimal(1), "超", True),             # 超100: at least
    (Decimal(100), Decimal(90), Decimal(100), Decimal(1), "以上", False),
    (Decimal(50), Decimal(47), Decimal(50), Decimal(1), "近", True),                # 近50: a little under
    (Decimal(50), Decimal(51), Decimal(50), Decimal(1), "近", False),
    (Decimal(50), None, Decimal(50), Decimal(1), "", None),
])
def test_agreement_to_the_precision_the_text_states(value, held, written, factor, qualifier, expected) -> None:
    assert services.agrees(value, held, written=written, factor=factor, qualifier=qualifier) is expected


def test_flows_are_compared_with_the_approved_reports_of_the_period(world: World, doc) -> None:
    got = {(p.park.name, p.field): (p.value, p.held, p.agrees, p.as_of)
           for p in Proposal.objects.filter(fact__document=doc).select_related("park")}
    year_end = dt.date(2025, 12, 31)
    assert got[(world.xltd.name, "output")] == (Decimal("11000.00"), Decimal("11000.00"), True, year_end)
    assert got[(world.xltd.name, "revenue")] == (Decimal("15000.00"), Decimal("12000.00"), False, year_end)
    assert got[(world.smyz.name, "output")] == (Decimal("2800.00"), Decimal("2800.00"), True, year_end)
    assert got[(world.smyz.name, "tax")] == (Decimal("100.00"), Decimal("120.00"), True, year_end)  # 超100万元
    # 2026年目标产值5亿元: a target, not an actual; kept as a fact, compared with nothing
    assert not any(p.value == Decimal(50000) for p in Proposal.objects.filter(fact__document=doc))
    assert doc.facts.filter(value=5, unit="亿元").exists()


def test_a_period_without_approved_reports_holds_nothing_to_compare(world: World) -> None:
    doc = services.document_create(actor=world.users["region_staff"], title="",
                                   text="2024年，信联天地实现产值1.1亿元。")
    proposal = Proposal.objects.get(fact__document=doc, field="output")
    assert (proposal.held, proposal.agrees) == (None, None)


def test_the_discrepancy_list_shows_the_disagreement_and_accepting_writes_no_statistics(world: World, doc) -> None:
    client = login(Client(), world.users["region_staff"])
    page = client.get(reverse("intake:discrepancies")).content.decode()
    assert "15000" in page and "12000" in page          # 营业收入: text 1.5亿, reports 1.2亿
    assert "2800" not in page                            # 产值 agrees to the text's precision
    revenue = Proposal.objects.get(fact__document=doc, field="revenue")
    assert not revenue.writable
    client.post(reverse("intake:proposal_review", args=[revenue.pk]), {"decision": "accept"})
    revenue.refresh_from_db()
    assert revenue.status == Proposal.Status.ACCEPTED and revenue.held == Decimal("12000.00")


def test_a_park_operator_sees_only_its_parks_comparisons(world: World, doc) -> None:
    client = login(Client(), world.users["park_operator"])
    page = client.get(reverse("intake:discrepancies")).content.decode()
    other = Proposal.objects.get(fact__document=doc, park=world.smyz, field="output")
    assert client.post(reverse("intake:proposal_review", args=[other.pk]), {"decision": "accept"}).status_code == 404
    assert "15000" in page  # its own park's revenue discrepancy
