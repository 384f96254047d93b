"""Searchable pickers: what the JSON search endpoints behind ``<select data-picker="…">`` share.

A form marks a select with :func:`picker_attrs`; ``static/yuanqu/pickers.js`` turns it into a Tom Select that asks
the endpoint as the user types (name, code, full pinyin or initials). Each endpoint reads the user's scope as any
other page does and answers ``{"items": [{"id", "text", "detail", "disabled"}], "count", "more"}``; the form still
validates the posted id against its own scoped queryset, so the picker only helps to find, never decides.

The industry index is here (floor 0, as :class:`IndustryCode` is): GB/T 4754 names carry no pinyin columns, so
the ~2,000 rows are read once per process with their pinyin (0.2 s) and searched in memory.
"""

from __future__ import annotations

import csv
import functools
import re
import threading
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from django.http import JsonResponse
from django.utils.translation import gettext as _

from .text import halfwidth, pinyin_keys

#: At most this many results per answer (the user narrows the search for more).
PICKER_LIMIT = 20
#: A longer search text is refused (the global search keeps 100 characters as well).
PICKER_MAX_CHARS = 100


class PickerInputError(ValueError):
    """A search text or parameter a picker refuses; its message is for the user, in Chinese."""


@dataclass(frozen=True)
class PickerItem:
    """One option of a picker: its value, its label, a second line, and whether it can be chosen."""

    id: str
    text: str
    detail: str = ""
    disabled: bool = False


def picker_query(params: Any) -> str:
    """The search text of ``params`` (request.GET): half-width, spaces collapsed; refused when it holds a NUL or
    control character or is longer than :data:`PICKER_MAX_CHARS`."""
    raw = params.get("q", "")
    if len(raw) > PICKER_MAX_CHARS:
        raise PickerInputError(_("The search text is too long (at most %(n)d characters).")
                               % {"n": PICKER_MAX_CHARS})
    if any(ord(c) < 32 and c not in "\t\n\r" for c in raw):
        raise PickerInputError(_("The search text contains characters that cannot be searched for."))
    return " ".join(halfwidth(raw).split())


def picker_id(value: str | None, *, required: bool = True) -> int | None:
    """A positive database id given as a parameter, or a :class:`PickerInputError` (not a number, too large)."""
    if value in (None, ""):
        if required:
            raise PickerInputError(_("Choose a park first."))
        return None
    text = str(value).strip()
    if not text.isascii() or not text.isdigit() or len(text) > 18 or int(text) == 0:
        raise PickerInputError(_("Invalid id."))
    return int(text)


def picker_response(items: Iterable[PickerItem], *, limit: int = PICKER_LIMIT) -> JsonResponse:
    """The answer of a picker: at most ``limit`` items (``more`` says whether there were others)."""
    rows = list(items)
    shown = rows[:limit]
    return JsonResponse({"items": [asdict(i) for i in shown], "count": len(shown), "more": len(rows) > limit})


def picker_error(error: PickerInputError) -> JsonResponse:
    """A refused search: 400 with the reason in Chinese and no items."""
    return JsonResponse({"error": str(error), "items": [], "count": 0, "more": False}, status=400)


def picker_attrs(kind: str, url: str, *, placeholder: str = "") -> dict[str, str]:
    """The attributes of a select that ``pickers.js`` turns into a searchable picker of ``kind``."""
    return {
        "data-picker": kind,
        "data-picker-url": url,
        "data-picker-placeholder": placeholder or _("Type a name, code, pinyin or initials"),
        "data-picker-empty": _("No match"),
    }


# --- GB/T 4754 industries -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Industry:
    code: str
    name: str
    level: int
    path: str  # its ancestors, "I 信息传输、软件和信息技术服务业 › 65 软件和信息技术服务业 › 651 软件开发"
    pinyin: str
    initials: str


_index_lock = threading.Lock()
_index: tuple[int, list[_Industry]] | None = None


def _industry_index() -> list[_Industry]:
    """Every industry with its path and pinyin, built once per process (again if the table's size changed)."""
    global _index
    from .models import IndustryCode

    size = IndustryCode.objects.count()
    with _index_lock:
        if _index is None or _index[0] != size:
            rows = {c: (n, lvl, p) for c, n, lvl, p in
                    IndustryCode.objects.values_list("code", "name", "level", "parent_id")}

            def path_of(code: str) -> str:
                names = []
                parent = rows[code][2]
                while parent is not None and parent in rows:
                    names.append(f"{parent} {rows[parent][0]}")
                    parent = rows[parent][2]
                return " › ".join(reversed(names))

            built = []
            for code in sorted(rows):
                name, level, _parent = rows[code]
                full, first = pinyin_keys(name)
                built.append(_Industry(code, name, level, path_of(code), full, first))
            _index = (size, built)
        return _index[1]


def industry_matches(q: str, *, levels: Iterable[int] = (4,)) -> list[PickerItem]:
    """Industries of ``levels`` whose code starts with ``q`` or whose name, full pinyin or initials hold it.

    Best first: the exact code, codes starting with ``q``, names starting with it, then the rest by code.
    """
    wanted = set(levels)
    key = q.lower().replace(" ", "")
    code_key = q.upper().replace(" ", "")
    synonym = set(industry_synonyms().get(industry_key(q), ())) if q else set()  # 生物医药 finds 27 医药制造业
    ranked: list[tuple[int, str, _Industry]] = []
    for row in _industry_index():
        if row.level not in wanted:
            continue
        if not q:
            rank = 4
        elif row.code == code_key:
            rank = 0
        elif row.code.startswith(code_key):
            rank = 1
        elif (row.name.startswith(q) or row.initials.startswith(key) or row.pinyin.startswith(key)
              or row.code in synonym):
            rank = 2
        elif q in row.name or (key.isascii() and key.isalnum() and (key in row.pinyin or key in row.initials)):
            rank = 3
        else:
            continue
        ranked.append((rank, row.code, row))
    ranked.sort(key=lambda t: (t[0], t[1]))
    return [PickerItem(id=r.code, text=f"{r.code} {r.name}", detail=r.path) for _rank, _code, r in ranked]


def industry_names() -> dict[str, str]:
    """Every industry code → its name (from the in-memory index)."""
    return {r.code: r.name for r in _industry_index()}


def use_picker(field: Any, kind: str, url_name: str, *, args: Iterable[Any] = (), query: str = "") -> None:
    """Mark a form's choice field as a searchable picker of ``kind`` asking ``url_name`` (reversed with ``args``,
    ``query`` appended). The field's queryset is untouched: it still decides, server-side, what may be posted,
    and without JavaScript the select shows its options as before."""
    from django.urls import reverse

    url = reverse(url_name, args=list(args)) + (f"?{query}" if query else "")
    placeholder = _("Type a building, floor or unit number") if kind == "unit" else ""
    field.widget.attrs.update(picker_attrs(kind, url, placeholder=placeholder))


# --- industry names as people write them: codes, GB/T names, everyday words, pinyin -------------------------------

#: Everyday words for industries (电子信息, 生物医药 …) → their GB/T 4754-2017 codes; several codes mean the word
#: is ambiguous and the user must choose. Compiled by yuanqu (see data/PROVENANCE.md).
SYNONYMS_FILE = Path(__file__).resolve().parent / "data" / "industry_synonyms.csv"
_CODE = re.compile(r"^[A-T]$|^\d{2,4}$")


@functools.cache
def industry_synonyms() -> dict[str, tuple[str, ...]]:
    """The synonym table: a word's comparison key (:func:`industry_key`) → its codes."""
    with SYNONYMS_FILE.open(encoding="utf-8") as f:
        return {industry_key(r["name"]): tuple(r["codes"].split()) for r in csv.DictReader(f)}


@functools.cache
def _synonym_pinyin() -> dict[str, tuple[str, ...]]:
    with SYNONYMS_FILE.open(encoding="utf-8") as f:
        out: dict[str, tuple[str, ...]] = {}
        for r in csv.DictReader(f):
            for k in pinyin_keys(r["name"]):
                out.setdefault(k.lower(), tuple(r["codes"].split()))
        return out


def industry_key(text: str) -> str:
    """An industry name reduced for comparison: half-width, lower case, no spaces or marks."""
    return re.sub(r"[\s、，,;；/／()（）\[\]【】·.\-—_]", "", halfwidth(text)).lower()


def _short_key(key: str) -> str:
    """The key without a trailing 产业/行业/产业集群 (生物医药产业 is 生物医药), or "" when there is none."""
    for tail in ("产业集群", "产业", "行业"):
        if key.endswith(tail) and len(key) > len(tail) + 1:
            return key[: -len(tail)]
    return ""


@dataclass(frozen=True)
class IndustryMatch:
    """What an industry name written by a user names: one industry, several (ambiguous), or none; and how."""

    candidates: tuple[PickerItem, ...]
    levels: tuple[int, ...]
    how: str  # code | name | synonym | pinyin | partial | ""

    @property
    def code(self) -> str | None:
        return self.candidates[0].id if len(self.candidates) == 1 else None


def _collapse(rows: list[_Industry], *, deepest: bool) -> list[_Industry]:
    """Rows of one lineage (中类 374 and its only 小类 3741, or a 大类 and its 中类) reduced to one: the deepest for
    an exact name, the most general for a partial one."""
    def above(a: _Industry, b: _Industry) -> bool:  # a is an ancestor of b
        return b.path.startswith(f"{a.code} ") or f" › {a.code} " in b.path

    out = []
    for r in rows:
        others = [o for o in rows if o.code != r.code]
        if deepest and any(above(r, o) for o in others):
            continue
        if not deepest and any(above(o, r) for o in others):
            continue
        out.append(r)
    return out


def industry_match(text: str) -> IndustryMatch:
    """The GB/T 4754-2017 industry ``text`` names: a code (2710, C2710, 「新材料(2650)」), a name (医药制造业, also
    without 业), an everyday word of :func:`industry_synonyms` (生物医药), its pinyin or initials (shengwuyiyao,
    swyy), or a unique part of a name. Several candidates mean the text is ambiguous."""
    index = _industry_index()
    by_code = {r.code: r for r in index}

    def result(rows: list[_Industry], how: str) -> IndustryMatch:
        rows = sorted(rows, key=lambda r: r.code)
        return IndustryMatch(tuple(PickerItem(id=r.code, text=f"{r.code} {r.name}", detail=r.path) for r in rows),
                             tuple(r.level for r in rows), how if rows else "")

    plain = halfwidth(text).strip()
    upper = plain.upper().replace(" ", "")
    inside = re.search(r"[(（]\s*([A-T]|\d{2,4})\s*[)）]$", upper)
    for candidate in (upper, upper[1:] if re.fullmatch(r"[A-T]\d{2,4}", upper) else "",
                      inside.group(1) if inside else "", upper.split(" ")[0]):
        if candidate and _CODE.match(candidate) and candidate in by_code:
            return result([by_code[candidate]], "code")
    key = industry_key(plain)
    if not key:
        return result([], "")
    exact = [r for r in index if industry_key(r.name) == key]
    if exact:
        return result(_collapse(exact, deepest=True), "name")
    short = _short_key(key)
    codes = industry_synonyms().get(key) or (industry_synonyms().get(short) if short else None)
    if codes:
        return result([by_code[c] for c in codes if c in by_code], "synonym")
    if short:
        exact = [r for r in index if industry_key(r.name) == short]
        if exact:
            return result(_collapse(exact, deepest=True), "name")
    if key.isascii() and key.isalpha():
        hits = [r for r in index if key in (r.pinyin, r.initials)]
        if hits:
            return result(_collapse(hits, deepest=True), "pinyin")
        codes = _synonym_pinyin().get(key)
        if codes:
            return result([by_code[c] for c in codes if c in by_code], "synonym")
        return result([], "")
    for tail in ("业", "制造业", "制造"):
        hits = [r for r in index if industry_key(r.name) == key + tail]
        if hits:
            return result(_collapse(hits, deepest=True), "name")
    for part in (key, short):
        if len(part) >= 2:
            hits = [r for r in index if part in industry_key(r.name)]
            if hits:
                return result(_collapse(hits, deepest=False), "partial")
    return result([], "")
