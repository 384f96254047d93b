"""Periods a figure is stated for: a month, a range of months of one year (1—8月), a quarter, a year.

A period is parsed from what a page or an API caller sends (``year`` with ``month``, ``quarter`` or
``from_month``/``to_month``); anything that names no real, finished-or-current period is refused with a
Chinese message (:class:`PeriodError`), never turned into an empty document.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

QUARTER_NAMES = {1: "一", 2: "二", 3: "三", 4: "四"}
MIN_YEAR, MAX_YEAR = 2000, 2100


class PeriodError(ValueError):
    """A period that cannot be stated: the message says why, in Chinese, naming the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Period:
    """Months ``first``…``last`` of ``year``; ``kind`` says how it was asked for (and so how it is named)."""

    year: int
    first: int
    last: int
    kind: str = "range"  # month | range | quarter | year

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(year, month, month, "month")

    @classmethod
    def to_month(cls, year: int, month: int) -> Period:
        """January to ``month``: the 累计 period the cockpit and briefings state (1—8月)."""
        return cls(year, 1, month, "year" if month == 12 else ("month" if month == 1 else "range"))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        return cls(year, quarter * 3 - 2, quarter * 3, "quarter")

    @classmethod
    def whole_year(cls, year: int) -> Period:
        return cls(year, 1, 12, "year")

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, self.first, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year, self.last, calendar.monthrange(self.year, self.last)[1])

    @property
    def months(self) -> tuple[int, ...]:
        return tuple(range(self.first, self.last + 1))

    @property
    def is_year_to_date(self) -> bool:
        """The period runs from January: its value is the 累计 of its last month."""
        return self.first == 1

    @property
    def label(self) -> str:
        """2026年8月, 2026年1—8月, 2026年第三季度, 2026年."""
        if self.kind == "quarter":
            return f"{self.year}年第{QUARTER_NAMES[self.last // 3]}季度"
        if self.first == 1 and self.last == 12:
            return f"{self.year}年"
        if self.first == self.last:
            return f"{self.year}年{self.last}月"
        return f"{self.year}年{self.first}—{self.last}月"

    def same_last_year(self) -> Period:
        return Period(self.year - 1, self.first, self.last, self.kind)

    def previous(self) -> Period | None:
        """The period of the same length just before (环比 base): last month, last quarter; None for a
        range or a year, which have no 环比."""
        if self.kind == "month":
            return Period.month(self.year - 1, 12) if self.last == 1 else Period.month(self.year, self.last - 1)
        if self.kind == "quarter":
            q = self.last // 3
            return Period.quarter(self.year - 1, 4) if q == 1 else Period.quarter(self.year, q - 1)
        return None

    def params(self) -> dict[str, int]:
        """The query parameters that name this period again (the inverse of :func:`parse`)."""
        if self.kind == "quarter":
            return {"year": self.year, "quarter": self.last // 3}
        if self.kind == "month" and self.first == self.last and self.first != 1:
            return {"year": self.year, "month": self.last}
        return {"year": self.year, "from_month": self.first, "to_month": self.last}

    def __str__(self) -> str:
        return self.label


def _int(params: Mapping[str, Any], key: str, low: int, high: int, what: str) -> int | None:
    raw = params.get(key)
    if raw is None or raw == "":
        return None
    try:
        number = int(str(raw).strip())
    except ValueError:
        raise PeriodError(key, f"{what}应为整数，收到「{str(raw)[:20]}」。") from None
    if not low <= number <= high:
        raise PeriodError(key, f"{what}应在{low}至{high}之间，收到{number}。")
    return number


def parse(params: Mapping[str, Any], *, today: dt.date | None = None) -> Period | None:
    """The period named by ``year`` with one of ``month`` (that month alone), ``quarter`` (1–4) or
    ``from_month``/``to_month`` (a range within the year); ``year`` alone is the whole year. None when no
    ``year`` is given (the caller picks its default). A period that has not begun is refused."""
    today = today or timezone.localdate()
    year = _int(params, "year", MIN_YEAR, MAX_YEAR, "年份")
    month = _int(params, "month", 1, 12, "月份")
    quarter = _int(params, "quarter", 1, 4, "季度")
    first = _int(params, "from_month", 1, 12, "起始月份")
    last = _int(params, "to_month", 1, 12, "截止月份")
    if year is None:
        if any(v is not None for v in (month, quarter, first, last)):
            raise PeriodError("year", "请同时指定年份。")
        return None
    given = [name for name, v in (("month", month), ("quarter", quarter)) if v is not None]
    if first is not None or last is not None:
        given.append("from_month/to_month")
    if len(given) > 1:
        raise PeriodError(given[1].split("/")[0], "月份、季度和月份区间只能指定一种。")
    if month is not None:
        period = Period.month(year, month)
    elif quarter is not None:
        period = Period.quarter(year, quarter)
    elif first is not None or last is not None:
        first, last = first or 1, last or 12
        if first > last:
            raise PeriodError("from_month", f"起始月份（{first}月）不能晚于截止月份（{last}月）；"
                                            "跨年的区间请分年查询。")
        period = Period(year, first, last, "range" if (first, last) != (1, 12) else "year")
    else:
        period = Period.whole_year(year)
    if period.start > today:
        raise PeriodError("year" if period.kind == "year" else given[0].split("/")[0],
                          f"{period.label}尚未开始，没有数据可以统计。")
    return period
