"""The Licang investment pipeline for the demo: the article's projects, leads in every status, cases.

On the report's date (2023-02-10) 人民金服青岛中心 and 中化云谷 (102亿元 together) and 联东U谷青岛中心 (30亿元)
are under construction; afterwards 人民金服青岛中心 and 中化云谷 are completed and open, while 联东U谷青岛中心,
its first phase handed over, builds its second. No stage is dated after yesterday.

Registered as a demo loader from ``InvestmentConfig.ready()``, after the role accounts. Every row goes through
the services. Converted leads are not turned into settlements here, so the park counts the article states stay exact.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone

from yuanqu.core.demo import REGION, DemoContext
from yuanqu.core.models import IndustryCode
from yuanqu.parks.models import Park

from . import services
from .models import Lead, Project

if TYPE_CHECKING:
    from yuanqu.accounts.models import User


def _industry(code: str) -> IndustryCode | None:
    return IndustryCode.objects.filter(pk=code).first()


def load_investment_demo(*, actor: User, staff: User, parks: dict[str, Park], today: dt.date | None = None) -> None:
    """Create the demo projects, leads (owned by ``staff`` where owned) and cases, as the district has them on
    ``today`` (default: today): every stage reached is dated before it."""
    today = today or timezone.localdate()
    rmjf, ldug, smyz, xltd, tscx = (parks[k] for k in ("rmjf", "ldug", "smyz", "xltd", "tscx"))

    # The article: 人民金服青岛中心 and 中化云谷, 102亿元 together, and 联东U谷青岛中心, 30亿元, under construction
    # (开工) on 2023-02-10. Then the first two are completed and open; 联东U谷 hands over its first phase and
    # builds its second.
    projects = []
    for name, park, total, fixed, level, stages in (
        ("人民金服青岛中心", rmjf, "520000", "380000", "city",
         [("signed", dt.date(2021, 6, 18)), ("registered", dt.date(2021, 9, 1)), ("started", dt.date(2022, 3, 28)),
          ("completed", dt.date(2023, 10, 20)), ("producing", dt.date(2024, 3, 15))]),
        ("中化云谷", rmjf, "500000", "360000", "city",
         [("signed", dt.date(2021, 6, 18)), ("registered", dt.date(2021, 10, 12)), ("started", dt.date(2022, 10, 18)),
          ("completed", dt.date(2025, 6, 30)), ("producing", dt.date(2025, 10, 10))]),
        ("联东U谷青岛中心", ldug, "300000", "240000", "district",
         [("signed", dt.date(2021, 3, 5)), ("registered", dt.date(2021, 5, 20)), ("started", dt.date(2022, 4, 8))]),
        ("明眸角膜产业化基地（演示）", smyz, "36000", "22000", "province",
         [("signed", dt.date(2022, 1, 10)), ("registered", dt.date(2022, 2, 15)), ("started", dt.date(2022, 8, 1)),
          ("completed", dt.date(2023, 10, 30)), ("producing", dt.date(2024, 3, 1))]),
        ("信联天地总部经济楼层改造（演示）", xltd, "8000", "6500", "district",
         [("signed", dt.date(2024, 5, 6)), ("registered", dt.date(2024, 6, 20)), ("started", dt.date(2025, 4, 15))]),
    ):
        project = services.project_create(actor=actor, name=name, park=park, level=level,
                                          total_investment_wan=Decimal(total),
                                          fixed_asset_investment_wan=Decimal(fixed))
        reached = [(stage, on) for stage, on in stages if on < today]
        last = reached[-1][1]
        plans: dict[str, dt.date | None] = {stage: on for stage, on in reached}
        for i, stage in enumerate(("talks", "signed", "registered", "started", "completed", "producing", "full")):
            if stage not in plans and stage != "talks":
                plans[stage] = max(last, today - dt.timedelta(days=60)) + dt.timedelta(days=120 * i)
        plans.pop("talks", None)
        services.project_plan(actor=actor, project=project, plans=plans)
        for stage, on in reached:
            services.stage_change_submit(actor=actor, project=project, to_stage=stage, on=on)
        projects.append(project)
    for month in range(1, today.month + 1):
        services.project_month_set(actor=actor, project=projects[2], month=dt.date(today.year, month, 1),
                                   planned_wan=Decimal("6000"),
                                   completed_wan=Decimal("5200") if month < today.month else Decimal(0))

    # Leads in every status, with follow-ups.
    specs: list[tuple[str, str, Park, str, str, str, int, str]] = [
        ("青岛蓝鲸生物医药有限公司（演示）", "2710", smyz, "expo", "new", "15000", 120, ""),
        ("山东云图数字科技有限公司（演示）", "6513", xltd, "online", "new", "3000", 60, ""),
        ("青岛海晟医疗器械有限公司（演示）", "3581", smyz, "one_to_one", "contacted", "20000", 150, ""),
        ("北京智算未来科技有限公司（演示）", "6520", tscx, "office", "contacted", "50000", 300, ""),
        ("上海澄明基因技术有限公司（演示）", "7340", smyz, "agency", "negotiating", "80000", 400, ""),
        ("深圳星链物联科技有限公司（演示）", "6512", xltd, "by_business", "negotiating", "12000", 90, ""),
        ("青岛德瑞精密制造有限公司（演示）", "3493", ldug, "one_to_one", "signed", "30000", 260, ""),
        ("杭州数澜信息技术有限公司（演示）", "6513", tscx, "online", "lost", "5000", 40, "已选址其他城市"),
    ]
    kinds = ["visit", "call", "meeting", "inspection", "matchmaking", "leader_docking"]
    for n, (name, industry, park, source, status, invest, jobs, reason) in enumerate(specs):
        lead = services.lead_create(actor=actor, name=name, industry=_industry(industry), target_park=park,
                                    source=source, intended_investment_wan=Decimal(invest), expected_jobs=jobs,
                                    claim=False, allow_duplicate=True,
                                    contacts=[{"name": "联系人" + str(n + 1), "phone": f"1390532{n:04d}"}])
        if status == "new" and n == 0:
            continue  # stays in the shared pool, untouched
        services.lead_claim(actor=staff, lead=lead)
        if status == "new":
            continue
        steps = {"contacted": 1, "negotiating": 3, "signed": 4, "lost": 2}[status]
        for i in range(steps):
            kind = "leader_docking" if source == "one_to_one" and i == steps - 1 else kinds[(n + i) % 5]
            on = today - dt.timedelta(days=10 * (steps - i) + n)
            services.follow_up_create(
                actor=staff, lead=lead, kind=kind, on=on,
                participants="区投资促进局", leader="区委书记" if kind == "leader_docking" else "",
                summary=f"第{i + 1}次跟进：了解{name[:6]}的投资意向和用地、用房需求。",
                next_step="补充项目建议书" if i == steps - 1 else "安排实地考察",
                next_step_on=on + dt.timedelta(days=7))
        if status in ("negotiating", "signed"):
            services.lead_set_status(actor=staff, lead=lead, status="negotiating")
        if status in ("signed", "lost"):
            services.lead_set_status(actor=staff, lead=lead, status=status, reason=reason)

    # A one-to-one docking on a key project, its next step due: it shows in staff's due follow-ups.
    services.project_follow_up_create(
        actor=staff, project=projects[2], kind="leader_docking", on=today - dt.timedelta(days=8),
        participants="区投资促进局、联东集团", leader="区长", summary="项目一对一对接：协调施工用电和配套道路。",
        next_step="报送二期用地需求", next_step_on=today - dt.timedelta(days=1))

    # 一事一议 / 一企一议 cases.
    case = services.case_create(actor=actor, title="联东U谷青岛中心 配套道路建设", kind="one_matter",
                                request="园区南侧规划道路需与项目同步建成，申请区级统筹。", project=projects[2])
    services.case_advance(actor=actor, case=case, status="studying")
    services.case_advance(actor=actor, case=case, status="agreed")
    services.case_meeting_create(actor=actor, case=case, on=today - dt.timedelta(days=45),
                                 attendees="分管副区长、区住建局、区自然资源局", minutes="研究配套道路建设时序。",
                                 decisions="道路与项目二期同步竣工，区住建局牵头。")
    services.case_measure_create(actor=actor, case=case, text="完成道路施工图审查", owner="区住建局",
                                 due_on=today - dt.timedelta(days=5))
    services.case_measure_create(actor=actor, case=case, text="道路开工", owner="区城投公司",
                                 due_on=today + dt.timedelta(days=60))
    negotiating = Lead.objects.get(name="上海澄明基因技术有限公司（演示）")
    case2 = services.case_create(actor=actor, title="澄明基因 研发用房租金支持", kind="one_enterprise",
                                 request="申请前三年研发用房租金减半。", lead=negotiating)
    services.case_meeting_create(actor=actor, case=case2, on=today - dt.timedelta(days=12),
                                 attendees="区投资促进局、生命药洲运营中心", minutes="听取企业诉求。")


def project_summary(region_code: str = REGION, on: dt.date | None = None) -> dict[str, dict[str, Decimal]]:
    """Park name → the total investment (万元) of its projects by the stage each had reached at the end of day
    ``on`` (default: today), from the dated stages; a project that had reached none is left out."""
    on = on or timezone.localdate()
    order = [*Project.ORDER, Project.Stage.TERMINATED]
    out: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for project in (Project.objects.filter(park__region_id=region_code).select_related("park")
                    .prefetch_related("stages")):
        reached = [row.stage for row in project.stages.all() if row.actual_on is not None and row.actual_on <= on]
        if reached and project.park is not None:
            stage = max(reached, key=order.index)
            out[project.park.name][stage] += project.total_investment_wan
    return {name: dict(by_stage) for name, by_stage in out.items()}


def load_demo_part(ctx: DemoContext) -> None:
    """The registered loader: the pipeline of a fresh demo, its leads owned by the demo's district staff."""
    if ctx.fresh:
        load_investment_demo(actor=ctx.actor, staff=ctx.objects["staff"], parks=ctx.objects["parks"],
                             today=ctx.today)
