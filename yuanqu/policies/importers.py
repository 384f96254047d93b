"""The policy app's importers, row by row through :mod:`yuanqu.policies.services` (their validation, scope and audit):
clauses (one row per clause, keyed by policy and clause number; a malformed rule is refused on its row with the
position named), investment agreements (keyed by enterprise and title) and their commitments (keyed by agreement,
year and indicator), as a district keeps them in its 履约台账. Registered from
:class:`yuanqu.policies.apps.PoliciesConfig`."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yuanqu.core.roles import Role
from yuanqu.enterprises.importers import enterprise_ref
from yuanqu.parks.importers import resolve_park
from yuanqu.tabular.clean import CellError, match_key
from yuanqu.tabular.importers import ServiceImporter, amount_field
from yuanqu.tabular.registry import PARK_SYNONYMS, Context, FieldSpec, RowResult

from . import services
from .models import Agreement, Application, Clause, Commitment, Policy


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


AGREEMENT_SYNONYMS = ("协议名称", "合同名称", "投资协议", "协议", "项目协议名称")


class AgreementImporter(ServiceImporter):
    """Investment agreements (投资协议) by enterprise and title; a correction of land, dates or deposit updates."""

    entity = "agreements"
    position = 91
    label = gettext_lazy("Investment agreements")
    model = Agreement
    roles = (Role.REGION_STAFF,)
    key_fields = ("enterprise", "title")
    fields = (
        enterprise_ref(),
        FieldSpec("title", gettext_lazy("Agreement title"), required=True, max_length=200,
                  synonyms=AGREEMENT_SYNONYMS),
        FieldSpec("park", gettext_lazy("Park"), "ref", resolve=resolve_park, synonyms=PARK_SYNONYMS),
        FieldSpec("land_parcel", gettext_lazy("Land parcel"), max_length=100, synonyms=("地块", "地块编号", "宗地号")),
        FieldSpec("land_area_mu", gettext_lazy("Land area"), "decimal", unit="亩",
                  synonyms=("用地面积", "供地面积", "占地面积", "出让面积")),
        FieldSpec("signed_on", gettext_lazy("Signed on"), "date", required=True, not_future=True,
                  synonyms=("签约日期", "签订日期", "协议签订日期")),
        FieldSpec("full_production_on", gettext_lazy("Full production (达产) on"), "date",
                  synonyms=("达产日期", "约定达产日期", "达产时间")),
        amount_field("deposit_yuan", gettext_lazy("Performance deposit"), ("履约保证金", "保证金"), unit="元"),
    )

    def find(self, ctx: Context, row: RowResult) -> Any:
        return Agreement.objects.editable_by(ctx.actor).filter(enterprise=row.values.get("enterprise"),
                                                               title=row.values.get("title")).first()

    def compare_fields(self) -> list[str]:
        return ["park", "land_parcel", "land_area_mu", "signed_on", "full_production_on", "deposit_yuan"]

    def create(self, ctx: Context, row: RowResult) -> Any:
        values = {k: v for k, v in row.values.items() if v is not None and v != ""}
        return services.agreement_create(actor=ctx.actor, **values)

    def update(self, ctx: Context, obj: Any, row: RowResult) -> Any:
        return services.agreement_update(actor=ctx.actor, agreement=obj, **row.changes)


class CommitmentImporter(ServiceImporter):
    """An agreement's commitments (履约承诺), one row per year and indicator; the agreement is named by its
    enterprise's USCC and its title, among the agreements the importing user manages."""

    entity = "agreement_commitments"
    position = 92
    label = gettext_lazy("Agreement commitments")
    model = Commitment
    roles = (Role.REGION_STAFF,)
    key_fields = ("enterprise", "agreement", "year", "indicator")
    fields = (
        enterprise_ref(),
        FieldSpec("agreement", gettext_lazy("Agreement title"), required=True, max_length=200,
                  synonyms=AGREEMENT_SYNONYMS),
        FieldSpec("year", gettext_lazy("Year"), "int", required=True, synonyms=("年度", "承诺年度", "考核年度")),
        FieldSpec("indicator", gettext_lazy("Indicator"), "choice", required=True,
                  choices=lambda: Commitment.Indicator.choices, synonyms=("指标", "承诺指标", "考核指标"),
                  aliases={"固定资产投资": "investment", "投资": "investment", "产值": "output",
                           "工业总产值": "output", "营收": "revenue", "营业收入": "revenue", "税收": "tax",
                           "纳税": "tax", "亩均税收": "tax_per_mu", "就业": "employees", "从业人员": "employees",
                           "研发投入": "rnd", "研发": "rnd"}),
        FieldSpec("target", gettext_lazy("Target"), "decimal", required=True, synonyms=("目标值", "承诺值", "目标")),
        FieldSpec("unit", gettext_lazy("Unit of measure"), required=True, max_length=20, synonyms=("单位", "计量单位")),
        FieldSpec("basis", gettext_lazy("Counting basis"), "choice", choices=lambda: Commitment.Basis.choices,
                  synonyms=("口径", "计算口径"), aliases={"年度": "annual", "当年": "annual", "累计": "cumulative"}),
        FieldSpec("tolerance_pct", gettext_lazy("Tolerance"), "decimal", unit="%", synonyms=("容差", "允许偏差")),
    )

    def _agreement(self, ctx: Context, row: RowResult) -> Agreement | None:
        return Agreement.objects.editable_by(ctx.actor).filter(enterprise=row.values.get("enterprise"),
                                                               title=row.values.get("agreement")).first()

    def check(self, ctx: Context, row: RowResult) -> None:
        if row.values.get("enterprise") is not None and self._agreement(ctx, row) is None:
            row.errors.append(_("This enterprise has no agreement of that title that you manage; import the "
                                "agreement first."))
            return
        super().check(ctx, row)

    def find(self, ctx: Context, row: RowResult) -> Any:
        return Commitment.objects.filter(agreement=self._agreement(ctx, row), year=row.values["year"],
                                         indicator=row.values["indicator"]).first()

    def compare_fields(self) -> list[str]:
        return ["target", "unit", "basis", "tolerance_pct"]

    def create(self, ctx: Context, row: RowResult) -> Any:
        v = row.values
        agreement = self._agreement(ctx, row)
        if agreement is None:  # checked already; the agreement went away since
            raise PermissionDenied("agreement not editable")
        extra = {k: v[k] for k in ("basis", "tolerance_pct") if v.get(k) not in (None, "")}
        return services.commitment_add(actor=ctx.actor, agreement=agreement, year=v["year"],
                                       indicator=v["indicator"], target=v["target"], unit=v["unit"], **extra)

    def update(self, ctx: Context, obj: Any, row: RowResult) -> Any:
        return services.commitment_update(actor=ctx.actor, commitment=obj, **row.changes)


class ApplicationImporter(ServiceImporter):
    """Applications decided before yuanqu, from a district's 兑现台账: one row per enterprise, clause and budget
    year, approved for an amount and perhaps paid, through :func:`services.application_record_past`. An application
    already in yuanqu is left as it is (it is handled on its page, not overwritten by a sheet)."""

    entity = "policy_applications"
    position = 93
    label = gettext_lazy("Past policy applications")
    model = Application
    roles = (Role.REGION_STAFF,)
    key_fields = ("policy", "number", "enterprise", "budget_year")
    fields = (
        FieldSpec("policy", gettext_lazy("Policy"), "ref", required=True, resolve=resolve_policy,
                  synonyms=("政策", "政策名称", "所属政策", "文号")),
        FieldSpec("number", gettext_lazy("Clause number"), required=True, max_length=20,
                  synonyms=("条款号", "条款", "条目")),
        enterprise_ref(),
        FieldSpec("budget_year", gettext_lazy("Budget year"), "int", required=True,
                  synonyms=("预算年度", "兑现年度", "年度")),
        FieldSpec("submitted_on", gettext_lazy("Submitted on"), "date", required=True, not_future=True,
                  synonyms=("申报日期", "受理日期", "申请日期")),
        FieldSpec("approved_on", gettext_lazy("Approved on"), "date", required=True, not_future=True,
                  synonyms=("审核通过日期", "审批日期", "核定日期")),
        amount_field("amount_yuan", gettext_lazy("Approved amount"), ("核定金额", "兑现金额", "奖补金额", "金额"),
                     unit="元", required=True),
        FieldSpec("paid_on", gettext_lazy("Paid on"), "date", not_future=True, synonyms=("拨付日期", "兑付日期")),
        FieldSpec("reference", gettext_lazy("Payment reference"), max_length=60,
                  synonyms=("拨付文号", "凭证号", "拨付凭证")),
    )

    def _clause(self, ctx: Context, row: RowResult) -> Clause | None:
        return Clause.objects.editable_by(ctx.actor).filter(policy=row.values.get("policy"),
                                                            number=row.values.get("number")).first()

    def check(self, ctx: Context, row: RowResult) -> None:
        if row.values.get("policy") is not None and self._clause(ctx, row) is None:
            row.errors.append(_("The policy has no clause with this number."))
            return
        super().check(ctx, row)

    def find(self, ctx: Context, row: RowResult) -> Any:
        return Application.objects.editable_by(ctx.actor).filter(
            clause=self._clause(ctx, row), enterprise=row.values.get("enterprise"),
            budget_year=row.values["budget_year"]).exclude(status__in=("returned", "declined")).first()

    def compare_fields(self) -> list[str]:
        return []  # an application already in yuanqu is never changed by a sheet: the row is 无变化

    def create(self, ctx: Context, row: RowResult) -> Any:
        v = row.values
        clause = self._clause(ctx, row)
        if clause is None:  # checked already; the clause went away since
            raise PermissionDenied("clause not editable")
        return services.application_record_past(
            actor=ctx.actor, clause=clause, enterprise=v["enterprise"], budget_year=v["budget_year"],
            submitted_on=v["submitted_on"], approved_on=v["approved_on"], amount_yuan=v["amount_yuan"],
            paid_on=v.get("paid_on"), reference=v.get("reference") or "")

    def update(self, ctx: Context, obj: Any, row: RowResult) -> Any:  # never called: nothing is compared
        return obj
