"""履约: each commitment's actual (through the figures layer), its status, the agreement's worst status, and the
money at stake under the failure clauses. The system computes and shows; people decide (services)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from yuanqu.figures.enterprise_values import enterprise_year_values, project_investment

from .models import Agreement, Commitment, FailureClause, Payout

MET, WARNING, FAILED, INCOMPLETE, NOT_DUE = "met", "warning", "failed", "incomplete", "not_due"
STATUS_LABELS = {MET: "达标", WARNING: "预警", FAILED: "未达标", INCOMPLETE: "数据不全", NOT_DUE: "未到期"}
STATUS_COLOURS = {MET: "green", WARNING: "yellow", FAILED: "red", INCOMPLETE: "secondary", NOT_DUE: "secondary"}
#: Worst first: an agreement is as bad as its worst due commitment. Missing data ranks below a known failure or
#: warning (it may be either), above 达标 (it is not shown to be met).
SEVERITY = {FAILED: 3, WARNING: 2, INCOMPLETE: 1, MET: 0}
STAT_CODE = {"output": "output", "revenue": "revenue", "tax": "tax", "employees": "employees", "rnd": "rnd",
             "investment": "fai", "tax_per_mu": "tax"}
SUMMED = {"output", "revenue", "tax", "rnd", "investment", "tax_per_mu"}


@dataclass
class CommitmentCheck:
    """One commitment with its actual, achievement and status, and where the actual came from."""

    commitment: Commitment
    actual: Decimal | None
    pct: Decimal | None
    status: str
    source: str
    detail: str = ""

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def colour(self) -> str:
        return STATUS_COLOURS[self.status]

    @property
    def shortfall(self) -> Decimal:
        if self.actual is None or self.status != FAILED:
            return Decimal(0)
        return max(self.commitment.target - self.actual, Decimal(0))


@dataclass
class Exposure:
    """The money at stake under one failure clause (None where the clause is recorded, not computed)."""

    clause: FailureClause
    amount_yuan: Decimal | None
    how: str


@dataclass
class Compliance:
    """An agreement's commitments checked, its overall status, and the exposure if it has failed."""

    agreement: Agreement
    checks: list[CommitmentCheck] = field(default_factory=list)
    status: str = MET
    exposures: list[Exposure] = field(default_factory=list)

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def colour(self) -> str:
        return STATUS_COLOURS[self.status]

    @property
    def exposure_total(self) -> Decimal:
        return sum((e.amount_yuan for e in self.exposures if e.amount_yuan is not None), Decimal(0))


def _last_complete_year(today: dt.date) -> int:
    return today.year - 1


def _actual(c: Commitment, agreement: Agreement) -> tuple[Decimal | None, str, str]:
    """The actual for the commitment's year (or cumulative since signing), its source and a note."""
    years = (list(range(agreement.signed_on.year, c.year + 1))
             if c.basis == Commitment.Basis.CUMULATIVE and c.indicator in SUMMED else [c.year])
    if c.indicator == "investment" and agreement.project_id:
        invested = project_investment([agreement.project_id], c.year,
                                      cumulative=c.basis == Commitment.Basis.CUMULATIVE)
        value = invested.get(agreement.project_id)
        if value is None:
            return None, value_source_projects(), "项目无投资完成记录"
        return value.value, value.source, f"项目“{agreement.project}”完成投资"
    code = STAT_CODE[c.indicator]
    total: Decimal | None = Decimal(0)
    source = ""
    for y in years:
        got = enterprise_year_values([agreement.enterprise_id], y, [code]).get(agreement.enterprise_id, {}).get(code)
        if got is None:
            return None, "企业统计报表", f"{y}年数据缺失（12月报表未审核）"
        total = (total or Decimal(0)) + got.value
        source = got.source
    if c.indicator == "tax_per_mu":
        if not agreement.land_area_mu:
            return None, source, "协议未登记用地面积"
        return (total or Decimal(0)) / agreement.land_area_mu, source, f"税收 ÷ {agreement.land_area_mu} 亩"
    return total, source, ""


def value_source_projects() -> str:
    from yuanqu.figures.selectors import SOURCE_PROJECTS

    return SOURCE_PROJECTS


def check_commitment(c: Commitment, agreement: Agreement, today: dt.date | None = None) -> CommitmentCheck:
    """达标 ≥ 100%; 预警 ≥ 100% − tolerance; 未达标 below; 数据不全 when the actual is missing; 未到期 before the
    year is over."""
    today = today or timezone.localdate()
    if c.year > _last_complete_year(today):
        return CommitmentCheck(c, None, None, NOT_DUE, "", "年度未结束")
    actual, source, detail = _actual(c, agreement)
    if actual is None:
        return CommitmentCheck(c, None, None, INCOMPLETE, source, detail)
    if not c.target:
        return CommitmentCheck(c, actual, None, MET, source, detail)
    pct = (actual * 100 / c.target).quantize(Decimal("0.1"))
    if pct >= 100:
        status = MET
    elif pct >= 100 - c.tolerance_pct:
        status = WARNING
    else:
        status = FAILED
    return CommitmentCheck(c, actual.quantize(Decimal("0.01")), pct, status, source, detail)


def _paid_under(agreement: Agreement) -> list[Payout]:
    return list(Payout.objects.filter(agreement_link__agreement=agreement).order_by("paid_on"))


def exposure(clause: FailureClause, agreement: Agreement, checks: list[CommitmentCheck],
             today: dt.date) -> Exposure:
    """The money at stake under one clause."""
    kind = clause.kind
    if kind == FailureClause.Kind.REFUND:
        share = (clause.share_pct or Decimal(0)) / 100
        total = Decimal(0)
        parts = []
        for p in _paid_under(agreement):
            base = p.amount_yuan * share
            if clause.interest_rate_pct:
                years = Decimal((today - p.paid_on).days) / Decimal(365)
                base += base * clause.interest_rate_pct / 100 * years
            total += base
            parts.append(f"{p.amount_yuan:,.0f}")
        interest = f"，加计年利率 {clause.interest_rate_pct}% 利息" if clause.interest_rate_pct else "，不计利息"
        how = f"已兑现补贴（{' + '.join(parts) or '0'} 元）× {clause.share_pct}%{interest}"
        return Exposure(clause, total.quantize(Decimal("0.01")), how)
    if kind == FailureClause.Kind.LAND_TOPUP:
        mu = agreement.land_area_mu or Decimal(0)
        amount = (clause.per_mu_yuan or Decimal(0)) * mu
        return Exposure(clause, amount.quantize(Decimal("0.01")), f"{clause.per_mu_yuan:,.0f} 元/亩 × {mu} 亩")
    if kind == FailureClause.Kind.PENALTY:
        if clause.fixed_yuan is not None:
            return Exposure(clause, clause.fixed_yuan, f"固定违约金 {clause.fixed_yuan:,.0f} 元")
        money = [ch for ch in checks if ch.status == FAILED and ch.commitment.unit == "万元"]
        shortfall = sum((ch.shortfall for ch in money), Decimal(0))
        amount = shortfall * 10000 * (clause.per_shortfall_pct or Decimal(0)) / 100
        return Exposure(clause, amount.quantize(Decimal("0.01")),
                        f"未达标差额 {shortfall:,.2f} 万元 × {clause.per_shortfall_pct}%")
    if kind == FailureClause.Kind.DEPOSIT:
        share = (clause.share_pct if clause.share_pct is not None else Decimal(100)) / 100
        amount = agreement.deposit_yuan * share
        return Exposure(clause, amount.quantize(Decimal("0.01")), f"履约保证金 {agreement.deposit_yuan:,.0f} 元 × "
                                                                   f"{share * 100:.0f}%")
    if kind == FailureClause.Kind.LAND_RECOVERY:
        parcel = f"{agreement.land_parcel or '地块'}，{agreement.land_area_mu or '—'} 亩"
        return Exposure(clause, None, f"收回土地（{parcel}）："
                                      "记录在案，不计金额")
    return Exposure(clause, None, "记入企业信用记录：记录在案，不计金额")


def check_agreement(agreement: Agreement, today: dt.date | None = None) -> Compliance:
    """Every commitment checked; the agreement's status is the worst of the due ones; exposures computed."""
    today = today or timezone.localdate()
    result = Compliance(agreement=agreement)
    result.checks = [check_commitment(c, agreement, today) for c in agreement.commitments.all()]
    due = [ch.status for ch in result.checks if ch.status != NOT_DUE]
    result.status = max(due, key=lambda s: SEVERITY[s]) if due else NOT_DUE
    result.exposures = [exposure(fc, agreement, result.checks, today) for fc in agreement.failure_clauses.all()]
    return result


def paid_under_total(agreement: Agreement) -> Decimal:
    return Payout.objects.filter(agreement_link__agreement=agreement).aggregate(
        s=Sum("amount_yuan"))["s"] or Decimal(0)
