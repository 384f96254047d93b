"""One object of each 科技服务 kind per place of the shared world (信联天地, 生命药洲, 崂山科创园), made through the
services and found again when asked twice: the scope matrix and the feature tests share it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from tests.conftest import World
from yuanqu.innovation import services
from yuanqu.innovation.models import (
    Achievement,
    CoopBase,
    CoopProject,
    Incubatee,
    Incubator,
    Match,
    Partner,
    TechContract,
    TechNeed,
)

KEYS = ("xltd", "smyz", "laoshan")


def places(world: World) -> dict[str, tuple[Any, Any, Any]]:
    """(park, its enterprise, the district staff of its region) per place."""
    staff = world.users["region_staff"]
    return {"xltd": (world.xltd, world.ent_xltd, staff), "smyz": (world.smyz, world.ent_smyz, staff),
            "laoshan": (world.laoshan_park, world.ent_laoshan, world.laoshan_staff)}


def innovation_of(world: World) -> dict[str, dict[str, Any]]:
    """Per place: an incubator, an incubatee (applied), a contract, a need and an achievement (published), their
    match, a partner with a cooperation project linking the place's enterprise, and a cooperation base."""
    out: dict[str, dict[str, Any]] = {}
    for key, (park, ent, actor) in places(world).items():
        incubator = Incubator.objects.filter(park=park).first() or services.incubator_create(
            actor=actor, park=park, name=f"{park.name}孵化器", area_m2=Decimal(2000))
        incubatee = Incubatee.objects.filter(incubator=incubator, enterprise=ent).first() or services.incubatee_apply(
            actor=actor, incubator=incubator, enterprise=ent, applied_on=dt.date(2025, 1, 6),
            area_m2=Decimal(100))
        no = f"37021{KEYS.index(key)}2025000001"
        contract = TechContract.objects.filter(registration_no=no).first() or services.contract_create(
            actor=actor, registration_no=no, title=f"{park.name}技术开发合同", kind="development",
            signed_on=dt.date(2025, 3, 1), registered_on=dt.date(2025, 3, 20), seller=ent,
            buyer_name="外地买方", total_wan=Decimal(100), tech_wan=Decimal(80), field="electronics", park=park)
        need = TechNeed.objects.filter(enterprise=ent).first() or services.need_create(
            actor=actor, enterprise=ent, title=f"{park.name}技术需求", field="electronics", publish=True)
        achievement = Achievement.objects.filter(enterprise=ent).first() or services.achievement_create(
            actor=actor, owner_kind="enterprise", enterprise=ent, title=f"{park.name}科技成果", field="electronics",
            publish=True)
        match = Match.objects.filter(need=need).first() or services.match_create(
            actor=actor, need=need, achievement=achievement)
        partner = Partner.objects.filter(park=park).first() or services.partner_create(
            actor=actor, name=f"{park.name}合作伙伴", country="德国", kind="institute", park=park)
        project = CoopProject.objects.filter(partner=partner).first() or services.coop_project_create(
            actor=actor, partner=partner, title=f"{park.name}联合研发项目", starts_on=dt.date(2025, 2, 1),
            enterprises=[ent])
        base = CoopBase.objects.filter(park=park).first() or services.coop_base_create(
            actor=actor, name=f"{park.name}国际技术转移中心", kind="transfer", level="city", park=park)
        out[key] = {"incubator": incubator, "incubatee": incubatee, "contract": contract, "need": need,
                    "achievement": achievement, "match": match, "partner": partner, "coop_project": project,
                    "base": base}
    return out
