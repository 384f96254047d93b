"""Generate a statistics data set at city or district scale into a PostgreSQL database.

    city:     100,000 enterprises in 1,000 parks of 10 districts, 36 months, 6 indicators = 21.6M values
    district:   5,000 enterprises in    50 parks of  1 district,  36 months, 6 indicators =  1.08M values

Parks, enterprises and settlements go in through the ORM's bulk_create; reports and values, the
large tables, through INSERT … SELECT in the database. Values are plausible: a size per enterprise,
seasonality with a February dip and a December peak, 8 % growth a year; cumulative (累计)
indicators carry the year-to-date sum, as enterprises report them. Every report is approved.

Run through ``make bench-stats`` (see bench/stats/README.md), or:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/yuanqu_bench YUANQU_TESTING=1 \
        .venv/bin/python -m bench.stats.generate --scale city
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yuanqu.settings")
os.environ.setdefault("YUANQU_TESTING", "1")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from yuanqu.core.models import IndustryCode, Region  # noqa: E402
from yuanqu.enterprises.models import Enterprise, Settlement  # noqa: E402
from yuanqu.parks.models import Park  # noqa: E402
from yuanqu.stats.models import Indicator, Report, ReportValue, Rollup, Round  # noqa: E402

SCALES = {
    "city": dict(enterprises=100_000, parks=1_000, districts=["370202", "370203", "370211", "370212", "370213",
                                                             "370214", "370215", "370281", "370283", "370285"]),
    "district": dict(enterprises=5_000, parks=50, districts=["370213"]),
}
YEARS = (2023, 2024, 2025)
CODES = ["output", "revenue", "tax", "profit", "employees", "power"]
SEASON = [0.075, 0.060, 0.085, 0.083, 0.084, 0.087, 0.082, 0.083, 0.086, 0.085, 0.087, 0.103]
CUM = [round(sum(SEASON[: i + 1]), 4) for i in range(12)]
SECTIONS = ["C", "I", "M", "L", "F", "G"]


def _array(values: list[float]) -> str:
    return "ARRAY[" + ",".join(f"{v}" for v in values) + "]::numeric[]"


def clear() -> None:
    with connection.cursor() as cur:
        cur.execute("TRUNCATE stats_rollup, stats_reportvalue, stats_notice, stats_report, stats_round_indicators, "
                    "stats_round, stats_target CASCADE")
    Settlement.objects.filter(enterprise__uscc__startswith="BENCH").delete()
    Enterprise.objects.filter(uscc__startswith="BENCH").delete()
    Park.objects.filter(name__startswith="基准园区").delete()


def generate(scale: str) -> dict[str, float]:
    spec = SCALES[scale]
    n_ent, n_parks, districts = spec["enterprises"], spec["parks"], spec["districts"]
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    clear()
    now = timezone.now()
    regions = {r.code: r for r in Region.objects.filter(code__in=districts)}
    industries = {s: IndustryCode.objects.filter(section=s, level=4).first() for s in SECTIONS}
    with transaction.atomic():
        parks = Park.objects.bulk_create([
            Park(name=f"基准园区{i:04d}", name_pinyin=f"jizhunyuanqu{i:04d}", name_initials=f"jzyq{i:04d}",
                 region=regions[districts[i % len(districts)]], kind=Park.Kind.INDUSTRIAL,
                 status=Park.Status.OPERATING, land_area_mu=100 + i % 400, created_at=now)
            for i in range(n_parks)], batch_size=1000)
        ents = Enterprise.objects.bulk_create([
            Enterprise(uscc=f"BENCH{i:013d}", name=f"基准企业{i:06d}有限公司", name_pinyin=f"jizhunqiye{i:06d}",
                       name_initials=f"jzqy{i:06d}", industry=industries[SECTIONS[i % len(SECTIONS)]],
                       region=parks[i % n_parks].region, is_above_scale=i % 3 == 0, created_at=now)
            for i in range(n_ent)], batch_size=5000)
        Settlement.objects.bulk_create([
            Settlement(enterprise=e, park=parks[i % n_parks], stage=Settlement.Stage.MOVED_IN,
                       signed_on=dt.date(2022, 6, 1), fitout_on=dt.date(2022, 7, 1), moved_in_on=dt.date(2022, 9, 1),
                       created_at=now)
            for i, e in enumerate(ents)], batch_size=5000)
        indicators = list(Indicator.objects.filter(code__in=CODES))
        rounds = []
        for code in districts:
            for y in YEARS:
                for m in range(1, 13):
                    rounds.append(Round(region=regions[code], frequency="month", year=y, month=m,
                                        deadline=dt.date(y + (m == 12), m % 12 + 1, 10), locked=True, created_at=now))
        rounds = Round.objects.bulk_create(rounds)
        through = Round.indicators.through
        through.objects.bulk_create([through(round_id=r.pk, indicator_id=i.pk) for r in rounds for i in indicators])
    timings["registry (parks, enterprises, settlements, rounds)"] = time.perf_counter() - t0

    t1 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("""
            INSERT INTO stats_report (created_at, updated_at, round_id, enterprise_id, park_id, industry_section,
                                      above_scale, status, return_reason, approved_at)
            SELECT now(), now(), ro.id, s.enterprise_id, s.park_id, ic.section, e.is_above_scale, 'approved', '', now()
            FROM stats_round ro
            JOIN parks_park p ON p.region_id = ro.region_id AND p.name LIKE '基准园区%'
            JOIN enterprises_settlement s ON s.park_id = p.id
            JOIN enterprises_enterprise e ON e.id = s.enterprise_id
            LEFT JOIN core_industrycode ic ON ic.code = e.industry_id
        """)
    timings["reports"] = time.perf_counter() - t1

    t2 = time.perf_counter()
    codes = {i.pk: i.code for i in indicators}
    weight = {"output": 1.0, "revenue": 1.08, "tax": 0.06, "profit": 0.09, "employees": 0.0, "power": 85.0}
    with connection.cursor() as cur:
        # The bulk insert skips per-row foreign-key triggers and the secondary indexes, rebuilt after.
        cur.execute("ALTER TABLE stats_reportvalue DISABLE TRIGGER ALL")
        cur.execute("DROP INDEX IF EXISTS value_ent_ind_period")
        cur.execute("DROP INDEX IF EXISTS value_ind_period_park")
        for pk, code in codes.items():
            # K: the enterprise's annual amount this year (size × growth), noise per enterprise and year.
            k = (f"(({weight[code]}) * (200 + (e_id * 7919 % 4800)) * power(1.08, ro.year - 2023) "
                 f"* (0.9 + ((e_id * 31 + ro.year) % 21) / 100.0))")
            if code == "employees":
                value = "(10 + (e_id * 13 % 300) + (ro.year - 2023) * 3)::numeric"
                period = ytd = value
            elif code == "power":
                period = f"round(({k} * ({_array(SEASON)})[ro.month])::numeric, 0)"
                ytd = f"round(({k} * ({_array(CUM)})[ro.month])::numeric, 0)"
                value = period
            else:
                ytd = f"round(({k} * ({_array(CUM)})[ro.month])::numeric, 2)"
                prev = f"round(({k} * ({_array([0.0, *CUM[:-1]])})[ro.month])::numeric, 2)"
                period = f"({ytd} - {prev})"
                value = ytd
            cur.execute(f"""
                INSERT INTO stats_reportvalue (report_id, indicator_id, park_id, enterprise_id, year, month, value,
                    no_data, no_data_reason, explanation, warning, period_value, ytd_value)
                SELECT r.id, {pk}, r.park_id, r.enterprise_id, ro.year, ro.month, {value}, false, '', '', '',
                       {period}, {ytd}
                FROM (SELECT id, park_id, enterprise_id, round_id, enterprise_id AS e_id FROM stats_report) r
                JOIN stats_round ro ON ro.id = r.round_id
            """)
        cur.execute("ALTER TABLE stats_reportvalue ENABLE TRIGGER ALL")
        cur.execute("CREATE INDEX value_ent_ind_period ON stats_reportvalue (enterprise_id, indicator_id, year, month)")
        cur.execute("CREATE INDEX value_ind_period_park ON stats_reportvalue (indicator_id, year, month, park_id)")
        cur.execute("ANALYZE")
    timings["values (incl. indexes)"] = time.perf_counter() - t2
    timings["total"] = time.perf_counter() - t0
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="district")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("The statistics benchmark runs on PostgreSQL: set DATABASE_URL.")
    timings = generate(args.scale)
    print(f"generated scale={args.scale}: {Report.objects.count():,} reports, "
          f"{ReportValue.objects.count():,} values, {Rollup.objects.count():,} rollup cells")
    for name, seconds in timings.items():
        print(f"  {name:<55} {seconds:8.1f} s")


if __name__ == "__main__":
    main()
