"""The clause importer: a table of clauses (one row per clause, keyed by policy and clause number), written through
:mod:`yuanqu.policies.services`, so a malformed rule is refused on its row with the position named.
Registered from :class:`yuanqu.policies.apps.PoliciesConfig`."""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yuanqu.core.roles import Role
from yuanqu.tabular.clean import CellError, match_key
from yuanqu.tabular.importers import ServiceImporter
from yuanqu.tabular.registry import Context, FieldSpec, RowResult

from . import services
from .models import Clause, Policy


def resolve_policy(ctx: Context, text: str) -> Policy:
    """The policy titled ``text`` (or with this 文号) among those the importing user may change."""
    if "policies" not in ctx.cache:
        found: dict[str, Policy] = {}
        for p in Policy.objects.editable_by(ctx.actor):
            found[match_key(p.title)] = p
            if p.doc_number:
                found[match_key(p.doc_number)] = p
        ctx.cache["policies"] = found
    policy = ctx.cache["policies"].get(match_key(text))
    if policy is None:
        raise CellError(_("%(value)s is not a policy you manage.") % {"value": text})
    return policy


JSON_FIELDS = ("rule", "amount_rule")


class ClauseImporter(ServiceImporter):
    """Clauses by (policy, clause number): new ones are drafts; published ones change into a new version."""

    entity = "policy_clauses"
    position = 90
    label = gettext_lazy("Policy clauses")
    model = Clause
    roles = (Role.REGION_STAFF,)
    key_fields = ("policy", "number")
    fields = (
        FieldSpec("policy", gettext_lazy("Policy"), "ref", required=True, resolve=resolve_policy,
                  synonyms=("政策", "政策名称", "所属政策", "文件名称", "文号")),
        FieldSpec("number", gettext_lazy("Clause number"), required=True, max_length=20,
                  synonyms=("条款号", "条款", "条目", "序号")),
        FieldSpec("title", gettext_lazy("Title"), required=True, max_length=200,
                  synonyms=("条款名称", "名称", "事项名称", "标题")),
        FieldSpec("benefit", gettext_lazy("Benefit type"), "choice", choices=lambda: Clause.Benefit.choices,
                  synonyms=("兑现方式", "支持方式", "扶持类型")),
        FieldSpec("stats_year", gettext_lazy("Statistics year"), "int", required=True,
                  synonyms=("统计年度", "数据年度", "年度")),
        FieldSpec("rule", gettext_lazy("Eligibility rule (JsonLogic)"), required=True,
                  synonyms=("资格规则", "规则", "JsonLogic")),
        FieldSpec("amount_rule", gettext_lazy("Amount rule"), synonyms=("金额规则", "计算规则")),
        FieldSpec("cap_yuan", gettext_lazy("Cap"), "decimal", unit="元", synonyms=("上限", "最高金额", "封顶")),
        FieldSpec("beneficiaries", gettext_lazy("Beneficiaries"), required=True, max_length=300,
                  synonyms=("惠及对象", "支持对象", "适用对象")),
        FieldSpec("conditions_text", gettext_lazy("Conditions"), required=True, synonyms=("申报条件", "条件")),
        FieldSpec("payout_days", gettext_lazy("Payout within (days)"), "int", synonyms=("兑现时限", "时限")),
        FieldSpec("office", gettext_lazy("Accepting office and address"), required=True, max_length=200,
                  synonyms=("受理部门", "受理地址", "受理单位")),
        FieldSpec("phone", gettext_lazy("Enquiry phone"), required=True, max_length=40,
                  synonyms=("咨询电话", "联系电话", "电话")),
        FieldSpec("no_application", gettext_lazy("Granted without application (免申即享)"), "bool",
                  synonyms=("免申即享", "免申")),
        FieldSpec("evidence", gettext_lazy("Required evidence"), synonyms=("申报材料", "所需材料", "佐证材料")),
    )

    def check(self, ctx: Context, row: RowResult) -> None:
        for name in JSON_FIELDS:
            text = row.values.get(name)
            if isinstance(text, str):
                if not text.strip():
                    row.values[name] = {}
                    continue
                try:
                    row.values[name] = json.loads(text)
                except json.JSONDecodeError as exc:
                    row.errors.append(f"{self._label(name)}: " + _("Not valid JSON at line %(line)s, column "
                                                                   "%(col)s: %(msg)s") % {
                        "line": exc.lineno, "col": exc.colno, "msg": exc.msg})
                    return
        super().check(ctx, row)

    def find(self, ctx: Context, row: RowResult) -> Any:
        return Clause.objects.editable_by(ctx.actor).filter(policy=row.values.get("policy"),
                                                            number=row.values.get("number")).first()

    def create(self, ctx: Context, row: RowResult) -> Any:
        values = {k: v for k, v in row.values.items() if v is not None}
        return services.clause_create(actor=ctx.actor, **values)

    def update(self, ctx: Context, obj: Any, row: RowResult) -> Any:
        changes = {k: v for k, v in row.changes.items() if k not in ("policy",)}
        return services.clause_update(actor=ctx.actor, clause=obj, **changes)
