"""The app-neutral building blocks of importers: lookups of reference data, amount columns, and
:class:`ServiceImporter`, the base of every importer whose rows go one by one through the entity's services.

The importers themselves live with their apps (``parks/importers.py``, ``enterprises/importers.py``,
``investment/importers.py``, ``stats/importers.py``), each registered from its ``AppConfig.ready``.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yuanqu.core.models import IndustryCode, Region
from yuanqu.core.pickers import industry_match, industry_names
from yuanqu.core.scoping import region_within

from .clean import CellError, halfwidth, match_key
from .registry import LIST_SEPARATORS, Context, FieldSpec, Importer, RowResult, Warned, changed

#: Rows per chunk of a bulk read or write (parameters per query stay well below the databases' limits).
CHUNK = 5000


# --- lookups shared by the importers -------------------------------------------------------------------------

LEVEL_WORDS = {1: gettext_lazy("section (门类)"), 2: gettext_lazy("division (大类)"), 3: gettext_lazy("group (中类)")}


def _industries(ctx: Context) -> dict[str, str]:
    """Every industry code → its name, loaded once per run."""
    if "industries" not in ctx.cache:
        ctx.cache["industries"] = dict(IndustryCode.objects.values_list("code", "name"))
    return ctx.cache["industries"]  # type: ignore[no-any-return]


def industry_label(code: Any) -> str:
    """An industry code with its name, for the preview: 「2710 化学药品原料药制造」."""
    name = industry_names().get(str(code))
    return f"{code} {name}" if name else str(code)


def resolve_industry(ctx: Context, text: str) -> Any:
    """The GB/T 4754-2017 code a cell names: a code, a name, an everyday word (生物医药), pinyin or initials.

    A word that names several industries is an error listing them, so the user chooses; a name that reaches
    only a 门类/大类/中类, not a 小类, is taken with a warning saying so.
    """
    table = _industries(ctx)
    key = halfwidth(text).strip().upper()
    if key in table:
        return key
    memo: dict[str, Any] = ctx.cache.setdefault("industry_memo", {})
    if text in memo:
        hit = memo[text]
        if isinstance(hit, CellError):
            raise hit
        return hit
    match = industry_match(text)
    if not match.candidates:
        memo[text] = CellError(_("Unknown industry %(value)s: give a GB/T 4754-2017 code or name.") % {"value": text})
        raise memo[text]
    if match.code is None:
        shown = "、".join(c.text for c in match.candidates[:6]) + ("…" if len(match.candidates) > 6 else "")
        memo[text] = CellError(_("%(value)s may mean several industries: %(candidates)s. Write the code of the one "
                                 "you mean (for example %(example)s).")
                               % {"value": text, "candidates": shown, "example": match.candidates[0].id})
        raise memo[text]
    code, level = match.candidates[0].id, match.levels[0]
    value: Any = code
    if match.how != "code" and level < 4:
        value = Warned(code, [_("%(value)s matches only the %(level)s %(industry)s, not a class (小类).")
                              % {"value": text, "level": LEVEL_WORDS[level], "industry": match.candidates[0].text}])
    memo[text] = value
    return value


def split_industries(ctx: Context, text: str) -> list[str]:
    """A list cell of industries split at its separators, keeping whole a GB/T name that holds one
    (计算机、通信和其他电子设备制造业)."""
    parts = [t for t in LIST_SEPARATORS.split(text.strip()) if t]
    names = {match_key(n) for n in _industries(ctx).values()}
    out: list[str] = []
    i = 0
    while i < len(parts):
        for j in range(len(parts), i + 1, -1):
            joined = "、".join(parts[i:j])
            if match_key(joined) in names:
                out.append(joined)
                i = j
                break
        else:
            out.append(parts[i])
            i += 1
    return out


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


def amount_field(name: str, label: Any, synonyms: Sequence[str], unit: str = "万元", **kw: Any) -> FieldSpec:
    """A decimal column in ``unit`` (万元 unless said otherwise); a header in another unit is converted."""
    return FieldSpec(name, label, "decimal", synonyms=synonyms, unit=unit, **kw)


YES_NO_HELP = gettext_lazy("是 or 否")


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

    def stored(self, obj: Any, name: str) -> Any:
        """The stored value of field ``name`` of ``obj``, comparable with a parsed cell (a list of codes for a
        many-valued field)."""
        return getattr(obj, name, None)

    def check(self, ctx: Context, row: RowResult) -> None:
        obj = self.find(ctx, row)
        if obj is None:
            row.action = "new"
            return
        row.existing = obj
        names = [n for n in self.compare_fields() if n in row.values]
        stored = {n: self.stored(obj, n) for n in names}
        row.extra["stored"] = stored
        new = {n: sorted(v) if isinstance(v, list) else v for n, v in row.values.items()}
        row.changes = {n: row.values[n] for n in changed(stored, new, names)}
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
            if row.action == "update" and isinstance(row.existing, models.Model):
                # the preview's rolled-back write left its values on the object: the service must see (and its
                # audit event and the batch's revert record) what is stored
                row.existing.refresh_from_db()
            self.try_write(ctx, row)  # a row the service refuses keeps its errors and is left out
            progress(n)


class BulkServiceImporter(ServiceImporter):
    """A :class:`ServiceImporter` whose new rows are checked in :meth:`check` as the entity's create service would
    check them (with its messages) and written in bulk by :meth:`insert`; stored rows still go through the services,
    row by row (settlements, leads, projects; issue 14 item 9).

    ``bulk = False`` sends every row through the services (the tests import the same files both ways and compare).
    """

    bulk = True

    def _region_ok(self, ctx: Context, region: Any) -> bool:
        """Whether ``region`` is within the importing user's (once per region and run)."""
        memo: dict[Any, bool] = ctx.cache.setdefault("regions_within", {})
        if region not in memo:
            memo[region] = region_within(region, ctx.actor)
        return memo[region]

    def _refuse(self, row: RowResult, name: str, message: str) -> None:
        """A field's error as :meth:`ServiceImporter.try_write` words a service's (``header: message``)."""
        row.error(f"{self._label(name)}: {message}")

    def dry_run(self, ctx: Context, rows: Sequence[RowResult]) -> None:
        # new rows were checked in :meth:`check`; changes of stored rows go through their services
        super().dry_run(ctx, [r for r in rows if r.action != "new"] if self.bulk else rows)

    def apply(self, ctx: Context, rows: Sequence[RowResult], progress: Callable[[int], None]) -> None:
        if not self.bulk:
            super().apply(ctx, rows, progress)
            return
        stored = [r for r in rows if r.action != "new"]
        super().apply(ctx, stored, progress)
        self.stored_applied(ctx, stored)
        new = [r for r in rows if r.action == "new"]
        for i in range(0, len(new), CHUNK):
            chunk = new[i : i + CHUNK]
            self.insert(ctx, chunk)
            progress(len(stored) + i + len(chunk))

    def stored_applied(self, ctx: Context, rows: Sequence[RowResult]) -> None:
        """The changes of ``rows`` are written (what the run remembered of them may go); nothing by default."""
        return None

    @abstractmethod
    def insert(self, ctx: Context, rows: Sequence[RowResult]) -> None:
        """Insert the new ``rows`` (at most :data:`CHUNK`) and report their ids to the audit collector."""
