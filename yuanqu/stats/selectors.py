"""Reads of the statistics app: aggregates by park, region, industry and period from the rollups.

Every function takes the parks to aggregate as a queryset the caller has already scoped
(``Park.objects.visible_to(user)``, narrowed as the page asks), so no figure crosses a scope.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from yuanqu.core.models import IndustryCode
from yuanqu.core.numbers import growth_pct, share
from yuanqu.enterprises.models import Settlement
from yuanqu.parks.models import Park

from .models import (
    Frequency,
    Indicator,
    Report,
    ReportValue,
    Rollup,
    Round,
    Target,
    months_of,
    previous_period,
)

if TYPE_CHECKING:
    from .services import Entry

Period = tuple[int, int]


@dataclass
class Figure:
    """One indicator over a set of parks for one period, with its comparisons."""

    value: Decimal | None = None  # the period alone
    ytd: Decimal | None = None  # 累计, January to the period
    previous: Decimal | None = None  # last period's value (环比 base)
    last_year: Decimal | None = None  # the same period last year
    last_year_ytd: Decimal | None = None
    reporters: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def yoy_pct(self) -> Decimal | None:
        """同比 of the year to date."""
        return growth_pct(self.ytd, self.last_year_ytd)

    @property
    def value_yoy_pct(self) -> Decimal | None:
        """同比 of the period alone."""
        return growth_pct(self.value, self.last_year)

    @property
    def mom_pct(self) -> Decimal | None:
        """环比."""
        return growth_pct(self.value, self.previous)


def _add(a: Decimal | None, b: Any) -> Decimal | None:
    if b is None:
        return a
    return Decimal(b) + (a or Decimal(0))


def _cells(indicator: Indicator, parks: QuerySet[Park], periods: Iterable[Period],
           segments: Iterable[str] | None = ("all",)) -> list[tuple[int, int, int, str, Any, Any, int]]:
    periods = list(set(periods))
    cond = Q()
    for y, m in periods:
        cond |= Q(year=y, month=m)
    qs = Rollup.objects.in_parks(parks).filter(cond, indicator=indicator)
    if segments is not None:
        qs = qs.filter(segment__in=list(segments))
    return list(qs.values_list("park_id", "year", "month", "segment", "value", "ytd", "reporters"))


def _periods_for(indicator: Indicator, year: int, month: int) -> dict[str, Period]:
    return {"now": (year, month), "prev": previous_period(indicator.frequency, year, month),
            "ly": (year - 1, month)}


def _figure_from(rows: Iterable[tuple[Any, ...]], marks: dict[str, Period]) -> Figure:
    fig = Figure()
    for _park, y, m, _seg, value, ytd, reporters in rows:
        if (y, m) == marks["now"]:
            fig.value, fig.ytd = _add(fig.value, value), _add(fig.ytd, ytd)
            fig.reporters += reporters
        if (y, m) == marks["prev"]:
            fig.previous = _add(fig.previous, value)
        if (y, m) == marks["ly"]:
            fig.last_year, fig.last_year_ytd = _add(fig.last_year, value), _add(fig.last_year_ytd, ytd)
    return fig


def figure(indicator: Indicator, year: int, month: int, parks: QuerySet[Park], segment: str = "all") -> Figure:
    """The indicator summed over ``parks`` for the period, with 累计, 同比 and 环比."""
    marks = _periods_for(indicator, year, month)
    return _figure_from(_cells(indicator, parks, marks.values(), [segment]), marks)


def by_park(indicator: Indicator, year: int, month: int, parks: QuerySet[Park],
            segment: str = "all") -> list[tuple[Park, Figure]]:
    """One figure per park, largest 累计 first; ``extra['per_mu']`` is 亩均 where the land area is known."""
    marks = _periods_for(indicator, year, month)
    grouped: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in _cells(indicator, parks, marks.values(), [segment]):
        grouped[row[0]].append(row)
    result = []
    for park in parks.order_by("name"):
        fig = _figure_from(grouped.get(park.pk, []), marks)
        if park.land_area_mu and fig.ytd is not None:
            fig.extra["per_mu"] = fig.ytd / Decimal(park.land_area_mu)
        result.append((park, fig))
    result.sort(key=lambda pf: pf[1].ytd if pf[1].ytd is not None else Decimal("-1e30"), reverse=True)
    return result


def by_industry(indicator: Indicator, year: int, month: int, parks: QuerySet[Park]) -> list[tuple[str, str, Figure]]:
    """One figure per GB/T 4754 section (门类), largest 累计 first."""
    marks = _periods_for(indicator, year, month)
    grouped: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for row in _cells(indicator, parks, marks.values(), None):
        if row[3].startswith("ind:"):
            grouped[row[3][4:]].append(row)
    names = dict(IndustryCode.objects.filter(level=IndustryCode.Level.SECTION, code__in=list(grouped))
                 .values_list("code", "name"))
    result = [(code, names.get(code, code), _figure_from(rows, marks)) for code, rows in grouped.items()]
    result.sort(key=lambda r: r[2].ytd if r[2].ytd is not None else Decimal("-1e30"), reverse=True)
    return result


def series(indicator: Indicator, year: int, parks: QuerySet[Park], segment: str = "all",
           until_month: int = 12) -> list[dict[str, Any]]:
    """The periods of ``year`` up to ``until_month`` with value and 累计, beside last year's."""
    months = [m for m in months_of(indicator.frequency) if m <= until_month]
    periods = [(year, m) for m in months] + [(year - 1, m) for m in months]
    totals: dict[Period, list[Any]] = defaultdict(lambda: [None, None, 0])
    for _park, y, m, _seg, value, ytd, reporters in _cells(indicator, parks, periods, [segment]):
        cell = totals[(y, m)]
        cell[0], cell[1], cell[2] = _add(cell[0], value), _add(cell[1], ytd), cell[2] + reporters
    return [{"month": m, "value": totals[(year, m)][0], "ytd": totals[(year, m)][1],
             "reporters": totals[(year, m)][2], "last_year": totals[(year - 1, m)][0],
             "last_year_ytd": totals[(year - 1, m)][1]} for m in months]


def park_period_matrix(indicator: Indicator, year: int, parks: QuerySet[Park],
                       segment: str = "all") -> dict[tuple[int, int], tuple[Any, Any]]:
    """(park, month) → (value, 累计) for a year: what a dashboard's park × period chart reads."""
    return {(p, m): (v, y) for p, m, v, y in Rollup.objects.in_parks(parks).filter(
        indicator=indicator, year=year, segment=segment)
        .values_list("park_id", "month", "value", "ytd")}


def park_period_matrix_raw(indicator: Indicator, year: int, parks: QuerySet[Park]) -> dict[tuple[int, int], Any]:
    """The same matrix computed from raw approved values by the ORM (what rollups save)."""
    rows = (ReportValue.objects.in_parks(parks).filter(indicator=indicator, year=year,
                                                      report__status=Report.Status.APPROVED)
            .values("park_id", "month").annotate(value=Sum("period_value"), ytd=Sum("ytd_value")))
    return {(r["park_id"], r["month"]): (r["value"], r["ytd"]) for r in rows}


@dataclass
class Completion:
    """已报/应报 of a round over some parks."""

    expected: int = 0
    reported: int = 0
    approved: int = 0
    by_status: dict[str, int] = field(default_factory=dict)

    @property
    def rate(self) -> Decimal | None:
        return share(self.reported, self.expected)


def completion(rnd: Round | None, parks: QuerySet[Park]) -> Completion:
    """How many of the round's tasks in ``parks`` are reported (submitted or beyond) and approved."""
    result = Completion()
    if rnd is None:
        return result
    for status, n in (Report.objects.in_parks(parks).filter(round=rnd).values_list("status")
                      .annotate(n=Count("pk")).values_list("status", "n")):
        result.by_status[status] = n
        result.expected += n
        if status in Report.REPORTED:
            result.reported += n
        if status == Report.Status.APPROVED:
            result.approved += n
    return result


def completion_by_park(rnd: Round, parks: QuerySet[Park]) -> list[tuple[Park, Completion]]:
    counts: dict[int, Completion] = defaultdict(Completion)
    for park_id, status, n in (Report.objects.in_parks(parks).filter(round=rnd)
                               .values_list("park_id", "status").annotate(n=Count("pk"))):
        c = counts[park_id]
        c.by_status[status] = n
        c.expected += n
        c.reported += n if status in Report.REPORTED else 0
        c.approved += n if status == Report.Status.APPROVED else 0
    return [(p, counts[p.pk]) for p in parks.order_by("name") if p.pk in counts]


def latest_round(region_code: str, frequency: str = "month") -> Round | None:
    return Round.objects.in_region(region_code).filter(frequency=frequency).order_by(
        "-year", "-month").first()


def latest_approved_period(indicator: Indicator, parks: QuerySet[Park]) -> Period | None:
    """The latest period with approved data for ``indicator`` in ``parks``."""
    row = (Rollup.objects.in_parks(parks).filter(indicator=indicator, segment="all")
           .order_by("-year", "-month").values_list("year", "month").first())
    return (row[0], row[1]) if row else None


@dataclass
class Progress:
    target: Decimal
    done: Decimal | None
    year_elapsed_pct: Decimal

    @property
    def pct(self) -> Decimal | None:
        return share(self.done, self.target)


def target_progress(target: Target, month: int) -> Progress:
    """Progress of a target by the period ending in ``month``: % of target beside % of the year elapsed."""
    parks = (Park.objects.filter(pk=target.park_id) if target.park_id
             else Park.objects.in_region(target.region_id))
    fig = figure(target.indicator, target.year, month, parks)
    return Progress(target=target.value, done=fig.ytd, year_elapsed_pct=share(month, 12) or Decimal(0))


def enterprise_series(enterprise_id: int, indicator: Indicator, years: Iterable[int]) -> list[dict[str, Any]]:
    """One enterprise's approved values of an indicator over periods (for its profile)."""
    rows: Any = (ReportValue.objects.filter(enterprise_id=enterprise_id, indicator=indicator, year__in=list(years),
                                           report__status=Report.Status.APPROVED)
                .order_by("year", "month").values("year", "month", "park_id", "value", "period_value", "ytd_value"))
    return list(rows)


# --------------------------------------------------------------------------- rounds and entries


#: A value this many times the last period's is almost always 元 typed where 万元 is asked.
UNIT_SLIP_RATIO = Decimal("1000")


def period_bounds(frequency: str, year: int, month: int) -> tuple[dt.date, dt.date]:
    """First and last day of the period ending in (year, month)."""
    span = {Frequency.MONTH: 1, Frequency.QUARTER: 3, Frequency.YEAR: 12}[Frequency(frequency)]
    first_month = month - span + 1
    return dt.date(year, first_month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def settled_during(region_code: str, start: dt.date, end: dt.date) -> Any:
    """Settlements of the region's parks that were moved in (入驻) at some time in [start, end]."""
    return (Settlement.objects.in_region(region_code).filter(moved_in_on__isnull=False, moved_in_on__lte=end)
            .filter(Q(exited_on__isnull=True) | Q(exited_on__gte=start))
            .select_related("enterprise", "enterprise__industry"))


@dataclass
class Check:
    """The outcome of checking one entry: errors block, a warning needs an explanation."""

    errors: list[str]
    warning: str = ""


def indicators_for(report: Report) -> list[Indicator]:
    """The round's indicators that apply to the report's enterprise (as it was attributed)."""
    result = []
    for ind in report.round.indicators.all():
        if ind.audience == Indicator.Audience.ABOVE_SCALE:
            if report.above_scale:
                result.append(ind)
        elif ind.applies_to(report.enterprise):
            result.append(ind)
    return result


def previous_values(report: Report, indicators: Iterable[Indicator]) -> dict[int, dict[str, Any]]:
    """For each indicator: last period's value and the same period last year (as entered), for the form."""
    out: dict[int, dict[str, Any]] = {}
    for ind in indicators:
        py, pm = previous_period(ind.frequency, report.round.year, report.round.month)
        rows = dict(((y, m), (v, pv)) for y, m, v, pv in ReportValue.objects.filter(
            enterprise_id=report.enterprise_id, indicator=ind,
            year__in=(py, report.round.year - 1), month__in=(pm, report.round.month),
        ).exclude(report__status=Report.Status.PENDING).values_list("year", "month", "value", "period_value"))
        prev = rows.get((py, pm), (None, None))
        last_year = rows.get((report.round.year - 1, report.round.month), (None, None))
        out[ind.pk] = {"previous": prev[0], "previous_period_value": prev[1], "last_year": last_year[0]}
    return out


def _period_value_of(ind: Indicator, report: Report, value: Decimal) -> Decimal | None:
    """What ``value`` means for the period alone (a cumulative entry minus the last one of the year)."""
    if ind.basis == Indicator.Basis.PERIOD or ind.aggregation == Indicator.Aggregation.LATEST:
        return value
    earlier = (ReportValue.objects.filter(enterprise_id=report.enterprise_id, park_id=report.park_id, indicator=ind,
                                          year=report.round.year, month__lt=report.round.month,
                                          value__isnull=False)
               .order_by("-month").values_list("value", flat=True).first())
    return value - (earlier or 0)


def check_entry(ind: Indicator, report: Report, entry: Entry, entries: Mapping[int, Entry],
                prev: Mapping[str, Any]) -> Check:
    """Validate one entry against the indicator's rules and the enterprise's own history."""
    errors: list[str] = []
    if entry.no_data:
        return Check(errors=[] if entry.no_data_reason.strip() else [
            _("%(name)s: say why there is nothing to report.") % {"name": ind.name}])
    value = entry.value
    if value is None:
        return Check(errors=[])
    if ind.min_value is not None and value < ind.min_value:
        if ind.min_value == 0:
            errors.append(_("%(name)s cannot be negative.") % {"name": ind.name})
        else:
            errors.append(_("%(name)s cannot be less than %(min)s.") % {"name": ind.name, "min": ind.min_value})
    if ind.max_value is not None and value > ind.max_value:
        errors.append(_("%(name)s cannot be more than %(max)s.") % {"name": ind.name, "max": ind.max_value})
    if ind.part_of_id and ind.part_of_id in entries:
        whole = entries[ind.part_of_id].value
        if whole is not None and value > whole:
            errors.append(_("%(name)s cannot exceed %(whole)s.") % {"name": ind.name, "whole": ind.part_of})
    warning = ""
    base = prev.get("previous_period_value")
    current = _period_value_of(ind, report, value)
    change = growth_pct(current, base)
    if change is not None and base is not None and current is not None:
        if base > 0 and current >= base * UNIT_SLIP_RATIO:
            warning = _("%(name)s is %(ratio)s times last period's. Was it entered in 元 instead of %(unit)s?") % {
                "name": ind.name, "ratio": f"{current / base:,.0f}", "unit": ind.unit}
        elif ind.change_threshold_pct is not None and abs(change) > ind.change_threshold_pct:
            warning = _("%(name)s changed by %(change)s%% on last period, beyond the %(limit)s%% check.") % {
                "name": ind.name, "change": f"{change:+.1f}", "limit": f"{ind.change_threshold_pct:g}"}
    if warning and ind.change_action == Indicator.Action.BLOCK:
        errors.append(warning)
        warning = ""
    return Check(errors=errors, warning=warning)
