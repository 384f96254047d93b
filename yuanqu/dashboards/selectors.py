"""The figures of the dashboards (驾驶舱): KPI cards and chart data, each chart as an ECharts option.

Every function takes a :class:`Scope` built from ``Park.objects.visible_to(user)`` (narrowed by the
page's park filter), so no figure crosses a scope. Statistics come from the rollups (one GROUP BY over
``stats_rollup`` per chart, never a scan of raw values), except the top-enterprise lists, which read the
approved values of one indicator and period through its index.

Each chart is a dict ``{"option": <ECharts option>, "money": bool, "empty": bool}``; every data item
carries ``link``, the filtered list behind it, which the page opens on click.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yuanqu.core import numbers
from yuanqu.core.models import IndustryCode
from yuanqu.enterprises.models import Enterprise, Settlement, StageCounts, signed_q
from yuanqu.figures import selectors as figures
from yuanqu.figures.periods import Period
from yuanqu.investment.models import Lead, Project
from yuanqu.parks.models import Park, Unit
from yuanqu.stats import selectors as stats
from yuanqu.stats.models import (
    Indicator,
    Report,
    ReportValue,
    ReportValueQuerySet,
    Rollup,
    RollupQuerySet,
    Round,
)

TOP_N = 10
PARKS_IN_BAR = 20


@dataclass
class Scope:
    """What a dashboard shows: the parks (already scoped to the user), the period and the park filter."""

    user: Any
    parks: QuerySet[Park]
    year: int
    month: int
    park: Park | None = None
    #: The region the scope lies in; leads and projects of briefings (no user) are read by it.
    region_code: str = ""
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def region_wide(self) -> bool:
        """No park filter: leads and projects without a park count too (district roles only)."""
        return self.park is None

    def params(self, **extra: Any) -> str:
        data: dict[str, Any] = {"year": self.year, "month": self.month}
        if self.park is not None:
            data["park"] = self.park.pk
        data.update({k: v for k, v in extra.items() if v is not None})
        return urlencode(data)

    def indicator(self, code: str) -> Indicator | None:
        return self.fig.indicator(code)

    @property
    def fig(self) -> figures.FigureScope:
        """The same scope for the figures layer, where every number of these pages is computed."""
        if "fig" not in self._cache:
            self._cache["fig"] = figures.FigureScope(user=self.user, region_code=self.region_code, parks=self.parks,
                                                     park=self.park)
        return self._cache["fig"]  # type: ignore[no-any-return]

    @property
    def period(self) -> Period:
        """January to the chosen month: the period the cockpit states (1—m月)."""
        return Period.to_month(self.year, self.month)

    @property
    def status(self) -> figures.PeriodStatus:
        """Whether the period's statistics are final, or 快报 with their completion."""
        return figures.period_status(self.fig, self.period)

    def leads(self) -> QuerySet[Lead]:
        qs = (Lead.objects.visible_to(self.user) if self.user is not None
              else Lead.objects.in_region(self.region_code))
        return qs if self.region_wide else qs.in_parks(self.parks)

    def projects(self) -> QuerySet[Project]:
        qs = (Project.objects.visible_to(self.user) if self.user is not None
              else Project.objects.in_region(self.region_code))
        return qs if self.region_wide else qs.in_parks(self.parks)

    def rollups(self) -> RollupQuerySet:
        """The rollups of the scope's parks (and, read for a user, only those the user may see)."""
        qs = Rollup.objects.in_parks(self.parks)
        return qs if self.user is None else qs.visible_to(self.user)

    def values(self) -> ReportValueQuerySet:
        """The reported values of the scope's parks (and, read for a user, only those the user may see)."""
        qs = ReportValue.objects.in_parks(self.parks)
        return qs if self.user is None else qs.visible_to(self.user)


def default_period(parks: QuerySet[Park], region_code: str = "", user: Any = None) -> tuple[int, int]:
    """January to the latest locked (final) monthly round of the region, from the figures layer; a round
    still in progress is one click away, marked 快报."""
    period = figures.default_period(figures.FigureScope(user=user, region_code=region_code, parks=parks))
    return period.year, period.last


def figures_link(scope: Scope, code: str, **extra: Any) -> str:
    """The list of approved enterprise values behind a statistics chart."""
    return reverse("dashboards:figures") + "?" + scope.params(indicator=code, **extra)


# --------------------------------------------------------------------------- rollup sums (one GROUP BY each)


def _rollups(scope: Scope, indicator: Indicator, segment: str = "all") -> QuerySet[Rollup]:
    return scope.rollups().filter(indicator=indicator, segment=segment)


def total(scope: Scope, code: str, year: int | None = None, month: int | None = None) -> dict[str, Any]:
    """An indicator over the scope from the figures layer: value, 累计, reporters, last year's 累计, 同比, and
    whether it is final (快报 otherwise, with its like-for-like growth and completion)."""
    period = Period.to_month(year or scope.year, month or scope.month)
    fig = figures.indicator(scope.fig, period, code)
    if fig is None:
        return {"value": None, "ytd": None, "last_year_ytd": None, "yoy": None, "reporters": 0, "final": False}
    return {"value": fig.value, "ytd": fig.ytd, "reporters": fig.reporters, "last_year_ytd": fig.last_year_ytd,
            "unit": fig.unit, "name": fig.name, "yoy": fig.ytd_yoy, "final": fig.final,
            "like_for_like": fig.like_for_like, "mark": fig.status.mark if fig.status else "",
            "definition": fig.definition, "figure": fig}


def park_totals(scope: Scope, code: str) -> dict[int, Decimal]:
    """park → 累计 of the period (figures layer)."""
    return figures.ytd_by_park(scope.fig, scope.period, code)


# --------------------------------------------------------------------------- KPI cards


def period_end(year: int, month: int) -> dt.date:
    return Period.month(year, month).end


def settlement_grid(scope: Scope) -> dict[int, StageCounts]:
    """park → settlements by stage at the period's end (figures layer; cached per request)."""
    return figures.stage_counts_by_park(scope.fig, min(scope.period.end, timezone.localdate()))


def settlement_counts(scope: Scope) -> StageCounts:
    """Settlements of the scope by stage at the end of the period (figures layer)."""
    return figures.stage_counts(scope.fig, min(scope.period.end, timezone.localdate()))


def kpis(scope: Scope) -> dict[str, Any]:
    """The cockpit's cards, every one from the figures layer with its 口径 (shown on hover)."""
    stock = figures.stock(scope.fig, scope.period)
    flow = figures.flows(scope.fig, scope.period)
    key = figures.key_projects_by_stage(scope.fig, min(scope.period.end, timezone.localdate()))
    key_rows = [(Project.Stage(s).label, key[s]["count"], s) for s in Project.ORDER if key[s]["count"]]
    return {
        "status": scope.status,
        "stock": stock,
        "flow": flow,
        "parks": stock["parks_operating"].value,
        "parks_total": stock["parks"].value,
        "settled": stock["moved_in"].value,
        "signed": stock["signed"].value,
        "new_settled": flow["new_moved_in"].value,
        "new_signed": flow["new_signed"].value,
        "output": total(scope, "output"),
        "tax": total(scope, "tax"),
        "invest_signed": {"count": flow["signed_projects"].value, "amount": flow["signed_investment"].value,
                          "definition": flow["signed_investment"].definition,
                          "leads": flow["lead_signed_investment"]},
        "key_projects": key_rows,
        "key_project_total": sum(n for _label, n, _s in key_rows),
        "key_definition": (f"截至{scope.period.end:%Y年%m月%d日}区级及以上重点项目按当时已达到的阶段计数"
                           "（不含已终止的项目）。"),
        "vacancy": stock["vacancy_rate"].value,
        "vacancy_figure": stock["vacancy_rate"],
        "vacant_area": stock["vacant_area"].value,
        "lettable_area": stock["lettable_area"].value,
    }


def figure_sections(scope: Scope, by: str) -> list[dict[str, Any]]:
    """The figure groups registered with the figures layer (科技服务, 服务诉求 …), each as a section of cards with its
    table ``by`` park (the cockpit) or by the group's own ``detail`` (a park's dashboard: service, field …)."""
    out = []
    for group in figures.groups():
        rows = group.breakdown(scope.fig, scope.period, by) if group.breakdown else []
        out.append({"key": group.key, "title": group.title, "url_name": group.url_name,
                    "figures": list(group.figures(scope.fig, scope.period).values()), "rows": rows, "by": by,
                    "columns": group.columns(by) if group.columns else []})
    return out


# --------------------------------------------------------------------------- chart helpers


def _chart(option: dict[str, Any], *, money: bool = False, empty: bool = False) -> dict[str, Any]:
    """The chart payload. Money is labelled here, by ``yuanqu.core.numbers``, so the browser shows the
    server's words: each data item of a money series (the whole chart when ``money``, else a series marked
    ``yqMoney``) gets its ``yqLabel`` (55亿元, 3265万元; not ``label``, which ECharts reads as a style), and
    each money value axis its ``yqUnit``."""
    money_series = [s for s in option.get("series", []) if money or s.get("yqMoney")]
    largest: Decimal | None = None
    for series in money_series:
        for item in series.get("data", []):
            if isinstance(item, dict) and isinstance(item.get("value"), int | float):
                item["yqLabel"] = numbers.money(Decimal(str(item["value"])))
                value = abs(Decimal(str(item["value"])))
                largest = value if largest is None or value > largest else largest
    axes = [*_as_list(option.get("xAxis")), *_as_list(option.get("yAxis"))]
    for axis in axes:
        # The value axis money is read on: every unnamed one of a money chart, or one marked yqMoney.
        if axis.get("type") == "value" and (axis.get("yqMoney") or (money and not axis.get("name")
                                                                     and axis.get("yqMoney") is not False)):
            axis["yqUnit"] = numbers.money_axis_unit(largest)
    return {"option": option, "money": money, "empty": empty}


def _as_list(axis: Any) -> list[dict[str, Any]]:
    return [] if axis is None else axis if isinstance(axis, list) else [axis]


def _num(value: Any) -> float | None:
    return None if value is None else round(float(value), 2)


def _month_label(m: int) -> str:
    return _("%(month)d月") % {"month": m}


# --------------------------------------------------------------------------- cockpit charts


def chart_output_by_park(scope: Scope) -> dict[str, Any]:
    """Bar: 工业总产值 累计 by park (the largest first), clicking through to the park's enterprise values."""
    ind = scope.indicator("output")
    totals = park_totals(scope, "output")
    top = sorted(totals.items(), key=lambda kv: kv[1], reverse=True)[:PARKS_IN_BAR]
    names = dict(Park.objects.filter(pk__in=[p for p, _v in top]).values_list("pk", "name"))
    data = [{"value": _num(v), "name": names[p], "link": figures_link(scope, "output", park=p)} for p, v in top]
    data.reverse()  # ECharts draws a horizontal bar's first category at the bottom
    return _chart({
        "title": {"text": _("%(name)s by park, year to date") % {"name": ind.name if ind else _("Output")}
                  + _provisional(scope)},
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 110, "right": 30, "top": 40, "bottom": 30},
        "xAxis": {"type": "value", "splitNumber": 4},
        "yAxis": {"type": "category", "data": [d["name"] for d in data]},
        "series": [{"type": "bar", "name": _("Year to date"), "data": data, "itemStyle": {"color": "#206bc4"}}],
    }, money=True, empty=not data)


def chart_output_trend(scope: Scope, code: str = "output") -> dict[str, Any]:
    """Line: the monthly value (当月, not 累计) this year against last year; a month whose round is not locked
    is drawn hollow and named 快报 in the tooltip."""
    ind = scope.indicator(code)
    if ind is None:
        return _chart({}, empty=True)
    rows = figures.monthly_series(scope.fig, scope.year, code)
    months = [r["month"] for r in rows]

    def point(value: Any, link: str, final: bool) -> dict[str, Any]:
        item: dict[str, Any] = {"value": _num(value), "link": link}
        if not final:
            item.update({"symbol": "emptyCircle", "symbolSize": 9, "yqNote": _("Provisional")})
        return item

    this_year = [None if r["month"] > scope.month or r["value"] is None else
                 point(r["value"], figures_link(scope, code, year=scope.year, month=r["month"]), r["final"])
                 for r in rows]
    last_year = [None if r["last_year"] is None else
                 {"value": _num(r["last_year"]), "link": figures_link(scope, code, year=scope.year - 1,
                                                                       month=r["month"])} for r in rows]
    provisional = any(r["month"] <= scope.month and not r["final"] and r["value"] is not None for r in rows)
    title = _("%(name)s by month against last year") % {"name": ind.name}
    return _chart({
        "title": {"text": title + ("（快报）" if provisional else "")},
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 2, "right": 10},
        "grid": {"left": 70, "right": 20, "top": 60, "bottom": 30},
        "xAxis": {"type": "category", "data": [_month_label(m) for m in months]},
        "yAxis": {"type": "value"},
        "series": [
            {"type": "line", "name": _("%(year)d") % {"year": scope.year}, "data": this_year, "smooth": True},
            {"type": "line", "name": _("%(year)d") % {"year": scope.year - 1}, "data": last_year, "smooth": True,
             "lineStyle": {"type": "dashed"}},
        ],
    }, money=ind.unit == "万元", empty=not any(this_year) and not any(last_year))


def chart_industry_mix(scope: Scope) -> dict[str, Any]:
    """Treemap: 工业总产值 累计 by industry section (GB/T 4754 门类), from the figures layer."""
    ind = scope.indicator("output")
    if ind is None:
        return _chart({}, empty=True)
    rows = [(c, name, f.ytd) for c, name, f in figures.by_section(scope.fig, scope.period, "output") if f.ytd]
    data = [{"name": name, "value": _num(v), "link": figures_link(scope, "output", section=c)}
            for c, name, v in rows]
    return _chart({
        "title": {"text": _("Industry mix of %(name)s") % {"name": ind.name} + _provisional(scope)},
        "tooltip": {},
        "series": [{"type": "treemap", "name": ind.name, "data": data, "roam": False, "nodeClick": False,
                    "breadcrumb": {"show": False}, "top": 40, "label": {"show": True}}],
    }, money=True, empty=not data)


def _provisional(scope: Scope) -> str:
    """（快报） after a statistics chart's title when the period's round is not locked."""
    return "（快报）" if scope.status.provisional else ""


def chart_pipeline(scope: Scope) -> dict[str, Any]:
    """Funnel: leads by status (新线索 → 已接洽 → 洽谈中 → 已签约), each opening the filtered lead list."""
    counts = dict(scope.leads().order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    base = reverse("investment:leads") + "?"
    park = {"park": scope.park.pk} if scope.park else {}
    data = [{"name": str(Lead.Status(s).label), "value": counts.get(s, 0),
             "link": base + urlencode({"status": s, **park})} for s in Lead.ORDER]
    return _chart({
        "title": {"text": _("Investment pipeline"), "subtext": _("Current status, not filtered by period")},
        "tooltip": {"trigger": "item"},
        "series": [{"type": "funnel", "name": _("Leads"), "data": data, "sort": "none", "top": 60, "bottom": 10,
                    "minSize": "20%", "label": {"show": True, "position": "inside", "formatter": "{b} {c}"}}],
    }, empty=not any(counts.values()))


def chart_project_stages(scope: Scope) -> dict[str, Any]:
    """Bar: key projects by the stage reached at the period's end, count and total investment, each opening
    the filtered project list."""
    rows = figures.key_projects_by_stage(scope.fig, min(scope.period.end, timezone.localdate()))
    base = reverse("investment:projects") + "?"
    park = {"park": scope.park.pk} if scope.park else {}
    stages = list(Project.ORDER)
    counts = [{"value": rows[s]["count"], "link": base + urlencode({"stage": s, **park})} for s in stages]
    amounts = [{"value": _num(rows[s]["amount"]), "link": base + urlencode({"stage": s, **park})} for s in stages]
    return _chart({
        "title": {"text": _("Key projects by stage")},
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 2, "right": 10},
        "grid": {"left": 50, "right": 70, "top": 60, "bottom": 30},
        "xAxis": {"type": "category", "data": [str(Project.Stage(s).label) for s in stages]},
        "yAxis": [{"type": "value", "minInterval": 1}, {"type": "value", "yqMoney": True, "splitNumber": 4}],
        "series": [{"type": "bar", "name": _("Projects"), "data": counts},
                   {"type": "line", "name": _("Total investment"), "yAxisIndex": 1, "data": amounts,
                    "yqMoney": True}],
    }, empty=not any(rows[s]["count"] for s in stages))


def chart_park_map(scope: Scope) -> dict[str, Any]:
    """Scatter on longitude/latitude (no online tiles): one point per park, sized by enterprises settled."""
    settled = {p: counts.moved_in for p, counts in settlement_grid(scope).items()}
    outputs = park_totals(scope, "output")
    data: list[dict[str, Any]] = []
    # One reverse() for a thousand parks: the pattern with a placeholder, filled in per park.
    pattern = reverse("dashboards:park", args=[0]).replace("/0/", "/{}/") + "?" + urlencode(
        {"year": scope.year, "month": scope.month})
    for pk, name, lng, lat in scope.parks.filter(longitude__isnull=False, latitude__isnull=False).values_list(
            "pk", "name", "longitude", "latitude"):
        point = [float(lng or 0), float(lat or 0), settled.get(pk, 0), _num(outputs.get(pk))]
        data.append({"name": name, "value": point, "yqLabel": numbers.money(outputs.get(pk)),
                     "link": pattern.format(pk)})
    def bounds(i: int) -> dict[str, float]:
        values = [d["value"][i] for d in data] or [0.0]
        pad = max(0.01, (max(values) - min(values)) * 0.15)
        return {"min": round(min(values) - pad, 3), "max": round(max(values) + pad, 3)}

    return _chart({
        "title": {"text": _("Parks on the map")},
        "tooltip": {"trigger": "item", "yqMap": True},
        "grid": {"left": 60, "right": 90, "top": 40, "bottom": 30},
        "xAxis": {"type": "value", **bounds(0), "splitNumber": 4, "splitLine": {"show": False},
                  "axisLabel": {"formatter": "{value}°E"}},
        "yAxis": {"type": "value", **bounds(1), "splitNumber": 4, "splitLine": {"show": False},
                  "axisLabel": {"formatter": "{value}°N"}},
        "series": [{"type": "scatter", "name": _("Parks"), "data": data, "yqSizeByIndex": 2,
                    "label": {"show": len(data) <= 30, "position": "right", "formatter": "{b}"}}],
    }, empty=not data)


def top_enterprises(scope: Scope, code: str, n: int = TOP_N) -> list[dict[str, Any]]:
    """The ``n`` enterprises with the largest approved 累计 of ``code`` in the period."""
    ind = scope.indicator(code)
    if ind is None:
        return []
    qs = (scope.values().filter(indicator=ind, year=scope.year, month=scope.month, ytd_value__isnull=False,
                                report__status=Report.Status.APPROVED)
          .order_by("-ytd_value", "enterprise_id")
          .values("enterprise_id", "enterprise__name", "park__name", "ytd_value")[:n])
    rows: list[dict[str, Any]] = [dict(r) for r in qs]
    return rows


def chart_top(scope: Scope, code: str) -> dict[str, Any]:
    """Bar: the top enterprises by 累计 of ``code``, each opening its profile."""
    ind = scope.indicator(code)
    rows = top_enterprises(scope, code)
    data = [{"value": _num(r["ytd_value"]), "name": r["enterprise__name"],
             "link": reverse("dashboards:enterprise", args=[r["enterprise_id"]]) + "?" + urlencode(
                 {"year": scope.year})} for r in rows]
    data.reverse()
    return _chart({
        "title": {"text": _("Top enterprises by %(name)s") % {"name": ind.name if ind else code} + _provisional(scope)},
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 200, "right": 30, "top": 40, "bottom": 30},
        "xAxis": {"type": "value", "splitNumber": 3},
        "yAxis": {"type": "category", "data": [d["name"] for d in data], "axisLabel": {"width": 190,
                                                                                       "overflow": "truncate"}},
        "series": [{"type": "bar", "name": _("Year to date"), "data": data,
                    "itemStyle": {"color": "#2fb344" if code == "tax" else "#f59f00"}}],
    }, money=True, empty=not data)


# --------------------------------------------------------------------------- park dashboard charts


def chart_unit_status(scope: Scope) -> dict[str, Any]:
    """Pie: the park's units by status, with their area, each opening the park's vacancy board."""
    rows = (Unit.objects.in_parks(scope.parks).order_by().values("status")
            .annotate(n=Count("id"), area=Sum("area_m2")))
    link = reverse("parks:detail", args=[scope.park.pk]) if scope.park else reverse("parks:list")
    data = [{"name": str(Unit.Status(r["status"]).label), "value": r["n"], "area": _num(r["area"]),
             "link": link + "#units"} for r in rows]
    return _chart({
        "title": {"text": _("Units by status"), "subtext": _("Current status, not filtered by period")},
        "tooltip": {"trigger": "item", "yqArea": True},
        "legend": {"bottom": 0},
        "series": [{"type": "pie", "name": _("Units"), "radius": ["35%", "60%"], "center": ["50%", "56%"], "data": data,
                    "label": {"formatter": "{b}: {c}"}}],
    }, empty=not data)


def chart_settlement_stages(scope: Scope) -> dict[str, Any]:
    """Bar: enterprises by settlement stage, each opening the filtered settlement list."""
    counts = settlement_counts(scope)
    base = reverse("enterprises:settlements") + "?"
    park = {"park": scope.park.pk} if scope.park else {}
    data = [{"value": counts.get(s, 0), "link": base + urlencode({"stage": s, **park})} for s in Settlement.ORDER]
    return _chart({
        "title": {"text": _("Enterprises by stage")},
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 40, "right": 20, "top": 40, "bottom": 30},
        "xAxis": {"type": "category", "data": [str(Settlement.Stage(s).label) for s in Settlement.ORDER]},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [{"type": "bar", "name": _("Enterprises"), "data": data, "itemStyle": {"color": "#4299e1"}}],
    }, empty=not any(counts.values()))


def chart_enterprise_industries(scope: Scope) -> dict[str, Any]:
    """Pie: enterprises currently settled (not exited) by industry section."""
    # The park and the stage must hold for the same settlement: an enterprise that left another park still counts.
    same_settlement = Settlement.objects.in_parks(scope.parks).filter(signed_q(period_end(scope.year, scope.month)))
    rows = (Enterprise.objects.filter(pk__in=same_settlement.values("enterprise_id"))
            .order_by().values("industry__section")
            .annotate(n=Count("id", distinct=True)).order_by("-n"))
    codes = [r["industry__section"] for r in rows if r["industry__section"]]
    names = dict(IndustryCode.objects.filter(level=IndustryCode.Level.SECTION, code__in=codes)
                 .values_list("code", "name"))
    base = reverse("enterprises:list") + "?"
    park = {"park": scope.park.pk} if scope.park else {}
    data = [{"name": names.get(r["industry__section"], r["industry__section"] or _("Unclassified")),
             "value": r["n"], "link": base + urlencode({"section": r["industry__section"] or "", **park})}
            for r in rows]
    return _chart({
        "title": {"text": _("Enterprises by industry")},
        "tooltip": {"trigger": "item"},
        "series": [{"type": "pie", "name": _("Enterprises"), "radius": "60%", "top": 30, "data": data,
                    "label": {"formatter": "{b}: {c}"}}],
    }, empty=not data)


def current_round(scope: Scope) -> Round | None:
    """The monthly round of the period's last month in the scope's region (the cockpit's period, not today's)."""
    return scope.fig.rounds().filter(frequency="month", year=scope.year, month=scope.month).first()


def chart_completion(scope: Scope) -> dict[str, Any]:
    """Gauge: 已报/应报 of the current reporting round in the scope's parks."""
    rnd = current_round(scope)
    comp = stats.completion(rnd, scope.parks)
    rate = _num(comp.rate) if comp.rate is not None else 0
    return _chart({
        "title": {"text": _("Reporting completion, %(period)s") % {"period": rnd.period_label if rnd else "—"}},
        "series": [{"type": "gauge", "name": _("Completion"), "min": 0, "max": 100, "progress": {"show": True},
                    "detail": {"formatter": "{value}%", "fontSize": 22},
                    "data": [{"value": rate, "name": f"{comp.reported}/{comp.expected}",
                              "link": figures_link(scope, "output")}]}],
    }, empty=rnd is None or not comp.expected)


# --------------------------------------------------------------------------- enterprise profile


PROFILE_INDICATORS = ("output", "revenue", "tax", "employees")


def enterprise_profile(enterprise: Enterprise, year: int) -> list[dict[str, Any]]:
    """For each main indicator: the enterprise's approved values over two years against its park's median.

    The median is over the approved values of the enterprises reporting in the same park and period.
    """
    out = []
    years = (year - 1, year)
    for code in PROFILE_INDICATORS:
        ind = Indicator.objects.filter(code=code).first()
        if ind is None:
            continue
        own = stats.enterprise_series(enterprise.pk, ind, years)
        if not own:
            continue
        by_period: dict[tuple[int, int], list[Decimal]] = defaultdict(list)
        parks = {r["park_id"] for r in own}
        field = "value" if ind.aggregation == Indicator.Aggregation.LATEST else "period_value"
        for y, m, v in (ReportValue.objects.filter(indicator=ind, year__in=years, park_id__in=parks,
                                                   report__status=Report.Status.APPROVED)
                        .exclude(**{f"{field}__isnull": True}).values_list("year", "month", field)):
            by_period[(y, m)].append(v)
        # A period whose round is not locked is provisional (快报): its point is drawn hollow and named so.
        final = {(y, m) for y, m in Round.objects.in_region(enterprise.region_id).filter(
            frequency=ind.frequency, year__in=years, locked=True).values_list("year", "month")}
        points = []
        for r in own:
            values = by_period.get((r["year"], r["month"]), [])
            points.append({"label": f"{r['year']}-{r['month']:02d}", "own": r[field],
                           "median": statistics.median(values) if values else None,
                           "final": (r["year"], r["month"]) in final})
        out.append({"code": code, "name": ind.name, "unit": ind.unit, "points": points})
    return out


def chart_enterprise(enterprise: Enterprise, year: int, code: str) -> dict[str, Any]:
    """Line: one indicator of the enterprise over time against its park's median."""
    rows = [p for p in enterprise_profile(enterprise, year) if p["code"] == code]
    if not rows:
        return _chart({}, empty=True)
    row = rows[0]
    link = reverse("dashboards:enterprise", args=[enterprise.pk])
    provisional = not all(p["final"] for p in row["points"])

    def own(p: dict[str, Any]) -> dict[str, Any]:
        item: dict[str, Any] = {"value": _num(p["own"]), "link": link}
        if not p["final"]:
            item.update({"symbol": "emptyCircle", "symbolSize": 9, "yqNote": _("Provisional")})
        return item

    return _chart({
        "title": {"text": _("%(name)s against the park median") % {"name": row["name"]}
                  + ("（含快报）" if provisional else "")},
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "grid": {"left": 70, "right": 20, "top": 40, "bottom": 60},
        "xAxis": {"type": "category", "data": [p["label"] for p in row["points"]]},
        "yAxis": {"type": "value"},
        "series": [
            {"type": "line", "name": enterprise.name, "data": [own(p) for p in row["points"]]},
            {"type": "line", "name": _("Park median"), "lineStyle": {"type": "dashed"},
             "data": [{"value": _num(p["median"]), "link": link} for p in row["points"]]},
        ],
    }, money=row["unit"] == "万元", empty=not row["points"])


#: The charts of each dashboard, by the name the page and the data endpoint use.
COCKPIT_CHARTS: dict[str, Callable[[Scope], dict[str, Any]]] = {
    "output_by_park": chart_output_by_park,
    "output_trend": chart_output_trend,
    "industry_mix": chart_industry_mix,
    "pipeline": chart_pipeline,
    "project_stages": chart_project_stages,
    "park_map": chart_park_map,
    "top_output": lambda s: chart_top(s, "output"),
    "top_tax": lambda s: chart_top(s, "tax"),
}
PARK_CHARTS: dict[str, Callable[[Scope], dict[str, Any]]] = {
    "unit_status": chart_unit_status,
    "settlement_stages": chart_settlement_stages,
    "enterprise_industries": chart_enterprise_industries,
    "completion": chart_completion,
    "output_trend": chart_output_trend,
}
CHARTS: dict[str, Callable[[Scope], dict[str, Any]]] = {**COCKPIT_CHARTS, **PARK_CHARTS}


def park_summary(scope: Scope) -> dict[str, Any]:
    """The park dashboard's cards: occupancy, enterprises, completion, output, leads and projects."""
    stock = figures.stock(scope.fig, scope.period)
    units = {"n": Unit.objects.in_parks(scope.parks).count(), "vacant": stock["vacant_units"].value}
    stages = settlement_counts(scope)
    rnd = current_round(scope)
    comp = stats.completion(rnd, scope.parks)
    leads = scope.leads()
    return {
        "status": scope.status,
        "units": units,
        "vacancy": stock["vacancy_rate"].value,
        "settled": stages.moved_in,
        "signed": stages.signed,
        "round": rnd,
        "completion": comp,
        "output": total(scope, "output"),
        "tax": total(scope, "tax"),
        "leads_open": leads.filter(status__in=Lead.OPEN).count(),
        "leads_signed": leads.filter(status=Lead.Status.SIGNED).count(),
        "projects": scope.projects().exclude(stage=Project.Stage.TERMINATED).count(),
    }


def today() -> dt.date:
    return timezone.localdate()
