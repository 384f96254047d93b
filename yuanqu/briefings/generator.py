"""Writing a briefing: the figures of a scope and period, read through the same selectors as the dashboards
(so the bulletin and the cockpit state the same numbers), and a Chinese narrative in the style of a
government bulletin (政务简报), with its tables and chart data.

The bulletin is Chinese by nature, so its text is written in Chinese here rather than translated; numbers
follow ``yuanqu.core.numbers`` (亿元/万元 by magnitude, 同比增长/下降, 个百分点 for rates).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count
from django.utils import timezone

from yuanqu.core import numbers as n
from yuanqu.dashboards import selectors as dash
from yuanqu.dashboards.selectors import Scope
from yuanqu.figures import selectors as figure_layer
from yuanqu.investment.models import Lead, Project
from yuanqu.parks.models import Park
from yuanqu.stats import selectors as stats
from yuanqu.stats.models import Round

from .models import Briefing

#: The indicators of the main table, in order.
TABLE_INDICATORS = ("output", "revenue", "tax", "profit", "employees", "rnd", "fai", "export")
#: A park name that already says what it is takes no 园区 suffix.
PLACE_SUFFIXES = ("园区", "园", "区", "中心", "谷", "大厦", "楼", "基地", "港", "城")


def place_name(park: Park) -> str:
    """生命药洲 → 生命药洲园区; 崂山科创园 stays as it is."""
    return park.name if park.name.endswith(PLACE_SUFFIXES) else f"{park.name}园区"


def scope_for(briefing: Briefing) -> Scope:
    """The parks of the briefing's scope: its park, or every park of its region."""
    if briefing.park_id:
        parks = Park.objects.filter(pk=briefing.park_id)
    else:
        parks = Park.objects.in_region(briefing.region_id)
    return Scope(user=None, parks=parks, year=briefing.year, month=briefing.month, park=briefing.park,
                 region_code=briefing.region_id)


def _dec(value: Any) -> str | None:
    return None if value is None else str(value)


def collect(scope: Scope) -> dict[str, Any]:
    """Every figure the bulletin states, as plain JSON (Decimals as strings)."""
    stages = dash.settlement_counts(scope)
    figures: dict[str, Any] = {
        "parks": scope.parks.count(),
        "settled": stages.moved_in,
        "signed": stages.signed,
        "new_settled": figure_layer.flows(scope.fig, scope.period)["new_moved_in"].value,
        "indicators": {},
    }
    for code in TABLE_INDICATORS:
        ind = scope.indicator(code)
        if ind is None:
            continue
        t = dash.total(scope, code)
        if t["ytd"] is None and t["last_year_ytd"] is None:
            continue
        figures["indicators"][code] = {"name": ind.name, "unit": ind.unit, "ytd": _dec(t["ytd"]),
                                       "last_year_ytd": _dec(t["last_year_ytd"]), "yoy": _dec(t["yoy"]),
                                       "reporters": t["reporters"], "is_rate": ind.is_rate}
    output = scope.indicator("output")
    if output is not None:
        above = stats.figure(output, scope.year, scope.month, scope.parks, segment="above")
        figures["above_output"] = {"ytd": _dec(above.ytd), "last_year_ytd": _dec(above.last_year_ytd),
                                   "yoy": _dec(above.yoy_pct), "reporters": above.reporters}
        figures["by_park"] = [
            {"park": p.name, "ytd": _dec(f.ytd), "yoy": _dec(f.yoy_pct), "last_year_ytd": _dec(f.last_year_ytd)}
            for p, f in stats.by_park(output, scope.year, scope.month, scope.parks) if f.ytd is not None]
        figures["by_industry"] = [
            {"code": code, "name": name, "ytd": _dec(f.ytd), "yoy": _dec(f.yoy_pct)}
            for code, name, f in stats.by_industry(output, scope.year, scope.month, scope.parks)
            if f.ytd is not None]
        figures["monthly"] = [{"month": r["month"], "value": _dec(r["value"]), "last_year": _dec(r["last_year"])}
                              for r in stats.series(output, scope.year, scope.parks, until_month=scope.month)]
    projects = scope.projects()
    flow = figure_layer.flows(scope.fig, scope.period)
    agg = {"n": flow["signed_projects"].value, "amount": flow["signed_investment"].value}
    key_by_stage = dict(projects.filter(level__in=dash.KEY_LEVELS).exclude(stage=Project.Stage.TERMINATED)
                        .order_by().values_list("stage").annotate(k=Count("id")).values_list("stage", "k"))
    figures["projects"] = {"signed": agg["n"] or 0, "signed_amount": _dec(agg["amount"] or Decimal(0)),
                           "key_total": sum(key_by_stage.values()), "key_by_stage": key_by_stage}
    leads = scope.leads()
    figures["leads"] = {"open": leads.filter(status__in=Lead.OPEN).count(),
                        "signed": leads.filter(status=Lead.Status.SIGNED).count()}
    rnd = Round.objects.in_region(scope.region_code).filter(frequency="month", year=scope.year,
                                                            month=scope.month).first()
    comp = stats.completion(rnd, scope.parks)
    figures["completion"] = {"period": rnd.period_label if rnd else "", "expected": comp.expected,
                             "reported": comp.reported, "rate": _dec(comp.rate)}
    return figures


def _d(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _with_growth(amount: str, yoy: str | None) -> str:
    phrase = n.growth(_d(yoy))
    return f"{amount}，{phrase}" if phrase else amount


def write(briefing: Briefing) -> dict[str, Any]:
    """The bulletin's content: title, paragraphs, tables and charts, from the scope's live figures."""
    scope = scope_for(briefing)
    f = collect(scope)
    name = place_name(briefing.park) if briefing.park else briefing.region.name
    period = briefing.period_label
    ind = f["indicators"]
    paragraphs: list[str] = []

    # 1. Settlement and output: "生命药洲园区已吸引52家企业入驻，2022年实现产值55亿元，同比增长x%。"
    first = f"{name}已吸引{f['settled']}家企业入驻"
    if briefing.park is None:
        first = f"{name}{f['parks']}个园区已吸引{f['settled']}家企业入驻"
    if f["signed"] > f["settled"]:
        first += f"，另有{f['signed'] - f['settled']}家已签约、尚未入驻"
    if "output" in ind and ind["output"]["ytd"] is not None:
        first += f"，{period}实现产值{_with_growth(n.money(_d(ind['output']['ytd'])), ind['output']['yoy'])}"
    paragraphs.append(first + "。")

    # 2. The other main indicators, and the 规上 share in 个百分点.
    parts = []
    for code, verb in (("revenue", "实现营业收入"), ("tax", "实现税收"), ("profit", "实现利润总额")):
        if code in ind and ind[code]["ytd"] is not None:
            parts.append(f"{verb}{_with_growth(n.quantity(_d(ind[code]['ytd']), ind[code]['unit']), ind[code]['yoy'])}")
    if "employees" in ind and ind["employees"]["ytd"] is not None:
        parts.append(f"从业人员{n.quantity(_d(ind['employees']['ytd']), '人')}")
    if parts:
        paragraphs.append(f"{period}，{name}" + "；".join(parts) + "。")
    above = f.get("above_output") or {}
    if "output" in ind and above.get("ytd") is not None:
        share_now = n.share(_d(above["ytd"]), _d(ind["output"]["ytd"]))
        share_then = n.share(_d(above.get("last_year_ytd")), _d(ind["output"]["last_year_ytd"]))
        whole = "全区" if briefing.park is None else "园区"
        sentence = (f"其中，规模以上企业{above['reporters']}家，实现产值"
                    f"{_with_growth(n.money(_d(above['ytd'])), above.get('yoy'))}，占{whole}产值的{n.pct(share_now)}")
        if share_now is not None and share_then is not None:
            sentence += f"，比上年同期{n.points(n.pct_points(share_now, share_then))}"
        paragraphs.append(sentence + "。")

    # 3. Parks (a region) or industries (a park).
    if briefing.park is None and f.get("by_park"):
        total_ytd = _d(ind["output"]["ytd"]) if "output" in ind else None
        parks = f["by_park"]
        if len(parks) > 3:
            leaders = parks[:3]
            names = "、".join(f"{p['park']}（{n.money(_d(p['ytd']))}）" for p in leaders)
            top_share = n.share(sum((_d(p["ytd"]) or Decimal(0) for p in leaders), Decimal(0)), total_ytd)
            paragraphs.append(f"分园区看，产值居前的是{names}，合计占全区的{n.pct(top_share)}。")
        else:
            top = parks[0]
            amount = _with_growth(n.money(_d(top["ytd"])), top["yoy"])
            paragraphs.append(f"分园区看，{top['park']}产值最高，为{amount}，"
                              f"占全区的{n.pct(n.share(_d(top['ytd']), total_ytd))}。")
    elif f.get("by_industry"):
        total_ytd = _d(ind["output"]["ytd"]) if "output" in ind else None
        lead = f["by_industry"][0]
        paragraphs.append(f"分行业看，{lead['name']}实现产值{_with_growth(n.money(_d(lead['ytd'])), lead['yoy'])}，"
                          f"占园区产值的{n.pct(n.share(_d(lead['ytd']), total_ytd))}。")

    # 4. Investment promotion.
    pr, leads = f["projects"], f["leads"]
    inv = (f"{period}，新签约项目{pr['signed']}个，总投资{n.money(_d(pr['signed_amount']))}" if pr["signed"]
           else f"{period}，暂无新签约项目")
    if pr["key_total"]:
        stages = [(Project.Stage(s).label, k) for s, k in pr["key_by_stage"].items()]
        detail = "、".join(f"{label}{k}个" for label, k in sorted(stages, key=lambda x: -x[1]))
        inv += f"；在库重点项目{pr['key_total']}个，其中{detail}"
    inv += f"；在跟进招商线索{leads['open']}条，已签约{leads['signed']}条。"
    paragraphs.append(inv)

    # 5. Reporting.
    comp = f["completion"]
    if comp["expected"]:
        paragraphs.append(f"{comp['period']}统计填报应报{comp['expected']}家，已报{comp['reported']}家，"
                          f"完成率{n.pct(_d(comp['rate']))}。")

    # Tables.
    main_rows = []
    for code in TABLE_INDICATORS:
        if code not in ind:
            continue
        row = ind[code]
        change = n.points(_d(row["yoy"])) if row["is_rate"] else (n.pct(_d(row["yoy"])) if row["yoy"] else "—")
        main_rows.append([row["name"], n.quantity(_d(row["ytd"]), row["unit"]),
                          n.quantity(_d(row["last_year_ytd"]), row["unit"]), change])
    tables = [{"title": f"表1 {name}{period}主要经济指标",
               "header": ["指标", "本期累计", "上年同期", "同比"], "rows": main_rows}]
    charts = []
    if briefing.park is None and f.get("by_park"):
        total_ytd = _d(ind["output"]["ytd"]) if "output" in ind else None
        tables.append({"title": "表2 各园区产值", "header": ["园区", "产值累计", "同比", "占全区比重"],
                       "rows": [[p["park"], n.money(_d(p["ytd"])), n.pct(_d(p["yoy"])),
                                 n.pct(n.share(_d(p["ytd"]), total_ytd))] for p in f["by_park"][:20]]})
        charts.append({"title": "图1 各园区产值（累计）", "kind": "hbar", "unit": "万元",
                       "labels": [p["park"] for p in f["by_park"][:12]],
                       "series": [{"name": str(briefing.year), "values": [p["ytd"] for p in f["by_park"][:12]]}]})
    elif f.get("by_industry"):
        total_ytd = _d(ind["output"]["ytd"]) if "output" in ind else None
        tables.append({"title": "表2 分行业产值", "header": ["行业门类", "产值累计", "同比", "占比"],
                       "rows": [[r["name"], n.money(_d(r["ytd"])), n.pct(_d(r["yoy"])),
                                 n.pct(n.share(_d(r["ytd"]), total_ytd))] for r in f["by_industry"]]})
    if f.get("monthly") and any(m["value"] or m["last_year"] for m in f["monthly"]):
        charts.append({"title": f"图{len(charts) + 1} 分月产值（当月）", "kind": "bars", "unit": "万元",
                       "labels": [f"{m['month']}月" for m in f["monthly"]],
                       "series": [{"name": f"{briefing.year}年", "values": [m["value"] for m in f["monthly"]]},
                                  {"name": f"{briefing.year - 1}年",
                                   "values": [m["last_year"] for m in f["monthly"]]}]})
    title = f"{name}{period}经济运行简报"
    return {"title": title, "issuer": briefing.region.name, "date": timezone.localdate().strftime("%Y年%-m月%-d日"),
            "paragraphs": paragraphs, "tables": tables, "charts": charts, "figures": f}
