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


@pytest.mark.parametrize(("current", "previous", "expected"), [
    (Decimal("3200"), Decimal("1000"), Decimal("220")),
    (Decimal("900"), Decimal("1000"), Decimal("-10")),
    (Decimal("-50"), Decimal("-100"), Decimal("50")),  # a loss halved is growth: the base is taken absolute
    (Decimal("5"), Decimal("0"), None),
    (None, Decimal("10"), None),
    (Decimal("10"), None, None),
    (3, 2, Decimal("50")),
])
def test_growth_is_a_percentage_of_the_previous_value(current, previous, expected):
    assert numbers.growth_pct(current, previous) == expected


def test_rates_are_compared_in_points_and_amounts_in_percent():
    assert numbers.pct_points(Decimal("12.5"), Decimal("10")) == Decimal("2.5")
    assert numbers.pct_points(None, Decimal("10")) is None
    assert numbers.change(Decimal("12.5"), Decimal("10"), rate=True) == Decimal("2.5")
    assert numbers.change(Decimal("12.5"), Decimal("10")) == Decimal("25")
    assert numbers.points(numbers.pct_points(Decimal("62.5"), Decimal("50"))) == "提高12.5个百分点"


def test_a_table_column_shows_a_signed_change():
    assert numbers.signed_change(Decimal("50")) == "+50.0%"
    assert numbers.signed_change(Decimal("-4.56")) == "-4.6%"
    assert numbers.signed_change(Decimal("1.2"), rate=True) == "+1.20个百分点"
    assert numbers.signed_change(None) == "—"


def test_chart_axes_use_one_unit_by_the_same_threshold():
    assert numbers.money(Decimal("550000"), short=True) == "55亿"
    assert numbers.money(Decimal("3265"), short=True) == "3265万"
    assert numbers.money_axis_unit(Decimal("9999.6")) == {"divisor": 10000, "unit": "亿"}
    assert numbers.money_axis_unit(Decimal("9999.4")) == {"divisor": 1, "unit": "万"}
    assert numbers.money_axis_unit(None) == {"divisor": 1, "unit": "万"}


@pytest.mark.parametrize(("template", "context", "text"), [
    ("{{ v|money }}", {"v": Decimal("550000")}, "55亿元"),
    ("{{ v|money }}", {"v": Decimal("1234.5")}, "1235万元"),
    ("{{ v|money }}", {"v": None}, "—"),
    ("{{ v|growth }}", {"v": Decimal("12.345")}, "同比增长12.3%"),
    ("{{ v|growth:'环比' }}", {"v": Decimal("-4.55")}, "环比下降4.6%"),
    ("{{ v|growth }}", {"v": None}, "—"),
    ("{{ v|growth:rate }}", {"v": Decimal("50"), "rate": False}, "+50.0%"),
    ("{{ v|growth:rate }}", {"v": Decimal("1.2"), "rate": True}, "+1.20个百分点"),
    ("{{ v|percent }}", {"v": Decimal("98.46")}, "98.5%"),
    ("{{ v|percent }}", {"v": None}, "—"),
])
def test_each_has_one_template_filter(template, context, text):
    from django.template import Context, Template

    assert Template("{% load yuanqu %}" + template).render(Context(context)) == text


# --------------------------------------------------------------------------- the one number parser


@pytest.mark.parametrize(("raw", "unit", "expected"), [
    ("55亿", "万元", Decimal("550000")),
    ("55亿元", "万元", Decimal("550000")),
    ("5.5 亿", "万元", Decimal("55000")),
    ("５５亿", "万元", Decimal("550000")),
    ("５５亿元", "万元", Decimal("550000")),
    ("1,234.5", "万元", Decimal("1234.5")),
    ("1，234。5", "", Decimal("1234.5")),  # a Chinese comma and full stop, as typed with a Chinese keyboard
    ("一百零二亿", "万元", Decimal("1020000")),
    ("一百零二亿元", "万元", Decimal("1020000")),
    ("3万平方米", "㎡", Decimal("30000")),
    ("3万", "人", Decimal("30000")),
    ("-1", "", Decimal("-1")),
    ("800元", "万元", Decimal("0.08")),
    ("12.5%", "%", Decimal("12.5")),
    ("", "万元", None),
    ("　", "万元", None),
    (None, "万元", None),
    (Decimal("7.25"), "万元", Decimal("7.25")),
    (3, "", Decimal("3")),
    # 亩 and area (1 公顷 = 15 亩, 1 亩 = 10000/15 ㎡), exactly where the ratio terminates
    ("2公顷", "亩", Decimal("30")),
    ("1平方公里", "亩", Decimal("1500")),
    ("1000平方米", "亩", Decimal("1.5")),
    ("30亩", "平方米", Decimal("20000")),
    ("3万亩", "公顷", Decimal("2000")),
])
def test_it_reads_numbers_as_people_type_them(raw, unit, expected):
    assert numbers.parse_number(raw, unit=unit) == expected


@pytest.mark.parametrize(("raw", "unit", "code", "message"), [
    ("abc", "万元", "not_a_number", "应为数字，实际为“abc”。"),
    ("55亿元", "㎡", "unit", "单位“亿元”无法换算为“㎡”。"),
    ("3万平方米", "万元", "unit", "单位“万平方米”无法换算为“万元”。"),
    (True, "", "not_a_number", "应为数字，实际为“True”。"),
])
def test_it_says_in_chinese_why_a_number_cannot_be_read(raw, unit, code, message):
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(numbers.NumberError) as caught:
        numbers.parse_number(raw, unit=unit)
    assert caught.value.code == code and str(caught.value) == message


def test_a_column_limit_is_an_error_not_a_rounding():
    from django.utils import translation

    assert numbers.parse_number("1.2345", places=4, max_digits=20) == Decimal("1.2345")
    with translation.override("zh-hans"), pytest.raises(numbers.NumberError) as caught:
        numbers.parse_number("1.23456", places=4, max_digits=20)
    assert caught.value.code == "decimals" and str(caught.value) == "最多保留4位小数。"
    with pytest.raises(numbers.NumberError) as caught:
        numbers.parse_number("1" + "0" * 16, places=4, max_digits=20)
    assert caught.value.code == "too_large"
    assert numbers.parse_number("9" * 16, places=4, max_digits=20) == Decimal("9" * 16)


def test_the_form_and_the_spreadsheet_read_55yi_alike():
    """The two callers that disagreed on 55亿 (a report form said "not a number", the importer 550000)."""
    from yuanqu.core.forms import NumberField
    from yuanqu.tabular.registry import FieldSpec

    assert NumberField(unit="万元").clean("55亿") == Decimal("550000")
    spec = FieldSpec("output", "产值", "decimal", unit="万元")
    assert spec.parse(None, "55亿") == Decimal("550000")  # type: ignore[arg-type]


@pytest.mark.parametrize(("ratio", "text"), [
    (Decimal("4.1724"), "4.2 倍"),  # under 10: one decimal
    (Decimal("2"), "2 倍"),
    (Decimal("9.94"), "9.9 倍"),
    (Decimal("9.96"), "10 倍"),  # rounds up out of the one-decimal band, and reads as the next band does
    (Decimal("37.4"), "37 倍"),  # from 10: whole, two significant figures
    (Decimal("123"), "120 倍"),
    (Decimal("1096"), "1,100 倍"),
    (Decimal("9949"), "9,900 倍"),
    (Decimal("9960"), "1 万倍"),  # 2 significant figures make it 10,000: said in 万倍
    (Decimal("10969"), "1.1 万倍"),  # from 10,000: 万倍 with one decimal
    (Decimal("96102"), "9.6 万倍"),
    (Decimal("123456789"), "12,345.7 万倍"),
    (None, "—"),
])
def test_it_says_a_multiple_without_false_precision(ratio, text):
    assert numbers.times(ratio) == text


def test_it_writes_a_form_figure_in_the_indicators_own_unit():
    assert numbers.in_unit(Decimal("36300.0000"), "万元") == "36,300 万元"  # never switched to 亿元
    assert numbers.in_unit(Decimal("1234567.891"), "千瓦时", 0) == "1,234,568 千瓦时"
    assert numbers.in_unit(Decimal("12.50"), "%", 1) == "12.5%"
    assert numbers.in_unit(None, "人") == "—"
    assert numbers.rounded(Decimal("8699.995"), 2) == Decimal("8700.00")
