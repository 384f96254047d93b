"""The statistics benchmark: four ways to the park × period aggregate, side by side in one run.

    (a) a rollup rebuild from scratch (``yuanqu rebuild_rollups``);
    (b) the park × period aggregate a dashboard asks for (every park of the city, each month of a
        year, value and 累计 of 工业总产值), read from the rollups;
    (c) the same aggregate computed from the raw approved values by the ORM;
    (d) the same aggregate computed by DuckDB over the same raw values, exported from PostgreSQL
        (the export and load are timed apart from the query).

Target: (b) under 50 ms, and at least 10× faster than (c). The three results are checked to agree.
Run after ``bench.stats.generate`` on the same database (``make bench-stats`` does both).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yuanqu.settings")
os.environ.setdefault("YUANQU_TESTING", "1")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from yuanqu.parks.models import Park  # noqa: E402
from yuanqu.stats import rollups, selectors  # noqa: E402
from yuanqu.stats.models import Indicator, ReportValue, Rollup  # noqa: E402

YEAR = 2025
AGG_SQL = """
    SELECT park_id, month, SUM(period_value) AS value, SUM(ytd_value) AS ytd
    FROM raw WHERE approved AND indicator_id = {indicator} AND year = {year} AND park_id IN ({parks})
    GROUP BY park_id, month
"""


def timed(fn: Callable[[], Any], runs: int) -> tuple[list[float], Any]:
    times, result = [], None
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t) * 1000)
    return times, result


def fmt(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return f"median {statistics.median(times):9.1f} ms   p95 {p95:9.1f} ms   (n={len(times)})"


def duckdb_over_raw(workdir: Path, indicator: int, parks: list[int], runs: int) -> tuple[float, list[float], Any]:
    import duckdb

    csv_path = workdir / "raw_values.csv"
    t = time.perf_counter()
    with connection.cursor() as cur, open(csv_path, "wb") as out:
        raw = cur.connection  # psycopg 3
        with raw.cursor().copy(
            "COPY (SELECT v.park_id, v.indicator_id, v.year, v.month, v.period_value, v.ytd_value, "
            "r.status = 'approved' AS approved FROM stats_reportvalue v JOIN stats_report r ON r.id = v.report_id) "
            "TO STDOUT WITH (FORMAT csv)"
        ) as copy:
            for block in copy:
                out.write(block)
    db = duckdb.connect()
    db.execute(
        "CREATE TABLE raw AS SELECT * FROM read_csv(?, header=false, columns={"
        "'park_id': 'BIGINT', 'indicator_id': 'BIGINT', 'year': 'INTEGER', 'month': 'INTEGER', "
        "'period_value': 'DECIMAL(20,4)', 'ytd_value': 'DECIMAL(20,4)', 'approved': 'BOOLEAN'})", [str(csv_path)])
    load_seconds = time.perf_counter() - t
    sql = AGG_SQL.format(indicator=indicator, year=YEAR, parks=",".join(map(str, parks)))
    times, rows = timed(lambda: db.execute(sql).fetchall(), runs)
    csv_path.unlink()
    return load_seconds, times, {(p, m): (v, y) for p, m, v, y in rows}


def same(a: dict[Any, Any], b: dict[Any, Any]) -> bool:
    if a.keys() != b.keys():
        return False
    return all(Decimal(str(a[k][0])) == Decimal(str(b[k][0])) and Decimal(str(a[k][1])) == Decimal(str(b[k][1]))
               for k in a)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="repetitions of (b) and (d); (c) runs a third as often")
    parser.add_argument("--region", default="3702", help="region code prefix whose parks are aggregated")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("The statistics benchmark runs on PostgreSQL: set DATABASE_URL.")
    output = Indicator.objects.get(code="output")
    parks = Park.objects.filter(region__code__startswith=args.region)
    park_ids = list(parks.values_list("pk", flat=True))
    print(f"data: {ReportValue.objects.count():,} raw values, {len(park_ids):,} parks under {args.region}, "
          f"aggregate: {output.name}, {YEAR}, park × month")

    t = time.perf_counter()
    cells = rollups.rebuild()
    rebuild_s = time.perf_counter() - t
    with connection.cursor() as cur:
        cur.execute("ANALYZE stats_rollup")
    print(f"(a) rollup rebuild from scratch     {rebuild_s:9.1f} s    ({cells:,} cells; {Rollup._meta.db_table})")

    b_times, b = timed(lambda: selectors.park_period_matrix(output, YEAR, parks), args.runs)
    print(f"(b) via rollups                     {fmt(b_times)}")
    c_times, c = timed(lambda: selectors.park_period_matrix_raw(output, YEAR, parks), max(3, args.runs // 3))
    print(f"(c) raw values, ORM                 {fmt(c_times)}")
    with tempfile.TemporaryDirectory() as tmp:
        load_s, d_times, d = duckdb_over_raw(Path(tmp), output.pk, park_ids, args.runs)
    print(f"(d) raw values, DuckDB              {fmt(d_times)}   (export + load {load_s:.1f} s, not included)")
    speedup = statistics.median(c_times) / statistics.median(b_times)
    print(f"(c)/(b) speed-up: {speedup:.0f}×   target: (b) < 50 ms and ≥ 10×: "
          f"{'met' if statistics.median(b_times) < 50 and speedup >= 10 else 'NOT met'}")
    agree = same(b, c) and same(b, d)
    print(f"results agree: {agree} ({len(b):,} park × month cells)")
    if not agree:
        sys.exit(1)


if __name__ == "__main__":
    main()
