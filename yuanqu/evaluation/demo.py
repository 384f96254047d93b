"""The Licang 亩均效益 evaluation of 2025 for the demo: the shipped method template as the district's 2025 method,
input records for the industrial enterprises (增加值 ≈ 28% of revenue, emissions, own land for the above-scale
factories of 联东U谷), one utility and one relocation (T类), then the run: 测算 → 公示 (five days, begun 12 days
ago) → an enterprise's appeal (the demo enterprise user's, or, when its class is A already, a
tenant's with an account made for it, ``enterprise2``): its land area overstated, as it sublets part of its
floor → upheld with the corrected area, which raises its class → 定级. Every row goes through the services.
Registered as a demo loader from ``EvaluationConfig.ready()``, after statistics and the accounts.

Over a year whose statistics are not locked (a demo loaded early in 2026), the run stays a 试算, as the rule says.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from yuanqu.accounts.models import User
from yuanqu.accounts.services import user_create_on_server
from yuanqu.core.demo import DemoContext
from yuanqu.core.roles import Role
from yuanqu.enterprises.models import Settlement
from yuanqu.figures.enterprise_values import enterprise_year_values

from . import services
from .models import Evaluation, Result
from .scoring import score

YEAR = 2025
#: The account of the enterprise that appeals when the demo enterprise user's own class cannot rise (it is an A).
APPELLANT = "enterprise2"
#: Accounts made by this loader (username, role, password), printed with the others.
CREATED: list[tuple[str, str, str]] = []
CENT = Decimal("0.01")


def _q(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def load_inputs(*, staff: Any, region: str, year: int) -> None:
    """Input records of the region's industrial enterprises moved in by the year's end, reviewed by staff."""
    end = dt.date(year, 12, 31)
    settlements = (Settlement.objects.in_region(region).filter(moved_in_on__lte=end, exited_on__isnull=True)
                   .select_related("enterprise__industry", "park").order_by("enterprise_id", "pk"))
    firsts: dict[int, Settlement] = {}
    for s in settlements:
        firsts.setdefault(s.enterprise_id, s)
    industrial = {eid: s for eid, s in firsts.items()
                  if s.enterprise.industry and s.enterprise.industry.section in services.INDUSTRIAL_SECTIONS}
    revenue = enterprise_year_values(list(industrial), year, ["revenue"])
    for n, (eid, s) in enumerate(sorted(industrial.items())):
        rev = revenue.get(eid, {}).get("revenue")
        if rev is None:
            continue
        factory = s.park.name.startswith("联东U谷") and s.enterprise.is_above_scale
        record = services.input_save(
            actor=staff, enterprise=s.enterprise, year=year, value_added_wan=_q(rev.value * Decimal("0.28")),
            emission_t=_q(rev.value * Decimal("0.0004")), other_energy_tce=_q(rev.value * Decimal("0.002")),
            owns_land=factory, land_parcel_mu=Decimal(15 + (eid % 5) * 6) if factory else None,
            production_year=s.moved_in_on.year if s.moved_in_on else None,
            utility=n == 3, relocated=n == 7)
        services.input_review(actor=staff, record=record)


def _appeal_land(evaluation: Evaluation, enterprise_id: int) -> Decimal | None:
    """The land (亩) that, typed as a correction, raises the enterprise's class by one: found by scoring the run's
    inputs with the correction (pure, nothing written). None when no share of the area would."""
    items, _parks = services.gather(evaluation)
    spec = evaluation.method.spec
    before = {o.key: o for o in score(spec, items)}[enterprise_id]
    if before.grade in ("A", "T") or before.land_mu is None:
        return None
    for share in ("0.8", "0.6", "0.5", "0.4", "0.3", "0.2"):
        land = _q(before.land_mu * Decimal(share))
        changed = [replace(i, owns_land=True, land_parcel_mu=land) if i.key == enterprise_id else i for i in items]
        after = {o.key: o for o in score(spec, changed)}[enterprise_id]
        if after.grade < before.grade:
            return land
    return None


def _appellant(run: Evaluation, enterprise_user: Any) -> tuple[Any, Decimal | None]:
    """Who appeals: the demo enterprise user if a correction of its area would raise its class; else a user made
    now (申诉演示) for the first 信联天地 tenant below A whose correction would."""
    land = _appeal_land(run, enterprise_user.enterprise_id)
    if land is not None:
        return enterprise_user, land
    for result in (Result.objects.filter(evaluation=run, grade__in=("B", "C"), park__name="信联天地")
                   .order_by("pk")[:10]):
        land = _appeal_land(run, result.enterprise_id)
        if land is not None:
            user = User.objects.filter(username=APPELLANT).first()
            if user is None:
                user, password = user_create_on_server(
                    role=Role.ENTERPRISE_USER, region=run.region, username=APPELLANT,
                    enterprise=result.enterprise, display_name="企业用户（申诉演示）", must_change_password=False)
                CREATED.append((APPELLANT, str(Role.ENTERPRISE_USER.label), password))
            return user, land
    return None, None


def load_evaluation_demo(*, staff: Any, enterprise_user: Any, region: str, today: dt.date) -> Evaluation:
    """The 2025 run with its appeal, as the module docstring tells."""
    load_inputs(staff=staff, region=region, year=YEAR)
    method = services.method_create(actor=staff, year=YEAR, name="李沧区工业企业亩均效益综合评价办法（演示，按模板）")
    run = services.evaluation_create(actor=staff, method=method)
    run = services.evaluation_compute(actor=staff, evaluation=run)
    if run.trial:
        return run
    start = today - dt.timedelta(days=12)
    run = services.evaluation_publish(actor=staff, evaluation=run, on=start)
    appellant, land = _appellant(run, enterprise_user)
    if appellant is not None and land is not None:
        own = Result.objects.get(evaluation=run, enterprise=appellant.enterprise)
        appeal = services.appeal_file(actor=appellant, result=own, on=start + dt.timedelta(days=2),
                                      reason=f"本企业租用的部分楼层已转租，实际使用面积折合{land}亩，请按实际面积复核。")
        services.appeal_decide(actor=staff, appeal=appeal, upheld=True,
                               decision="经核对租赁合同与转租备案，申诉成立，按实际使用面积重新测算。",
                               corrections={"owns_land": True, "land_parcel_mu": land})
    return services.evaluation_finalize(actor=staff, evaluation=run, on=today - dt.timedelta(days=1))


def load_demo_part(ctx: DemoContext) -> None:
    """The registered loader: a fresh demo's 2025 evaluation."""
    if not ctx.fresh or "staff" not in ctx.objects:
        return
    enterprise_user = User.objects.filter(username="enterprise").first()
    if enterprise_user is None:
        return
    CREATED.clear()
    ctx.objects["evaluation"] = load_evaluation_demo(staff=ctx.objects["staff"], enterprise_user=enterprise_user,
                                                     region=ctx.region.pk, today=ctx.today)
    ctx.accounts.extend(CREATED)
