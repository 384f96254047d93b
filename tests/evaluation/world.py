"""亩均评价 objects of the shared world, made through the services once and found again when asked twice.

李沧: 生命药洲's enterprise moves in (2024-05-01); December 2025 statistics are approved and locked for 信联天地's
enterprise (税收 5, 营业收入 100 万元 on its 200 ㎡ unit = 0.3 亩) and 生命药洲's (税收 20, 营业收入 300 on
500 ㎡ = 0.75 亩); both have input records (信联天地's filled by its user and reviewed; 生命药洲's typed by staff).
The 2025 run under the shipped template is computed and in 公示 from yesterday: both are 服务业 (6513);
生命药洲's scores 1.71 (A: nobody ahead), 信联天地's 1.20 (B: half ahead). 崂山: its enterprise moves in, and
a trial run (no December round) is computed.

The scope matrix and the feature tests share it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from tests.conftest import World, approve_report
from yuanqu.core.roles import Role
from yuanqu.enterprises import services as ent
from yuanqu.evaluation import services
from yuanqu.evaluation.models import Evaluation, EvaluationInput, Method, Result
from yuanqu.stats import services as stats
from yuanqu.stats.models import Report, Round

XLTD = {"output": "90", "revenue": "100", "tax": "5", "profit": "10", "employees": "10"}
SMYZ = {"output": "280", "revenue": "300", "tax": "20", "profit": "30", "employees": "20"}


def december_round(world: World, values: dict[int, dict[str, str]], *, lock: bool) -> Round:
    """The 李沧 December 2025 round with approved reports of the given enterprises (by id), locked if asked."""
    staff = world.users[Role.REGION_STAFF]
    rnd = stats.round_open(actor=staff, region=world.licang, frequency="month", year=2025, month=12,
                           deadline=dt.date(2026, 1, 10))
    for eid, figures in values.items():
        approve_report(world, Report.objects.get(round=rnd, enterprise_id=eid), _after_earlier(eid, figures))
    return stats.round_lock(actor=staff, rnd=rnd) if lock else rnd


def _after_earlier(enterprise_id: int, figures: dict[str, str]) -> dict[str, str]:
    """The December figures, raised above what the enterprise approved earlier in 2025 where that is more (a world
    with June statistics, as the scope matrix's, would otherwise have a year-to-date figure fall): the stated
    figures hold where no earlier month was approved, as in the evaluation tests."""
    from decimal import Decimal

    from django.db.models import Max

    from yuanqu.stats.models import ReportValue

    earlier = dict(ReportValue.objects.filter(
        enterprise_id=enterprise_id, year=2025, month__lt=12, report__status=Report.Status.APPROVED,
        indicator__code__in=list(figures)).values("indicator__code").annotate(top=Max("ytd_value"))
        .values_list("indicator__code", "top"))
    return {code: str(earlier[code] + Decimal(v)) if earlier.get(code) is not None and earlier[code] >= Decimal(v)
            else v for code, v in figures.items()}


def move_in(world: World) -> None:
    """生命药洲's and 崂山's enterprises move in (they are only signed in the shared world)."""
    staff, laoshan = world.users[Role.REGION_STAFF], world.laoshan_staff
    for actor, settlement in ((staff, world.st_smyz), (laoshan, world.st_laoshan)):
        settlement.refresh_from_db()
        if settlement.stage == "signed":
            settlement = ent.settlement_advance(actor=actor, settlement=settlement, to_stage="fitout",
                                                on=dt.date(2024, 4, 1))
            ent.settlement_advance(actor=actor, settlement=settlement, to_stage="moved_in", on=dt.date(2024, 5, 1))


def evaluation_of(world: World) -> dict[str, dict[str, Any]]:
    """Per place (xltd, smyz, laoshan): method, run, result, input. 生命药洲's place uses 崂山's method and run
    (outside the operator's and the enterprise user's scope), with its own result and input (李沧's)."""
    staff, user = world.users[Role.REGION_STAFF], world.users[Role.ENTERPRISE_USER]
    run = Evaluation.objects.filter(region_id="370213", year=2025).first()
    if run is None:
        move_in(world)
        december_round(world, {world.ent_xltd.pk: XLTD, world.ent_smyz.pk: SMYZ}, lock=True)
        own = services.input_save(actor=user, enterprise=world.ent_xltd, year=2025, production_year=2019)
        services.input_review(actor=staff, record=own)
        services.input_save(actor=staff, enterprise=world.ent_smyz, year=2025, production_year=2020)
        run = services.evaluation_create(actor=staff, method=services.method_create(actor=staff, year=2025))
        services.evaluation_compute(actor=staff, evaluation=run)
        services.evaluation_publish(actor=staff, evaluation=run,
                                    on=timezone.localdate() - dt.timedelta(days=1))
        laoshan = services.evaluation_create(actor=world.laoshan_staff,
                                             method=services.method_create(actor=world.laoshan_staff, year=2025))
        services.evaluation_compute(actor=world.laoshan_staff, evaluation=laoshan)
        services.input_save(actor=world.laoshan_staff, enterprise=world.ent_laoshan, year=2025, production_year=2020)
    laoshan = Evaluation.objects.get(region_id="370212", year=2025)
    licang = Evaluation.objects.get(pk=run.pk)
    methods = {"licang": Method.objects.get(region_id="370213"), "laoshan": Method.objects.get(region_id="370212")}
    out = {}
    for key, ent_obj, place_run, method in (
            ("xltd", world.ent_xltd, licang, methods["licang"]),
            ("smyz", world.ent_smyz, laoshan, methods["laoshan"]),
            ("laoshan", world.ent_laoshan, laoshan, methods["laoshan"])):
        result_run = licang if key == "smyz" else place_run
        out[key] = {"run": place_run, "method": method,
                    "result": Result.objects.get(evaluation=result_run, enterprise=ent_obj),
                    "input": EvaluationInput.objects.get(enterprise=ent_obj, year=2025)}
    return out
