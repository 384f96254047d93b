"""The scoring of a 亩均效益 evaluation against a table worked by hand, the class cut-offs at their boundaries, and the
methods refused (weights not 100, overlapping cut-offs, a benchmark of 0), each naming the item."""

from __future__ import annotations

import copy
from decimal import Decimal as D
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from yuanqu.evaluation.method import template, validate
from yuanqu.evaluation.scoring import Inputs, Outcome, grade, score

METHOD: dict[str, Any] = {
    "scoring": {"rule": "benchmark", "cap": 1.2},
    "missing": "average",
    "power_kgce_per_kwh": "0.1229",
    "categories": [
        {"code": "tenant", "name": "租赁企业", "rule": "tenant", "indicators": [
            {"code": "tax_per_mu", "weight": 70, "benchmark": 20},
            {"code": "revenue_per_mu", "weight": 30, "benchmark": 400}]},
        {"code": "above", "name": "规上工业企业", "rule": "above_scale", "indicators": [
            {"code": "tax_per_mu", "weight": 50, "benchmark": 30},
            {"code": "value_added_per_energy", "weight": 30, "benchmark": 4},
            {"code": "rd_ratio", "weight": 20, "benchmark": 3}]},
    ],
    "bonus": [{"source": "is_high_tech", "name": "高新技术企业", "points": 3},
              {"source": "safety_incident", "name": "安全事故", "points": -10}],
    "exclusions": [{"rule": "utility", "name": "公用事业单位"},
                   {"rule": "new_production", "name": "投产不满2年", "years": 2},
                   {"rule": "relocated", "name": "政策性搬迁"}],
    "classes": {"mode": "percentile", "within": "all", "cuts": [
        {"grade": "A", "top": 20}, {"grade": "B", "top": 50}, {"grade": "C", "top": 80}, {"grade": "D", "top": 100}]},
}


def tenant(key: int, m2: str, tax: str, revenue: str | None, *flags: str) -> Inputs:
    return Inputs(key=key, industrial=True, owns_land=False, leased_m2=D(m2), tax=D(tax),
                  revenue=D(revenue) if revenue else None, flags=frozenset(flags))


def owner(key: int, mu: str, tax: str, revenue: str, rnd: str | None, va: str | None, kwh: str, other: str = "0",
          years: int | None = 5) -> Inputs:
    return Inputs(key=key, industrial=True, above_scale=True, owns_land=True, land_parcel_mu=D(mu), tax=D(tax),
                  revenue=D(revenue), rnd=D(rnd) if rnd else None, value_added=D(va) if va else None,
                  power_kwh=D(kwh), other_energy_tce=D(other), production_years=years)


TABLE = [
    # E1 tenant 2000㎡ = 3亩 (×15/10000). 亩均税收 90/3 = 30.00 → 70 × min(1.5, 1.2) = 84.00;
    #    亩均营收 1500/3 = 500.00 → 30 × min(1.25, 1.2) = 36.00; 高新 +3 → 123.00. Rank 1 of 8: 0% ahead → A.
    tenant(1, "2000", "90", "1500", "is_high_tech"),
    # E2 1000㎡ = 1.5亩. 15/1.5 = 10.00 → 70 × 0.5 = 35.00; 300/1.5 = 200.00 → 30 × 0.5 = 15.00 → 50.00.
    #    Rank 7: 6/8 = 75% ahead → C.
    tenant(2, "1000", "15", "300"),
    # E3 4000㎡ = 6亩. 60/6 = 10.00 → 35.00; 营收 missing → the tenants' average (36 + 15 + 36)/3 = 29.00 → 64.00.
    #    Rank 4: 37.5% → B.
    tenant(3, "4000", "60", None),
    # E4 3000㎡ = 4.5亩. 45/4.5 = 10.00 → 35.00; 2700/4.5 = 600.00 → 30 × 1.2 (cap) = 36.00; 安全事故 −10 → 61.00.
    #    Rank 5: 50% ahead, not below 50 → C.
    tenant(4, "3000", "45", "2700", "safety_incident"),
    # E5 a utility: T, not scored, and its revenue does not enter the average.
    tenant(5, "1000", "200", "9000", "utility"),
    # E6 10亩. 40.00 → 50 × 1.2 = 60.00; energy 5,000,000 kWh × 0.1229/1000 = 614.5 tce, 2000/614.5 = 3.25 →
    #    30 × 3.25/4 = 24.375 → 24.38; R&D 150/5000 = 3.00% → 20.00 → 104.38. Rank 2: 12.5% → A.
    owner(6, "10", "400", "5000", "150", "2000", "5000000"),
    # E7 20亩. 15.00 → 25.00; energy 1229 + 271 = 1500 tce, 3000/1500 = 2.00 → 15.00; 50/10000 = 0.50% →
    #    20 × 0.5/3 = 3.33 → 43.33. Rank 8: 87.5% → D.
    owner(7, "20", "300", "10000", "50", "3000", "10000000", "271"),
    # E8 5亩. 20.00 → 33.33; 增加值 missing → energy indicator by the average (24.38 + 15.00 + 36.00)/3 = 25.13;
    #    60/2000 = 3.00% → 20.00 → 78.46. Rank 3: 25% → B.
    owner(8, "5", "100", "2000", "60", None, "3000000"),
    # E9 in production 1 year (< 2): T.
    owner(9, "6", "500", "8000", "400", "3000", "100000", years=1),
    # E10 8亩. 0.00 → 0.00; 800/122.9 = 6.51 → 30 × 1.2 = 36.00; R&D missing → (20.00 + 3.33 + 20.00)/3 = 14.44 →
    #    50.44. Rank 6: 62.5% → C.
    owner(10, "8", "0", "1000", None, "800", "1000000"),
]
EXPECTED = {  # key: (category, total, class)
    1: ("tenant", "123.00", "A"), 2: ("tenant", "50.00", "C"), 3: ("tenant", "64.00", "B"),
    4: ("tenant", "61.00", "C"), 5: ("tenant", None, "T"), 6: ("above", "104.38", "A"), 7: ("above", "43.33", "D"),
    8: ("above", "78.46", "B"), 9: ("above", None, "T"), 10: ("above", "50.44", "C"),
}


def test_it_scores_the_hand_worked_table() -> None:
    validate(METHOD)
    out = {o.key: o for o in score(METHOD, TABLE)}
    got = {k: (o.category, str(o.total) if o.total is not None else None, o.grade) for k, o in out.items()}
    assert got == EXPECTED
    assert out[6].scores == {"tax_per_mu": D("60.00"), "value_added_per_energy": D("24.38"), "rd_ratio": D("20.00")}
    assert out[6].energy_tce == D("614.50") and out[1].land_mu == D("3.00")
    assert out[3].imputed == ["revenue_per_mu"] and out[3].scores["revenue_per_mu"] == D("29.00")
    assert out[8].imputed == ["value_added_per_energy"] and out[8].values["value_added_per_energy"] is None
    assert out[5].excluded == ["公用事业单位"] and out[9].excluded == ["投产不满2年"]
    assert out[4].bonus == D("-10") and out[1].bonus_items == ["高新技术企业"]


def test_it_scores_missing_data_as_zero_when_the_method_says_so() -> None:
    spec = {**METHOD, "missing": "zero"}
    out = {o.key: o for o in score(spec, TABLE)}
    assert out[3].total == D("35.00")  # 营收 missing → 0
    assert out[10].total == D("36.00")


def test_it_scores_min_max() -> None:
    spec = copy.deepcopy(METHOD)
    spec["scoring"] = {"rule": "minmax"}
    out = {o.key: o for o in score(spec, TABLE)}
    # 亩均税收 among tenants 1–4: 30, 10, 10, 10 → E1 70 × (20 + 80) / 100 = 70.00; E2 70 × 20/100 = 14.00.
    assert out[1].scores["tax_per_mu"] == D("70.00") and out[2].scores["tax_per_mu"] == D("14.00")
    # 营收: 500, 200, 600 → E1 30 × (20 + 80 × 300/400)/100 = 24.00.
    assert out[1].scores["revenue_per_mu"] == D("24.00")


def _grades(totals: list[str], cuts: list[tuple[str, int]], mode: str = "percentile") -> list[str]:
    key = "top" if mode == "percentile" else "min"
    spec = {"classes": {"mode": mode, "within": "all", "cuts": [{"grade": g, key: v} for g, v in cuts]}}
    outcomes = [Outcome(key=i, category="x", total=D(t)) for i, t in enumerate(totals)]
    grade(spec, outcomes)
    return [o.grade for o in outcomes]


def test_it_puts_percentile_boundaries_and_ties_where_the_rule_says() -> None:
    cuts = [("A", 20), ("B", 60), ("C", 95), ("D", 100)]
    # 20 enterprises, all different: ranks 1–4 have 0–15% ahead → A; the 5th has exactly 20% ahead → B (not A);
    # the 12th has 55% → B, the 13th 60% → C; the 19th 90% → C; the 20th 95% → D (bottom 5%).
    twenty = [str(100 - i) for i in range(20)]
    assert _grades(twenty, cuts) == ["A"] * 4 + ["B"] * 8 + ["C"] * 7 + ["D"]
    # A tie across the A/B boundary: the 4th and 5th share 3 ahead (15%) → both A.
    tied = twenty[:4] + [twenty[3]] + twenty[5:]
    assert _grades(tied, cuts)[:6] == ["A"] * 5 + ["B"]
    # Ten enterprises: 9 ahead = 90% < 95 → nobody is D (bottom 5% of ten is less than one enterprise).
    assert "D" not in _grades([str(i) for i in range(10)], cuts)


def test_it_puts_score_boundaries_on_the_floor() -> None:
    cuts = [("A", 90), ("B", 70), ("C", 50), ("D", 0)]
    assert _grades(["90", "89.99", "70", "50", "49.99", "0"], cuts, "score") == ["A", "B", "B", "C", "D", "D"]


@pytest.mark.parametrize("change, message", [
    (lambda s: s["categories"][2]["indicators"][0].update(weight=35), "类别「规上工业企业」的权重合计为95，应为100。"),
    (lambda s: s["categories"][0]["indicators"][1].update(benchmark=0),
     "类别「服务业企业」指标「亩均营业收入」的基准值为0，应大于0。"),
    (lambda s: s["classes"]["cuts"][2].update(top=50), "C类的分界与上一类重叠：排名比例50%不大于上一类的60%。"),
])
def test_it_refuses_a_method_naming_the_item(change: Any, message: str) -> None:
    validate(template())
    spec = template()
    change(spec)
    with pytest.raises(ValidationError) as exc:
        validate(spec)
    assert message in exc.value.messages
