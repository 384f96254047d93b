"""The fast path for large imports: COPY on PostgreSQL, executemany on SQLite, and cached pinyin keys.

Rows reach this module only after the engine validated and scoped every one of them; the batch's
audit event is written by the engine in the same transaction (DESIGN.md, rule 6).
"""

from __future__ import annotations

import itertools
import json
import operator
import re
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection, models
from django.db.models import Lookup
from pypinyin import Style, lazy_pinyin
from pypinyin.constants import RE_HANS
from pypinyin.seg import mmseg

_WORD_CACHE: dict[str, tuple[str, str]] = {}
# pypinyin's own test for "a run of Chinese characters", as a splitter: ^(?:[…])+$ → ([…]+)
_HAN_RUNS = re.compile("(" + RE_HANS.pattern[len("^(?:"):-len(")+$")] + "+)")
_KEEP = re.compile(r"[^0-9a-z]")


def _word_keys(word: str) -> tuple[str, str]:
    keys = _WORD_CACHE.get(word)
    if keys is None:
        if len(_WORD_CACHE) > 500_000:
            _WORD_CACHE.clear()
        full = "".join(lazy_pinyin(word, errors=list))  # type: ignore[arg-type]
        first = "".join(lazy_pinyin(word, style=Style.FIRST_LETTER, errors=list))  # type: ignore[arg-type]
        keys = _WORD_CACHE[word] = (full, first)
    return keys


_SUFFIX_CACHE: dict[str, tuple[str, str]] = {}


def _run_keys(run: str) -> tuple[str, str]:
    """The keys of a run of Chinese characters, cut into words as pypinyin's phrase mode cuts it.

    Forward maximum matching picks each word from the text that remains, and from nothing else, so
    the keys of a remainder are the same wherever it occurs: 生物科技有限公司 is cut and read once,
    then reused at the end of every name that ends with it.
    """
    words: list[str] = []
    remain = run
    tail: tuple[str, str] = ("", "")
    while remain:
        cached = _SUFFIX_CACHE.get(remain)
        if cached is not None:
            tail = cached
            break
        word = next(mmseg.seg.cut(remain))  # the same first word as pypinyin's phrase mode
        words.append(word)
        remain = remain[len(word):]
    if len(_SUFFIX_CACHE) > 500_000:
        _SUFFIX_CACHE.clear()
    full, first = tail
    suffix = remain
    for word in reversed(words):
        a, b = _word_keys(word)
        full, first = a + full, b + first
        suffix = word + suffix
        _SUFFIX_CACHE[suffix] = (full, first)
    return full, first


def fast_pinyin_keys(text: str) -> tuple[str, str]:
    """The same keys as :func:`yuanqu.core.text.pinyin_keys`, about ten times faster on long lists.

    pypinyin cuts a text into words (phrase dictionary, forward maximum matching) and reads each word on
    its own; here the words' readings are cached, so 有限公司 or 科技 are looked up once per process
    instead of once per name. tests/tabular/test_fast.py checks both give the same keys.
    """
    full: list[str] = []
    first: list[str] = []
    for n, run in enumerate(_HAN_RUNS.split(text)):
        if n % 2 == 0:  # not Chinese: read as itself (the final filter keeps digits and Latin letters)
            full.append(run)
            first.append(run)
            continue
        a, b = _run_keys(run)
        full.append(a)
        first.append(b)
    return _KEEP.sub("", "".join(full).lower()), _KEEP.sub("", "".join(first).lower())


class AnyOf(Lookup):  # type: ignore[type-arg]
    """A column is one of a list of ints or strings, the list passed as one parameter: ``= ANY(%s)`` on PostgreSQL,
    ``IN (SELECT value FROM json_each(%s))`` on SQLite. Used as ``queryset.filter(AnyOf(F("uscc"), keys))``.

    Django's ``__in`` writes a placeholder per value; for the thousands of keys of an import's chunk, binding and
    parsing them costs more than the look-up itself (5,000 keys: 48 → 35 ms on PostgreSQL, 22 → 12 ms on SQLite;
    bench/tabular).
    """

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = list(self.rhs)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s::{self.lhs.output_field.db_type(connection)}[])", [*lhs_params,
                                                                                    _pg_array(values)]
        return f"{lhs} IN (SELECT value FROM json_each(%s))", [*lhs_params, json.dumps(values)]


#: A :class:`KeyLookup` reads the whole (scoped) table's keys once when the file has at least this share of its rows…
WHOLE_TABLE_SHARE = 0.25
#: … and the table (as the user sees it) holds at most this many: the map of its keys stays a few tens of MB.
WHOLE_TABLE_MAX = 500_000
#: Fewer rows than this are one chunk: a look-up by their keys is one query anyway.
WHOLE_TABLE_MIN_ROWS = 5000
#: Keys per query of a :class:`KeyLookup` chunk by chunk.
LOOKUP_KEYS = 5000


class KeyLookup:
    """The ``value`` column (a primary key) of the rows of ``queryset`` by their ``key`` column, for an import's chunks.

    A chunk's keys are looked up as one parameter (:class:`AnyOf`). On PostgreSQL a chunk of 5,000 keys in a table of
    100k is planned as a scan of the whole table (rightly: cheaper than 5,000 probes of the index), so a file of 100k
    rows read the table 20 times (0.35 s of a 4 s settlement import, SQLite alike). When the file has at least
    :data:`WHOLE_TABLE_SHARE` of the rows the user may see (and those are at most :data:`WHOLE_TABLE_MAX`), the
    keys of all of them are read once, in one query, and each chunk is looked up in that map: the choice a planner
    makes between a hash join and a nested loop. Either way the rows are those of ``queryset``, scope included; the
    map is read at the first chunk (a row another user adds meanwhile is not found, as in a look-up that ran then).
    """

    def __init__(self, queryset: models.QuerySet[Any], key: str, value: str = "pk", *, rows: int = 0) -> None:
        self.queryset, self.key, self.value = queryset.order_by(), key, value
        self.expected = rows
        self.whole: dict[Any, Any] | None = None
        self.planned = False

    def _plan(self) -> None:
        self.planned = True
        if self.expected < WHOLE_TABLE_MIN_ROWS:
            return
        visible = self.queryset.count()
        if visible <= WHOLE_TABLE_MAX and self.expected >= WHOLE_TABLE_SHARE * visible:
            self.whole = dict(self.queryset.values_list(self.key, self.value))

    def get(self, keys: Sequence[Any]) -> dict[Any, Any]:
        """``key`` → ``value`` for those of ``keys`` the queryset holds."""
        if not self.planned:
            self._plan()
        whole = self.whole
        if whole is not None:
            return {k: whole[k] for k in keys if k in whole}
        found: dict[Any, Any] = {}
        for i in range(0, len(keys), LOOKUP_KEYS):
            found.update(self.queryset.filter(AnyOf(models.F(self.key), list(keys[i : i + LOOKUP_KEYS])))
                         .values_list(self.key, self.value))
        return found


def _pg_array(values: list[Any]) -> Any:
    """PostgreSQL: a list of ints or strings as the text of an array ('{1,2}', '{"a","b"}'), which the query casts;
    psycopg dumps a list element by element in Python (a tenth of a second for an import's keys). Other values: the
    list, for psycopg."""
    if all(type(v) is int for v in values):
        return "{" + ",".join(map(str, values)) + "}"
    if all(type(v) is str for v in values):  # every element quoted: commas, braces, blanks and NULL are text
        return "{" + ",".join(['"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values]) + "}"
    return values


def _stamp(field: models.Field[Any, Any]) -> Callable[[Any], Any]:
    """SQLite: an aware datetime as Django stores it (naive UTC text); a batch stamps every row alike."""
    ops = connection.ops
    memo: dict[Any, Any] = {}

    def stamp(v: Any) -> Any:
        if v not in memo:
            memo[v] = None if v is None else ops.adapt_datetimefield_value(v)
        return memo[v]

    return stamp


#: SQLite: rows per ``INSERT … VALUES (…), (…), …`` (at most Django's ``max_query_params`` values in one statement).
#: One row per statement through executemany costs about 13 µs a row beyond SQLite's own work (100k enterprises
#: and their 150k designations: 5.3 s, against 1.6–2.0 s for the same rows by INSERT … SELECT); 50 a statement
#: takes most of that away. 1 is a plain executemany.
ROWS_PER_INSERT = 50


def fast_insert(model: type[models.Model], names: Sequence[str], rows: Sequence[Sequence[Any]], *,
                rows_per_insert: int = ROWS_PER_INSERT) -> None:
    """Insert ``rows`` (values in the order of ``names``, already valid) into ``model``'s table.

    PostgreSQL: one COPY; other databases: INSERTs of ``rows_per_insert`` rows each, through one executemany.
    Must run inside the caller's transaction.
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
            return
        # Django's SQLite backend adapts Decimal, date and bool itself; aware datetimes need its conversion
        stamps = [(i, _stamp(f)) for i, f in enumerate(fields) if isinstance(f, models.DateTimeField)]  # type: ignore[arg-type]
        per = max(1, min(rows_per_insert, (connection.features.max_query_params or 999) // len(columns)))

        def values(part: Sequence[Sequence[Any]]) -> list[Any]:
            out = list(itertools.chain.from_iterable(part))
            for start in range(0, len(out), len(columns)):
                for i, convert in stamps:
                    out[start + i] = convert(out[start + i])
            return out

        head = f"INSERT INTO {qn(table)} ({', '.join(qn(c) for c in columns)}) VALUES "
        one = "(" + ", ".join(["%s"] * len(columns)) + ")"
        full = len(rows) - len(rows) % per
        if full:
            cursor.executemany(head + ", ".join([one] * per),
                               [values(rows[at : at + per]) for at in range(0, full, per)])
        if full < len(rows):
            cursor.execute(head + ", ".join([one] * (len(rows) - full)), values(rows[full:]))


def fast_update(model: type[models.Model], names: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Set ``names`` of the rows of ``model`` whose primary key ends each tuple of ``rows`` (values already valid):
    one executemany of ``UPDATE … WHERE pk = %s``, inside the caller's transaction."""
    if not rows:
        return
    fields = [model._meta.get_field(n) for n in names]
    pk = model._meta.pk
    assert pk is not None
    qn = connection.ops.quote_name
    sets = ", ".join(f"{qn(str(f.column))} = %s" for f in fields)  # type: ignore[union-attr]
    sql = f"UPDATE {qn(str(model._meta.db_table))} SET {sets} WHERE {qn(str(pk.column))} = %s"
    stamps = [(i, _stamp(f)) for i, f in enumerate(fields) if isinstance(f, models.DateTimeField)]  # type: ignore[arg-type]
    prepared: Sequence[Sequence[Any]] = rows
    if stamps and connection.vendor != "postgresql":
        prepared = []
        for row in rows:
            values = list(row)
            for i, convert in stamps:
                values[i] = convert(values[i])
            prepared.append(values)
    with connection.cursor() as cursor:
        cursor.executemany(sql, prepared)


def last_pk(model: type[models.Model]) -> int:
    """The largest primary key ``model``'s table holds (0 when empty): rows inserted after this, in the caller's
    transaction, have larger keys (:func:`inserted_since`)."""
    pk = model._meta.pk
    assert pk is not None
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX({qn(str(pk.column))}) FROM {qn(str(model._meta.db_table))}")
        row = cursor.fetchone()
    return int(row[0] or 0) if row else 0


def inserted_since(model: type[models.Model], after: int, key: str | tuple[str, ...]) -> list[tuple[Any, int]]:
    """(``key`` column's value — a tuple of values for several columns —, primary key) of the rows of ``model`` with a
    primary key above ``after`` (:func:`last_pk`): the ids of the rows a bulk insert just wrote, in one range scan of
    the primary key. Rows other transactions committed meanwhile may be among them: the caller keeps the keys it
    wrote."""
    pk = model._meta.pk
    assert pk is not None
    names = (key,) if isinstance(key, str) else key
    qn = connection.ops.quote_name
    columns = ", ".join(qn(str(model._meta.get_field(n).column)) for n in names)  # type: ignore[union-attr]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns}, {qn(str(pk.column))} FROM {qn(str(model._meta.db_table))} "
                       f"WHERE {qn(str(pk.column))} > %s", [after])
        if isinstance(key, str):
            return [(k, int(v)) for k, v in cursor.fetchall()]
        return [(tuple(r[:-1]), int(r[-1])) for r in cursor.fetchall()]


def stored_keys(model: type[models.Model], key: str, values: Sequence[Any]) -> list[Any]:
    """Which of ``values`` the column ``key`` of ``model``'s table holds (every row: the base manager, unscoped),
    with the values as one parameter (:class:`AnyOf`)."""
    if not values:
        return []
    return list(model._base_manager.filter(AnyOf(models.F(key), list(values))).order_by()
                .values_list(key, flat=True))


def fast_insert_keyed(model: type[models.Model], names: Sequence[str], rows: Sequence[Sequence[Any]],
                      key: str | tuple[str, ...], *, rows_per_insert: int = ROWS_PER_INSERT) -> list[tuple[Any, int]]:
    """:func:`fast_insert`, returning (value of ``key``, primary key) of each row inserted (a tuple of values when
    ``key`` names several columns).

    PostgreSQL: the primary keys are drawn from the table's sequence first (one query) and written with the
    rows, so nothing is read back. SQLite: the rows get keys above the table's largest, read back in one range scan
    of the primary key and matched on ``key`` (what other writers committed meanwhile is left out)."""
    if not rows:
        return []
    if isinstance(key, str):
        at = list(names).index(key)
        key_of: Callable[[Sequence[Any]], Any] = operator.itemgetter(at)
    else:
        key_of = operator.itemgetter(*[list(names).index(n) for n in key])
    pk = model._meta.pk
    assert pk is not None
    if connection.vendor == "postgresql":
        qn = connection.ops.quote_name
        with connection.cursor() as cursor:
            # the sequence named once: pg_get_serial_sequence for each of the keys drawn was most of the time
            # (5,000 keys: 13 → 2 ms)
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [qn(str(model._meta.db_table)), str(pk.column)])
            sequence = cursor.fetchone()[0]
            cursor.execute("SELECT array_agg(nextval(%s::regclass)) FROM generate_series(1, %s)", [sequence, len(rows)])
            ids = cursor.fetchone()[0]
        fast_insert(model, (pk.name, *names), [(i, *row) for i, row in zip(ids, rows, strict=True)],
                    rows_per_insert=rows_per_insert)
        return [(key_of(row), i) for i, row in zip(ids, rows, strict=True)]
    after = last_pk(model)
    fast_insert(model, names, rows, rows_per_insert=rows_per_insert)
    wrote = {key_of(row) for row in rows}
    return [(k, i) for k, i in inserted_since(model, after, key) if k in wrote]


#: A table is analysed again once it holds this many times the pages it held when last analysed …
REANALYZE_GROWTH = 2
#: … and at least this many pages (8 kB each): the plans of small tables do not depend on their statistics.
REANALYZE_MIN_PAGES = 128


def refresh_statistics(tables: Sequence[type[models.Model]]) -> list[str]:
    """PostgreSQL: ANALYZE the tables of ``tables`` that grew to more than :data:`REANALYZE_GROWTH` times their size
    when last analysed; returns the tables analysed. Other databases: nothing.

    A bulk import writes a chunk and then looks up the next chunk's stored rows in the tables it is filling. The
    planner plans those look-ups from the statistics autovacuum gathered before the import began, for a table a
    fraction of the size or empty, and chose to read the whole table for every chunk: an import into an empty
    table took time quadratic in its rows. ANALYZE inside the transaction counts its own new rows, so the chunks
    after it are planned for what the table holds; growth by doubling keeps it to a few runs per import. (A 1.44M-value
    statistics import on PostgreSQL: the look-ups 29 → 10 s of a 105 → 87 s import.)
    """
    if connection.vendor != "postgresql" or not tables:
        return []
    names = [str(m._meta.db_table) for m in tables]
    with connection.cursor() as cursor:
        cursor.execute("SELECT c.relname, c.relpages, pg_relation_size(c.oid) / current_setting('block_size')::int "
                       "FROM pg_class c WHERE c.oid = ANY(%s::regclass[])", [names])
        stale = [name for name, analysed, now in cursor.fetchall()
                 if now >= REANALYZE_MIN_PAGES and now > REANALYZE_GROWTH * max(analysed, 0)]
        if stale:  # as the tables' owner: the application role owns none (migration tabular 0003)
            cursor.execute("SELECT yuanqu_analyze(%s::regclass[])", [sorted(stale)])
    return sorted(stale)
