"""The evaluation's process through the front door: a run is computed and published, the enterprise appeals and
its class changes; a late appeal, another enterprise's appeal and a trial's publication are refused; a final class
held two years in a row triggers the second year's measure."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import World, approve_report, login
from yuanqu.core.models import AuditEvent
from yuanqu.core.registry import providers
from yuanqu.evaluation import services
from yuanqu.evaluation.method import template
from yuanqu.evaluation.models import Appeal, Evaluation, Result
from yuanqu.evaluation.selectors import grade_fact, results_for
from yuanqu.stats import services as stats
from yuanqu.stats.models import Report

from .world import SMYZ, XLTD, december_round, evaluation_of, move_in

STAFF, ENTERPRISE = "region_staff", "enterprise_user"


def grades_on_page(client: Client, run: Evaluation) -> dict[int, str]:
    page = client.get(reverse("evaluation:run", args=[run.pk])).content.decode()
    return {int(e): g for e, g in re.findall(r'data-grade-of="(\d+)">([ABCDT])<', page)}


def test_it_publishes_takes_the_enterprise_appeal_and_changes_the_class(world: World, client_as: Any) -> None:
    objs = evaluation_of(world)
    run, own = objs["xltd"]["run"], objs["xltd"]["result"]
    staff = client_as(STAFF)
    assert grades_on_page(staff, run) == {world.ent_xltd.pk: "B", world.ent_smyz.pk: "A"}
    enterprise = client_as(ENTERPRISE)
    page = enterprise.get(reverse("evaluation:result", args=[own.pk])).content.decode()
    assert "B类" in page and 'id="appeal-form"' in page
    response = enterprise.post(reverse("evaluation:appeal_create", args=[own.pk]),
                               {"reason": "部分楼层已转租，实际使用面积约0.1亩。"})
    assert response.status_code == 302
    appeal = Appeal.objects.get(result=own)
    response = staff.post(reverse("evaluation:appeal_decide", args=[appeal.pk]),
                          {"upheld": "1", "decision": "核实转租备案，申诉成立。", "land_parcel_mu": "0.1"})
    assert response.status_code == 302
    # 0.1亩: 税收 5/0.1 = 50.00 → 60 × 50/1500 = 2.00; 营收 1000.00 → 40 × 1000/25000 = 1.60 → 3.60, ahead of
    # 生命药洲's 1.07 + 0.64 = 1.71 (the template's 服务业 benchmarks are a tower's: 1500 and 25000 万元/亩).
    assert grades_on_page(staff, run) == {world.ent_xltd.pk: "A", world.ent_smyz.pk: "B"}
    own.refresh_from_db()
    assert (own.grade, own.grade_before_appeal, own.total) == ("A", "B", Decimal("3.60"))
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.UPHELD
    assert AuditEvent.objects.filter(object_type="evaluation.Appeal", object_id=str(appeal.pk)).count() == 2
    assert AuditEvent.objects.filter(object_type="evaluation.Evaluation", object_id=str(run.pk),
                                     after__appeal=appeal.pk).exists()
    # 定级 waits for the end of 公示.
    with pytest.raises(ValidationError, match="期满后才能定级"):
        services.evaluation_finalize(actor=world.users[STAFF], evaluation=run)


def test_it_refuses_an_appeal_after_publicity_or_by_another_enterprise(world: World, client_as: Any) -> None:
    objs = evaluation_of(world)
    user = world.users[ENTERPRISE]
    enterprise = client_as(ENTERPRISE)
    other = objs["smyz"]["result"]
    assert enterprise.post(reverse("evaluation:appeal_create", args=[other.pk]), {"reason": "x"}).status_code == 404
    with pytest.raises(ValidationError, match="只能对本企业的评价结果提出申诉"):
        services.appeal_file(actor=user, result=other, reason="不服")
    staff = world.users[STAFF]
    late = services.evaluation_create(actor=staff, method=objs["xltd"]["method"])
    services.evaluation_compute(actor=staff, evaluation=late)
    services.evaluation_publish(actor=staff, evaluation=late, on=timezone.localdate() - dt.timedelta(days=10))
    mine = Result.objects.get(evaluation=late, enterprise=world.ent_xltd)
    response = enterprise.post(reverse("evaluation:appeal_create", args=[mine.pk]), {"reason": "不服"}, follow=True)
    assert "申诉须在公示期内提出" in response.content.decode()
    assert not Appeal.objects.filter(result=mine).exists()


def test_it_runs_a_trial_over_provisional_statistics_and_never_publishes_it(world: World, client_as: Any) -> None:
    move_in(world)
    december_round(world, {world.ent_xltd.pk: XLTD, world.ent_smyz.pk: SMYZ}, lock=False)
    staff = world.users[STAFF]
    run = services.evaluation_create(actor=staff, method=services.method_create(actor=staff, year=2025))
    client = client_as(STAFF)
    client.post(reverse("evaluation:run_compute", args=[run.pk]))
    run.refresh_from_db()
    assert run.trial and run.stage == Evaluation.Stage.COMPUTED
    page = client.get(reverse("evaluation:run", args=[run.pk])).content.decode()
    assert 'id="trial-banner"' in page and 'id="publish-button"' not in page
    response = client.post(reverse("evaluation:run_publish", args=[run.pk]), follow=True)
    assert "本次为试算，不能公示" in response.content.decode()
    run.refresh_from_db()
    assert run.stage == Evaluation.Stage.COMPUTED
    assert not results_for(world.users[ENTERPRISE], run).exists()


def test_it_refuses_a_method_with_weights_off_100_on_the_page(world: World, client_as: Any) -> None:
    staff = world.users[STAFF]
    method = services.method_create(actor=staff, year=2024)
    spec = template()
    spec["categories"][0]["indicators"][0]["weight"] = 50
    import json

    response = client_as(STAFF).post(reverse("evaluation:method_edit", args=[method.pk]),
                                     {"name": method.name, "source": "", "spec": json.dumps(spec)})
    assert response.status_code == 200
    assert "类别「服务业企业」的权重合计为90，应为100。" in response.content.decode()
    method.refresh_from_db()
    assert method.spec == template()


def test_it_grades_and_triggers_the_measure_of_consecutive_d_years(world: World) -> None:
    move_in(world)
    staff = world.users[STAFF]
    spec = template()
    spec["classes"] = {"mode": "score", "cuts": [{"grade": "A", "min": 90}, {"grade": "B", "min": 70},
                                                 {"grade": "C", "min": 50}, {"grade": "D", "min": 0}]}
    for year in (2024, 2025):
        rnd = stats.round_open(actor=staff, region=world.licang, frequency="month", year=year, month=12,
                               deadline=dt.date(year + 1, 1, 10))
        for report in Report.objects.filter(round=rnd):
            approve_report(world, report, XLTD if report.enterprise_id == world.ent_xltd.pk else SMYZ)
        stats.round_lock(actor=staff, rnd=rnd)
        services.input_save(actor=staff, enterprise=world.ent_xltd, year=year, production_year=2019)
        run = services.evaluation_create(actor=staff, method=services.method_create(actor=staff, year=year,
                                                                                   spec=spec))
        services.evaluation_compute(actor=staff, evaluation=run)
        services.evaluation_publish(actor=staff, evaluation=run, on=timezone.localdate() - dt.timedelta(days=10))
        services.evaluation_finalize(actor=staff, evaluation=run)
    # 信联天地's 1.20 < 50 both years: D, twice in a row → the second year's surcharge.
    fact = providers.get("evaluation.grade_fact")(world.ent_xltd, 2025)
    assert fact is not None and fact == grade_fact(world.ent_xltd, 2025)
    assert (fact["grade"], fact["years_in_row"]) == ("D", 2)
    assert fact["measures"] == [{"measure": "差别电价加价", "amount": Decimal("0.10"), "unit": "元/千瓦时"}]
    assert grade_fact(world.ent_xltd, 2024)["years_in_row"] == 1  # type: ignore[index]
    assert grade_fact(world.ent_xltd, 2023) is None


@pytest.mark.parametrize("role", ["leader", "park_operator"])
def test_only_staff_of_the_region_decide_an_appeal(world: World, role: str) -> None:
    """The appeal-decision URL's scope (an appeal needs its own enterprise's user, which the matrix's places do not
    have): another region's staff, the leader and the operator get 404, and nothing is decided."""
    objs = evaluation_of(world)
    appeal = services.appeal_file(actor=world.users[ENTERPRISE], result=objs["xltd"]["result"], reason="不服")
    data = {"upheld": "0", "decision": "不成立"}
    url = reverse("evaluation:appeal_decide", args=[appeal.pk])
    for client in (login(Client(), world.laoshan_staff), login(Client(), world.users[role])):
        assert client.post(url, data).status_code == 404
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.OPEN
    assert login(Client(), world.users[STAFF]).post(url, data).status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.REJECTED


def test_its_figure_group_counts_the_classes_of_the_scope(world: World, client_as: Any) -> None:
    """The cockpit's section (and briefing paragraph): the published run's classes, an operator's parks only."""
    from yuanqu.figures.periods import Period
    from yuanqu.figures.selectors import GROUPS, scope_for

    evaluation_of(world)
    group = GROUPS["evaluation"]
    period = Period.whole_year(2025)
    staff = group.figures(scope_for(world.users[STAFF]), period)
    assert (staff["evaluation_a"].value, staff["evaluation_b"].value, staff["evaluation_evaluated"].value) == (1, 1, 2)
    assert not staff["evaluation_a"].final  # in 公示: not final yet
    operator = group.figures(scope_for(world.users["park_operator"]), period)
    assert (operator["evaluation_a"].value, operator["evaluation_b"].value) == (0, 1)
    assert group.breakdown is not None
    rows = group.breakdown(scope_for(world.users[STAFF]), period, "park")
    assert [r["label"] for r in rows] == ["生命药洲", "信联天地"]
    page = client_as(STAFF).get(reverse("dashboards:cockpit") + "?year=2025&to_month=12").content.decode()
    assert "亩均效益评价等级分布" in page
