"""Budget arithmetic under concurrent approvals, and one payout from two tabs, on PostgreSQL (two connections at
once). SQLite serialises writers itself; there the same refusals are tested one after the other."""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from yuanqu.policies import services
from yuanqu.policies.models import Application, Budget, Payout

from ..conftest import build_world, reload_reference_tables
from .conftest import add_annual_statistics, make_policy


def race(*calls: Callable[[], Any]) -> tuple[list[Any], list[BaseException]]:
    barrier = threading.Barrier(len(calls))
    results: list[Any] = []
    errors: list[BaseException] = []

    def run(fn: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results.append(fn())
        except BaseException as exc:  # noqa: BLE001 (reported to the test)
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(fn,)) for fn in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_two_approvals_racing_never_commit_beyond_the_budget():
    if connection.vendor != "postgresql":
        pytest.skip("needs two connections writing at once (PostgreSQL)")
    reload_reference_tables()
    world = add_annual_statistics(build_world())
    pw = make_policy(world, budget="300000")  # room for one 200000 approval, not two
    staff = pw.staff
    a1 = services.application_submit(actor=staff, clause=pw.clause, enterprise=world.ent_xltd)
    # A second clause of the same policy (same budget) for the same enterprise.
    c2 = services.clause_create(actor=staff, policy=pw.policy, number="第四条", title="第二项奖励", stats_year=2025,
                                rule={"var": "is_high_tech"}, amount_rule={"fixed": 200000}, beneficiaries="x",
                                conditions_text="x", office="x", phone="1")
    services.rule_test_create(actor=staff, clause=c2, name="高企", facts={"is_high_tech": True}, expected="eligible")
    c2 = services.clause_publish(actor=staff, clause=c2)
    a2 = services.application_submit(actor=staff, clause=c2, enterprise=world.ent_xltd)
    results, errors = race(lambda: services.application_approve(actor=staff, application=a1),
                           lambda: services.application_approve(actor=staff, application=a2))
    assert len(results) == 1, (results, errors)
    assert len(errors) == 1 and isinstance(errors[0], ValidationError) and "超出预算" in str(errors[0])
    budget = Budget.objects.get(policy=pw.policy)
    assert budget.committed_yuan == Decimal("200000")
    assert Application.objects.filter(status="approved").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_tabs_paying_the_same_application_make_one_payout():
    if connection.vendor != "postgresql":
        pytest.skip("needs two connections writing at once (PostgreSQL)")
    reload_reference_tables()
    world = add_annual_statistics(build_world())
    pw = make_policy(world)
    app = services.application_submit(actor=pw.staff, clause=pw.clause, enterprise=world.ent_xltd)
    services.application_approve(actor=pw.staff, application=app)
    today = timezone.localdate()
    results, errors = race(lambda: services.payout_create(actor=pw.staff, application=app, paid_on=today),
                           lambda: services.payout_create(actor=pw.staff, application=app, paid_on=today))
    assert len(results) == 1 and len(errors) == 1, (results, errors)
    assert "不能重复拨付" in str(errors[0])
    assert Payout.objects.count() == 1
    assert Budget.objects.get(policy=pw.policy).paid_yuan == Decimal("200000")
