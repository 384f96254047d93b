"""The standard indicator set every district reports (统计局 月报/季报 common indicators)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

#: code, name, unit, frequency, aggregation, basis, department, audience, part_of, required, threshold %, order
STANDARD_INDICATORS: list[dict[str, Any]] = [
    dict(code="output", name="工业总产值", unit="万元", frequency="month", aggregation="sum", basis="cumulative",
         department="区统计局", audience="all", required=True, min_value=Decimal("0"),
         change_threshold_pct=Decimal("300"), sort_order=10),
    dict(code="revenue", name="营业收入", unit="万元", frequency="month", aggregation="sum", basis="cumulative",
         department="区统计局", audience="all", required=True, min_value=Decimal("0"),
         change_threshold_pct=Decimal("300"), sort_order=20),
    dict(code="tax", name="税收", unit="万元", frequency="month", aggregation="sum", basis="cumulative",
         department="区税务局", audience="all", required=True, min_value=Decimal("0"),
         change_threshold_pct=Decimal("300"), sort_order=30),
    dict(code="tax_local", name="税收：地方留存", unit="万元", frequency="month", aggregation="sum",
         basis="cumulative", department="区财政局", audience="all", required=False, min_value=Decimal("0"),
         part_of="tax", sort_order=31),
    dict(code="profit", name="利润总额", unit="万元", frequency="month", aggregation="sum", basis="cumulative",
         department="区统计局", audience="all", required=True, sort_order=40),
    dict(code="employees", name="从业人员", unit="人", frequency="month", aggregation="latest", basis="period",
         department="区人社局", audience="all", required=True, min_value=Decimal("0"),
         change_threshold_pct=Decimal("100"), decimals=0, sort_order=50),
    dict(code="rnd", name="研发投入", unit="万元", frequency="quarter", aggregation="sum", basis="cumulative",
         department="区科技局", audience="all", required=False, min_value=Decimal("0"), sort_order=60),
    dict(code="fai", name="固定资产投资", unit="万元", frequency="month", aggregation="sum", basis="cumulative",
         department="区发改局", audience="all", required=False, min_value=Decimal("0"), sort_order=70),
    dict(code="power", name="用电量", unit="千瓦时", frequency="month", aggregation="sum", basis="period",
         department="区工信局", audience="all", required=False, min_value=Decimal("0"),
         change_threshold_pct=Decimal("300"), decimals=0, sort_order=80),
    dict(code="export", name="出口额", unit="万元", frequency="month", aggregation="sum", basis="cumulative",
         department="区商务局", audience="all", required=False, min_value=Decimal("0"), sort_order=90),
]


def install_standard_indicators(indicator_model: Any) -> int:
    """Create the standard indicators that are missing (by code); returns how many were created."""
    created = 0
    by_code: dict[str, Any] = {}
    for spec in STANDARD_INDICATORS:
        fields = {k: v for k, v in spec.items() if k not in ("code", "part_of")}
        if spec.get("part_of"):
            fields["part_of"] = by_code.get(spec["part_of"]) or indicator_model.objects.get(code=spec["part_of"])
        obj, made = indicator_model.objects.get_or_create(code=spec["code"], defaults=fields)
        by_code[spec["code"]] = obj
        created += int(made)
    return created
