"""The enterprises' share of the Licang demo: fictional tenants settled so the report's counts come out exactly.

生命药洲 has 52 enterprises moved in (one the tissue-engineered cornea company of 2022); 信联天地 has 118 signed,
113 of them moved in. Registered with ``yuanqu.core.registry.demo`` from ``EnterprisesConfig.ready()``; runs
after the parks' loader, whose parks it reads from the context, and builds the buildings and units its tenants
move into.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from yuanqu.core.demo import REGION, DemoContext
from yuanqu.core.models import IndustryCode, Region
from yuanqu.parks import services as parks
from yuanqu.parks.demo import units_for
from yuanqu.parks.models import Park, Unit

from . import services as ent
from .models import Enterprise, Settlement

# Invented trade names (字号), combined with an industry word; none is meant to be a real company.
SYLLABLES = list("康瑞华恒泰安德信诚源博远创科新宏鼎盛嘉和聚融汇达优锐智益清澜朗澄颐骏瀚晟璞麒翊")

BIO_KINDS = [
    ("2710", "生物医药"), ("2720", "化学药业"), ("2761", "生物制药"), ("2770", "卫生材料"),
    ("3581", "医疗器械"), ("3584", "医疗仪器"), ("7340", "医学研究"), ("2740", "中药科技"),
]
OFFICE_KINDS = [
    ("6513", "软件"), ("6450", "网络科技"), ("7212", "投资管理"), ("7241", "律师事务"), ("7281", "会展服务"),
    ("6550", "信息技术"), ("7251", "广告传媒"), ("5181", "国际贸易"), ("7520", "科技推广"), ("6311", "通信技术"),
    ("6920", "融资租赁"), ("7294", "人力资源"),
]
INNOVATION_KINDS = [
    ("6513", "人工智能"), ("6531", "集成电路设计"), ("6450", "物联网"), ("6550", "数据科技"), ("7320", "工程技术"),
    ("3562", "半导体"), ("6572", "动漫游戏"),
]
SURNAMES = list("王李张刘陈杨赵黄周吴徐孙马朱胡郭何林高罗")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华")
TITLES = ["总经理", "行政主管", "财务负责人", "董事长助理", "综合部经理"]


def company_name(ctx: DemoContext, word: str) -> str:
    """An invented company name not used yet in this load, marked （演示）."""
    while True:
        mark = ctx.rng.choice(SYLLABLES) + ctx.rng.choice(SYLLABLES)
        name = f"青岛{mark}{word}有限公司（演示）"
        if mark[0] != mark[1] and name not in ctx.used_names:
            ctx.used_names.add(name)
            return name


def demo_enterprise(ctx: DemoContext, kinds: list[tuple[str, str]], *, name: str | None = None,
                    high_tech: float = 0.3, above: float = 0.4, industry: str | None = None) -> Enterprise:
    """Register one fictional enterprise with its primary contact."""
    rng = ctx.rng
    code, word = rng.choice(kinds)
    e = ent.enterprise_create(
        actor=ctx.actor,
        uscc=ctx.uscc(),
        name=name or company_name(ctx, word),
        industry=IndustryCode.objects.get(pk=industry or code),
        region=Region.objects.get(pk=REGION),
        is_high_tech=rng.random() < high_tech,
        is_above_scale=rng.random() < above,
        srdi_level=rng.choice(["", "", "", "innovative_sme", "provincial", "little_giant"]),
        listing=rng.choice(["unlisted"] * 12 + ["neeq", "star", "chinext"]),
        is_four_new=rng.random() < 0.35,
        registered_capital_wan=Decimal(rng.choice([100, 200, 500, 1000, 2000, 3000, 5000, 10000])),
        established_on=ctx.day(dt.date(2008, 1, 1), dt.date(2021, 12, 31)),
    )
    person = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(["", *GIVEN])
    ent.contact_create(
        actor=ctx.actor, enterprise=e, name=person, title=rng.choice(TITLES),
        phone="1" + rng.choice("3578") + "".join(rng.choice("0123456789") for _ in range(9)),
        email=f"contact{e.pk}@example.cn", is_primary=True,
    )
    return e


def settle(ctx: DemoContext, e: Enterprise, park: Park, stage: str, *, signed_from: dt.date, signed_to: dt.date,
           units: list[Unit] | None = None) -> Settlement:
    """Sign ``e`` into ``park`` on a random day and walk it through the stages up to ``stage``."""
    signed = ctx.day(signed_from, signed_to)
    s = ent.settlement_create(actor=ctx.actor, enterprise=e, park=park, signed_on=signed, units=units or [])
    order = [x.value for x in Settlement.ORDER]
    on = signed
    for step in order[1: order.index(stage) + 1]:
        on = min(on + dt.timedelta(days=ctx.rng.randrange(20, 120)), dt.date(2026, 10, 31))
        s = ent.settlement_advance(actor=ctx.actor, settlement=s, to_stage=step, on=on,
                                   reason="租约到期未续签" if step == "exited" else "")
    return s


def load_enterprises_demo(ctx: DemoContext) -> None:
    """Build each park's space and settle its tenants into it, park by park; rename one tenant.

    Space and tenants are made together, park by park, because they draw on one random source in this order:
    the demo's fictional names, codes, areas and dates stay the same from load to load and release to release.
    """
    if not ctx.fresh:
        return
    actor, rng = ctx.actor, ctx.rng
    demo_parks: dict[str, Park] = ctx.objects["parks"]
    smyz, xltd, tscx, ldug = demo_parks["smyz"], demo_parks["xltd"], demo_parks["tscx"], demo_parks["ldug"]

    # 信联天地: a 186 m tower, offices on floors 5-42, four units a floor; 113 moved in, 3 fitting out,
    # 2 signed (not in a unit yet).
    tower = parks.building_create(actor=actor, park=xltd, name="主塔楼", floors_above=45, floors_below=4,
                                  height_m=Decimal("186.0"), floor_area_m2=Decimal("150000"))
    tower_units = units_for(actor, tower, range(5, 43), 4, (180, 620), rng)
    plan = ["moved_in"] * 113 + ["fitout"] * 3 + ["signed"] * 2
    for i, stage in enumerate(plan):
        e = demo_enterprise(ctx, OFFICE_KINDS, high_tech=0.25, above=0.3)
        settle(ctx, e, xltd, stage, signed_from=dt.date(2020, 6, 1), signed_to=dt.date(2025, 12, 31),
               units=[tower_units[i]] if stage != "signed" else [])
    for unit in tower_units[118:124]:
        parks.unit_update(actor=actor, unit=unit, status=Unit.Status.RESERVED)
    for unit in tower_units[-4:]:
        parks.unit_update(actor=actor, unit=unit, status=Unit.Status.UNAVAILABLE)

    # 生命药洲: 52 moved in (one the tissue-engineered cornea company of 2022), 3 still fitting out,
    # and two that have left.
    labs = [parks.building_create(actor=actor, park=smyz, name=n, floors_above=f, height_m=Decimal(h))
            for n, f, h in (("研发楼A", 8, "36.0"), ("研发楼B", 8, "36.0"), ("中试生产车间", 3, "18.0"))]
    lab_units = (units_for(actor, labs[0], range(1, 9), 4, (300, 900), rng)
                 + units_for(actor, labs[1], range(1, 9), 4, (300, 900), rng)
                 + units_for(actor, labs[2], range(1, 4), 2, (1200, 3000), rng))
    cornea = demo_enterprise(ctx, BIO_KINDS, name="青岛明眸组织工程角膜科技有限公司（演示）", industry="2761",
                             high_tech=1, above=1)
    settle(ctx, cornea, smyz, "moved_in", signed_from=dt.date(2022, 1, 10), signed_to=dt.date(2022, 3, 31),
           units=[lab_units[0]])
    for i in range(1, 52):
        e = demo_enterprise(ctx, BIO_KINDS, high_tech=0.5, above=0.45)
        settle(ctx, e, smyz, "moved_in", signed_from=dt.date(2019, 6, 1), signed_to=dt.date(2022, 6, 30),
               units=[lab_units[i]] if i < len(lab_units) - 8 else [])
    for _ in range(3):
        settle(ctx, demo_enterprise(ctx, BIO_KINDS), smyz, "fitout", signed_from=dt.date(2025, 3, 1),
               signed_to=dt.date(2026, 6, 30))
    for _ in range(2):
        settle(ctx, demo_enterprise(ctx, BIO_KINDS), smyz, "exited", signed_from=dt.date(2019, 6, 1),
               signed_to=dt.date(2020, 6, 30))

    # 国际特别创新区: an incubation floor plate; 20 incubated tenants moved in, 4 signed.
    hub = parks.building_create(actor=actor, park=tscx, name="创新孵化中心", floors_above=6, height_m=Decimal("28.0"))
    hub_units = units_for(actor, hub, range(1, 7), 6, (60, 260), rng)
    for i in range(24):
        stage = "moved_in" if i < 20 else "signed"
        settle(ctx, demo_enterprise(ctx, INNOVATION_KINDS, high_tech=0.6), tscx, stage,
               signed_from=dt.date(2021, 3, 1), signed_to=dt.date(2026, 9, 30),
               units=[hub_units[i]] if stage == "moved_in" else [])

    # 联东U谷: under construction, with a few enterprises signed ahead of completion.
    for _ in range(4):
        settle(ctx, demo_enterprise(ctx, BIO_KINDS + INNOVATION_KINDS, above=0.6), ldug, "signed",
               signed_from=dt.date(2024, 1, 1), signed_to=dt.date(2026, 9, 30))
    # A rename, so the name history has something to show.
    renamed = Settlement.objects.filter(park=xltd, stage="moved_in").order_by("pk").first()
    assert renamed is not None
    old = renamed.enterprise.name
    ent.enterprise_update(actor=actor, enterprise=renamed.enterprise,
                          name=old.replace("有限公司（演示）", "集团有限公司（演示）"))


def demo_summary(region_code: str = REGION) -> dict[str, Any]:
    """The aggregates the news report states, read back from the database."""
    out: dict[str, Any] = {}
    for park in Park.objects.filter(region_id=region_code):
        counts = park.settlements.all().counts_by_stage()
        out[park.name] = {
            "signed": counts.signed,
            "moved_in": counts.moved_in,
            "investment_wan": park.total_investment_wan,
        }
    return out
