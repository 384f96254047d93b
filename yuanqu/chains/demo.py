"""The Licang chains for the demo: 生物医药 (生命药洲) and 数字经济 (人民金服·中化云谷, 信联天地) from the shipped
templates, their 链长制 people (invented names, no phone numbers), enterprise links suggested from the registry
and confirmed by industry code (keyword matches left for staff to decide), a visible gap — no local CDMO — with
its target companies (invented, marked 演示), one of them already a lead, and tasks. Registered as a demo loader
from ``ChainsConfig.ready()``, after statistics and investment; every row goes through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from yuanqu.core.demo import DemoContext

from . import services
from .models import Chain, ChainLink, ChainMember, ChainNode

PEOPLE = {
    "biomed": [(ChainMember.Role.CHIEF, "周明远（演示）", "区委副书记、区长", "李沧区人民政府"),
               (ChainMember.Role.DEPUTY, "林海涛（演示）", "副区长", "李沧区人民政府"),
               (ChainMember.Role.TEAM, "韩雪（演示）", "产业链专班联络员", "李沧区发展和改革局"),
               (ChainMember.Role.TEAM, "孙立新（演示）", "招商一科科长", "李沧区投资促进中心")],
    "digital": [(ChainMember.Role.CHIEF, "吴建华（演示）", "区委常委、常务副区长", "李沧区人民政府"),
                (ChainMember.Role.DEPUTY, "马晓东（演示）", "局长", "李沧区工业和信息化局"),
                (ChainMember.Role.TEAM, "郭婷（演示）", "数字经济科科长", "李沧区工业和信息化局")],
}

CDMO_TARGETS = [
    ("苏州澄源生物医药CDMO有限公司（演示）", "江苏苏州", "抗体药物CDMO产能扩张，寻找北方基地", "生物医药产业协会名录"),
    ("杭州瀚晟药物合同定制研发生产有限公司（演示）", "浙江杭州", "小分子CDMO龙头，补齐原料药到制剂的定制生产",
     "上市公司公告"),
    ("上海颐骏生物技术有限公司（演示）", "上海", "细胞与基因治疗CDMO，与生命药洲生物药企业配套", "一对一对接"),
]
TESTING_TARGETS = [
    ("北京朗澄医药检验检测有限公司（演示）", "北京", "GLP药物安全性评价，服务区内创新药企", "行业展会"),
]


def _node(chain: Chain, name: str) -> ChainNode:
    return ChainNode.objects.get(chain=chain, name=name)


def load_chains_demo(*, staff: Any, today: dt.date) -> dict[str, Chain]:
    """Both chains, their people, links, targets and tasks."""
    chains: dict[str, Chain] = {}
    for key in ("biomed", "digital"):
        chain = services.chain_from_template(actor=staff, key=key)
        for role, name, post, org in PEOPLE[key]:
            services.member_create(actor=staff, chain=chain, role=role, name=name, post=post, organisation=org)
        services.links_suggest(actor=staff, chain=chain)
        for link in ChainLink.objects.filter(node__chain=chain, source=ChainLink.Source.INDUSTRY):
            services.link_decide(actor=staff, link=link, confirm=True)
        chains[key] = chain
    bio = chains["biomed"]
    cdmo = _node(bio, "CDMO（合同定制研发生产）")
    targets = [services.target_create(actor=staff, node=cdmo, name=n, location=w, reason=r, source=s)
               for n, w, r, s in CDMO_TARGETS]
    testing = _node(bio, "检验检测")
    for n, w, r, s in TESTING_TARGETS:
        services.target_create(actor=staff, node=testing, name=n, location=w, reason=r, source=s)
    services.target_to_lead(actor=staff, target=targets[0])
    services.task_create(actor=staff, node=cdmo, title="赴长三角走访CDMO企业，梳理落地意向", owner="孙立新（演示）",
                         due_on=today + dt.timedelta(days=30))
    services.task_create(actor=staff, node=cdmo, title="测算生命药洲二期CDMO车间可用面积", owner="韩雪（演示）",
                         due_on=today + dt.timedelta(days=14), status="doing")
    services.task_create(actor=staff, node=testing, title="对接第三方检测机构设立区域实验室", owner="林海涛（演示）",
                         due_on=today + dt.timedelta(days=45))
    digital = chains["digital"]
    services.task_create(actor=staff, node=_node(digital, "互联网平台"), title="组织人民金服青岛中心平台企业招商推介会",
                         owner="郭婷（演示）", due_on=today + dt.timedelta(days=21))
    load_four_chains_demo(staff=staff, chains=chains, today=today)
    return chains


def _on_node(chain: Chain, name: str) -> list[Any]:
    """The enterprises confirmed on a node or below it (by industry code), once each, in a stable order."""
    node = _node(chain, name)
    links = (ChainLink.objects.filter(node_id__in=services.descendants(node) | {node.pk},
                                      status=ChainLink.Status.CONFIRMED)
             .select_related("enterprise").order_by("enterprise__uscc"))
    return list({link.enterprise_id: link.enterprise for link in links}.values())


def load_four_chains_demo(*, staff: Any, chains: dict[str, Chain], today: dt.date) -> None:
    """创新链, 人才链 and 生态链 records on both chains, so the four-chain view has strengths and gaps: platforms and
    talent on 原料药/制剂 and 软件开发, a testing lab and a law firm serving some nodes, a fund and a financing
    event; CDMO and 医药流通 stay uncovered (invented names, marked 演示)."""
    year = today.year - 1
    bio, digital = chains["biomed"], chains["digital"]
    for chain, node_name, kind, level, pname in (
            (bio, "制剂", "engineering", "provincial", "山东省生物药制剂工程技术研究中心（演示）"),
            (bio, "原料药", "enterprise_centre", "city", "青岛市原料药企业技术中心（演示）"),
            (digital, "软件开发", "key_lab", "city", "青岛市工业软件重点实验室（演示）")):
        ents = _on_node(chain, node_name)
        node = _node(chain, node_name)
        if ents:
            services.platform_create(actor=staff, name=pname, kind=kind, level=level, recognised_year=year - 2,
                                     enterprise=ents[0], nodes=[node])
    services.platform_create(actor=staff, name="李沧区新型研发机构·生命药洲研究院（演示）", kind="new_rd",
                             level="district", recognised_year=year - 1, holder="生命药洲研究院（演示）",
                             nodes=[_node(bio, "医疗器械")])
    for chain, node_name, counts in ((bio, "制剂", (6, 18, 9, 2)), (bio, "原料药", (3, 11, 5, 1)),
                                     (digital, "软件开发", (2, 25, 7, 1))):
        for i, ent in enumerate(_on_node(chain, node_name)[:3]):
            d, m, s, n = counts
            services.talent_record(actor=staff, enterprise=ent, year=year, doctors=max(d - i, 0),
                                   masters=max(m - 2 * i, 0), senior_titles=max(s - i, 0),
                                   introduced_provincial=n if i == 0 else 0, introduced_district=1)
            services.patents_record(actor=staff, enterprise=ent, year=year, invention=max(3 - i, 0),
                                    utility=2 + i)
        ents = _on_node(chain, node_name)
        if ents:
            services.award_create(actor=staff, enterprise=ents[0], year=year, programme="泰山产业领军人才（演示）",
                                  level="provincial", count=1)
    services.provider_create(actor=staff, name="青岛蓝谷医药检验检测中心（演示）", kind="testing",
                             services="药品质量检验、医疗器械注册检验",
                             nodes=[_node(bio, "制剂"), _node(bio, "医疗器械")])
    services.provider_create(actor=staff, name="李沧知识产权运营服务中心（演示）", kind="ip",
                             services="专利导航、知识产权质押融资",
                             nodes=[_node(bio, "原料药"), _node(digital, "软件开发")])
    services.provider_create(actor=staff, name="信联天地律师事务所（演示）", kind="law", services="股权架构、合规",
                             nodes=[_node(digital, "软件开发"), _node(digital, "互联网平台")])
    fund = services.fund_create(actor=staff, name="李沧区生物医药产业引导基金（演示）", kind="guidance",
                                size_wan=Decimal("50000"), manager="李沧区财金投资集团（演示）",
                                nodes=[_node(bio, "制剂"), _node(bio, "原料药")])
    ents = _on_node(bio, "制剂")
    if ents:
        services.financing_create(actor=staff, enterprise=ents[0], on=dt.date(year, 9, 15), round="b",
                                  amount_wan=Decimal("12000"),
                                  investors="李沧区生物医药产业引导基金（演示）、某创投（演示）",
                                  fund=fund)
    ents = _on_node(digital, "软件开发")
    if ents:
        services.financing_create(actor=staff, enterprise=ents[0], on=dt.date(year, 5, 20), round="a",
                                  amount_wan=Decimal("3000"), investors="青岛数字经济创投（演示）")


def load_demo_part(ctx: DemoContext) -> None:
    """The registered loader: a fresh demo's chains."""
    if ctx.fresh:
        ctx.objects["chains"] = load_chains_demo(staff=ctx.objects["staff"], today=ctx.today)
