"""Every write of 产业链: chains, nodes and their 链长制 people, enterprise links (suggested, confirmed, rejected,
by hand), 招商 targets and their conversion into leads, node tasks. Keyword-only, atomic, validated, audited; the
actor's scope is checked on every object it names."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from yuanqu.core import audit
from yuanqu.core.models import AuditEvent, DigitalEconomyClass, DigitalEconomyCorrespondence, IndustryCode, Region
from yuanqu.core.roles import EDIT_REGION
from yuanqu.core.scoping import region_contains, region_within
from yuanqu.core.services import (
    UNSET,
    Unset,
    assign,
    delete_audited,
    require_editable,
    require_role,
    save_created,
    save_updated,
)
from yuanqu.enterprises.models import Enterprise
from yuanqu.investment import services as investment
from yuanqu.investment.models import Lead

from .models import (
    MAX_DEPTH,
    Chain,
    ChainLink,
    ChainMember,
    ChainNode,
    ChainTarget,
    ChainTask,
    EcoProvider,
    FinancingEvent,
    Fund,
    InnovationPlatform,
    PatentYear,
    TalentAward,
    TalentHeadcount,
)
from .templates import TEMPLATES, NodeSpec

if TYPE_CHECKING:
    from yuanqu.accounts.models import User

#: Confidence of a suggestion, by what matched: the registered industry class says more than a word in a name.
CONFIDENCE = {ChainLink.Source.INDUSTRY: 90, ChainLink.Source.KEYWORD: 60, ChainLink.Source.MANUAL: 100}
#: An industry class that a node's 数字经济分类 class takes only in part (the standard's ``*``) says less: not every
#: enterprise of the class does the digital activity.
CONFIDENCE_PARTIAL = 70
#: A node keyword found only in the enterprise's 经营范围 (business scope), not its name: weaker evidence, since a
#: licence's scope lists many activities the enterprise may never carry on. Stored as a keyword link whose
#: ``matched`` says where the word was found (:data:`SCOPE_MATCH_PREFIX`).
SCOPE_CONFIDENCE = 40
SCOPE_MATCH_PREFIX = "经营范围："


def parse_industry_codes(text: str) -> list[IndustryCode]:
    """The GB/T 4754-2017 classes typed as "2710 2720, 2761": each must be a 4-digit class of the shipped table."""
    codes = [c for c in text.replace("，", " ").replace(",", " ").replace("、", " ").split() if c]
    if len(codes) > 100:
        raise ValidationError(_("At most 100 industry classes per node."), code="too_many")
    found = {i.code: i for i in IndustryCode.objects.filter(code__in=codes, level=IndustryCode.Level.CLASS)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise ValidationError(_("No such GB/T 4754-2017 industry class: %(codes)s.")
                              % {"codes": "、".join(unknown[:5])}, code="unknown_industry")
    return [found[c] for c in dict.fromkeys(codes)]


def parse_digital_classes(text: str) -> list[DigitalEconomyClass]:
    """The classes of the NBS 数字经济及其核心产业统计分类(2021) typed as "0301 0401": each must be in the shipped
    table (大类, 中类 or 小类)."""
    codes = [c for c in text.replace("，", " ").replace(",", " ").replace("、", " ").split() if c]
    if len(codes) > 50:
        raise ValidationError(_("At most 50 digital-economy classes per node."), code="too_many_digital")
    found = {d.code: d for d in DigitalEconomyClass.objects.filter(code__in=codes)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise ValidationError(_("No such class of the digital-economy classification (NBS 2021): %(codes)s.")
                              % {"codes": "、".join(c[:10] for c in unknown[:5])}, code="unknown_digital_class")
    return [found[c] for c in dict.fromkeys(codes)]


# =========================================================================== chains and their people


@transaction.atomic
def chain_create(*, actor: User, name: str, description: str = "", region: Region | None = None) -> Chain:
    """A new chain of the actor's region (or a region inside it)."""
    require_role(actor, EDIT_REGION)
    region_id = region.pk if region is not None else actor.region_id
    if not region_within(region_id, actor):
        raise ValidationError({"region": _("This region is outside your scope.")}, code="scope")
    chain = Chain(region_id=region_id, name=name, description=description)
    return save_created(actor=actor, obj=chain)


@transaction.atomic
def chain_update(*, actor: User, chain: Chain, name: str | Unset = UNSET,
                 description: str | Unset = UNSET) -> Chain:
    """Rename or redescribe a chain."""
    require_editable(Chain.objects, actor, chain)
    before = audit.snapshot(chain)
    assign(chain, name=name, description=description)
    return save_updated(actor=actor, obj=chain, before=before)


@transaction.atomic
def chain_from_template(*, actor: User, key: str, region: Region | None = None, name: str = "") -> Chain:
    """A chain built from a shipped reference template (:mod:`yuanqu.chains.templates`), every node through
    :func:`node_create`."""
    template = TEMPLATES.get(key)
    if template is None:
        raise ValidationError({"template": _("No such chain template.")}, code="unknown_template")
    require_role(actor, EDIT_REGION)
    region_id = region.pk if region is not None else actor.region_id
    if not region_within(region_id, actor):
        raise ValidationError({"region": _("This region is outside your scope.")}, code="scope")
    chain = save_created(actor=actor, obj=Chain(region_id=region_id, name=name or template.name,
                                                description=template.description, template=template.key))

    def build(specs: tuple[NodeSpec, ...], parent: ChainNode | None) -> None:
        for order, spec in enumerate(specs, start=1):
            node = node_create(actor=actor, chain=chain, parent=parent, name=spec.name,
                               importance=ChainNode.Importance.CORE if spec.core else ChainNode.Importance.SUPPORTING,
                               target_count=spec.target, industries=parse_industry_codes(" ".join(spec.classes)),
                               keywords="，".join(spec.keywords), sort_order=order,
                               digital_classes=parse_digital_classes(" ".join(spec.digital)))
            build(spec.children, node)
    build(template.nodes, None)
    return chain


@transaction.atomic
def member_create(*, actor: User, chain: Chain, role: str, name: str, post: str = "",
                  organisation: str = "") -> ChainMember:
    """Add a 链长, 副链长 or 工作专班 member (a person named, not an account)."""
    require_editable(Chain.objects, actor, chain)
    return save_created(actor=actor, obj=ChainMember(chain=chain, role=role, name=name, post=post,
                                                     organisation=organisation))


@transaction.atomic
def member_delete(*, actor: User, member: ChainMember) -> None:
    """Remove a person from the chain's 链长制."""
    require_editable(Chain.objects, actor, member.chain)
    delete_audited(actor=actor, obj=member)


# =========================================================================== nodes


def _check_parent(chain: Chain, parent: ChainNode | None) -> None:
    if parent is not None and parent.chain_id != chain.pk:
        raise ValidationError({"parent": _("The parent node belongs to another chain.")}, code="other_chain")


@transaction.atomic
def node_create(*, actor: User, chain: Chain, name: str, parent: ChainNode | None = None,
                importance: str = ChainNode.Importance.SUPPORTING, target_count: int | None = None,
                industries: Iterable[IndustryCode] = (), keywords: str = "", sort_order: int = 0,
                digital_classes: Iterable[DigitalEconomyClass] = ()) -> ChainNode:
    """A node under ``parent`` (a segment when there is none), of the same chain, at most three levels deep."""
    require_editable(Chain.objects, actor, chain)
    _check_parent(chain, parent)
    node = ChainNode(chain=chain, parent=parent, name=name, importance=importance, target_count=target_count,
                     keywords=keywords, sort_order=sort_order)
    return save_created(actor=actor, obj=node, m2m={"industries": list(industries),
                                                    "digital_classes": list(digital_classes)})


@transaction.atomic
def node_update(*, actor: User, node: ChainNode, name: str | Unset = UNSET,
                parent: ChainNode | None | Unset = UNSET, importance: str | Unset = UNSET,
                target_count: int | None | Unset = UNSET, industries: Iterable[IndustryCode] | Unset = UNSET,
                keywords: str | Unset = UNSET, sort_order: int | Unset = UNSET,
                digital_classes: Iterable[DigitalEconomyClass] | Unset = UNSET) -> ChainNode:
    """Change a node; moving it under one of its own sub-nodes (a cycle) or another chain is refused."""
    node = ChainNode.objects.select_for_update().get(pk=node.pk)
    require_editable(Chain.objects, actor, node.chain)
    if parent is not UNSET:
        _check_parent(node.chain, parent)
    before = audit.snapshot(node)
    assign(node, name=name, parent=parent, importance=importance, target_count=target_count, keywords=keywords,
           sort_order=sort_order)
    m2m: dict[str, Iterable[Any]] = {}
    if industries is not UNSET:
        m2m["industries"] = list(industries)
    if digital_classes is not UNSET:
        m2m["digital_classes"] = list(digital_classes)
    node = save_updated(actor=actor, obj=node, before=before, m2m=m2m or None)
    _fix_depths(node)
    return node


def _fix_depths(node: ChainNode) -> None:
    """Sub-nodes one level below their parent after a move (depth is derived, not a business value)."""
    for child in ChainNode.objects.filter(parent=node):
        if child.depth != node.depth + 1:
            if node.depth + 1 > MAX_DEPTH:
                raise ValidationError({"parent": _("A chain has at most three levels: segment, link and "
                                                   "sub-link.")}, code="depth")
            ChainNode.objects.filter(pk=child.pk).update(depth=node.depth + 1)
            child.depth = node.depth + 1
        _fix_depths(child)


@transaction.atomic
def node_delete(*, actor: User, node: ChainNode) -> None:
    """Remove a node with its sub-nodes, links, targets and tasks; refused while a target of it became a lead."""
    require_editable(Chain.objects, actor, node.chain)
    subtree = descendants(node) | {node.pk}
    if ChainTarget.objects.filter(node_id__in=subtree, lead__isnull=False).exists():
        raise ValidationError(_("A target of this node became a lead; the node cannot be removed."), code="has_lead")
    delete_audited(actor=actor, obj=node)


def descendants(node: ChainNode) -> set[int]:
    """The ids of every node below ``node``."""
    out: set[int] = set()
    frontier = [node.pk]
    while frontier:
        frontier = list(ChainNode.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        out.update(frontier)
    return out


# =========================================================================== enterprise links


def digital_industries(codes: Iterable[str]) -> dict[str, tuple[str, bool]]:
    """The GB/T 4754-2017 classes that the 数字经济分类 classes ``codes`` (and the classes below them) correspond to:
    industry code → (the 分类 class that takes it, whether only in part). A class taken wholly by one of them wins
    over one taken in part."""
    codes = list(codes)
    if not codes:
        return {}
    q = Q()
    for code in codes:
        q |= Q(digital_class__code__startswith=code)
    out: dict[str, tuple[str, bool]] = {}
    for digital, industry, partial in (DigitalEconomyCorrespondence.objects.filter(q)
                                       .order_by("partial", "digital_class_id", "industry_id")
                                       .values_list("digital_class_id", "industry_id", "partial")):
        out.setdefault(industry, (digital, partial))
    return out


def _candidates(chain: Chain, actor: User) -> Any:
    """The enterprises a chain's suggestions are drawn from: in business, of the chain's region, seen by the actor."""
    return (Enterprise.objects.visible_to(actor).filter(pk__in=Enterprise.objects.in_region(chain.region_id)
                                                        .values("pk"))
            .filter(status=Enterprise.Status.ACTIVE))


@transaction.atomic
def links_suggest(*, actor: User, chain: Chain) -> int:
    """Suggest enterprises for every node of ``chain``: by their industry class among the node's classes (confidence
    90), else by their industry class corresponding to one of the node's 数字经济分类 classes or a class below it
    (90, or 70 where the 分类 takes the industry class only in part; ``matched`` names the 分类 class), else by a
    node keyword in their name (60), else by a node keyword in their 经营范围 (40, matched on "经营范围：<keyword>").
    A pair already linked — suggested, confirmed or rejected — is left alone, so a rejection stays. One audit event
    names the batch. Returns how many were suggested."""
    require_editable(Chain.objects, actor, chain)
    nodes = list(ChainNode.objects.filter(chain=chain).prefetch_related("industries", "digital_classes"))
    existing = set(ChainLink.objects.filter(node__chain=chain).values_list("node_id", "enterprise_id"))
    enterprises = list(_candidates(chain, actor).values("pk", "name", "industry_id", "business_scope"))
    for e in enterprises:
        e["name"], e["business_scope"] = e["name"].lower(), e["business_scope"].lower()
    new: list[ChainLink] = []
    for node in nodes:
        classes = {i.code for i in node.industries.all()}
        via_digital = digital_industries([d.code for d in node.digital_classes.all()])
        words = node.keyword_list
        for e in enterprises:
            if (node.pk, e["pk"]) in existing:
                continue
            if e["industry_id"] in classes:
                source, matched = ChainLink.Source.INDUSTRY, str(e["industry_id"])
                confidence = CONFIDENCE[source]
            elif e["industry_id"] in via_digital:
                digital_code, partial = via_digital[e["industry_id"]]
                source = ChainLink.Source.INDUSTRY
                matched = _("%(code)s via digital-economy class %(digital)s") % {
                    "code": e["industry_id"], "digital": digital_code + ("*" if partial else "")}
                confidence = CONFIDENCE_PARTIAL if partial else CONFIDENCE[source]
            elif (word := next((w for w in words if w.lower() in e["name"]), None)) is not None:
                source, matched, confidence = ChainLink.Source.KEYWORD, word, CONFIDENCE[ChainLink.Source.KEYWORD]
            elif (word := next((w for w in words if w.lower() in e["business_scope"]), None)) is not None:
                source, matched, confidence = ChainLink.Source.KEYWORD, SCOPE_MATCH_PREFIX + word, SCOPE_CONFIDENCE
            else:
                continue
            link = ChainLink(node=node, enterprise_id=e["pk"], source=source, confidence=confidence,
                             matched=matched[:100], status=ChainLink.Status.SUGGESTED)
            link.full_clean(validate_unique=False, validate_constraints=False)
            new.append(link)
    ChainLink.objects.bulk_create(new)
    audit.record(actor=actor, action=AuditEvent.Action.CREATE, obj=chain,
                 after={"batch": "chain_links_suggest", "suggested": len(new)})
    return len(new)


@transaction.atomic
def link_decide(*, actor: User, link: ChainLink, confirm: bool) -> ChainLink:
    """Confirm or reject a link (a confirmed one may be rejected later, and the other way round)."""
    link = ChainLink.objects.select_for_update().get(pk=link.pk)
    require_editable(ChainLink.objects, actor, link)
    before = audit.snapshot(link)
    link.status = ChainLink.Status.CONFIRMED if confirm else ChainLink.Status.REJECTED
    link.decided_by = actor
    link.decided_at = timezone.now()
    return save_updated(actor=actor, obj=link, before=before)


@transaction.atomic
def link_create(*, actor: User, node: ChainNode, enterprise: Enterprise) -> ChainLink:
    """Place an enterprise on a node by hand (confirmed at once); a suggestion of the same pair is confirmed."""
    require_editable(Chain.objects, actor, node.chain)
    if not _candidates(node.chain, actor).filter(pk=enterprise.pk).exists():
        raise ValidationError({"enterprise": _("Choose an enterprise of the chain's region.")}, code="scope")
    found = ChainLink.objects.filter(node=node, enterprise=enterprise).first()
    if found is not None:
        return link_decide(actor=actor, link=found, confirm=True)
    link = ChainLink(node=node, enterprise=enterprise, source=ChainLink.Source.MANUAL,
                     confidence=CONFIDENCE[ChainLink.Source.MANUAL], status=ChainLink.Status.CONFIRMED,
                     decided_by=actor, decided_at=timezone.now())
    return save_created(actor=actor, obj=link)


# =========================================================================== targets


@transaction.atomic
def target_create(*, actor: User, node: ChainNode, name: str, location: str = "", reason: str = "",
                  source: str = "") -> ChainTarget:
    """Add an external company to a node's 招商靶向清单."""
    require_editable(Chain.objects, actor, node.chain)
    return save_created(actor=actor, obj=ChainTarget(node=node, name=name, location=location, reason=reason,
                                                     source=source))


def parse_target_lines(text: str) -> list[dict[str, str]]:
    """Targets pasted one a line, fields separated by a tab or "|": name, located in, why, source. A bad line is
    named by its number; nothing is returned then."""
    rows: list[dict[str, str]] = []
    errors: list[str] = []
    lines = text.splitlines()
    if len(lines) > 500:
        raise ValidationError(_("At most 500 targets at a time."), code="too_many")
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in (line.split("\t") if "\t" in line else line.split("|"))]
        if len(parts) > 4:
            errors.append(_("line %(n)d: more than 4 fields") % {"n": number})
            continue
        parts += [""] * (4 - len(parts))
        if not parts[0]:
            errors.append(_("line %(n)d: the company name is missing") % {"n": number})
            continue
        rows.append({"name": parts[0], "location": parts[1], "reason": parts[2], "source": parts[3]})
    if errors:
        raise ValidationError("；".join(errors), code="bad_lines")
    if not rows:
        raise ValidationError(_("Paste at least one company."), code="empty")
    return rows


@transaction.atomic
def targets_import(*, actor: User, node: ChainNode, rows: list[dict[str, str]]) -> int:
    """Add many targets at once, all or nothing (a line already on the list is skipped, so pasting the same list
    again changes nothing). Returns how many were added."""
    require_editable(Chain.objects, actor, node.chain)
    have = set(ChainTarget.objects.filter(node=node).values_list("name", flat=True))
    added = 0
    for number, row in enumerate(rows, start=1):
        if row["name"].strip() in have:
            continue
        try:
            target_create(actor=actor, node=node, **row)
        except ValidationError as exc:
            raise ValidationError({"lines": _("line %(n)d: %(error)s")
                                   % {"n": number, "error": " ".join(exc.messages)}}, code="bad_line") from exc
        have.add(row["name"].strip())
        added += 1
    return added


@transaction.atomic
def target_to_lead(*, actor: User, target: ChainTarget, allow_duplicate: bool = False) -> Lead:
    """Turn a target into a lead of the 招商 pipeline through investment's own service (the actor owns it); the
    target keeps the lead, so the lead's node is known. A target that became a lead already is refused."""
    target = ChainTarget.objects.select_for_update().select_related("node__chain").get(pk=target.pk)
    require_editable(Chain.objects, actor, target.node.chain)
    if target.lead_id is not None:
        raise ValidationError(_("This target became a lead already."), code="converted")
    if target.status == ChainTarget.Status.DROPPED:
        raise ValidationError(_("This target was dropped."), code="dropped")
    node = target.node
    industry = node.industries.order_by("code").first()
    note = _("From the target list of chain %(chain)s, node %(node)s. Located in: %(where)s. Why: %(why)s. "
             "Source: %(source)s.") % {"chain": node.chain.name, "node": node.name, "where": target.location or "—",
                                       "why": target.reason or "—", "source": target.source or "—"}
    lead = investment.lead_create(actor=actor, name=target.name, industry=industry, region=node.chain.region,
                                  source=Lead.Source.OTHER, note=note[:2000], allow_duplicate=allow_duplicate)
    before = audit.snapshot(target)
    target.lead = lead
    target.status = ChainTarget.Status.LEAD
    save_updated(actor=actor, obj=target, before=before)
    return lead


@transaction.atomic
def target_drop(*, actor: User, target: ChainTarget) -> ChainTarget:
    """Take an open target off the active list (it stays, marked dropped)."""
    target = ChainTarget.objects.select_for_update().get(pk=target.pk)
    require_editable(Chain.objects, actor, target.node.chain)
    if target.status != ChainTarget.Status.OPEN:
        raise ValidationError(_("Only a target still to approach can be dropped."), code="status")
    before = audit.snapshot(target)
    target.status = ChainTarget.Status.DROPPED
    return save_updated(actor=actor, obj=target, before=before)


# =========================================================================== tasks


@transaction.atomic
def task_create(*, actor: User, node: ChainNode, title: str, owner: str, due_on: dt.date,
                status: str = ChainTask.Status.TODO) -> ChainTask:
    """A task of the 链长制 on a node."""
    require_editable(Chain.objects, actor, node.chain)
    return save_created(actor=actor, obj=ChainTask(node=node, title=title, owner=owner, due_on=due_on,
                                                   status=status))


@transaction.atomic
def task_update(*, actor: User, task: ChainTask, title: str | Unset = UNSET, owner: str | Unset = UNSET,
                due_on: dt.date | Unset = UNSET, status: str | Unset = UNSET) -> ChainTask:
    """Change a task (most often its status)."""
    task = ChainTask.objects.select_for_update().get(pk=task.pk)
    require_editable(Chain.objects, actor, task.node.chain)
    before = audit.snapshot(task)
    assign(task, title=title, owner=owner, due_on=due_on, status=status)
    return save_updated(actor=actor, obj=task, before=before)


@transaction.atomic
def task_delete(*, actor: User, task: ChainTask) -> None:
    """Remove a task."""
    require_editable(Chain.objects, actor, task.node.chain)
    delete_audited(actor=actor, obj=task)


# =========================================================================== the four chains: shared checks


def _check_enterprise(actor: User, enterprise: Enterprise | None, field: str = "enterprise") -> None:
    """An enterprise named in a four-chain record is one the actor may see (else: as if it did not exist)."""
    if enterprise is not None and not Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists():
        raise ValidationError({field: _("Choose an enterprise you can see.")}, code="scope")


def _check_nodes(actor: User, nodes: Iterable[ChainNode], region_id: str) -> list[ChainNode]:
    """Nodes named in a record are of chains the actor may change, in the record's region."""
    nodes = list(nodes)
    allowed = set(ChainNode.objects.editable_by(actor).filter(pk__in=[n.pk for n in nodes])
                  .values_list("pk", flat=True))
    # A node of the record's region or of a district below it (a city's provider may serve a district's chain).
    if any(n.pk not in allowed or not region_contains(region_id, str(n.chain.region_id)) for n in nodes):
        raise ValidationError({"nodes": _("Choose nodes of your region's chains.")}, code="scope")
    return nodes


def _region_for(actor: User, region: Region | None) -> str:
    require_role(actor, EDIT_REGION)
    region_id = region.pk if region is not None else actor.region_id
    if not region_within(region_id, actor):
        raise ValidationError({"region": _("This region is outside your scope.")}, code="scope")
    return str(region_id)


def _require_record(manager: Any, actor: User, obj: Any) -> None:
    require_editable(manager, actor, obj)


# =========================================================================== 创新链: platforms and patents


@transaction.atomic
def platform_create(*, actor: User, name: str, kind: str, level: str, recognised_year: int,
                    enterprise: Enterprise | None = None, holder: str = "", nodes: Iterable[ChainNode] = (),
                    region: Region | None = None) -> InnovationPlatform:
    """Register an innovation platform of the actor's region, held by an enterprise or an institution."""
    region_id = _region_for(actor, region)
    _check_enterprise(actor, enterprise)
    chosen = _check_nodes(actor, nodes, region_id)
    obj = InnovationPlatform(region_id=region_id, name=name, kind=kind, level=level, recognised_year=recognised_year,
                             enterprise=enterprise, holder=holder)
    return save_created(actor=actor, obj=obj, m2m={"nodes": chosen})


@transaction.atomic
def platform_update(*, actor: User, platform: InnovationPlatform, name: str | Unset = UNSET,
                    kind: str | Unset = UNSET, level: str | Unset = UNSET, recognised_year: int | Unset = UNSET,
                    enterprise: Enterprise | None | Unset = UNSET, holder: str | Unset = UNSET,
                    nodes: Iterable[ChainNode] | Unset = UNSET) -> InnovationPlatform:
    """Change a platform (its level after a re-recognition, the nodes it serves …)."""
    platform = InnovationPlatform.objects.select_for_update().get(pk=platform.pk)
    _require_record(InnovationPlatform.objects, actor, platform)
    if enterprise is not UNSET:
        _check_enterprise(actor, enterprise)  # type: ignore[arg-type]
    m2m: dict[str, Iterable[Any]] | None = None if nodes is UNSET else {
        "nodes": _check_nodes(actor, nodes, str(platform.region_id))}  # type: ignore[arg-type]
    before = audit.snapshot(platform)
    assign(platform, name=name, kind=kind, level=level, recognised_year=recognised_year, enterprise=enterprise,
           holder=holder)
    return save_updated(actor=actor, obj=platform, before=before, m2m=m2m)


def _yearly(model: Any, actor: User, enterprise: Enterprise, year: int, values: dict[str, Any]) -> Any:
    """Create or update an enterprise's record of a year (re-entering the same numbers changes nothing)."""
    require_role(actor, EDIT_REGION)
    _check_enterprise(actor, enterprise)
    found = model.objects.select_for_update().filter(enterprise=enterprise, year=year).first()
    if found is None:
        return save_created(actor=actor, obj=model(enterprise=enterprise, year=year, **values))
    require_editable(model.objects, actor, found)
    before = audit.snapshot(found)
    assign(found, **values)
    return save_updated(actor=actor, obj=found, before=before)


@transaction.atomic
def talent_record(*, actor: User, enterprise: Enterprise, year: int, doctors: int = 0, masters: int = 0,
                  senior_titles: int = 0, introduced_national: int = 0, introduced_provincial: int = 0,
                  introduced_city: int = 0, introduced_district: int = 0) -> TalentHeadcount:
    """An enterprise's talent headcounts of a year (counts, no persons), created or replaced."""
    return _yearly(TalentHeadcount, actor, enterprise, year, {
        "doctors": doctors, "masters": masters, "senior_titles": senior_titles,
        "introduced_national": introduced_national, "introduced_provincial": introduced_provincial,
        "introduced_city": introduced_city, "introduced_district": introduced_district})  # type: ignore[no-any-return]


@transaction.atomic
def patents_record(*, actor: User, enterprise: Enterprise, year: int, invention: int = 0, utility: int = 0,
                   design: int = 0) -> PatentYear:
    """An enterprise's patents granted in a year, created or replaced."""
    return _yearly(PatentYear, actor, enterprise, year, {  # type: ignore[no-any-return]
        "invention": invention, "utility": utility, "design": design})


@transaction.atomic
def award_create(*, actor: User, enterprise: Enterprise, year: int, programme: str, level: str,
                 count: int = 1) -> TalentAward:
    """People of an enterprise selected by a talent programme in a year (a count, no names)."""
    require_role(actor, EDIT_REGION)
    _check_enterprise(actor, enterprise)
    return save_created(actor=actor, obj=TalentAward(enterprise=enterprise, year=year, programme=programme,
                                                     level=level, count=count))


@transaction.atomic
def award_update(*, actor: User, award: TalentAward, enterprise: Enterprise | Unset = UNSET, year: int | Unset = UNSET,
                 programme: str | Unset = UNSET, level: str | Unset = UNSET,
                 count: int | Unset = UNSET) -> TalentAward:
    """Correct a talent award (its year, programme, level or count; moved to another enterprise of the scope)."""
    award = TalentAward.objects.select_for_update().get(pk=award.pk)
    _require_record(TalentAward.objects, actor, award)
    if enterprise is not UNSET:
        _check_enterprise(actor, enterprise)  # type: ignore[arg-type]
    before = audit.snapshot(award)
    assign(award, enterprise=enterprise, year=year, programme=programme, level=level, count=count)
    return save_updated(actor=actor, obj=award, before=before)


# =========================================================================== 生态链: providers, funds, financing


@transaction.atomic
def provider_create(*, actor: User, name: str, kind: str, services: str = "", nodes: Iterable[ChainNode] = (),
                    region: Region | None = None) -> EcoProvider:
    """Register a service provider of the region and the nodes it serves."""
    region_id = _region_for(actor, region)
    chosen = _check_nodes(actor, nodes, region_id)
    return save_created(actor=actor, obj=EcoProvider(region_id=region_id, name=name, kind=kind, services=services),
                        m2m={"nodes": chosen})


@transaction.atomic
def provider_update(*, actor: User, provider: EcoProvider, name: str | Unset = UNSET, kind: str | Unset = UNSET,
                    services: str | Unset = UNSET, nodes: Iterable[ChainNode] | Unset = UNSET) -> EcoProvider:
    """Change a provider or the nodes it serves."""
    provider = EcoProvider.objects.select_for_update().get(pk=provider.pk)
    _require_record(EcoProvider.objects, actor, provider)
    m2m: dict[str, Iterable[Any]] | None = None if nodes is UNSET else {
        "nodes": _check_nodes(actor, nodes, str(provider.region_id))}  # type: ignore[arg-type]
    before = audit.snapshot(provider)
    assign(provider, name=name, kind=kind, services=services)
    return save_updated(actor=actor, obj=provider, before=before, m2m=m2m)


@transaction.atomic
def fund_create(*, actor: User, name: str, kind: str, size_wan: Decimal, manager: str = "",
                nodes: Iterable[ChainNode] = (), region: Region | None = None) -> Fund:
    """Register a fund of the region (size in 万元) and the nodes it invests in."""
    region_id = _region_for(actor, region)
    chosen = _check_nodes(actor, nodes, region_id)
    return save_created(actor=actor, obj=Fund(region_id=region_id, name=name, kind=kind, size_wan=size_wan,
                                              manager=manager), m2m={"nodes": chosen})


@transaction.atomic
def fund_update(*, actor: User, fund: Fund, name: str | Unset = UNSET, kind: str | Unset = UNSET,
                size_wan: Decimal | Unset = UNSET, manager: str | Unset = UNSET,
                nodes: Iterable[ChainNode] | Unset = UNSET) -> Fund:
    """Change a fund (its size after a new closing, its manager, the nodes it invests in)."""
    fund = Fund.objects.select_for_update().get(pk=fund.pk)
    _require_record(Fund.objects, actor, fund)
    m2m: dict[str, Iterable[Any]] | None = None if nodes is UNSET else {
        "nodes": _check_nodes(actor, nodes, str(fund.region_id))}  # type: ignore[arg-type]
    before = audit.snapshot(fund)
    assign(fund, name=name, kind=kind, size_wan=size_wan, manager=manager)
    return save_updated(actor=actor, obj=fund, before=before, m2m=m2m)


@transaction.atomic
def financing_create(*, actor: User, enterprise: Enterprise, on: dt.date, round: str, amount_wan: Decimal,
                     investors: str, fund: Fund | None = None) -> FinancingEvent:
    """A financing an enterprise received (amount in 万元); a fund named must be one of the actor's region."""
    require_role(actor, EDIT_REGION)
    _check_enterprise(actor, enterprise)
    if fund is not None and not Fund.objects.visible_to(actor).filter(pk=fund.pk).exists():
        raise ValidationError({"fund": _("Choose a fund of your region.")}, code="scope")
    return save_created(actor=actor, obj=FinancingEvent(enterprise=enterprise, on=on, round=round,
                                                        amount_wan=amount_wan, investors=investors, fund=fund))


@transaction.atomic
def financing_update(*, actor: User, financing: FinancingEvent, enterprise: Enterprise | Unset = UNSET,
                     on: dt.date | Unset = UNSET, round: str | Unset = UNSET, amount_wan: Decimal | Unset = UNSET,
                     investors: str | Unset = UNSET, fund: Fund | None | Unset = UNSET) -> FinancingEvent:
    """Correct a financing event; a fund named must be one of the actor's region."""
    financing = FinancingEvent.objects.select_for_update().get(pk=financing.pk)
    _require_record(FinancingEvent.objects, actor, financing)
    if enterprise is not UNSET:
        _check_enterprise(actor, enterprise)  # type: ignore[arg-type]
    if fund is not UNSET and fund is not None and not Fund.objects.visible_to(actor).filter(pk=fund.pk).exists():
        raise ValidationError({"fund": _("Choose a fund of your region.")}, code="scope")
    before = audit.snapshot(financing)
    assign(financing, enterprise=enterprise, on=on, round=round, amount_wan=amount_wan, investors=investors,
           fund=fund)
    return save_updated(actor=actor, obj=financing, before=before)


@transaction.atomic
def record_delete(*, actor: User, obj: InnovationPlatform | TalentHeadcount | TalentAward | PatentYear
                  | EcoProvider | Fund | FinancingEvent) -> None:
    """Remove a four-chain record the actor may change."""
    require_editable(type(obj).objects, actor, obj)
    delete_audited(actor=actor, obj=obj)
