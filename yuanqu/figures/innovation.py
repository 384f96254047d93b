"""Figures of 科技服务 (issue 15): technology contracts by period, kind, field, direction and park; incubation
stocks and flows; an incubator's recognition checklist against 《科技企业孵化器管理办法》(国科发区〔2018〕300号)
第八条; the field groups of the annual 火炬统计 return; an enterprise's approved statistic of a year.

The innovation app (floor 5) shows these through ``core.registry.providers`` (registered in ``FiguresConfig.ready``),
the cockpit through ``core.registry.cockpit_cards``: the numbers are computed here once, as of the period (stocks at
its end from the dated states, flows within it).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone

from yuanqu.core.numbers import share
from yuanqu.enterprises.models import Enterprise
from yuanqu.innovation.models import (
    FinancingEvent,
    Incubatee,
    IncubateeYear,
    Incubator,
    IncubatorYear,
    TechContract,
    TechField,
    Threshold,
)
from yuanqu.parks.models import Park

from .periods import Period
from .selectors import Column, Figure, FigureGroup, FigureScope, indicator, register_group

SOURCE_CONTRACTS = "技术合同登记（按登记日期）"
SOURCE_INCUBATION = "孵化器在孵企业登记（入孵、毕业等各状态的日期）"
Rule = Threshold.Rule
ZERO = Decimal(0)


# --------------------------------------------------------------------------- an enterprise's reported year


def enterprise_year_value(enterprise: Enterprise, year: int, code: str) -> Decimal | None:
    """The enterprise's approved 累计 to December of ``year`` for indicator ``code`` (万元), or None when it has
    no approved report of that year."""
    parks = Park.objects.filter(settlements__enterprise=enterprise).distinct()
    scope = FigureScope(user=None, region_code=enterprise.region_id or "", parks=parks, enterprise=enterprise)
    fig = indicator(scope, Period.whole_year(year), code)
    if fig is None or not fig.reporters or fig.ytd is None:
        return None
    return fig.ytd


# --------------------------------------------------------------------------- technology contracts


def _contracts(scope: FigureScope) -> QuerySet[TechContract]:
    """The scope's contracts: the user's (or the region's), narrowed to its park when one is chosen."""
    qs = (TechContract.objects.visible_to(scope.user) if scope.user is not None
          else TechContract.objects.in_region(scope.region_code))
    if scope.park is not None:
        qs = qs.filter(park=scope.park)
    elif not scope.region_wide:
        qs = qs.in_parks(scope.parks)
    if scope.enterprise is not None:
        qs = qs.filter(Q(seller=scope.enterprise) | Q(buyer=scope.enterprise))
    return qs


def contracts_in(scope: FigureScope, period: Period) -> QuerySet[TechContract]:
    """The scope's contracts registered within the period."""
    return _contracts(scope).filter(registered_on__range=(period.start, period.end))


def contract_figures(scope: FigureScope, period: Period) -> dict[str, Figure]:
    """技术合同成交额 and count within the period, and the 输出 (seller in the district) and 吸纳 (buyer in the
    district) parts."""
    span = f"{period.label}内"
    agg = contracts_in(scope, period).aggregate(
        n=Count("id"), total=Sum("total_wan"), tech=Sum("tech_wan"),
        out_n=Count("id", filter=Q(seller_in_district=True)), out=Sum("total_wan", filter=Q(seller_in_district=True)),
        in_n=Count("id", filter=Q(buyer_in_district=True)), in_=Sum("total_wan", filter=Q(buyer_in_district=True)))
    out = [
        Figure("contracts", "技术合同登记数", agg["n"], "项", f"{span}登记的技术合同数（按登记日期）。",
               SOURCE_CONTRACTS),
        Figure("contract_amount", "技术合同成交额", agg["total"] or ZERO, "万元",
               f"{span}登记的技术合同的合同交易总额之和（按登记日期）。", SOURCE_CONTRACTS),
        Figure("contract_tech_amount", "技术交易额", agg["tech"] or ZERO, "万元",
               f"{span}登记的技术合同中技术交易额之和（不含设备、原材料等非技术部分）。", SOURCE_CONTRACTS),
        Figure("contracts_out", "输出技术合同数", agg["out_n"], "项", f"{span}卖方为本区单位的技术合同数。",
               SOURCE_CONTRACTS),
        Figure("contract_amount_out", "输出技术合同成交额", agg["out"] or ZERO, "万元",
               f"{span}卖方为本区单位的技术合同成交额。", SOURCE_CONTRACTS),
        Figure("contracts_in", "吸纳技术合同数", agg["in_n"], "项", f"{span}买方为本区单位的技术合同数。",
               SOURCE_CONTRACTS),
        Figure("contract_amount_in", "吸纳技术合同成交额", agg["in_"] or ZERO, "万元",
               f"{span}买方为本区单位的技术合同成交额。", SOURCE_CONTRACTS),
    ]
    return {f.key: f for f in out}


def contracts_by(scope: FigureScope, period: Period, dimension: str) -> list[dict[str, Any]]:
    """Count and 成交额 within the period by ``kind``, ``field`` or ``park``, largest amount first."""
    qs = contracts_in(scope, period)
    if dimension == "kind":
        labels: dict[Any, str] = {k.value: str(k.label) for k in TechContract.Kind}
        key = "kind"
    elif dimension == "field":
        labels, key = {k.value: str(k.label) for k in TechField}, "field"
    elif dimension == "park":
        labels = dict(Park.objects.filter(pk__in=qs.values("park")).values_list("pk", "name"))
        key = "park"
    else:
        raise ValueError(dimension)
    rows = qs.order_by().values(key).annotate(n=Count("id"), amount=Sum("total_wan"), tech=Sum("tech_wan"))
    out = [{"key": r[key], "label": labels.get(r[key], "—"), "count": r["n"], "amount": r["amount"] or ZERO,
            "tech": r["tech"] or ZERO} for r in rows]
    return sorted(out, key=lambda r: (-r["amount"], str(r["label"])))


def contract_card(scope: FigureScope, period: Period) -> dict[str, Any] | None:
    """The cockpit's 技术合同成交额 card: the amount within the period, the count beside it."""
    figs = contract_figures(scope, period)
    amount, count = figs["contract_amount"], figs["contracts"]
    query = {"from": period.start.isoformat(), "to": period.end.isoformat()}
    if scope.park is not None:
        query["park"] = str(scope.park.pk)
    return {"id": "kpi-contracts", "label": amount.label, "value": amount.value, "unit": amount.unit,
            "sub": f"{count.value}{count.unit}", "definition": amount.definition,
            "link": f"{reverse('innovation:contracts')}?{urlencode(query)}"}


# --------------------------------------------------------------------------- incubation


def _incubatees(scope: FigureScope) -> QuerySet[Incubatee]:
    qs = (Incubatee.objects.visible_to(scope.user) if scope.user is not None
          else Incubatee.objects.in_region(scope.region_code))
    return qs if scope.region_wide else qs.filter(incubator__park__in=scope.parks)


def in_incubation_q(on: dt.date) -> Q:
    """In incubation at the end of ``on``: entered by then, and not ended by then."""
    return Q(entered_on__lte=on) & (Q(ended_on__isnull=True) | Q(ended_on__gt=on))


def incubation_figures(scope: FigureScope, period: Period) -> dict[str, Figure]:
    """在孵企业 at the period's end; new entries and graduations within it."""
    end = min(period.end, timezone.localdate())
    qs = _incubatees(scope)
    out = [
        Figure("incubatees", "在孵企业", qs.filter(in_incubation_q(end)).count(), "家",
               f"截至{end:%Y年%m月%d日}已入孵且尚未毕业、迁出或注销的企业数。", SOURCE_INCUBATION),
        Figure("incubatees_new", "新入孵企业", qs.filter(entered_on__range=(period.start, period.end)).count(), "家",
               f"{period.label}内入孵的企业数（按入孵日期）。", SOURCE_INCUBATION),
        Figure("graduated", "毕业企业", qs.filter(status=Incubatee.Status.GRADUATED,
                                               ended_on__range=(period.start, period.end)).count(), "家",
               f"{period.label}内毕业的在孵企业数（按毕业日期）。", SOURCE_INCUBATION),
    ]
    return {f.key: f for f in out}


# --------------------------------------------------------------------------- an incubator's checklist


@dataclass(frozen=True)
class Criterion:
    """One recognition criterion: what it asks, what the incubator has, whether it is met, and the gap."""

    code: str
    label: str
    required: str
    actual: str
    met: bool
    gap: str
    basis: str


def _as_of(year: int) -> dt.date:
    today = timezone.localdate()
    return min(dt.date(year, 12, 31), today)


def _fmt(value: Decimal | int | float | None, places: int = 1) -> str:
    if value is None:
        return "—"
    d = Decimal(str(value)).quantize(Decimal(1).scaleb(-places))
    return f"{d.normalize():f}" if d == d.to_integral() else f"{d:f}"


def checklist(incubator: Incubator, year: int) -> dict[str, Any]:
    """The incubator against the recognition criteria of 第八条 at the end of ``year`` (today for this year),
    with the 专业 variants for a specialised incubator: each criterion, the incubator's figure and the gap."""
    on = _as_of(year)
    variant = "specialised" if incubator.kind == Incubator.Kind.SPECIALISED else ""

    def rule(code: str) -> tuple[Decimal, str]:
        row = (Threshold.objects.filter(rule=code, variant=variant).first() if variant else None) \
            or Threshold.objects.get(rule=code, variant="")
        return Decimal(row.value), row.basis

    current = list(Incubatee.objects.filter(incubator=incubator).filter(in_incubation_q(on)))
    n = len(current)
    ids = [i.pk for i in current]
    area = Decimal(incubator.area_m2)
    used = sum((Decimal(i.area_m2) for i in current), ZERO) + Decimal(incubator.public_area_m2)
    financed = (FinancingEvent.objects.filter(incubatee_id__in=ids, on__lte=on).values("incubatee").distinct().count()
                if ids else 0)
    mentors = incubator.mentors.count()
    years = IncubateeYear.objects.filter(incubatee_id__in=ids, year__lte=year)
    applied = years.filter(patents_applied__gt=0).values("incubatee").distinct().count() if ids else 0
    latest: dict[int, int] = {}
    for inc, _yr, valid in years.order_by("incubatee", "year").values_list("incubatee", "year", "valid_ip"):
        latest[inc] = valid
    valid_ip = sum(1 for v in latest.values() if v > 0)
    graduated = Incubatee.objects.filter(incubator=incubator, status=Incubatee.Status.GRADUATED,
                                         ended_on__lte=on).count()
    rows: list[Criterion] = []

    def add(code: str, label: str, required: Decimal, actual: Decimal | int | None, unit: str, basis: str,
            gap_unit: str | None = None, whole: bool = False) -> None:
        met = actual is not None and Decimal(actual) >= required
        gap_value = None if met or actual is None else required - Decimal(actual)
        if gap_value is not None and whole:
            gap_value = Decimal(math.ceil(gap_value))
        rows.append(Criterion(code, label, f"≥ {_fmt(required)}{unit}", f"{_fmt(actual)}{unit}", met,
                              "" if gap_value is None else f"还差{_fmt(gap_value)}{gap_unit or unit}", basis))

    req, basis = rule(Rule.REC_MIN_AREA_M2)
    add("area", "可自主支配的孵化场地面积", req, area, "平方米", basis)
    req, basis = rule(Rule.REC_MIN_AREA_USED_PCT)
    add("area_used", "在孵企业使用面积（含公共服务面积）占比", req, share(used, area) if area else None, "%", basis,
        gap_unit="个百分点")
    req, basis = rule(Rule.REC_MIN_FUND_WAN)
    add("fund", "孵化资金规模", req, incubator.fund_wan, "万元", basis)
    req, basis = rule(Rule.REC_MIN_FINANCED_PCT)
    add("financed", "获得投融资的在孵企业占比", req, share(financed, n) if n else None, "%", basis,
        gap_unit="个百分点")
    for code, label, value, rule_code in (("staff", "专业孵化服务人员", incubator.staff, Rule.REC_STAFF_PER_10),
                                          ("mentors", "创业导师", mentors, Rule.REC_MENTORS_PER_10)):
        per10, basis = rule(rule_code)
        need = Decimal(math.ceil(Decimal(n) / 10 * per10)) if n else per10
        add(code, f"{label}（每10家在孵企业至少{_fmt(per10)}名）", need, value, "名", basis, whole=True)
    req_a, basis_a = rule(Rule.REC_PATENT_APPLIED_PCT)
    req_v, basis_v = rule(Rule.REC_VALID_IP_PCT)
    pct_a = share(applied, n) if n else None
    pct_v = share(valid_ip, n) if n else None
    ip_met = (pct_a is not None and pct_a >= req_a) or (pct_v is not None and pct_v >= req_v)
    rows.append(Criterion("ip", "已申请专利的在孵企业占比，或拥有有效知识产权的企业占比",
                          f"≥ {_fmt(req_a)}% 或 ≥ {_fmt(req_v)}%", f"{_fmt(pct_a)}% / {_fmt(pct_v)}%", ip_met,
                          "" if ip_met or pct_a is None or pct_v is None else
                          f"申请专利占比还差{_fmt(req_a - pct_a)}个百分点，"
                          f"或有效知识产权占比还差{_fmt(req_v - pct_v)}个百分点",
                          f"{basis_a}；{basis_v.rsplit('：', 1)[-1]}"))
    req, basis = rule(Rule.REC_MIN_INCUBATEES)
    add("incubatees", "在孵企业数", req, n, "家", basis, whole=True)
    req, basis = rule(Rule.REC_MIN_PER_1000M2)
    add("density", "每千平方米平均在孵企业数", req, (Decimal(n) * 1000 / area) if area else None, "家", basis)
    req, basis = rule(Rule.REC_MIN_GRADUATED)
    add("graduated", "累计毕业企业", req, graduated, "家", basis, whole=True)
    return {"as_of": on, "year": year, "variant": variant, "rows": rows, "met": sum(1 for r in rows if r.met),
            "total": len(rows), "incubatees": n}


# --------------------------------------------------------------------------- the 火炬统计 return


def torch_return(incubator: Incubator, year: int) -> list[tuple[str, str, Any, str]]:
    """The annual 火炬统计 return of an incubator in its field groups: (group, field, value, unit). Income is what
    the incubator recorded for the year; the rest is computed from the records; the incubatees' revenue and R&D
    are their approved statistics where they exist, else what they declared to the incubator."""
    on = _as_of(year)
    start = dt.date(year, 1, 1)
    income = IncubatorYear.objects.filter(incubator=incubator, year=year).first()
    everyone = Incubatee.objects.filter(incubator=incubator)
    current = list(everyone.filter(in_incubation_q(on)).select_related("enterprise"))
    during = list(everyone.filter(entered_on__lte=on).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
                  .select_related("enterprise"))
    declared = {(r.incubatee_id, r.year): r for r in IncubateeYear.objects.filter(incubatee__in=during, year=year)}
    revenue = rd = ZERO
    reported_n = 0
    for inc in during:
        for code, attr in (("revenue", "revenue_wan"), ("rnd", "rd_wan")):
            value = enterprise_year_value(inc.enterprise, year, code)
            if value is not None and code == "revenue":
                reported_n += 1
            if value is None:
                row = declared.get((inc.pk, year))
                value = getattr(row, attr) if row is not None else None
            if value is not None:
                if code == "revenue":
                    revenue += value
                else:
                    rd += value
    equity = FinancingEvent.objects.filter(incubatee__incubator=incubator, on__lte=on,
                                           round__in=FinancingEvent.EQUITY)
    ids = [i.pk for i in current]
    used = sum((Decimal(i.area_m2) for i in current), ZERO)

    def money(attr: str) -> Decimal:
        return Decimal(getattr(income, attr)) if income is not None else ZERO

    total_income = sum((money(a) for a in ("income_service_wan", "income_property_wan", "income_investment_wan",
                                           "income_other_wan")), ZERO)
    return [
        ("孵化器收入", "总收入", total_income, "万元"),
        ("孵化器收入", "其中：综合服务收入", money("income_service_wan"), "万元"),
        ("孵化器收入", "其中：物业收入", money("income_property_wan"), "万元"),
        ("孵化器收入", "其中：投资收入", money("income_investment_wan"), "万元"),
        ("孵化器收入", "其中：其他收入", money("income_other_wan"), "万元"),
        ("从业人员", "专业孵化服务人员", incubator.staff, "人"),
        ("从业人员", "创业导师", incubator.mentors.count(), "人"),
        ("场地", "孵化场地面积", incubator.area_m2, "平方米"),
        ("场地", "其中：在孵企业使用面积", used, "平方米"),
        ("场地", "其中：公共服务面积", incubator.public_area_m2, "平方米"),
        ("在孵企业", "在孵企业数（年末）", len(current), "家"),
        ("在孵企业", "当年新入孵企业数", everyone.filter(entered_on__range=(start, on)).count(), "家"),
        ("在孵企业", "当年毕业企业数", everyone.filter(status=Incubatee.Status.GRADUATED,
                                                ended_on__range=(start, on)).count(), "家"),
        ("在孵企业", "累计毕业企业数",
         everyone.filter(status=Incubatee.Status.GRADUATED, ended_on__lte=on).count(), "家"),
        ("在孵企业经济", "在孵企业总收入", revenue, "万元"),
        ("在孵企业经济", "其中：取自统计报表的企业数", reported_n, "家"),
        ("在孵企业经济", "在孵企业研发投入", rd, "万元"),
        ("投融资", "累计获风险投资额", equity.aggregate(s=Sum("amount_wan"))["s"] or ZERO, "万元"),
        ("投融资", "当年获投融资企业数", FinancingEvent.objects.filter(
            incubatee_id__in=ids, on__range=(start, on)).values("incubatee").distinct().count() if ids else 0, "家"),
        ("孵化资金", "孵化资金总额", incubator.fund_wan, "万元"),
    ]


def contract_stats(user: Any, park: Park | None, year: int, quarter: int = 0) -> dict[str, Any]:
    """The contract figures of a user's scope (or one of its parks) for a year or one of its quarters, and their
    breakdowns by kind, field and park: what the statistics page shows and exports."""
    from .selectors import scope_for

    scope = scope_for(user, park=park)
    period = Period.quarter(year, quarter) if 1 <= quarter <= 4 else Period.whole_year(year)
    return {"period": period, "figures": contract_figures(scope, period),
            "by": {d: contracts_by(scope, period, d) for d in ("kind", "field", "park")}}


def group_figures(scope: FigureScope, period: Period) -> dict[str, Figure]:
    """The 科技服务 figure group: 技术合同 within the period, then incubation (在孵 at its end, entries and
    graduations within it)."""
    return {**contract_figures(scope, period), **incubation_figures(scope, period)}


def group_breakdown(scope: FigureScope, period: Period, by: str) -> list[dict[str, Any]]:
    """技术合同 by park (the cockpit) or by technology field (``detail``, a park's dashboard)."""
    return contracts_by(scope, period, "park" if by == "park" else "field")


def group_columns(by: str) -> list[Column]:
    return [Column("label", "园区" if by == "park" else "技术领域", "text"), Column("count", "技术合同（项）"),
            Column("amount", "成交额（万元）", "amount"), Column("tech", "技术交易额（万元）", "amount")]


def register() -> None:
    """Offer these figures to the apps below and the cockpit (called from ``FiguresConfig.ready``)."""
    from yuanqu.core.registry import cockpit_cards, providers

    providers.provide("enterprise_year_value", enterprise_year_value)
    providers.provide("innovation.checklist", checklist)
    providers.provide("innovation.torch_return", torch_return)
    providers.provide("innovation.contract_stats", contract_stats)
    providers.provide("innovation.incubation_figures", incubation_figures)
    cockpit_cards.register("innovation.contracts", contract_card, order=10)
    register_group(FigureGroup(key="innovation", title="科技服务：技术合同与孵化培育", order=5, figures=group_figures,
                               breakdown=group_breakdown, columns=group_columns, url_name="innovation:contracts"))
