"""Importing a 履约台账: agreements by enterprise and title, then their commitments by year and indicator, from real
.xlsx files through the services; bad rows refused with the reason on the row, nothing outside scope reachable."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tests.conftest import World
from yuanqu.core.models import AuditEvent
from yuanqu.policies import compliance
from yuanqu.policies.models import Agreement, Commitment
from yuanqu.tabular import engine

from ..tabular import files

AGREEMENTS = ["统一社会信用代码", "协议名称", "所在园区", "地块编号", "用地面积(公顷)", "签订日期", "达产日期",
              "履约保证金(万元)"]
COMMITMENTS = ["统一社会信用代码", "协议名称", "考核年度", "承诺指标", "承诺值", "计量单位", "口径", "容差(%)"]


def _run(staff, entity: str, rows: list[list[object]], header: list[str]):
    data = files.xlsx(("台账", [header, *rows]))
    batch = engine.start_batch(actor=staff, entity=entity, filename="台账.xlsx", data=data)
    batch = engine.commit(batch, actor=staff)
    assert batch.status == "committed", batch.error
    return batch


def test_agreements_then_commitments_and_the_status_follows(annual_world: World) -> None:
    w = annual_world
    staff = w.user("region_staff")
    uscc = w.ent_xltd.uscc
    batch = _run(staff, "agreements", [[uscc, "信达软件投资协议", w.xltd.name, "LC-2024-01", 2, "2024-01-10",
                                        "2025-06-30", 100]], AGREEMENTS)
    assert batch.counts.get("new") == 1, (batch.counts, batch.report, batch.mapping)
    a = Agreement.objects.get(title="信达软件投资协议")
    # 2 公顷 = 30 亩; 100 万元 = 1,000,000 元
    assert (a.enterprise, a.park, a.land_area_mu, a.deposit_yuan) == (w.ent_xltd, w.xltd, Decimal("30.00"),
                                                                      Decimal("1000000.00"))
    assert (a.signed_on, a.full_production_on) == (dt.date(2024, 1, 10), dt.date(2025, 6, 30))
    _run(staff, "agreement_commitments", [
        [uscc, "信达软件投资协议", 2025, "营业收入", 12000, "万元", "年度", 10],
        [uscc, "信达软件投资协议", 2025, "从业人员", 200, "人", "当年", ""],
    ], COMMITMENTS)
    got = {c.indicator: (c.target, c.unit, c.basis, c.tolerance_pct) for c in a.commitments.all()}
    assert got == {"revenue": (Decimal("12000.00"), "万元", "annual", Decimal("10.00")),
                   "employees": (Decimal("200.00"), "人", "annual", Decimal("10.00"))}
    # 150 employees against 200: 未达标, computed from the approved report as for one typed on the page
    assert compliance.check_agreement(a, today=dt.date(2026, 6, 1)).status == "failed"
    # the same table again changes nothing; a corrected target updates the one commitment, audited
    again = _run(staff, "agreement_commitments", [[uscc, "信达软件投资协议", 2025, "从业人员", 150, "人", "年度", 10]],
                 COMMITMENTS)
    assert again.counts.get("update") == 1
    assert Commitment.objects.get(agreement=a, indicator="employees").target == Decimal("150.00")
    assert AuditEvent.objects.filter(object_type="policies.Commitment", action="update").count() == 1
    assert compliance.check_agreement(a, today=dt.date(2026, 6, 1)).status == "met"


def _errors(staff, entity: str, rows: list[list[object]], header: list[str]) -> list[str]:
    data = files.xlsx(("台账", [header, *rows]))
    batch = engine.preview(engine.start_batch(actor=staff, entity=entity, filename="bad.xlsx", data=data),
                           actor=staff)
    return [str(row[3]) for row in batch.report]


def test_bad_rows_are_refused_with_their_reason(annual_world: World) -> None:
    w = annual_world
    staff = w.user("region_staff")
    uscc = w.ent_xltd.uscc
    errors = _errors(staff, "agreements", [
        [uscc, "达产早于签约", "", "", "", "2025-03-01", "2024-01-01", ""],
        [w.ent_laoshan.uscc, "崂山的协议", "", "", "", "2025-03-01", "", ""],
    ], AGREEMENTS)
    assert "达产日期不能早于签约日期" in errors[0]
    assert "您的权限范围内没有该统一社会信用代码的企业" in errors[1]  # another district's enterprise: not reachable
    _run(staff, "agreements", [[uscc, "信达软件投资协议", "", "", "", "2024-01-10", "", ""]], AGREEMENTS)
    errors = _errors(staff, "agreement_commitments", [
        [uscc, "信达软件投资协议", 2025, "营业收入", -5, "万元", "年度", 10],
        [uscc, "信达软件投资协议", 2025, "税收", 500, "万元", "年度", 150],
        [uscc, "没有这份协议", 2025, "税收", 500, "万元", "年度", 10],
    ], COMMITMENTS)
    assert any(word in errors[0] for word in ("不能为负数", "不能小于"))
    assert "0% 至 100%" in errors[1] or "100" in errors[1]
    assert "请先导入协议" in errors[2]
    assert not Commitment.objects.exists()


def test_only_district_staff_import_agreements(annual_world: World) -> None:
    from yuanqu.tabular.registry import get_importer

    importer = get_importer("agreements")
    assert importer is not None and tuple(importer.roles) == ("region_staff",)
    assert get_importer("agreement_commitments").roles == importer.roles  # type: ignore[union-attr]


APPLICATIONS = ["政策", "条款号", "统一社会信用代码", "预算年度", "申报日期", "审核通过日期", "核定金额(万元)",
                "拨付日期", "拨付凭证"]


def test_a_payout_ledger_becomes_applications_paid_on_their_dates_against_the_budget(annual_world: World) -> None:
    """A 兑现台账 row: submitted, approved and paid on its own dates, against the policy's budget of its year, once."""
    from tests.policies.conftest import make_policy
    from yuanqu.policies.models import Application, Budget, Payout

    w = annual_world
    pw = make_policy(w, budget="300000")
    staff = pw.staff
    year = dt.date.today().year
    uscc = w.ent_xltd.uscc
    row = [pw.policy.title, "第三条", uscc, year, f"{year}-01-05", f"{year}-01-20", 20, f"{year}-02-01", "李财拨1号"]
    batch = _run(staff, "policy_applications", [row], APPLICATIONS)
    assert batch.counts.get("new") == 1
    app = Application.objects.get(clause=pw.clause, enterprise=w.ent_xltd)
    assert (app.status, app.amount_yuan, app.budget_year) == ("paid", Decimal("200000.00"), year)
    assert app.submitted_at.date() == dt.date(year, 1, 5) and app.approved_at.date() == dt.date(year, 1, 20)
    assert Payout.objects.get(application=app).paid_on == dt.date(year, 2, 1)
    budget = Budget.objects.get(policy=pw.policy, year=year)
    assert (budget.committed_yuan, budget.paid_yuan) == (Decimal("200000.00"), Decimal("200000.00"))
    # the same sheet again: the application is already there, nothing changes
    assert _run(staff, "policy_applications", [row], APPLICATIONS).counts.get("unchanged") == 1
    assert Payout.objects.count() == 1
    # beyond the budget left (100,000 元), dates out of order, a clause that does not exist: refused on their row
    errors = _errors(staff, "policy_applications", [
        [pw.policy.title, "第三条", w.ent_smyz.uscc, year, f"{year}-01-05", f"{year}-01-20", 15, "", ""],
        [pw.policy.title, "第三条", w.ent_smyz.uscc, year - 1, f"{year}-03-05", f"{year}-01-20", 1, "", ""],
        [pw.policy.title, "第九十九条", uscc, year, f"{year}-01-05", f"{year}-01-20", 1, "", ""],
    ], APPLICATIONS)
    assert "超出预算" in errors[0]
    assert "不能早于申报日期" in errors[1]
    assert "没有这一条款号" in errors[2]
    assert Application.objects.count() == 1
