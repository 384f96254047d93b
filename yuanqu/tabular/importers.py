"""The importers of the registry's first entities: enterprises, settlements, parks, units, leads, projects.

Enterprises take the fast path (validated here with the same rules as
:func:`yuanqu.enterprises.services.enterprise_create`, written with COPY / executemany, one audit event per
batch), because lists of tens of thousands of enterprises are common. The other entities go row by row
through their own services inside the batch's one transaction: their lists are short.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yuanqu.core.models import IndustryCode, Region
from yuanqu.core.roles import Role
from yuanqu.enterprises import services as ent_services
from yuanqu.enterprises.models import Enterprise, EnterpriseName, Settlement
from yuanqu.investment import services as inv_services
from yuanqu.investment.models import Lead, Project
from yuanqu.parks import services as park_services
from yuanqu.parks.models import Building, Park, Unit

from .clean import CellError, halfwidth, match_key
from .fast import fast_insert, fast_pinyin_keys
from .registry import PARK_SYNONYMS, USCC_SYNONYMS, Context, FieldSpec, Importer, RowResult, changed, register

CHUNK = 5000


# --- lookups shared by the importers -------------------------------------------------------------------------


def _industries(ctx: Context) -> dict[str, str]:
    if "industries" not in ctx.cache:
        table: dict[str, str] = {}
        for code, name in IndustryCode.objects.values_list("code", "name"):
            table[code] = code
            table.setdefault(match_key(name), code)
        ctx.cache["industries"] = table
    return ctx.cache["industries"]  # type: ignore[no-any-return]


def resolve_industry(ctx: Context, text: str) -> str:
    table = _industries(ctx)
    key = halfwidth(text).strip().upper()
    if key in table:
        return table[key]
    code = key.split(" ")[0]
    if code in table:
        return table[code]
    hit = table.get(match_key(text))
    if hit:
        return hit
    raise CellError(_("Unknown industry %(value)s: give a GB/T 4754-2017 code or name.") % {"value": text})


def _regions(ctx: Context) -> dict[str, str]:
    if "regions" not in ctx.cache:
        table: dict[str, str] = {}
        home = str(ctx.actor.region_id)[:2]
        for code, name in Region.objects.values_list("code", "name").order_by("code"):
            table[code] = code
            key = match_key(name)
            if key not in table or code.startswith(home):
                table[key] = code
        ctx.cache["regions"] = table
    return ctx.cache["regions"]  # type: ignore[no-any-return]


def resolve_region(ctx: Context, text: str) -> str:
    table = _regions(ctx)
    key = halfwidth(text).strip()
    hit = table.get(key) or table.get(match_key(key))
    if hit is None:
        raise CellError(_("Unknown region %(value)s: give its 6-digit code or its name.") % {"value": text})
    return hit


def _editable_parks(ctx: Context) -> dict[str, Park]:
    if "parks" not in ctx.cache:
        ctx.cache["parks"] = {match_key(p.name): p for p in Park.objects.editable_by(ctx.actor)}
    return ctx.cache["parks"]  # type: ignore[no-any-return]


def resolve_park(ctx: Context, text: str) -> Park:
    park = _editable_parks(ctx).get(match_key(text))
    if park is None:
        raise CellError(_("%(value)s is not a park you manage.") % {"value": text})
    return park


def _amount(name: str, label: Any, synonyms: Sequence[str], unit: str = "万元", **kw: Any) -> FieldSpec:
    return FieldSpec(name, label, "decimal", synonyms=synonyms, unit=unit, **kw)


YES_NO_HELP = gettext_lazy("是 or 否")


# --- enterprises ---------------------------------------------------------------------------------------------


class EnterpriseImporter(Importer):
    """Enterprises by USCC; with a park column (or the batch's park), new ones are signed into that park."""

    entity = "enterprises"
    label = gettext_lazy("Enterprises")
    model = Enterprise
    key_fields = ("uscc",)
    ignored_headers = ("Primary contact phone",)
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
            },
        ),
        _amount("registered_capital_wan", gettext_lazy("Registered capital"), ("注册资本", "注册资金", "认缴资本")),
        FieldSpec(
            "established_on",
            gettext_lazy("Established on"),
            "date",
            not_future=True,
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
        ),
    )
    MODEL_FIELDS = (
        "uscc",
        "name",
        "industry",
        "region",
        "status",
        "registered_capital_wan",
        "established_on",
        "is_high_tech",
        "srdi_level",
        "is_above_scale",
        "listing",
        "is_four_new",
    )

    def begin(self, ctx: Context) -> None:
        ctx.cache["db_values"] = {}
        ctx.cache["editable"] = set()
        ctx.cache["settled"] = set()

    def prefetch(self, ctx: Context, rows: Sequence[RowResult]) -> None:
        keys = sorted({r.values["uscc"] for r in rows if r.values.get("uscc")})
        db_values: dict[str, dict[str, Any]] = ctx.cache["db_values"]
        editable: set[int] = ctx.cache["editable"]
        names = [
            "pk",
            "uscc",
            "name",
            "industry_id",
            "region_id",
            "status",
            "registered_capital_wan",
            "established_on",
            "is_high_tech",
            "srdi_level",
            "is_above_scale",
            "listing",
            "is_four_new",
        ]
        for i in range(0, len(keys), CHUNK):
            chunk = keys[i : i + CHUNK]
            # which of these codes are stored: one plain query (the ORM's parameter handling costs more
            # than the query on 10⁵ codes), then the stored rows' values through the ORM
            with connection.cursor() as cursor:
                table, column = str(Enterprise._meta.db_table), str(Enterprise._meta.get_field("uscc").column)
                qn = connection.ops.quote_name
                cursor.execute(f"SELECT {qn(column)} FROM {qn(table)} WHERE {qn(column)} IN "
                               f"({', '.join(['%s'] * len(chunk))})", chunk)
                stored = [r[0] for r in cursor.fetchall()]
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
        outside = "region" in v and not str(v["region"]).startswith(ctx.actor.region_id) and park is None
        if existing is None:
            row.action = "new"
            if outside:
                row.error(_("Registered region: this region is outside your scope; give a park you manage."))
            if not v.get("name"):
                row.error(_("Name: required for a new enterprise."))
            if ctx.actor.role == Role.PARK_OPERATOR and park is None:
                row.error(_("Park: choose the park the enterprise signs into."))
            row.extra["settle"] = park is not None
            return
        if existing["pk"] not in ctx.cache["editable"]:
            row.error(
                _(
                    "This unified social credit code is already registered, outside your scope. "
                    "Ask district staff to settle the enterprise in your park."
                )
            )
            return
        if ctx.actor.role == Role.ENTERPRISE_USER:  # never reached: enterprise users cannot import
            v.pop("region", None)
        row.existing = existing
        row.changes = changed(existing, v, self.MODEL_FIELDS)
        if outside and "region" in row.changes:
            row.error(_("Registered region: this region is outside your scope; give a park you manage."))
        row.extra["settle"] = park is not None and (existing["pk"], park.pk) not in ctx.cache["settled"]
        row.action = "update" if row.changes or row.extra["settle"] else "unchanged"

    def row_label(self, row: RowResult) -> str:
        return f"{row.values.get('uscc', '')} {row.values.get('name', '') or (row.existing or {}).get('name', '')}"

    def apply(self, ctx: Context, rows: Sequence[RowResult], progress: Callable[[int], None]) -> None:
        now = timezone.now()
        actor_region = ctx.actor.region_id
        new = [r for r in rows if r.action == "new"]
        names = (
            "uscc",
            "name",
            "name_pinyin",
            "name_initials",
            "industry",
            "region",
            "is_high_tech",
            "srdi_level",
            "is_above_scale",
            "listing",
            "is_four_new",
            "registered_capital_wan",
            "established_on",
            "status",
            "created_at",
            "updated_at",
        )
        done = 0
        for i in range(0, len(new), CHUNK):
            batch = []
            for r in new[i : i + CHUNK]:
                v = r.values
                full, initials = fast_pinyin_keys(v["name"])
                batch.append(
                    (
                        v["uscc"],
                        v["name"],
                        full,
                        initials,
                        v.get("industry"),
                        v.get("region", actor_region),
                        v.get("is_high_tech", False),
                        v.get("srdi_level", ""),
                        v.get("is_above_scale", False),
                        v.get("listing", Enterprise.Listing.UNLISTED),
                        v.get("is_four_new", False),
                        v.get("registered_capital_wan"),
                        v.get("established_on"),
                        v.get("status", "active"),
                        now,
                        now,
                    )
                )
            fast_insert(Enterprise, names, batch)
            done += len(batch)
            progress(done)
        updates = [r for r in rows if r.action == "update" and r.changes]
        fields_changed: set[str] = set()
        former: list[EnterpriseName] = []
        for i in range(0, len(updates), CHUNK):
            chunk = updates[i : i + CHUNK]
            objs = Enterprise.objects.in_bulk([r.existing["pk"] for r in chunk])
            for r in chunk:
                obj = objs[r.existing["pk"]]
                if "name" in r.changes:
                    former.append(EnterpriseName(enterprise=obj, name=obj.name, used_until=ctx.today))
                    obj.name_pinyin, obj.name_initials = fast_pinyin_keys(r.changes["name"])
                    fields_changed.update(("name_pinyin", "name_initials"))
                for name, value in r.changes.items():
                    setattr(obj, f"{name}_id" if name in ("industry", "region") else name, value)
                    fields_changed.add(name)
                obj.updated_at = now
            Enterprise.objects.bulk_update(objs.values(), sorted(fields_changed | {"updated_at"}), batch_size=1000)
            done += len(chunk)
            progress(done)
        EnterpriseName.objects.bulk_create(former)
        settle = [r for r in rows if r.extra.get("settle")]
        if settle:
            pks: dict[str, int] = {}
            usccs = [r.values["uscc"] for r in settle]
            for i in range(0, len(usccs), CHUNK):
                pks.update(Enterprise.objects.filter(uscc__in=usccs[i : i + CHUNK]).values_list("uscc", "pk"))
            Settlement.objects.bulk_create(
                [
                    Settlement(
                        enterprise_id=pks[r.values["uscc"]],
                        park=r.extra["park"],
                        signed_on=r.values.get("signed_on") or ctx.today,
                        created_at=now,
                    )
                    for r in settle
                ],
                batch_size=1000,
            )
            progress(done + len(settle))


# --- entities that go row by row through their services -------------------------------------------------------


class ServiceImporter(Importer):
    """Rows written one by one through the entity's own services, each in a savepoint.

    Preview runs the same calls and rolls them back, so the preview reports exactly the errors the
    services would raise.
    """

    @abstractmethod
    def find(self, ctx: Context, row: RowResult) -> Any:
        """The stored object the row's key names, among those the actor may change, or None."""

    @abstractmethod
    def create(self, ctx: Context, row: RowResult) -> Any:
        """Create the row's object through the entity's service."""

    @abstractmethod
    def update(self, ctx: Context, obj: Any, row: RowResult) -> Any:
        """Change ``obj`` to the row's values through the entity's service."""

    def compare_fields(self) -> list[str]:
        return [f.name for f in self.fields if f.name not in self.key_fields]

    def check(self, ctx: Context, row: RowResult) -> None:
        obj = self.find(ctx, row)
        if obj is None:
            row.action = "new"
            return
        row.existing = obj
        row.changes = changed(obj, row.values, self.compare_fields())
        row.action = "update" if row.changes else "unchanged"

    def try_write(self, ctx: Context, row: RowResult) -> None:
        """Write one row in a savepoint; a service error becomes the row's error."""
        try:
            with transaction.atomic():
                if row.action == "new":
                    self.create(ctx, row)
                elif row.action == "update":
                    self.update(ctx, row.existing, row)
        except ValidationError as exc:
            messages = (
                [f"{self._label(f)}: {m}" if f != "__all__" else m for f, ms in exc.message_dict.items() for m in ms]
                if hasattr(exc, "error_dict")
                else exc.messages
            )
            row.errors.extend(messages)
        except PermissionDenied:
            row.error(_("You may not change this row."))

    def _label(self, name: str) -> str:
        spec = next((f for f in self.fields if f.name == name), None)
        return str(spec.label) if spec else name

    def dry_run(self, ctx: Context, rows: Sequence[RowResult]) -> None:
        """Run the writes and roll them back, to learn the services' errors row by row."""
        sid = transaction.savepoint()
        try:
            for row in rows:
                if not row.errors and row.action in ("new", "update"):
                    self.try_write(ctx, row)
        finally:
            transaction.savepoint_rollback(sid)

    def apply(self, ctx: Context, rows: Sequence[RowResult], progress: Callable[[int], None]) -> None:
        for n, row in enumerate(rows, start=1):
            self.try_write(ctx, row)
            if row.errors:
                raise ValidationError(
                    _("Row %(line)d: %(reasons)s") % {"line": row.line, "reasons": "；".join(row.errors)}
                )
            progress(n)


def _park_by_name(ctx: Context, text: str) -> Park:
    return resolve_park(ctx, text)


class SettlementImporter(ServiceImporter):
    """Settlements by (USCC, park): new ones are signed; later steps are taken from their dates."""

    entity = "settlements"
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
            resolve=_park_by_name,
            synonyms=PARK_SYNONYMS,
        ),
        FieldSpec(
            "signed_on",
            gettext_lazy("Signed on"),
            "date",
            required=True,
            not_future=True,
            synonyms=("签约日期", "签约时间"),
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

    def find(self, ctx: Context, row: RowResult) -> Any:
        ent = Enterprise.objects.filter(uscc=row.values.get("uscc")).first()
        row.extra["enterprise"] = ent
        if ent is None:
            row.error(_("No enterprise has this unified social credit code; import the enterprise first."))
            return None
        if (
            not Enterprise.objects.visible_to(ctx.actor).filter(pk=ent.pk).exists()
            and ctx.actor.role != Role.REGION_STAFF
        ):
            pass  # a park operator may sign an enterprise it cannot see yet; the service checks the park
        return Settlement.objects.active().filter(enterprise=ent, park=row.values.get("park")).first()

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


class ParkImporter(ServiceImporter):
    """Parks by name within the region: district staff create; operators update their own."""

    entity = "parks"
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
            synonyms=("类型", "园区类型", "载体类型"),
            aliases={
                "产业园": "industrial",
                "开发区": "dev_zone",
                "孵化器": "incubator",
                "众创空间": "makerspace",
                "商务楼宇": "office_tower",
                "楼宇": "office_tower",
                "科技园": "science_park",
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
        FieldSpec("address", gettext_lazy("Address"), max_length=200, synonyms=("地址", "园区地址", "位置")),
        _amount("land_area_mu", gettext_lazy("Land area"), ("占地面积", "用地面积", "占地"), unit="亩"),
        _amount("floor_area_m2", gettext_lazy("Floor area"), ("建筑面积", "总建筑面积", "面积"), unit="㎡"),
        _amount("total_investment_wan", gettext_lazy("Total investment"), ("总投资", "投资额", "计划总投资")),
        FieldSpec("opened_on", gettext_lazy("Opening date"), "date", synonyms=("开园日期", "开园时间", "投用日期")),
    )
    ignored_headers = ("Region", "Enterprises signed", "Enterprises moved in")

    def find(self, ctx: Context, row: RowResult) -> Any:
        return Park.objects.visible_to(ctx.actor).filter(name=row.values.get("name")).first()

    def create(self, ctx: Context, row: RowResult) -> Any:
        v = dict(row.values)
        v.setdefault("kind", Park.Kind.INDUSTRIAL)
        return park_services.park_create(actor=ctx.actor, region=Region.objects.get(pk=ctx.actor.region_id), **v)

    def update(self, ctx: Context, obj: Any, row: RowResult) -> Any:
        return park_services.park_update(actor=ctx.actor, park=obj, **row.changes)


class UnitImporter(ServiceImporter):
    """Units by (park, building, number); the building must exist."""

    entity = "units"
    label = gettext_lazy("Units")
    model = Unit
    key_fields = ("park", "building", "number")
    fields = (
        FieldSpec(
            "park", gettext_lazy("Park"), "ref", required=True, resolve=_park_by_name, synonyms=("园区", "园区名称")
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
        _amount(
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


class LeadImporter(ServiceImporter):
    """Leads by company name (normalised as the duplicate check does); new ones are owned by the importer."""

    entity = "leads"
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
            resolve=_park_by_name,
            synonyms=("意向园区", "目标园区", "园区", "拟落户园区"),
        ),
        FieldSpec(
            "industry",
            gettext_lazy("Industry"),
            "ref",
            resolve=resolve_industry,
            synonyms=("行业", "所属行业", "行业代码"),
        ),
        _amount(
            "intended_investment_wan",
            gettext_lazy("Intended investment"),
            ("意向投资额", "投资额", "拟投资额", "投资规模"),
        ),
        FieldSpec(
            "expected_jobs",
            gettext_lazy("Expected jobs"),
            "int",
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
            resolve=_park_by_name,
            synonyms=PARK_SYNONYMS,
        ),
        FieldSpec(
            "level",
            gettext_lazy("Level"),
            "choice",
            choices=lambda: Project.Level.choices,
            synonyms=("项目级别", "级别", "重点项目级别"),
            aliases={"省重点": "province", "市重点": "city", "区重点": "district"},
        ),
        FieldSpec("industry", gettext_lazy("Industry"), "ref", resolve=resolve_industry, synonyms=("行业", "所属行业")),
        _amount(
            "total_investment_wan", gettext_lazy("Total investment"), ("总投资", "计划总投资", "投资额", "总投资额")
        ),
        _amount("fixed_asset_investment_wan", gettext_lazy("Fixed-asset investment"), ("固定资产投资", "固投")),
        FieldSpec("note", gettext_lazy("Note"), synonyms=("备注", "建设内容")),
    )
    ignored_headers = ("Stage", "Overdue stages")

    def find(self, ctx: Context, row: RowResult) -> Any:
        return Project.objects.visible_to(ctx.actor).filter(name=row.values.get("name")).first()

    def create(self, ctx: Context, row: RowResult) -> Any:
        return inv_services.project_create(actor=ctx.actor, **row.values)

    def update(self, ctx: Context, obj: Any, row: RowResult) -> Any:
        return inv_services.project_update(actor=ctx.actor, project=obj, **row.changes)


for _importer in (
    EnterpriseImporter(),
    SettlementImporter(),
    ParkImporter(),
    UnitImporter(),
    LeadImporter(),
    ProjectImporter(),
):
    register(_importer)
