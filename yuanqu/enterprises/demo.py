"""The enterprises' share of the Licang demo: fictional tenants whose dated steps reproduce the news report as of
its date (2023-02-10), then go on to yesterday.

As of 2022-12-31 and as of 2023-02-10 alike, 生命药洲 has 52 enterprises moved in and none waiting (one of them
the tissue-engineered cornea company, moved in during 2022) and 信联天地 has 118 signed, 113 of them moved in
(3 fitting out, 2 just signed): no step is dated between the two days in those parks, and no tenant leaves
in 2022. Afterwards every park signs and moves in tenants each year, a few leave each year with a reason, and two
move from one park to another. 人民金服青岛中心·中化云谷 and 联东U谷青岛中心, under construction on the report's date,
take tenants once their first buildings are handed over.

Every step is planned first (dates drawn from the demo's seeded random source), then written through the services
in date order, so a unit freed by a tenant that leaves is let again. Registered with ``yuanqu.core.registry.demo``
from ``EnterprisesConfig.ready()``; runs after the parks' loader, whose parks it reads from the context, and builds
the buildings and units its tenants move into.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from yuanqu.core.demo import ARTICLE_DATE, REGION, DemoContext
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
DIGITAL_KINDS = [
    ("6513", "软件"), ("6450", "互联网科技"), ("6550", "数据科技"), ("6531", "集成电路设计"), ("6572", "数字内容"),
    ("6311", "通信技术"), ("6920", "融资租赁"),
]
FACTORY_KINDS = [
    ("3562", "半导体装备"), ("3591", "环保装备"), ("3493", "增材制造"), ("3976", "光电科技"), ("3981", "电子元件"),
    ("3963", "无人机科技"), ("3990", "电子设备"),
]
#: The 生命药洲 tenant whose designations show the ladder's path (科技型中小企业 → 高企 → 专精特新, 新三板 → 北交所).
CAIHUI = "青岛彩晖生物科技有限公司（演示）"
#: 经营范围 by industry class, in the wording of the business-licence scope catalogue (市场监管总局《经营范围登记规范
#: 表述目录》: 一般项目 / 许可项目), given to the first demo enterprise drawn of each class (and 彩晖生物 its own), so
#: the chains demo shows a few keyword suggestions found in a scope (confidence 40, left to staff to decide).
SCOPES = {
    "2710": "许可项目：药品生产；药品委托生产；药品进出口。一般项目：专用化学产品制造（不含危险化学品）；"
            "医学研究和试验发展；技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广。",
    "2720": "许可项目：药品生产；药品批发；药品进出口。一般项目：医学研究和试验发展；技术服务、技术开发、技术咨询、"
            "技术交流、技术转让、技术推广。",
    "2761": "许可项目：药品生产；药品委托生产；检验检测服务。一般项目：细胞技术研发和应用；医学研究和试验发展；"
            "生物化工产品技术研发。",
    "3581": "许可项目：第三类医疗器械生产；第三类医疗器械经营。一般项目：第一类医疗器械生产；第二类医疗器械销售；"
            "医疗设备租赁；技术服务、技术开发。",
    "7340": "一般项目：医学研究和试验发展；药物临床研究服务（不含临床试验机构业务）；技术服务、技术开发、技术咨询。",
    "6513": "一般项目：软件开发；人工智能应用软件开发；信息系统集成服务；数据处理和存储支持服务；信息技术咨询服务。",
    "6450": "一般项目：互联网数据服务；网络技术服务；信息技术咨询服务。许可项目：第二类增值电信业务。",
    CAIHUI: "许可项目：药品生产；药品委托生产；第三类医疗器械生产。一般项目：生物基材料技术研发；医学研究和试验发展；"
            "药品定制研发生产技术服务（CDMO）；技术服务、技术开发、技术咨询。",
    "7520": "一般项目：技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广；物联网技术服务；"
            "人工智能应用软件开发；信息技术咨询服务。",
}
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
                    high_tech: float = 0.3, above: float = 0.4, industry: str | None = None,
                    rename: str = "") -> Enterprise:
    """Register one fictional enterprise with its primary contact.

    Its designations (高企, 专精特新, listing) are drawn here but recorded with their dates by the ladder's demo
    (``yuanqu.ladder.demo``, from ``ctx.objects["designations"]``): the flags are the history's cache. ``rename``
    names the enterprise after its name is drawn, so the random draws stay those of every other load."""
    rng = ctx.rng
    code, word = rng.choice(kinds)
    uscc = ctx.uscc()  # the draws in the order they always were
    drawn = name or company_name(ctx, word)
    is_high_tech = rng.random() < high_tech
    is_above_scale = rng.random() < above
    srdi_level = rng.choice(["", "", "", "innovative_sme", "provincial", "little_giant"])
    listing = rng.choice(["unlisted"] * 12 + ["neeq", "star", "chinext"])
    e = ent.enterprise_create(
        actor=ctx.actor,
        uscc=uscc,
        name=rename or drawn,
        industry=IndustryCode.objects.get(pk=industry or code),
        region=Region.objects.get(pk=REGION),
        is_above_scale=is_above_scale,
        is_four_new=rng.random() < 0.35,
        registered_capital_wan=Decimal(rng.choice([100, 200, 500, 1000, 2000, 3000, 5000, 10000])),
        established_on=ctx.day(dt.date(2008, 1, 1), dt.date(2021, 12, 31)),
        business_scope=_scope(ctx, rename or drawn, industry or code),
    )
    ctx.objects.setdefault("designations", {})[e.pk] = (is_high_tech, srdi_level, listing)
    person = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(["", *GIVEN])
    ent.contact_create(
        actor=ctx.actor, enterprise=e, name=person, title=rng.choice(TITLES),
        phone="1" + rng.choice("3578") + "".join(rng.choice("0123456789") for _ in range(9)),
        email=f"contact{e.pk}@example.cn", is_primary=True,
    )
    return e


def _scope(ctx: DemoContext, name: str, industry: str) -> str:
    """The 经营范围 of a named demo enterprise, else of the first one of its class (a few per load, no random draw)."""
    if name in SCOPES:
        return SCOPES[name]
    scoped: set[str] = ctx.objects.setdefault("scoped_classes", set())
    if industry not in SCOPES or industry in scoped:
        return ""
    scoped.add(industry)
    return SCOPES[industry]


DAY = dt.timedelta(days=1)
#: Signings and exits in each park in each year after the report (a later year repeats the last one given).
GROWTH = {
    "xltd": {2023: (8, 2), 2024: (7, 3), 2025: (6, 2), 2026: (6, 3)},
    "smyz": {2023: (5, 1), 2024: (6, 2), 2025: (5, 2), 2026: (5, 2)},
    "tscx": {2023: (5, 1), 2024: (5, 2), 2025: (4, 1), 2026: (4, 2)},
    "rmjf": {2023: (4, 0), 2024: (6, 0), 2025: (6, 1), 2026: (5, 1)},
    "ldug": {2023: (3, 0), 2024: (5, 0), 2025: (4, 1), 2026: (4, 1)},
}
#: The day a park under construction on the report's date could first take tenants in: 人民金服青岛中心's tower
#: completed; 联东U谷青岛中心's first-phase factories handed over (its second phase is still being built).
READY = {"rmjf": dt.date(2023, 10, 20), "ldug": dt.date(2023, 7, 15)}
KINDS = {"xltd": OFFICE_KINDS, "smyz": BIO_KINDS, "tscx": INNOVATION_KINDS, "rmjf": DIGITAL_KINDS,
         "ldug": FACTORY_KINDS}
EXIT_REASONS = {
    "xltd": ["租约到期未续签", "经营调整，缩减办公面积", "总部迁往上海", "业务收缩，转为居家办公"],
    "smyz": ["租约到期未续签", "扩产另行购地建厂", "研发管线调整，关闭青岛研发中心"],
    "tscx": ["孵化期满毕业迁出", "项目终止，团队解散", "孵化期满毕业迁出"],
    "rmjf": ["经营调整，缩减办公面积", "租约到期未续签"],
    "ldug": ["订单不足，停产迁出", "生产线整合至集团胶州基地"],
}


@dataclass
class Stay:
    """One planned settlement: the dates of its steps (None: not reached by yesterday), written in date order."""

    enterprise: Enterprise
    park: Park
    signed: dt.date
    fitout: dt.date | None = None
    moved_in: dt.date | None = None
    exited: dt.date | None = None
    reason: str = ""
    keep: bool = False  # never picked to leave: the cornea company, the enterprises that move
    units: list[Unit] = field(default_factory=list)
    settlement: Settlement | None = None

    def steps(self) -> list[tuple[str, dt.date]]:
        """(stage, date) of the steps after signing that it reached."""
        return [(stage, on) for stage, on in (("fitout", self.fitout), ("moved_in", self.moved_in),
                                              ("exited", self.exited)) if on is not None]


class Plan:
    """The demo's settlements, planned before any is written: each step dated, none after ``until``."""

    def __init__(self, ctx: DemoContext) -> None:
        self.ctx, self.rng, self.until = ctx, ctx.rng, ctx.until
        self.stays: list[Stay] = []

    def gap(self, days: tuple[int, int]) -> dt.timedelta:
        """A random number of days, both ends included."""
        return dt.timedelta(days=self.rng.randint(*days))

    def early(self, start: dt.date, end: dt.date) -> dt.date:
        """A day between two dates, more likely early than late: a park fills fastest when it opens."""
        return min(self.ctx.day(start, end), self.ctx.day(start, end))

    def walk(self, signed: dt.date, *, ready: dt.date | None = None, fitout: tuple[int, int] = (15, 60),
             move: tuple[int, int] = (20, 90)) -> tuple[dt.date, dt.date]:
        """Fit-out and move-in days for a tenant signed on ``signed``: fit-out starts some days after signing, or
        after the space is ``ready`` if that is later."""
        fitout_on = max(signed, ready or signed) + self.gap(fitout)
        return fitout_on, fitout_on + self.gap(move)

    def add(self, e: Enterprise, park: Park, signed: dt.date, fitout: dt.date | None = None,
            moved_in: dt.date | None = None, *, exited: dt.date | None = None, reason: str = "",
            keep: bool = False) -> Stay:
        """Plan a settlement; steps dated after ``until`` are left out (they have not happened yet)."""
        stay = Stay(e, park, signed, keep=keep)
        self.stays.append(stay)
        self.go_on(stay, fitout=fitout, moved_in=moved_in, exited=exited, reason=reason)
        return stay

    def go_on(self, stay: Stay, *, fitout: dt.date | None = None, moved_in: dt.date | None = None,
              exited: dt.date | None = None, reason: str = "") -> None:
        """Date the later steps of ``stay``, each only if it is reached by ``until`` and the one before it was."""
        last: dt.date | None = stay.signed
        for name, on in (("fitout", fitout), ("moved_in", moved_in), ("exited", exited)):
            if on is None:
                continue
            if last is None or on > self.until:
                break
            setattr(stay, name, on)
            last = on
        if stay.exited is not None:
            stay.reason = reason

    def settled(self, park: Park, by: dt.date) -> list[Stay]:
        """Stays moved in to ``park`` by ``by`` that have not left and may leave."""
        return [s for s in self.stays if s.park is park and s.moved_in is not None and s.moved_in <= by
                and s.exited is None and not s.keep]

    def write(self, units: dict[int, list[Unit]]) -> None:
        """Write every planned step through the services, in date order; ``units`` are each park's free units,
        taken in order by the tenants that sign (while any is free) and given back when a tenant leaves."""
        actor, order = self.ctx.actor, {"exited": 0, "signed": 1, "fitout": 2, "moved_in": 3}
        events = sorted((on, order[stage], i, stage) for i, stay in enumerate(self.stays)
                        for stage, on in [("signed", stay.signed), *stay.steps()])
        for on, _rank, i, stage in events:
            stay = self.stays[i]
            if stage == "signed":
                free = units.get(stay.park.pk, [])
                stay.units = [free.pop(0)] if free else []
                stay.settlement = ent.settlement_create(actor=actor, enterprise=stay.enterprise, park=stay.park,
                                                        signed_on=on, units=stay.units)
                continue
            assert stay.settlement is not None
            stay.settlement = ent.settlement_advance(actor=actor, settlement=stay.settlement, to_stage=stage,
                                                     on=on, reason=stay.reason if stage == "exited" else "")
            if stage == "exited" and stay.units:
                # Fresh rows: the freed units are vacant now, so the next tenant's lease marks them let again.
                units.setdefault(stay.park.pk, []).extend(Unit.objects.filter(pk__in=[u.pk for u in stay.units])
                                                          .order_by("pk"))


def load_enterprises_demo(ctx: DemoContext) -> None:
    """Build each park's space, plan its tenants' steps to yesterday and write them; rename one tenant.

    Space and tenants are planned park by park, the report's state first, from one random source in this order:
    the demo's fictional names, codes, areas and dates up to the report stay the same from load to load, whatever
    the day; what follows the report grows with the days that have passed.
    """
    if not ctx.fresh:
        return
    actor, rng = ctx.actor, ctx.rng
    demo_parks: dict[str, Park] = ctx.objects["parks"]
    smyz, xltd, tscx = demo_parks["smyz"], demo_parks["xltd"], demo_parks["tscx"]
    rmjf, ldug = demo_parks["rmjf"], demo_parks["ldug"]
    plan = Plan(ctx)
    free: dict[int, list[Unit]] = {}
    before_2022 = dt.date(2021, 12, 31)
    after_report = ARTICLE_DATE + DAY

    # 信联天地: a 186 m tower, offices on floors 5-42, four units a floor (the top floor not for lease). By the
    # end of 2022: 113 moved in, 3 fitting out, 2 signed; two tenants of 2020 left in 2021.
    tower = parks.building_create(actor=actor, park=xltd, name="主塔楼", floors_above=45, floors_below=4,
                                  height_m=Decimal("186.0"), floor_area_m2=Decimal("150000"))
    tower_units = units_for(actor, tower, range(5, 43), 4, (180, 620), rng)
    for unit in tower_units[-4:]:
        parks.unit_update(actor=actor, unit=unit, status=Unit.Status.UNAVAILABLE)
    free[xltd.pk] = tower_units[:-4]
    for _ in range(113):
        signed = plan.early(dt.date(2020, 6, 1), dt.date(2022, 7, 31))
        plan.add(demo_enterprise(ctx, OFFICE_KINDS, high_tech=0.25, above=0.3), xltd, signed,
                 *plan.walk(signed, ready=dt.date(2020, 8, 1), move=(30, 90)))
    for _ in range(3):  # fitting out on the report's date; moved in that spring
        signed = ctx.day(dt.date(2022, 9, 1), dt.date(2022, 11, 30))
        plan.add(demo_enterprise(ctx, OFFICE_KINDS, high_tech=0.25, above=0.3), xltd, signed,
                 signed + plan.gap((15, 30)), ctx.day(dt.date(2023, 2, 20), dt.date(2023, 5, 31)))
    for _ in range(2):  # signed at the end of 2022; fitting out after the report
        signed = ctx.day(dt.date(2022, 10, 15), dt.date(2022, 12, 31))
        fitout = ctx.day(dt.date(2023, 2, 15), dt.date(2023, 4, 15))
        plan.add(demo_enterprise(ctx, OFFICE_KINDS, high_tech=0.25, above=0.3), xltd, signed, fitout,
                 fitout + plan.gap((30, 90)))
    for reason in ("租约到期未续签", "经营调整，迁出青岛"):
        signed = ctx.day(dt.date(2020, 6, 1), dt.date(2020, 12, 31))
        fitout, moved_in = plan.walk(signed, ready=dt.date(2020, 8, 1), move=(30, 90))
        plan.add(demo_enterprise(ctx, OFFICE_KINDS), xltd, signed, fitout, moved_in,
                 exited=ctx.day(moved_in + dt.timedelta(days=120), before_2022), reason=reason)

    # 生命药洲: labs and a pilot plant. By the end of 2022: 52 moved in (one the tissue-engineered cornea company,
    # signed and moved in during 2022), none waiting; two tenants left in 2021.
    labs = [parks.building_create(actor=actor, park=smyz, name=n, floors_above=f, height_m=Decimal(h))
            for n, f, h in (("研发楼A", 8, "36.0"), ("研发楼B", 8, "36.0"), ("中试生产车间", 3, "18.0"))]
    free[smyz.pk] = (units_for(actor, labs[0], range(1, 9), 4, (300, 900), rng)
                     + units_for(actor, labs[1], range(1, 9), 4, (300, 900), rng)
                     + units_for(actor, labs[2], range(1, 4), 2, (1200, 3000), rng))
    cornea = demo_enterprise(ctx, BIO_KINDS, name="青岛明眸组织工程角膜科技有限公司（演示）", industry="2761",
                             high_tech=1, above=1)
    signed = ctx.day(dt.date(2022, 1, 10), dt.date(2022, 3, 31))
    plan.add(cornea, smyz, signed, *plan.walk(signed, fitout=(15, 45), move=(30, 90)), keep=True)
    for k in range(51):
        signed = plan.early(dt.date(2019, 3, 1), dt.date(2022, 6, 30))
        # the first is 彩晖生物, the report's example of the listing ladder (its path: yuanqu.ladder.demo)
        plan.add(demo_enterprise(ctx, BIO_KINDS, high_tech=0.5, above=0.45,
                                 rename="" if k else CAIHUI), smyz, signed,
                 *plan.walk(signed, ready=dt.date(2019, 5, 1)))
    for reason in ("研发项目终止", "租约到期未续签"):
        signed = ctx.day(dt.date(2019, 6, 1), dt.date(2020, 3, 31))
        fitout, moved_in = plan.walk(signed)
        plan.add(demo_enterprise(ctx, BIO_KINDS), smyz, signed, fitout, moved_in,
                 exited=ctx.day(moved_in + dt.timedelta(days=180), before_2022), reason=reason)

    # 国际特别创新区: an incubation floor plate. By the end of 2022: 20 incubated tenants moved in, 2 fitting out,
    # 2 signed; one left in 2021.
    hub = parks.building_create(actor=actor, park=tscx, name="创新孵化中心", floors_above=6, height_m=Decimal("28.0"))
    free[tscx.pk] = units_for(actor, hub, range(1, 7), 6, (60, 260), rng)
    for _ in range(20):
        signed = plan.early(dt.date(2021, 1, 15), dt.date(2022, 7, 31))
        plan.add(demo_enterprise(ctx, INNOVATION_KINDS, high_tech=0.6), tscx, signed,
                 *plan.walk(signed, ready=dt.date(2021, 2, 15), fitout=(10, 45), move=(15, 60)))
    for _ in range(2):
        signed = ctx.day(dt.date(2022, 10, 1), dt.date(2022, 11, 30))
        plan.add(demo_enterprise(ctx, INNOVATION_KINDS, high_tech=0.6), tscx, signed, signed + plan.gap((10, 30)),
                 ctx.day(dt.date(2023, 2, 20), dt.date(2023, 4, 30)))
    for _ in range(2):
        signed = ctx.day(dt.date(2022, 11, 1), dt.date(2022, 12, 31))
        fitout = ctx.day(dt.date(2023, 2, 15), dt.date(2023, 4, 15))
        plan.add(demo_enterprise(ctx, INNOVATION_KINDS, high_tech=0.6), tscx, signed, fitout,
                 fitout + plan.gap((15, 60)))
    signed = ctx.day(dt.date(2021, 1, 15), dt.date(2021, 4, 30))
    fitout, moved_in = plan.walk(signed, ready=dt.date(2021, 2, 15), fitout=(10, 45), move=(15, 60))
    plan.add(demo_enterprise(ctx, INNOVATION_KINDS), tscx, signed, fitout, moved_in,
             exited=ctx.day(moved_in + dt.timedelta(days=90), before_2022), reason="孵化项目终止")

    # 联东U谷青岛中心: under construction on the report's date, with four enterprises signed ahead of completion;
    # they move in once the first-phase factories are handed over.
    factories = [parks.building_create(actor=actor, park=ldug, name=f"一期{i}号厂房", floors_above=4,
                                       height_m=Decimal("24.0")) for i in range(1, 5)]
    free[ldug.pk] = [u for b in factories for u in units_for(actor, b, range(1, 5), 2, (800, 2000), rng)]
    for _ in range(4):
        signed = ctx.day(dt.date(2022, 5, 1), dt.date(2022, 12, 31))
        plan.add(demo_enterprise(ctx, FACTORY_KINDS, above=0.6), ldug, signed,
                 *plan.walk(signed, ready=READY["ldug"], fitout=(0, 45), move=(30, 90)))

    # 人民金服青岛中心·中化云谷: no tenant before its first tower is completed.
    offices = [parks.building_create(actor=actor, park=rmjf, name=n, floors_above=f, height_m=Decimal(h))
               for n, f, h in (("人民金服青岛中心A座", 26, "118.0"), ("中化云谷1号楼", 12, "54.0"))]
    free[rmjf.pk] = (units_for(actor, offices[0], range(5, 25), 4, (150, 480), rng)
                     + units_for(actor, offices[1], range(2, 12), 3, (200, 600), rng))

    # Two enterprises move from one park to another: an incubatee graduates into 联东U谷's factories, a tower
    # tenant takes larger offices in 人民金服青岛中心. Each signs and fits out the new place, leaves the old one at
    # the end of a month, and moves in during the next.
    for old_park, new_park, year, reason in (
            (tscx, ldug, 2024, "孵化期满毕业，迁入联东U谷青岛中心扩大生产"),
            (xltd, rmjf, 2025, "扩大办公面积，迁入人民金服青岛中心")):
        mover = rng.choice(plan.settled(old_park, dt.date(2022, 12, 31)))
        mover.keep = True
        signed = ctx.day(dt.date(year, 2, 1), dt.date(year, 4, 30))
        fitout = signed + plan.gap((20, 45))
        leaves = fitout + plan.gap((30, 60))
        leaves = dt.date(leaves.year + leaves.month // 12, leaves.month % 12 + 1, 1) - DAY
        plan.go_on(mover, exited=leaves, reason=reason)
        plan.add(mover.enterprise, new_park, signed, fitout, leaves + plan.gap((1, 10)), keep=True)

    # After the report: signings in every park each year (the first early enough to move in that year), and a
    # few tenants leaving.
    for year in range(ARTICLE_DATE.year, ctx.until.year + 1):
        start, end = max(dt.date(year, 1, 1), after_report), min(dt.date(year, 12, 31), ctx.until)
        if start > end:
            break
        for key, park in (("xltd", xltd), ("smyz", smyz), ("tscx", tscx), ("rmjf", rmjf), ("ldug", ldug)):
            by_year = GROWTH[key]
            signings, exits = by_year.get(year, by_year[max(by_year)])
            for i in range(signings):
                signed = ctx.day(start, min(start + dt.timedelta(days=75), end)) if i == 0 else ctx.day(start, end)
                steps = (plan.walk(signed, ready=READY.get(key), fitout=(5, 30), move=(20, 40)) if i == 0
                         else plan.walk(signed, ready=READY.get(key)))
                # Newcomers are mostly small: few start above the designated size.
                plan.add(demo_enterprise(ctx, KINDS[key], high_tech=0.4, above=0.2), park, signed, *steps)
            for _ in range(exits):
                on = ctx.day(start, end)
                candidates = plan.settled(park, on - dt.timedelta(days=180))
                if candidates:
                    plan.go_on(rng.choice(candidates), exited=on, reason=rng.choice(EXIT_REASONS[key]))

    plan.write(free)

    # Six vacant offices of the tower held for tenants in talks.
    for unit in (Unit.objects.filter(building=tower, status=Unit.Status.VACANT)
                 .order_by("-floor", "-number")[:6]):
        parks.unit_update(actor=actor, unit=unit, status=Unit.Status.RESERVED)
    # The parks built since the report are running.
    for park in (rmjf, ldug):
        if park.settlements.filter(stage=Settlement.Stage.MOVED_IN).exists():
            parks.park_update(actor=actor, park=park, status=Park.Status.OPERATING)
    # A rename, so the name history has something to show.
    renamed = Settlement.objects.filter(park=xltd, stage="moved_in").order_by("pk").first()
    assert renamed is not None
    old = renamed.enterprise.name
    ent.enterprise_update(actor=actor, enterprise=renamed.enterprise,
                          name=old.replace("有限公司（演示）", "集团有限公司（演示）"))


def demo_summary(region_code: str = REGION, on: dt.date | None = None) -> dict[str, Any]:
    """Per park, the enterprises signed and moved in as of the end of day ``on`` (default: now) and the park's
    total investment: the aggregates the news report states, read back from the database."""
    out: dict[str, Any] = {}
    for park in Park.objects.filter(region_id=region_code).order_by("pk"):
        counts = park.settlements.all().counts_by_stage(on=on)
        out[park.name] = {
            "signed": counts.signed,
            "moved_in": counts.moved_in,
            "investment_wan": park.total_investment_wan,
        }
    return out
