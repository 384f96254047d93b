"""Template helpers of the statistics pages: numbers with their decimals, growth in % or 个百分点."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

register = template.Library()


@register.filter
def num(value: Any, places: Any = 2) -> str:
    """1234567.5 → 1,234,567.50 (with the indicator's decimal places); empty stays empty."""
    if value in (None, ""):
        return ""
    try:
        places = int(places)
        amount = Decimal(value)
    except (ValueError, TypeError, ArithmeticError):
        return str(value)
    return f"{amount:,.{places}f}"


@register.filter
def growth(value: Any, rate: bool = False) -> str:
    """+12.3% for amounts; +1.2个百分点 for rates; — when there is nothing to compare with."""
    if value is None:
        return "—"
    amount = Decimal(value)
    if rate:
        return f"{amount:+,.2f}个百分点"
    return f"{amount:+,.1f}%"


@register.filter
def pct(value: Any) -> str:
    """A share in % with one decimal, or —."""
    if value is None:
        return "—"
    return f"{Decimal(value):,.1f}%"
