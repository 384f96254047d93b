"""The named facts a rule may read about an enterprise, and how they are gathered for many at once.

Registry facts come from the enterprise record and its settlements; statistics for the clause's year come
through the figures layer (:mod:`yuanqu.figures.enterprise_values`); derived facts (R&D intensity, growth)
are computed here from those, and are missing whenever a part is missing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.utils import timezone

from yuanqu.enterprises.models import Enterprise, Settlement
from yuanqu.figures.enterprise_values import enterprise_year_values
from yuanqu.parks.models import Park

from .rules import BOOL, LIST, NUMBER, TEXT, UNKNOWN, FactSpec, FactValue

REGISTRY = "企业登记信息"
SETTLEMENTS = "入驻登记"
DERIVED = "由企业统计报表计算"

#: Indicators of the statistics read for a rule (the indicator code is the fact name).
STAT_FACTS = {"revenue": "营业收入", "output": "工业总产值", "tax": "税收", "rnd": "研发投入", "employees": "从业人员",
              "fai": "固定资产投资", "profit": "利润总额"}

FACTS: dict[str, FactSpec] = {spec.name: spec for spec in [
    FactSpec("region", "注册地行政区划代码", TEXT, REGISTRY),
    FactSpec("park", "所在园区", TEXT, SETTLEMENTS),
    FactSpec("parks", "所在园区（全部）", LIST, SETTLEMENTS),
    FactSpec("industry", "行业代码", TEXT, REGISTRY),
    FactSpec("industry_section", "行业门类", TEXT, REGISTRY),
    FactSpec("age_years", "成立年限", NUMBER, REGISTRY, "年"),
    FactSpec("is_high_tech", "高新技术企业", BOOL, REGISTRY),
    FactSpec("srdi_level", "专精特新等级", TEXT, REGISTRY),
    FactSpec("is_srdi", "专精特新企业（省级及以上）", BOOL, REGISTRY),
    FactSpec("is_above_scale", "规模以上企业", BOOL, REGISTRY),
    FactSpec("listing", "上市状态", TEXT, REGISTRY),
    FactSpec("is_listed", "已上市（含新三板）", BOOL, REGISTRY),
    FactSpec("is_incubatee", "在孵企业（入驻孵化器/众创空间）", BOOL, SETTLEMENTS),
    *[FactSpec(code, f"{label}（统计年度）", NUMBER, "企业统计报表", "人" if code == "employees" else "万元")
      for code, label in STAT_FACTS.items()],
    FactSpec("revenue_prev", "营业收入（上一年度）", NUMBER, "企业统计报表", "万元"),
    FactSpec("tax_prev", "税收（上一年度）", NUMBER, "企业统计报表", "万元"),
    FactSpec("rd_intensity", "研发投入强度（研发投入÷营业收入）", NUMBER, DERIVED, "%"),
    FactSpec("revenue_growth", "营业收入增长率", NUMBER, DERIVED, "%"),
    FactSpec("tax_growth", "税收增长率", NUMBER, DERIVED, "%"),
]}

INCUBATOR_KINDS = (Park.Kind.INCUBATOR, Park.Kind.MAKERSPACE)


def _growth(now: FactValue | None, before: FactValue | None, year: int) -> FactValue:
    if now is None or before is None or now.value is UNKNOWN or before.value is UNKNOWN or not before.value:
        return FactValue(UNKNOWN, DERIVED)
    pct = ((Decimal(now.value) - Decimal(before.value)) * 100 / Decimal(before.value)).quantize(Decimal("0.01"))
    return FactValue(pct, DERIVED, dt.date(year, 12, 31))


def facts_for(enterprises: Iterable[Enterprise], year: int,
              today: dt.date | None = None) -> dict[int, dict[str, FactValue]]:
    """Every fact of each enterprise, statistics of ``year`` (and the year before for growth)."""
    ents = list(enterprises)
    today = today or timezone.localdate()
    ids = [e.pk for e in ents]
    settled: dict[int, list[tuple[str, str, dt.date | None]]] = {}
    for eid, name, kind, moved in (Settlement.objects.filter(enterprise_id__in=ids, stage=Settlement.Stage.MOVED_IN)
                                   .order_by("moved_in_on", "pk")
                                   .values_list("enterprise_id", "park__name", "park__kind", "moved_in_on")):
        settled.setdefault(eid, []).append((name, kind, moved))
    stats = enterprise_year_values(ids, year, STAT_FACTS)
    before = enterprise_year_values(ids, year - 1, ("revenue", "tax"))
    out: dict[int, dict[str, FactValue]] = {}
    for e in ents:
        on = e.updated_at.date() if e.updated_at else None
        reg = lambda v, on=on: FactValue(v, REGISTRY, on)  # noqa: E731
        parks = settled.get(e.pk, [])
        srdi = e.srdi_level or ""
        f: dict[str, FactValue] = {
            "region": reg(e.region_id),
            "park": FactValue(parks[0][0] if parks else UNKNOWN, SETTLEMENTS, parks[0][2] if parks else None),
            "parks": FactValue([p[0] for p in parks], SETTLEMENTS, None),
            "industry": reg(e.industry_id or UNKNOWN),
            "industry_section": reg(e.industry.section if e.industry_id and e.industry else UNKNOWN),
            "age_years": reg(Decimal((today - e.established_on).days // 365) if e.established_on else UNKNOWN),
            "is_high_tech": reg(bool(e.is_high_tech)),
            "srdi_level": reg(srdi),
            "is_srdi": reg(srdi in ("provincial", "little_giant")),
            "is_above_scale": reg(bool(e.is_above_scale)),
            "listing": reg(e.listing),
            "is_listed": reg(e.listing != Enterprise.Listing.UNLISTED),
            "is_incubatee": FactValue(any(p[1] in INCUBATOR_KINDS for p in parks), SETTLEMENTS, None),
        }
        mine = stats.get(e.pk, {})
        for code in STAT_FACTS:
            v = mine.get(code)
            f[code] = FactValue(v.value, v.source, v.as_of) if v else FactValue(UNKNOWN, "企业统计报表")
        prev = before.get(e.pk, {})
        for code in ("revenue", "tax"):
            v = prev.get(code)
            f[f"{code}_prev"] = FactValue(v.value, v.source, v.as_of) if v else FactValue(UNKNOWN, "企业统计报表")
        rev, rnd = f["revenue"].value, f["rnd"].value
        f["rd_intensity"] = (FactValue((Decimal(rnd) * 100 / Decimal(rev)).quantize(Decimal("0.01")), DERIVED,
                                       dt.date(year, 12, 31))
                             if rev is not UNKNOWN and rnd is not UNKNOWN and rev else FactValue(UNKNOWN, DERIVED))
        f["revenue_growth"] = _growth(f["revenue"], f["revenue_prev"], year)
        f["tax_growth"] = _growth(f["tax"], f["tax_prev"], year)
        out[e.pk] = f
    return out


def fixture_facts(stated: dict[str, Any]) -> dict[str, FactValue]:
    """The facts of a rule test's fixture enterprise: what it states; anything not stated (or null) is missing."""
    out: dict[str, FactValue] = {}
    for name, value in stated.items():
        if value is None:
            continue
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = Decimal(str(value))
        out[name] = FactValue(value, "规则测试样例")
    return out
