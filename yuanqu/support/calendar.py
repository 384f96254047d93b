"""Working days and deadlines: Monday to Friday, less the public holidays, plus the weekend days worked in their
place (调休上班), as the 国务院办公厅's yearly notice sets them (stored as :class:`CalendarDay` rows).

A deadline in working days follows the usual rule for time limits (期间开始的当日不计算在内): counting starts the
working day after the request was accepted, and the request is due at the end of the Nth working day. A deadline
in hours runs around the clock (an emergency does not wait for Monday).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.utils import timezone

from .models import CalendarDay, ResponseRule

END_OF_DAY = dt.time(23, 59, 59)
#: Longest stretch searched for N working days: no rule allows more than a year.
MAX_SPAN_DAYS = 800


def exceptions(start: dt.date, end: dt.date) -> dict[dt.date, str]:
    """The holidays and adjusted working days between two dates (both included), by day: "holiday" or
    "workday"."""
    return dict(CalendarDay.objects.filter(day__range=(start, end)).values_list("day", "kind"))


def is_workday(day: dt.date, days: Mapping[dt.date, str]) -> bool:
    """Whether ``day`` is a working day, given the exceptions ``days`` around it."""
    kind = days.get(day)
    if kind == CalendarDay.Kind.HOLIDAY:
        return False
    if kind == CalendarDay.Kind.WORKDAY:
        return True
    return day.weekday() < 5


def add_workdays(start: dt.date, n: int, days: Mapping[dt.date, str] | None = None) -> dt.date:
    """The Nth working day after ``start`` (``start`` itself not counted); ``n`` ≥ 1."""
    if n < 1:
        raise ValueError("n must be at least 1")
    if days is None:
        days = exceptions(start, start + dt.timedelta(days=MAX_SPAN_DAYS))
    day, counted = start, 0
    while counted < n:
        day += dt.timedelta(days=1)
        if is_workday(day, days):
            counted += 1
    return day


def workdays_between(start: dt.date, end: dt.date, days: Mapping[dt.date, str] | None = None) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end`` is not after ``start``)."""
    if end <= start:
        return 0
    if days is None:
        days = exceptions(start, end)
    return sum(1 for i in range(1, (end - start).days + 1) if is_workday(start + dt.timedelta(days=i), days))


def due_at(accepted_at: dt.datetime, rule: ResponseRule, days: Mapping[dt.date, str] | None = None) -> dt.datetime:
    """When a request accepted at ``accepted_at`` under ``rule`` is due."""
    if rule.unit == ResponseRule.Unit.HOURS:
        return accepted_at + dt.timedelta(hours=rule.amount)
    local = timezone.localtime(accepted_at)
    last = add_workdays(local.date(), rule.amount, days)
    return timezone.make_aware(dt.datetime.combine(last, END_OF_DAY))


def warn_at(accepted_at: dt.datetime, due: dt.datetime, rule: ResponseRule) -> dt.datetime:
    """When the handler is warned: ``rule.warn_hours`` before the deadline, never before the request came in;
    without a warning time, at the deadline itself."""
    return max(accepted_at, due - dt.timedelta(hours=rule.warn_hours))
