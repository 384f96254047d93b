"""Reads of the statistics app: aggregates by park, region, industry and period from the rollups.

Every function takes the parks to aggregate as a queryset the caller has already scoped
(``Park.objects.visible_to(user)``, narrowed as the page asks), so no figure crosses a scope.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from yuanqu.core.models import IndustryCode
from yuanqu.parks.models import Park

from .models import Indicator, Report, ReportValue, Rollup, Round, Target, months_of, previous_period

Period = tuple[int, int]


def change_pct(new: Decimal | None, old: Decimal | None) -> Decimal | None:
    """Growth in % (同比/环比); None when there is nothing to compare with."""
    if new is None or old is None or old == 0:
        return None
    return (Decimal(new) - Decimal(old)) / abs(Decimal(old)) * 100


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
        return change_pct(self.ytd, self.last_year_ytd)

    @property
    def value_yoy_pct(self) -> Decimal | None:
        """同比 of the period alone."""
        return change_pct(self.value, self.last_year)

    @property
    def mom_pct(self) -> Decimal | None:
        """环比."""
        return change_pct(self.value, self.previous)


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
        return None if not self.expected else Decimal(self.reported) * 100 / self.expected


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
        if self.done is None or not self.target:
            return None
        return self.done * 100 / self.target


def target_progress(target: Target, month: int) -> Progress:
    """Progress of a target by the period ending in ``month``: % of target beside % of the year elapsed."""
    parks = (Park.objects.filter(pk=target.park_id) if target.park_id
             else Park.objects.in_region(target.region_id))
    fig = figure(target.indicator, target.year, month, parks)
    return Progress(target=target.value, done=fig.ytd, year_elapsed_pct=Decimal(month) * 100 / 12)


def enterprise_series(enterprise_id: int, indicator: Indicator, years: Iterable[int]) -> list[dict[str, Any]]:
    """One enterprise's approved values of an indicator over periods (for its profile)."""
    rows: Any = (ReportValue.objects.filter(enterprise_id=enterprise_id, indicator=indicator, year__in=list(years),
                                           report__status=Report.Status.APPROVED)
                .order_by("year", "month").values("year", "month", "park_id", "value", "period_value", "ytd_value"))
    return list(rows)
