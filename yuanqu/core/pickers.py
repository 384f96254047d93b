"""Searchable pickers: what the JSON search endpoints behind ``<select data-picker="…">`` share.

A form marks a select with :func:`picker_attrs`; ``static/yuanqu/pickers.js`` turns it into a Tom Select that asks
the endpoint as the user types (name, code, full pinyin or initials). Each endpoint reads the user's scope as any
other page does and answers ``{"items": [{"id", "text", "detail", "disabled"}], "count", "more"}``; the form still
validates the posted id against its own scoped queryset, so the picker only helps to find, never decides.

The industry index is here (floor 0, as :class:`IndustryCode` is): GB/T 4754 names carry no pinyin columns, so
the ~2,000 rows are read once per process with their pinyin (0.2 s) and searched in memory.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import asdict, dataclass
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
        elif row.name.startswith(q) or row.initials.startswith(key) or row.pinyin.startswith(key):
            rank = 2
        elif q in row.name or (key.isascii() and key.isalnum() and (key in row.pinyin or key in row.initials)):
            rank = 3
        else:
            continue
        ranked.append((rank, row.code, row))
    ranked.sort(key=lambda t: (t[0], t[1]))
    return [PickerItem(id=r.code, text=f"{r.code} {r.name}", detail=r.path) for _rank, _code, r in ranked]


def use_picker(field: Any, kind: str, url_name: str, *, args: Iterable[Any] = (), query: str = "") -> None:
    """Mark a form's choice field as a searchable picker of ``kind`` asking ``url_name`` (reversed with ``args``,
    ``query`` appended). The field's queryset is untouched: it still decides, server-side, what may be posted,
    and without JavaScript the select shows its options as before."""
    from django.urls import reverse

    url = reverse(url_name, args=list(args)) + (f"?{query}" if query else "")
    placeholder = _("Type a building, floor or unit number") if kind == "unit" else ""
    field.widget.attrs.update(picker_attrs(kind, url, placeholder=placeholder))
