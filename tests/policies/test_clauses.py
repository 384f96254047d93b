"""Clauses: refused rules at save, publishing only with passing tests, versions, matching, notices, 免申即享."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from yuanqu.policies import services
from yuanqu.policies.models import Application, Clause, ClauseVersion, Match, PolicyNotice

from .conftest import make_policy


def _errors(exc: ValidationError) -> str:
    return " ".join(m for ms in exc.message_dict.values() for m in ms) if hasattr(exc, "error_dict") \
        else " ".join(exc.messages)


@pytest.mark.parametrize(("rule", "words"), [
    ({">=": [{"var": "revenu"}, 5]}, "位置：>= › 第1项 › var"),
    ({">=": [{"var": "revenue"}, "五千"]}, "不能比较数值与文本"),
    ({"nope": []}, "未知的运算符"),
])
def test_it_refuses_a_bad_rule_at_save_and_stores_nothing(world, rule, words):
    pw = make_policy(world, publish=False)
    with pytest.raises(ValidationError) as exc:
        services.clause_create(actor=pw.staff, policy=pw.policy, number="第九条", title="x", stats_year=2025,
                               rule=rule, beneficiaries="x", conditions_text="x", office="x", phone="1")
    assert words in _errors(exc.value)
    assert not Clause.objects.filter(number="第九条").exists()


def test_it_refuses_a_bad_amount_rule_with_its_position(world):
    pw = make_policy(world, publish=False)
    with pytest.raises(ValidationError) as exc:
        services.clause_update(actor=pw.staff, clause=pw.clause, amount_rule={"of": "park", "rate_pct": 5})
    assert "金额规则 › of" in _errors(exc.value)


def test_it_refuses_to_publish_without_a_rule_test(world):
    pw = make_policy(world, publish=False)
    pw.clause.tests.all().delete()
    with pytest.raises(ValidationError, match="至少添加一个规则测试"):
        services.clause_publish(actor=pw.staff, clause=pw.clause)
    assert Clause.objects.get(pk=pw.clause.pk).status == "draft"


def test_it_refuses_to_publish_when_a_rule_test_fails(world):
    pw = make_policy(world, publish=False)
    services.rule_test_create(actor=pw.staff, clause=pw.clause, name="写错的预期",
                              facts={"is_high_tech": False, "revenue": 9000}, expected="eligible")
    with pytest.raises(ValidationError, match="写错的预期"):
        services.clause_publish(actor=pw.staff, clause=pw.clause)
    assert not ClauseVersion.objects.filter(clause=pw.clause).exists()


def test_it_refuses_a_rule_test_naming_an_unknown_fact_or_a_wrong_type(world):
    pw = make_policy(world, publish=False)
    with pytest.raises(ValidationError, match="未知的事实"):
        services.rule_test_create(actor=pw.staff, clause=pw.clause, name="x", facts={"revnue": 1}, expected="eligible")
    with pytest.raises(ValidationError, match="应为数值"):
        services.rule_test_create(actor=pw.staff, clause=pw.clause, name="x", facts={"revenue": "多"},
                                  expected="eligible")


def test_a_change_makes_a_new_version_and_applications_keep_theirs(pw):
    user = pw.world.users["enterprise_user"]
    app = services.application_submit(actor=user, clause=pw.clause, enterprise=pw.world.ent_xltd)
    assert app.version.number == 1
    services.clause_update(actor=pw.staff, clause=pw.clause,
                           rule={"and": [{"var": "is_high_tech"}, {">=": [{"var": "revenue"}, 6000]}]})
    clause = Clause.objects.get(pk=pw.clause.pk)
    assert clause.version == 2
    assert list(clause.versions.values_list("number", flat=True)) == [2, 1]
    app.refresh_from_db()
    assert app.version.number == 1
    assert app.version.snapshot["rule"]["and"][1][">="][1] == 5000


def test_a_change_of_a_published_clause_must_keep_its_tests_passing(pw):
    with pytest.raises(ValidationError, match="规则测试未通过"):
        services.clause_update(actor=pw.staff, clause=pw.clause, rule={"var": "is_srdi"})
    assert Clause.objects.get(pk=pw.clause.pk).version == 1


def test_publishing_matches_the_region_and_notifies_the_eligible_once(pw):
    outcomes = dict(Match.objects.filter(clause=pw.clause).values_list("enterprise__name", "outcome"))
    # ent_xltd qualifies; ent_smyz is not high-tech; the other 信联天地 tenant has no statistics (unknown);
    # 崂山's enterprise is outside the policy's region.
    assert outcomes == {"青岛信达软件有限公司": "eligible", "青岛药研生物有限公司": "not_eligible",
                        "青岛装修中科技有限公司": "not_eligible"}
    assert list(PolicyNotice.objects.values_list("enterprise", flat=True)) == [pw.world.ent_xltd.pk]
    services.match_clause(clause=pw.clause)
    assert PolicyNotice.objects.count() == 1


def test_unknown_when_the_statistics_are_missing(annual_world):
    pw = make_policy(annual_world, rule={">=": [{"var": "rd_intensity"}, 3]}, publish=False)
    pw.clause.tests.all().delete()
    services.rule_test_create(actor=pw.staff, clause=pw.clause, name="强度4", facts={"rd_intensity": 4},
                              expected="eligible")
    services.clause_publish(actor=pw.staff, clause=pw.clause)
    services.match_clause(clause=pw.clause)
    m = Match.objects.get(clause=pw.clause, enterprise=annual_world.ent_smyz)
    assert m.outcome == "unknown"
    assert m.trace[0]["facts"][0]["value"] is None
    xltd = Match.objects.get(clause=pw.clause, enterprise=annual_world.ent_xltd)
    assert xltd.outcome == "eligible"  # 600 / 12000 = 5%
    assert xltd.trace[0]["facts"][0]["value"] == "5"


def test_no_application_clause_grants_on_the_enterprises_behalf_and_it_may_decline(annual_world):
    pw = make_policy(annual_world, no_application=True)
    [app] = Application.objects.filter(clause=pw.clause)
    assert (app.enterprise, app.origin, app.status) == (annual_world.ent_xltd, "automatic", "submitted")
    assert app.trace and all(r["passed"] for r in app.trace)
    user = annual_world.users["enterprise_user"]
    services.application_decline(actor=user, application=app, reason="不需要")
    app.refresh_from_db()
    assert app.status == "declined"
    services.match_clause(clause=pw.clause)  # matching again does not grant what was declined this year
    assert Application.objects.filter(clause=pw.clause).count() == 1
