"""Importers of 科技服务: incubatees, technology contracts and technology needs, row by row through
:mod:`yuanqu.innovation.services`. Registered from :class:`yuanqu.innovation.apps.InnovationConfig`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yuanqu.enterprises.importers import enterprise_ref
from yuanqu.parks.importers import resolve_park
from yuanqu.tabular.clean import CellError
from yuanqu.tabular.importers import ServiceImporter, amount_field
from yuanqu.tabular.registry import PARK_SYNONYMS, Context, FieldSpec, RowResult

from . import services
from .models import Incubatee, Incubator, IPType, TechContract, TechField, TechNeed, Track


def _incubator(ctx: Context, park: Any) -> Incubator:
    found = Incubator.objects.editable_by(ctx.actor).filter(park=park).first()
    if found is None:
        raise CellError(_("%(park)s has no incubation programme.") % {"park": park.name})
    return found


class IncubateeImporter(ServiceImporter):
    """Incubatees by enterprise and incubator: an application, admitted when an entry date is given (a rule
    breach then needs the reason in the row, as on the page)."""

    entity = "incubatees"
    position = 70
    label = gettext_lazy("Incubatees")
    model = Incubatee
    key_fields = ("enterprise", "park")
    fields = (
        enterprise_ref(),
        FieldSpec("park", gettext_lazy("Incubator park"), "ref", required=True, resolve=resolve_park,
                  synonyms=(*PARK_SYNONYMS, "孵化器", "孵化载体")),
        FieldSpec("applied_on", gettext_lazy("Applied on"), "date", required=True, not_future=True,
                  synonyms=("申请日期", "申请入孵日期")),
        FieldSpec("entered_on", gettext_lazy("Entered incubation on"), "date", not_future=True,
                  synonyms=("入孵日期", "入驻日期", "入孵时间")),
        FieldSpec("track", gettext_lazy("Industry track"), "choice", choices=lambda: Track.choices,
                  synonyms=("领域", "产业领域")),
        FieldSpec("area_m2", gettext_lazy("Incubation area used"), "decimal", unit="㎡",
                  synonyms=("使用面积", "孵化面积", "场地面积")),
        FieldSpec("accept_reason", gettext_lazy("Reason for accepting the warnings"),
                  synonyms=("预警接受理由", "接受理由")),
    )

    def find(self, ctx: Context, row: RowResult) -> Any:
        park, ent = row.values.get("park"), row.values.get("enterprise")
        return (Incubatee.objects.editable_by(ctx.actor).filter(incubator__park=park, enterprise=ent)
                .order_by("-applied_on").first())

    def compare_fields(self) -> list[str]:
        return ["track", "area_m2"]

    def create(self, ctx: Context, row: RowResult) -> Any:
        v = row.values
        incubatee = services.incubatee_apply(actor=ctx.actor, incubator=_incubator(ctx, v["park"]),
                                             enterprise=v["enterprise"], applied_on=v["applied_on"],
                                             track=v.get("track") or Track.GENERAL,
                                             area_m2=v.get("area_m2") or Decimal(0))
        if v.get("entered_on"):
            incubatee = services.incubatee_advance(actor=ctx.actor, incubatee=incubatee, status="assessing",
                                                   on=v["applied_on"])
            incubatee = services.incubatee_advance(actor=ctx.actor, incubatee=incubatee, status="incubating",
                                                   on=v["entered_on"], accept_reason=v.get("accept_reason") or "")
        return incubatee

    def update(self, ctx: Context, obj: Any, row: RowResult) -> Any:
        changes = {k: v for k, v in row.changes.items() if k in ("track", "area_m2")}
        return services.incubatee_update(actor=ctx.actor, incubatee=obj, **changes)


class ContractImporter(ServiceImporter):
    """Technology contracts by registration number, as the registry exports them."""

    entity = "tech_contracts"
    position = 71
    label = gettext_lazy("Technology contracts")
    model = TechContract
    key_fields = ("registration_no",)
    fields = (
        FieldSpec("registration_no", gettext_lazy("Registration number"), required=True, max_length=40,
                  synonyms=("登记号", "合同登记号", "登记编号")),
        FieldSpec("title", gettext_lazy("Title"), required=True, max_length=200,
                  synonyms=("合同名称", "项目名称", "名称")),
        FieldSpec("kind", gettext_lazy("Kind"), "choice", required=True, choices=lambda: TechContract.Kind.choices,
                  synonyms=("合同类别", "合同类型", "类别"),
                  aliases={"开发": "development", "转让": "transfer", "许可": "license", "咨询": "consulting",
                           "服务": "service"}),
        FieldSpec("field", gettext_lazy("Technology field"), "choice", required=True,
                  choices=lambda: TechField.choices, synonyms=("技术领域", "领域")),
        FieldSpec("ip_type", gettext_lazy("IP type"), "choice", choices=lambda: IPType.choices,
                  synonyms=("知识产权类型", "知识产权")),
        FieldSpec("signed_on", gettext_lazy("Signed on"), "date", required=True, not_future=True,
                  synonyms=("签订日期", "签约日期")),
        FieldSpec("registered_on", gettext_lazy("Registered on"), "date", required=True, not_future=True,
                  synonyms=("登记日期", "认定登记日期")),
        FieldSpec("seller_name", gettext_lazy("Seller"), required=True, max_length=150,
                  synonyms=("卖方", "卖方名称", "技术卖方")),
        FieldSpec("seller_in_district", gettext_lazy("Seller in the district"), "bool",
                  synonyms=("卖方是否本区", "输出")),
        FieldSpec("buyer_name", gettext_lazy("Buyer"), required=True, max_length=150,
                  synonyms=("买方", "买方名称", "技术买方")),
        FieldSpec("buyer_in_district", gettext_lazy("Buyer in the district"), "bool",
                  synonyms=("买方是否本区", "吸纳")),
        amount_field("total_wan", gettext_lazy("Contract total"), ("合同交易总额", "合同金额", "成交额"),
                     required=True),
        amount_field("tech_wan", gettext_lazy("Technology transaction amount"), ("技术交易额",), required=True),
        FieldSpec("park", gettext_lazy("Park"), "ref", resolve=resolve_park, synonyms=PARK_SYNONYMS),
    )

    def find(self, ctx: Context, row: RowResult) -> Any:
        return TechContract.objects.editable_by(ctx.actor).filter(
            registration_no=row.values.get("registration_no")).first()

    def compare_fields(self) -> list[str]:
        return [f.name for f in self.fields if f.name not in ("registration_no", "park")]

    def create(self, ctx: Context, row: RowResult) -> Any:
        return services.contract_create(actor=ctx.actor, **row.values)

    def update(self, ctx: Context, obj: Any, row: RowResult) -> Any:
        return services.contract_update(actor=ctx.actor, contract=obj, **row.changes)


class NeedImporter(ServiceImporter):
    """Technology needs by enterprise and title; imported as drafts to publish from the page."""

    entity = "tech_needs"
    position = 72
    label = gettext_lazy("Technology needs")
    model = TechNeed
    key_fields = ("enterprise", "title")
    fields = (
        enterprise_ref(),
        FieldSpec("title", gettext_lazy("Title"), required=True, max_length=200,
                  synonyms=("需求名称", "技术需求", "名称")),
        FieldSpec("field", gettext_lazy("Technology field"), "choice", required=True,
                  choices=lambda: TechField.choices, synonyms=("技术领域", "领域")),
        amount_field("budget_wan", gettext_lazy("Budget"), ("预算", "拟投入资金", "预算金额")),
        FieldSpec("deadline", gettext_lazy("Deadline"), "date", synonyms=("截止日期", "期限")),
        FieldSpec("description", gettext_lazy("Description"), synonyms=("需求描述", "描述", "说明")),
    )

    def find(self, ctx: Context, row: RowResult) -> Any:
        return TechNeed.objects.editable_by(ctx.actor).filter(enterprise=row.values.get("enterprise"),
                                                              title=row.values.get("title")).first()

    def compare_fields(self) -> list[str]:
        return []

    def create(self, ctx: Context, row: RowResult) -> Any:
        return services.need_create(actor=ctx.actor, **row.values)

    def update(self, ctx: Context, obj: Any, row: RowResult) -> Any:
        return obj
