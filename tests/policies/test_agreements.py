"""Agreements and commitments: status against hand-computed actuals, the worst status, the money at stake, the
audited follow-up, and the refused inputs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from yuanqu.core.models import AuditEvent
from yuanqu.policies import compliance, services
from yuanqu.policies.models import Agreement, AgreementStep, Payout

from .conftest import make_policy, report_year

TODAY = dt.date(2026, 6, 1)  # 2025 is the last complete year


@pytest.fixture
def agreement(annual_world):
    staff = annual_world.users["region_staff"]
    return services.agreement_create(actor=staff, title="信达软件 投资协议", enterprise=annual_world.ent_xltd,
                                     park=annual_world.xltd, land_parcel="LC-01", land_area_mu=Decimal("50"),
                                     signed_on=dt.date(2024, 1, 10), full_production_on=dt.date(2025, 6, 30),
                                     deposit_yuan=Decimal("1000000"))


def _add(agreement, indicator, target, unit="万元", year=2025, **kw):
    return services.commitment_add(actor=agreement.enterprise.region and _staff(agreement), agreement=agreement,
                                   year=year, indicator=indicator, target=Decimal(target), unit=unit, **kw)


def _staff(agreement):
    from yuanqu.accounts.models import User

    return User.objects.get(username="staff")


def test_status_against_hand_computed_actuals(agreement):
    # ent_xltd 2025: revenue 12000, tax 500, employees 150; tax per mu = 500 / 50 = 10.
    _add(agreement, "revenue", "12000")                       # 100%   → 达标
    _add(agreement, "tax", "540", tolerance_pct=Decimal(10))  # 92.6%  → 预警
    _add(agreement, "employees", "200", unit="人")             # 75%    → 未达标
    _add(agreement, "tax_per_mu", "8", unit="万元/亩")          # 125%   → 达标
    _add(agreement, "rnd", "100", year=2026)                  # not due
    result = compliance.check_agreement(agreement, today=TODAY)
    got = {(c.commitment.indicator, c.commitment.year): (c.actual, c.pct, c.status) for c in result.checks}
    assert got[("revenue", 2025)] == (Decimal("12000.00"), Decimal("100.0"), "met")
    assert got[("tax", 2025)] == (Decimal("500.00"), Decimal("92.6"), "warning")
    assert got[("employees", 2025)] == (Decimal("150.00"), Decimal("75.0"), "failed")
    assert got[("tax_per_mu", 2025)] == (Decimal("10.00"), Decimal("125.0"), "met")
    assert got[("rnd", 2026)][2] == "not_due"
    assert result.status == "failed"


def test_missing_data_is_incomplete_and_worst_of_ranks_it_below_a_warning(annual_world):
    staff = annual_world.users["region_staff"]
    a = services.agreement_create(actor=staff, title="药研 协议", enterprise=annual_world.ent_smyz,
                                  signed_on=dt.date(2024, 1, 1))
    services.commitment_add(actor=staff, agreement=a, year=2025, indicator="rnd", target=Decimal(10), unit="万元")
    assert compliance.check_agreement(a, today=TODAY).status == "incomplete"
    services.commitment_add(actor=staff, agreement=a, year=2025, indicator="revenue", target=Decimal(3100),
                            unit="万元")  # 3000 / 3100 = 96.8% → 预警
    assert compliance.check_agreement(a, today=TODAY).status == "warning"


def test_cumulative_commitments_sum_the_years_since_signing(agreement):
    _add(agreement, "revenue", "22000", basis="cumulative")  # 10000 (2024) + 12000 (2025)
    [check] = compliance.check_agreement(agreement, today=TODAY).checks
    assert (check.actual, check.status) == (Decimal("22000.00"), "met")


def test_an_approved_report_that_lowers_the_actual_turns_the_agreement_failed(agreement, annual_world):
    _add(agreement, "revenue", "12000")
    assert compliance.check_agreement(agreement, today=TODAY).status == "met"
    from yuanqu.stats import services as stats
    from yuanqu.stats.models import Report

    report = Report.objects.get(enterprise=annual_world.ent_xltd, round__year=2025, round__month=12,
                                round__frequency="month")
    stats.report_return(actor=annual_world.users["region_staff"], report=report, reason="营业收入有误")
    assert compliance.check_agreement(agreement, today=TODAY).status == "incomplete"
    report_year(annual_world, annual_world.ent_xltd, annual_world.xltd,
                {"output": "8000", "revenue": "9000", "tax": "400", "profit": "500", "employees": "150"})
    assert compliance.check_agreement(agreement, today=TODAY).status == "failed"


def test_the_money_at_stake(agreement, annual_world):
    pw = make_policy(annual_world)
    app = services.application_submit(actor=pw.staff, clause=pw.clause, enterprise=annual_world.ent_xltd)
    services.application_approve(actor=pw.staff, application=app)
    payout = services.payout_create(actor=pw.staff, application=app, paid_on=timezone.localdate())
    staff = pw.staff
    services.agreement_link_payout(actor=staff, agreement=agreement, payout=payout)
    _add(agreement, "revenue", "16000")  # 75% → 未达标, shortfall 4000 万元
    for kind, kw in (("refund", {"share_pct": Decimal(50)}), ("land_topup", {"per_mu_yuan": Decimal(60000)}),
                     ("penalty", {"per_shortfall_pct": Decimal(1)}), ("deposit", {}), ("land_recovery", {}),
                     ("credit", {})):
        services.failure_clause_add(actor=staff, agreement=agreement, kind=kind, **kw)
    result = compliance.check_agreement(agreement, today=timezone.localdate())
    amounts = {e.clause.kind: e.amount_yuan for e in result.exposures}
    assert amounts == {"refund": Decimal("100000.00"),          # 200000 × 50%, no interest
                       "land_topup": Decimal("3000000.00"),     # 60000 × 50 亩
                       "penalty": Decimal("400000.00"),         # 4000 万元 × 10000 × 1%
                       "deposit": Decimal("1000000.00"), "land_recovery": None, "credit": None}
    assert result.exposure_total == Decimal("4500000.00")


def test_refund_with_interest(agreement, annual_world):
    pw = make_policy(annual_world)
    app = services.application_submit(actor=pw.staff, clause=pw.clause, enterprise=annual_world.ent_xltd)
    services.application_approve(actor=pw.staff, application=app)
    payout = services.payout_create(actor=pw.staff, application=app, paid_on=timezone.localdate())
    Payout.objects.filter(pk=payout.pk).update(paid_on=timezone.localdate() - dt.timedelta(days=365))  # a year on
    payout.refresh_from_db()
    services.agreement_link_payout(actor=pw.staff, agreement=agreement, payout=payout)
    fc = services.failure_clause_add(actor=pw.staff, agreement=agreement, kind="refund", share_pct=Decimal(100),
                                     interest_rate_pct=Decimal(4))
    e = compliance.exposure(fc, agreement, [], timezone.localdate())
    assert e.amount_yuan == Decimal("208000.00")  # 200000 + 4% for a year


@pytest.mark.parametrize(("kw", "field", "words"), [
    ({"target": Decimal(-1)}, "target", "不能为负数"),
    ({"tolerance_pct": Decimal(120)}, "tolerance_pct", "0% 至 100%"),
    ({"tolerance_pct": Decimal(-5)}, "tolerance_pct", "0% 至 100%"),
])
def test_a_bad_commitment_is_refused(agreement, kw, field, words):
    args = {"year": 2025, "indicator": "tax", "target": Decimal(10), "unit": "万元", **kw}
    with pytest.raises(ValidationError) as exc:
        services.commitment_add(actor=_staff(agreement), agreement=agreement, **args)
    assert words in " ".join(exc.value.message_dict[field])
    assert not agreement.commitments.exists()


def test_a_full_production_date_before_signing_is_refused(annual_world):
    with pytest.raises(ValidationError) as exc:
        services.agreement_create(actor=annual_world.users["region_staff"], title="x", enterprise=annual_world.ent_xltd,
                                  signed_on=dt.date(2024, 5, 1), full_production_on=dt.date(2024, 4, 1))
    assert "达产日期不能早于签约日期" in exc.value.message_dict["full_production_on"][0]
    assert not Agreement.objects.exists()


def test_the_follow_up_is_ordered_and_audited_with_its_reason(agreement):
    staff = _staff(agreement)
    with pytest.raises(ValidationError):
        services.agreement_advance(actor=staff, agreement=agreement, to_stage="disposed", reason="跳步")
    with pytest.raises(ValidationError, match="请填写理由"):
        services.agreement_advance(actor=staff, agreement=agreement, to_stage="warned", reason="")
    for stage in ("warned", "interview", "rectification", "recheck", "waived"):
        services.agreement_advance(actor=staff, agreement=agreement, to_stage=stage, reason=f"理由：{stage}")
    assert list(AgreementStep.objects.values_list("to_stage", flat=True)) == [
        "warned", "interview", "rectification", "recheck", "waived"]
    events = AuditEvent.objects.filter(object_type__icontains="agreement", action="update").order_by("pk")
    assert [e.after.get("stage") for e in events][-5:] == ["warned", "interview", "rectification", "recheck",
                                                           "waived"]
