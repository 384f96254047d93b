"""The importers of leads and projects (rows go one by one through :mod:`yuanqu.investment.services`).
Registered from :class:`yuanqu.investment.apps.InvestmentConfig`.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

from yuanqu.parks.importers import resolve_park
from yuanqu.tabular.importers import ServiceImporter, amount_field, resolve_industry
from yuanqu.tabular.registry import PARK_SYNONYMS, USCC_SYNONYMS, Context, FieldSpec, RowResult

from . import services as inv_services
from .models import Lead, Project


class LeadImporter(ServiceImporter):
    """Leads by company name (normalised as the duplicate check does); new ones are owned by the importer."""

    entity = "leads"
    position = 50
    label = gettext_lazy("Leads")
    model = Lead
    key_fields = ("name",)
    fields = (
        FieldSpec(
            "name",
            gettext_lazy("Company"),
            required=True,
            max_length=150,
            synonyms=("企业名称", "公司名称", "单位名称", "线索名称", "客户名称", "名称", "企业"),
        ),
        FieldSpec(
            "uscc", gettext_lazy("Unified social credit code"), "uscc", synonyms=USCC_SYNONYMS
        ),
        FieldSpec(
            "source",
            gettext_lazy("Source"),
            "choice",
            choices=lambda: Lead.Source.choices,
            synonyms=("来源", "线索来源", "信息来源"),
        ),
        FieldSpec(
            "target_park",
            gettext_lazy("Target park"),
            "ref",
            resolve=resolve_park,
            synonyms=("意向园区", "目标园区", "园区", "拟落户园区"),
        ),
        FieldSpec(
            "industry",
            gettext_lazy("Industry"),
            "ref",
            resolve=resolve_industry,
            synonyms=("行业", "所属行业", "行业代码"),
        ),
        amount_field(
            "intended_investment_wan",
            gettext_lazy("Intended investment"),
            ("意向投资额", "投资额", "拟投资额", "投资规模"),
        ),
        FieldSpec(
            "expected_jobs",
            gettext_lazy("Expected jobs"),
            "int",
            unit="人",
            synonyms=("预计用工", "预计就业", "就业人数", "用工人数"),
        ),
        FieldSpec("note", gettext_lazy("Note"), synonyms=("备注", "说明", "情况说明")),
    )
    ignored_headers = ("Status", "Owner", "Last follow-up", "Next step due", "Reason lost")

    def find(self, ctx: Context, row: RowResult) -> Any:
        key = inv_services.normalize_name(row.values.get("name", ""))
        return Lead.objects.visible_to(ctx.actor).filter(name_key=key).first()

    def create(self, ctx: Context, row: RowResult) -> Any:
        v = dict(row.values)
        return inv_services.lead_create(actor=ctx.actor, **v)

    def update(self, ctx: Context, obj: Any, row: RowResult) -> Any:
        return inv_services.lead_update(actor=ctx.actor, lead=obj, **row.changes)


class ProjectImporter(ServiceImporter):
    """Projects by name; new ones are registered (在谈), existing ones updated."""

    entity = "projects"
    position = 60
    label = gettext_lazy("Projects")
    model = Project
    key_fields = ("name",)
    fields = (
        FieldSpec(
            "name", gettext_lazy("Project"), required=True, max_length=150, synonyms=("项目名称", "项目", "名称")
        ),
        FieldSpec(
            "park",
            gettext_lazy("Park"),
            "ref",
            resolve=resolve_park,
            synonyms=PARK_SYNONYMS,
        ),
        FieldSpec(
            "level",
            gettext_lazy("Level"),
            "choice",
            choices=lambda: Project.Level.choices,
            synonyms=("项目级别", "级别", "重点项目级别"),
            aliases={"省重点": "province", "市重点": "city", "区重点": "district", "省重大项目": "province",
                     "省重点项目": "province", "省重大": "province", "市重点项目": "city", "市级重点": "city",
                     "区重点项目": "district"},
        ),
        FieldSpec("industry", gettext_lazy("Industry"), "ref", resolve=resolve_industry, synonyms=("行业", "所属行业")),
        amount_field(
            "total_investment_wan", gettext_lazy("Total investment"), ("总投资", "计划总投资", "投资额", "总投资额")
        ),
        amount_field("fixed_asset_investment_wan", gettext_lazy("Fixed-asset investment"), ("固定资产投资", "固投")),
        FieldSpec("note", gettext_lazy("Note"), synonyms=("备注", "建设内容")),
    )
    ignored_headers = ("Stage", "Overdue stages")

    def find(self, ctx: Context, row: RowResult) -> Any:
        return Project.objects.visible_to(ctx.actor).filter(name=row.values.get("name")).first()

    def create(self, ctx: Context, row: RowResult) -> Any:
        return inv_services.project_create(actor=ctx.actor, **row.values)

    def update(self, ctx: Context, obj: Any, row: RowResult) -> Any:
        return inv_services.project_update(actor=ctx.actor, project=obj, **row.changes)
