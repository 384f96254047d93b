"""An enterprise whose data change is matched again once the change commits: its designation (through district
staff's edit or an approved change request), its parks, or its approved statistics (an approval, or an approved
report returned). The newly eligible are notified; nothing happens before the commit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import TestCase

from yuanqu.core.roles import Role
from yuanqu.enterprises import services as ent
from yuanqu.policies import services
from yuanqu.policies.models import Clause, Match, PolicyNotice
from yuanqu.stats import services as stats
from yuanqu.stats.models import Report

from ..conftest import World


def publish(world: World, rule: dict[str, Any], facts_true: dict[str, Any]) -> Clause:
    staff = world.users[Role.REGION_STAFF]
    policy = services.policy_create(actor=staff, title="重匹配测试政策", issuer="李沧区人民政府",
                                    effective_on=dt.date(2024, 1, 1))
    clause = services.clause_create(actor=staff, policy=policy, number="第一条", title="测试奖励", stats_year=2025,
                                    rule=rule, amount_rule={"fixed": 1000}, beneficiaries="x", conditions_text="x",
                                    office="区科技局", phone="0532-1")
    services.rule_test_create(actor=staff, clause=clause, name="符合", facts=facts_true, expected="eligible")
    clause = services.clause_publish(actor=staff, clause=clause)
    services.match_clause(clause=clause)
    return clause


def outcome(clause: Clause, enterprise: Any) -> str:
    return Match.objects.get(clause=clause, enterprise=enterprise).outcome


def test_a_new_designation_makes_the_enterprise_eligible_and_notifies_it_after_the_commit(annual_world: World):
    world = annual_world
    clause = publish(world, {"var": "is_high_tech"}, {"is_high_tech": True})
    assert outcome(clause, world.ent_smyz) == "not_eligible"
    with TestCase.captureOnCommitCallbacks(execute=False) as pending:
        ent.enterprise_update(actor=world.users[Role.REGION_STAFF], enterprise=world.ent_smyz, is_high_tech=True)
    # Not before the commit: the match still says what it said.
    assert outcome(clause, world.ent_smyz) == "not_eligible"
    for callback in pending:
        callback()
    assert outcome(clause, world.ent_smyz) == "eligible"
    assert PolicyNotice.objects.filter(clause=clause, enterprise=world.ent_smyz).count() == 1


def test_a_report_returned_after_approval_makes_the_fact_unknown(annual_world: World):
    world = annual_world
    clause = publish(world, {">=": [{"var": "revenue"}, 2000]}, {"revenue": 2500})
    assert outcome(clause, world.ent_smyz) == "eligible"
    report = Report.objects.get(enterprise=world.ent_smyz, round__year=2025, round__month=12,
                                round__frequency="month")
    with TestCase.captureOnCommitCallbacks(execute=True):
        stats.report_return(actor=world.users[Role.REGION_STAFF], report=report, reason="数据有误，请核实")
    assert outcome(clause, world.ent_smyz) == "unknown"
    # 信联天地's own figures did not change: its match is as it was.
    assert outcome(clause, world.ent_xltd) == "eligible"


def test_an_exit_from_the_park_is_heard_too(annual_world: World):
    world = annual_world
    clause = publish(world, {"==": [{"var": "park"}, "信联天地"]}, {"park": "信联天地"})
    assert outcome(clause, world.ent_xltd) == "eligible"
    with TestCase.captureOnCommitCallbacks(execute=True):
        ent.settlement_advance(actor=world.users[Role.REGION_STAFF], settlement=world.st_xltd, to_stage="exited",
                               on=dt.date.today(), reason="迁出")
    assert outcome(clause, world.ent_xltd) == "unknown"  # in no park now
