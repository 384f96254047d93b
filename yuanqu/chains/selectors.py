"""Every scoped read of 产业链, and the gap finding: per node, its local enterprises (all and 规上), their output and
tax (from the figures layer), the projects and leads that belong to it, and whether it is 缺失, 薄弱 or 健全.

What a user is shown follows its scope: district roles count their region's enterprises, a park operator only the
enterprises of its parks (the links' scope), and the projects and leads it may see."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yuanqu.enterprises.models import Enterprise
from yuanqu.figures.enterprise_values import enterprise_year_values
from yuanqu.investment.models import Lead, Project

from .models import Chain, ChainLink, ChainNode, ChainTarget, ChainTask

#: The indicators a node shows (codes of the standard indicator set): 工业总产值 and 税收, 万元.
FIGURE_CODES = ("output", "tax")


class Strength:
    """A node's state on the map."""

    MISSING = "missing"
    WEAK = "weak"
    SOUND = "sound"
    LABELS = {MISSING: _("Missing"), WEAK: _("Weak"), SOUND: _("Sound")}
    #: Map colours (Tabler's red, orange, green).
    COLOURS = {MISSING: "#d63939", WEAK: "#f76707", SOUND: "#2fb344"}
    #: The same colours by Tabler's names, for badges (style attributes hold numbers only).
    BADGES = {MISSING: "red", WEAK: "orange", SOUND: "green"}


def strength(node: ChainNode, enterprises: int) -> str:
    """缺失: a core node without a local enterprise; 薄弱: fewer than its target; else 健全."""
    if node.importance == ChainNode.Importance.CORE and enterprises == 0:
        return Strength.MISSING
    if node.target_count is not None and enterprises < node.target_count:
        return Strength.WEAK
    return Strength.SOUND


@dataclass
class NodeFigures:
    """What the map and the node page show of one node (its sub-nodes included)."""

    node: ChainNode
    enterprise_ids: set[int] = field(default_factory=set)
    above_scale: int = 0
    output_wan: Decimal | None = None
    tax_wan: Decimal | None = None
    projects: int = 0
    leads: int = 0
    targets_open: int = 0
    tasks_open: int = 0
    suggested: int = 0
    status: str = Strength.SOUND
    year: int = 0

    @property
    def enterprises(self) -> int:
        return len(self.enterprise_ids)

    @property
    def status_label(self) -> Any:
        return Strength.LABELS[self.status]

    @property
    def colour(self) -> str:
        return Strength.COLOURS[self.status]

    @property
    def badge(self) -> str:
        return Strength.BADGES[self.status]


def figures_year(today: dt.date | None = None) -> int:
    """The year the node figures are for: the last full calendar year (its December values are the year's)."""
    return (today or timezone.localdate()).year - 1


def chains_for(user: Any) -> Any:
    return Chain.objects.visible_to(user)


def nodes_of(chain: Chain) -> list[ChainNode]:
    return list(ChainNode.objects.filter(chain=chain).prefetch_related("industries"))


def subtree(nodes: list[ChainNode]) -> dict[int, set[int]]:
    """{node id: itself and every node below it}."""
    children: dict[int | None, list[int]] = defaultdict(list)
    for n in nodes:
        children[n.parent_id].append(n.pk)
    out: dict[int, set[int]] = {}

    def walk(pk: int) -> set[int]:
        if pk not in out:
            ids = {pk}
            for c in children.get(pk, []):
                ids |= walk(c)
            out[pk] = ids
        return out[pk]
    for n in nodes:
        walk(n.pk)
    return out


def visible_links(user: Any) -> Any:
    return ChainLink.objects.visible_to(user)


def seen(manager: Any, user: Any, region: str) -> Any:
    """The rows ``user`` may see, or (no user: a briefing written for a region) the rows of ``region``."""
    return manager.visible_to(user) if user is not None else manager.in_region(region)


def chain_figures(chain: Chain, user: Any, year: int | None = None,
                  within: Any = None) -> dict[int, NodeFigures]:
    """{node id: NodeFigures} for every node of ``chain``, as ``user`` may see it (None: the chain's region, for a
    briefing), for ``year``; ``within``, an Enterprise queryset, narrows the links to those enterprises (a park's
    dashboard)."""
    year = year or figures_year()
    nodes = nodes_of(chain)
    below = subtree(nodes)
    region = str(chain.region_id)
    links = seen(ChainLink.objects, user, region).filter(node__chain=chain)
    if within is not None:
        links = links.filter(enterprise__in=within)
    confirmed: dict[int, set[int]] = defaultdict(set)
    suggested: dict[int, int] = defaultdict(int)
    for node_id, ent_id, status in links.values_list("node_id", "enterprise_id", "status"):
        if status == ChainLink.Status.CONFIRMED:
            confirmed[node_id].add(ent_id)
        elif status == ChainLink.Status.SUGGESTED:
            suggested[node_id] += 1
    all_ids = set().union(*confirmed.values()) if confirmed else set()
    above = set(Enterprise.objects.filter(pk__in=all_ids, is_above_scale=True).values_list("pk", flat=True))
    values = enterprise_year_values(all_ids, year, FIGURE_CODES)
    targets = list(seen(ChainTarget.objects, user, region).filter(node__chain=chain)
                   .values_list("node_id", "status", "lead_id"))
    tasks = list(seen(ChainTask.objects, user, region).filter(node__chain=chain)
                 .exclude(status=ChainTask.Status.DONE).values_list("node_id", flat=True))
    leads = seen(Lead.objects, user, region)
    projects = seen(Project.objects, user, region)
    classes = {n.pk: {i.code for i in n.industries.all()} for n in nodes}
    out: dict[int, NodeFigures] = {}
    for node in nodes:
        ids = below[node.pk]
        ents: set[int] = set().union(*(confirmed.get(i, set()) for i in ids))
        codes: set[str] = set().union(*(classes[i] for i in ids))
        target_leads = {lead for nid, _s, lead in targets if nid in ids and lead is not None}
        fig = NodeFigures(node=node, enterprise_ids=ents, year=year)
        fig.above_scale = len(ents & above)
        fig.output_wan = _sum(values, ents, "output")
        fig.tax_wan = _sum(values, ents, "tax")
        fig.leads = leads.filter(Q(pk__in=target_leads) | Q(industry_id__in=codes)).count() if (
            codes or target_leads) else 0
        fig.projects = projects.filter(Q(industry_id__in=codes) | Q(investor_lead_id__in=target_leads)).count() if (
            codes or target_leads) else 0
        fig.targets_open = sum(1 for nid, s, _lead in targets if nid in ids and s == ChainTarget.Status.OPEN)
        fig.tasks_open = sum(1 for nid in tasks if nid in ids)
        fig.suggested = sum(suggested.get(i, 0) for i in ids)
        fig.status = strength(node, fig.enterprises)
        out[node.pk] = fig
    return out


def _sum(values: dict[int, dict[str, Any]], ents: set[int], code: str) -> Decimal | None:
    found = [values[e][code].value for e in ents if e in values and code in values[e]]
    return sum(found, Decimal(0)) if found else None


def node_classes(node: ChainNode) -> set[str]:
    """The classes of a node and every node below it."""
    nodes = nodes_of(node.chain)
    below = subtree(nodes)[node.pk]
    return {i.code for n in nodes if n.pk in below for i in n.industries.all()}


def node_leads(node: ChainNode, user: Any) -> Any:
    """Leads of a node, as ``user`` sees them: those its targets became, and open ones of its classes."""
    below = subtree(nodes_of(node.chain))[node.pk]
    target_leads = ChainTarget.objects.filter(node_id__in=below, lead__isnull=False).values("lead_id")
    return (Lead.objects.visible_to(user).filter(Q(pk__in=target_leads) | Q(industry_id__in=node_classes(node)))
            .select_related("target_park", "owner").order_by("-created_at"))


def node_projects(node: ChainNode, user: Any) -> Any:
    """Projects of a node: of its classes, or invested by a lead its targets became."""
    below = subtree(nodes_of(node.chain))[node.pk]
    target_leads = ChainTarget.objects.filter(node_id__in=below, lead__isnull=False).values("lead_id")
    return (Project.objects.visible_to(user)
            .filter(Q(industry_id__in=node_classes(node)) | Q(investor_lead_id__in=target_leads))
            .select_related("park").order_by("-id"))


def tree_option(chain: Chain, figures: dict[int, NodeFigures], link_for: Any) -> dict[str, Any]:
    """The ECharts tree of a chain: the chain at the root, each node coloured by its strength, with its counts in
    the label and a link to its page (``dashboards.js`` opens ``link`` on click)."""
    by_parent: dict[int | None, list[NodeFigures]] = defaultdict(list)
    for fig in figures.values():
        by_parent[fig.node.parent_id].append(fig)
    for items in by_parent.values():
        items.sort(key=lambda f: (f.node.sort_order, f.node.pk))

    def item(fig: NodeFigures) -> dict[str, Any]:
        node = fig.node
        target = f"/{node.target_count}" if node.target_count is not None else ""
        core = "★" if node.importance == ChainNode.Importance.CORE else ""
        return {
            "name": f"{core}{node.name}（{fig.enterprises}{target}）",
            "value": fig.enterprises,
            "link": link_for(node),
            "status": fig.status,
            "itemStyle": {"color": fig.colour, "borderColor": fig.colour},
            "label": {"color": fig.colour if fig.status != Strength.SOUND else "#1d273b"},
            "children": [item(c) for c in by_parent.get(node.pk, [])],
        }
    root = {"name": chain.name, "children": [item(f) for f in by_parent.get(None, [])],
            "itemStyle": {"color": "#206bc4"}}
    return {
        "tooltip": {"trigger": "item"},
        "series": [{
            "type": "tree", "data": [root], "top": "2%", "left": "8%", "bottom": "2%", "right": "26%",
            "symbolSize": 10, "initialTreeDepth": -1, "expandAndCollapse": False, "roam": False,
            "label": {"position": "left", "verticalAlign": "middle", "align": "right", "fontSize": 13},
            "leaves": {"label": {"position": "right", "verticalAlign": "middle", "align": "left"}},
            "lineStyle": {"color": "#c8d3e1"},
        }],
    }


# =========================================================================== the four chains, side by side

#: 研发投入 and 营业收入 (万元), for R&D spending and its intensity.
RD_CODES = ("rnd", "revenue")
HUNDRED = Decimal(100)


@dataclass
class FourChainRow:
    """One node of the four-chain view: its industry strength (产业链), innovation (创新链), talent (人才链) and
    ecosystem (生态链) for a year, each figure counted over the node and its sub-nodes, and which cells are gaps.

    A count of zero is a gap cell; a dimension is a gap when its key measure is zero — no platform serving the
    node (创新链), no doctor, master, senior title or introduced talent (人才链), no service provider covering it
    (生态链) — and the industry is a gap when the node is 缺失 or 薄弱."""

    fig: NodeFigures
    platforms: int = 0
    rd_wan: Decimal | None = None
    rd_intensity: Decimal | None = None
    contracts: int = 0
    contract_tech_wan: Decimal = Decimal(0)
    patents: int = 0
    doctors: int = 0
    masters: int = 0
    senior_titles: int = 0
    introduced: int = 0
    awards: int = 0
    providers: int = 0
    funds: int = 0
    financings: int = 0
    financing_wan: Decimal = Decimal(0)

    @property
    def node(self) -> ChainNode:
        return self.fig.node

    @property
    def industry_gap(self) -> bool:
        return self.fig.status != Strength.SOUND

    @property
    def innovation_gap(self) -> bool:
        return self.platforms == 0

    @property
    def talent(self) -> int:
        return self.doctors + self.masters + self.senior_titles + self.introduced

    @property
    def talent_gap(self) -> bool:
        return self.talent == 0

    @property
    def ecosystem_gap(self) -> bool:
        return self.providers == 0

    @property
    def gaps(self) -> list[str]:
        """The dimensions that are gaps: industry, innovation, talent, ecosystem."""
        return [k for k, gap in (("industry", self.industry_gap), ("innovation", self.innovation_gap),
                                 ("talent", self.talent_gap), ("ecosystem", self.ecosystem_gap)) if gap]

    def zero(self, key: str) -> bool:
        """Whether the cell ``key`` is a gap (nothing there)."""
        value = getattr(self, key)
        return value is None or value == 0

    def as_dict(self) -> dict[str, Any]:
        f = self.fig
        return {
            "node": f.node.pk, "name": f.node.name, "parent": f.node.parent_id, "depth": f.node.depth,
            "importance": f.node.importance, "year": f.year,
            "industry": {"enterprises": f.enterprises, "above_scale": f.above_scale, "output_wan": f.output_wan,
                         "tax_wan": f.tax_wan, "status": f.status, "gap": self.industry_gap},
            "innovation": {"platforms": self.platforms, "rd_wan": self.rd_wan, "rd_intensity_pct": self.rd_intensity,
                           "contracts": self.contracts, "contract_tech_wan": self.contract_tech_wan,
                           "patents": self.patents, "gap": self.innovation_gap},
            "talent": {"doctors": self.doctors, "masters": self.masters, "senior_titles": self.senior_titles,
                       "introduced": self.introduced, "awards": self.awards, "gap": self.talent_gap},
            "ecosystem": {"providers": self.providers, "funds": self.funds, "financings": self.financings,
                          "financing_wan": self.financing_wan, "gap": self.ecosystem_gap},
        }


def four_chains(chain: Chain, user: Any, year: int | None = None, within: Any = None) -> list[FourChainRow]:
    """The four-chain view of ``chain``: a row per node in tree order, as ``user`` may see it (None: the chain's
    region), for ``year`` (the last full year by default); ``within`` narrows the enterprises (a park). The one
    function the page, the API, the figure group and the briefing read."""
    from yuanqu.innovation.models import TechContract

    from .models import EcoProvider, FinancingEvent, Fund, InnovationPlatform, PatentYear, TalentAward, TalentHeadcount

    year = year or figures_year()
    figs = chain_figures(chain, user, year, within=within)
    nodes = [f.node for f in figs.values()]
    below = subtree(nodes)
    region = str(chain.region_id)
    all_ids: set[int] = set().union(*(f.enterprise_ids for f in figs.values())) if figs else set()
    values = enterprise_year_values(all_ids, year, RD_CODES)

    def node_sets(manager: Any) -> list[tuple[int, set[int], int | None]]:
        rows = seen(manager, user, region).filter(nodes__chain=chain).values_list("pk", "nodes", *(
            ["enterprise_id"] if manager.model is InnovationPlatform else []))
        by_pk: dict[int, tuple[set[int], int | None]] = {}
        for row in rows:
            entry = by_pk.setdefault(row[0], (set(), row[2] if len(row) > 2 else None))
            entry[0].add(row[1])
        return [(pk, ns, ent) for pk, (ns, ent) in by_pk.items()]

    platform_rows = node_sets(InnovationPlatform.objects)
    # A platform held by an enterprise on a node serves the node too, even where nobody linked it by hand.
    held = list(seen(InnovationPlatform.objects, user, region).filter(enterprise_id__in=all_ids)
                .values_list("pk", "enterprise_id"))
    provider_rows = node_sets(EcoProvider.objects)
    fund_rows = node_sets(Fund.objects)
    talent = {t.enterprise_id: t for t in seen(TalentHeadcount.objects, user, region)
              .filter(year=year, enterprise_id__in=all_ids)}
    awards: dict[int, int] = defaultdict(int)
    for ent, n in seen(TalentAward.objects, user, region).filter(year=year, enterprise_id__in=all_ids) \
            .values_list("enterprise_id", "count"):
        awards[ent] += n
    patents = {p.enterprise_id: p.total for p in seen(PatentYear.objects, user, region)
               .filter(year=year, enterprise_id__in=all_ids)}
    financings = list(seen(FinancingEvent.objects, user, region).filter(on__year=year, enterprise_id__in=all_ids)
                      .values_list("pk", "enterprise_id", "amount_wan"))
    contracts = list(seen(TechContract.objects, user, region).filter(registered_on__year=year)
                     .filter(Q(seller_id__in=all_ids) | Q(buyer_id__in=all_ids))
                     .values_list("pk", "seller_id", "buyer_id", "tech_wan"))
    out = []
    for fig in _ordered(list(figs.values())):
        ids, ents = below[fig.node.pk], fig.enterprise_ids
        row = FourChainRow(fig=fig)
        row.platforms = len({pk for pk, ns, _e in platform_rows if ns & ids} | {pk for pk, e in held if e in ents})
        rd = [values[e]["rnd"].value for e in ents if "rnd" in values.get(e, {})]
        row.rd_wan = sum(rd, Decimal(0)) if rd else None
        both = [e for e in ents if {"rnd", "revenue"} <= set(values.get(e, {}))]
        revenue = sum((values[e]["revenue"].value for e in both), Decimal(0))
        if revenue > 0:
            spent = sum((values[e]["rnd"].value for e in both), Decimal(0))
            row.rd_intensity = (spent / revenue * HUNDRED).quantize(Decimal("0.01"))
        mine = [(pk, tech) for pk, s, b, tech in contracts if s in ents or b in ents]
        row.contracts, row.contract_tech_wan = len(mine), sum((t for _pk, t in mine), Decimal(0))
        row.patents = sum(patents.get(e, 0) for e in ents)
        for e in ents:
            t = talent.get(e)
            if t is not None:
                row.doctors += t.doctors
                row.masters += t.masters
                row.senior_titles += t.senior_titles
                row.introduced += t.introduced
        row.awards = sum(awards.get(e, 0) for e in ents)
        row.providers = sum(1 for _pk, ns, _e in provider_rows if ns & ids)
        row.funds = sum(1 for _pk, ns, _e in fund_rows if ns & ids)
        mine_fin = [amount for _pk, e, amount in financings if e in ents]
        row.financings, row.financing_wan = len(mine_fin), sum(mine_fin, Decimal(0))
        out.append(row)
    return out


def _ordered(figs: list[NodeFigures]) -> list[NodeFigures]:
    """Nodes depth-first, each after its parent, siblings by their order."""
    by_parent: dict[int | None, list[NodeFigures]] = defaultdict(list)
    for f in figs:
        by_parent[f.node.parent_id].append(f)
    out: list[NodeFigures] = []

    def walk(parent: int | None) -> None:
        for f in sorted(by_parent.get(parent, []), key=lambda f: (f.node.sort_order, f.node.pk)):
            out.append(f)
            walk(f.node.pk)
    walk(None)
    return out


@dataclass
class ChainSummary:
    """A chain's strength and gaps in one line: nodes, 缺失 and 薄弱 ones, enterprises on it, and the nodes without
    a platform, without talent, without a service provider (the figure group and the briefing read this)."""

    chain: Chain
    nodes: int
    missing: list[str]
    weak: list[str]
    enterprises: int
    innovation_gaps: int
    talent_gaps: int
    ecosystem_gaps: int


def chain_summary(chain: Chain, user: Any, year: int | None = None, within: Any = None) -> ChainSummary:
    """The summary of :func:`four_chains` for one chain."""
    rows = four_chains(chain, user, year, within=within)
    ents: set[int] = set().union(*(r.fig.enterprise_ids for r in rows)) if rows else set()
    return ChainSummary(
        chain=chain, nodes=len(rows), enterprises=len(ents),
        missing=[r.node.name for r in rows if r.fig.status == Strength.MISSING],
        weak=[r.node.name for r in rows if r.fig.status == Strength.WEAK],
        innovation_gaps=sum(1 for r in rows if r.innovation_gap),
        talent_gaps=sum(1 for r in rows if r.talent_gap),
        ecosystem_gaps=sum(1 for r in rows if r.ecosystem_gap))


def node_enterprise_ids(node: ChainNode, user: Any) -> set[int]:
    """The enterprises confirmed on a node or below it, as ``user`` may see them (what a four-chain cell's list
    shows)."""
    below = subtree(nodes_of(node.chain))[node.pk]
    return set(visible_links(user).filter(node_id__in=below, status=ChainLink.Status.CONFIRMED)
               .values_list("enterprise_id", flat=True))


def node_subtree(node: ChainNode) -> set[int]:
    return subtree(nodes_of(node.chain))[node.pk]
