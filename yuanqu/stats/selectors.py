"""Reads of the statistics app: aggregates by park, region, industry and period from the rollups.

Every function takes the parks to aggregate as a queryset the caller has already scoped
(``Park.objects.visible_to(user)``, narrowed as the page asks), so no figure crosses a scope.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from yuanqu.core.models import IndustryCode
from yuanqu.core.numbers import growth_pct, in_unit, plain, rounded, share, times
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
    period_label,
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

    @property
    def approved_rate(self) -> Decimal | None:
        """已审核/应报: the share the figures count."""
        return share(self.approved, self.expected)


def provisional_mark(completion: Completion | None) -> str:
    """What every surface shows beside a period whose round is not locked: 快报 with the completion of its last
    round (已审核/应报), or that nothing is reported yet."""
    if completion is None or not completion.expected:
        return "快报：本期尚未开展统计"
    rate = completion.approved_rate
    return (f"快报（初步数）：统计尚未结束，已审核 {completion.approved}/{completion.expected} 户"
            + (f"（{rate:.1f}%）" if rate is not None else ""))


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


#: A value this many times the one it is compared with is almost always 元 typed where 万元 is asked.
UNIT_SLIP_RATIO = Decimal("1000")
#: From this multiple up a rise is said in 倍 (约为上月的 4.2 倍); below it in % (比上月增长 50%).
TIMES_FROM = Decimal("2")
#: Units a value typed in 元 by mistake lands in (10,000 times too large).
WAN_UNITS = ("万元",)


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


def derive_series(indicator: Indicator, values: Sequence[Decimal | None]) -> list[tuple[Decimal | None,
                                                                                        Decimal | None]]:
    """(the period alone, 累计) of each of one enterprise's values of ``indicator`` over a year, in period order.

    The one rule the stored values (``services.rederive``) and the report form's figures both follow: a
    cumulative entry's period is what the total grew by since the last entry of the year (all of it for the
    first: January, or the month the enterprise arrived); a period entry's 累计 is the sum (or the average) of
    the year's entries; a latest value (a head-count) is both. A missing value has neither.
    """
    out: list[tuple[Decimal | None, Decimal | None]] = []
    period_values: list[Decimal] = []
    last_cumulative = Decimal(0)
    for value in values:
        if value is None:
            out.append((None, None))
        elif indicator.aggregation == Indicator.Aggregation.LATEST:
            out.append((value, value))
        elif indicator.basis == Indicator.Basis.CUMULATIVE:
            out.append((value - last_cumulative, value))
            last_cumulative = value
        else:
            period_values.append(value)
            total = sum(period_values, Decimal(0))
            out.append((value, total if indicator.aggregation == Indicator.Aggregation.SUM
                        else total / len(period_values)))
    return out


def period_words(frequency: str) -> dict[str, str]:
    """The words the report form and its checks use for ``frequency``: 本月, 上月, 去年同月 and 当月 (the month
    alone, beside a 累计) for a monthly indicator; 本季, 上季, 去年同季, 当季 for a quarterly one."""
    if frequency == Frequency.QUARTER:
        return {"this": pgettext("report", "this quarter"), "previous": pgettext("report", "last quarter"),
                "last_year": pgettext("report", "the same quarter last year"),
                "alone": pgettext("report", "the quarter alone")}
    if frequency == Frequency.YEAR:
        return {"this": pgettext("report", "this year"), "previous": pgettext("report", "last year"),
                "last_year": pgettext("report", "last year"), "alone": pgettext("report", "the year alone")}
    return {"this": pgettext("report", "this month"), "previous": pgettext("report", "last month"),
            "last_year": pgettext("report", "the same month last year"),
            "alone": pgettext("report", "the month alone")}


@dataclass(frozen=True)
class Past:
    """One earlier period's figures of an indicator for an enterprise: as entered, for the period alone, 累计."""

    year: int
    month: int
    value: Decimal | None = None
    period: Decimal | None = None
    ytd: Decimal | None = None


@dataclass
class History:
    """What the report form shows beside one indicator's input, and what the indicator's check compares with.

    ``previous`` is the last period (上月), ``last_year`` the same period a year before (去年同月); ``earlier``
    the (month, value) entered this year before this period in the report's park, from which a typed value's
    period alone and 累计 are derived exactly as they will be stored.
    """

    indicator: Indicator
    year: int
    month: int
    previous: Past
    last_year: Past
    earlier: list[tuple[int, Decimal | None]] = field(default_factory=list)

    @property
    def cumulative(self) -> bool:
        """Entered as 累计, so the period alone is derived from it."""
        ind = self.indicator
        return ind.basis == Indicator.Basis.CUMULATIVE and ind.aggregation != Indicator.Aggregation.LATEST

    @property
    def adds_up(self) -> bool:
        """Whether a 累计 means anything: not for a value at the period's end (a head-count)."""
        return self.indicator.aggregation != Indicator.Aggregation.LATEST

    def derive(self, value: Decimal | None) -> tuple[Decimal | None, Decimal | None]:
        """(the period alone, 累计) of ``value`` typed for this period."""
        if value is None:
            return None, None
        return derive_series(self.indicator, [v for _m, v in self.earlier] + [value])[-1]

    @property
    def earlier_total(self) -> tuple[int, Decimal] | None:
        """The last value entered this year before this period, with its month."""
        for month, value in reversed(self.earlier):
            if value is not None:
                return month, value
        return None

    @property
    def against(self) -> str:
        """What the period alone is compared with: ``previous`` (上月), or ``last_year`` (去年同月) for a cumulative
        indicator in the first period of its year.

        December alone is the year's closing month (year-end settlement, deliveries pushed into the year), so a
        January held against it would trip the check in an ordinary year; January against last January is the
        like-for-like comparison, and the warning says so.
        """
        if self.cumulative and self.previous.year != self.year:
            return "last_year"
        return "previous"

    @property
    def base(self) -> Past:
        """The period the check compares with (see :attr:`against`)."""
        return self.previous if self.against == "previous" else self.last_year


def history_for(report: Report, indicators: Iterable[Indicator]) -> dict[int, History]:
    """Per indicator, what the report form shows beside the input and the check compares with, in one query:
    the enterprise's last period and same period last year (reports not started left out; the report's park
    first where the enterprise reported in two), and this year's earlier entries in the report's park."""
    inds = list(indicators)
    year, month = report.round.year, report.round.month
    rows = (ReportValue.objects.filter(enterprise_id=report.enterprise_id, indicator__in=inds,
                                       year__in=(year - 1, year))
            .order_by("year", "month")
            .values_list("indicator_id", "park_id", "year", "month", "value", "period_value", "ytd_value",
                         "report__status"))
    earlier: dict[int, list[tuple[int, Decimal | None]]] = defaultdict(list)
    found: dict[tuple[int, int, int], Past] = {}
    for ind_id, park_id, y, m, value, period, ytd, status in rows:
        same_park = park_id == report.park_id
        if same_park and y == year and m < month:
            earlier[ind_id].append((m, value))
        if status != Report.Status.PENDING and (same_park or (ind_id, y, m) not in found):
            found[(ind_id, y, m)] = Past(y, m, value, period, ytd)
    out: dict[int, History] = {}
    for ind in inds:
        py, pm = previous_period(ind.frequency, year, month)
        out[ind.pk] = History(indicator=ind, year=year, month=month,
                              previous=found.get((ind.pk, py, pm), Past(py, pm)),
                              last_year=found.get((ind.pk, year - 1, month), Past(year - 1, month)),
                              earlier=earlier[ind.pk])
    return out


def change_warning(ind: Indicator, history: History, value: Decimal) -> str:
    """The warning for a value far from the one it is compared with, or a 累计 below the last one.

    It names both figures as the form shows them beside the input (the period alone, in the indicator's unit and
    decimals) and computes the ratio or the % from those very figures, so what it says is what the user gets
    with a calculator. Empty when nothing trips.
    """
    period, ytd = history.derive(value)
    if period is None:
        return ""
    words = period_words(ind.frequency)
    places = ind.decimals

    def fig(amount: Decimal | None) -> str:
        return in_unit(amount, ind.unit, places)

    current = rounded(period, places)
    earlier = history.earlier_total
    if history.cumulative and current < 0 and earlier is not None and ind.min_value is not None \
            and ind.min_value >= 0:
        month, total = earlier
        when = (words["previous"] if (history.year, month) == (history.previous.year, history.previous.month)
                else period_label(ind.frequency, history.year, month))
        return _("%(name)s: the total to date, %(ytd)s, is below the total of %(when)s (%(earlier)s), which "
                 "makes %(this)s %(current)s. Check the total.") % {
            "name": ind.name, "ytd": fig(ytd), "when": when, "earlier": fig(total), "this": words["this"],
            "current": fig(current)}
    past = history.base
    if past.period is None:
        return ""
    base = rounded(past.period, places)
    change = growth_pct(current, base)
    if change is None:
        return ""
    slip = base > 0 and current >= base * UNIT_SLIP_RATIO
    limit = ind.change_threshold_pct
    if not slip and (limit is None or abs(change) <= limit):
        return ""
    params = {"name": ind.name, "this": words["this"], "current": fig(current), "against": words[history.against],
              "base": fig(base)}
    if base > 0 and current >= base * TIMES_FROM:
        comparison = _("%(name)s for %(this)s: %(current)s, about %(times)s %(against)s (%(base)s)") % {
            **params, "times": times(current / base)}
    elif change >= 0:
        comparison = _("%(name)s for %(this)s: %(current)s, up %(pct)s%% on %(against)s (%(base)s)") % {
            **params, "pct": plain(change, 1)}
    else:
        comparison = _("%(name)s for %(this)s: %(current)s, down %(pct)s%% on %(against)s (%(base)s)") % {
            **params, "pct": plain(-change, 1)}
    if slip and ind.unit in WAN_UNITS:
        return _("%(comparison)s. Was it entered in 元? This indicator is in %(unit)s.") % {
            "comparison": comparison, "unit": ind.unit}
    return _("%(comparison)s.") % {"comparison": comparison}


def check_entry(ind: Indicator, entry: Entry, entries: Mapping[int, Entry], history: History) -> Check:
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
    if errors:  # a value refused already: no comparison to add to it
        return Check(errors=errors)
    warning = change_warning(ind, history, value)
    if warning and ind.change_action == Indicator.Action.BLOCK:
        errors.append(_("%(warning)s That is beyond the change %(name)s accepts: check the value and enter it "
                        "again.") % {"warning": warning, "name": ind.name})
        warning = ""
    return Check(errors=errors, warning=warning)
