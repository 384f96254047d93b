"""A clause's amount rule: a fixed sum, a rate of a fact, or banded rates, capped; checked at save.

Stored as JSON next to the eligibility rule::

    {"fixed": 200000}                                        # 元
    {"rate_pct": 10, "of": "rnd"}                            # 10% of 研发投入 (万元 → 元)
    {"of": "rnd", "band_by": "rd_intensity",
     "bands": [{"min": 5, "rate_pct": 15}, {"min": 3, "rate_pct": 10}]}   # the first band whose min ≤ value

The clause's cap (元) applies last. Facts in 万元 are turned into 元.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from .rules import NUMBER, UNKNOWN, FactSpec, FactValue, RuleError

KEYS = {"fixed", "rate_pct", "of", "band_by", "bands"}
WAN = Decimal(10000)


def _dec(value: Any, position: str) -> Decimal:
    if isinstance(value, bool):
        raise RuleError(position, "必须是数值。")
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise RuleError(position, "必须是数值。") from exc
    if not d.is_finite() or d < 0:
        raise RuleError(position, "必须是不小于 0 的数值。")
    return d


def validate_amount(rule: Any, facts: Mapping[str, FactSpec]) -> None:
    """Refuse an amount rule that is not one of the three shapes, names an unknown or non-numeric fact, or has a
    negative number; the position is named."""
    if rule in (None, {}):
        return
    if not isinstance(rule, dict):
        raise RuleError("金额规则", "必须是 JSON 对象。")
    unknown = set(rule) - KEYS
    if unknown:
        raise RuleError("金额规则", f"未知的键：{'、'.join(sorted(unknown))}。")
    if "fixed" in rule:
        if set(rule) != {"fixed"}:
            raise RuleError("金额规则", "固定金额（fixed）不能与比例或分档同时使用。")
        _dec(rule["fixed"], "金额规则 › fixed")
        return
    for key in ("of", "band_by"):
        if key in rule:
            name = rule[key]
            if name not in facts:
                raise RuleError(f"金额规则 › {key}", f"未知的事实“{name}”。")
            if facts[name].type != NUMBER:
                raise RuleError(f"金额规则 › {key}", f"事实“{facts[name].label}”不是数值。")
    if "of" not in rule:
        raise RuleError("金额规则", "写明固定金额（fixed），或按哪个事实计算（of）。")
    if "bands" in rule:
        if "band_by" not in rule or not isinstance(rule["bands"], list) or not rule["bands"]:
            raise RuleError("金额规则 › bands", "分档需要 band_by 和至少一档 {\"min\": …, \"rate_pct\": …}。")
        for i, band in enumerate(rule["bands"]):
            here = f"金额规则 › bands › 第{i + 1}档"
            if not isinstance(band, dict) or set(band) != {"min", "rate_pct"}:
                raise RuleError(here, "每档写 {\"min\": 下限, \"rate_pct\": 比例}。")
            _dec(band["min"], f"{here} › min")
            _dec(band["rate_pct"], f"{here} › rate_pct")
    elif "rate_pct" in rule:
        _dec(rule["rate_pct"], "金额规则 › rate_pct")
    else:
        raise RuleError("金额规则", "按事实计算时写比例（rate_pct）或分档（bands）。")


def compute_amount(rule: Mapping[str, Any], facts: Mapping[str, FactValue],
                   cap: Decimal | None) -> tuple[Decimal | None, str]:
    """The amount in 元 (None when a fact it needs is missing) and how it was reached, in words."""
    if not rule:
        return None, "本条款无金额（非现金政策）。"
    if "fixed" in rule:
        amount = Decimal(str(rule["fixed"]))
        how = f"固定金额 {amount:,.0f} 元"
    else:
        base = facts.get(rule["of"])
        if base is None or base.value is UNKNOWN:
            return None, f"缺少“{rule['of']}”，无法计算金额。"
        rate: Decimal | None = None
        if "bands" in rule:
            by = facts.get(rule["band_by"])
            if by is None or by.value is UNKNOWN:
                return None, f"缺少“{rule['band_by']}”，无法确定档位。"
            for band in sorted(rule["bands"], key=lambda b: Decimal(str(b["min"])), reverse=True):
                if Decimal(str(by.value)) >= Decimal(str(band["min"])):
                    rate = Decimal(str(band["rate_pct"]))
                    break
            if rate is None:
                return Decimal(0), f"{rule['band_by']} = {by.value}，低于最低档，金额为 0。"
        else:
            rate = Decimal(str(rule["rate_pct"]))
        amount = (Decimal(str(base.value)) * WAN * rate / 100).quantize(Decimal("0.01"))
        how = f"{rule['of']} {base.value} 万元 × {rate}% = {amount:,.2f} 元"
    if cap is not None and amount > cap:
        return cap, f"{how}，超过上限，按上限 {cap:,.0f} 元"
    return amount, how
