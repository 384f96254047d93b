"""Every scoped read of the policy pages: matches, applications and the policy figures (with their 口径)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from yuanqu.figures.selectors import Figure

from .models import Agreement, Application, Clause, Match, Payout

SOURCE_APPLICATIONS = "惠企政策申报与兑现记录"


def matches_for(user: Any) -> QuerySet[Match]:
    """The matches the user may see (an enterprise its own) of published clauses."""
    # django-stubs resolves "Match" to innovation.Match (two apps have a Match model): the lookups are policies'.
    return (Match.objects.visible_to(user).filter(clause__status=Clause.Status.PUBLISHED)  # type: ignore[misc,return-value]
            .select_related("clause__policy", "enterprise").order_by("enterprise__name", "clause__number"))


def matches_for_clause(user: Any, clause: Clause) -> QuerySet[Match]:
    """Per clause, the enterprises in the user's scope by outcome (eligible first)."""
    return (Match.objects.visible_to(user).filter(clause=clause).select_related("enterprise")  # type: ignore[misc,return-value]
            .order_by("outcome", "enterprise__name"))


def _approved_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}status__in": Application.COMMITTED})


def policy_figures(user: Any, year: int) -> dict[str, Any]:
    """The year's applications (by submission), approvals, amounts paid and days from submission to payout, for the
    user's scope, in total and by policy, park and industry section. Each total is a :class:`Figure` with its 口径."""
    apps = Application.objects.visible_to(user).filter(budget_year=year)
    payouts = Payout.objects.filter(application__in=apps)

    def totals(qs: QuerySet[Application], pays: QuerySet[Payout]) -> dict[str, Any]:
        row = qs.aggregate(n=Count("id"), approved=Count("id", filter=_approved_q()),
                           auto=Count("id", filter=Q(origin=Application.Origin.AUTOMATIC)))
        paid = pays.aggregate(s=Sum("amount_yuan"), n=Count("id"))
        days = [(p.paid_on - p.application.submitted_at.date()).days for p in pays.select_related("application")]
        row["paid_yuan"] = paid["s"] or Decimal(0)
        row["paid_n"] = paid["n"]
        row["days"] = (Decimal(sum(days)) / len(days)).quantize(Decimal("0.1")) if days else None
        return row

    total = totals(apps, payouts)
    d = f"{year}年"
    figures = [
        Figure("policies.applications", "申报件数", total["n"], "件",
               f"{d}预算年度的全部申报（含免申即享）。",
               SOURCE_APPLICATIONS, True),
        Figure("policies.automatic", "免申即享件数", total["auto"], "件", f"{d}系统按规则自动办理的申报。",
               SOURCE_APPLICATIONS, True),
        Figure("policies.approved", "审核通过件数", total["approved"], "件", f"{d}已审核通过（含公示、拨付、归档）。",
               SOURCE_APPLICATIONS, True),
        Figure("policies.paid", "兑现金额", total["paid_yuan"], "元", f"{d}申报已拨付的金额合计。",
               SOURCE_APPLICATIONS, True),
        Figure("policies.days", "平均兑现用时", total["days"], "天", "从提交申报到拨付的天数，按已拨付件平均。",
               SOURCE_APPLICATIONS, True),
    ]

    def grouped(key: str, label: str) -> list[dict[str, Any]]:
        rows = (apps.order_by().values(key, label).annotate(
            n=Count("id"), approved=Count("id", filter=_approved_q()),
            paid=Sum("payout__amount_yuan")).order_by("-paid", "-n"))
        return [{"key": r[key], "label": r[label] or "—", "n": r["n"], "approved": r["approved"],
                 "paid": r["paid"] or Decimal(0)} for r in rows]

    return {"figures": figures, "by_policy": grouped("clause__policy_id", "clause__policy__title"),
            "by_park": grouped("park_id", "park__name"),
            "by_industry": grouped("enterprise__industry__section", "enterprise__industry__section"),
            "overdue_review": apps.filter(status__in=("submitted", "supplement", "review")).filter(
                review_due__lt=_today()).count(),
            "overdue_payment": apps.filter(status="approved", payment_due__lt=_today()).count()}


def _today() -> Any:
    from django.utils import timezone

    return timezone.localdate()


def agreements_for(user: Any) -> QuerySet[Agreement]:
    return Agreement.objects.visible_to(user).select_related("enterprise", "park")
