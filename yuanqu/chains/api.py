"""The 产业链 endpoints of the REST API, mounted from :class:`yuanqu.chains.apps.ChainsConfig`: the chains a caller
may see, a chain's nodes with their figures (:func:`yuanqu.chains.selectors.chain_figures`, as the map shows them)
and its four-chain rows (industry, innovation, talent, ecosystem per node, with its gaps) read through
:func:`yuanqu.chains.selectors.four_chains`, the function the page and the briefing read; the enterprise–node links
(confirm, reject), the 招商 targets (turned into leads) and the four-chain records (platforms, talent, providers).
Same services and scope as the pages: reads through ``visible_to``, writes through ``services`` on rows of
``editable_by``; an object outside the caller's scope is a 404."""

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from yuanqu.api.api import ERRORS, Pagination
from yuanqu.api.schemas import Id, In, Year
from yuanqu.core.scoping import get_visible_or_404
from yuanqu.core.types import AuthedRequest

from . import selectors, services
from .models import Chain, ChainLink, ChainNode, ChainTarget, EcoProvider, InnovationPlatform, TalentHeadcount

chains = Router(tags=["chains"])


class ChainOut(Schema):
    """A chain of a region."""

    id: int
    name: str
    description: str
    region: str = Field(alias="region_id")


class FourQuery(Schema):
    year: int | None = Field(None, ge=1980, le=2100, description="the last full year when left out")


class IndustryOut(Schema):
    enterprises: int
    above_scale: int
    output_wan: Decimal | None
    tax_wan: Decimal | None
    status: str = Field(description="missing (缺失), weak (薄弱) or sound")
    gap: bool


class InnovationOut(Schema):
    platforms: int
    rd_wan: Decimal | None
    rd_intensity_pct: Decimal | None
    contracts: int
    contract_tech_wan: Decimal
    patents: int
    gap: bool


class TalentOut(Schema):
    doctors: int
    masters: int
    senior_titles: int
    introduced: int
    awards: int
    gap: bool


class EcosystemOut(Schema):
    providers: int
    funds: int
    financings: int
    financing_wan: Decimal
    gap: bool


class FourRowOut(Schema):
    """One node of the four-chain view; amounts in 万元."""

    node: int
    name: str
    parent: int | None
    depth: int
    importance: str
    year: int
    industry: IndustryOut
    innovation: InnovationOut
    talent: TalentOut
    ecosystem: EcosystemOut


class NodeOut(Schema):
    """A node of a chain with its figures of ``year`` (its sub-nodes included; amounts in 万元, the enterprises
    those confirmed on it that the caller may see)."""

    id: int
    name: str
    parent: int | None
    depth: int
    importance: str
    target_count: int | None
    year: int
    enterprises: int
    above_scale: int
    output_wan: Decimal | None
    tax_wan: Decimal | None
    suggested: int = Field(description="links still to decide")
    targets_open: int
    status: str = Field(description="missing (缺失), weak (薄弱) or sound (健全)")
    status_label: str = Field(description="the status in the caller's language, as the map's legend says it")
    digital_classes: list[str] = Field(description="codes of the node's classes of the NBS 数字经济及其核心产业统计分类"
                                                   "(2021), e.g. 0401")


class LinkOut(Schema):
    """An enterprise placed on a chain node, how it was found and whether staff decided it."""

    id: int
    node: int = Field(alias="node_id")
    chain: int = Field(alias="node.chain_id")
    enterprise: int = Field(alias="enterprise_id")
    enterprise_name: str = Field(alias="enterprise.name")
    source: str
    confidence: int
    matched: str
    status: str
    decided_at: dt.datetime | None


class TargetOut(Schema):
    """An entry of a node's 招商靶向清单; ``lead`` once it became a lead."""

    id: int
    node: int = Field(alias="node_id")
    chain: int = Field(alias="node.chain_id")
    name: str
    location: str
    reason: str
    source: str
    status: str
    lead: int | None = Field(alias="lead_id")


class TargetLeadOut(Schema):
    """The lead a target became."""

    target: int
    lead: int


class PlatformOut(Schema):
    """An innovation platform (创新链) and the chain nodes it serves."""

    id: int
    name: str
    kind: str
    level: str
    recognised_year: int
    enterprise: int | None = Field(alias="enterprise_id")
    holder: str
    region: str = Field(alias="region_id")
    nodes: list[int]

    @staticmethod
    def resolve_nodes(obj: InnovationPlatform) -> list[int]:
        return [n.pk for n in obj.nodes.all()]


class TalentYearOut(Schema):
    """An enterprise's talent of a year (人才链), as counts only."""

    id: int
    enterprise: int = Field(alias="enterprise_id")
    enterprise_name: str = Field(alias="enterprise.name")
    year: int
    doctors: int
    masters: int
    senior_titles: int
    introduced_national: int
    introduced_provincial: int
    introduced_city: int
    introduced_district: int
    introduced: int


class ProviderOut(Schema):
    """A service provider of the chain's ecosystem (生态链) and the chain nodes it serves."""

    id: int
    name: str
    kind: str
    services: str
    region: str = Field(alias="region_id")
    nodes: list[int]

    @staticmethod
    def resolve_nodes(obj: EcoProvider) -> list[int]:
        return [n.pk for n in obj.nodes.all()]


class NodeFilter(In):
    """Query parameters of the lists by chain and node."""

    chain: Id | None = None
    node: Id | None = None


class LinkFilter(NodeFilter):
    status: Literal["suggested", "confirmed", "rejected"] | None = None


class TargetFilter(NodeFilter):
    status: Literal["open", "lead", "dropped"] | None = None


class PlatformFilter(NodeFilter):
    year: Year | None = Field(None, description="the year recognised")


class TalentFilter(In):
    year: Year | None = None
    enterprise: Id | None = None


def _by_node(qs: Any, filters: NodeFilter, path: str) -> Any:
    """Narrow ``qs`` to a chain and a node through ``path`` (the node of the row); many-to-many paths distinct."""
    if filters.node is not None:
        qs = qs.filter(**{path: filters.node})
    if filters.chain is not None:
        qs = qs.filter(**{f"{path}__chain": filters.chain})
    return qs.distinct() if path == "nodes" else qs


@chains.get("/", response=list[ChainOut])
@paginate(Pagination)
def list_chains(request: AuthedRequest) -> Any:
    """The chains the caller may see (district roles and the region's park operators)."""
    return Chain.objects.visible_to(request.user).order_by("name", "pk")


@chains.get("/{chain_id}/four", response={200: list[FourRowOut], **ERRORS})
def get_chain_four(request: AuthedRequest, chain_id: Id, params: Query[FourQuery]) -> Any:
    """The four-chain rows of a chain, one per node in tree order, as the caller may see them."""
    chain = get_visible_or_404(Chain.objects.all(), request.user, pk=chain_id)
    return [r.as_dict() for r in selectors.four_chains(chain, request.user, params.year)]


@chains.get("/{chain_id}/nodes", response={200: list[NodeOut], **ERRORS})
def list_chain_nodes(request: AuthedRequest, chain_id: Id, params: Query[FourQuery]) -> Any:
    """The nodes of a chain with their figures of a year, as the map shows them to the caller."""
    chain = get_visible_or_404(Chain.objects.all(), request.user, pk=chain_id)
    figures = selectors.chain_figures(chain, request.user, params.year)
    digital: dict[int, list[str]] = {}
    for node_id, code in (ChainNode.digital_classes.through.objects.filter(chainnode__chain=chain)
                          .order_by("digitaleconomyclass_id").values_list("chainnode_id", "digitaleconomyclass_id")):
        digital.setdefault(node_id, []).append(code)
    return [{"id": f.node.pk, "name": f.node.name, "parent": f.node.parent_id, "depth": f.node.depth,
             "importance": f.node.importance, "target_count": f.node.target_count, "year": f.year,
             "enterprises": f.enterprises, "above_scale": f.above_scale, "output_wan": f.output_wan,
             "tax_wan": f.tax_wan, "suggested": f.suggested, "targets_open": f.targets_open, "status": f.status,
             "status_label": str(f.status_label), "digital_classes": digital.get(f.node.pk, [])}
            for f in figures.values()]


# --------------------------------------------------------------------------- links

links = Router(tags=["chain-links"])


@links.get("/", response=list[LinkOut])
@paginate(Pagination)
def list_chain_links(request: AuthedRequest, filters: Query[LinkFilter]) -> Any:
    """The enterprise–node links the caller may see (an operator: those of enterprises settled in its parks)."""
    qs = _by_node(selectors.visible_links(request.user), filters, "node")
    if filters.status:
        qs = qs.filter(status=filters.status)
    return qs.select_related("node", "enterprise").order_by("node_id", "-confidence", "pk")


def _decide(request: AuthedRequest, link_id: int, confirm: bool) -> ChainLink:
    link = get_visible_or_404(ChainLink.objects.editable_by(request.user), request.user, pk=link_id)
    link = services.link_decide(actor=request.user, link=link, confirm=confirm)
    return ChainLink.objects.select_related("node", "enterprise").get(pk=link.pk)


@links.post("/{link_id}/confirm", response={200: LinkOut, **ERRORS})
def confirm_chain_link(request: AuthedRequest, link_id: Id) -> Any:
    """Confirm a link (district staff): the enterprise counts on the node."""
    return _decide(request, link_id, True)


@links.post("/{link_id}/reject", response={200: LinkOut, **ERRORS})
def reject_chain_link(request: AuthedRequest, link_id: Id) -> Any:
    """Reject a link (district staff): the enterprise does not count on the node."""
    return _decide(request, link_id, False)


# --------------------------------------------------------------------------- targets

targets = Router(tags=["chain-targets"])


@targets.get("/", response=list[TargetOut])
@paginate(Pagination)
def list_chain_targets(request: AuthedRequest, filters: Query[TargetFilter]) -> Any:
    """The 招商 targets of the chains the caller may see."""
    qs = _by_node(ChainTarget.objects.visible_to(request.user), filters, "node")
    if filters.status:
        qs = qs.filter(status=filters.status)
    return qs.select_related("node").order_by("node_id", "name", "pk")


@targets.post("/{target_id}/lead", response={201: TargetLeadOut, **ERRORS})
def lead_chain_target(request: AuthedRequest, target_id: Id) -> Any:
    """转为线索: the target becomes a lead of the 招商 pipeline the caller owns; 422 when it became one already or
    was dropped."""
    target = get_visible_or_404(ChainTarget.objects.editable_by(request.user), request.user, pk=target_id)
    lead = services.target_to_lead(actor=request.user, target=target)
    return Status(201, {"target": target.pk, "lead": lead.pk})


# --------------------------------------------------------------------------- the four chains' records

platforms = Router(tags=["chain-records"])


@platforms.get("/", response=list[PlatformOut])
@paginate(Pagination)
def list_chain_platforms(request: AuthedRequest, filters: Query[PlatformFilter]) -> Any:
    """Innovation platforms the caller may see, by chain, node and year recognised."""
    qs = _by_node(InnovationPlatform.objects.visible_to(request.user), filters, "nodes")
    if filters.year is not None:
        qs = qs.filter(recognised_year=filters.year)
    return qs.prefetch_related("nodes").order_by("-recognised_year", "name", "pk")


talent = Router(tags=["chain-records"])


@talent.get("/", response=list[TalentYearOut])
@paginate(Pagination)
def list_chain_talent(request: AuthedRequest, filters: Query[TalentFilter]) -> Any:
    """Enterprises' talent by year the caller may see (an operator: its parks' enterprises')."""
    qs = TalentHeadcount.objects.visible_to(request.user)
    if filters.year is not None:
        qs = qs.filter(year=filters.year)
    if filters.enterprise is not None:
        qs = qs.filter(enterprise_id=filters.enterprise)
    return qs.select_related("enterprise").order_by("-year", "enterprise__name", "pk")


providers = Router(tags=["chain-records"])


@providers.get("/", response=list[ProviderOut])
@paginate(Pagination)
def list_chain_providers(request: AuthedRequest, filters: Query[NodeFilter]) -> Any:
    """Service providers of the region's ecosystem, by chain and node."""
    qs = _by_node(EcoProvider.objects.visible_to(request.user), filters, "nodes")
    return qs.prefetch_related("nodes").order_by("name", "pk")
