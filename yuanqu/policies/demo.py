"""The Licang policies for the demo (invented amounts, real policy shapes), their matches, 免申即享 grants and
payouts, and 一企一议 agreements for 人民金服青岛中心·中化云谷 and 联东U谷: one on track, one in 预警, one 未达标
with a clawback exposure. Targets are set from the enterprises' approved statistics, so the three statuses come
out whatever the generated numbers are. Registered as a demo loader from ``PoliciesConfig.ready()``, after the
statistics; every row goes through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from yuanqu.core.demo import DemoContext
from yuanqu.enterprises.models import Enterprise, Settlement
from yuanqu.figures.enterprise_values import enterprise_year_values
from yuanqu.investment.models import Case, Project

from . import services
from .models import Application, Clause, Payout, Policy

OFFICE = "李沧区政务服务中心二楼惠企政策窗口（李沧区京口路28号）"
PHONE = "0532-87661234"

BANDED_RD = {"if": [
    {"<": [{"var": "revenue"}, 5000]}, {">=": [{"var": "rd_intensity"}, 5]},
    {"<": [{"var": "revenue"}, 20000]}, {">=": [{"var": "rd_intensity"}, 4]},
    {">=": [{"var": "rd_intensity"}, 3]},
]}


def _clause(actor: Any, policy: Policy, *, tests: list[tuple[str, dict[str, Any], str]], **fields: Any) -> Clause:
    clause = services.clause_create(actor=actor, policy=policy, **fields)
    for name, facts, expected in tests:
        services.rule_test_create(actor=actor, clause=clause, name=name, facts=facts, expected=expected)
    clause = services.clause_publish(actor=actor, clause=clause)
    services.match_clause(clause=clause)
    return clause


def load_policies_demo(*, staff: Any, parks: dict[str, Any], today: dt.date) -> dict[str, Any]:
    """Four policies with their clauses, budgets, matches and applications; three agreements."""
    year = today.year
    stats_year = year - 1
    p1 = services.policy_create(actor=staff, title="李沧区支持科技创新若干政策", doc_number="李政发〔2024〕8号",
                                issuer="李沧区人民政府", level=Policy.Level.DISTRICT, effective_on=dt.date(2024, 3, 1),
                                expires_on=dt.date(2027, 2, 28), tags="科技创新,高企,研发",
                                text="为加快建设创新型城区，对高新技术企业、研发投入较大的企业给予奖励和补贴。")
    p2 = services.policy_create(actor=staff, title="李沧区孵化载体入驻企业租金减免办法",
                                doc_number="李科字〔2024〕15号",
                                issuer="李沧区科学技术局", level=Policy.Level.DISTRICT,
                                effective_on=dt.date(2024, 6, 1),
                                tags="孵化,租金")
    p3 = services.policy_create(actor=staff, title="李沧区促进专精特新企业高质量发展措施",
                                doc_number="李工信发〔2025〕3号",
                                issuer="李沧区工业和信息化局", level=Policy.Level.DISTRICT,
                                effective_on=dt.date(2025, 1, 1), tags="专精特新")
    for p, total in ((p1, "3000000"), (p2, "600000"), (p3, "1500000")):
        services.budget_set(actor=staff, policy=p, year=year, total_yuan=Decimal(total))

    high_tech = _clause(
        staff, p1, number="第三条", title="高新技术企业认定奖励", benefit=Clause.Benefit.CASH, stats_year=stats_year,
        rule={"and": [{"var": "is_high_tech"}, {">=": [{"var": "age_years"}, 1]}]},
        amount_rule={"fixed": 100000}, cap_yuan=Decimal("100000"), no_application=True,
        beneficiaries="注册在李沧区、首次或重新认定的高新技术企业",
        conditions_text="经认定为高新技术企业，成立满一年。",
        evidence="高新技术企业证书", payout_days=30, office=OFFICE, phone=PHONE,
        tests=[("认定高企", {"is_high_tech": True, "age_years": 5}, "eligible"),
               ("非高企", {"is_high_tech": False, "age_years": 5}, "not_eligible"),
               ("成立年限不明", {"is_high_tech": True}, "unknown")])
    rd = _clause(
        staff, p1, number="第五条", title="研发投入分档补贴", benefit=Clause.Benefit.SUBSIDY, stats_year=stats_year,
        rule=BANDED_RD,
        amount_rule={"of": "rnd", "band_by": "rd_intensity",
                     "bands": [{"min": 5, "rate_pct": 10}, {"min": 4, "rate_pct": 8}, {"min": 3, "rate_pct": 5}]},
        cap_yuan=Decimal("500000"),
        beneficiaries="上年度研发投入强度达到分档标准的企业",
        conditions_text="营业收入5000万元以下的研发投入强度≥5%；5000万–2亿元的≥4%；2亿元以上的≥3%。",
        evidence="研发费用专项审计报告", payout_days=45, office=OFFICE, phone=PHONE,
        tests=[("小微高强度", {"revenue": 3000, "rd_intensity": 6}, "eligible"),
               ("小微低强度", {"revenue": 3000, "rd_intensity": 4.5}, "not_eligible"),
               ("中型达标", {"revenue": 12000, "rd_intensity": 4.2}, "eligible"),
               ("未报研发", {"revenue": 12000}, "unknown")])
    rent = _clause(
        staff, p2, number="第二条", title="在孵企业租金减免", benefit=Clause.Benefit.RENT, stats_year=stats_year,
        rule={"or": [{"var": "is_incubatee"}, {"in": [{"var": "park"}, ["国际特别创新区"]]}]},
        amount_rule={"fixed": 24000}, cap_yuan=Decimal("24000"),
        beneficiaries="入驻区内孵化器、众创空间及国际特别创新区的在孵企业",
        conditions_text="在孵期内，按实际租用面积减免。",
        evidence="入孵协议、租赁合同", payout_days=20, office="国际特别创新区运营中心", phone="0532-87669876",
        tests=[("在孵", {"is_incubatee": True}, "eligible"), ("园外", {"is_incubatee": False, "park": "信联天地"},
                                                               "not_eligible")])
    srdi = _clause(
        staff, p3, number="第一条", title="专精特新企业奖励", benefit=Clause.Benefit.CASH, stats_year=stats_year,
        rule={"and": [{"var": "is_srdi"}, {">": [{"var": "revenue"}, 0]}]},
        amount_rule={"fixed": 200000}, cap_yuan=Decimal("200000"),
        beneficiaries="新认定的省级专精特新中小企业和国家级专精特新“小巨人”企业",
        conditions_text="认定当年有营业收入。",
        evidence="认定文件", payout_days=30, office=OFFICE, phone=PHONE,
        tests=[("小巨人", {"is_srdi": True, "revenue": 8000}, "eligible"),
               ("创新型中小企业", {"is_srdi": False, "revenue": 8000}, "not_eligible")])

    # Work the applications: the 免申即享 grants are approved and most paid; a few srdi applications are filed.
    autos = list(Application.objects.filter(clause=high_tech).order_by("pk"))
    for n, app in enumerate(autos[:8]):
        services.application_move(actor=staff, application=app, move="review")
        services.application_approve(actor=staff, application=app)
        if n < 6:
            services.payout_create(actor=staff, application=app, paid_on=today,
                                   reference=f"李财拨〔{year}〕{100 + n}号")
    for ent in [m.enterprise for m in srdi.matches.filter(outcome="eligible").select_related("enterprise")[:4]]:
        app = services.application_submit(actor=staff, clause=srdi, enterprise=ent, evidence_note="认定文件已上传")
        if ent.pk % 2:
            services.application_move(actor=staff, application=app, move="review")
    agreements = _agreements(staff=staff, parks=parks, today=today, stats_year=stats_year)
    return {"clauses": [high_tech, rd, rent, srdi], "agreements": agreements}


def _with_stats(park: Any, year: int, exclude: set[int]) -> list[tuple[Enterprise, dict[str, Any]]]:
    ents = list(Enterprise.objects.filter(settlements__park=park, settlements__stage=Settlement.Stage.MOVED_IN)
                .exclude(pk__in=exclude).distinct().order_by("pk"))
    values = enterprise_year_values([e.pk for e in ents], year, ("revenue", "tax", "employees"))
    return [(e, values[e.pk]) for e in ents if {"revenue", "tax"} <= set(values.get(e.pk, {}))]


def _agreements(*, staff: Any, parks: dict[str, Any], today: dt.date, stats_year: int) -> list[Any]:
    rmjf, ldug = parks["rmjf"], parks["ldug"]
    found = _with_stats(rmjf, stats_year, set()) + _with_stats(ldug, stats_year, set())
    rm = [x for x in found if x[0].settlements.filter(park=rmjf).exists()]
    ld = [x for x in found if x[0].settlements.filter(park=ldug).exists()]
    if len(rm) < 2 or not ld:
        return []
    projects = {p.name: p for p in Project.objects.filter(name__in=["人民金服青岛中心", "中化云谷", "联东U谷青岛中心"])}
    out = []
    # 人民金服青岛中心: on track — targets below what the enterprise reported.
    (e1, v1), (e2, v2), (e3, v3) = rm[0], rm[1], ld[0]
    case1 = services_case(staff, e1, "人民金服青岛中心 一企一议 入驻扶持", projects.get("人民金服青岛中心"))
    a1 = services.agreement_create(actor=staff, title="人民金服青岛中心 投资协议", enterprise=e1,
                                   project=projects.get("人民金服青岛中心"), case=case1, park=rmjf,
                                   land_parcel="LC-2021-06地块", land_area_mu=Decimal("85"),
                                   signed_on=dt.date(2021, 6, 18), full_production_on=dt.date(2025, 6, 30),
                                   deposit_yuan=Decimal("2000000"))
    _commit(staff, a1, stats_year, "revenue", v1["revenue"].value * Decimal("0.9"), "万元")
    _commit(staff, a1, stats_year, "tax", v1["tax"].value * Decimal("0.85"), "万元")
    _commit(staff, a1, stats_year + 2, "revenue", v1["revenue"].value * Decimal("1.3"), "万元")
    services.failure_clause_add(actor=staff, agreement=a1, kind="deposit", share_pct=Decimal(100))
    out.append(a1)
    # 中化云谷: 预警 — revenue at 95% of the target, within its 10% tolerance.
    a2 = services.agreement_create(actor=staff, title="中化云谷 投资协议", enterprise=e2,
                                   project=projects.get("中化云谷"), park=rmjf, land_parcel="LC-2021-07地块",
                                   land_area_mu=Decimal("60"), signed_on=dt.date(2021, 6, 18),
                                   full_production_on=dt.date(2025, 10, 10), deposit_yuan=Decimal("1500000"))
    _commit(staff, a2, stats_year, "revenue", v2["revenue"].value / Decimal("0.95"), "万元")
    _commit(staff, a2, stats_year, "tax", v2["tax"].value * Decimal("0.8"), "万元")
    services.failure_clause_add(actor=staff, agreement=a2, kind="penalty", per_shortfall_pct=Decimal(5))
    services.agreement_advance(actor=staff, agreement=a2, to_stage="warned",
                               reason=f"{stats_year}年营业收入完成承诺的95%，低于100%，在10%容差内，发出预警。")
    out.append(a2)
    # 联东U谷: 未达标 — tax at 60% of the target; a 一企一议 subsidy was paid, so refund and land top-up are at stake.
    case3 = services_case(staff, e3, "联东U谷 一企一议 落户奖励", projects.get("联东U谷青岛中心"))
    a3 = services.agreement_create(actor=staff, title="联东U谷青岛中心 投资协议", enterprise=e3,
                                   project=projects.get("联东U谷青岛中心"), case=case3, park=ldug,
                                   land_parcel="LC-2021-03地块", land_area_mu=Decimal("120"),
                                   signed_on=dt.date(2021, 3, 5), full_production_on=dt.date(2024, 12, 31),
                                   deposit_yuan=Decimal("3000000"))
    _commit(staff, a3, stats_year, "tax", v3["tax"].value / Decimal("0.6"), "万元", tolerance=Decimal(15))
    _commit(staff, a3, stats_year, "investment", Decimal("60000"), "万元", basis="cumulative")
    payout = _case_subsidy(staff, e3, case3, today)
    if payout is not None:
        services.agreement_link_payout(actor=staff, agreement=a3, payout=payout)
    services.failure_clause_add(actor=staff, agreement=a3, kind="refund", share_pct=Decimal(50),
                                interest_rate_pct=Decimal("3.45"))
    services.failure_clause_add(actor=staff, agreement=a3, kind="land_topup", per_mu_yuan=Decimal("80000"))
    services.failure_clause_add(actor=staff, agreement=a3, kind="deposit", share_pct=Decimal(50))
    services.failure_clause_add(actor=staff, agreement=a3, kind="credit", note="纳入企业信用档案")
    for stage, reason in (("warned", f"{stats_year}年税收仅完成承诺的60%。"),
                          ("interview", "约谈企业负责人，企业说明二期建设延后。")):
        services.agreement_advance(actor=staff, agreement=a3, to_stage=stage, reason=reason)
    out.append(a3)
    return out


def services_case(staff: Any, enterprise: Enterprise, title: str, project: Any) -> Case:
    from yuanqu.investment import services as inv

    return inv.case_create(actor=staff, title=title, kind="one_enterprise", request="协议约定的扶持与履约承诺。",
                           enterprise=enterprise, project=project)


def _commit(staff: Any, agreement: Any, year: int, indicator: str, target: Decimal, unit: str,
            basis: str = "annual", tolerance: Decimal = Decimal(10)) -> None:
    services.commitment_add(actor=staff, agreement=agreement, year=year, indicator=indicator,
                            target=target.quantize(Decimal("0.01")), unit=unit, basis=basis, tolerance_pct=tolerance)


def _case_subsidy(staff: Any, enterprise: Enterprise, case: Case, today: dt.date) -> Payout | None:
    """The 一企一议 落户奖励 paid to the enterprise: a clause of a case policy, applied for and paid."""
    policy = services.policy_create(actor=staff, title="联东U谷青岛中心项目一企一议扶持",
                                    doc_number="李政办字〔2021〕12号",
                                    issuer="李沧区人民政府办公室", level=Policy.Level.DISTRICT,
                                    effective_on=dt.date(2021, 3, 1), tags="一企一议")
    services.budget_set(actor=staff, policy=policy, year=today.year, total_yuan=Decimal("5000000"))
    clause = _clause(staff, policy, number="第一条", title="落户奖励", benefit=Clause.Benefit.CASH,
                     stats_year=today.year - 1, rule={"in": [{"var": "park"}, ["联东U谷青岛中心"]]},
                     amount_rule={"fixed": 3000000}, cap_yuan=Decimal("3000000"),
                     beneficiaries="联东U谷青岛中心项目公司", conditions_text="按投资协议约定。", office=OFFICE,
                     phone=PHONE, tests=[("项目公司", {"park": "联东U谷青岛中心"}, "eligible"),
                                         ("其他园区", {"park": "信联天地"}, "not_eligible")])
    app = Application.objects.filter(clause=clause, enterprise=enterprise).first()
    if app is None:
        try:
            app = services.application_submit(actor=staff, clause=clause, enterprise=enterprise,
                                              evidence_note=f"一企一议事项：{case.title}")
        except ValidationError:  # the enterprise is not at the park any more: no subsidy to count
            return None
    services.application_approve(actor=staff, application=app)
    return services.payout_create(actor=staff, application=app, paid_on=today,
                                  reference="李财拨〔2025〕9号")


def load_demo_part(ctx: DemoContext) -> None:
    """The registered loader: a fresh demo's policies and agreements."""
    if ctx.fresh:
        ctx.objects["policies"] = load_policies_demo(staff=ctx.objects["staff"], parks=ctx.objects["parks"],
                                                     today=ctx.today)
