"""Who is a candidate for the next step of the ladder (梯度培育), by rules over the approved figures of a year.

The rules are a declarative table (:data:`STEPS`): each step names the designations it starts from and the
conditions on the enterprise's figures, read through ``figures.enterprise_values`` (approved December values of
the year, 万元). A candidate is an enterprise in scope that holds one of the starting designations (or any, when
the step names none), does not hold the step's own designation, and meets every condition; the page shows each
condition with the values it read, so a clerk can see why.

The thresholds are those of the national rules, simplified to what the statistics hold:
- 高新技术企业 (《高新技术企业认定管理办法》国科发火〔2016〕32号 第十一条): R&D spending ≥ 5% of revenue when
  revenue ≤ 5,000万元, ≥ 4% up to 2亿元, ≥ 3% above.
- 专精特新中小企业 (工信部企业〔2022〕63号): from 创新型中小企业 / 科技型中小企业 / 高企, revenue ≥ 1,000万元 and
  R&D ≥ 3% of revenue.
- 专精特新"小巨人": from 专精特新中小企业, revenue ≥ 1亿元 and R&D ≥ 3% of revenue.
- 单项冠军: from 小巨人, revenue ≥ 4亿元.
- 瞪羚: revenue ≥ 1,000万元 and revenue growth ≥ 20% over the year before.
- 上市后备: from 高企 or 专精特新, revenue ≥ 5,000万元 (the district's reserve threshold).
- 独角兽 (科技部火炬中心、长城战略咨询《中国独角兽企业研究报告》: registered in China, founded no more than 10
  years ago, has had private equity investment and is not listed, valued at ≥ 10亿美元; ≥ 1亿美元 makes a 潜在独角兽,
  and one founded ≤ 3 years ago a 种子独角兽): founded ≤ 10 years before the day of the check (from the registered
  founding date), at least one private equity round recorded among the chains' financing events (种子、天使、A、B、
  C 轮及以后、战略投资; not an IPO or debt) on or before that day, and not listed. **Limitation:** the system
  records no valuation (a financing event holds its amount, not a post-money valuation), so the valuation
  threshold — which alone tells a 独角兽 from a 潜在 or 种子独角兽 — is not checked: a candidate here meets every
  other condition, and staff confirm the valuation (the total private equity raised is shown beside it as a hint,
  not a test). Hence one step, 独角兽, and no 潜在/种子 variants.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_UP, Decimal
from typing import Any

from django.db.models import Count, QuerySet, Sum

from yuanqu.enterprises.models import Designation, Enterprise
from yuanqu.figures.enterprise_values import enterprise_year_values

K = Designation.Kind


@dataclass(frozen=True)
class Band:
    """A threshold that depends on another figure: the first row whose upper bound (inclusive) the figure is
    within; ``None`` for the last, unbounded row."""

    on: str
    rows: tuple[tuple[Decimal | None, Decimal], ...]

    def pick(self, values: dict[str, Decimal | None]) -> Decimal | None:
        base = values.get(self.on)
        if base is None:
            return None
        for upper, threshold in self.rows:
            if upper is None or base <= upper:
                return threshold
        return None


@dataclass(frozen=True)
class Condition:
    """``figure`` compared with ``threshold`` (a number or a :class:`Band`)."""

    figure: str
    op: str
    threshold: Decimal | Band


@dataclass(frozen=True)
class Step:
    """A step of the ladder: the designation it leads to, where it starts, and the conditions on the figures."""

    target: str
    start: tuple[str, ...]
    conditions: tuple[Condition, ...]
    #: What the rule cannot check from the data the system holds, shown with the conditions.
    note: str = ""


D = Decimal
STEPS: tuple[Step, ...] = (
    Step(K.HIGH_TECH, (), (Condition("revenue", ">", D(0)),
                           Condition("rd_intensity", ">=", Band("revenue", ((D(5000), D(5)), (D(20000), D(4)),
                                                                             (None, D(3))))))),
    Step(K.SRDI_SME, (K.TECH_SME, K.INNOVATIVE_SME, K.HIGH_TECH),
         (Condition("revenue", ">=", D(1000)), Condition("rd_intensity", ">=", D(3)))),
    Step(K.LITTLE_GIANT, (K.SRDI_SME,), (Condition("revenue", ">=", D(10000)), Condition("rd_intensity", ">=", D(3)))),
    Step(K.CHAMPION, (K.LITTLE_GIANT,), (Condition("revenue", ">=", D(40000)),)),
    Step(K.GAZELLE, (), (Condition("revenue", ">=", D(1000)), Condition("revenue_growth", ">=", D(20)))),
    Step(K.LISTING, (K.HIGH_TECH, K.SRDI_SME, K.LITTLE_GIANT), (Condition("revenue", ">=", D(5000)),)),
    Step(K.UNICORN, (), (Condition("age_years", "<=", D(10)), Condition("equity_rounds", ">=", D(1)),
                         Condition("listed", "==", D(0))),
         note="系统未记录企业估值（融资事件只记金额），“估值 ≥ 10亿美元”一项须人工核实；累计私募股权融资额仅供参考。"),
)
STEP_BY_TARGET = {s.target: s for s in STEPS}

#: How each figure is named and shown (unit).
FIGURES = {"revenue": ("营业收入", "万元"), "rnd": ("研发投入", "万元"), "rd_intensity": ("研发投入强度", "%"),
           "revenue_growth": ("营业收入增长率", "%"), "age_years": ("成立年限", "年"),
           "equity_rounds": ("私募股权融资轮次", "次"), "listed": ("上市状态", "")}
OPS = {">": ("＞", lambda a, b: a > b), ">=": ("≥", lambda a, b: a >= b), "<=": ("≤", lambda a, b: a <= b),
       "==": ("＝", lambda a, b: a == b)}
#: Private equity rounds (获得过私募投资): not a listing, not a loan.
EQUITY_ROUNDS = ("seed", "angel", "a", "b", "later", "strategic")
#: The facts of an enterprise (not figures of a year) the rules read, as of the day of the check.
FACTS = ("age_years", "equity_rounds", "equity_raised", "listed")


@dataclass
class Check:
    """One condition of a step for one enterprise: what it asks, the value read, whether it holds (None: no
    approved figure to decide)."""

    text: str
    value: str
    holds: bool | None


@dataclass
class Candidate:
    """An enterprise and the checks of one step."""

    enterprise: Enterprise
    step: Step
    checks: list[Check] = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        return all(c.holds for c in self.checks)


def _fmt(value: Decimal | None, unit: str, figure: str = "") -> str:
    if value is None:
        return "无成立日期" if figure == "age_years" else "无已审核数据"
    if figure == "listed":
        return "已上市" if value else "未上市"
    if figure == "equity_rounds":
        return f"{value:,.0f}{unit}"
    return f"{value.quantize(D('0.01')):,}{unit}"


def years_between(start: dt.date, end: dt.date) -> Decimal:
    """Whole calendar years from ``start`` to ``end``, plus the part of the year under way (days since the last
    anniversary over the days to the next): 10.00 exactly on the tenth anniversary, above it the day after."""
    years = end.year - start.year - ((end.month, end.day) < (start.month, start.day))
    last, following = _anniversary(start, years), _anniversary(start, years + 1)
    return (D(years) + D((end - last).days) / D((following - last).days)).quantize(D("0.01"), rounding=ROUND_UP)


def _anniversary(start: dt.date, years: int) -> dt.date:
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February in a common year: the 1st of March
        return dt.date(start.year + years, 3, 1)


def facts_of(ids: Iterable[int], on: dt.date) -> dict[int, dict[str, Decimal | None]]:
    """Each enterprise's age in years ``on``, its private equity rounds and their total (万元) recorded on or before
    ``on`` (the chains' financing events), and whether it is listed (1) or not (0)."""
    from yuanqu.chains.models import FinancingEvent  # same floor (7); chains imports nothing of the ladder

    ids = list(ids)
    out: dict[int, dict[str, Decimal | None]] = {}
    for eid, founded, listing in Enterprise.objects.filter(pk__in=ids).values_list("pk", "established_on", "listing"):
        out[eid] = {"age_years": years_between(founded, on) if founded and founded <= on else None,
                    "equity_rounds": D(0), "equity_raised": D(0),
                    "listed": D(listing != Enterprise.Listing.UNLISTED)}
    rows = (FinancingEvent.objects.filter(enterprise_id__in=ids, on__lte=on, round__in=EQUITY_ROUNDS)
            .order_by().values("enterprise_id").annotate(n=Count("id"), total=Sum("amount_wan")))
    for row in rows:
        out[row["enterprise_id"]].update(equity_rounds=D(row["n"]), equity_raised=row["total"] or D(0))
    return out


def figures_of(ids: Iterable[int], year: int) -> dict[int, dict[str, Decimal | None]]:
    """Each enterprise's revenue, R&D, R&D intensity and revenue growth of ``year`` (approved figures)."""
    ids = list(ids)
    now = enterprise_year_values(ids, year, ("revenue", "rnd"))
    before = enterprise_year_values(ids, year - 1, ("revenue",))
    out: dict[int, dict[str, Decimal | None]] = {}
    for eid in ids:
        f = now.get(eid, {})
        rev = f["revenue"].value if "revenue" in f else None
        rnd = f["rnd"].value if "rnd" in f else None
        prev = before.get(eid, {}).get("revenue")
        out[eid] = {
            "revenue": rev, "rnd": rnd,
            "rd_intensity": (rnd * 100 / rev).quantize(D("0.01")) if rev and rnd is not None else None,
            "revenue_growth": ((rev - prev.value) * 100 / prev.value).quantize(D("0.01"))
            if rev is not None and prev is not None and prev.value else None,
        }
    return out


def _check(cond: Condition, values: dict[str, Decimal | None]) -> Check:
    name, unit = FIGURES[cond.figure]
    symbol, test = OPS[cond.op]
    threshold = cond.threshold.pick(values) if isinstance(cond.threshold, Band) else cond.threshold
    value = values.get(cond.figure)
    shown = _fmt(threshold, unit, cond.figure) if threshold is not None else "（按营业收入分档）"
    text = f"{name} {symbol} {shown}"
    if isinstance(cond.threshold, Band) and threshold is not None:
        text += f"（营业收入{_fmt(values.get(cond.threshold.on), '万元')}所在档）"
    holds = None if value is None or threshold is None else bool(test(value, threshold))
    shown_value = _fmt(value, unit, cond.figure)
    if cond.figure == "equity_rounds" and values.get("equity_raised") is not None:
        shown_value += f"（累计{_fmt(values['equity_raised'], '万元')}）"
    return Check(text, shown_value, holds)


def held_kinds(ids: Iterable[int], on: dt.date) -> dict[int, set[str]]:
    """The designations each enterprise holds ``on``."""
    out: dict[int, set[str]] = {}
    for eid, kind in Designation.objects.filter(enterprise_id__in=list(ids)).active_on(on).values_list(
            "enterprise_id", "kind"):
        out.setdefault(eid, set()).add(kind)
    return out


def candidates(enterprises: QuerySet[Enterprise], target: str, year: int, *,
               on: dt.date | None = None, everyone: bool = False) -> list[Candidate]:
    """The enterprises (already scoped) that are candidates for ``target`` by the figures of ``year``: those that
    start from the step's designations, do not hold the target ``on`` (today), and meet every condition. With
    ``everyone``, every enterprise that could start the step, with its checks (the page's "close to" list)."""
    step = STEP_BY_TARGET[target]
    on = on or dt.date.today()
    ents = list(enterprises.order_by("name"))
    held = held_kinds([e.pk for e in ents], on)
    starting = [e for e in ents if target not in held.get(e.pk, set())
                and (not step.start or held.get(e.pk, set()) & set(step.start))]
    needed = {c.figure for c in step.conditions}
    values = figures_of([e.pk for e in starting], year) if needed - set(FACTS) else {e.pk: {} for e in starting}
    if needed & set(FACTS):
        facts = facts_of([e.pk for e in starting], on)
        for e in starting:
            values[e.pk] = {**values[e.pk], **facts[e.pk]}
    out = []
    for e in starting:
        c = Candidate(e, step, [_check(cond, values[e.pk]) for cond in step.conditions])
        if everyone or c.eligible:
            out.append(c)
    return out


def start_text(step: Step) -> str:
    """The starting designations in words (任一): shown above the conditions."""
    if not step.start:
        return "不限"
    return "、".join(str(K(k).label) for k in step.start)


def as_row(c: Candidate) -> dict[str, Any]:
    """A candidate as the API and the export give it."""
    return {"enterprise": c.enterprise.pk, "name": c.enterprise.name, "target": c.step.target,
            "eligible": c.eligible, "checks": [{"condition": k.text, "value": k.value, "holds": k.holds}
                                               for k in c.checks]}
