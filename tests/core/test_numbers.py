"""Chinese number conventions: 亿元/万元 by magnitude, rounding, 同比增长/下降, 个百分点."""

from __future__ import annotations

from decimal import Decimal

import pytest

from yuanqu.core import numbers


@pytest.mark.parametrize(("wan", "text"), [
    (Decimal("550000"), "55亿元"),
    (Decimal("55000"), "5.5亿元"),
    (Decimal("123456"), "12.35亿元"),
    (Decimal("10000"), "1亿元"),
    (Decimal("9999.6"), "1亿元"),
    (Decimal("3265.4"), "3265万元"),
    (Decimal("36.50"), "36.5万元"),
    (Decimal("0"), "0万元"),
    (Decimal("-25000"), "-2.5亿元"),
    (None, "—"),
])
def test_it_writes_money_in_yi_or_wan_by_magnitude(wan, text):
    assert numbers.money(wan) == text


def test_it_groups_wan_for_tables():
    assert numbers.money(Decimal("3265.4"), grouping=True) == "3,265万元"


@pytest.mark.parametrize(("pct", "text"), [
    (Decimal("12.345"), "同比增长12.3%"),
    (Decimal("-4.55"), "同比下降4.6%"),
    (Decimal("0.04"), "同比持平"),
    (Decimal("100"), "同比增长100%"),
    (None, ""),
])
def test_it_says_growth_or_decline(pct, text):
    assert numbers.growth(pct) == text


def test_rates_change_by_percentage_points():
    assert numbers.points(Decimal("2.14")) == "提高2.1个百分点"
    assert numbers.points(Decimal("-0.35")) == "下降0.4个百分点"
    assert numbers.points(Decimal("0.01")) == "持平"


def test_quantities_keep_their_unit():
    assert numbers.quantity(Decimal("1234"), "人") == "1234人"
    assert numbers.quantity(Decimal("550000"), "万元") == "55亿元"
    assert numbers.quantity(Decimal("12.5"), "%") == "12.5%"
    assert numbers.pct(Decimal("98.46")) == "98.5%"
    assert numbers.share(Decimal("5"), Decimal("20")) == Decimal("25")
    assert numbers.share(Decimal("5"), Decimal("0")) is None
