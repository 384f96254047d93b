"""The scoring of a 亩均效益 evaluation as a pure function: each enterprise's figures in, its category, indicators,
scores, total and class out. No database: the run service (:mod:`yuanqu.evaluation.services`) gathers the figures
through the figures layer and the input records, and stores what this returns.

Arithmetic, stated once so a hand-worked table can check it:

- land (亩): an enterprise with its own land uses the parcel's area; a tenant its leased floor area ÷ 666.67 ÷ the
  method's ``tenant_plot_ratio``. Energy (吨标煤) = 用电量 (kWh) × ``power_kgce_per_kwh`` ÷ 1000 + other energy.
- an indicator is numerator ÷ denominator (× 100 for a %), rounded half up to 0.01; missing when either is
  missing or the denominator is not above 0.
- ``benchmark``: score = weight × min(max(value, 0) ÷ benchmark, cap), rounded to 0.01.
  ``minmax``: over the category's evaluated enterprises that have the value, score = weight × (20 + 80 × (v − min)
  ÷ (max − min)) ÷ 100 (weight when max = min), rounded to 0.01.
- a missing indicator scores, under ``average``, the average (to 0.01) of the category's evaluated enterprises'
  scores of it (0 when none has it); under ``zero``, 0.
- total = the indicators' scores + bonus points (negative for a penalty).
- classes by ``percentile``: within the category (``classes.within`` = "category", the default) or the whole run
  ("all"), an enterprise's share ahead = (evaluated enterprises with a strictly higher total) ÷ (evaluated
  enterprises) × 100; its class is the first whose ``top`` is above that share. Equal totals share a class: at a
  boundary, a tie lifts both into the better class. By ``score``: the first class whose ``min`` the total reaches.
- T (not evaluated): an exclusion holds (utility, in production fewer than ``years`` years, relocated), or no
  category takes the enterprise.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .method import EXCLUSION_RULES, INDICATORS, POWER_KGCE_PER_KWH

CENT = Decimal("0.01")
T = "T"
OUT_OF_SCOPE = "不属于本办法的评价类别"


def q(value: Decimal) -> Decimal:
    """Rounded half up to 0.01, as every published score is."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Inputs:
    """One enterprise's figures for the evaluated year (万元, 人, kWh, 吨, 亩, ㎡), None where unknown."""

    key: int
    name: str = ""
    industrial: bool = True
    above_scale: bool = False
    owns_land: bool = False
    land_parcel_mu: Decimal | None = None
    leased_m2: Decimal | None = None
    tax: Decimal | None = None
    revenue: Decimal | None = None
    value_added: Decimal | None = None
    rnd: Decimal | None = None
    employees: Decimal | None = None
    power_kwh: Decimal | None = None
    other_energy_tce: Decimal | None = None
    emission_t: Decimal | None = None
    #: Whole years in production by the end of the evaluated year (None: not known, never excluded for it).
    production_years: int | None = None
    #: is_high_tech, is_srdi, is_listed, safety_incident, environment_violation, utility, relocated.
    flags: frozenset[str] = frozenset()


@dataclass
class Outcome:
    """What the method makes of one enterprise."""

    key: int
    category: str = ""
    land_mu: Decimal | None = None
    energy_tce: Decimal | None = None
    values: dict[str, Decimal | None] = field(default_factory=dict)
    scores: dict[str, Decimal] = field(default_factory=dict)
    #: Indicators scored by the missing-data rule.
    imputed: list[str] = field(default_factory=list)
    bonus: Decimal = Decimal(0)
    bonus_items: list[str] = field(default_factory=list)
    total: Decimal | None = None
    grade: str = ""
    excluded: list[str] = field(default_factory=list)
    #: Share of the group strictly ahead, in % (percentile classes only).
    share_ahead: Decimal | None = None

    @property
    def evaluated(self) -> bool:
        return self.grade != T


def land_mu(spec: dict[str, Any], item: Inputs) -> Decimal | None:
    """The land an enterprise is measured on, in 亩."""
    if item.owns_land:
        return item.land_parcel_mu
    if item.leased_m2 is None:
        return None
    # × 15 ÷ 10000 rather than ÷ 666.67: exact for every area typed in ㎡.
    return item.leased_m2 * 15 / 10000 / Decimal(str(spec.get("tenant_plot_ratio", 1)))


def energy_tce(spec: dict[str, Any], item: Inputs) -> Decimal | None:
    """Energy in 吨标煤: electricity converted by the method's factor, plus other energy."""
    if item.power_kwh is None and item.other_energy_tce is None:
        return None
    factor = Decimal(str(spec.get("power_kgce_per_kwh", POWER_KGCE_PER_KWH)))
    return (item.power_kwh or Decimal(0)) * factor / 1000 + (item.other_energy_tce or Decimal(0))


def category_of(spec: dict[str, Any], item: Inputs, land: Decimal | None) -> str:
    """The first category of the method whose rule holds for the enterprise, or ""."""
    for cat in spec["categories"]:
        rule = cat["rule"]
        industrial_owner = item.industrial and item.owns_land
        holds = {
            "service": not item.industrial,
            "tenant": item.industrial and not item.owns_land,
            "above_scale": industrial_owner and item.above_scale,
            "below_scale_large": industrial_owner and not item.above_scale and land is not None
            and land >= Decimal(str(cat.get("land_mu", 0))),
            "below_scale_small": industrial_owner and not item.above_scale and land is not None
            and land < Decimal(str(cat.get("land_mu", 0))),
        }[rule]
        if holds:
            return str(cat["code"])
    return ""


def exclusions_of(spec: dict[str, Any], item: Inputs) -> list[str]:
    """The method's reasons (names) that keep the enterprise out of the evaluation."""
    out = []
    for ex in spec.get("exclusions") or []:
        rule = ex["rule"]
        name = str(ex.get("name") or EXCLUSION_RULES[rule])
        if rule in ("utility", "relocated") and rule in item.flags:
            out.append(name)
        elif (rule == "new_production" and item.production_years is not None
              and item.production_years < int(ex["years"])):
            out.append(name)
    return out


def indicator_value(code: str, figures: dict[str, Decimal | None]) -> Decimal | None:
    """One indicator from the enterprise's figures, rounded to 0.01; None when it cannot be computed."""
    spec = INDICATORS[code]
    num, den = figures.get(spec["num"]), figures.get(spec["den"])
    if num is None or den is None or den <= 0:
        return None
    return q(num / den * spec["factor"])


def score(spec: dict[str, Any], items: Sequence[Inputs]) -> list[Outcome]:
    """Every enterprise's outcome under the method ``spec`` (already validated), in the order given."""
    cats = {c["code"]: c for c in spec["categories"]}
    outcomes: list[Outcome] = []
    for item in items:
        land = land_mu(spec, item)
        energy = energy_tce(spec, item)
        out = Outcome(key=item.key, land_mu=q(land) if land is not None else None,
                      energy_tce=q(energy) if energy is not None else None)
        out.excluded = exclusions_of(spec, item)
        out.category = category_of(spec, item, land)
        if not out.category:
            out.excluded.append(OUT_OF_SCOPE)
        if out.category:
            figures = {"tax": item.tax, "revenue": item.revenue, "value_added": item.value_added, "rnd": item.rnd,
                       "employees": item.employees, "land_mu": land, "energy_tce": energy,
                       "emission_t": item.emission_t}
            for ind in cats[out.category]["indicators"]:
                out.values[ind["code"]] = indicator_value(ind["code"], figures)
        if out.excluded:
            out.grade = T
        else:
            for bonus in spec.get("bonus") or []:
                if bonus["source"] in item.flags:
                    out.bonus += Decimal(str(bonus["points"]))
                    out.bonus_items.append(str(bonus["name"]))
        outcomes.append(out)
    by_cat: dict[str, list[Outcome]] = defaultdict(list)
    for out in outcomes:
        if out.grade != T:
            by_cat[out.category].append(out)
    rule = spec["scoring"]["rule"]
    cap = Decimal(str(spec["scoring"].get("cap", 1)))
    for code, group in by_cat.items():
        for ind in cats[code]["indicators"]:
            ic, weight = ind["code"], Decimal(str(ind["weight"]))
            have = [o for o in group if o.values.get(ic) is not None]
            if rule == "benchmark":
                bench = Decimal(str(ind["benchmark"]))
                for o in have:
                    value = o.values[ic]
                    assert value is not None
                    o.scores[ic] = q(weight * min(max(value, Decimal(0)) / bench, cap))
            else:
                values = [o.values[ic] for o in have]
                low, high = min(values, default=None), max(values, default=None)  # type: ignore[type-var]
                for o in have:
                    value = o.values[ic]
                    assert value is not None and low is not None and high is not None
                    o.scores[ic] = weight if high == low else q(weight * (20 + 80 * (value - low) / (high - low)) / 100)
            average = (q(sum((o.scores[ic] for o in have), Decimal(0)) / len(have))
                       if have and spec.get("missing") == "average" else Decimal(0))
            for o in group:
                if ic not in o.scores:
                    o.scores[ic] = average
                    o.imputed.append(ic)
        for o in group:
            o.total = sum(o.scores.values(), Decimal(0)) + o.bonus
    grade(spec, outcomes)
    return outcomes


def grade(spec: dict[str, Any], outcomes: Sequence[Outcome]) -> None:
    """Set the class of every evaluated outcome (see the module's rule for ties and boundaries)."""
    classes = spec["classes"]
    evaluated = [o for o in outcomes if o.grade != T and o.total is not None]
    if classes["mode"] == "score":
        for o in evaluated:
            assert o.total is not None
            o.grade = next((c["grade"] for c in classes["cuts"] if o.total >= Decimal(str(c["min"]))),
                           classes["cuts"][-1]["grade"])
        return
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for o in evaluated:
        groups[o.category if classes.get("within", "category") == "category" else ""].append(o)
    for group in groups.values():
        n = len(group)
        for o in group:
            assert o.total is not None
            ahead = sum(1 for other in group if other.total is not None and other.total > o.total)
            o.share_ahead = q(Decimal(ahead) * 100 / n)
            share = Decimal(ahead) * 100 / n
            o.grade = next(c["grade"] for c in classes["cuts"] if share < Decimal(str(c["top"])))
