"""The figures endpoint of the REST API (/api/figures/): the same figures the pages show, as JSON.

Other government systems read this: every figure comes with its unit, its 口径 (definition and source) and
whether it is final or provisional (快报). Scoped like everything else: a park, enterprise or industry outside
the caller's scope is a 404; a period that cannot be stated is a 422 with a Chinese message.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from ninja import Field, Query, Router, Schema

from yuanqu.api.api import ERRORS
from yuanqu.api.schemas import Id, In, Month, Quarter, Year
from yuanqu.core.roles import TENANT_READERS
from yuanqu.core.services import require_role
from yuanqu.core.types import AuthedRequest

from . import selectors
from .periods import Period, PeriodError, parse

router = Router(tags=["figures"])


class FigureParams(In):
    """Scope and period. The period is ``year`` with one of ``month`` (that month alone), ``quarter`` or
    ``from_month``/``to_month``; ``year`` alone is the year; nothing at all is January to the latest locked
    month (the default every page opens on)."""

    year: Year | None = Field(None, description="年份")
    month: Month | None = Field(None, description="单月（1–12）")
    quarter: Quarter | None = Field(None, description="季度（1–4）")
    from_month: Month | None = Field(None, description="区间起始月份")
    to_month: Month | None = Field(None, description="区间截止月份（同一年内）")
    park: Id | None = Field(None, description="园区 id")
    section: str = Field("", max_length=10, description="国民经济行业门类（GB/T 4754，如 C）")
    industry: str = Field("", max_length=10, description="国民经济行业代码前缀（如 27、2761）")
    enterprise: Id | None = Field(None, description="企业 id")
    indicator: str = Field("", max_length=500, description="只返回这些指标（代码，逗号分隔）；空为全部在用指标")
    group: str = Field("", max_length=200, description="只返回这些分组（逗号分隔：stock 期末存量、flow 期内流量、"
                                                      "indicator 统计指标，或登记的分组键如 support、ladder）；"
                                                      "空为全部。未选的分组不计算")


class FigureOut(Schema):
    """One number with its 口径."""

    key: str
    group: str = Field(description="stock（期末存量）, flow（期内流量）, indicator（统计指标）"
                                   "或登记的分组（support：服务诉求）")
    label: str
    value: Decimal | int | None
    unit: str
    definition: str = Field(description="口径")
    source: str
    final: bool
    provisional: bool = Field(description="快报（初步数）：本期统计轮次尚未锁定")
    note: str


class PeriodOut(Schema):
    """The period stated, and whether its statistics are final."""

    year: int
    from_month: int
    to_month: int
    label: str
    start: str
    end: str
    provisional: bool
    mark: str = Field(description="快报标注（含完成率）；终数时为空")
    expected: int = Field(description="期末轮次应报户数")
    reported: int = Field(description="已报户数（含待审核）")
    approved: int = Field(description="已审核户数（计入数据）")


class FiguresOut(Schema):
    """Every figure of a scope and period."""

    scope: str
    period: PeriodOut
    figures: list[FigureOut]


def _period(request: AuthedRequest, params: FigureParams, scope: selectors.FigureScope) -> Period:
    raw = {k: getattr(params, k) for k in ("year", "month", "quarter", "from_month", "to_month")}
    try:
        period = parse(raw)
    except PeriodError as exc:
        raise ValidationError({exc.field: [exc.message]}) from None
    return period or selectors.default_period(scope)


def _round(value: Any) -> Any:
    if isinstance(value, Decimal):
        return round(value, 4)
    return value


@router.get("/", response={200: FiguresOut, **ERRORS})
def get_figures(request: AuthedRequest, params: Query[FigureParams]) -> Any:
    """Stock figures at the period's end, flow figures within it, and every indicator's value, 累计, 同比,
    环比, reporters, completion, 规上 subset and 亩均 — each with its 口径 and provisional flag."""
    require_role(request.user, TENANT_READERS)
    for name in ("section", "industry", "indicator", "group"):
        if "\x00" in getattr(params, name):
            raise ValidationError({name: ["含有不可见的控制字符。"]})
    scope = selectors.scope_for(request.user, park=params.park, section=params.section,
                                industry=params.industry, enterprise=params.enterprise)
    period = _period(request, params, scope)
    codes = [c.strip() for c in params.indicator.split(",") if c.strip()] or None
    if codes is not None:
        known = set(selectors.Indicator.objects.filter(code__in=codes).values_list("code", flat=True))
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise ValidationError({"indicator": [f"没有代码为 {'、'.join(unknown[:5])} 的指标。"]})
    only = [g.strip() for g in params.group.split(",") if g.strip()] or None
    if only is not None:
        known = {*selectors.CORE_SETS, *(g.key for g in selectors.groups())}
        unknown = [g for g in only if g not in known]
        if unknown:
            names = "、".join(unknown[:5])
            raise ValidationError({"group": [f"没有名为 {names} 的分组。可选：{'、'.join(sorted(known))}。"]})
    data = selectors.all_figures(scope, period, codes, only)
    status: selectors.PeriodStatus = data["status"]
    figures: list[dict[str, Any]] = []
    for group in ("stock", "flow"):
        figures += [{**f.as_dict(), "group": group} for f in data[group]]
    for ind in data["indicators"]:
        figures += [{**f.as_dict(), "group": "indicator"} for f in ind.figures()]
    for group, items in data["groups"]:
        figures += [{**f.as_dict(), "group": group.key} for f in items]
    for f in figures:
        f["value"] = _round(f["value"])
    c = status.completion
    return {
        "scope": scope.describe(),
        "period": {"year": period.year, "from_month": period.first, "to_month": period.last, "label": period.label,
                   "start": period.start.isoformat(), "end": period.end.isoformat(),
                   "provisional": status.provisional, "mark": status.mark, "expected": c.expected,
                   "reported": c.reported, "approved": c.approved},
        "figures": figures,
    }
