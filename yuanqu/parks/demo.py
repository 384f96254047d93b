"""The parks' share of the Licang demo: the five parks of the news report.

Registered with ``yuanqu.core.registry.demo`` from ``ParksConfig.ready()``; runs after the loader account exists
and before the enterprises' loader, which builds the buildings and units its tenants move into (``units_for``).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import TYPE_CHECKING

from yuanqu.core.demo import DemoContext
from yuanqu.core.models import IndustryCode

from . import services as parks
from .models import Building, Park, Unit

if TYPE_CHECKING:
    from yuanqu.accounts.models import User


def units_for(actor: User, building: Building, floors: range, per_floor: int, area: tuple[int, int],
              rng: random.Random) -> list[Unit]:
    """Create ``per_floor`` units on each floor, numbered like 1203."""
    out = []
    for floor in floors:
        for i in range(1, per_floor + 1):
            out.append(parks.unit_create(actor=actor, building=building, number=f"{floor}{i:02d}", floor=floor,
                                         area_m2=Decimal(rng.randrange(*area)), status=Unit.Status.VACANT))
    return out


def load_parks_demo(ctx: DemoContext) -> None:
    """Create the five parks; leave them in ``ctx.objects["parks"]`` by short name."""
    if not ctx.fresh:
        return
    actor, region = ctx.actor, ctx.region
    ind = IndustryCode.objects.in_bulk

    smyz = parks.park_create(
        actor=actor, name="生命药洲", region=region, kind=Park.Kind.INDUSTRIAL, status=Park.Status.OPERATING,
        key_level=Park.Level.PROVINCE_CITY_DISTRICT, operator_name="李沧区生命药洲园区运营中心",
        address="山东省青岛市李沧区", land_area_mu=Decimal("260"), floor_area_m2=Decimal("280000"),
        opened_on=dt.date(2019, 6, 1),
        description="生物医药特色园区，省市区三级重点项目；聚焦药物研发与生产、医疗器械、特医应用。"
                    "2022年入驻企业52家，实现产值55亿元。",
        industries=list(ind(["27", "358", "734"]).values()),
    )
    xltd = parks.park_create(
        actor=actor, name="信联天地", region=region, kind=Park.Kind.OFFICE_TOWER, status=Park.Status.OPERATING,
        key_level=Park.Level.DISTRICT, operator_name="信联天地运营管理公司",
        address="山东省青岛市李沧区", floor_area_m2=Decimal("150000"), opened_on=dt.date(2020, 9, 1),
        description="186米地标写字楼，发展总部经济与“四新”经济；已签约企业118家，装修入驻113家。"
                    "提供孵化培育、技术转移、成果交易、国际合作等科技服务。",
        industries=list(ind(["65", "72", "75"]).values()),
    )
    tscx = parks.park_create(
        actor=actor, name="国际特别创新区", region=region, kind=Park.Kind.INNOVATION_ZONE,
        status=Park.Status.OPERATING, key_level=Park.Level.CITY, address="山东省青岛市李沧区",
        description="数字经济与高新技术孵化。", opened_on=dt.date(2021, 3, 1),
        industries=list(ind(["65", "64", "73"]).values()),
    )
    rmjf = parks.park_create(
        actor=actor, name="人民金服青岛中心·中化云谷", region=region, kind=Park.Kind.INDUSTRIAL,
        status=Park.Status.BUILDING, key_level=Park.Level.CITY, total_investment_wan=Decimal("1020000"),
        address="山东省青岛市李沧区", description="数字经济产业园项目，总投资102亿元。",
        industries=list(ind(["64", "65"]).values()),
    )
    ldug = parks.park_create(
        actor=actor, name="联东U谷青岛中心", region=region, kind=Park.Kind.INDUSTRIAL, status=Park.Status.BUILDING,
        key_level=Park.Level.DISTRICT, total_investment_wan=Decimal("300000"), address="山东省青岛市李沧区",
        description="总投资30亿元，已开工建设。", industries=list(ind(["35", "39"]).values()),
    )

    ctx.objects["parks"] = {"smyz": smyz, "xltd": xltd, "tscx": tscx, "rmjf": rmjf, "ldug": ldug}
