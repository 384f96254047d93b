"""The 科技服务 of the Licang demo (issue 15): 信联天地 runs a 众创空间 with about 30 在孵 firms (a few graduated,
financing events), technology-transfer listings, matches and registered contracts, and international cooperation
with three partners; 国际特别创新区 is a provincial 孵化器 whose checklist shows where it stands against national
recognition. Every row goes through the services; no step is dated after yesterday.

The incubatees are enterprises already settled in those parks (so the parks' counts stay as the article states);
their founding dates are moved to fit an incubatee (at most 24 months before entry) except for a few, admitted with
the reviewer's reason, as the rules allow.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from yuanqu.core.demo import DemoContext
from yuanqu.enterprises import services as ent_services
from yuanqu.enterprises.models import Enterprise, Settlement
from yuanqu.parks.models import Park

from . import services
from .models import Incubatee, Incubator

if TYPE_CHECKING:
    from yuanqu.accounts.models import User

MENTORS = [("周立明", "数字经济、企业管理"), ("陈雅婷", "投融资、股权设计"), ("刘建华", "知识产权"),
           ("王海涛", "软件与信息服务"), ("孙慧", "市场营销"), ("赵国强", "生物医药"), ("李晓峰", "智能制造")]
INVESTORS = ["青岛海创天使基金（演示）", "崂山湾创业投资（演示）", "李沧科创母基金（演示）", "青岛蓝海资本（演示）"]


def _months_before(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return dt.date(year, month + 1, min(day.day, 28))


def _settled(park: Park) -> list[tuple[Enterprise, Settlement]]:
    rows = (Settlement.objects.filter(park=park, stage=Settlement.Stage.MOVED_IN).select_related("enterprise")
            .order_by("moved_in_on", "pk"))
    return [(s.enterprise, s) for s in rows]


def _incubate(ctx: DemoContext, actor: User, incubator: Incubator, firms: list[tuple[Enterprise, Settlement]],
              *, graduate: int, old: int) -> list[Incubatee]:
    """Admit ``firms``: most founded shortly before entry, ``old`` of them admitted with an accepted warning;
    the last ``graduate`` admitted early enough to graduate (as high-tech or financed firms)."""
    rng, until = ctx.rng, ctx.until
    made = []
    for n, (ent, stay) in enumerate(firms):
        # Entries spread over the last four years (the earliest graduate; none is past its 48 months).
        entered = max(stay.moved_in_on or stay.signed_on, until - dt.timedelta(days=1400 - 38 * n))
        if entered > until:
            continue
        applied = max(entered - dt.timedelta(days=rng.randrange(10, 40)), stay.signed_on)
        if n >= old:
            ent_services.enterprise_update(actor=actor, enterprise=ent,
                                           established_on=_months_before(applied, rng.randrange(3, 20)))
        area = Decimal(rng.choice([60, 80, 100, 120, 150, 200, 260]))
        track = "biomedicine" if "生物" in ent.name or "医" in ent.name else "general"
        inc = services.incubatee_apply(actor=actor, incubator=incubator, enterprise=ent, applied_on=applied,
                                       track=track, area_m2=area)
        if n == len(firms) - 1:  # the newest applicant is still waiting for its assessment
            made.append(inc)
            continue
        inc = services.incubatee_advance(actor=actor, incubatee=inc, status="assessing", on=applied)
        if n == len(firms) - 2:
            made.append(inc)
            continue
        reason = "经入孵评估，企业已转型从事新技术研发，同意入孵" if n < old else ""
        inc = services.incubatee_advance(actor=actor, incubatee=inc, status="incubating", on=entered,
                                         accept_reason=reason)
        made.append(inc)
    return made


def _year_rows(ctx: DemoContext, actor: User, incubatees: list[Incubatee]) -> None:
    rng = ctx.rng
    for inc in incubatees:
        if inc.entered_on is None:
            continue
        for year in range(inc.entered_on.year, ctx.until.year + 1):
            applied = rng.choice([0, 0, 1, 2, 3])
            services.incubatee_year_set(
                actor=actor, incubatee=inc, year=year, patents_applied=applied,
                patents_granted=min(applied, rng.choice([0, 1])), software_copyrights=rng.choice([0, 1, 2, 4]),
                valid_ip=rng.choice([0, 1, 2, 3]), revenue_wan=Decimal(rng.randrange(30, 480)),
                rd_wan=Decimal(rng.randrange(5, 90)))


def _finance(ctx: DemoContext, actor: User, inc: Incubatee, amounts: list[int]) -> None:
    assert inc.entered_on is not None
    day = inc.entered_on
    for amount, round_ in zip(amounts, ["angel", "pre_a", "a"], strict=False):
        day = min(day + dt.timedelta(days=ctx.rng.randrange(90, 300)), ctx.until)
        services.financing_create(actor=actor, incubatee=inc, on=day, round=round_, amount_wan=Decimal(amount),
                                  investor=ctx.rng.choice(INVESTORS))


def _programme(ctx: DemoContext, actor: User, park: Park, *, name: str, programme: str, level: str,
               area: int, public: int, fund: int, staff: int, mentors: int, graduate: int, old: int,
               financed: int) -> Incubator:
    incubator = services.incubator_create(actor=actor, park=park, name=name, programme=programme, level=level,
                                          area_m2=Decimal(area), public_area_m2=Decimal(public),
                                          fund_wan=Decimal(fund), staff=staff)
    made_mentors = [services.mentor_create(actor=actor, incubator=incubator, name=n, fields_of_expertise=f)
                    for n, f in MENTORS[:mentors]]
    firms = _settled(park)[:34]
    incubatees = _incubate(ctx, actor, incubator, firms, graduate=graduate, old=old)
    admitted = [i for i in incubatees if i.status == Incubatee.Status.INCUBATING]
    _year_rows(ctx, actor, admitted)
    for k, inc in enumerate(admitted[:financed]):
        _finance(ctx, actor, inc, [120, 300, 450][: 1 + k % 3])
    for k, inc in enumerate(admitted):
        services.incubatee_mentors_set(actor=actor, incubatee=inc, mentors=[made_mentors[k % len(made_mentors)]])
    # The earliest firms graduate: financed beyond 500万元 (angel + pre-A + A) or recognised as high-tech.
    graduating = [i for i in admitted if i.entered_on and i.entered_on <= ctx.until - dt.timedelta(days=700)]
    for inc in graduating[:graduate]:
        inc.refresh_from_db()
        raised = sum(f.amount_wan for f in inc.financings.all())
        if raised <= 500 and not inc.enterprise.is_high_tech:
            ent_services.designation_grant(actor=actor, enterprise=inc.enterprise, kind="high_tech",
                                           level="national", recognised_on=ctx.until - dt.timedelta(days=60),
                                           source="演示：在孵期间认定")
            inc.enterprise.refresh_from_db()
        services.incubatee_graduate(actor=actor, incubatee=inc, on=ctx.until - dt.timedelta(days=30))
    rest = [i for i in admitted if i.status == Incubatee.Status.INCUBATING]
    if len(rest) > 3:
        services.incubatee_advance(actor=actor, incubatee=rest[-1], status="review", on=ctx.until)
        services.incubatee_advance(actor=actor, incubatee=rest[-2], status="moved_out",
                                   on=ctx.until - dt.timedelta(days=10), reason="经营调整，迁出孵化器")
    for k, (kind, title) in enumerate([("training", "创业训练营：商业计划书"), ("roadshow", "项目路演日"),
                                       ("matchmaking", "投融资对接会"), ("training", "知识产权实务培训"),
                                       ("roadshow", "数字经济专场路演"), ("matchmaking", "产学研对接会")]):
        on = ctx.until - dt.timedelta(days=40 * (k + 1))
        present = [i for i in admitted if i.entered_on and i.entered_on <= on][: 6 + k]
        services.activity_create(actor=actor, incubator=incubator, kind=kind, title=title, on=on,
                                 attendance=len(present) + 5, incubatees=present)
    for year in range(max(2023, ctx.until.year - 2), ctx.until.year + 1):
        services.incubator_year_set(actor=actor, incubator=incubator, year=year,
                                    income_service_wan=Decimal(90 + 15 * (year - 2023)),
                                    income_property_wan=Decimal(260), income_investment_wan=Decimal(40),
                                    income_other_wan=Decimal(12))
    return incubator


def _transfer(ctx: DemoContext, actor: User, parks: dict[str, Park]) -> None:
    """Needs, achievements, two matches (one registered) and contracts over the years."""
    xltd, tscx, smyz = parks["xltd"], parks["tscx"], parks["smyz"]
    firms = [e for e, _s in _settled(xltd)][:6] + [e for e, _s in _settled(tscx)][:3]
    needs = [services.need_create(actor=actor, enterprise=firms[i], title=t, field=f,
                                  budget_wan=Decimal(b), publish=True)
             for i, (t, f, b) in enumerate([("工业视觉缺陷检测算法", "electronics", 80),
                                            ("冷链物流温控传感器", "manufacturing", 120),
                                            ("企业数据中台建设", "electronics", 60),
                                            ("低能耗楼宇节能改造方案", "energy", 45)])]
    offers = [
        services.achievement_create(actor=actor, owner_kind="university", owner_name="青岛某大学计算机学院（演示）",
                                    title="基于深度学习的表面缺陷检测", field="electronics", maturity="pilot",
                                    ip_type="invention", terms="许可使用，入门费加提成", publish=True, park=xltd),
        services.achievement_create(actor=actor, owner_kind="institute", owner_name="海洋传感研究所（演示）",
                                    title="低功耗无线温湿度传感节点", field="manufacturing", maturity="small_batch",
                                    ip_type="utility", terms="技术转让", publish=True, park=xltd),
        services.achievement_create(actor=actor, owner_kind="enterprise", enterprise=firms[6],
                                    title="楼宇能耗监测与调优平台", field="energy", maturity="mass",
                                    ip_type="software", terms="技术服务", publish=True),
    ]
    services.need_create(actor=actor, enterprise=firms[4], title="跨境电商多语种客服机器人", field="electronics")
    first = services.match_create(actor=actor, need=needs[0], achievement=offers[0], note="园区技术经理人推荐")
    services.match_follow_up_create(actor=actor, match=first, on=ctx.until - dt.timedelta(days=60),
                                    summary="双方首次洽谈，确定试点产线")
    services.match_advance(actor=actor, match=first, status="negotiating")
    services.match_advance(actor=actor, match=first, status="signed")
    second = services.match_create(actor=actor, need=needs[1], achievement=offers[1])
    services.match_follow_up_create(actor=actor, match=second, on=ctx.until - dt.timedelta(days=20),
                                    summary="已寄送样品，等待测试结果")
    kinds = ["development", "transfer", "license", "consulting", "service"]
    fields = ["electronics", "manufacturing", "biomedicine", "materials", "energy", "environment", "urban"]
    rng = ctx.rng
    n = 0
    for year in range(2022, ctx.until.year + 1):
        for k in range(4 if year < ctx.until.year else 3):
            n += 1
            signed = dt.date(year, 1 + 3 * k, 5 + rng.randrange(20))
            registered = signed + dt.timedelta(days=rng.randrange(10, 40))
            if registered > ctx.until:
                continue
            park = [xltd, tscx, smyz][n % 3]
            local = [e for e, _s in _settled(park)][n % 5]
            sells = n % 3 != 0
            total = Decimal(rng.randrange(20, 900))
            services.contract_create(
                actor=actor, registration_no=f"3702132{year}{n:06d}", title=f"{local.name[:8]}技术合同{n}",
                kind=kinds[n % 5], field=fields[n % 7], signed_on=signed, registered_on=registered, park=park,
                seller=local if sells else None, seller_name="" if sells else "上海某研究院（演示）",
                buyer=None if sells else local, buyer_name="北京某科技公司（演示）" if sells else "",
                total_wan=total, tech_wan=(total * Decimal("0.8")).quantize(Decimal("0.01")), ip_type="none")
    day = ctx.until - dt.timedelta(days=5)
    services.contract_create(actor=actor, registration_no=f"3702132{day.year}999001", title="表面缺陷检测技术许可",
                             kind="license", field="electronics", signed_on=day - dt.timedelta(days=15),
                             registered_on=day, park=xltd, seller_name=offers[0].owner_name, buyer=firms[0],
                             total_wan=Decimal("65"), tech_wan=Decimal("60"), ip_type="invention", match=first)


def _cooperation(ctx: DemoContext, actor: User, parks: dict[str, Park]) -> None:
    xltd, tscx = parks["xltd"], parks["tscx"]
    until = ctx.until
    germany = services.partner_create(actor=actor, name="汉堡应用技术创新中心（演示）", country="德国",
                                      kind="institute", contact_name="M. Keller", park=xltd)
    korea = services.partner_create(actor=actor, name="首尔数字产业振兴院（演示）", country="韩国", kind="agency",
                                    contact_name="Kim J.", park=tscx)
    israel = services.partner_create(actor=actor, name="特拉维夫创新实验室（演示）", country="以色列", kind="company",
                                     park=tscx)
    services.agreement_create(actor=actor, partner=germany, title="智能制造联合研发合作备忘录",
                              signed_on=dt.date(2023, 5, 18), ends_on=dt.date(2028, 5, 17),
                              scope_text="联合研发、人才交流")
    services.agreement_create(actor=actor, partner=korea, title="数字经济企业互访与孵化合作协议",
                              signed_on=dt.date(2024, 9, 3), ends_on=dt.date(2027, 9, 2))
    services.coop_activity_create(actor=actor, partner=germany, kind="visit", title="德方专家来访交流",
                                  starts_on=until - dt.timedelta(days=120), participants="德方专家4人，园区企业12家")
    services.coop_activity_create(actor=actor, partner=korea, kind="fair", title="中韩数字经济创新展",
                                  starts_on=until - dt.timedelta(days=75), ends_on=until - dt.timedelta(days=73))
    services.coop_activity_create(actor=actor, partner=israel, kind="transfer", title="农业滴灌技术转移洽谈",
                                  starts_on=until - dt.timedelta(days=30))
    firms = [e for e, _s in _settled(xltd)][:2]
    services.coop_project_create(actor=actor, partner=germany, title="工业视觉检测联合实验室",
                                 starts_on=dt.date(2024, 3, 1), enterprises=firms)
    services.coop_base_create(actor=actor, name="李沧国际技术转移中心（演示）", kind="transfer", level="city",
                              park=xltd, recognised_on=dt.date(2024, 11, 20))


def load_innovation_demo(ctx: DemoContext) -> None:
    """Incubation at 信联天地 and 国际特别创新区, technology transfer and international cooperation."""
    actor = ctx.actor
    parks: dict[str, Park] = ctx.objects["parks"]
    _programme(ctx, actor, parks["xltd"], name="信联天地众创空间", programme=Incubator.Programme.MAKERSPACE,
               level=Incubator.Level.CITY, area=5200, public=600, fund=800, staff=4, mentors=5, graduate=4, old=3,
               financed=9)
    _programme(ctx, actor, parks["tscx"], name="国际特别创新区科技企业孵化器", programme=Incubator.Programme.INCUBATOR,
               level=Incubator.Level.PROVINCE, area=12000, public=1800, fund=1500, staff=5, mentors=7, graduate=3,
               old=2, financed=6)
    _transfer(ctx, actor, parks)
    _cooperation(ctx, actor, parks)


def load_demo_part(ctx: DemoContext) -> None:
    """The registered loader: only on a fresh demo."""
    if ctx.fresh:
        load_innovation_demo(ctx)


