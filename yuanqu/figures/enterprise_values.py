"""Figures of single enterprises for a stated year: what policy eligibility and agreement compliance read.

The cockpit's figures sum a scope; a policy rule or an investment agreement asks about one enterprise (or the
enterprises on one parcel) for one year. The numbers come from the same approved report values as every other
figure (DESIGN rule 11), read here once for many enterprises in one query, with the period they state and
where they come from, so a trace can say "营业收入 2025年 = 18,200万元（企业统计报表，截至2025-12-31）".

A year's value is the December cell: the 累计 (ytd) of a summed indicator, the last value of a "latest" one
(从业人员). A year whose December is not approved has no value: it is missing, never a partial year.
An explicit 无数据 counts as zero (the enterprise said it had nothing to report).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from yuanqu.investment.models import ProjectMonth
from yuanqu.stats.models import Indicator, Report, ReportValue

from .selectors import SOURCE_PROJECTS, SOURCE_REPORTS


@dataclass(frozen=True)
class YearValue:
    """One enterprise's value of one indicator for a year, with its source and the date it states."""

    code: str
    value: Decimal
    year: int
    source: str
    as_of: dt.date


def enterprise_year_values(enterprise_ids: Iterable[int], year: int,
                           codes: Iterable[str]) -> dict[int, dict[str, YearValue]]:
    """{enterprise id: {indicator code: YearValue}} for the full ``year`` (approved December values only).

    An enterprise reporting in two parks has its cells summed (a summed indicator) or added (从业人员).
    """
    ids = list(enterprise_ids)
    wanted = list(codes)
    out: dict[int, dict[str, YearValue]] = defaultdict(dict)
    if not ids or not wanted:
        return out
    as_of = dt.date(year, 12, 31)
    rows = (ReportValue.objects.filter(enterprise_id__in=ids, indicator__code__in=wanted, year=year, month=12,
                                       report__status=Report.Status.APPROVED)
            .values("enterprise_id", "indicator__code", "indicator__aggregation", "ytd_value", "value", "no_data"))
    sums: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    for row in rows:
        amount: Decimal | None
        if row["no_data"]:
            amount = Decimal(0)
        elif row["indicator__aggregation"] == Indicator.Aggregation.SUM:
            amount = row["ytd_value"] if row["ytd_value"] is not None else row["value"]
        else:
            amount = row["value"]
        if amount is None:
            continue
        sums[(row["enterprise_id"], row["indicator__code"])] += Decimal(amount)
    for (eid, code), total in sums.items():
        out[eid][code] = YearValue(code=code, value=total, year=year, source=SOURCE_REPORTS, as_of=as_of)
    return out


def project_investment(project_ids: Iterable[int], year: int, *, cumulative: bool) -> dict[int, YearValue]:
    """Completed investment of projects (万元) in ``year``, or from their start to the end of ``year``."""
    ids = list(project_ids)
    qs = ProjectMonth.objects.filter(project_id__in=ids, month__lte=dt.date(year, 12, 31))
    if not cumulative:
        qs = qs.filter(month__gte=dt.date(year, 1, 1))
    rows = qs.order_by().values("project_id").annotate(total=Sum("completed_wan"))
    return {r["project_id"]: YearValue(code="project_investment", value=Decimal(r["total"] or 0), year=year,
                                       source=SOURCE_PROJECTS, as_of=dt.date(year, 12, 31)) for r in rows}
