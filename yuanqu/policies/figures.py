"""惠企政策兑现与投资协议履约 as a figure group (issue 16 item 6): applications, 免申即享, approvals and payouts
within a period, the days from application to payout, and the agreements in 预警 / 未达标 as of the period's end
with the money at stake. Registered with :func:`yuanqu.figures.selectors.register_group` from this app's
``ready()``, so the cockpit (by park), a park's dashboard (by policy), the briefing (a paragraph with each
figure's 口径 in the 附注), ``/api/figures/`` and the figures export show the same numbers.

Flows count within the period: 申报 by submission time, 审核通过 by approval time, 兑现 by the payout's date. The
agreements are those signed by the period's end, each checked as of that day (:func:`compliance.check_agreement`:
the commitments of the last complete year before it, actuals from approved statistics through the figures layer).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from yuanqu.figures.periods import Period
from yuanqu.figures.selectors import Column, Figure, FigureGroup, FigureScope, register_group

from . import compliance
from .models import Agreement, Application, Payout

SOURCE_APPLICATIONS = "惠企政策申报与拨付记录（提交、审核通过时间与拨付日期）"
SOURCE_AGREEMENTS = "投资协议履约承诺，实际值取自已审核的统计报表和项目投资"
WAN = Decimal(10000)
CENT = Decimal("0.01")
#: The region-level row of a breakdown by park: applications and agreements without a park.
DISTRICT = "区级"


def _bounds(period: Period) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(period.start, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min))
    return start, end


def _narrowed(qs: Any, scope: FigureScope) -> Any:
    """A scoped queryset of applications or agreements narrowed as the figure scope is."""
    if not scope.region_wide:
        qs = qs.in_parks(scope.parks)
    if scope.section:
        qs = qs.filter(enterprise__industry__section=scope.section)
    if scope.industry:
        qs = qs.filter(enterprise__industry_id__startswith=scope.industry)
    if scope.enterprise is not None:
        qs = qs.filter(enterprise=scope.enterprise)
    return qs


def applications(scope: FigureScope) -> QuerySet[Application]:
    """The scope's applications: the user's (or the region's), in its park when one is chosen (district-level
    ones, without a park, count only region-wide), of its industry or enterprise when narrowed."""
    qs = (Application.objects.visible_to(scope.user) if scope.user is not None
          else Application.objects.in_region(scope.region_code))
    return _narrowed(qs, scope)  # type: ignore[no-any-return]


def agreements(scope: FigureScope, period: Period) -> QuerySet[Agreement]:
    """The scope's agreements signed by the period's end."""
    qs = (Agreement.objects.visible_to(scope.user) if scope.user is not None
          else Agreement.objects.in_region(scope.region_code))
    return (_narrowed(qs, scope).filter(signed_on__lte=period.end)  # type: ignore[no-any-return]
            .select_related("park").prefetch_related("commitments", "failure_clauses"))


def _as_of(period: Period) -> dt.date:
    return min(period.end, timezone.localdate())


def _wan(yuan: Decimal | None) -> Decimal:
    return ((yuan or Decimal(0)) / WAN).quantize(CENT)


def _payouts(apps: QuerySet[Application], period: Period) -> QuerySet[Payout]:
    return Payout.objects.filter(application__in=apps.values("pk"), paid_on__range=(period.start, period.end))


def _days(payouts: QuerySet[Payout]) -> Decimal | None:
    """Average calendar days from submission (local date) to payout over the payouts given, to one decimal."""
    days = [(p.paid_on - timezone.localtime(p.application.submitted_at).date()).days
            for p in payouts.select_related("application").only("paid_on", "application__submitted_at")]
    return (Decimal(sum(days)) / len(days)).quantize(Decimal("0.1")) if days else None


def figures(scope: FigureScope, period: Period) -> dict[str, Figure]:
    """The group's figures for the scope and period."""
    apps = applications(scope)
    start, end = _bounds(period)
    submitted = Q(submitted_at__gte=start, submitted_at__lt=end)
    n = apps.aggregate(
        submitted=Count("pk", filter=submitted),
        automatic=Count("pk", filter=submitted & Q(origin=Application.Origin.AUTOMATIC)),
        approved=Count("pk", filter=Q(approved_at__gte=start, approved_at__lt=end)))
    payouts = _payouts(apps, period)
    paid = payouts.aggregate(n=Count("pk"), s=Sum("amount_yuan"))
    as_of = _as_of(period)
    checked = [compliance.check_agreement(a, as_of) for a in agreements(scope, period)]
    failed = [c for c in checked if c.status == compliance.FAILED]
    warned = sum(1 for c in checked if c.status == compliance.WARNING)
    span, day = f"{period.label}内", f"{as_of:%Y年%m月%d日}"
    out = [
        Figure("policy_applications", "政策申报", n["submitted"], "件",
               f"{span}提交的惠企政策申报数（含系统代为办理的免申即享，按提交时间）。", SOURCE_APPLICATIONS),
        Figure("policy_automatic", "免申即享", n["automatic"], "件",
               f"{span}系统按规则判定符合条件、代企业办理的申报数（企业放弃的也计入）。", SOURCE_APPLICATIONS),
        Figure("policy_approved", "审核通过", n["approved"], "件", f"{span}审核通过的申报数（按审核通过时间）。",
               SOURCE_APPLICATIONS),
        Figure("policy_paid_count", "已兑现", paid["n"], "件", f"{span}拨付的申报数（按拨付日期）。",
               SOURCE_APPLICATIONS),
        Figure("policy_paid", "兑现金额", _wan(paid["s"]), "万元", f"{span}拨付金额之和（按拨付日期）。",
               SOURCE_APPLICATIONS),
        Figure("policy_days", "平均兑现用时", _days(payouts), "天",
               f"{span}拨付的申报从提交到拨付的日历天数的平均值。", SOURCE_APPLICATIONS),
        Figure("agreements_warning", "履约预警协议", warned, "份",
               f"截至{day}已签订的投资协议中，履约状态为预警（完成率低于100%但在容差内）的份数。", SOURCE_AGREEMENTS),
        Figure("agreements_failed", "履约未达标协议", len(failed), "份",
               f"截至{day}已签订的投资协议中，有到期承诺低于目标减容差的份数。", SOURCE_AGREEMENTS),
        Figure("agreements_exposure", "未达标协议涉及金额", _wan(sum((c.exposure_total for c in failed), Decimal(0))),
               "万元", "未达标协议按违约条款计算的应退还补贴、应补缴地价、违约金和可没收保证金之和；收回土地、"
               "信用记录只记录不计金额。由人工决定是否追究。", SOURCE_AGREEMENTS),
    ]
    return {f.key: f for f in out}


def columns(by: str) -> list[Column]:
    """By park on the cockpit, by policy on a park's dashboard (``detail``)."""
    first = Column("label", "园区" if by == "park" else "政策", "text")
    tail = [Column("at_risk", "预警/未达标协议")] if by == "park" else []
    return [first, Column("submitted", "申报"), Column("automatic", "免申即享"), Column("approved", "审核通过"),
            Column("paid_count", "已兑现"), Column("paid", "兑现金额（万元）", "amount"), *tail]


def breakdown(scope: FigureScope, period: Period, by: str = "detail") -> list[dict[str, Any]]:
    """The flows by park (``park``; district-level applications as 区级) or by policy (``detail``), and for parks
    the agreements in 预警 or 未达标; rows with nothing to show are left out; most paid first."""
    apps = applications(scope)
    start, end = _bounds(period)
    key, label = ("park_id", "park__name") if by == "park" else ("clause__policy_id", "clause__policy__title")
    submitted = Q(submitted_at__gte=start, submitted_at__lt=end)
    names: dict[Any, str] = {None: DISTRICT}
    rows: dict[Any, dict[str, Any]] = defaultdict(lambda: {"submitted": 0, "automatic": 0, "approved": 0,
                                                           "paid_count": 0, "paid": Decimal(0), "at_risk": 0})
    for r in apps.order_by().values(key, label).annotate(
            submitted=Count("pk", filter=submitted),
            automatic=Count("pk", filter=submitted & Q(origin=Application.Origin.AUTOMATIC)),
            approved=Count("pk", filter=Q(approved_at__gte=start, approved_at__lt=end))):
        names.setdefault(r[key], r[label])
        for k in ("submitted", "automatic", "approved"):
            rows[r[key]][k] += r[k]
    for r in _payouts(apps, period).order_by().values(f"application__{key}").annotate(
            n=Count("pk"), s=Sum("amount_yuan")):
        row = rows[r[f"application__{key}"]]
        row["paid_count"] += r["n"]
        row["paid"] += _wan(r["s"])
    if by == "park":
        as_of = _as_of(period)
        for a in agreements(scope, period):
            if compliance.check_agreement(a, as_of).status in (compliance.WARNING, compliance.FAILED):
                names.setdefault(a.park_id, a.park.name if a.park else DISTRICT)
                rows[a.park_id]["at_risk"] += 1
    out = [{"label": names[ident], **row} for ident, row in rows.items()
           if row["submitted"] or row["approved"] or row["paid_count"] or row["at_risk"]]
    return sorted(out, key=lambda r: (-r["paid"], -r["submitted"], r["label"]))


def register() -> None:
    """Offer the group to the cockpit, the park dashboard, briefings, the API and exports."""
    register_group(FigureGroup(key="policies", title="惠企政策兑现与投资协议履约", order=20, figures=figures,
                               breakdown=breakdown, columns=columns, url_name="policies:applications"))
