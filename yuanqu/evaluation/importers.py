"""The importer of 亩均评价 input records (企业填报 collected in a spreadsheet): one row per enterprise and year,
written through :func:`yuanqu.evaluation.services.input_save`. Registered from
:class:`yuanqu.evaluation.apps.EvaluationConfig`; district staff import (the records of their region's enterprises)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

from yuanqu.core.roles import Role
from yuanqu.enterprises.importers import enterprise_ref
from yuanqu.tabular.importers import ServiceImporter
from yuanqu.tabular.registry import Context, FieldSpec, RowResult

from . import services
from .models import EvaluationInput

FIELDS = ("value_added_wan", "emission_t", "other_energy_tce", "owns_land", "land_parcel_mu", "production_year",
          "utility", "relocated", "safety_incident", "environment_violation")


class InputImporter(ServiceImporter):
    """Input records by enterprise (USCC) and year; re-importing the same file changes nothing, an edited one
    updates the records in place (and sends them back for review)."""

    entity = "evaluation_inputs"
    position = 90
    label = gettext_lazy("Per-mu evaluation inputs")
    model = EvaluationInput
    key_fields = ("enterprise", "year")
    roles = (Role.REGION_STAFF,)
    fields = (
        enterprise_ref(),
        FieldSpec("year", gettext_lazy("Evaluation year"), "int", required=True, synonyms=("评价年度", "年度", "年份")),
        FieldSpec("value_added_wan", gettext_lazy("Value added"), "decimal", unit="万元",
                  synonyms=("增加值", "工业增加值")),
        FieldSpec("emission_t", gettext_lazy("Main pollutant emissions (t)"), "decimal", decimal_places=3,
                  synonyms=("排放量", "主要污染物排放量", "主要污染物排放量(吨)")),
        FieldSpec("other_energy_tce", gettext_lazy("Other energy (t of standard coal)"), "decimal", decimal_places=3,
                  synonyms=("其他能源消费", "其他能耗", "其他能耗(吨标准煤)")),
        FieldSpec("owns_land", gettext_lazy("Has its own land"), "bool", synonyms=("自有土地", "是否自有土地")),
        FieldSpec("land_parcel_mu", gettext_lazy("Own land parcel (mu)"), "decimal",
                  synonyms=("自有土地面积", "用地面积", "用地面积(亩)", "土地面积(亩)")),
        FieldSpec("production_year", gettext_lazy("Year production started"), "int", synonyms=("投产年份",)),
        FieldSpec("utility", gettext_lazy("Public utility"), "bool", synonyms=("公用事业单位", "公用事业")),
        FieldSpec("relocated", gettext_lazy("Relocated by policy"), "bool", synonyms=("政策性搬迁",)),
        FieldSpec("safety_incident", gettext_lazy("Major safety incident"), "bool", synonyms=("安全生产事故",)),
        FieldSpec("environment_violation", gettext_lazy("Environmental penalty"), "bool",
                  synonyms=("环保处罚", "环保行政处罚")),
    )

    def find(self, ctx: Context, row: RowResult) -> Any:
        year = row.values.get("year")
        if year is None:
            return None
        return EvaluationInput.objects.editable_by(ctx.actor).filter(enterprise=row.values.get("enterprise"),
                                                                     year=int(year)).first()

    def _values(self, row: RowResult, names: Any) -> dict[str, Any]:
        out = {k: row.values[k] for k in names if k in FIELDS and k in row.values}
        for flag in ("owns_land", "utility", "relocated", "safety_incident", "environment_violation"):
            if flag in out and out[flag] is None:
                out[flag] = False
        return out

    def create(self, ctx: Context, row: RowResult) -> Any:
        return services.input_save(actor=ctx.actor, enterprise=row.values["enterprise"], year=row.values["year"],
                                   **self._values(row, row.values))

    def update(self, ctx: Context, obj: Any, row: RowResult) -> Any:
        return services.input_save(actor=ctx.actor, enterprise=obj.enterprise, year=obj.year,
                                   **self._values(row, row.changes))

    def example(self) -> list[Any]:
        return ["91370213MA3C5X1234", 2025, 1200, 0.8, 35, "是", 12.5, 2018, "否", "否", "否", "否"]
