"""The figures of enterprise service requests (服务诉求): volume, 办结率, 按时办结率, 超时, 满意率 — for a scope and a
period, and the same by service and by park. Registered as a figure group (:func:`selectors.register_group`), so
the cockpit, the park dashboard, /api/figures/ and the figures export show the same numbers.

Flow figures count within the period (受理 by ``accepted_at``, 办结 by ``closed_at``, 评价 by the rating's date);
the overdue count is a stock at the period's end (accepted by then, not closed by then, past its deadline then).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, F, Q, QuerySet
from django.utils import timezone

from yuanqu.core.numbers import share
from yuanqu.support.models import POOR, Rating, Rectification, ServiceRequest

from .periods import Period
from .selectors import Column, Figure, FigureScope

SOURCE_SUPPORT = "企业服务诉求工单（受理、办结时间与好差评）"
#: 满意: 非常满意 and 满意 (the top two of the five grades of 好差评).
SATISFIED_LEVELS = (5, 4)


def _bounds(period: Period) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(period.start, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min))
    return start, end


def requests(scope: FigureScope) -> QuerySet[ServiceRequest]:
    """The scope's requests: the user's (or the region's), in its parks unless region-wide (district services'
    requests, without a park, count region-wide only), of its enterprise if narrowed to one."""
    qs = (ServiceRequest.objects.visible_to(scope.user) if scope.user is not None
          else ServiceRequest.objects.in_region(scope.region_code))
    if not scope.region_wide:
        qs = qs.in_parks(scope.parks)
    if scope.section:
        qs = qs.filter(enterprise__industry__section=scope.section)
    if scope.industry:
        qs = qs.filter(enterprise__industry_id__startswith=scope.industry)
    if scope.enterprise is not None:
        qs = qs.filter(enterprise=scope.enterprise)
    return qs


def _counts(qs: QuerySet[ServiceRequest], period: Period) -> dict[str, Any]:
    start, end = _bounds(period)
    closed = Q(closed_at__gte=start, closed_at__lt=end)
    then = min(end, timezone.now())  # the period's end, or now for the current period
    return qs.aggregate(
        received=Count("pk", filter=Q(accepted_at__gte=start, accepted_at__lt=end)),
        closed=Count("pk", filter=closed),
        on_time=Count("pk", filter=closed & Q(closed_at__lte=F("due_at"))),
        overdue=Count("pk", filter=Q(accepted_at__lt=then, due_at__lt=then)
                      & (Q(closed_at__isnull=True) | Q(closed_at__gt=then))),
    )


def _ratings(qs: QuerySet[ServiceRequest], period: Period) -> dict[str, Any]:
    start, end = _bounds(period)
    return Rating.objects.filter(request__in=qs.values("pk"), created_at__gte=start, created_at__lt=end).aggregate(
        rated=Count("pk"), satisfied=Count("pk", filter=Q(level__in=SATISFIED_LEVELS)),
        poor=Count("pk", filter=Q(level__in=POOR)), average=Avg("level"))


def figures(scope: FigureScope, period: Period) -> dict[str, Figure]:
    """The service-request figures of the scope and period."""
    qs = requests(scope)
    n = _counts(qs, period)
    r = _ratings(qs, period)
    span = f"{period.label}内"
    day = f"{min(period.end, timezone.localdate()):%Y年%m月%d日}"
    open_rect = Rectification.objects.filter(request__in=qs.values("pk"), status=Rectification.Status.OPEN).count()
    average = Decimal(str(round(r["average"], 2))) if r["average"] is not None else None
    out = [
        Figure("support_received", "受理服务诉求", n["received"], "件", f"{span}受理的企业服务诉求数（按受理时间）。",
               SOURCE_SUPPORT),
        Figure("support_closed", "办结服务诉求", n["closed"], "件", f"{span}办结的服务诉求数（按办结时间）。",
               SOURCE_SUPPORT),
        Figure("support_close_rate", "服务诉求办结率", share(n["closed"], n["received"]), "%",
               f"{span}办结数 ÷ {span}受理数；跨期办结的计入办结当期，故可能超过100%。", SOURCE_SUPPORT),
        Figure("support_on_time_rate", "按时办结率", share(n["on_time"], n["closed"]), "%",
               f"{span}办结的诉求中，在办理时限内办结的比例（时限按12345热线规范的紧急程度和工作日计算）。",
               SOURCE_SUPPORT),
        Figure("support_overdue", "超时未办结诉求", n["overdue"], "件",
               f"截至{day}已超过办理时限、当时仍未办结的诉求数。", SOURCE_SUPPORT),
        Figure("support_rated", "评价数", r["rated"], "件", f"{span}企业提交的好差评数（按评价日期）。",
               SOURCE_SUPPORT),
        Figure("support_satisfaction", "满意率", share(r["satisfied"], r["rated"]), "%",
               f"{span}评价中「非常满意」「满意」所占比例（五级好差评）。", SOURCE_SUPPORT),
        Figure("support_score", "平均评价", average, "分",
               f"{span}评价等级的平均值（非常满意5分 … 非常不满意1分）。", SOURCE_SUPPORT),
        Figure("support_poor", "差评", r["poor"], "件", f"{span}「不满意」「非常不满意」评价数；每条差评生成整改任务。",
               SOURCE_SUPPORT),
        Figure("support_rectifying", "整改中", open_rect, "件", "差评生成的整改任务中尚未完成的数量（当前状态）。",
               SOURCE_SUPPORT),
    ]
    return {f.key: f for f in out}


def columns(by: str) -> list[Column]:
    """The breakdown table's columns: by service (``detail``, a park's dashboard) or by park (the cockpit)."""
    return [*([Column("service", "服务事项", "text")] if by == "detail" else []), Column("park", "园区", "text"),
            Column("received", "受理"), Column("closed", "办结"), Column("on_time_rate", "按时办结率", "percent"),
            Column("rated", "评价"), Column("satisfaction", "满意率", "percent")]


def breakdown(scope: FigureScope, period: Period, by: str = "detail") -> list[dict[str, Any]]:
    """The same figures by service (``detail``: its name and park) or by ``park``: received, closed, 按时办结率,
    满意率."""
    qs = requests(scope)
    start, end = _bounds(period)
    key = ("service__name", "park__name") if by == "detail" else ("park__name",)
    closed = Q(closed_at__gte=start, closed_at__lt=end)
    rows = (qs.order_by().values(*key).annotate(
        received=Count("pk", filter=Q(accepted_at__gte=start, accepted_at__lt=end)),
        closed=Count("pk", filter=closed),
        on_time=Count("pk", filter=closed & Q(closed_at__lte=F("due_at")))))
    ratings: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0])
    rated = Rating.objects.filter(request__in=qs.values("pk"), created_at__gte=start, created_at__lt=end)
    for values in rated.values(*(f"request__{k}" for k in key), "level"):
        cell = ratings[tuple(values[f"request__{k}"] for k in key)]
        cell[0] += 1
        cell[1] += 1 if values["level"] in SATISFIED_LEVELS else 0
    out = []
    for row in rows:
        ident = tuple(row[k] for k in key)
        n_rated, n_satisfied = ratings.get(ident, [0, 0])
        if not (row["received"] or row["closed"] or n_rated):
            continue
        out.append({"service": row.get("service__name", ""), "park": row["park__name"] or "区级",
                    "received": row["received"], "closed": row["closed"],
                    "on_time_rate": share(row["on_time"], row["closed"]), "rated": n_rated,
                    "satisfaction": share(n_satisfied, n_rated)})
    return sorted(out, key=lambda r: (-r["received"], r["park"], r["service"]))
