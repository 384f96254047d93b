"""The importers of enterprises and settlements. Registered from :class:`yuanqu.enterprises.apps.EnterprisesConfig`.

Enterprises take the fast path (COPY on PostgreSQL, executemany on SQLite, one audit event per batch),
because lists of tens of thousands of enterprises are common; every row is checked first by
:func:`yuanqu.enterprises.services.enterprise_validate`, the function :func:`~yuanqu.enterprises.services.
enterprise_create` uses, over the same field list (``ENTERPRISE_FIELDS``). Settlements go row by row through
their services inside the batch's one transaction: their lists are short.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Sequence
from types import SimpleNamespace
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yuanqu.core import audit
from yuanqu.core.registry import changes
from yuanqu.core.roles import Role
from yuanqu.core.text import halfwidth, normalize_uscc
from yuanqu.core.validators import EARLIEST_FOUNDING_DATE
from yuanqu.parks.importers import resolve_park
from yuanqu.tabular.clean import CellError
from yuanqu.tabular.fast import AnyOf, KeyLookup, fast_insert_keyed, fast_pinyin_keys, stored_keys
from yuanqu.tabular.importers import (
    CHUNK,
    YES_NO_HELP,
    BulkServiceImporter,
    ServiceImporter,
    amount_field,
    resolve_industry,
    resolve_region,
)
from yuanqu.tabular.registry import (
    PARK_SYNONYMS,
    USCC_SYNONYMS,
    Context,
    FieldSpec,
    Importer,
    RowResult,
    Warned,
    changed,
    show_value,
)

from . import services as ent_services
from .models import BUSINESS_SCOPE_MAX_LENGTH, LADDER_FIELDS, Designation, Enterprise, EnterpriseName, Settlement
from .selectors import enterprises_findable_by
from .services import (
    ENTERPRISE_COLUMNS,
    ENTERPRISE_FIELDS,
    REGISTERS_DIRECTLY,
    designation_set_current,
    enterprise_validate,
    flag_designations,
)

#: The source a designation granted by an enterprise import records.
IMPORT_SOURCE = "企业信息导入"

#: An operator's row whose code is outside its scope, whether registered elsewhere or nowhere.
NOT_IN_SCOPE = gettext_lazy(
    "This unified social credit code is not among the enterprises of your parks. Sign it into your park from "
    "the settlement form (district staff confirm the request), or ask district staff to import it.")


#: The headers of an enterprise's name, for the importers that attach a row to a registered enterprise and take its
#: name where a published list gives no code (高新技术企业、专精特新名单 list 序号, 企业名称, 证书编号).
ENTERPRISE_NAME_HEADERS = ("企业名称", "单位名称", "公司名称", "企业(单位)名称", "纳税人名称", "市场主体名称", "名称",
                           "企业")
#: A USCC as typed: 18 letters and digits (a code with a wrong check digit is an error about the code, not a name).
_CODE_LIKE = re.compile(r"[0-9A-Z]{18}")


def _name_variants(name: str) -> list[str]:
    """The ways one name is stored: with half- or full-width brackets (a published list and the registry often
    differ in just that), without spaces."""
    plain = halfwidth(name).replace(" ", "").replace("\u3000", "")
    return list(dict.fromkeys([name.strip(), plain, plain.replace("(", "（").replace(")", "）")]))


def resolve_enterprise(ctx: Context, text: str) -> Any:
    """The enterprise a cell names among those the importing user may see: by its USCC, or, for a list that gives
    names only, by its exact name (brackets of either width) or a former name (with a warning naming the current
    one). The same error for an enterprise out of scope as for one that does not exist; a name two enterprises
    in scope share is an error asking for the code."""
    code = normalize_uscc(text)
    visible = Enterprise.objects.visible_to(ctx.actor)
    if _CODE_LIKE.fullmatch(code):
        found = visible.filter(uscc=code).first()
        if found is None:
            raise CellError(_("No enterprise in your scope has this code."))
        return found
    variants = _name_variants(text)
    named = list(visible.filter(name__in=variants)[:2])
    if not named:
        named = list(visible.filter(former_names__name__in=variants).distinct()[:2])
        if len(named) == 1:
            return Warned(named[0], [_("%(value)s is a former name of %(name)s (%(code)s).")
                                     % {"value": text, "name": named[0].name, "code": named[0].uscc}])
    if not named:
        raise CellError(_("No enterprise in your scope has this code or name."))
    if len(named) > 1:
        raise CellError(_("Several enterprises in your scope are named %(value)s; give the unified social credit "
                          "code instead.") % {"value": text})
    return named[0]


def show_enterprise(value: Any) -> str:
    """An enterprise as the preview shows it: its code and its name (the list may have given either)."""
    return f"{value.uscc} {value.name}" if isinstance(value, Enterprise) else show_value(value)


def enterprise_ref(*, required: bool = True) -> FieldSpec:
    """The column of the importers that attach a row to a registered enterprise (incubatees, agreements,
    designations …): its USCC, or its name where a published list gives no code (:func:`resolve_enterprise`)."""
    return FieldSpec("enterprise", gettext_lazy("Unified social credit code"), "ref", required=required,
                     resolve=resolve_enterprise, synonyms=USCC_SYNONYMS, weak_synonyms=ENTERPRISE_NAME_HEADERS,
                     show=show_enterprise,
                     help=gettext_lazy("The USCC, or for a list without codes the enterprise's name"))


class EnterpriseImporter(Importer):
    """Enterprises by USCC; with a park column (or the batch's park), new ones are signed into that park."""

    entity = "enterprises"
    position = 10
    label = gettext_lazy("Enterprises")
    model = Enterprise
    key_fields = ("uscc",)
    #: Export columns that are read from elsewhere, not imported: they round-trip as they are.
    ignored_headers = ("Primary contact phone", "Registered region name", "Parks and settlement stages")
    fields = (
        FieldSpec(
            "uscc",
            gettext_lazy("Unified social credit code"),
            "uscc",
            required=True,
            synonyms=USCC_SYNONYMS,
            help=gettext_lazy("18 characters, GB 32100-2015; the key of the row"),
        ),
        FieldSpec(
            "name",
            gettext_lazy("Name"),
            required=True,
            max_length=150,
            synonyms=(
                "企业名称",
                "单位名称",
                "公司名称",
                "纳税人名称",
                "企业(单位)名称",
                "名称",
                "企业",
                "单位",
                "公司",
                "市场主体名称",
            ),
        ),
        FieldSpec(
            "industry",
            gettext_lazy("Industry code"),
            "ref",
            resolve=resolve_industry,
            synonyms=(
                "行业代码",
                "国民经济行业代码",
                "所属行业",
                "行业",
                "国民经济行业分类",
                "行业分类",
                "行业类别",
                # a registry export gives every level (国标行业门类 … 国标行业小类): the finest is the one to take
                "行业小类",
                "行业中类",
                "行业大类",
                "行业门类",
            ),
            help=gettext_lazy("GB/T 4754-2017 code or name"),
        ),
        FieldSpec(
            "region",
            gettext_lazy("Registered region"),
            "ref",
            resolve=resolve_region,
            synonyms=(
                "注册地",
                "注册区划",
                "行政区划",
                "区划代码",
                "所属区县",
                "注册地区划",
                "所在区",
                "注册区域",
                "行政区划代码",
            ),
            help=gettext_lazy("6-digit division code or name; default: your region"),
        ),
        FieldSpec(
            "status",
            gettext_lazy("Status"),
            "choice",
            choices=lambda: Enterprise.Status.choices,
            synonyms=("经营状态", "登记状态", "企业状态", "状态"),
            aliases={
                "存续": "active",
                "在业": "active",
                "开业": "active",
                "在营": "active",
                "正常": "active",
                "注销": "cancelled",
                "已注销": "cancelled",
                "吊销": "revoked",
                "已吊销": "revoked",
                # the 公示系统's 登记状态, as 企查查 and 天眼查 export it (存续（在营、开业、在册） is 存续)
                "吊销,未注销": "revoked",
                "吊销未注销": "revoked",
                "吊销,已注销": "cancelled",
                "吊销后注销": "cancelled",
            },
        ),
        amount_field(
            "registered_capital_wan", gettext_lazy("Registered capital"), ("注册资本", "注册资金", "认缴资本")
        ),
        FieldSpec(
            "established_on",
            gettext_lazy("Established on"),
            "date",
            not_future=True,
            earliest=EARLIEST_FOUNDING_DATE,
            synonyms=("成立日期", "成立时间", "注册日期", "成立年月", "登记日期", "注册时间"),
        ),
        FieldSpec(
            "is_high_tech",
            gettext_lazy("High-tech enterprise"),
            "bool",
            help=YES_NO_HELP,
            synonyms=("高新技术企业", "是否高新技术企业", "高企", "是否高企", "国家高新技术企业"),
        ),
        FieldSpec(
            "srdi_level",
            gettext_lazy("Specialised and sophisticated level"),
            "choice",
            choices=lambda: Enterprise.SrdiLevel.choices,
            synonyms=("专精特新", "专精特新等级", "专精特新级别", "专精特新企业"),
            aliases={
                "创新型中小企业": "innovative_sme",
                "省级专精特新": "provincial",
                "省级专精特新中小企业": "provincial",
                "专精特新中小企业": "provincial",
                "小巨人": "little_giant",
                "国家级专精特新小巨人": "little_giant",
                "专精特新小巨人": "little_giant",
                "否": "",
                "不是": "",
            },
        ),
        FieldSpec(
            "is_above_scale",
            gettext_lazy("Above designated size"),
            "bool",
            help=YES_NO_HELP,
            synonyms=("规上企业", "是否规上", "规模以上", "是否规模以上企业", "规上", "规模以上企业"),
        ),
        FieldSpec(
            "listing",
            gettext_lazy("Listing status"),
            "choice",
            choices=lambda: Enterprise.Listing.choices,
            synonyms=("上市情况", "上市状态", "上市板块", "是否上市"),
            aliases={
                "未上市": "unlisted",
                "否": "unlisted",
                "新三板": "neeq",
                "北交所": "bse",
                "科创板": "star",
                "创业板": "chinext",
                "主板": "main",
                "港股": "hk",
                "港交所": "hk",
                "境外": "overseas",
                "海外": "overseas",
            },
        ),
        FieldSpec(
            "is_four_new",
            gettext_lazy("Four-new economy"),
            "bool",
            help=YES_NO_HELP,
            synonyms=("四新经济", "是否四新", "是否四新经济", "四新"),
        ),
        FieldSpec(
            "business_scope",
            gettext_lazy("Business scope"),
            "text",
            max_length=BUSINESS_SCOPE_MAX_LENGTH,
            synonyms=("经营范围", "经营范围（以营业执照为准）", "业务范围", "一般经营项目"),
        ),
        FieldSpec(
            "park",
            gettext_lazy("Park"),
            "ref",
            resolve=resolve_park,
            synonyms=PARK_SYNONYMS,
            help=gettext_lazy("A park you manage; new enterprises are signed into it"),
        ),
        FieldSpec(
            "signed_on",
            gettext_lazy("Signed on"),
            "date",
            not_future=True,
            synonyms=("签约日期", "签约时间", "签约年月"),
            ask_default=True,
            help=gettext_lazy("Required when the row signs the enterprise into a park; the mapping page offers "
                              "a date for empty cells"),
        ),
    )
    def prefetch(self, ctx: Context, rows: Sequence[RowResult]) -> None:
        keys = sorted({r.values["uscc"] for r in rows if r.values.get("uscc")})
        # a chunk's lookups replace the previous chunk's
        db_values: dict[str, dict[str, Any]] = {}
        editable: set[int] = set()
        ctx.cache["db_values"], ctx.cache["editable"], ctx.cache["settled"] = db_values, editable, set()
        names = ["pk", *ENTERPRISE_COLUMNS]
        for i in range(0, len(keys), CHUNK):
            chunk = keys[i : i + CHUNK]
            # which of these codes are stored: one plain query (the ORM's parameter handling costs more
            # than the query on 10⁵ codes), then the stored rows' values through the ORM
            stored = stored_keys(Enterprise, "uscc", chunk)
            if not stored:
                continue
            for row in Enterprise.objects.filter(uscc__in=stored).values(*names):
                row["industry"], row["region"] = row.pop("industry_id"), row.pop("region_id")
                db_values[row["uscc"]] = row
            found = [k for k in chunk if k in db_values]
            if found:  # only stored enterprises need the scope check
                editable.update(
                    Enterprise.objects.editable_by(ctx.actor).filter(uscc__in=found).values_list("pk", flat=True)
                )
        ids = [v["pk"] for v in db_values.values()]
        for i in range(0, len(ids), CHUNK):
            ctx.cache["settled"].update(
                Settlement.objects.active()
                .filter(enterprise_id__in=ids[i : i + CHUNK])
                .values_list("enterprise_id", "park_id")
            )

    def check(self, ctx: Context, row: RowResult) -> None:
        v = row.values
        existing = ctx.cache["db_values"].get(v.get("uscc"))
        park = v.get("park") or ctx.default_park
        if park is not None:
            row.extra["park"] = park
        if (existing is None or existing["pk"] not in ctx.cache["editable"]) and \
                ctx.actor.role not in REGISTERS_DIRECTLY:
            # A park operator: any code outside its scope, registered elsewhere or nowhere, gets the one answer
            # (issue 12 H1), and goes through a settlement request district staff confirm.
            row.error(str(NOT_IN_SCOPE))
            return
        if existing is None:
            row.action = "new"
            self._add_problems(row, enterprise_validate(actor=ctx.actor, values=v, creating=True, park=park,
                                                        today=ctx.today))
            row.extra["settle"] = park is not None
            self._require_signing_date(row)
            return
        if existing["pk"] not in ctx.cache["editable"]:
            row.error(
                _(
                    "This unified social credit code is already registered, outside your scope. "
                    "Ask district staff to settle the enterprise in your park."
                )
            )
            return
        row.existing = existing
        row.changes = changed(existing, v, ENTERPRISE_FIELDS)
        if row.changes:
            self._add_problems(row, enterprise_validate(actor=ctx.actor, values=row.changes, creating=False,
                                                        park=park, today=ctx.today))
        row.extra["settle"] = park is not None and (existing["pk"], park.pk) not in ctx.cache["settled"]
        row.action = "update" if row.changes or row.extra["settle"] else "unchanged"
        self._require_signing_date(row)

    def _require_signing_date(self, row: RowResult) -> None:
        """A settlement is created only with a signing date from the sheet or the one chosen on the mapping page
        (never today's date by default)."""
        if row.extra.get("settle") and not row.values.get("signed_on") and "signed_on" not in row.extra.get(
                "unreadable", ()):
            row.error(_("%(field)s: required to sign the enterprise into %(park)s; fill the column, or choose a "
                        "date for empty cells on the mapping page.")
                      % {"field": self.spec("signed_on").header(), "park": row.extra["park"]})

    def _add_problems(self, row: RowResult, problems: dict[str, list[ValidationError]]) -> None:
        for name, errors in problems.items():
            header = str(self.spec(name).label)
            row.errors.extend(f"{header}: {m}" for e in errors for m in e.messages)

    def row_label(self, row: RowResult) -> str:
        return f"{row.values.get('uscc', '')} {row.values.get('name', '') or (row.existing or {}).get('name', '')}"

    def apply(self, ctx: Context, rows: Sequence[RowResult], progress: Callable[[int], None]) -> None:
        now = timezone.now()
        label = Enterprise._meta.label
        # what a row leaves out takes the model's default, as Enterprise() would; the region defaults to the actor's
        defaults = [Enterprise._meta.get_field(n).get_default() for n in ENTERPRISE_FIELDS]  # type: ignore[union-attr]
        defaults[ENTERPRISE_FIELDS.index("region")] = ctx.actor.region_id
        plan = list(zip(ENTERPRISE_FIELDS, defaults, strict=True))
        # 高企, 专精特新 and listing are history (梯度培育): a new row's flags are written with it and the designations
        # they stand for are inserted beside it, as designation_set_current would grant them to an enterprise holding
        # none (so the flags equal designation_flags); a stored row's changes go through that service
        ladder: dict[str, dict[str, Any]] = {}
        new = [r for r in rows if r.action == "new"]
        names = (*ENTERPRISE_FIELDS, "name_pinyin", "name_initials", "created_at", "updated_at")
        d_names = ("enterprise", "kind", "level", "certificate_no", "recognised_on", "valid_until", "ended_on",
                   "end_reason", "source", "board", "coaching_on", "filed_on", "listed_on", "created_at", "updated_at")
        unset = [(n, (None, Enterprise._meta.get_field(n).get_default())) for n in LADDER_FIELDS]  # type: ignore[union-attr]
        ladder_of = operator.itemgetter(*LADDER_FIELDS)
        row_of = operator.itemgetter(*ENTERPRISE_FIELDS)
        base = dict(plan)  # a row's values over the defaults, read in the fields' order (in C, not a loop per field)
        # the designations of each combination of flags, as rows without their enterprise (a file has a handful)
        memo: dict[tuple[Any, ...], list[tuple[Any, ...]]] = {}
        done = 0
        for i in range(0, len(new), CHUNK):
            batch = []
            granted: dict[str, list[tuple[Any, ...]]] = {}
            for r in new[i : i + CHUNK]:
                v = base | r.values
                batch.append(row_of(v) + fast_pinyin_keys(v["name"]) + (now, now))
                flags = ladder_of(v)
                rows_of = memo.get(flags)
                if rows_of is None:
                    wanted = {n: v[n] for n, default in unset if v[n] not in default}
                    rows_of = memo[flags] = [
                        (d.kind, d.level, d.certificate_no, d.recognised_on, d.valid_until, d.ended_on,
                         d.end_reason, d.source, d.board, d.coaching_on, d.filed_on, d.listed_on, now, now)
                        for d in flag_designations(on=ctx.today, source=IMPORT_SOURCE, **wanted)]
                if rows_of:
                    granted[v["uscc"]] = rows_of
            # the new rows' keys, for a revert of the batch and for the designations
            created = dict(fast_insert_keyed(Enterprise, names, batch, "uscc"))
            audit.note_created(label, list(created.values()))
            if granted:
                audit.note_created(Designation._meta.label, [pk for _e, pk in fast_insert_keyed(
                    Designation, d_names, [(created[uscc], *d) for uscc, ds in granted.items() for d in ds],
                    "enterprise")])
            done += len(batch)
            progress(done)
        updates = [r for r in rows if r.action == "update" and r.changes]
        column = dict(zip(ENTERPRISE_FIELDS, ENTERPRISE_COLUMNS, strict=True))
        fields_changed: set[str] = set()
        former: list[EnterpriseName] = []
        for i in range(0, len(updates), CHUNK):
            chunk = updates[i : i + CHUNK]
            objs = Enterprise.objects.in_bulk([r.existing["pk"] for r in chunk])
            for r in chunk:
                obj = objs[r.existing["pk"]]
                touched = [column[n] for n in r.changes] + (["name_pinyin", "name_initials"] if "name" in r.changes
                                                            else [])
                before = {a: getattr(obj, a) for a in touched}
                if "name" in r.changes:
                    former.append(EnterpriseName(enterprise=obj, name=obj.name, used_until=ctx.today))
                    obj.name_pinyin, obj.name_initials = fast_pinyin_keys(r.changes["name"])
                    fields_changed.update(("name_pinyin", "name_initials"))
                wanted = {n: r.changes[n] for n in LADDER_FIELDS if n in r.changes}
                if wanted:
                    ladder[obj.uscc] = wanted
                touched = [a for a in touched if a not in LADDER_FIELDS]
                before = {a: before[a] for a in touched}
                for name, value in r.changes.items():
                    if name in LADDER_FIELDS:
                        continue
                    setattr(obj, column[name], value)
                    fields_changed.add(name)
                obj.updated_at = now
                audit.note_updated(label, obj.pk, before, {a: getattr(obj, a) for a in touched})
            Enterprise.objects.bulk_update(objs.values(), sorted(fields_changed | {"updated_at"}), batch_size=1000)
            done += len(chunk)
            progress(done)
        audit.note_created(EnterpriseName._meta.label, [n.pk for n in EnterpriseName.objects.bulk_create(former)])
        for uscc, wanted in ladder.items():  # stored rows whose flags change: one service call each
            designation_set_current(actor=ctx.actor, enterprise=Enterprise.objects.get(uscc=uscc), on=ctx.today,
                                    source=IMPORT_SOURCE, **wanted)
        if updates:  # as enterprise_update: policies and chains re-match the changed enterprises once this commits
            changes.changed("enterprise", *[r.existing["pk"] for r in updates])
        settle = [r for r in rows if r.extra.get("settle")]
        if settle:
            pks: dict[str, int] = {}
            usccs = [r.values["uscc"] for r in settle]
            for i in range(0, len(usccs), CHUNK):
                pks.update(Enterprise.objects.filter(uscc__in=usccs[i : i + CHUNK]).values_list("uscc", "pk"))
            settlements = Settlement.objects.bulk_create(
                [
                    Settlement(
                        enterprise_id=pks[r.values["uscc"]],
                        park=r.extra["park"],
                        signed_on=r.values["signed_on"],
                        created_at=now,
                    )
                    for r in settle
                ],
                batch_size=1000,
            )
            audit.note_created(Settlement._meta.label, [st.pk for st in settlements])
            progress(done + len(settle))


# --- settlements: new ones in bulk, changes through their services ------------------------------------------


#: The date order a settlement keeps (the model's check constraints, in their order): at each step, the later date,
#: the earlier one it may not precede, and the message the constraint gives.
STEP_RULES: dict[str, list[tuple[str, str, Any]]] = {
    "fitout_on": [("fitout_on", "signed_on", gettext_lazy("Fit-out cannot start before the signing date."))],
    "moved_in_on": [("fitout_on", "signed_on", gettext_lazy("Fit-out cannot start before the signing date.")),
                    ("moved_in_on", "signed_on", gettext_lazy("The move-in date cannot be before the signing date.")),
                    ("moved_in_on", "fitout_on", gettext_lazy("The move-in date cannot be before fit-out started."))],
    "exited_on": [("fitout_on", "signed_on", gettext_lazy("Fit-out cannot start before the signing date.")),
                  ("moved_in_on", "signed_on", gettext_lazy("The move-in date cannot be before the signing date.")),
                  ("moved_in_on", "fitout_on", gettext_lazy("The move-in date cannot be before fit-out started.")),
                  ("exited_on", "signed_on", gettext_lazy("The exit date cannot be before the signing date."))],
}

#: The steps after signing, in order, as (stage, its date field): plain strings, looked up once per row.
STEPS: tuple[tuple[str, str], ...] = tuple(
    (str(stage.value), Settlement.DATE_FIELD[stage])
    for stage in (Settlement.Stage.FITOUT, Settlement.Stage.MOVED_IN, Settlement.Stage.EXITED))
_EXITED = str(Settlement.Stage.EXITED.value)


class SettlementImporter(BulkServiceImporter):
    """Settlements by (USCC, park): new ones are signed, and later steps taken from their dates, in bulk (one
    audit event for the batch); a stored settlement is changed through its services, row by row.

    A new row is checked as :func:`~yuanqu.enterprises.services.settlement_create` and
    :func:`~yuanqu.enterprises.services.settlement_advance` would check it, step by step, with their messages
    (tests/tabular/test_fast_imports.py compares both paths); the enterprise is looked up among those the user may
    find, in chunks, and the park among those the user manages.
    """

    entity = "settlements"
    position = 20
    label = gettext_lazy("Settlements")
    model = Settlement
    key_fields = ("uscc", "park")
    fields = (
        FieldSpec(
            "uscc",
            gettext_lazy("Unified social credit code"),
            "uscc",
            required=True,
            synonyms=USCC_SYNONYMS,
        ),
        FieldSpec(
            "park",
            gettext_lazy("Park"),
            "ref",
            required=True,
            resolve=resolve_park,
            synonyms=PARK_SYNONYMS,
        ),
        FieldSpec(
            "signed_on",
            gettext_lazy("Signed on"),
            "date",
            required=True,
            not_future=True,
            synonyms=("签约日期", "签约时间"),
            ask_default=True,
        ),
        FieldSpec(
            "fitout_on",
            gettext_lazy("Fit-out started on"),
            "date",
            not_future=True,
            synonyms=("装修日期", "装修开始日期", "开始装修"),
        ),
        FieldSpec(
            "moved_in_on", gettext_lazy("Moved in on"), "date", not_future=True, synonyms=("入驻日期", "入驻时间")
        ),
        FieldSpec("exited_on", gettext_lazy("Exited on"), "date", not_future=True, synonyms=("退出日期", "迁出日期")),
        FieldSpec("exit_reason", gettext_lazy("Exit reason"), max_length=200, synonyms=("退出原因", "迁出原因")),
        FieldSpec("note", gettext_lazy("Note"), synonyms=("备注",)),
    )
    ignored_headers = ("Enterprise", "Stage")

    def prefetch(self, ctx: Context, rows: Sequence[RowResult]) -> None:
        if not self.bulk:
            return
        keys = sorted({r.values["uscc"] for r in rows if r.values.get("uscc")})
        # among the enterprises the user may find (its region's): another district's code reads as unknown; a new
        # row needs the id only (no model instance per row)
        lookup = ctx.cache.get("enterprise_ids")
        if lookup is None:
            lookup = ctx.cache["enterprise_ids"] = KeyLookup(enterprises_findable_by(ctx.actor), "uscc",
                                                             rows=ctx.rows)
        found = {uscc: SimpleNamespace(pk=pk, uscc=uscc) for uscc, pk in lookup.get(keys).items()}
        ctx.cache["enterprises"] = found
        ids = sorted(e.pk for e in found.values())
        stored: list[int] = []  # the active settlements' ids: a model instance only for the rows that have one
        for i in range(0, len(ids), CHUNK):
            stored.extend(Settlement.objects.active().filter(AnyOf(F("enterprise_id"), ids[i : i + CHUNK]))
                          .order_by().values_list("pk", flat=True))
        active: dict[tuple[int, int], Settlement] = {}
        for i in range(0, len(stored), CHUNK):
            for st in Settlement.objects.filter(AnyOf(F("pk"), stored[i : i + CHUNK])):
                active[(st.enterprise_id, st.park_id)] = st
        ctx.cache["active"] = active

    def find(self, ctx: Context, row: RowResult) -> Any:
        if self.bulk:
            ent = ctx.cache["enterprises"].get(row.values.get("uscc") or "")
        else:
            ent = enterprises_findable_by(ctx.actor).by_uscc(row.values.get("uscc") or "").first()
        row.extra["enterprise"] = ent
        if ent is None:
            row.error(_("No enterprise has this unified social credit code; import the enterprise first."))
            return None
        park = row.values.get("park")
        if self.bulk:
            return ctx.cache["active"].get((ent.pk, park.pk if park is not None else None))
        return Settlement.objects.active().filter(enterprise=ent, park=park).first()

    def check(self, ctx: Context, row: RowResult) -> None:
        super().check(ctx, row)
        if self.bulk and row.action == "new" and not row.errors:
            self._check_new(row)

    def _check_new(self, row: RowResult) -> None:
        """The errors the services would give a new row: each step in turn, the first that fails stops the row."""
        v = row.values
        for stage, name in STEPS:
            if not v.get(name):
                continue
            if stage == _EXITED and not str(v.get("exit_reason", "")).strip():
                row.error(f"{self._label('reason')}: " + _("Give the reason for the exit."))
                return
            failed = [str(message) for later, earlier, message in STEP_RULES[name]
                      if self._reached(v, later, name) and self._reached(v, earlier, name)
                      and v[later] < v[earlier]]
            if failed:
                row.errors.extend(failed)
                return

    def _label(self, name: str) -> str:
        # settlement_advance names the exit reason "reason"; the sheet's column is the exit reason
        return super()._label("exit_reason" if name == "reason" else name)

    @staticmethod
    def _reached(v: dict[str, Any], date_field: str, upto: str) -> bool:
        """Whether the settlement holds ``date_field`` once advanced to the step of ``upto``."""
        order = ["signed_on", "fitout_on", "moved_in_on", "exited_on"]
        return bool(v.get(date_field)) and order.index(date_field) <= order.index(upto)

    def insert(self, ctx: Context, rows: Sequence[RowResult]) -> None:
        now = timezone.now()
        names = ("enterprise", "park", "stage", "signed_on", "fitout_on", "moved_in_on", "exited_on", "exit_reason",
                 "note", "created_at", "updated_at")
        out = []
        signed = Settlement.Stage.SIGNED.value
        for r in rows:
            v = r.values
            stage = signed
            dates: dict[str, Any] = {}
            for step, name in STEPS:
                day = v.get(name)
                if day:
                    stage, dates[name] = step, day
            reason = str(v.get("exit_reason", "")).strip() if stage == _EXITED else ""
            out.append((r.extra["enterprise"].pk, v["park"].pk, stage, v["signed_on"], dates.get("fitout_on"),
                        dates.get("moved_in_on"), dates.get("exited_on"), reason, v.get("note", ""), now, now))
        audit.note_created(Settlement._meta.label, [pk for _e, pk in fast_insert_keyed(
            Settlement, names, out, "enterprise")])
        changes.changed("enterprise", *sorted({r.extra["enterprise"].pk for r in rows}))  # their parks changed

    def compare_fields(self) -> list[str]:
        return ["signed_on", "fitout_on", "moved_in_on", "exited_on", "exit_reason", "note"]

    def _advance(self, ctx: Context, st: Settlement, v: dict[str, Any]) -> None:
        for stage in (Settlement.Stage.FITOUT, Settlement.Stage.MOVED_IN, Settlement.Stage.EXITED):
            day = v.get(Settlement.DATE_FIELD[stage])
            if day and Settlement.ORDER.index(stage) > Settlement.ORDER.index(Settlement.Stage(st.stage)):
                st = ent_services.settlement_advance(
                    actor=ctx.actor, settlement=st, to_stage=stage, on=day, reason=v.get("exit_reason", "")
                )

    def create(self, ctx: Context, row: RowResult) -> Any:
        v = row.values
        st = ent_services.settlement_create(
            actor=ctx.actor,
            enterprise=row.extra["enterprise"],
            park=v["park"],
            signed_on=v["signed_on"],
            note=v.get("note", ""),
        )
        self._advance(ctx, st, v)

    def update(self, ctx: Context, obj: Any, row: RowResult) -> Any:
        v = row.values
        reached = {
            Settlement.DATE_FIELD[s]
            for s in Settlement.ORDER[: Settlement.ORDER.index(Settlement.Stage(obj.stage)) + 1]
        }
        dates = {k: val for k, val in row.changes.items() if k in reached}
        st = ent_services.settlement_update(actor=ctx.actor, settlement=obj, note=row.changes.get("note"), **dates)
        self._advance(ctx, st, v)



class DesignationImporter(ServiceImporter):
    """Designations (梯度培育) by enterprise, kind and recognition date, as the 认定名单 list them: a new row is
    granted (a renewal ends the former one), a known one has its level, certificate number and validity corrected.
    District staff only, as on the page."""

    entity = "designations"
    position = 65  # after the registry and 招商 sheets, the ones a clerk imports most
    label = gettext_lazy("Designations")
    model = Designation
    roles = (Role.REGION_STAFF,)
    key_fields = ("enterprise", "kind", "recognised_on")
    fields = (
        enterprise_ref(),
        FieldSpec("kind", gettext_lazy("Designation"), "choice", required=True, ask_default=True,
                  choices=lambda: Designation.Kind.choices, synonyms=("认定类型", "认定类别", "资质", "称号", "类型"),
                  aliases={"科技型中小企业": "tech_sme", "创新型中小企业": "innovative_sme",
                           "高新技术企业": "high_tech",
                           "高企": "high_tech", "国家高新技术企业": "high_tech", "专精特新中小企业": "srdi_sme",
                           "专精特新": "srdi_sme", "小巨人": "little_giant", "专精特新小巨人": "little_giant",
                           "专精特新“小巨人”": "little_giant", '专精特新"小巨人"': "little_giant",
                           "单项冠军": "champion", "制造业单项冠军": "champion", "瞪羚": "gazelle",
                           "瞪羚企业": "gazelle", "独角兽": "unicorn", "独角兽企业": "unicorn",
                           "上市后备": "listing", "上市后备企业": "listing"}),
        FieldSpec("level", gettext_lazy("Designation level"), "choice", choices=lambda: Designation.Level.choices,
                  ask_default=True,
                  synonyms=("级别", "认定级别", "层级"),
                  aliases={"国家级": "national", "国家": "national", "省级": "provincial", "省": "provincial",
                           "市级": "city", "市": "city", "区级": "district", "区": "district"}),
        FieldSpec("recognised_on", gettext_lazy("Recognised on"), "date", required=True, not_future=True,
                  synonyms=("认定日期", "认定时间", "发证日期", "认定年份")),
        FieldSpec("certificate_no", gettext_lazy("Certificate number"), max_length=60,
                  synonyms=("证书编号", "证书号", "编号")),
        FieldSpec("valid_until", gettext_lazy("Valid until"), "date", synonyms=("有效期至", "有效期", "到期日期")),
        FieldSpec("board", gettext_lazy("Target board"), "choice", choices=lambda: Enterprise.Listing.choices,
                  synonyms=("拟上市板块", "目标板块", "上市板块"),
                  aliases={"新三板": "neeq", "北交所": "bse", "科创板": "star", "创业板": "chinext", "主板": "main",
                           "港股": "hk", "境外": "overseas"}),
    )

    def find(self, ctx: Context, row: RowResult) -> Any:
        v = row.values
        return Designation.objects.editable_by(ctx.actor).filter(
            enterprise=v.get("enterprise"), kind=v.get("kind"), recognised_on=v.get("recognised_on")).first()

    def compare_fields(self) -> list[str]:
        return ["level", "certificate_no", "valid_until"]

    def create(self, ctx: Context, row: RowResult) -> Any:
        v = row.values
        return ent_services.designation_grant(
            actor=ctx.actor, enterprise=v["enterprise"], kind=v["kind"], recognised_on=v["recognised_on"],
            level=v.get("level") or "", certificate_no=v.get("certificate_no") or "",
            valid_until=v.get("valid_until"), board=v.get("board") or "", source="认定名单导入")

    def update(self, ctx: Context, obj: Any, row: RowResult) -> Any:
        return ent_services.designation_update(actor=ctx.actor, designation=obj, **row.changes)
