"""Chain objects of the shared world, made through the services once and found again when asked twice: a chain of
李沧 (for the 信联天地 and 生命药洲 places) and one of 崂山, each with a node, links, a target, a task and a person.
The 李沧 node carries a link per 李沧 enterprise (all are 6513): 信联天地's (confirmed),
信联天地's fitting-out one and 生命药洲's (suggested), so an operator of 信联天地 sees two of three;
崂山's node carries 崂山's enterprise. The scope matrix and the feature tests share it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from tests.conftest import World
from yuanqu.chains import services
from yuanqu.chains.models import Chain, ChainLink, ChainNode, FinancingEvent, PatentYear, TalentAward

KEYS = ("xltd", "smyz", "laoshan")


def _chain(actor: Any, region: str, enterprises: list[Any]) -> dict[str, Any]:
    chain = Chain.objects.filter(name="探针链", region_id=region).first()
    if chain is None:
        chain = services.chain_create(actor=actor, name="探针链")
        node = services.node_create(actor=actor, chain=chain, name="探针环节", importance="core", target_count=3,
                                    industries=services.parse_industry_codes("6513"))
        # Every enterprise of the world is in 6513: the suggestion finds each of the region's, and the first is
        # confirmed; the others stay suggestions for staff to decide (only confirmed links count).
        services.links_suggest(actor=actor, chain=chain)
        services.link_create(actor=actor, node=node, enterprise=enterprises[0])
        services.target_create(actor=actor, node=node, name=f"探针目标{region}", location="上海")
        services.task_create(actor=actor, node=node, title="探针任务", owner="张三", due_on=dt.date(2026, 1, 1))
        services.member_create(actor=actor, chain=chain, role="chief", name="李四", post="区长")
        # The four chains: a platform and talent of the first enterprise, a provider of the region on the node.
        services.platform_create(actor=actor, name="探针平台", kind="key_lab", level="city", recognised_year=2020,
                                 enterprise=enterprises[0], nodes=[node])
        services.talent_record(actor=actor, enterprise=enterprises[0], year=2025, doctors=1)
        services.provider_create(actor=actor, name=f"探针机构{region}", kind="law", nodes=[node])
        services.patents_record(actor=actor, enterprise=enterprises[0], year=2025, invention=1)
        services.award_create(actor=actor, enterprise=enterprises[0], year=2025, programme="探针人才计划",
                              level="city")
        fund = services.fund_create(actor=actor, name=f"探针基金{region}", kind="venture", size_wan=Decimal("5000"),
                                    nodes=[node])
        services.financing_create(actor=actor, enterprise=enterprises[0], on=dt.date(2025, 3, 1), round="a",
                                  amount_wan=Decimal("800"), investors="探针资本", fund=fund)
    node = ChainNode.objects.get(chain=chain, name="探针环节")
    links = {link.enterprise_id: link for link in ChainLink.objects.filter(node=node)}
    return {"chain": chain, "node": node, "links": links, "target": node.targets.get(),
            "task": node.tasks.get(), "member": chain.members.get(), "platform": node.platforms.get(),
            "provider": node.providers.get(), "award": TalentAward.objects.get(enterprise=enterprises[0]),
            "fund": node.funds.get(), "financing": FinancingEvent.objects.get(enterprise=enterprises[0]),
            "patents": PatentYear.objects.get(enterprise=enterprises[0], year=2025)}


def chains_of(world: World) -> dict[str, dict[str, Any]]:
    """Per place: chain, node, link (of the place's enterprise), target, task, member. 生命药洲's place uses 崂山's
    chain (as the matrix does with rounds and policies: outside the operator's and the enterprise user's scope),
    except its link, which is 生命药洲's enterprise's on 李沧's node."""
    licang = _chain(world.users["region_staff"], "370213", [world.ent_xltd, world.ent_smyz])
    laoshan = _chain(world.laoshan_staff, "370212", [world.ent_laoshan])
    out = {}
    for key, objs, ent in (("xltd", licang, world.ent_xltd), ("smyz", laoshan, world.ent_smyz),
                           ("laoshan", laoshan, world.ent_laoshan)):
        link = (licang if key == "smyz" else objs)["links"][ent.pk]
        out[key] = {**objs, "link": link}
    return out
