"""The policy pages through the front door: the rule editor refusing bad rules with the position, the preview,
publishing, the enterprise's home page with the reason it qualifies, applying, reviewing and paying, agreements,
figures; and an enterprise user opening another enterprise's application or agreement gets 404."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from yuanqu.policies import services
from yuanqu.policies.models import Agreement, Application, Clause, Payout, RuleTest

from ..conftest import login
from .conftest import make_policy


@pytest.fixture
def staff_client(client, annual_world):
    return login(client, annual_world.users["region_staff"])


def _clause_post(**over):
    data = {"number": "第六条", "title": "规上企业奖励", "benefit": "cash", "stats_year": "2025",
            "rule": json.dumps({">=": [{"var": "revenue"}, 5000]}), "amount_rule": json.dumps({"fixed": 50000}),
            "cap_yuan": "50000", "beneficiaries": "规上企业", "conditions_text": "营业收入5000万元以上",
            "evidence": "", "payout_days": "30", "office": "区工信局", "phone": "0532-1", "save": "1"}
    data.update(over)
    return data


@pytest.mark.parametrize(("rule", "words"), [
    ('{">=": [{"var": "revnue"}, 5000]}', "未知的事实“revnue”"),
    ('{">=": [{"var": "revenue"}, "五千"]}', "不能比较数值与文本"),
    ('{">=": [{"var": "revenue"}, 5000]', "不是有效的 JSON（第 1 行"),
    ('[1, 2]', "请填写 JSON 对象"),
])
def test_the_rule_editor_refuses_a_bad_rule_in_chinese(staff_client, annual_world, rule, words):
    pw = make_policy(annual_world)
    response = staff_client.post(reverse("policies:clause_create", args=[pw.policy.pk]), _clause_post(rule=rule))
    assert response.status_code == 200
    assert words in response.content.decode()
    assert not Clause.objects.filter(number="第六条").exists()


def test_the_rule_editor_previews_over_real_enterprises(staff_client, annual_world):
    pw = make_policy(annual_world)
    data = _clause_post()
    data.pop("save")
    data["preview"] = "1"
    response = staff_client.post(reverse("policies:clause_create", args=[pw.policy.pk]), data)
    body = response.content.decode()
    assert "符合 1 家，数据不全 1 家，不符合 1 家" in body  # xltd 12000; xltd_fitout no data; smyz 3000
    assert not Clause.objects.filter(number="第六条").exists()


def test_staff_create_test_and_publish_a_clause(staff_client, annual_world):
    pw = make_policy(annual_world)
    response = staff_client.post(reverse("policies:clause_create", args=[pw.policy.pk]), _clause_post())
    clause = Clause.objects.get(number="第六条")
    assert response.status_code == 302
    publish = reverse("policies:clause_publish", args=[clause.pk])
    response = staff_client.post(publish, follow=True)
    assert "发布前须至少添加一个规则测试" in response.content.decode()
    response = staff_client.post(reverse("policies:rule_test_create", args=[clause.pk]),
                                 {"name": "规上", "facts": '{"revenue": 6000}', "expected": "eligible"}, follow=True)
    assert RuleTest.objects.filter(clause=clause).count() == 1
    response = staff_client.post(reverse("policies:rule_test_create", args=[clause.pk]),
                                 {"name": "坏", "facts": '{"revenue": 6000', "expected": "eligible"}, follow=True)
    assert "不是有效的 JSON" in response.content.decode()
    response = staff_client.post(publish, follow=True)
    assert "条款已发布" in response.content.decode()
    assert Clause.objects.get(pk=clause.pk).status == "published"


def test_the_enterprise_home_page_shows_what_it_qualifies_for_and_why(client, pw):
    user = pw.world.users["enterprise_user"]
    response = login(client, user).get(reverse("home"), follow=True)
    body = response.content.decode()
    assert "可享受的惠企政策" in body
    assert "高新技术企业奖励" in body
    assert "营业收入（统计年度） ≥ 5000" in body and "12000万元" in body
    assert "企业统计报表（经审核通过的数据） 2025-12-31" in body
    assert "高新技术企业：是" in body


def test_the_enterprise_applies_and_staff_approve_and_pay(client, pw):
    ent_client = login(client, pw.world.users["enterprise_user"])
    response = ent_client.post(reverse("policies:clause_apply", args=[pw.clause.pk]), {"evidence_note": "证书"},
                               follow=True)
    assert "已提交申报" in response.content.decode()
    app = Application.objects.get()
    staff = login(client.__class__(), pw.staff)
    url = reverse("policies:application_act", args=[app.pk])
    response = staff.post(url, {"action": "pay", "paid_on": str(timezone.localdate())}, follow=True)
    assert "审核通过（且公示期满）后才能拨付" in response.content.decode()
    response = staff.post(url, {"action": "approve", "amount_yuan": "150000", "reason": "", "publicity_days": "0"},
                          follow=True)
    assert "请填写理由" in response.content.decode()
    staff.post(url, {"action": "approve", "amount_yuan": "", "reason": "", "publicity_days": "0"})
    assert Application.objects.get().status == "approved"
    staff.post(url, {"action": "pay", "paid_on": str(timezone.localdate()), "reference": "李财拨1号"})
    response = staff.post(url, {"action": "pay", "paid_on": str(timezone.localdate())}, follow=True)
    assert "不能重复拨付" in response.content.decode()
    assert Payout.objects.count() == 1
    response = ent_client.get(reverse("policies:application_detail", args=[app.pk]))
    assert "已拨付" in response.content.decode()


def test_bad_inputs_on_the_review_forms_are_refused_in_chinese(client, pw):
    app = services.application_submit(actor=pw.staff, clause=pw.clause, enterprise=pw.world.ent_xltd)
    staff = login(client, pw.staff)
    url = reverse("policies:application_act", args=[app.pk])
    response = staff.post(url, {"action": "approve", "amount_yuan": "abc", "publicity_days": "0"}, follow=True)
    assert "请输入数字" in response.content.decode()
    response = staff.post(url, {"action": "pay", "paid_on": "明天"}, follow=True)
    assert "输入一个有效的日期" in response.content.decode()
    response = staff.post(url, {"action": "frobnicate"}, follow=True)
    assert "未知的操作" in response.content.decode()
    assert Application.objects.get().status == "submitted"


def test_an_enterprise_user_gets_404_for_another_enterprises_application_and_agreement(client, pw):
    clause = services.clause_create(actor=pw.staff, policy=pw.policy, number="第八条", title="小微奖励",
                                    stats_year=2025, rule={">=": [{"var": "revenue"}, 1000]}, beneficiaries="x",
                                    conditions_text="x", office="x", phone="1", amount_rule={"fixed": 1000})
    services.rule_test_create(actor=pw.staff, clause=clause, name="达标", facts={"revenue": 2000},
                              expected="eligible")
    clause = services.clause_publish(actor=pw.staff, clause=clause)
    other = services.application_submit(actor=pw.staff, clause=clause, enterprise=pw.world.ent_smyz)
    agreement = services.agreement_create(actor=pw.staff, title="药研协议", enterprise=pw.world.ent_smyz,
                                          signed_on=dt.date(2024, 1, 1))
    ent_client = login(client, pw.world.users["enterprise_user"])
    for name, pk in (("policies:application_detail", other.pk), ("policies:agreement_detail", agreement.pk)):
        assert ent_client.get(reverse(name, args=[pk])).status_code == 404
    response = ent_client.post(reverse("policies:application_act", args=[other.pk]), {"action": "decline"})
    assert response.status_code == 404
    assert Application.objects.get(pk=other.pk).status == "submitted"
    assert ent_client.get(f"/api/policies/applications/{other.pk}").status_code in (401, 404)


def test_agreement_pages_create_commit_and_refuse_bad_inputs(staff_client, annual_world):
    url = reverse("policies:agreement_create")
    response = staff_client.post(url, {"title": "坏协议", "enterprise": annual_world.ent_xltd.pk,
                                       "signed_on": "2024-05-01", "full_production_on": "2024-04-01",
                                       "deposit_yuan": "0"})
    assert "达产日期不能早于签约日期" in response.content.decode()
    response = staff_client.post(url, {"title": "好协议", "enterprise": annual_world.ent_xltd.pk,
                                       "signed_on": "2024-05-01", "land_area_mu": "40", "deposit_yuan": "0"})
    agreement = Agreement.objects.get()
    act = reverse("policies:agreement_act", args=[agreement.pk])
    response = staff_client.post(act, {"action": "commitment", "year": "2025", "indicator": "revenue",
                                       "target": "-5", "unit": "万元", "basis": "annual", "tolerance_pct": "10"},
                                 follow=True)
    assert "承诺目标不能为负数" in response.content.decode() or "确保该值大于或等于 0" in response.content.decode()
    response = staff_client.post(act, {"action": "commitment", "year": "2025", "indicator": "revenue",
                                       "target": "10000", "unit": "万元", "basis": "annual", "tolerance_pct": "150"},
                                 follow=True)
    assert "100" in response.content.decode() and not agreement.commitments.exists()
    staff_client.post(act, {"action": "commitment", "year": "2025", "indicator": "revenue", "target": "10000",
                            "unit": "万元", "basis": "annual", "tolerance_pct": "10"})
    response = staff_client.get(reverse("policies:agreement_detail", args=[agreement.pk]))
    assert "达标" in response.content.decode()
    response = staff_client.post(act, {"action": "step", "to_stage": "warned", "reason": ""}, follow=True)
    assert Agreement.objects.get().stage == "monitoring"


def test_lists_figures_and_cockpit(client, pw):
    app = services.application_submit(actor=pw.staff, clause=pw.clause, enterprise=pw.world.ent_xltd)
    services.application_approve(actor=pw.staff, application=app)
    services.payout_create(actor=pw.staff, application=app, paid_on=timezone.localdate())
    c = login(client, pw.world.users["leader"])
    for name in ("policies:policies", "policies:applications", "policies:agreements", "policies:matches"):
        assert c.get(reverse(name)).status_code == 200
    body = c.get(reverse("policies:figures")).content.decode()
    assert "兑现金额" in body and "200000" in body
    body = c.get(reverse("dashboards:cockpit")).content.decode()
    assert 'id="fig-policy_paid"' in body and "惠企政策兑现与投资协议履约" in body
    assert Decimal(Payout.objects.get().amount_yuan) == Decimal("200000")
