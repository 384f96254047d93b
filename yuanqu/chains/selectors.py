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


def chain_figures(chain: Chain, user: Any, year: int | None = None) -> dict[int, NodeFigures]:
    """{node id: NodeFigures} for every node of ``chain``, as ``user`` may see it, for ``year``."""
    year = year or figures_year()
    nodes = nodes_of(chain)
    below = subtree(nodes)
    links = visible_links(user).filter(node__chain=chain)
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
    targets = list(ChainTarget.objects.visible_to(user).filter(node__chain=chain)
                   .values_list("node_id", "status", "lead_id"))
    tasks = list(ChainTask.objects.visible_to(user).filter(node__chain=chain).exclude(status=ChainTask.Status.DONE)
                 .values_list("node_id", flat=True))
    leads = Lead.objects.visible_to(user)
    projects = Project.objects.visible_to(user)
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
