"""The import engine: upload → find the table → map columns → check every row (preview) → commit all or nothing.

Every entity goes through the same steps; what differs lives in its :class:`~yuanqu.tabular.registry.Importer`.
"""

from __future__ import annotations

import bisect
import contextlib
import gc
import hashlib
import itertools
import time
from collections import Counter
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from yuanqu.core import audit
from yuanqu.core.export import FORMULA_PREFIXES, xlsx_bytes
from yuanqu.core.numbers import unit_convertible

from . import clean, fast, reader, services
from .models import ImportBatch, SavedMapping
from .registry import Context, Importer, RowResult, Warned, get_importer
from .table import HEAD_ROWS, Table, data_rows, find_header, propose_mapping

if TYPE_CHECKING:
    from yuanqu.accounts.models import User

Progress = Callable[[str, int, int], None]
#: How many rows the row report lists beyond those with an error or a warning (always listed, with their cells):
#: a file of 10⁶ rows keeps its counts by status, and a report the size of its mistakes, not of the file.
REPORT_ROWS_WITH_VALUES = 2000


def importer_for(batch: ImportBatch) -> Importer:
    importer = get_importer(batch.entity)
    if importer is None:
        raise reader.ImportRefused(_("This kind of data cannot be imported."), "entity")
    return importer


def start_batch(*, actor: User, entity: str, filename: str, data: bytes, park: Any = None) -> ImportBatch:
    """Check the upload, find its table, propose a mapping and store it all as a batch, in one transaction.

    Raises ImportRefused (nothing stored) or PermissionDenied.
    """
    importer = get_importer(entity)
    if importer is None or not importer.allowed(actor):
        raise PermissionDenied("import not allowed")
    if park is not None and not type(park).objects.editable_by(actor).filter(pk=park.pk).exists():
        raise PermissionDenied("park not editable")
    fmt = reader.check_upload(filename, data)
    sheets = [s.name for s in reader.visible_sheets(data, fmt)]
    if not sheets:
        raise reader.ImportRefused(_("The workbook has no visible sheet."), "no_sheet")
    batch = ImportBatch(
        entity=entity, filename=filename[:255], fmt=fmt, size=len(data), sha256=hashlib.sha256(data).hexdigest(),
        content=data, created_by=actor, region_code=actor.region_id or "", default_park=park, sheets=sheets,
        sheet=sheets[0],
    )
    _analyse(batch)
    return services.batch_create(actor=actor, batch=batch)


def _sheet(batch: ImportBatch) -> reader.SheetRows:
    # The same batch object is analysed and then checked or committed (CLI, tasks): open the sheet once.
    cached = getattr(batch, "_sheet_cache", None)
    if cached is not None and cached[0] == batch.sheet:
        return cached[1]  # type: ignore[no-any-return]
    sheet = reader.SheetRows(bytes(batch.content), batch.fmt, batch.sheet)
    batch._sheet_cache = (batch.sheet, sheet)  # type: ignore[attr-defined]
    return sheet


def _table(batch: ImportBatch, importer: Importer, header_row: int | None = None) -> Table:
    """The table's header found in the batch's sheet (its data rows: :func:`_data_rows`)."""
    sheet = _sheet(batch)
    key = (batch.sheet, header_row)
    tables = getattr(batch, "_table_cache", {})
    if key in tables:
        return tables[key]  # type: ignore[no-any-return]
    table = find_header(sheet.head(HEAD_ROWS), importer.vocabulary(), width=sheet.width, merged=sheet.merged,
                        header_row=header_row)
    batch._table_cache = {key: table}  # type: ignore[attr-defined]
    return table


def _data_rows(batch: ImportBatch, table: Table) -> Iterator[tuple[int, list[Any]]]:
    """The data rows of the batch's sheet under ``table``'s header, read as they are reached (``table.skipped``
    fills as the totals and notes are passed)."""
    sheet = _sheet(batch)
    table.skipped = []
    return data_rows(table, sheet, sheet.width, sheet.merged)


def analyse(batch: ImportBatch, *, actor: User, sheet: str | None = None, header_row: int | None = None
            ) -> ImportBatch:
    """Find the table of the sheet ``actor`` chose and propose a mapping (a saved one for a known header wins)."""
    _analyse(batch, sheet=sheet, header_row=header_row)
    return services.batch_analysed(actor=actor, batch=batch)


def _analyse(batch: ImportBatch, *, sheet: str | None = None, header_row: int | None = None) -> None:
    importer = importer_for(batch)
    if sheet is not None and sheet in batch.sheets:
        batch.sheet = sheet
    table = _table(batch, importer, header_row)
    samples = list(itertools.islice(_data_rows(batch, table), 3))
    proposals = propose_mapping(table.columns, importer.synonyms(), importer.units(), importer.weak_synonyms())
    ignored = set()
    for lang in ("en", "zh-hans"):
        with translation.override(lang):
            ignored |= {clean.match_key(_(h)) for h in importer.ignored_headers}
    batch.header_rows = [r + 1 for r in table.header_rows + table.echo_rows]
    batch.columns = [
        {"index": p.column.index, "header": clean.storable(p.column.header), "unit": p.column.unit,
         "table_unit": "" if p.column.unit else table.unit,
         "field": p.field, "confidence": p.confidence,
         "sample": [clean.storable(clean.cell_text(r[p.column.index])) for _line, r in samples]}
        for p in proposals
    ]
    for c in batch.columns:
        if clean.match_key(clean.split_header_unit(c["header"])[0]) in ignored and c["confidence"] < 1:
            c["field"], c["confidence"] = "", 0.0
    batch.signature = table.signature
    batch.mapping = {str(c["index"]): c["field"] for c in batch.columns if c["field"]}
    batch.mapping_source = "auto"
    saved = SavedMapping.objects.filter(entity=batch.entity, signature=batch.signature,
                                        region_code=batch.region_code).first()
    if saved is not None:
        valid = {f.name for f in importer.fields}
        batch.mapping = {k: v for k, v in saved.mapping.items() if v in valid}
        batch.mapping_source = "saved"


def set_mapping(batch: ImportBatch, mapping: dict[str, str], *, actor: User, remember: bool = True,
                defaults: dict[str, str] | None = None) -> None:
    """Use ``mapping`` (column index → field) for this batch, and remember it for the same header; ``defaults``
    fill the empty cells of the fields that offer a default (this batch only)."""
    services.batch_set_mapping(actor=actor, batch=batch, mapping=mapping, remember=remember, defaults=defaults)


#: Keys of ``ImportBatch.mapping`` that start with this name a field's default for empty cells ("=signed_on":
#: "2024-06-30"), chosen on the mapping page; the other keys are column indexes.
DEFAULT_KEY = "="


def column_mapping(batch: ImportBatch) -> dict[str, str]:
    """The batch's mapping of column index → field, without the defaults."""
    return {k: v for k, v in batch.mapping.items() if not k.startswith(DEFAULT_KEY)}


def mapping_defaults(batch: ImportBatch) -> dict[str, str]:
    """The values the user chose for empty cells of a field (field → value as typed), on the mapping page."""
    return {k[len(DEFAULT_KEY):]: v for k, v in batch.mapping.items() if k.startswith(DEFAULT_KEY) and v}


def column_unit(importer: Importer, column: dict[str, Any], fieldname: str) -> str:
    """The unit a column's numbers are in for ``fieldname``: its header's, else the table's (「单位：亿元」 above the
    header) when the field is a number in a unit that can take it (a head-count does not take 亿元)."""
    if column.get("unit"):
        return str(column["unit"])
    table_unit = column.get("table_unit", "")
    target = importer.units().get(fieldname, "")
    return str(table_unit) if table_unit and target and unit_convertible(table_unit, target) else ""


def unit_problems(batch: ImportBatch) -> list[str]:
    """One message per mapped column whose header unit cannot be converted to its field's unit."""
    importer = importer_for(batch)
    units = importer.units()
    out = []
    for c in batch.columns:
        name = batch.mapping.get(str(c["index"]), "")
        if name in units and c.get("unit") and not unit_convertible(c["unit"], units[name]):
            out.append(_("Column %(column)s is in %(unit)s, which cannot be converted to %(field)s; map it to "
                         "another field, or convert the column in the file first.")
                       % {"column": c["header"], "unit": c["unit"], "field": importer.spec(name).header()})
    return out


def mapping_problems(batch: ImportBatch) -> list[str]:
    """Why the mapping cannot be used yet: key or required columns missing, a column in a unit its field
    cannot take."""
    importer = importer_for(batch)
    mapped = set(column_mapping(batch).values()) | set(mapping_defaults(batch))
    out = unit_problems(batch)
    for f in importer.fields:
        if (f.name in importer.key_fields or (f.required and f.name not in ("park",))) and f.name not in mapped:
            if f.name == "park" and batch.default_park_id:
                continue
            out.append(_("No column is mapped to %(field)s.") % {"field": f.header()})
    for name, text in mapping_defaults(batch).items():
        spec = next((f for f in importer.fields if f.name == name), None)
        if spec is None:
            continue
        try:
            spec.parse(Context(actor=batch.created_by), text)
        except (clean.CellError, ValueError) as exc:
            out.append(f"{spec.header()}: {exc}")
    return out


#: Rows per chunk of the streaming check and write: a chunk is parsed, checked against the database (one lookup per
#: chunk) and, in a commit, written before the next is read, so memory holds a chunk of rows (and the file's keys and
#: counts), not the file.
CHUNK_ROWS = 5000


#: A mapped column's parser: (column index, parse, header, field name).
ColumnPlan = tuple[int, Callable[[Any], Any], str, str]


def _parsers(importer: Importer, ctx: Context, batch: ImportBatch) -> tuple[list[ColumnPlan], dict[str, Any]]:
    """Each mapped column's parser (index, parse, header, field), made once per pass (their memos last the file),
    and the values the user chose on the mapping page for empty cells, parsed."""
    columns = {c["index"]: c for c in batch.columns}
    plan = []
    for col, fieldname in column_mapping(batch).items():
        spec, c = importer.spec(fieldname), columns.get(int(col), {})
        plan.append((int(col), spec.parser(ctx, column_unit(importer, c, spec.name)), c.get("header", spec.header()),
                     spec.name))
    defaults = {}
    for name, text in mapping_defaults(batch).items():
        if not any(f.name == name for f in importer.fields):
            continue
        try:
            defaults[name] = importer.spec(name).parse(ctx, text)
        except (clean.CellError, ValueError) as exc:
            raise reader.ImportRefused(f"{importer.spec(name).header()}: {exc}", "default") from exc
    return plan, defaults


def _parse_rows(plan: list[ColumnPlan], defaults: dict[str, Any],
                pairs: list[tuple[int, list[Any]]]) -> list[RowResult]:
    """The rows of a chunk parsed, column by column (one parser and one field per loop, which is what makes 10⁶
    cells quick); ``RowResult.filled`` counts each row's mapped cells that hold something."""
    results = [RowResult(line=line, raw=cells) for line, cells in pairs]
    values = [row.values for row in results]
    filled = [0] * len(results)
    short_empty: dict[str, bool] = {}  # whether a short text is a marker of nothing (—, /, 无 …), by text
    for index, parse, header, name in plan:
        for k, (_line, cells) in enumerate(pairs):
            raw = cells[index] if index < len(cells) else ""
            if raw == "" or raw is None:
                continue
            if type(raw) is str:
                if raw[0] == "'" and raw[1:2] in FORMULA_PREFIXES:
                    raw = raw[1:]  # our own export's guard against formula injection
                if len(raw) <= 6:
                    empty = short_empty.get(raw)
                    if empty is None:
                        empty = short_empty[raw] = clean.is_empty(raw)
                    if empty:
                        continue
                elif raw[0] in " \t\r\n\u3000" and clean.is_empty(raw):
                    filled[k] -= 1  # blanks only: parsed as before, but not a filled cell
            filled[k] += 1
            try:
                value = parse(raw)
                if type(value) is Warned:
                    results[k].warnings.extend(f"{header}: {w}" for w in value.warnings)
                    value = value.value
                values[k][name] = value
            except clean.CellError as exc:
                row = results[k]
                row.error(f"{header}: {exc}")
                row.extra.setdefault("unreadable", set()).add(name)
            except (ValueError, ArithmeticError):
                row = results[k]
                row.error(f"{header}: " + _("cannot read %(value)s.") % {"value": clean.cell_text(raw)})
                row.extra.setdefault("unreadable", set()).add(name)
    for row, count in zip(results, filled, strict=True):
        row.filled = count
    for name, value in defaults.items():
        for row in results:
            if name not in row.values and name not in row.extra.get("unreadable", ()):
                row.values[name] = value
                row.extra.setdefault("defaulted", set()).add(name)
    return results


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    """A pass allocates a few containers per row and keeps the chunk's until the next: the cyclic collector's
    default, a collection every 700 allocations, spent about 5% of a large import scanning them, and a full
    collection scans every object of the process (Django's, the application's). While the pass runs, the youngest
    generation is collected once per 50,000 allocations (about two chunks: most of a chunk's containers are freed
    before they are scanned), and what existed before the pass is left out of the collections (``gc.freeze``).
    Nothing of a pass needs the collector; what it leaves in cycles is collected afterwards. (100k settlements: the
    collector's time 0.29 → 0.12 s of 4–5 s.)"""
    old = gc.get_threshold()
    freeze = gc.get_freeze_count() == 0  # a process that froze objects itself (a pre-forking server) keeps them so
    if freeze:
        gc.freeze()
    gc.set_threshold(max(old[0], 50_000), *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)
        if freeze:
            gc.unfreeze()


class _Pass:
    """One pass over the file's rows, chunk by chunk: what is kept from chunk to chunk is the keys seen (for rows
    that repeat one) and the tally (:class:`_Tally`)."""

    def __init__(self, batch: ImportBatch, *, actor: User) -> None:
        self.batch = batch
        self.importer = importer = importer_for(batch)
        if not importer.allowed(actor):
            raise PermissionDenied("import not allowed")
        problems = unit_problems(batch)
        if problems:
            raise reader.ImportRefused(" ".join(problems), "unit")
        self.ctx = ctx = Context(actor=actor, default_park=batch.default_park, batch=batch)
        importer.begin(ctx)
        self.table = _table(batch, importer)  # the header is found again exactly as when the batch was analysed
        self.plan, self.defaults = _parsers(importer, ctx, batch)
        self.seen: dict[tuple[Any, ...], int] = {}
        sheet = _sheet(batch)
        #: the data rows to expect, for the progress bar (totals and notes are among them until they are passed)
        self.total = ctx.rows = max(0, sheet.height - (self.table.echo_rows or self.table.header_rows)[-1] - 1)
        self.tally = _Tally(importer, ctx, batch)

    def chunks(self, progress: Progress | None = None) -> Iterator[list[RowResult]]:
        """The rows parsed and checked against the database, a chunk at a time (each chunk is checked after the
        previous one was written, in a commit)."""
        importer, ctx = self.importer, self.ctx
        source = _data_rows(self.batch, self.table)
        # what a new row must hold (the park may come from the batch's default park)
        required = [f for f in importer.fields if f.required and not (f.name == "park" and ctx.default_park)]
        done = 0
        while True:
            pairs = list(itertools.islice(source, CHUNK_ROWS))
            if not pairs:
                break
            rows = _parse_rows(self.plan, self.defaults, pairs)
            keyed = []
            for row in rows:
                key = importer.key_of(row)
                if key is None:
                    unreadable = row.extra.get("unreadable", set())
                    missing = [importer.spec(k).header() for k in importer.key_fields
                               if row.values.get(k) in (None, "") and k not in unreadable]
                    if missing:
                        row.error(_("%(fields)s: required.") % {"fields": "、".join(missing)})
                    continue
                if key in self.seen:
                    row.error(_("The same key as row %(line)d; each row must be about a different record.")
                              % {"line": self.seen[key]})
                    continue
                self.seen[key] = row.line
                keyed.append(row)
            importer.prefetch(ctx, [r for r in keyed if not r.errors])
            for row in keyed:
                if not row.errors:
                    importer.check(ctx, row)
                    if row.action == "new":
                        for f in required:
                            if f.name not in row.values:
                                row.error(_("%(field)s: required for a new row.") % {"field": f.header()})
            done += len(rows)
            if progress:
                progress("check", done, max(done, self.total))
            yield rows
        self.batch.skipped = [[line, why] for line, why in self.table.skipped]


class _Tally:
    """Counts by status and the row report of a pass, kept as the chunks go by, and the rows that look cut off.

    The last row is held back until the pass ends (it is flagged when it has far fewer cells than the rows above),
    and so are new rows with a name only, until every name of the file is known (a name that begins another one is
    flagged); the report is in line order.
    """

    def __init__(self, importer: Importer, ctx: Context, batch: ImportBatch) -> None:
        self.importer, self.ctx = importer, ctx
        self.counts = {"total": 0, "new": 0, "update": 0, "unchanged": 0, "error": 0, "warning": 0, "to_accept": 0,
                       "listed": 0}
        self.report: list[list[Any]] = []
        self.others = 0  # rows listed without an error or a warning
        self.headers = {f.name: f.header() for f in importer.fields}
        self.mapped = bool(column_mapping(batch))
        self.filled: Counter[int] = Counter()  # of every row but the last
        self.names: set[str] | None = set() if "name" in self.headers and self.mapped else None
        self.pending: list[RowResult] = []  # new rows with a name only
        self.held: RowResult | None = None
        self.any_candidate = False  # a row without an error that is not unchanged

    def add(self, rows: list[RowResult]) -> None:
        for row in rows:
            if self.names is not None:
                self.names.add(str(row.values.get("name") or ""))
            if self.held is not None:
                self._settle(self.held)
            self.held = row

    def _settle(self, row: RowResult) -> None:
        self.filled[row.filled] += 1
        if not row.errors and row.action != "unchanged":
            self.any_candidate = True
        if self._may_be_cut(row):
            self.pending.append(row)
        else:
            self._count(row)

    def _may_be_cut(self, row: RowResult) -> bool:
        return (self.names is not None and not row.errors and row.action == "new" and row.filled <= 1
                and len(str(row.values.get("name") or "")) >= 2 and not row.extra.get("confirm"))

    def _count(self, row: RowResult) -> None:
        status = row.status
        counts = self.counts
        counts["total"] += 1
        counts[status] = counts.get(status, 0) + 1
        if row.extra.get("confirm") and not row.errors:
            counts["to_accept"] += 1
        if status not in ("error", "warning"):
            if self.others >= REPORT_ROWS_WITH_VALUES:
                return
            self.others += 1
        importer = self.importer
        reasons = row.errors + row.warnings
        if status == "update" and row.changes:
            reasons = [_("Changes: %(fields)s") % {"fields": "、".join(
                self.headers[k] for k in row.changes if k in self.headers)}]
        self.report.append([row.line, status, row.action, reasons, clean.storable(importer.row_label(row).strip()),
                            [clean.storable(clean.cell_text(v)) for v in row.raw],
                            _cells(importer, row, self.headers)])

    def finish(self) -> tuple[dict[str, int], list[list[Any]]]:
        """Flag the rows that look cut off and return the counts and the report.

        The last row with most of its mapped cells empty while the rows above are full (a sheet copied short), and a
        new row whose name is the beginning of another row's name or of a stored name, with its other cells empty
        (a name cut mid-word): each gets a warning the user must accept (``extra["confirm"]``).
        """
        last, self.held = self.held, None
        if last is not None:
            if not last.errors and last.action != "unchanged":
                self.any_candidate = True
            if self.any_candidate and self.mapped:
                typical = _median(self.filled)
                if typical >= 3 and last.filled * 2 <= typical and not last.errors and last.action != "unchanged":
                    last.warnings.append(_("This last row has only %(n)d of the %(typical)d cells the rows above "
                                           "have: it may have been cut off. Check it before importing.")
                                         % {"n": last.filled, "typical": typical})
                    last.extra["confirm"] = True
            if self._may_be_cut(last):
                self.pending.append(last)
            else:
                self._count(last)
        if self.pending:
            self._flag_prefixes()
        self.report.sort(key=lambda entry: entry[0])
        self.counts["listed"] = len(self.report)
        return self.counts, self.report

    def _flag_prefixes(self) -> None:
        importer, ctx = self.importer, self.ctx
        manager: Any = importer.model._default_manager
        try:
            importer.model._meta.get_field("name")
        except FieldDoesNotExist:
            manager = None  # the name is not a column of the model: compare with the file's names only
        names = sorted(self.names or ())
        for row in self.pending:
            name = str(row.values.get("name") or "")
            longer = None
            at = bisect.bisect_right(names, name)  # the names that begin with ``name`` sort right after it
            if at < len(names) and names[at].startswith(name):
                longer = names[at]
            if longer is None and manager is not None and hasattr(manager, "visible_to"):
                longer = (manager.visible_to(ctx.actor).filter(name__startswith=name).exclude(name=name)
                          .values_list("name", flat=True).first())
            if longer:
                row.warnings.append(_("%(name)s is the beginning of %(longer)s and the row's other cells are empty: "
                                      "the name may have been cut off. Check it before importing.")
                                    % {"name": name, "longer": longer})
                row.extra["confirm"] = True
            self._count(row)
        self.pending = []


def _median(counter: Counter[int]) -> int:
    """The middle value (the upper one of an even count) of the values counted in ``counter``; 0 if none."""
    n = sum(counter.values())
    seen = 0
    for value in sorted(counter):
        seen += counter[value]
        if seen > n // 2:
            return value
    return 0


def validate(batch: ImportBatch, *, actor: User, progress: Progress | None = None
             ) -> tuple[Importer, Context, dict[str, int], list[list[Any]]]:
    """Read, parse and check every row against the database, a chunk at a time; nothing is written (an importer
    whose rows go through services runs their writes and rolls them back). Returns the counts and the row report."""
    run = _Pass(batch, actor=actor)
    dry = getattr(run.importer, "dry_run", None)
    with _fewer_collections():
        for rows in run.chunks(progress):
            if dry is not None:
                with transaction.atomic():
                    dry(run.ctx, rows)
            run.tally.add(rows)
        counts, report = run.tally.finish()
    return run.importer, run.ctx, counts, report


def _cells(importer: Importer, row: RowResult, headers: dict[str, str] | None = None) -> list[list[Any]]:
    """The row's values as the import will write them, each beside the stored one for a stored record:
    [header, new text, stored text or None, changed]; ``headers``: the fields' headers, read once per report."""
    stored = row.extra.get("stored")
    if stored is None and isinstance(row.existing, dict):
        stored = row.existing
    out: list[list[Any]] = []
    for f in importer.fields:
        if f.name not in row.values:
            continue
        new = f.display(row.values[f.name])
        old = None
        if row.existing is not None:
            if stored is not None and f.name in stored:
                old = f.display(stored[f.name])
            elif f.name in importer.key_fields:
                old = new
        out.append([headers[f.name] if headers else f.header(), new, old, f.name in row.changes])
    return out



def _save_progress(batch: ImportBatch, done: int, total: int) -> None:
    """Store the progress for the page's progress bar, at most twice a second (each write costs a commit).

    Not inside a transaction (a commit's): nobody else would see it before the end, and the batch's row holds the
    uploaded file, which SQLite rewrites whole with every update of the row (a 100 MB file, twice a second)."""
    if transaction.get_connection().in_atomic_block:
        return
    now = time.monotonic()
    if done < total and now - getattr(batch, "_progress_saved", 0.0) < 0.5:
        return
    batch._progress_saved = now  # type: ignore[attr-defined]
    services.batch_progress(batch=batch, done=done, total=total)


def preview(batch: ImportBatch, *, actor: User, progress: Progress | None = None) -> ImportBatch:
    """Check every row and store the row report; nothing is written to the data."""
    services.batch_start(batch=batch)

    def report_progress(step: str, done: int, total: int) -> None:
        _save_progress(batch, done, total)
        if progress:
            progress(step, done, total)

    try:
        _importer, _ctx, counts, report = validate(batch, actor=actor, progress=report_progress)
    except reader.ImportRefused as exc:
        return services.batch_fail(batch=batch, error=exc.message)
    return services.batch_previewed(batch=batch, counts=counts, report=report)


#: Tests set this to a callable to interrupt a commit half-way (it runs after each chunk is written).
_after_chunk: Callable[[int], None] | None = None


class _NotAccepted(Exception):
    """A commit found rows that look cut off and the user had not accepted them: what was written is rolled back."""

    def __init__(self, counts: dict[str, int], report: list[list[Any]]) -> None:
        super().__init__("warnings not accepted")
        self.counts, self.report = counts, report


def commit(batch: ImportBatch, *, actor: User, progress: Progress | None = None,
           accept_warnings: bool = False) -> ImportBatch:
    """Check every row again and write all valid rows in one transaction, with one audit event.

    The file goes through parse → check → write a chunk at a time (:data:`CHUNK_ROWS` rows), all in the one
    transaction, so memory holds a chunk, not the file. Rows with errors are left out (download them, fix them,
    import them again); if anything fails while writing, nothing of the batch is stored. Rows that look cut off
    are written only when the user accepted the warnings (``accept_warnings``); otherwise the transaction is rolled
    back, nothing is written and the batch stays checked, with the report that says why.
    """
    if batch.status == ImportBatch.Status.COMMITTED:
        return batch
    if batch.created_by_id != actor.pk:
        raise PermissionDenied("not your batch")
    services.batch_start(batch=batch, status=ImportBatch.Status.COMMITTING)

    def report_progress(step: str, done: int, total: int) -> None:
        _save_progress(batch, done, total)
        if progress:
            progress(step, done, total)

    try:
        with transaction.atomic(), _fewer_collections():
            run = _Pass(batch, actor=actor)
            importer, ctx = run.importer, run.ctx
            written_rows = 0
            # what the rows' services record (and what a fast path reports) is kept for a revert
            with audit.collecting() as written:
                for rows in run.chunks(report_progress):
                    todo = [r for r in rows if not r.errors and r.action in ("new", "update")]
                    before = written_rows

                    def step(done: int, before: int = before) -> None:
                        if progress:
                            progress("write", before + done, max(before + done, run.total))

                    importer.apply(ctx, todo, step)
                    fast.refresh_statistics(importer.grows)  # the next chunk's look-ups, planned afresh
                    written_rows += sum(1 for r in todo if not r.errors)  # a service may refuse a row: left out
                    run.tally.add(rows)
                    if _after_chunk is not None:
                        _after_chunk(written_rows)
                importer.finish(ctx)
            counts, report = run.tally.finish()
            if counts["to_accept"] and not accept_warnings:
                raise _NotAccepted(counts, report)
            services.batch_commit(actor=actor, batch=batch, label=importer.model._meta.label, counts=counts,
                                  report=report, written=written_rows, undo=written.as_json())
    except _NotAccepted as exc:
        return services.batch_previewed(batch=batch, counts=exc.counts, report=exc.report)
    except (ValidationError, reader.ImportRefused) as exc:
        message = exc.message if isinstance(exc, reader.ImportRefused) else " ".join(exc.messages)
        services.batch_fail(batch=batch, error=_("Nothing was imported: %(why)s") % {"why": message})
        batch.refresh_from_db()
    except BaseException:  # an error, or the process told to stop: the transaction is rolled back
        services.batch_fail(batch=batch, error=_("Nothing was imported: the import stopped with an error."))
        raise
    return batch


def error_rows_xlsx(batch: ImportBatch) -> bytes:
    """The rows with errors, with the original header and a reason column, ready to fix and import again."""
    importer = importer_for(batch)
    # mapped columns get the field's own header, so the fixed file maps itself when imported again
    # (keeping the unit the values are in: a column in 亿元 stays in 亿元)
    headers = []
    for c in batch.columns:
        name = batch.mapping.get(str(c["index"]))
        if name is None:
            headers.append(c["header"])
        else:
            spec = importer.spec(name)
            unit = column_unit(importer, c, name)
            headers.append(f"{spec.label}({unit})" if unit else spec.header())
    indexes = [c["index"] for c in batch.columns]
    rows = []
    for entry in batch.report:
        line, status, reasons, raw = entry[0], entry[1], entry[3], entry[5]
        if status != "error" or raw is None:
            continue
        rows.append([raw[i] if i < len(raw) else "" for i in indexes] + [f"第{line}行：" + "；".join(reasons)])
    return xlsx_bytes(headers + [_("Reason")], rows, sheet=_("Errors"))
