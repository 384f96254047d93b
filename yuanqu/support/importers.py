"""The importer of the service catalogue (服务事项): rows by park and name, through
:mod:`yuanqu.support.services`. Registered from :class:`yuanqu.support.apps.SupportConfig`."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yuanqu.parks.importers import resolve_park
from yuanqu.tabular.clean import CellError, match_key
from yuanqu.tabular.importers import ServiceImporter as RowByRowImporter
from yuanqu.tabular.registry import PARK_SYNONYMS, Context, FieldSpec, RowResult

from . import services
from .models import Category, ResponseRule, Service


def resolve_rule(ctx: Context, text: str) -> ResponseRule:
    """A priority by its name (紧急, 一般 …) or code."""
    key = match_key(text)
    for rule in ResponseRule.objects.all():
        if key in (match_key(rule.name), match_key(rule.code)):
            return rule
    raise CellError(_("%(value)s is not a priority; use one of %(names)s.") % {
        "value": text, "names": "、".join(ResponseRule.objects.values_list("name", flat=True))})


class ServiceImporter(RowByRowImporter):
    """Services by park and name: a row without a park is a district service (district staff only)."""

    entity = "support_services"
    position = 70
    label = gettext_lazy("Service catalogue")
    model = Service
    key_fields = ("park", "name")
    fields = (
        FieldSpec("name", gettext_lazy("Service"), required=True, max_length=100,
                  synonyms=("服务事项", "服务名称", "事项名称", "服务")),
        FieldSpec("category", gettext_lazy("Category"), "choice", required=True, choices=lambda: Category.choices,
                  synonyms=("服务类别", "类别", "分类")),
        FieldSpec("park", gettext_lazy("Park"), "ref", resolve=resolve_park, synonyms=PARK_SYNONYMS),
        FieldSpec("default_rule", gettext_lazy("Default priority"), "ref", required=True, resolve=resolve_rule,
                  synonyms=("优先级", "紧急程度", "办理时限类别", "时限类别")),
        FieldSpec("description", gettext_lazy("Description"), synonyms=("服务内容", "说明", "描述")),
    )

    def find(self, ctx: Context, row: RowResult) -> Any:
        park = row.values.get("park")
        return Service.objects.editable_by(ctx.actor).filter(park=park, name=row.values.get("name")).first()

    def create(self, ctx: Context, row: RowResult) -> Any:
        return services.service_create(actor=ctx.actor, **row.values)

    def update(self, ctx: Context, obj: Any, row: RowResult) -> Any:
        changes = {k: v for k, v in row.changes.items() if k not in ("park",)}
        return services.service_update(actor=ctx.actor, service=obj, **changes)
