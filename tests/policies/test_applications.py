"""Applications and payouts: the budget (warnings, no commitment beyond it), amounts with reason and cap,
payouts only after approval and exactly once, deadlines, 公示 and 异议."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from yuanqu.policies import services
from yuanqu.policies.models import Application, Budget, Payout

from .conftest import make_policy


def _apply(pw):
    return services.application_submit(actor=pw.world.users["enterprise_user"], clause=pw.clause,
                                       enterprise=pw.world.ent_xltd)


def test_an_enterprise_not_eligible_is_refused_naming_the_failed_condition(pw):
    with pytest.raises(ValidationError, match="高新技术企业"):
        services.application_submit(actor=pw.staff, clause=pw.clause, enterprise=pw.world.ent_smyz)
    assert not Application.objects.exists()


def test_a_second_application_in_the_same_year_is_refused(pw):
    _apply(pw)
    with pytest.raises(ValidationError, match="本年度已申报"):
        _apply(pw)


def test_approval_beyond_the_budget_is_refused_and_commits_nothing(annual_world):
    pw = make_policy(annual_world, budget="150000")
    app = _apply(pw)
    with pytest.raises(ValidationError, match="超出预算"):
        services.application_approve(actor=pw.staff, application=app)
    budget = Budget.objects.get(policy=pw.policy)
    assert budget.committed_yuan == 0
    assert Application.objects.get(pk=app.pk).status == "submitted"


def test_the_budget_warns_at_70_and_90_percent(annual_world):
    pw = make_policy(annual_world, budget="250000")
    app = _apply(pw)
    services.application_approve(actor=pw.staff, application=app, amount_yuan=Decimal("180000"), reason="按实核减")
    budget = Budget.objects.get(policy=pw.policy)
    assert (budget.used_pct, budget.warning) == (Decimal("72.0"), "70")
    services.budget_set(actor=pw.staff, policy=pw.policy, year=budget.year, total_yuan=Decimal("190000"))
    assert Budget.objects.get(pk=budget.pk).warning == "90"
    with pytest.raises(ValidationError, match="不能少于已承诺"):
        services.budget_set(actor=pw.staff, policy=pw.policy, year=budget.year, total_yuan=Decimal("100000"))


def test_a_changed_amount_needs_a_reason_and_stays_under_the_cap(pw):
    app = _apply(pw)
    with pytest.raises(ValidationError, match="请填写理由"):
        services.application_approve(actor=pw.staff, application=app, amount_yuan=Decimal("150000"))
    with pytest.raises(ValidationError, match="超过条款上限"):
        services.application_approve(actor=pw.staff, application=app, amount_yuan=Decimal("400000"), reason="x")
    with pytest.raises(ValidationError, match="不能为负数"):
        services.application_approve(actor=pw.staff, application=app, amount_yuan=Decimal("-1"), reason="x")
    services.application_approve(actor=pw.staff, application=app, amount_yuan=Decimal("150000"),
                                 reason="部分材料不全，核减")
    app.refresh_from_db()
    assert (app.computed_yuan, app.amount_yuan, app.amount_reason) == (Decimal("200000"), Decimal("150000"),
                                                                       "部分材料不全，核减")


def test_a_payout_before_approval_is_refused(pw):
    app = _apply(pw)
    with pytest.raises(ValidationError, match="审核通过"):
        services.payout_create(actor=pw.staff, application=app, paid_on=timezone.localdate())
    assert not Payout.objects.exists()


def test_a_second_payout_is_refused_and_the_budget_pays_once(pw):
    app = _apply(pw)
    services.application_approve(actor=pw.staff, application=app)
    services.payout_create(actor=pw.staff, application=app, paid_on=timezone.localdate())
    with pytest.raises(ValidationError, match="不能重复拨付"):
        services.payout_create(actor=pw.staff, application=app, paid_on=timezone.localdate())
    assert Payout.objects.count() == 1
    assert Budget.objects.get(policy=pw.policy).paid_yuan == Decimal("200000")


def test_a_payout_dated_in_the_future_is_refused(pw):
    app = _apply(pw)
    services.application_approve(actor=pw.staff, application=app)
    with pytest.raises(ValidationError, match="不能晚于今天"):
        services.payout_create(actor=pw.staff, application=app, paid_on=timezone.localdate() + dt.timedelta(days=1))


def test_a_payout_dated_before_the_application_is_refused(pw):
    app = _apply(pw)
    services.application_approve(actor=pw.staff, application=app)
    with pytest.raises(ValidationError, match="不能早于申报日期"):
        services.payout_create(actor=pw.staff, application=app, paid_on=timezone.localdate() - dt.timedelta(days=30))
    assert not Payout.objects.exists()


def test_deadlines_are_five_working_days_and_a_week(pw, settings):
    app = _apply(pw)
    start = app.submitted_at.date()
    assert app.review_due == services.add_working_days(start, 5)
    assert app.review_due.weekday() < 5 and 5 <= (app.review_due - start).days <= 9
    settings.YUANQU_POLICY_PAYMENT_DAYS = 3
    services.application_approve(actor=pw.staff, application=app)
    app.refresh_from_db()
    assert app.payment_due == timezone.localdate() + dt.timedelta(days=3)


def test_working_days_skip_the_weekend():
    friday = dt.date(2025, 12, 5)
    assert services.add_working_days(friday, 1) == dt.date(2025, 12, 8)
    assert services.add_working_days(friday, 5) == dt.date(2025, 12, 12)


def test_publicity_then_objection_upheld_returns_the_budget(pw):
    app = _apply(pw)
    services.application_approve(actor=pw.staff, application=app, publicity_days=7)
    app.refresh_from_db()
    assert app.status == "publicity"
    with pytest.raises(ValidationError, match="公示期满"):
        services.payout_create(actor=pw.staff, application=app, paid_on=timezone.localdate())
    services.application_object(actor=pw.world.users["enterprise_user"], application=app, reason="金额有误")
    services.application_move(actor=pw.staff, application=app, move="objection_upheld", reason="异议成立，重新审核")
    app.refresh_from_db()
    assert app.status == "returned"
    assert Budget.objects.get(policy=pw.policy).committed_yuan == 0
    assert [s.to_status for s in app.steps.all()] == ["submitted", "publicity", "objection", "returned"]


def test_a_return_needs_a_reason(pw):
    app = _apply(pw)
    with pytest.raises(ValidationError, match="请填写理由"):
        services.application_move(actor=pw.staff, application=app, move="return", reason=" ")


def test_supplement_round_trip(pw):
    app = _apply(pw)
    services.application_move(actor=pw.staff, application=app, move="supplement", reason="请补充审计报告")
    services.application_supplement(actor=pw.world.users["enterprise_user"], application=app,
                                    evidence_note="已上传审计报告")
    app.refresh_from_db()
    assert app.status == "review" and "审计报告" in app.evidence_note
