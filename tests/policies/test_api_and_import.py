"""The policy API (same services, same scopes) and the clause importer (a clause table, all or nothing)."""

from __future__ import annotations

import json

from tests.helpers import Api
from yuanqu.policies.models import Application, Clause
from yuanqu.tabular import engine

from ..tabular import files
from .conftest import make_policy


def test_the_api_evaluates_applies_and_lists(pw):
    ent = Api(pw.world.users["enterprise_user"])
    response = ent.get(f"/api/policies/clauses/{pw.clause.pk}/evaluate")
    assert response.status_code == 200
    body = response.json()
    assert body["outcome"] == "eligible"
    assert [r["condition"] for r in body["trace"]] == ["高新技术企业", "营业收入（统计年度） ≥ 5000"]
    assert body["trace"][1]["facts"][0]["value"] == "12000"
    response = ent.post(f"/api/policies/clauses/{pw.clause.pk}/apply", {"evidence_note": "证书"})
    assert response.status_code == 201, response.content
    assert response.json()["version"] == 1
    again = ent.post(f"/api/policies/clauses/{pw.clause.pk}/apply", {})
    assert again.status_code == 422 and "请勿重复申报" in json.dumps(again.json(), ensure_ascii=False)
    assert [a["id"] for a in ent.get("/api/policies/applications/").json()["items"]] == [
        Application.objects.get().pk]
    # another enterprise: not eligible, refused with the failed condition named
    staff = Api(pw.staff)
    refused = staff.post(f"/api/policies/clauses/{pw.clause.pk}/apply", {"enterprise": pw.world.ent_smyz.pk})
    assert refused.status_code == 422 and "高新技术企业" in json.dumps(refused.json(), ensure_ascii=False)
    assert staff.post(f"/api/policies/clauses/{pw.clause.pk}/apply", {"enterprise": 999999}).status_code == 422
    assert ent.get(f"/api/policies/clauses/{pw.clause.pk}/evaluate", enterprise=pw.world.ent_smyz.pk
                   ).status_code == 404


def test_the_agreement_api_shows_status_and_exposure(pw):
    import datetime as dt
    from decimal import Decimal

    from yuanqu.policies import services

    a = services.agreement_create(actor=pw.staff, title="协议", enterprise=pw.world.ent_xltd,
                                  signed_on=dt.date(2024, 1, 1), deposit_yuan=Decimal("100000"))
    services.commitment_add(actor=pw.staff, agreement=a, year=2025, indicator="tax", target=Decimal("1000"),
                            unit="万元")
    services.failure_clause_add(actor=pw.staff, agreement=a, kind="deposit")
    body = Api(pw.world.users["enterprise_user"]).get(f"/api/policies/agreements/{a.pk}").json()
    assert body["commitments"][0]["actual"] == "500.00" and body["commitments"][0]["status"] == "failed"
    assert body["status"] == "failed" and body["exposure_yuan"] == "100000.00"


HEADER = ["政策", "条款号", "条款名称", "统计年度", "资格规则", "金额规则", "惠及对象", "申报条件", "受理部门",
          "咨询电话"]


def _row(number, rule):
    return ["李沧区支持科技创新若干政策", number, "规上奖励", 2025, json.dumps(rule, ensure_ascii=False),
            '{"fixed": 10000}', "规上企业", "营业收入5000万元以上", "区工信局", "0532-1"]


def test_the_clause_importer_imports_a_table_and_refuses_a_bad_rule_naming_its_row(annual_world):
    pw = make_policy(annual_world)
    staff = pw.staff
    good = files.xlsx(("S", [HEADER, _row("第十条", {">=": [{"var": "revenue"}, 5000]})]))
    batch = engine.commit(engine.start_batch(actor=staff, entity="policy_clauses", filename="c.xlsx", data=good),
                          actor=staff)
    assert batch.status == "committed", batch.error
    clause = Clause.objects.get(number="第十条")
    assert clause.rule == {">=": [{"var": "revenue"}, 5000]} and clause.status == "draft"
    again = engine.commit(engine.start_batch(actor=staff, entity="policy_clauses", filename="c.xlsx", data=good),
                          actor=staff)
    assert again.counts.get("unchanged") == 1
    bad = files.xlsx(("S", [HEADER, _row("第十一条", {">=": [{"var": "revenue"}, 5000]}),
                            _row("第十二条", {">=": [{"var": "revenue"}, "很多"]})]))
    batch = engine.preview(engine.start_batch(actor=staff, entity="policy_clauses", filename="bad.xlsx", data=bad),
                           actor=staff)
    errors = " ".join(str(row[3]) for row in batch.report)
    assert "不能比较数值与文本" in errors and "位置" in errors
    batch = engine.commit(batch, actor=staff)
    # The engine commits the valid rows in one transaction and keeps the error rows for download and re-import.
    assert not Clause.objects.filter(number="第十二条").exists()
    assert batch.counts.get("error") == 1
