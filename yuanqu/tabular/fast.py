"""The fast path for large imports: COPY on PostgreSQL, executemany on SQLite, and cached pinyin keys.

Rows reach this module only after the engine validated and scoped every one of them; the batch's
audit event is written by the engine in the same transaction (DESIGN.md, rule 6).
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection, models
from pypinyin import lazy_pinyin
from pypinyin.constants import PINYIN_DICT

from yuanqu.core.text import pinyin_keys

_CHAR_CACHE: dict[str, str | None] = {}


def _char_reading(ch: str) -> str | None:
    """The toneless reading of a Chinese character with only one reading; None for polyphones."""
    if ch in _CHAR_CACHE:
        return _CHAR_CACHE[ch]
    readings = PINYIN_DICT.get(ord(ch))
    value = lazy_pinyin(ch)[0] if readings and "," not in readings else None
    _CHAR_CACHE[ch] = value
    return value


def fast_pinyin_keys(text: str) -> tuple[str, str]:
    """The same keys as :func:`yuanqu.core.text.pinyin_keys`, about 20× faster for most names.

    A name whose Chinese characters all have one reading needs no phrase segmentation: its pinyin is
    the characters' readings in a row. A name with a polyphone (行, 重, 长 …) goes through pypinyin's
    phrase mode as before. tests/tabular/test_fast.py checks both give the same keys.
    """
    full: list[str] = []
    first: list[str] = []
    for ch in text:
        if "\u4e00" <= ch <= "\u9fff":
            reading = _char_reading(ch)
            if reading is None:
                return pinyin_keys(text)
            full.append(reading)
            first.append(reading[:1])
        else:
            low = ch.lower()
            if ("0" <= low <= "9") or ("a" <= low <= "z"):
                full.append(low)
                first.append(low)
            elif ord(ch) > 0x2E7F and not ch.isascii() and ch.isalpha():
                return pinyin_keys(text)  # other CJK ranges: let pypinyin decide
    return "".join(full), "".join(first)


def _converter(field: models.Field[Any, Any]) -> Callable[[Any], Any]:
    if connection.vendor != "sqlite":
        return lambda v: v
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        return lambda v: None if v is None else ops.adapt_datetimefield_value(v)
    if isinstance(field, models.DateField):
        return lambda v: None if v is None else v.isoformat()
    if isinstance(field, models.DecimalField):
        return lambda v: None if v is None else str(v)
    if isinstance(field, models.BooleanField):
        return lambda v: None if v is None else int(v)
    return lambda v: v


def fast_insert(model: type[models.Model], names: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert ``rows`` (values in the order of ``names``, already valid) into ``model``'s table.

    PostgreSQL: one COPY; other databases: one executemany. Must run inside the caller's transaction.
    """
    if not rows:
        return
    fields = [model._meta.get_field(n) for n in names]
    columns = [str(f.column) for f in fields]  # type: ignore[union-attr]
    table = str(model._meta.db_table)
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"COPY {qn(table)} ({', '.join(qn(c) for c in columns)}) FROM STDIN"
            raw = cursor.cursor  # psycopg's own cursor, for copy()
            with raw.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            convert = [_converter(f) for f in fields]  # type: ignore[arg-type]
            prepared = [tuple(c(v) for c, v in zip(convert, row, strict=True)) for row in rows]
            placeholders = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {qn(table)} ({', '.join(qn(c) for c in columns)}) VALUES ({placeholders})"
            cursor.executemany(sql, prepared)


def is_plain(value: Any) -> bool:
    return isinstance(value, str | int | float | decimal.Decimal | dt.date | bool) or value is None
