"""The look-ups of a bulk import's chunks: ``AnyOf`` (a list of keys as one parameter) finds what ``__in`` finds, and
PostgreSQL's statistics of the tables an import fills are gathered again as they grow (``refresh_statistics``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.db.models import F
from django.utils import timezone

from tests.conftest import World
from yuanqu.core.roles import Role
from yuanqu.core.text import USCC_ALPHABET, uscc_check_digit
from yuanqu.enterprises.models import Enterprise, Settlement
from yuanqu.enterprises.selectors import enterprises_findable_by
from yuanqu.tabular.fast import REANALYZE_MIN_PAGES, AnyOf, KeyLookup, fast_insert, refresh_statistics


def test_any_of_finds_what_in_finds(world: World) -> None:
    ents = [world.ent_xltd, world.ent_smyz, world.ent_laoshan]
    ids = [e.pk for e in ents] + [10**12]  # one that does not exist
    codes = [e.uscc for e in ents] + ["913702130000000000"]
    assert sorted(Enterprise.objects.filter(AnyOf(F("pk"), ids)).values_list("pk", flat=True)) == sorted(
        Enterprise.objects.filter(pk__in=ids).values_list("pk", flat=True))
    assert len(Enterprise.objects.filter(AnyOf(F("pk"), ids))) == 3
    assert sorted(Enterprise.objects.filter(AnyOf(F("uscc"), codes)).values_list("uscc", flat=True)) == sorted(
        e.uscc for e in ents)
    assert not Enterprise.objects.filter(AnyOf(F("uscc"), [])).exists()
    # a foreign key's column, with the rest of the query (the scope) as it is
    assert set(Settlement.objects.filter(AnyOf(F("enterprise_id"), ids)).values_list("pk", flat=True)) == set(
        Settlement.objects.filter(enterprise_id__in=ids).values_list("pk", flat=True))
    operator = world.users[Role.PARK_OPERATOR.value]
    seen = set(enterprises_findable_by(operator).filter(AnyOf(F("uscc"), codes)).values_list("uscc", flat=True))
    assert seen == set(enterprises_findable_by(operator).filter(uscc__in=codes).values_list("uscc", flat=True))
    assert world.ent_laoshan.uscc not in seen  # another district's enterprise stays out of scope


@pytest.mark.parametrize("rows", [0, 1, 10**6])
def test_key_lookup_finds_what_the_scoped_query_finds(world: World, monkeypatch: pytest.MonkeyPatch, rows: int
                                                      ) -> None:
    """Chunk by chunk (a small file) or from the whole table's keys read once (a file of a good share of the table):
    the same ids, and only those of the enterprises the user may find."""
    from yuanqu.tabular import fast

    monkeypatch.setattr(fast, "WHOLE_TABLE_MIN_ROWS", 2)
    region = world.users[Role.REGION_STAFF.value]
    operator = world.users[Role.PARK_OPERATOR.value]
    codes = [e.uscc for e in (world.ent_xltd, world.ent_smyz, world.ent_laoshan)] + ["913702130000000000"]
    for user in (region, operator):
        scoped = enterprises_findable_by(user)
        lookup = KeyLookup(scoped, "uscc", rows=rows)
        got = lookup.get(codes)
        assert got == dict(scoped.filter(uscc__in=codes).values_list("uscc", "pk"))
        assert (lookup.whole is not None) == (rows >= 2 and rows >= fast.WHOLE_TABLE_SHARE * scoped.count())
        assert lookup.get([]) == {}
    # the operator's scope leaves another district's enterprise out, whichever way the look-up went
    assert world.ent_laoshan.uscc not in KeyLookup(enterprises_findable_by(operator), "uscc", rows=rows).get(codes)
    assert world.ent_laoshan.uscc in KeyLookup(Enterprise.objects.all(), "uscc", rows=rows).get(codes)


def test_any_of_takes_thousands_of_keys_as_one_parameter(world: World) -> None:
    keys = [f"9137021300{i:08d}" for i in range(20_000)] + [world.ent_xltd.uscc]
    query, params = Enterprise.objects.filter(AnyOf(F("uscc"), keys)).values_list("pk").query.sql_with_params()
    assert len(params) == 1
    assert list(Enterprise.objects.filter(AnyOf(F("uscc"), keys)).values_list("pk", flat=True)) == [
        world.ent_xltd.pk]


def test_any_of_takes_any_text(world: World) -> None:
    """On PostgreSQL the keys go as the text of an array: quotes, backslashes, braces, commas, blanks, NULL and the
    empty string are elements like any other, and only the names given match."""
    odd = ['a"b', "c\\d", "{e}", "f,g", "NULL", " h ", "", "园区\"", '\\"', "}{,"]
    made = []
    now = timezone.now()
    for i, name in enumerate(odd):
        first17 = f"91370213AB{i:07d}"
        made.append(Enterprise.objects.create(uscc=first17 + uscc_check_digit(first17), name=f"奇名{i}",
                                              business_scope=name, region_id="370213", created_at=now))
    for k in range(1, len(odd) + 1):
        want = odd[:k] + ["not there", 'a"', "c\\"]
        found = set(Enterprise.objects.filter(AnyOf(F("business_scope"), want)).values_list("pk", flat=True))
        assert found == set(Enterprise.objects.filter(business_scope__in=want).values_list("pk", flat=True))
        assert {e.pk for e in made[:k]} <= found
    # whole numbers as the text of an array too; anything else (PostgreSQL) as psycopg dumps a list
    assert set(Enterprise.objects.filter(AnyOf(F("pk"), [m.pk for m in made[:3]])).values_list("pk", flat=True)
               ) == {m.pk for m in made[:3]}
    if connection.vendor == "postgresql":
        day = dt.date(2020, 1, 1)
        assert Enterprise.objects.filter(AnyOf(F("established_on"), [day])).count() == Enterprise.objects.filter(
            established_on=day).count()


def _enterprises(start: int, n: int) -> None:
    now = timezone.now()
    rows = []
    for i in range(start, start + n):
        first17 = "9137021300" + "".join(USCC_ALPHABET[(i // 31**k) % 31] for k in range(7))
        rows.append((first17 + uscc_check_digit(first17), f"统计测试企业{i}", "", "", "6513", "370213", False, "",
                     False, "unlisted", False, "active", "", dt.date(2020, 1, 1), now, now))
    fast_insert(Enterprise, ("uscc", "name", "name_pinyin", "name_initials", "industry", "region", "is_high_tech",
                             "srdi_level", "is_above_scale", "listing", "is_four_new", "status", "business_scope",
                             "established_on", "created_at", "updated_at"), rows)


def _pages(table: str) -> tuple[int, int]:
    """(pages when last analysed, pages now)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT relpages, pg_relation_size(oid) / current_setting('block_size')::int FROM pg_class "
                       "WHERE oid = %s::regclass", [table])
        row: Any = cursor.fetchone()
    return int(row[0]), int(row[1])


@pytest.mark.django_db
def test_a_table_that_grew_is_analysed_again() -> None:
    table = Enterprise._meta.db_table
    if connection.vendor != "postgresql":
        _enterprises(0, 10)
        assert refresh_statistics([Enterprise]) == []  # SQLite plans without them
        return
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}")
    analysed, now = _pages(table)
    assert refresh_statistics([Enterprise]) == []  # nothing new
    _enterprises(0, 100)  # a few pages: small tables are planned well without
    assert refresh_statistics([Enterprise]) == []
    _enterprises(100, 12_000)  # well past twice the size and the minimum
    analysed, now = _pages(table)
    assert now >= REANALYZE_MIN_PAGES and now > 2 * analysed
    assert refresh_statistics([Enterprise]) == [table]
    analysed, now = _pages(table)
    assert analysed == now  # the statistics count the transaction's own new rows
    assert refresh_statistics([Enterprise]) == []  # until it doubles again


def test_a_statistics_commit_refreshes_its_tables_after_each_chunk(world: World, monkeypatch: pytest.MonkeyPatch
                                                                  ) -> None:
    """The engine asks for the statistics' report and value tables after every chunk it wrote; an importer whose
    look-ups go by a unique key (enterprises) asks for none."""
    from yuanqu.stats.models import Report, ReportValue
    from yuanqu.tabular import engine, fast

    from .test_streaming import _import

    asked: list[tuple[Any, ...]] = []
    monkeypatch.setattr(fast, "refresh_statistics", lambda tables: asked.append(tuple(tables)) or [])
    monkeypatch.setattr(engine, "CHUNK_ROWS", 2)
    e, f = world.ent_xltd, world.ent_xltd_fitout
    rows = [["统一社会信用代码", "企业名称", "园区", "报告期", "产值(亿元)"],
            [e.uscc, e.name, "信联天地", "2023年1月", 0.1], [f.uscc, f.name, "信联天地", "2023年1月", 0.2],
            [e.uscc, e.name, "信联天地", "2023年2月", 0.3]]
    batch = _import(world.users[Role.REGION_STAFF.value], "report_values", rows)
    assert batch.counts["error"] == 0, batch.report
    assert asked == [(Report, ReportValue)] * 2  # two chunks
    asked.clear()
    _import(world.users[Role.REGION_STAFF.value], "enterprises",
            [["统一社会信用代码", "企业名称"], ["91370213MA3C9WKE0A", "青岛测试统计企业有限公司"]])
    assert asked == [()]


def test_a_pass_leaves_the_collector_as_it_found_it() -> None:
    """While a pass runs, what existed before is frozen and the youngest generation is collected rarely; after it,
    the thresholds and the frozen objects are as before, also in a process that had frozen objects itself."""
    import gc

    from yuanqu.tabular.engine import _fewer_collections

    before = gc.get_threshold()
    assert gc.get_freeze_count() == 0
    with _fewer_collections():
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold()[0] >= 50_000
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
    gc.freeze()  # a pre-forking server's objects, frozen by the server
    try:
        frozen = gc.get_freeze_count()
        with _fewer_collections():
            pass
        assert gc.get_freeze_count() == frozen  # still frozen: the pass did not thaw them
    finally:
        gc.unfreeze()


@pytest.mark.parametrize("count", [1, 49, 50, 51, 123])
def test_many_rows_a_statement_store_what_one_row_a_statement_stores(world: World, count: int) -> None:
    """SQLite inserts ROWS_PER_INSERT rows per statement: every value (text with quotes, None, Decimal, date, bool,
    an aware datetime) is stored as by a plain executemany of one row a statement, the last short statement
    included, and the ids come back in the file's order."""
    from decimal import Decimal

    from yuanqu.tabular.fast import fast_insert_keyed

    stamp = timezone.now()
    names = ("uscc", "name", "name_pinyin", "name_initials", "industry", "region", "is_high_tech", "srdi_level",
             "is_above_scale", "listing", "is_four_new", "registered_capital_wan", "established_on", "status",
             "business_scope", "created_at", "updated_at")

    def rows(prefix: str) -> list[tuple[Any, ...]]:
        out = []
        for i in range(count):
            code = f"{prefix}{i:08d}"
            uscc = code + uscc_check_digit(code)
            out.append((uscc, f"青岛'{prefix}\"{i}有限公司", "", "", "6513" if i % 2 else None, "370213", bool(i % 3),
                        "", False, "unlisted", True, Decimal(f"{i}.25") if i % 4 else None,
                        dt.date(2000 + i % 20, 1 + i % 12, 1) if i % 5 else None, "active", "经营范围；%s", stamp,
                        stamp))
        return out

    def stored(prefix: str) -> list[tuple[Any, ...]]:
        return [tuple(v) for v in Enterprise.objects.filter(uscc__startswith=prefix).order_by("uscc").values_list(
            "name", "industry", "is_high_tech", "registered_capital_wan", "established_on", "business_scope",
            "created_at")]

    one = fast_insert_keyed(Enterprise, names, rows("91370213A"), "uscc", rows_per_insert=1)
    many = fast_insert_keyed(Enterprise, names, rows("91370213B"), "uscc")
    assert len(one) == len(many) == count
    assert [pk for _u, pk in sorted(many)] == sorted(pk for _u, pk in many)  # ids in the rows' order
    assert [r[0].replace("B", "A") for r in stored("91370213B")] == [r[0] for r in stored("91370213A")]
    assert [r[1:] for r in stored("91370213B")] == [r[1:] for r in stored("91370213A")]
