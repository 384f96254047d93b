"""The importer registry: what each importable entity's columns are and how its rows are checked and written.

An app makes its data importable by subclassing :class:`Importer` and calling :func:`register` from its
``AppConfig.ready`` (the statistics app registers report values this way). The engine
(:mod:`yuanqu.tabular.engine`) does the rest: reading, header and mapping, preview, commit, audit.
"""

from __future__ import annotations

import datetime as dt
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from yuanqu.core.numbers import parse_number
from yuanqu.core.roles import Role
from yuanqu.core.text import USCC_ALPHABET, USCC_WEIGHTS, normalize_uscc, validate_uscc
from yuanqu.core.validators import (
    EARLIEST_DATE,
    NAME_BAD,
    NAME_FIELDS,
    TEXT_BAD,
    TEXT_MAX_LENGTH,
    validate_date_range,
    validate_name,
    validate_text,
)

from . import clean
from .clean import CellError

if TYPE_CHECKING:
    from yuanqu.accounts.models import User

#: Headers that name a USCC or a park, in every importer that has such a column (a sheet that says
#: 社会信用代码 or 所属园区 maps the same way whatever it imports).
USCC_SYNONYMS = ("统一社会信用代码", "信用代码", "社会信用代码", "统一代码", "社会统一信用代码", "纳税人识别号", "税号",
                 "USCC", "组织机构代码")
PARK_SYNONYMS = ("园区", "所在园区", "入驻园区", "落户园区", "载体", "所属园区", "园区名称", "所在载体")


@dataclass
class Warned:
    """A cell's value with warnings for its row (an industry named at group level, not class level)."""

    value: Any
    warnings: list[str] = field(default_factory=list)


#: What separates the items of a list cell: 电子信息、新材料，生物医药; also ; / and spaces.
LIST_SEPARATORS = re.compile(r"[、，,;；／/|｜\s]+")


@dataclass
class FieldSpec:
    """One importable column: its field, header (with unit), synonyms, type and rules."""

    name: str
    label: Any  # a lazy translation: the header of the template and the export
    kind: str = "text"  # text | uscc | decimal | int | date | bool | choice | ref | list (of refs)
    synonyms: Sequence[str] = ()
    #: Headers this field takes only when no column names it (an enterprise's name where its code is the key):
    #: proposed at a lower confidence (table.WEAK_SCORE), so a column that names the field wins.
    weak_synonyms: Sequence[str] = ()
    unit: str = ""
    required: bool = False
    choices: Callable[[], Sequence[tuple[str, Any]]] | None = None
    aliases: dict[str, str] = field(default_factory=dict)
    max_length: int = 0
    decimal_places: int = 2
    max_digits: int = 16
    min_value: Decimal | None = Decimal(0)
    not_future: bool = False
    #: The earliest sensible date of a ``date`` column (core.validators; a founding date may be older).
    earliest: dt.date = EARLIEST_DATE
    help: Any = ""
    resolve: Callable[[Context, str], Any] | None = None  # for kind="ref" and "list": text → object id
    #: For kind="list": the cell's text → its items (default: split at :data:`LIST_SEPARATORS`).
    split: Callable[[Context, str], list[str]] | None = None
    #: A value as the preview shows it (an industry code with its name); default: :func:`show_value`.
    show: Callable[[Any], str] | None = None
    #: The mapping page offers a value for this field's empty cells (a signing date), never a silent today.
    ask_default: bool = False

    @property
    def is_name(self) -> bool:
        """A name column (of a park, an enterprise, a person): checked as a name (core.validators)."""
        return self.name in NAME_FIELDS or self.name.endswith("_name") and self.name != "operator_name"

    def header(self) -> str:
        """The column header in the current language, with the unit: 注册资本(万元)."""
        return f"{self.label}({self.unit})" if self.unit else str(self.label)

    def choice_map(self) -> dict[str, str]:
        """Every way a user may write a choice (code, Chinese and English label, aliases) → its code."""
        out: dict[str, str] = {}
        for value, label in (self.choices() if self.choices else []):
            out[clean.match_key(str(value))] = value
            for lang in ("en", "zh-hans"):
                with translation.override(lang):
                    out[clean.match_key(str(label))] = value
        for word, value in self.aliases.items():
            out[clean.match_key(word)] = value
        return out

    def choice_labels(self) -> list[str]:
        """The choice labels in the current language, for drop-down lists."""
        return [str(label) for value, label in (self.choices() if self.choices else []) if value != ""]

    def parser(self, ctx: Context, header_unit: str = "") -> Callable[[Any], Any]:
        """A parser of this column's cells, with fast paths for the common cases (a large file has 10⁶ cells).

        Every fast path gives the same value as :meth:`parse`, which handles everything else.
        """
        kind = self.kind

        def slow(raw: Any) -> Any:
            return self.parse(ctx, raw, header_unit)

        if kind == "text":
            most = self.max_length or TEXT_MAX_LENGTH
            bad = (NAME_BAD if self.is_name else TEXT_BAD).search
            return lambda raw: raw.strip() if type(raw) is str and len(raw) <= most and not bad(raw) else slow(raw)
        if kind == "uscc":
            # the GB 32100-2015 check of yuanqu.core.text.uscc_check_digit, inlined for speed: per position, each
            # character's value times the position's weight (a character outside the code's alphabet is missing)
            weighted = [{c: i * w for i, c in enumerate(USCC_ALPHABET)} for w in USCC_WEIGHTS]
            getitem = dict.__getitem__

            def code(raw: Any) -> Any:
                if type(raw) is str and len(raw) == 18:
                    try:
                        total = sum(map(getitem, weighted, raw))  # the first 17 characters
                    except KeyError:
                        return slow(raw)
                    if USCC_ALPHABET[(31 - total % 31) % 31] == raw[17]:
                        return raw
                return slow(raw)

            return code
        if kind == "bool":
            words = {w: True for w in ("是", "Y", "y", "√")} | {w: False for w in ("否", "N", "n", "×")}
            return lambda raw: words[raw] if type(raw) is str and raw in words else slow(raw)
        if kind == "choice":
            exact: dict[str, str] = {}
            for value, label in (self.choices() if self.choices else []):
                for lang in ("en", "zh-hans"):
                    with translation.override(lang):
                        exact[str(label)] = value
            exact.update(self.aliases)
            return lambda raw: exact[raw] if type(raw) is str and raw in exact else slow(raw)
        if kind == "date":
            iso = re.compile(r"\d{4}-\d{2}-\d{2}")

            def date(raw: Any) -> Any:
                if type(raw) is str and len(raw) == 10 and iso.fullmatch(raw):
                    try:
                        day = dt.date.fromisoformat(raw)
                    except ValueError:
                        return slow(raw)
                    if not (self.not_future and day > ctx.today) and day >= self.earliest and day.year < 2100:
                        return day
                return slow(raw)

            return date
        if kind == "decimal" and (not header_unit or header_unit == self.unit):
            quantum = Decimal(1).scaleb(-self.decimal_places)
            limit = Decimal(10) ** (self.max_digits - self.decimal_places)

            def number(raw: Any) -> Any:
                if type(raw) is float or type(raw) is int:
                    value = Decimal(repr(raw)).quantize(quantum, rounding=ROUND_HALF_UP)
                    if (self.min_value is None or value >= self.min_value) and abs(value) < limit:
                        return value
                return slow(raw)

            return number
        if kind == "ref":
            memo: dict[Any, Any] = {}

            def ref(raw: Any) -> Any:
                try:
                    return memo[raw]
                except (KeyError, TypeError):
                    value = slow(raw)
                    try:
                        memo[raw] = value
                    except TypeError:
                        pass
                    return value

            return ref
        return slow

    def parse(self, ctx: Context, raw: Any, header_unit: str = "") -> Any:
        """The cell's value as this field's Python value; raises CellError with a Chinese message."""
        kind = self.kind
        if kind in ("text", "uscc"):
            text = clean.cell_text(raw)
            if kind == "uscc":
                text = normalize_uscc(text)
                try:
                    validate_uscc(text)
                except ValidationError as exc:
                    raise CellError(" ".join(exc.messages)) from exc
            most = self.max_length or TEXT_MAX_LENGTH
            if len(text) > most:
                raise CellError(_("At most %(n)d characters; this has %(got)d.") % {"n": most, "got": len(text)})
            try:
                (validate_name if self.is_name else validate_text)(text)
            except ValidationError as exc:
                raise CellError(" ".join(exc.messages)) from exc
            return text
        if kind in ("decimal", "int"):
            number = parse_number(raw, unit=self.unit, header_unit=header_unit)
            if number is None:
                raise CellError(_("Expected a number, found %(value)s.") % {"value": clean.cell_text(raw)})
            if self.min_value is not None and number < self.min_value:
                raise CellError(_("Must not be negative.") if self.min_value == 0 else
                                _("Must be at least %(n)s.") % {"n": self.min_value})
            if kind == "int":
                if number != number.to_integral_value():
                    raise CellError(_("Expected a whole number, found %(value)s.") % {"value": clean.cell_text(raw)})
                return int(number)
            number = number.quantize(Decimal(1).scaleb(-self.decimal_places), rounding=ROUND_HALF_UP)
            if len(number.as_tuple().digits) > self.max_digits:
                raise CellError(_("The number is too large."))
            return number
        if kind == "date":
            day = clean.parse_date(raw)
            if self.not_future and day > ctx.today:
                raise CellError(_("The date cannot be in the future."))
            if day.year < 1900:
                raise CellError(_("%(value)s is not a real date.") % {"value": clean.cell_text(raw)})
            try:
                validate_date_range(day, earliest=self.earliest)
            except ValidationError as exc:
                raise CellError(" ".join(exc.messages)) from exc
            return day
        if kind == "bool":
            return clean.parse_bool(raw)
        if kind == "choice":
            cmap = ctx.choice_maps.get(self.name)
            if cmap is None:
                cmap = ctx.choice_maps[self.name] = self.choice_map()
            text = clean.cell_text(raw)
            key = clean.match_key(text)
            if key in cmap:
                return cmap[key]
            # what a bracket adds explains the value before it: 存续（在营、开业、在册）, as the 公示系统 writes it
            head = clean.match_key(re.split(r"[（(\[【]", text, maxsplit=1)[0])
            if head != key and head in cmap:
                return cmap[head]
            raise CellError(_("%(value)s is not one of: %(choices)s.") % {
                "value": text, "choices": "、".join(self.choice_labels())})
        if kind == "ref":
            assert self.resolve is not None
            return self.resolve(ctx, clean.cell_text(raw))
        if kind == "list":
            assert self.resolve is not None
            text = clean.cell_text(raw)
            items = self.split(ctx, text) if self.split else [t for t in LIST_SEPARATORS.split(text) if t]
            values: list[Any] = []
            warnings: list[str] = []
            errors: list[str] = []
            for item in items:
                try:
                    value = self.resolve(ctx, item)
                except CellError as exc:
                    errors.append(str(exc))
                    continue
                if isinstance(value, Warned):
                    warnings.extend(value.warnings)
                    value = value.value
                if value not in values:
                    values.append(value)
            if errors:
                raise CellError("；".join(errors))
            return Warned(values, warnings) if warnings else values
        raise AssertionError(kind)

    def display(self, value: Any) -> str:
        """The value as the preview shows it: a choice by its label, a list joined with 、, a date as 2024-06-01."""
        if self.show is not None and value not in (None, ""):
            if isinstance(value, list | tuple):
                return "、".join(self.show(v) for v in value)
            return self.show(value)
        if self.kind == "choice" and self.choices is not None:
            return str(dict(self.choices()).get(value, value))
        return show_value(value)


def show_value(value: Any) -> str:
    """A parsed or stored value as text for the preview (no exponent in decimals, 是/否 for booleans)."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple | set):
        return "、".join(show_value(v) for v in value)
    return str(value)


@dataclass(slots=True)
class RowResult:
    """One data row: its line in the sheet, parsed values, what the import will do, and why not."""

    line: int
    values: dict[str, Any] = field(default_factory=dict)
    raw: list[Any] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    action: str = ""  # new | update | unchanged
    existing: Any = None  # the stored row (or its values) for updates
    changes: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    #: How many of the row's mapped cells hold something (a row with far fewer than the others may be cut off).
    filled: int = 0

    @property
    def status(self) -> str:
        if self.errors:
            return "error"
        if self.warnings:
            return "warning"
        return self.action

    def error(self, msg: str) -> None:
        self.errors.append(msg)


@dataclass
class Context:
    """What an import run knows: who imports, into which park, and lookups loaded once per batch."""

    actor: User
    default_park: Any = None
    today: dt.date = field(default_factory=timezone.localdate)
    choice_maps: dict[str, dict[str, str]] = field(default_factory=dict)
    cache: dict[str, Any] = field(default_factory=dict)
    batch: Any = None
    #: The data rows the pass expects (the sheet's rows under the header): how a look-up plans (fast.KeyLookup).
    rows: int = 0


class Importer(ABC):
    """How one entity is imported. Subclasses set the class attributes and the three hooks."""

    entity: str = ""
    label: Any = ""
    model: type[models.Model]
    fields: Sequence[FieldSpec] = ()
    key_fields: Sequence[str] = ()
    roles: Sequence[str] = (Role.REGION_STAFF, Role.PARK_OPERATOR)
    #: Export columns that are not imported (e.g. a masked phone): headers whose columns are ignored.
    ignored_headers: Sequence[str] = ()
    #: Where the entity comes in the upload form's list (apps register in INSTALLED_APPS order, which is not
    #: the order users look for: enterprises first).
    position: int = 100
    #: Whether a committed batch of this entity may be reverted; if not, ``revert_refusal`` says why (in Chinese
    #: through gettext) on the batch page and to anyone who tries.
    revertible: bool = True
    revert_refusal: Any = ""
    #: The tables a commit fills whose look-ups for later chunks go wrong on stale statistics (a key that is not
    #: unique: the statistics' values by enterprise): analysed again on PostgreSQL while they grow
    #: (:func:`yuanqu.tabular.fast.refresh_statistics`). Look-ups by a unique key are planned well without; for
    #: them the ANALYZE runs cost more than they save (enterprises and settlements, 100k rows: 0.5–1.5 s more).
    grows: Sequence[type[models.Model]] = ()

    def allowed(self, user: Any) -> bool:
        return bool(getattr(user, "is_authenticated", False)) and user.role in self.roles

    def spec(self, name: str) -> FieldSpec:
        return next(f for f in self.fields if f.name == name)

    def synonyms(self) -> dict[str, list[str]]:
        """Every name a column of each field may carry: its labels in both languages and its synonyms."""
        out: dict[str, list[str]] = {}
        for f in self.fields:
            names = list(f.synonyms)
            for lang in ("zh-hans", "en"):
                with translation.override(lang):
                    names.append(str(f.label))
            out[f.name] = names
        return out

    def weak_synonyms(self) -> dict[str, list[str]]:
        """The headers each field takes only when no column names it (FieldSpec.weak_synonyms)."""
        return {f.name: list(f.weak_synonyms) for f in self.fields if f.weak_synonyms}

    def units(self) -> dict[str, str]:
        """The unit of each numeric field that has one (a header in another unit is converted, or refused)."""
        return {f.name: f.unit for f in self.fields if f.unit and f.kind in ("decimal", "int")}

    def vocabulary(self) -> dict[str, str]:
        words = {clean.match_key(s): f for f, names in self.weak_synonyms().items() for s in names}
        return words | {clean.match_key(s): f for f, names in self.synonyms().items() for s in names}

    def begin(self, ctx: Context) -> None:
        """Load the lookups the rows need (called once per run); nothing by default."""
        return None

    def prefetch(self, ctx: Context, rows: Sequence[RowResult]) -> None:
        """Load the stored rows the keys of a chunk of rows point at (called per chunk, before :meth:`check` of its
        rows; a chunk's lookups replace the previous chunk's, so memory holds one chunk's); nothing by default."""
        return None

    @abstractmethod
    def check(self, ctx: Context, row: RowResult) -> None:
        """Decide new / update / unchanged and add the scope and business-rule errors."""

    @abstractmethod
    def apply(self, ctx: Context, rows: Sequence[RowResult], progress: Callable[[int], None]) -> None:
        """Write the valid rows of a chunk (inside the engine's one transaction, chunk after chunk; a later chunk is
        checked after the earlier ones were written). A row a service refuses gets the error and is left out."""

    def finish(self, ctx: Context) -> None:
        """After the last chunk of a commit, in its transaction: what is done once for the whole file (the
        statistics' rollups); nothing by default."""
        return None

    def row_label(self, row: RowResult) -> str:
        """The row's record as the report names it: its key fields as the preview shows them (a choice by its
        label, an enterprise by code and name)."""
        values = row.values
        return " ".join(display(values[k]) for k, display in self._key_displays if k in values)

    @cached_property
    def _key_displays(self) -> list[tuple[str, Callable[[Any], str]]]:
        """Each key field with its display, found once per importer (a large file labels every row)."""
        return [(k, self.spec(k).display) for k in self.key_fields]

    def key_of(self, row: RowResult) -> tuple[Any, ...] | None:
        key = tuple(map(row.values.get, self.key_fields))
        for v in key:
            if v is None or isinstance(v, str) and not v:  # (not ==: a model's __eq__ is Python)
                return None
        return key

    def example(self) -> list[Any]:
        """One example row for the template."""
        return []


REGISTRY: dict[str, Importer] = {}


def register(importer: Importer) -> Importer:
    """Make ``importer`` available to the engine, the pages, the CLI and the templates."""
    REGISTRY[importer.entity] = importer
    return importer


def get_importer(entity: str) -> Importer | None:
    return REGISTRY.get(entity)


def importers_for(user: Any) -> list[Importer]:
    """The importers ``user`` may use, in the upload form's order."""
    return sorted((i for i in REGISTRY.values() if i.allowed(user)), key=lambda i: i.position)


def changed(existing: Any, values: dict[str, Any], names: Iterable[str]) -> dict[str, Any]:
    """The values that differ from what is stored (``existing``: a dict or a model instance)."""
    out = {}
    for name in names:
        if name not in values:
            continue
        old = existing.get(name) if isinstance(existing, dict) else getattr(existing, name, None)
        new = values[name]
        if isinstance(old, Decimal) and isinstance(new, Decimal):
            if old.compare(new) == 0:
                continue
        elif old == new or (old in (None, "") and new in (None, "")):
            continue
        out[name] = new
    return out
