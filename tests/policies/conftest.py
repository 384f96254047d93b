"""The policy tests' world: the shared world plus approved 2025 annual statistics and a published clause.

- ent_xltd (信联天地, the enterprise user's own): high-tech, revenue 2025 = 12000 万元, R&D 600 (5%), tax 500;
  revenue 2024 = 10000 (growth 20%).
- ent_smyz (生命药洲): not high-tech, revenue 2025 = 3000, no R&D reported (its R&D intensity is missing).
- ent_laoshan (崂山): another district's; never matched by a 李沧 policy.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from yuanqu.core.roles import Role
from yuanqu.enterprises import services as ent
from yuanqu.policies import services
from yuanqu.policies.models import Clause, Policy
from yuanqu.stats import services as stats
from yuanqu.stats.models import Report, Round

from ..conftest import World, _report_in, approve_report

XLTD_YEAR = {"output": "11000", "revenue": "12000", "tax": "500", "profit": "900", "employees": "150"}
SMYZ_YEAR = {"output": "2800", "revenue": "3000", "tax": "120", "profit": "200", "employees": "40"}
HIGH_TECH_RULE = {"and": [{"var": "is_high_tech"}, {">=": [{"var": "revenue"}, 5000]}]}


def year_round(world: World, year: int, frequency: str = "month") -> Round:
    staff = world.users[Role.REGION_STAFF]
    found = Round.objects.filter(region=world.licang, year=year, month=12, frequency=frequency).first()
    return found or stats.round_open(actor=staff, region=world.licang, frequency=frequency, year=year, month=12,
                                     deadline=dt.date(year + 1, 1, 20))


def report_year(world: World, enterprise: Any, park: Any, values: dict[str, str], year: int = 2025,
                frequency: str = "month") -> Report:
    """Approve the enterprise's December report of ``year`` with ``values`` (through the stats services)."""
    rnd = year_round(world, year, frequency)
    return approve_report(world, _report_in(world, rnd, enterprise, park), values)


@dataclass
class PolicyWorld:
    world: World
    policy: Policy
    clause: Clause

    @property
    def staff(self) -> Any:
        return self.world.users[Role.REGION_STAFF]


def add_annual_statistics(world: World) -> World:
    staff = world.users[Role.REGION_STAFF]
    ent.enterprise_update(actor=staff, enterprise=world.ent_xltd, is_high_tech=True)
    report_year(world, world.ent_xltd, world.xltd, XLTD_YEAR)
    report_year(world, world.ent_xltd, world.xltd, {"rnd": "600"}, frequency="quarter")
    report_year(world, world.ent_xltd, world.xltd, {"output": "9000", "revenue": "10000", "tax": "400", "profit": "700",
                                                       "employees": "140"}, year=2024)
    report_year(world, world.ent_smyz, world.smyz, SMYZ_YEAR)
    world.ent_xltd.refresh_from_db()
    return world


def make_policy(world: World, *, rule: dict[str, Any] | None = None, publish: bool = True,
                no_application: bool = False, budget: str = "1000000", amount: int = 200000) -> PolicyWorld:
    staff = world.users[Role.REGION_STAFF]
    policy = services.policy_create(actor=staff, title="李沧区支持科技创新若干政策", issuer="李沧区人民政府",
                                    effective_on=dt.date(2024, 1, 1), doc_number="李政发〔2024〕8号")
    services.budget_set(actor=staff, policy=policy, year=dt.date.today().year, total_yuan=Decimal(budget))
    clause = services.clause_create(
        actor=staff, policy=policy, number="第三条", title="高新技术企业奖励", stats_year=2025,
        rule=rule or HIGH_TECH_RULE, amount_rule={"fixed": amount}, cap_yuan=Decimal("300000"),
        beneficiaries="高新技术企业", conditions_text="高企且营业收入5000万元以上", office="区科技局", phone="0532-1",
        no_application=no_application)
    services.rule_test_create(actor=staff, clause=clause, name="达标高企",
                              facts={"is_high_tech": True, "revenue": 8000}, expected="eligible")
    services.rule_test_create(actor=staff, clause=clause, name="收入不明",
                              facts={"is_high_tech": True}, expected="unknown")
    if publish:
        clause = services.clause_publish(actor=staff, clause=clause)
        services.match_clause(clause=clause)
    return PolicyWorld(world=world, policy=policy, clause=clause)


@pytest.fixture
def annual_world(world: World) -> World:
    return add_annual_statistics(world)


@pytest.fixture
def pw(annual_world: World) -> PolicyWorld:
    return make_policy(annual_world)
