"""Template helpers of the statistics pages: numbers with their indicator's decimals. Growth and shares use
the ``growth`` and ``percent`` filters of ``yuanqu`` (core)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from yuanqu.core.numbers import in_unit

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


@register.filter(name="in_unit")
def in_unit_filter(value: Any, indicator: Any) -> str:
    """36300 → 36,300 万元: a figure beside the report form's input, in its indicator's unit and decimals, as
    the checks name it (``yuanqu.core.numbers.in_unit``)."""
    if value in (None, ""):
        return "—"
    return in_unit(value, indicator.unit, indicator.decimals)
