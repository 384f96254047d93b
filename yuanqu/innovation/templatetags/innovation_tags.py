"""Template helpers of the 科技服务 pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import template

register = template.Library()


def _show(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


@register.filter
def cells(obj: Any, columns: Sequence[Any]) -> list[str]:
    """The values of a list row, one per column (the same columns the export writes)."""
    return [_show(c.value(obj)) for c in columns]


@register.filter
def plain(value: Any) -> str:
    """A number, date or text as the lists show it ("—" for nothing)."""
    return _show(value)
