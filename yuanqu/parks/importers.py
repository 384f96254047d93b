"""The importers of parks and units (rows go one by one through :mod:`yuanqu.parks.services`), and the
park lookup every importer with a park column uses. Registered from :class:`yuanqu.parks.apps.ParksConfig`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yuanqu.core.models import IndustryCode, Region
from yuanqu.tabular.clean import CellError, match_key
from yuanqu.tabular.importers import (
    ServiceImporter,
    amount_field,
    industry_label,
    resolve_industry,
    split_industries,
)
from yuanqu.tabular.registry import Context, FieldSpec, RowResult

from . import services as park_services
from .models import Building, Park, Unit


def _editable_parks(ctx: Context) -> dict[str, Park]:
    if "parks" not in ctx.cache:
        ctx.cache["parks"] = {match_key(p.name): p for p in Park.objects.editable_by(ctx.actor)}
    return ctx.cache["parks"]  # type: ignore[no-any-return]


def resolve_park(ctx: Context, text: str) -> Park:
    """The park named ``text`` among those the importing user manages (a cell error otherwise)."""
    park = _editable_parks(ctx).get(match_key(text))
    if park is None:
        raise CellError(_("%(value)s is not a park you manage.") % {"value": text})
    return park


class ParkImporter(ServiceImporter):
    """Parks by name within the region: district staff create; operators update their own."""

    entity = "parks"
    position = 30
    label = gettext_lazy("Parks")
    model = Park
    key_fields = ("name",)
    fields = (
        FieldSpec(
            "name",
            gettext_lazy("Name"),
            required=True,
            max_length=100,
            synonyms=("园区名称", "园区", "名称", "载体名称"),
        ),
        FieldSpec(
            "kind",
            gettext_lazy("Kind"),
            "choice",
            choices=lambda: Park.Kind.choices,
            synonyms=("类型", "园区类型", "载体类型", "开发区类型"),
            aliases={
                "产业园": "industrial",
                "开发区": "dev_zone",
                "孵化器": "incubator",
                "众创空间": "makerspace",
                "商务楼宇": "office_tower",
                "楼宇": "office_tower",
                "科技园": "science_park",
                # the types of 中国开发区审核公告目录: every one a development zone
                "经济技术开发区": "dev_zone",
                "国家级经济技术开发区": "dev_zone",
                "高新技术产业开发区": "dev_zone",
                "国家高新技术产业开发区": "dev_zone",
                "海关特殊监管区域": "dev_zone",
                "边境/跨境经济合作区": "dev_zone",
                "其他类型开发区": "dev_zone",
                "省级开发区": "dev_zone",
            },
        ),
        FieldSpec(
            "status",
            gettext_lazy("Status"),
            "choice",
            choices=lambda: Park.Status.choices,
            synonyms=("状态", "建设状态", "运营状态"),
            aliases={
                "规划": "planned",
                "在建": "building",
                "建设中": "building",
                "运营": "operating",
                "已运营": "operating",
            },
        ),
        FieldSpec(
            "key_level",
            gettext_lazy("Key-project level"),
            "choice",
            choices=lambda: Park.Level.choices,
            synonyms=("重点项目级别", "重点级别", "级别"),
        ),
        FieldSpec(
            "operator_name", gettext_lazy("Operator"), max_length=100, synonyms=("运营方", "运营单位", "运营主体")
        ),
        FieldSpec("address", gettext_lazy("Address"), max_length=200, synonyms=("地址", "园区地址", "位置", "所在地")),
        amount_field("land_area_mu", gettext_lazy("Land area"),
                     ("占地面积", "用地面积", "占地", "核准面积", "规划面积", "批准面积", "批复面积", "四至范围面积"),
                     unit="亩"),
        amount_field("floor_area_m2", gettext_lazy("Floor area"), ("建筑面积", "总建筑面积", "面积"), unit="㎡"),
        amount_field("total_investment_wan", gettext_lazy("Total investment"), ("总投资", "投资额", "计划总投资")),
        FieldSpec("opened_on", gettext_lazy("Opening date"), "date", synonyms=("开园日期", "开园时间", "投用日期")),
        FieldSpec(
            "industries",
            gettext_lazy("Focus industries"),
            "list",
            resolve=resolve_industry,
            split=split_industries,
            show=industry_label,
            synonyms=("主导产业", "重点产业", "主要产业", "产业方向", "产业定位", "支柱产业", "特色产业", "主导行业"),
            help=gettext_lazy("GB/T 4754-2017 codes or names, separated by 、"),
        ),
    )
    ignored_headers = ("Region", "Enterprises signed", "Enterprises moved in")

    def find(self, ctx: Context, row: RowResult) -> Any:
        return Park.objects.visible_to(ctx.actor).filter(name=row.values.get("name")).first()

    def stored(self, obj: Any, name: str) -> Any:
        if name == "industries":
            return sorted(obj.industries.values_list("code", flat=True))
        return super().stored(obj, name)

    def _values(self, values: dict[str, Any]) -> dict[str, Any]:
        v = dict(values)
        if "industries" in v:
            v["industries"] = list(IndustryCode.objects.filter(code__in=v["industries"]))
        return v

    def create(self, ctx: Context, row: RowResult) -> Any:
        v = self._values(row.values)
        v.setdefault("kind", Park.Kind.INDUSTRIAL)
        return park_services.park_create(actor=ctx.actor, region=Region.objects.get(pk=ctx.actor.region_id), **v)

    def update(self, ctx: Context, obj: Any, row: RowResult) -> Any:
        return park_services.park_update(actor=ctx.actor, park=obj, **self._values(row.changes))


class UnitImporter(ServiceImporter):
    """Units by (park, building, number); the building must exist."""

    entity = "units"
    position = 40
    label = gettext_lazy("Units")
    model = Unit
    key_fields = ("park", "building", "number")
    fields = (
        FieldSpec(
            "park", gettext_lazy("Park"), "ref", required=True, resolve=resolve_park, synonyms=("园区", "园区名称")
        ),
        FieldSpec(
            "building",
            gettext_lazy("Building"),
            required=True,
            max_length=60,
            synonyms=("楼宇", "楼栋", "楼号", "建筑"),
        ),
        FieldSpec(
            "number",
            gettext_lazy("Unit number"),
            required=True,
            max_length=20,
            synonyms=("房号", "房间号", "单元号", "房源编号", "单元"),
        ),
        FieldSpec(
            "floor",
            gettext_lazy("Floor"),
            "int",
            required=True,
            min_value=Decimal(-10),
            synonyms=("楼层", "所在楼层", "层"),
        ),
        amount_field(
            "area_m2", gettext_lazy("Area"), ("面积", "建筑面积", "房源面积", "使用面积"), unit="㎡", required=True
        ),
        FieldSpec(
            "status",
            gettext_lazy("Status"),
            "choice",
            choices=lambda: Unit.Status.choices,
            synonyms=("状态", "房源状态", "租售状态"),
            aliases={
                "空置": "vacant",
                "空闲": "vacant",
                "预留": "reserved",
                "已租": "leased",
                "出租": "leased",
                "已售": "sold",
                "不可租": "unavailable",
            },
        ),
    )

    def find(self, ctx: Context, row: RowResult) -> Any:
        v = row.values
        building = Building.objects.editable_by(ctx.actor).filter(park=v.get("park"), name=v.get("building")).first()
        if building is None:
            row.error(_("Building %(name)s does not exist in this park; add it first.") % {"name": v.get("building")})
            return None
        row.extra["building"] = building
        return Unit.objects.filter(building=building, number=v.get("number")).first()

    def compare_fields(self) -> list[str]:
        return ["floor", "area_m2", "status"]

    def create(self, ctx: Context, row: RowResult) -> Any:
        v = {k: row.values[k] for k in ("number", "floor", "area_m2", "status") if k in row.values}
        return park_services.unit_create(actor=ctx.actor, building=row.extra["building"], **v)

    def update(self, ctx: Context, obj: Any, row: RowResult) -> Any:
        return park_services.unit_update(actor=ctx.actor, unit=obj, **row.changes)
