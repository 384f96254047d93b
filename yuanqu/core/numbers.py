"""Chinese number conventions for dashboards and briefings, in one place.

- Money is kept in 万元. It reads in 亿元 from 1亿 (10,000 万元) up, in 万元 below.
- Rounding: 亿元 to two decimals, trailing zeros dropped (55亿元, 5.5亿元, 12.36亿元); 万元 to a whole
  number from 100万元 up (3265万元), to two decimals below (36.5万元).
- Growth: 同比增长 x% / 同比下降 x% (one decimal), 持平 when it rounds to zero.
- Multiples (:func:`times`): 4.2 倍 under 10, 37 倍 / 1,100 倍 (two significant figures) under 10,000, then 1.1 万倍.
- In a form, beside what was typed (:func:`in_unit`): the indicator's own unit, grouped (36,300 万元), never
  switched to 亿元, so the figure reads in the unit the user types in.
- Rates change by 个百分点, never by a percentage of themselves.
- Reading: :func:`parse_number` is the one parser of numbers as people type them, in a form or a
  spreadsheet cell (55亿, ５５亿元, 1,234.5, 一百零二亿, 3万平方米), into the unit asked for.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

import cn2an
from django.utils.translation import gettext as _

from yuanqu.core.text import halfwidth

YI = Decimal(10000)  # 1亿元 in 万元


def _dec(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _round(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def plain(value: Any, places: int = 2, grouping: bool = False) -> str:
    """A number rounded half-up to at most ``places`` decimals, trailing zeros dropped."""
    if value is None:
        return "—"
    rounded = _round(_dec(value), places)
    text = f"{rounded:,f}" if grouping else f"{rounded:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def money_parts(wan: Any) -> tuple[str, str]:
    """(number, unit) for a 万元 amount: ('55', '亿元'), ('3265', '万元')."""
    amount = _dec(wan)
    if abs(_round(amount, 0)) >= YI:  # 9999.6万元 reads 1亿元, not 10000万元
        return plain(amount / YI, 2), "亿元"
    if abs(amount) >= 100:
        return plain(amount, 0), "万元"
    return plain(amount, 2), "万元"


def money(wan: Any, grouping: bool = False, short: bool = False) -> str:
    """A 万元 amount as read aloud: 55亿元, 5.5亿元, 3265万元; '—' when unknown. ``short`` drops the 元
    (55亿, 3265万) where space is tight, as on a chart's axis."""
    if wan is None or wan == "":
        return "—"
    number, unit = money_parts(wan)
    if grouping and unit == "万元":
        number = plain(_dec(wan), 0 if abs(_dec(wan)) >= 100 else 2, grouping=True)
    return f"{number}{unit[:-1] if short else unit}"


def money_axis_unit(largest_wan: Any) -> dict[str, Any]:
    """The unit of a chart axis of 万元 amounts whose largest value is ``largest_wan``: the same threshold as
    :func:`money`, for the whole axis (ticks of one axis share one unit). The browser divides each tick by
    ``divisor`` and appends ``unit``; it applies no rule of its own."""
    if largest_wan is not None and abs(_round(_dec(largest_wan), 0)) >= YI:
        return {"divisor": int(YI), "unit": "亿"}
    return {"divisor": 1, "unit": "万"}


def quantity(value: Any, unit: str) -> str:
    """A value in its indicator's unit; 万元 amounts switch to 亿元 by magnitude."""
    if value is None:
        return "—"
    if unit == "万元":
        return money(value)
    if unit in ("人", "家", "个", "户"):
        return f"{plain(value, 0)}{unit}"
    amount = _dec(value)
    if unit == "千瓦时" and abs(amount) >= YI:
        return f"{plain(amount / YI, 2)}万千瓦时"
    return f"{plain(amount, 2)}{unit}"


def rounded(value: Any, places: int = 2) -> Decimal:
    """``value`` rounded half-up to ``places`` decimals: the figure :func:`plain` and :func:`in_unit` show, for
    computing from the numbers a user sees."""
    return _round(_dec(value), places)


def in_unit(value: Any, unit: str, places: int = 2) -> str:
    """A value in its indicator's unit as a form shows it beside the input: 36,300 万元, 120 人, 12.5%; '—' when
    unknown. Grouped, at most ``places`` decimals, and never switched to 亿元: the user types in this unit."""
    if value is None:
        return "—"
    number = plain(value, places, grouping=True)
    if not unit:
        return number
    return f"{number}{unit}" if unit in ("%", "％") else f"{number} {unit}"


def _significant(value: Decimal, figures: int) -> Decimal:
    if value == 0:
        return value
    return value.quantize(Decimal(1).scaleb(value.adjusted() - figures + 1), rounding=ROUND_HALF_UP)


def times(ratio: Any) -> str:
    """A multiple as people say it, with no false precision: 4.2 倍 under 10 (one decimal), 37 倍 or 1,100 倍 up
    to 10,000 (two significant figures), 1.1 万倍 from there (one decimal of 万); '—' when unknown. The caller
    says 约 where the rounding shows."""
    if ratio is None:
        return "—"
    value = _dec(ratio)
    if abs(_round(value, 1)) < 10:
        return f"{plain(value, 1)} 倍"
    whole = _significant(value, 2)
    if abs(whole) < YI:
        return f"{plain(whole, 0, grouping=True)} 倍"
    return f"{plain(value / YI, 1, grouping=True)} 万倍"


def pct(value: Any, places: int = 1) -> str:
    """A percentage: 12.3%."""
    if value is None:
        return "—"
    return f"{plain(value, places)}%"


def growth(value: Any, prefix: str = "同比", places: int = 1) -> str:
    """同比增长12.3% / 同比下降4.5% / 同比持平; '' when there is nothing to compare with."""
    if value is None:
        return ""
    rounded = _round(_dec(value), places)
    if rounded == 0:
        return f"{prefix}持平"
    word = "增长" if rounded > 0 else "下降"
    return f"{prefix}{word}{plain(abs(rounded), places)}%"


def points(delta: Any, places: int = 1, up: str = "提高", down: str = "下降") -> str:
    """A change in a rate: 提高2.1个百分点 / 下降0.4个百分点 / 持平."""
    if delta is None:
        return ""
    rounded = _round(_dec(delta), places)
    if rounded == 0:
        return "持平"
    return f"{up if rounded > 0 else down}{plain(abs(rounded), places)}个百分点"


def signed_change(value: Any, rate: bool = False) -> str:
    """A change for a table column: +12.3% for amounts, +1.20个百分点 for rates; '—' when unknown."""
    if value is None:
        return "—"
    amount = _dec(value)
    return f"{amount:+,.2f}个百分点" if rate else f"{amount:+,.1f}%"


# --------------------------------------------------------------------------- computing (Decimal in, Decimal out)


def share(part: Any, whole: Any) -> Decimal | None:
    """``part`` as a % of ``whole`` (a rate, a completion, a vacancy); None when either is unknown or the
    whole is zero."""
    if part is None or whole in (None, 0) or _dec(whole) == 0:
        return None
    return _dec(part) * 100 / _dec(whole)


def growth_pct(current: Any, previous: Any) -> Decimal | None:
    """Growth of ``current`` over ``previous`` in % (同比/环比); None when there is nothing to compare with
    (either unknown, or a zero base). A negative base grows when the value rises: the base is taken absolute."""
    if current is None or previous is None or _dec(previous) == 0:
        return None
    return (_dec(current) - _dec(previous)) / abs(_dec(previous)) * 100


def pct_points(a: Any, b: Any) -> Decimal | None:
    """The change from rate ``b`` to rate ``a`` in 个百分点: rates change by points, never by a % of
    themselves. None when either is unknown."""
    if a is None or b is None:
        return None
    return _dec(a) - _dec(b)


def change(current: Any, previous: Any, rate: bool = False) -> Decimal | None:
    """同比/环比 of an indicator: :func:`pct_points` for a rate, :func:`growth_pct` for an amount."""
    return pct_points(current, previous) if rate else growth_pct(current, previous)


# --------------------------------------------------------------------------- reading numbers as people type them

#: Units by dimension: the factor to the dimension's base unit. 万 and 亿 alone are multipliers: in a cell of
#: a 万元 column, 55亿 is 550000 (万元); in a head-count, 3万 is 30000.
UNITS: dict[str, tuple[str, Decimal]] = {
    "元": ("money", Decimal(1)),
    "千元": ("money", Decimal(1000)),
    "万元": ("money", Decimal(10_000)),
    "百万元": ("money", Decimal(1_000_000)),
    "亿元": ("money", Decimal(100_000_000)),
    "万": ("count", Decimal(10_000)),
    "亿": ("money", Decimal(100_000_000)),
    "m2": ("area", Decimal(1)),
    "㎡": ("area", Decimal(1)),
    "平方米": ("area", Decimal(1)),
    "平米": ("area", Decimal(1)),
    "万平方米": ("area", Decimal(10_000)),
    "万㎡": ("area", Decimal(10_000)),
    "万m2": ("area", Decimal(10_000)),
    "公顷": ("area", Decimal(10_000)),
    "km2": ("area", Decimal(1_000_000)),
    "平方公里": ("area", Decimal(1_000_000)),
    "亩": ("mu", Decimal(1)),
    "万亩": ("mu", Decimal(10_000)),
    "人": ("people", Decimal(1)),
    "万人": ("people", Decimal(10_000)),
    "个": ("count", Decimal(1)),
    "家": ("count", Decimal(1)),
    "%": ("percent", Decimal(1)),
}
#: Square metres in one 亩 (市亩): 10000/15.
MU_IN_M2 = Fraction(10_000, 15)
UNIT_ALTERNATIVES = "|".join(sorted((re.escape(u) for u in UNITS), key=len, reverse=True))
_NUMBER_WITH_UNIT = re.compile(r"^([-+]?[0-9.]+)\s*(" + UNIT_ALTERNATIVES + r")?$", re.IGNORECASE)
#: A number written with thousands separators: 1-3 digits, then groups of exactly three (an optional sign and
#: decimals, and whatever unit follows, are left to the reader after the commas are gone).
_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(,\d{3})+(\.\d*)?([^\d,.][^,]*)?$")
_CN_NUMERAL = re.compile(r"^[零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟点负]+$")
#: Chinese digits written one by one (二〇二三) to ASCII digits.
CN_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
_UNITS_LONGEST_FIRST = sorted(UNITS, key=len, reverse=True)
#: The currency a registry export writes beside an amount (企查查, 天眼查 and the 公示系统 give 注册资本 as
#: "5000万元人民币", "人民币5000万元", "3000万人民币" or "100万美元"). 人民币 is the unit the money fields are
#: in and is dropped; another currency cannot be converted without an exchange rate, so it is refused.
_RMB = re.compile(r"^(?:人民币|rmb|cny|¥)|(?:人民币|rmb|cny)$", re.IGNORECASE)
_FOREIGN = re.compile(r"(美元|美金|港元|港币|欧元|日元|英镑|澳元|加元|新加坡元|瑞士法郎|韩元|新台币|台币|"
                      r"usd|hkd|eur|jpy|gbp|aud|cad|sgd|chf|krw|twd|\$)", re.IGNORECASE)


class NumberError(ValueError):
    """A value that cannot be read as a number; the message says why, in Chinese. ``code`` names the rule
    (``not_a_number``, ``unit``, ``decimals``, ``too_large``) for forms and tests."""

    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.code = code


def unit_factor(from_unit: str, to_unit: str) -> Decimal | None:
    """The factor converting ``from_unit`` to ``to_unit`` (1 if either is missing); None when incompatible."""
    if not from_unit or not to_unit or from_unit == to_unit:
        return Decimal(1)
    a, b = UNITS.get(from_unit), UNITS.get(to_unit)
    if a is None or b is None:
        return None
    if a[0] != b[0]:
        if {a[0], b[0]} != {"area", "mu"}:
            return None
        # 亩 and area: 1 亩 = 10000/15 ㎡ exactly (1 公顷 = 15 亩), computed as a fraction so that 公顷 → 亩 is 15
        # and ㎡ → 亩 is 0.0015, not a rounded quotient.
        ratio = (Fraction(a[1]) * (MU_IN_M2 if a[0] == "mu" else 1)) / (Fraction(b[1]) * (MU_IN_M2 if b[0] == "mu"
                                                                                           else 1))
        return Decimal(ratio.numerator) / Decimal(ratio.denominator)
    return a[1] / b[1]


def unit_convertible(source: str, target: str) -> bool:
    """Whether a number in ``source`` (a spreadsheet header's unit) can be read into a field in ``target``.

    万 and 亿 alone are multipliers, so they go into any unit; otherwise the two must share a dimension (亩 and
    the area units share one through :data:`MU_IN_M2`).
    """
    if source in ("万", "亿"):
        return True
    return unit_factor(source, target) is not None


def _chinese_number(text: str) -> Decimal:
    if all(c in "〇零一二三四五六七八九点" for c in text) and len(text) > 1 and "点" not in text[:1]:
        # digit by digit, as in 二〇二三
        return Decimal(text.replace("点", ".").translate(CN_DIGITS))
    return Decimal(str(cn2an.cn2an(text, "smart")))


def _not_a_number(value: Any) -> NumberError:
    return NumberError(_("Expected a number, found %(value)s.") % {"value": value}, code="not_a_number")


def _read(text: str, unit: str, original: Any) -> tuple[Decimal, str]:
    """(number, the unit written after it) from normalised text."""
    m = _NUMBER_WITH_UNIT.match(text)
    if m:
        try:
            return Decimal(m.group(1)), m.group(2) or ""
        except InvalidOperation as exc:
            raise _not_a_number(original) from exc
    # Chinese numerals, maybe followed by a unit: 五十五亿元, 三万平方米
    body, tail = text, ""
    for u in _UNITS_LONGEST_FIRST:
        if text.endswith(u) and len(text) > len(u):
            body, tail = text[: -len(u)], u
            break
    try:
        number = _chinese_number(body) if _CN_NUMERAL.match(body) else Decimal(str(cn2an.cn2an(body, "smart")))
    except (ValueError, InvalidOperation, KeyError, TypeError) as exc:
        raise _not_a_number(original) from exc
    # 一百零二亿 is 102 with the multiplier 亿 after it, read as 55亿 is (the spreadsheet parser once took
    # it for 元 here, so 一百零二亿 in a 万元 column came out 10,000 times too large).
    return number, tail


def _money_text(text: str, original: Any) -> str:
    """An amount's text without the 人民币 written beside it (5000万元人民币 → 5000万元, 3000万人民币 → 3000万);
    an amount in another currency raises :class:`NumberError`."""
    foreign = _FOREIGN.search(text)
    if foreign and re.search(r"\d", text):
        raise NumberError(_("%(value)s is an amount in %(currency)s; convert it to RMB first.")
                          % {"value": original, "currency": foreign.group(1)}, code="currency")
    return _RMB.sub("", text)


def parse_number(value: Any, *, unit: str = "", header_unit: str = "", places: int | None = None,
                 max_digits: int | None = None) -> Decimal | None:
    """A number as people type it, in ``unit``: None for nothing typed.

    Reads full-width digits (５５), thousands separators (1,234.5 / 1，234), a Chinese full stop for the
    point, Chinese numerals (一百零二亿, 五十五), and a unit after the number (55亿, 55亿元, 3万平方米, 12.5%),
    converted to ``unit`` (55亿 in 万元 is 550000). ``header_unit`` is the unit a spreadsheet column's header
    names; a unit in the value wins over it. ``places`` and ``max_digits`` are the column's limits: more
    decimals, or more digits, is an error rather than a silent rounding. Raises :class:`NumberError` with a
    Chinese message.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise _not_a_number(value)
    if isinstance(value, Decimal | int):
        number, written = Decimal(value), ""
    elif isinstance(value, float):
        number, written = Decimal(repr(value)), ""
    else:
        text = halfwidth(str(value)).strip().replace("，", ",").replace(" ", "").replace("。", ".")
        if "," in text:
            # A comma is a thousands separator only between groups of three digits (1,234,567.5); "1,2,3" could
            # be a list or a European decimal, so it is refused rather than read as 123.
            if not _THOUSANDS.match(text):
                raise NumberError(_("%(value)s has separators in unexpected places; write the number without "
                                    "commas, or with a comma every three digits (1,234,567).") % {"value": value},
                                  code="separators")
            text = text.replace(",", "")
        text = text.removesuffix("整")
        if not text:
            return None
        if UNITS.get(unit, ("", 0))[0] == "money" or not unit:
            text = _money_text(text, value)
        number, written = _read(text, unit, value)
    source = written or header_unit
    if source == "%" and unit != "%":
        number, source = number / 100, ""
    if source in ("万", "亿") and UNITS.get(unit, ("", 0))[0] != "count":
        number *= UNITS[source][1]
        if unit and UNITS.get(unit):
            number = number / UNITS[unit][1]
    else:
        factor = unit_factor(source, unit)
        if factor is None:
            raise NumberError(_("The unit %(got)s cannot be converted to %(want)s.") % {"got": source, "want": unit},
                              code="unit")
        number *= factor
    return _within(number, places, max_digits)


def _within(number: Decimal, places: int | None, max_digits: int | None) -> Decimal:
    _sign, digits, exponent = number.as_tuple()
    decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    if places is not None and decimals > places:
        raise NumberError(_("Enter at most %(n)d decimal places.") % {"n": places}, code="decimals")
    whole_digits = len(digits) - decimals + (exponent if isinstance(exponent, int) and exponent > 0 else 0)
    if max_digits is not None and whole_digits > max_digits - (places or 0):
        raise NumberError(_("The number is too large."), code="too_large")
    return number
