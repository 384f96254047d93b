"""Historical statistics (历史统计数据) through the spreadsheet engine: one row per enterprise × period.

Columns: the enterprise's USCC (its name is informational), the park (one the importer manages), the
period (年份 and 月份, or one 报告期 such as 2023年6月 / 2023.06), and one column per active indicator,
headed by its name and unit (``工业总产值(万元)``; a column ``产值(亿元)`` is converted to 万元). An
empty cell leaves the stored value alone; 无数据 or a dash records an explicit 无数据.

The natural key is (enterprise, park, indicator, year, month). Imported history is approved data:
:func:`yuanqu.stats.services.history_import_bulk` writes it in bulk (the same as the row-by-row
:func:`~yuanqu.stats.services.history_import`), recomputes the derived values and the rollups.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yuanqu.core.roles import Role
from yuanqu.enterprises.models import Settlement
from yuanqu.enterprises.selectors import enterprises_findable_by
from yuanqu.parks.importers import resolve_park
from yuanqu.tabular import clean
from yuanqu.tabular.clean import CellError
from yuanqu.tabular.fast import AnyOf
from yuanqu.tabular.registry import PARK_SYNONYMS, USCC_SYNONYMS, Context, FieldSpec, Importer, RowResult

from . import services
from .models import Frequency, Indicator, Report, ReportValue, Round, months_of

#: What people write for "nothing to report" (an explicit answer, unlike an empty cell).
NO_DATA_WORDS = frozenset({"无数据", "暂无数据", "不适用", "无此项"}) | {
    m for m in clean.EMPTY_MARKERS if m}
NO_DATA = "无数据"
NO_DATA_REASON = "历史数据导入：无数据"
#: More names of the standard indicators' columns, by indicator code.
INDICATOR_SYNONYMS: dict[str, tuple[str, ...]] = {
    "output": ("产值", "工业产值", "总产值", "规上工业总产值"),
    "revenue": ("营收", "主营业务收入", "营业总收入", "主营收入", "销售收入"),
    "tax": ("税收总额", "纳税总额", "实缴税金", "纳税额", "全口径税收"),
    "tax_local": ("地方留存", "地方税收", "区级税收", "地方财政收入"),
    "profit": ("利润", "利润额"),
    "employees": ("用工人数", "从业人数", "职工人数", "员工人数", "从业人员数", "期末从业人数"),
    "rnd": ("研发费用", "研发经费", "R&D投入"),
    "fai": ("固投", "固定资产投资额"),
    "power": ("用电", "工业用电量"),
    "export": ("出口", "出口总额", "出口交货值"),
}
FIELD_PREFIX = "ind_"
#: How long the indicator columns are kept before the dictionary is read again (seconds).
FIELDS_TTL = 5.0


def _resolve_year(ctx: Context, text: str) -> int:
    m = re.fullmatch(r"(\d{4})(年|年度)?", clean.halfwidth(text).strip())
    if not m or not 2000 <= int(m.group(1)) <= 2100:
        raise CellError(_("Expected a year such as 2023, found %(value)s.") % {"value": text})
    return int(m.group(1))


def _resolve_month(ctx: Context, text: str) -> int:
    key = clean.halfwidth(text).strip().removesuffix("月份").removesuffix("月")
    if re.fullmatch(r"[一二三四五六七八九十]+", key):
        key = str(["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"].index(key) + 1) \
            if key in ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二") else ""
    if not re.fullmatch(r"\d{1,2}", key) or not 1 <= int(key) <= 12:
        raise CellError(_("Expected a month from 1 to 12, found %(value)s.") % {"value": text})
    return int(key)


def _resolve_period(ctx: Context, text: str) -> tuple[int, int]:
    day = clean.parse_date(text)
    if not 2000 <= day.year <= 2100:
        raise CellError(_("Expected a period such as 2023年6月 or 2023.06, found %(value)s.") % {"value": text})
    return day.year, day.month


class IndicatorSpec(FieldSpec):
    """An indicator's column: a number in the indicator's unit, or 无数据."""

    indicator: Indicator

    def parse(self, ctx: Context, raw: Any, header_unit: str = "") -> Any:
        if isinstance(raw, str) and clean.halfwidth(raw).strip() in NO_DATA_WORDS:
            return NO_DATA
        return super().parse(ctx, raw, header_unit)


def _indicator_spec(ind: Indicator) -> IndicatorSpec:
    spec = IndicatorSpec(
        f"{FIELD_PREFIX}{ind.code}", ind.name, "decimal", unit=ind.unit,
        synonyms=(ind.name, ind.code, *INDICATOR_SYNONYMS.get(ind.code, ())),
        decimal_places=ind.decimals, max_digits=16, min_value=None,
        help=gettext_lazy("A number, or 无数据; an empty cell leaves the stored value as it is"),
    )
    spec.indicator = ind
    return spec


BASE_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(
        "uscc", gettext_lazy("Unified social credit code"), "uscc", required=True,
        synonyms=USCC_SYNONYMS,
        help=gettext_lazy("18 characters, GB 32100-2015; the enterprise must be registered already"),
    ),
    FieldSpec(
        "name", gettext_lazy("Enterprise name"), max_length=150,
        synonyms=("企业名称", "单位名称", "公司名称", "纳税人名称", "企业(单位)名称", "名称", "企业"),
        help=gettext_lazy("For reading only; the enterprise is found by its code"),
    ),
    FieldSpec(
        "park", gettext_lazy("Park"), "ref", required=True, resolve=resolve_park,
        synonyms=PARK_SYNONYMS,
        help=gettext_lazy("A park you manage, where the enterprise is or was settled"),
    ),
    FieldSpec("year", gettext_lazy("Year"), "ref", resolve=_resolve_year,
              synonyms=("年份", "年度", "年", "统计年度", "统计年份")),
    FieldSpec("month", gettext_lazy("Month"), "ref", resolve=_resolve_month,
              synonyms=("月份", "月", "统计月份", "报告月份")),
    FieldSpec("period", gettext_lazy("Reporting period"), "ref", resolve=_resolve_period,
              synonyms=("报告期", "统计期", "所属期", "期间", "年月", "统计时间", "报告期别"),
              help=gettext_lazy("Instead of year and month: 2023年6月, 2023.06 or 2023-06")),
)


class ReportValueImporter(Importer):
    """Past statistics by (USCC, park, period), one column per indicator; stored as approved reports."""

    entity = "report_values"
    label = gettext_lazy("Historical statistics")
    model = ReportValue
    grows = (Report, ReportValue)
    key_fields = ("uscc", "park")
    roles = (Role.REGION_STAFF, Role.PARK_OPERATOR)
    # The batch's values were merged into approved reports, derived values and rollups that other reports share;
    # undoing that exactly would need every value's previous state, so such a batch is corrected, not reverted.
    revertible = False
    revert_refusal = gettext_lazy("A historical statistics import cannot be reverted: its values became approved "
                                  "reports and rollups. Correct the values by importing a fixed file.")

    #: Write with :func:`~yuanqu.stats.services.history_import_bulk` (COPY / executemany); False: row by row
    #: through :func:`~yuanqu.stats.services.history_import` (the tests compare the two).
    bulk = True

    def __init__(self) -> None:
        self._fields: tuple[FieldSpec, ...] = ()
        self._loaded = 0.0

    @property
    def fields(self) -> Sequence[FieldSpec]:  # type: ignore[override]
        """The fixed columns and one column per active indicator (the dictionary is read every few seconds)."""
        if not self._fields or time.monotonic() - self._loaded > FIELDS_TTL:
            self._fields = BASE_FIELDS + tuple(_indicator_spec(i) for i in Indicator.objects.active())
            self._loaded = time.monotonic()
        return self._fields

    def forget_fields(self, **_signal: Any) -> None:
        """Read the indicator dictionary again next time (connected to the indicator's save and delete)."""
        self._fields = ()

    def spec(self, name: str) -> FieldSpec:
        """The field ``name``; a column mapped to an indicator deactivated since is read and then ignored."""
        found = next((f for f in self.fields if f.name == name), None)
        if found is None:
            self.forget_fields()
            found = next((f for f in self.fields if f.name == name), None)
        if found is None:
            found = FieldSpec(name, name.removeprefix(FIELD_PREFIX))
        return found

    def indicator_specs(self) -> list[IndicatorSpec]:
        return [f for f in self.fields if isinstance(f, IndicatorSpec)]

    # --- keys ------------------------------------------------------------------------------------------------

    @staticmethod
    def period_of(row: RowResult) -> tuple[int, int] | None:
        v = row.values
        if v.get("period"):
            return v["period"]  # type: ignore[no-any-return]
        if v.get("year") and v.get("month"):
            return v["year"], v["month"]
        return None

    def key_of(self, row: RowResult) -> tuple[Any, ...] | None:
        uscc, park = row.values.get("uscc"), row.values.get("park")
        if not uscc or park is None:
            return None
        return uscc, park.pk, self.period_of(row)

    def row_label(self, row: RowResult) -> str:
        period = self.period_of(row)
        park = row.values.get("park")
        when = f"{period[0]}年{period[1]}月" if period else ""
        return f"{row.values.get('uscc', '')} {row.values.get('name', '')} {park.name if park else ''} {when}"

    def example(self) -> list[Any]:
        return []

    # --- checking --------------------------------------------------------------------------------------------

    def begin(self, ctx: Context) -> None:
        self.forget_fields()
        specs = ctx.cache["specs"] = {s.name: s for s in self.indicator_specs()}
        # what the check of each indicator column needs, read once per file instead of once per cell
        ctx.cache["rules"] = {name: (spec, spec.indicator, frozenset(months_of(spec.indicator.frequency)))
                              for name, spec in specs.items()}
        mapping = ctx.batch.mapping if ctx.batch is not None else {}
        # the indicator columns, for the dashes the engine reads as empty cells (an explicit 无数据 here)
        ctx.cache["indicator_columns"] = [(int(col), name) for col, name in mapping.items()
                                          if col.isdigit() and name in specs]
        ctx.cache["rollup_cells"] = {}  # the chunks' touched rollup cells, recomputed once in :meth:`finish`

    def prefetch(self, ctx: Context, rows: Sequence[RowResult]) -> None:
        for row in rows:  # the default park of the batch stands in for a missing park column
            if row.values.get("park") is None and ctx.default_park is not None:
                row.values["park"] = ctx.default_park
        usccs = {r.values["uscc"] for r in rows if r.values.get("uscc")}
        # Found only among the enterprises the uploader may look up, so an unknown code and one outside
        # the scope get the same row error.
        ents = {e.uscc: e for e in enterprises_findable_by(ctx.actor).filter(AnyOf(F("uscc"), sorted(usccs)))
                .select_related("industry")}
        ctx.cache["enterprises"] = ents
        ent_ids = [e.pk for e in ents.values()]
        ctx.cache["settled"] = set(Settlement.objects.filter(AnyOf(F("enterprise_id"), ent_ids)).order_by()
                                   .values_list("enterprise_id", "park_id"))
        years = {p[0] for r in rows if (p := self.period_of(r))}
        stored: dict[tuple[int, int, int, int, int], tuple[Decimal | None, bool, str]] = {}
        for e_id, p_id, i_id, y, m, value, no_data, status in ReportValue.objects.filter(
                AnyOf(F("enterprise_id"), ent_ids), year__in=years).values_list(
                "enterprise_id", "park_id", "indicator_id", "year", "month", "value", "no_data", "report__status"):
            stored[(e_id, p_id, i_id, y, m)] = (value, no_data, status)
        ctx.cache["stored"] = stored
        ctx.cache["reports"] = {
            (e_id, p_id, y, m, freq): status for e_id, p_id, y, m, freq, status in Report.objects.filter(
                AnyOf(F("enterprise_id"), ent_ids), round__year__in=years).order_by().values_list(
                "enterprise_id", "park_id", "round__year", "round__month", "round__frequency", "status")}
        ctx.cache["locked"] = set(Round.objects.filter(year__in=years, locked=True)
                                  .values_list("region_id", "frequency", "year", "month"))

    def _entries(self, ctx: Context, row: RowResult) -> dict[str, Any]:
        """Each indicator column the row gives, by field name: a Decimal or NO_DATA (also for the dashes the
        engine reads as empty cells)."""
        values = row.values
        out = {name: values[name] for _index, name in ctx.cache["indicator_columns"] if name in values}
        raw_cells = row.raw
        for index, name in ctx.cache["indicator_columns"]:
            if name in out or index >= len(raw_cells):
                continue
            raw = raw_cells[index]
            if isinstance(raw, str) and clean.halfwidth(raw).strip() in NO_DATA_WORDS:
                out[name] = NO_DATA
        return out

    def check(self, ctx: Context, row: RowResult) -> None:
        v = row.values
        park = v["park"]
        period = self.period_of(row)
        if period is None:
            row.error(_("Give the period: a year and a month column, or a reporting period such as 2023年6月."))
            return
        year, month = period
        row.extra["period"] = period
        if (year, month) > (ctx.today.year, ctx.today.month):
            row.error(_("The period has not begun yet."))
        ent = ctx.cache["enterprises"].get(v["uscc"])
        if ent is None:
            row.error(_("No enterprise has this unified social credit code; import the enterprise first."))
            return
        row.extra["enterprise"] = ent
        if (ent.pk, park.pk) not in ctx.cache["settled"]:
            row.error(_("The enterprise has never been settled in %(park)s.") % {"park": park.name})
            return
        entries = self._entries(ctx, row)
        row.extra["entries"] = entries
        reports = ctx.cache["reports"]
        stored_values = ctx.cache["stored"]
        locked = ctx.cache["locked"]
        rules = ctx.cache["rules"]
        changes: dict[str, Any] = {}
        approve = new = False
        for name, value in entries.items():
            spec, ind, months = rules[name]
            if month not in months:
                row.error(f"{spec.header()}: " + _("A %(frequency)s period cannot end in month %(month)d.")
                          % {"frequency": Frequency(ind.frequency).label, "month": month})
                continue
            if value != NO_DATA:
                if ind.min_value is not None and value < ind.min_value:
                    row.error(_("%(name)s cannot be negative.") % {"name": ind.name} if ind.min_value == 0 else
                              _("%(name)s cannot be less than %(min)s.") % {"name": ind.name, "min": ind.min_value})
                if ind.max_value is not None and value > ind.max_value:
                    row.error(_("%(name)s cannot be more than %(max)s.") % {"name": ind.name, "max": ind.max_value})
            status = reports.get((ent.pk, park.pk, year, month, ind.frequency))
            if status is None:
                new = True
            elif status != Report.Status.APPROVED:
                approve = True
            old = stored_values.get((ent.pk, park.pk, ind.pk, year, month)) if stored_values else None
            if old is None:
                same = False
            elif value == NO_DATA:
                same = old[1]
            else:
                same = not old[1] and old[0] is not None and old[0].compare(value) == 0
            if not same:
                changes[spec.name] = value
            if locked and (status is None or status != Report.Status.APPROVED or not same) and (
                    park.region_id, ind.frequency, year, month) in locked:
                row.error(_("This period is locked. Ask region staff to reopen it first."))
                return
        if row.errors:
            return
        row.changes = changes
        row.extra["approve"] = approve
        if new:
            row.action = "new"
        elif changes or approve:
            row.action = "update"
        else:
            row.action = "unchanged"

    # --- writing ---------------------------------------------------------------------------------------------

    def apply(self, ctx: Context, rows: Sequence[RowResult], progress: Callable[[int], None]) -> None:
        rules = ctx.cache["rules"]
        no_data = services.Entry(no_data=True, no_data_reason=NO_DATA_REASON)  # the same for every cell (read only)
        entry = services.Entry
        history = []
        for row in rows:
            year, month = row.extra["period"]
            approve, changes = row.extra.get("approve"), row.changes
            entries = {}
            for name, value in row.extra["entries"].items():
                if approve or name in changes:
                    entries[rules[name][1]] = no_data if type(value) is str else entry(value=value)
            history.append(services.HistoryRow(enterprise=row.extra["enterprise"], park=row.values["park"],
                                               year=year, month=month, entries=entries))
        if self.bulk:
            services.history_import_bulk(actor=ctx.actor, rows=history, rollup_cells=ctx.cache["rollup_cells"])
        else:
            services.history_import(actor=ctx.actor, rows=history)
        progress(len(rows))

    def finish(self, ctx: Context) -> None:
        services.history_rollups(ctx.cache.pop("rollup_cells", {}))

