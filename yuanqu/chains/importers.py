"""Importers of 产业链 and the four chains: talent headcounts (by enterprise and year), innovation platforms (by name
and kind), enterprise–node links and 招商 targets (by chain, node and name), row by row through
:mod:`yuanqu.chains.services`. District staff import them. Registered from :class:`yuanqu.chains.apps.ChainsConfig`."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yuanqu.core.roles import Role
from yuanqu.enterprises.importers import enterprise_ref, resolve_enterprise
from yuanqu.tabular.importers import ServiceImporter
from yuanqu.tabular.registry import USCC_SYNONYMS, Context, FieldSpec, RowResult

from . import services
from .models import ChainLink, ChainNode, ChainTarget, InnovationPlatform, Level, TalentHeadcount

STAFF_ONLY = (Role.REGION_STAFF,)
CHAIN_SYNONYMS = ("产业链", "所属产业链", "链条")
NODE_SYNONYMS = ("环节", "产业链环节", "所属环节")
LEVEL_ALIASES = {"国家级": "national", "省级": "provincial", "市级": "city", "区级": "district"}


def _node(ctx: Context, row: RowResult) -> ChainNode:
    """The node named by the row's chain and node columns, among the nodes the importing user may change."""
    chain, name = row.values.get("chain"), row.values.get("node")
    found = list(ChainNode.objects.editable_by(ctx.actor).filter(chain__name=chain, name=name)[:2])
    if len(found) != 1:
        raise ValidationError(_("No node “%(node)s” on a chain “%(chain)s” of your region.") % {"node": name,
                                                                                          "chain": chain})
    return found[0]


def _count(name: str, label: Any, synonyms: tuple[str, ...]) -> FieldSpec:
    return FieldSpec(name, label, "int", synonyms=synonyms)


class TalentImporter(ServiceImporter):
    """Talent headcounts by enterprise and year (counts only); re-importing an edited file updates in place."""

    entity = "chain_talent"
    position = 95
    label = gettext_lazy("Talent headcounts")
    model = TalentHeadcount
    roles = STAFF_ONLY
    key_fields = ("enterprise", "year")
    fields = (
        enterprise_ref(),
        FieldSpec("year", gettext_lazy("year"), "int", required=True, synonyms=("年度", "年份")),
        _count("doctors", gettext_lazy("doctors"), ("博士", "博士人数")),
        _count("masters", gettext_lazy("masters"), ("硕士", "硕士人数")),
        _count("senior_titles", gettext_lazy("senior professional titles"), ("高级职称", "高级职称人数")),
        _count("introduced_national", gettext_lazy("introduced talent, national programmes"),
               ("国家级引进人才", "国家级人才")),
        _count("introduced_provincial", gettext_lazy("introduced talent, provincial programmes"),
               ("省级引进人才", "省级人才")),
        _count("introduced_city", gettext_lazy("introduced talent, city programmes"), ("市级引进人才", "市级人才")),
        _count("introduced_district", gettext_lazy("introduced talent, district programmes"),
               ("区级引进人才", "区级人才")),
    )
    COUNTS = ("doctors", "masters", "senior_titles", "introduced_national", "introduced_provincial",
              "introduced_city", "introduced_district")

    def find(self, ctx: Context, row: RowResult) -> Any:
        return TalentHeadcount.objects.editable_by(ctx.actor).filter(
            enterprise=row.values.get("enterprise"), year=row.values.get("year")).first()

    def compare_fields(self) -> list[str]:
        return list(self.COUNTS)

    def _write(self, ctx: Context, row: RowResult, base: Any = None) -> Any:
        v = row.values
        counts: dict[str, int] = {k: int(v[k] if v.get(k) is not None else getattr(base, k, 0))
                                  for k in self.COUNTS}
        return services.talent_record(actor=ctx.actor, enterprise=v["enterprise"], year=v["year"], **counts)

    def create(self, ctx: Context, row: RowResult) -> Any:
        return self._write(ctx, row)

    def update(self, ctx: Context, obj: Any, row: RowResult) -> Any:
        return self._write(ctx, row, obj)


class PlatformImporter(ServiceImporter):
    """Innovation platforms by name and kind, held by an enterprise (USCC) or an institution (named)."""

    entity = "chain_platforms"
    position = 96
    label = gettext_lazy("Innovation platforms")
    model = InnovationPlatform
    roles = STAFF_ONLY
    key_fields = ("name", "kind")
    fields = (
        FieldSpec("name", gettext_lazy("platform name"), required=True, max_length=150, synonyms=("平台名称", "名称")),
        FieldSpec("kind", gettext_lazy("platform kind"), "choice", required=True,
                  choices=lambda: InnovationPlatform.Kind.choices, synonyms=("平台类型", "类型", "类别")),
        FieldSpec("level", gettext_lazy("level"), "choice", required=True, choices=lambda: Level.choices,
                  synonyms=("级别", "认定级别"), aliases=LEVEL_ALIASES),
        FieldSpec("recognised_year", gettext_lazy("year recognised"), "int", required=True,
                  synonyms=("认定年份", "认定年度", "获批年份")),
        FieldSpec("enterprise", gettext_lazy("Unified social credit code"), "ref", resolve=resolve_enterprise,
                  synonyms=USCC_SYNONYMS),
        FieldSpec("holder", gettext_lazy("held by (institution)"), max_length=150, synonyms=("依托单位", "承载机构")),
    )

    def find(self, ctx: Context, row: RowResult) -> Any:
        return InnovationPlatform.objects.editable_by(ctx.actor).filter(
            name=row.values.get("name"), kind=row.values.get("kind")).first()

    def compare_fields(self) -> list[str]:
        return ["level", "recognised_year", "holder"]

    def create(self, ctx: Context, row: RowResult) -> Any:
        v = row.values
        return services.platform_create(actor=ctx.actor, name=v["name"], kind=v["kind"], level=v["level"],
                                        recognised_year=v["recognised_year"], enterprise=v.get("enterprise"),
                                        holder=v.get("holder") or "")

    def update(self, ctx: Context, obj: Any, row: RowResult) -> Any:
        changes = {k: v for k, v in row.changes.items() if k in ("level", "recognised_year", "holder")}
        return services.platform_update(actor=ctx.actor, platform=obj, **changes)


class LinkImporter(ServiceImporter):
    """Enterprises placed on chain nodes by hand (confirmed), by USCC, chain and node."""

    entity = "chain_links"
    position = 97
    label = gettext_lazy("Chain links")
    model = ChainLink
    roles = STAFF_ONLY
    key_fields = ("enterprise", "chain", "node")
    fields = (
        enterprise_ref(),
        FieldSpec("chain", gettext_lazy("chain name"), required=True, max_length=100, synonyms=CHAIN_SYNONYMS),
        FieldSpec("node", gettext_lazy("node name"), required=True, max_length=100, synonyms=NODE_SYNONYMS),
    )

    def find(self, ctx: Context, row: RowResult) -> Any:
        return ChainLink.objects.editable_by(ctx.actor).filter(
            enterprise=row.values.get("enterprise"), node__chain__name=row.values.get("chain"),
            node__name=row.values.get("node"), status=ChainLink.Status.CONFIRMED).first()

    def compare_fields(self) -> list[str]:
        return []

    def create(self, ctx: Context, row: RowResult) -> Any:
        return services.link_create(actor=ctx.actor, node=_node(ctx, row), enterprise=row.values["enterprise"])

    def update(self, ctx: Context, obj: Any, row: RowResult) -> Any:
        return obj


class TargetImporter(ServiceImporter):
    """招商 targets of chain nodes, by chain, node and company name."""

    entity = "chain_targets"
    position = 98
    label = gettext_lazy("Chain targets")
    model = ChainTarget
    roles = STAFF_ONLY
    key_fields = ("chain", "node", "name")
    fields = (
        FieldSpec("chain", gettext_lazy("chain name"), required=True, max_length=100, synonyms=CHAIN_SYNONYMS),
        FieldSpec("node", gettext_lazy("node name"), required=True, max_length=100, synonyms=NODE_SYNONYMS),
        FieldSpec("name", gettext_lazy("company name"), required=True, max_length=150,
                  synonyms=("目标企业", "企业名称", "公司名称")),
        FieldSpec("location", gettext_lazy("located in"), max_length=100, synonyms=("所在地", "所在地区")),
        FieldSpec("reason", gettext_lazy("why this company"), max_length=300, synonyms=("招引理由", "理由")),
        FieldSpec("source", gettext_lazy("source of the tip"), max_length=100, synonyms=("信息来源", "来源")),
    )

    def find(self, ctx: Context, row: RowResult) -> Any:
        return ChainTarget.objects.editable_by(ctx.actor).filter(
            node__chain__name=row.values.get("chain"), node__name=row.values.get("node"),
            name=row.values.get("name")).first()

    def compare_fields(self) -> list[str]:
        return []

    def create(self, ctx: Context, row: RowResult) -> Any:
        v = row.values
        return services.target_create(actor=ctx.actor, node=_node(ctx, row), name=v["name"],
                                      location=v.get("location") or "", reason=v.get("reason") or "",
                                      source=v.get("source") or "")

    def update(self, ctx: Context, obj: Any, row: RowResult) -> Any:
        return obj
