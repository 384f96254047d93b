"""The policy part of the Licang demo loads through the services: published clauses with passing tests, matches,
a 免申即享 grant approved and paid."""

from __future__ import annotations

from django.utils import timezone

from yuanqu.policies.demo import load_policies_demo
from yuanqu.policies.models import Application, Clause, Payout


def test_the_policy_demo_publishes_matches_grants_and_pays(annual_world):
    staff = annual_world.users["region_staff"]
    out = load_policies_demo(staff=staff, parks={"rmjf": annual_world.xltd, "ldug": annual_world.smyz},
                             today=timezone.localdate())
    assert Clause.objects.filter(status="published").count() == 4
    assert {c.title for c in out["clauses"]} == {"高新技术企业认定奖励", "研发投入分档补贴", "在孵企业租金减免",
                                                "专精特新企业奖励"}
    grant = Application.objects.get(clause__title="高新技术企业认定奖励", enterprise=annual_world.ent_xltd)
    assert grant.origin == "automatic" and grant.status == "paid"
    assert Payout.objects.get(application=grant).amount_yuan == 100000
    rd = Clause.objects.get(title="研发投入分档补贴").matches.get(enterprise=annual_world.ent_xltd)
    assert rd.outcome == "eligible"  # revenue 12000 (5000–20000 band), intensity 5% ≥ 4%
