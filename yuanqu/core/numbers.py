"""Chinese number conventions for dashboards and briefings, in one place.

- Money is kept in 万元. It reads in 亿元 from 1亿 (10,000 万元) up, in 万元 below.
- Rounding: 亿元 to two decimals, trailing zeros dropped (55亿元, 5.5亿元, 12.36亿元); 万元 to a whole
  number from 100万元 up (3265万元), to two decimals below (36.5万元).
- Growth: 同比增长 x% / 同比下降 x% (one decimal), 持平 when it rounds to zero.
- Rates change by 个百分点, never by a percentage of themselves.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

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


def money(wan: Any, grouping: bool = False) -> str:
    """A 万元 amount as read aloud: 55亿元, 5.5亿元, 3265万元; '—' when unknown."""
    if wan is None or wan == "":
        return "—"
    number, unit = money_parts(wan)
    if grouping and unit == "万元":
        number = plain(_dec(wan), 0 if abs(_dec(wan)) >= 100 else 2, grouping=True)
    return f"{number}{unit}"


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


def share(part: Any, whole: Any) -> Decimal | None:
    """``part`` as a % of ``whole``; None when the whole is unknown or zero."""
    if part is None or whole in (None, 0) or _dec(whole) == 0:
        return None
    return _dec(part) * 100 / _dec(whole)
