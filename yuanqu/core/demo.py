"""The Licang (李沧区, 370213) demo: five parks from a February 2023 news report, fictional tenants.

Aggregates the report states come out exactly: 生命药洲 has 52 enterprises moved in (入驻);
信联天地 has 118 signed, 113 of them moved in; 人民金服青岛中心·中化云谷 is a 102亿元 digital-economy
project; 联东U谷青岛中心 is a 30亿元 project under construction. Enterprise names are invented and
carry the mark （演示）; unified social credit codes are generated with valid check digits.
Every row is written through the services, so the demo also fills the audit log.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from yuanqu.accounts.models import User
from yuanqu.accounts.services import user_create_on_server
from yuanqu.core.models import IndustryCode, Region
from yuanqu.core.roles import Role
from yuanqu.core.text import uscc_check_digit
from yuanqu.enterprises import services as ent
from yuanqu.enterprises.models import Enterprise, Settlement
from yuanqu.parks import services as parks
from yuanqu.parks.models import Building, Park, Unit

REGION = "370213"
SEED = 370213

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


def org_code_check(body8: str) -> str:
    """GB 11714 check character of an 8-character organisation code body."""
    values = [int(c) if c.isdigit() else ord(c) - 55 for c in body8]
    total = sum(v * w for v, w in zip(values, (3, 7, 9, 10, 5, 8, 4, 2), strict=True))
    c = 11 - total % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def make_uscc(rng: random.Random, region: str = REGION) -> str:
    """A well-formed USCC: 9 (工商) 1 (企业), the region, an organisation code, the check digit."""
    body = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
    first17 = "91" + region + body + org_code_check(body)
    if any(c not in "0123456789ABCDEFGHJKLMNPQRTUWXY" for c in first17):
        return make_uscc(rng, region)
    return first17 + uscc_check_digit(first17)


@dataclass
class Demo:
    """State of one demo load: the random source, the actor and the names already used."""

    rng: random.Random
    actor: User
    used_names: set[str]
    used_uscc: set[str]

    def name(self, word: str) -> str:
        while True:
            mark = self.rng.choice(SYLLABLES) + self.rng.choice(SYLLABLES)
            name = f"青岛{mark}{word}有限公司（演示）"
            if mark[0] != mark[1] and name not in self.used_names:
                self.used_names.add(name)
                return name

    def uscc(self) -> str:
        while True:
            code = make_uscc(self.rng)
            if code not in self.used_uscc:
                self.used_uscc.add(code)
                return code

    def day(self, start: dt.date, end: dt.date) -> dt.date:
        return start + dt.timedelta(days=self.rng.randrange((end - start).days + 1))

    def enterprise(self, kinds: list[tuple[str, str]], *, name: str | None = None, high_tech: float = 0.3,
                   above: float = 0.4, industry: str | None = None) -> Enterprise:
        code, word = self.rng.choice(kinds)
        e = ent.enterprise_create(
            actor=self.actor,
            uscc=self.uscc(),
            name=name or self.name(word),
            industry=IndustryCode.objects.get(pk=industry or code),
            region=Region.objects.get(pk=REGION),
            is_high_tech=self.rng.random() < high_tech,
            is_above_scale=self.rng.random() < above,
            srdi_level=self.rng.choice(["", "", "", "innovative_sme", "provincial", "little_giant"]),
            listing=self.rng.choice(["unlisted"] * 12 + ["neeq", "star", "chinext"]),
            is_four_new=self.rng.random() < 0.35,
            registered_capital_wan=Decimal(self.rng.choice([100, 200, 500, 1000, 2000, 3000, 5000, 10000])),
            established_on=self.day(dt.date(2008, 1, 1), dt.date(2021, 12, 31)),
        )
        person = self.rng.choice(SURNAMES) + self.rng.choice(GIVEN) + self.rng.choice(["", *GIVEN])
        ent.contact_create(
            actor=self.actor, enterprise=e, name=person, title=self.rng.choice(TITLES),
            phone="1" + self.rng.choice("3578") + "".join(self.rng.choice("0123456789") for _ in range(9)),
            email=f"contact{e.pk}@example.cn", is_primary=True,
        )
        return e

    def settle(self, e: Enterprise, park: Park, stage: str, *, signed_from: dt.date, signed_to: dt.date,
               units: list[Unit] | None = None) -> Settlement:
        signed = self.day(signed_from, signed_to)
        s = ent.settlement_create(actor=self.actor, enterprise=e, park=park, signed_on=signed, units=units or [])
        order = [x.value for x in Settlement.ORDER]
        on = signed
        for step in order[1: order.index(stage) + 1]:
            on = min(on + dt.timedelta(days=self.rng.randrange(20, 120)), dt.date(2026, 10, 31))
            s = ent.settlement_advance(actor=self.actor, settlement=s, to_stage=step, on=on,
                                       reason="租约到期未续签" if step == "exited" else "")
        return s


def units_for(actor: User, building: Building, floors: range, per_floor: int, area: tuple[int, int],
              rng: random.Random) -> list[Unit]:
    """Create ``per_floor`` units on each floor, numbered like 1203."""
    out = []
    for floor in floors:
        for i in range(1, per_floor + 1):
            out.append(parks.unit_create(actor=actor, building=building, number=f"{floor}{i:02d}", floor=floor,
                                         area_m2=Decimal(rng.randrange(*area)), status=Unit.Status.VACANT))
    return out


def ensure_users(actor_region: Region, xltd: Park, enterprise: Enterprise) -> list[tuple[str, str, str]]:
    """One account per role; returns (username, role, password) for the accounts created now."""
    wanted: list[tuple[str, Role, str, dict[str, Any]]] = [
        ("admin", Role.REGION_ADMIN, "系统管理员", {}),
        ("auditor", Role.AUDITOR, "审计管理员", {}),
        ("staff", Role.REGION_STAFF, "区投资促进局", {}),
        ("leader", Role.LEADER, "区领导", {}),
        ("operator", Role.PARK_OPERATOR, "信联天地运营方", {"parks": [xltd]}),
        ("enterprise", Role.ENTERPRISE_USER, "企业填报员", {"enterprise": enterprise}),
    ]
    created = []
    for username, role, display, extra in wanted:
        if User.objects.filter(username=username).exists():
            continue
        user, password = user_create_on_server(role=role, region=actor_region, username=username,
                                               display_name=display, **extra)
        created.append((username, str(role.label), password))
    return created


@transaction.atomic
def load_demo() -> tuple[bool, list[tuple[str, str, str]]]:
    """Load the Licang demo unless it is there; create missing accounts. Returns (loaded, new accounts)."""
    region = Region.objects.get(pk=REGION)
    if Park.objects.filter(region=region, name="信联天地").exists():
        xltd = Park.objects.get(region=region, name="信联天地")
        sample = Settlement.objects.filter(park=xltd, stage="moved_in").order_by("pk").first()
        return False, ensure_users(region, xltd, sample.enterprise) if sample else []
    actor, _pw = user_create_on_server(role=Role.REGION_STAFF, region=region, username="demo-loader",
                                       display_name="演示数据导入")
    actor.is_active = False  # the loader account cannot log in
    actor.save(update_fields=["is_active"])
    rng = random.Random(SEED)
    demo = Demo(rng=rng, actor=actor, used_names=set(), used_uscc=set())
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

    # 信联天地: a 186 m tower, offices on floors 5-42, four units a floor.
    tower = parks.building_create(actor=actor, park=xltd, name="主塔楼", floors_above=45, floors_below=4,
                                  height_m=Decimal("186.0"), floor_area_m2=Decimal("150000"))
    tower_units = units_for(actor, tower, range(5, 43), 4, (180, 620), rng)
    plan = ["moved_in"] * 113 + ["fitout"] * 3 + ["signed"] * 2
    for i, stage in enumerate(plan):
        e = demo.enterprise(OFFICE_KINDS, high_tech=0.25, above=0.3)
        units = [tower_units[i]] if stage != "signed" else []
        demo.settle(e, xltd, stage, signed_from=dt.date(2020, 6, 1), signed_to=dt.date(2025, 12, 31), units=units)
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
    cornea = demo.enterprise(BIO_KINDS, name="青岛明眸组织工程角膜科技有限公司（演示）", industry="2761",
                             high_tech=1, above=1)
    demo.settle(cornea, smyz, "moved_in", signed_from=dt.date(2022, 1, 10), signed_to=dt.date(2022, 3, 31),
                units=[lab_units[0]])
    for i in range(1, 52):
        e = demo.enterprise(BIO_KINDS, high_tech=0.5, above=0.45)
        demo.settle(e, smyz, "moved_in", signed_from=dt.date(2019, 6, 1), signed_to=dt.date(2022, 6, 30),
                    units=[lab_units[i]] if i < len(lab_units) - 8 else [])
    for _ in range(3):
        demo.settle(demo.enterprise(BIO_KINDS), smyz, "fitout", signed_from=dt.date(2025, 3, 1),
                    signed_to=dt.date(2026, 6, 30))
    for _ in range(2):
        demo.settle(demo.enterprise(BIO_KINDS), smyz, "exited", signed_from=dt.date(2019, 6, 1),
                    signed_to=dt.date(2020, 6, 30))

    # 国际特别创新区: an incubation floor plate.
    hub = parks.building_create(actor=actor, park=tscx, name="创新孵化中心", floors_above=6, height_m=Decimal("28.0"))
    hub_units = units_for(actor, hub, range(1, 7), 6, (60, 260), rng)
    for i in range(24):
        stage = "moved_in" if i < 20 else "signed"
        demo.settle(demo.enterprise(INNOVATION_KINDS, high_tech=0.6), tscx, stage,
                    signed_from=dt.date(2021, 3, 1), signed_to=dt.date(2026, 9, 30),
                    units=[hub_units[i]] if stage == "moved_in" else [])

    # 联东U谷: under construction, with a few enterprises signed ahead of completion.
    for _ in range(4):
        demo.settle(demo.enterprise(BIO_KINDS + INNOVATION_KINDS, above=0.6), ldug, "signed",
                    signed_from=dt.date(2024, 1, 1), signed_to=dt.date(2026, 9, 30))
    # A rename, so the name history has something to show.
    renamed = Settlement.objects.filter(park=xltd, stage="moved_in").order_by("pk").first()
    assert renamed is not None
    old = renamed.enterprise.name
    ent.enterprise_update(actor=actor, enterprise=renamed.enterprise,
                          name=old.replace("有限公司（演示）", "集团有限公司（演示）"))
    accounts = ensure_users(region, xltd, renamed.enterprise)
    from yuanqu.investment.demo import load_investment_demo

    staff = User.objects.get(username="staff")
    load_investment_demo(actor=actor, staff=staff,
                         parks={"rmjf": rmjf, "ldug": ldug, "smyz": smyz, "xltd": xltd, "tscx": tscx})
    from yuanqu.stats.demo import load_stats_demo

    load_stats_demo(actor=actor, staff=staff)
    from yuanqu.dashboards.demo import load_dashboard_demo

    load_dashboard_demo(actor=actor)
    return True, accounts


def demo_summary() -> dict[str, Any]:
    """The aggregates the news report states, read back from the database."""
    out: dict[str, Any] = {}
    for park in Park.objects.filter(region_id=REGION):
        counts = park.settlements.all().counts_by_stage()
        out[park.name] = {
            "signed": counts.signed,
            "moved_in": counts.moved_in,
            "investment_wan": park.total_investment_wan,
        }
    return out
