"""Licang statistics for the demo: monthly (and quarterly) rounds from January 2022 to last month.

Every enterprise moved in to a park reports each period it was there, to that park. Growth is plausible (a
park-level trend, seasonality with the Spring Festival dip in February and a December peak,
noise per enterprise, tenants arriving and leaving), and 生命药洲's 2022 工业总产值 adds up to exactly 55亿元
(550,000 万元) from its 52 enterprises, as the district reported: the park's enterprises are scaled to it, in
every year alike. The rounds of the last two months are open (the latest in progress, with reports in every
status; the one before approved); every older round is approved and locked.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.utils import timezone

from yuanqu.core.demo import DemoContext
from yuanqu.core.models import Region
from yuanqu.enterprises.models import Settlement
from yuanqu.parks.models import Park

from . import rollups
from .models import Frequency, Indicator, Report, ReportValue, Round, Target, months_of
from .selectors import period_bounds

if TYPE_CHECKING:
    from yuanqu.accounts.models import User

SEED = 20221231
FIRST_YEAR = 2022
SMYZ_2022_OUTPUT_WAN = Decimal("550000")
#: Share of a year's output in each month (sums to 1): the Spring Festival dip, a December peak.
SEASON = [Decimal(x) for x in ("0.075", "0.060", "0.085", "0.083", "0.084", "0.087", "0.082", "0.083", "0.086",
                               "0.085", "0.087", "0.103")]
#: Growth of an enterprise's output on the year before, by park name and year (a park grows by more or less as
#: tenants arrive and leave).
GROWTH = {
    "生命药洲": {2023: "0.055", 2024: "0.050", 2025: "0.045", 2026: "0.042"},
    "信联天地": {2023: "0.050", 2024: "0.045", 2025: "0.040", 2026: "0.035"},
    "国际特别创新区": {2023: "0.138", 2024: "0.121", 2025: "0.104", 2026: "0.095"},
    "人民金服青岛中心·中化云谷": {2024: "0.168", 2025: "0.142", 2026: "0.117"},
    "联东U谷青岛中心": {2024: "0.121", 2025: "0.103", 2026: "0.088"},
}
#: A typical annual output (万元) of an enterprise, by park: (above designated size, below).
SIZE = {"生命药洲": (16000, 4200), "信联天地": (5200, 900), "国际特别创新区": (2600, 380),
        "人民金服青岛中心·中化云谷": (4800, 700), "联东U谷青岛中心": (12000, 2600)}
CENT = Decimal("0.01")


def _q(value: Decimal, places: Decimal = CENT) -> Decimal:
    return value.quantize(places, rounding=ROUND_HALF_UP)


def _periods(today: dt.date) -> list[tuple[int, int]]:
    """Months from January 2022 to the last month that has ended."""
    last = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    out = []
    y, m = FIRST_YEAR, 1
    while (y, m) <= last:
        out.append((y, m))
        y, m = (y, m + 1) if m < 12 else (y + 1, 1)
    return out


class _Gen:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.scale: dict[int, Decimal] = {}

    def annual(self, park: str, above: bool, eid: int) -> Decimal:
        if eid not in self.scale:
            big, small = SIZE.get(park, (2000, 300))
            base = big if above else small
            self.scale[eid] = Decimal(str(round(base * self.rng.lognormvariate(0, 0.45), 2)))
        return self.scale[eid]

    def trend(self, park: str, year: int) -> Decimal:
        factor = Decimal(1)
        for y in range(FIRST_YEAR + 1, year + 1):
            factor *= 1 + Decimal(GROWTH.get(park, {}).get(y, "0.08"))
        return factor


@transaction.atomic
def load_stats_demo(*, actor: User, staff: User, today: dt.date | None = None) -> dict[str, int]:
    """Create the rounds, reports, values and targets, then build the rollups."""
    today = today or timezone.localdate()
    region = Region.objects.get(pk="370213")
    rng = random.Random(SEED)
    gen = _Gen(rng)
    indicators = {i.code: i for i in Indicator.objects.all()}
    monthly = [i for i in indicators.values() if i.frequency == Frequency.MONTH and i.active]
    settlements = list(Settlement.objects.filter(park__region=region, moved_in_on__isnull=False)
                       .select_related("enterprise", "enterprise__industry", "park"))
    periods = _periods(today)
    last = periods[-1]
    open_from = periods[-2] if len(periods) > 1 else last  # the month before last: still open, like the last
    rounds: dict[tuple[str, int, int], Round] = {}
    for y, m in periods:
        for freq in (Frequency.MONTH, Frequency.QUARTER):
            if m not in months_of(freq):
                continue
            nxt = dt.date(y + (m == 12), m % 12 + 1, 10)
            locked = (y, m) < open_from
            rnd = Round.objects.create(region=region, frequency=freq, year=y, month=m, deadline=nxt,
                                       locked=locked, locked_at=timezone.now() if locked else None, created_by=staff)
            rnd.indicators.set([i for i in indicators.values() if i.frequency == freq and i.active])
            rounds[(freq, y, m)] = rnd

    # Period output of each enterprise-month, before 生命药洲 2022 is scaled to exactly 55亿元.
    output: dict[tuple[int, int, int, int], Decimal] = {}  # (settlement, year, month) -> 万元
    present: dict[tuple[int, int], list[Settlement]] = defaultdict(list)
    for y, m in periods:
        start, end = period_bounds(Frequency.MONTH, y, m)
        for s in settlements:
            if s.moved_in_on and s.moved_in_on <= end and (s.exited_on is None or s.exited_on >= start):
                present[(y, m)].append(s)
                e = s.enterprise
                yearly = gen.annual(s.park.name, e.is_above_scale, e.pk) * gen.trend(s.park.name, y)
                noise = Decimal(str(round(rng.uniform(0.9, 1.1), 4)))
                output[(s.pk, s.park_id, y, m)] = _q(yearly * SEASON[m - 1] * noise)
    smyz = Park.objects.get(region=region, name="生命药洲")
    cells = [k for k in output if k[1] == smyz.pk and k[2] == 2022]
    raw = sum((output[k] for k in cells), Decimal(0))
    if raw:
        # Every year of the park by the same factor, so its growth stays what the trend and its tenants make it.
        for k in output:
            if k[1] == smyz.pk:
                output[k] = _q(output[k] * SMYZ_2022_OUTPUT_WAN / raw)
        residual = SMYZ_2022_OUTPUT_WAN - sum((output[k] for k in cells), Decimal(0))
        output[max(cells, key=lambda k: output[k])] += residual

    reports: list[Report] = []
    report_keys: list[tuple[Settlement, str, int, int]] = []  # (settlement, frequency, year, month)
    latest = rounds[(Frequency.MONTH, *last)]
    for (y, m), here in present.items():
        for freq in (Frequency.MONTH, Frequency.QUARTER):
            found = rounds.get((freq, y, m))
            if found is None:
                continue
            rnd = found
            for s in here:
                e = s.enterprise
                status = Report.Status.APPROVED
                if rnd.pk == latest.pk:
                    status = rng.choices(list(Report.Status), weights=[8, 5, 12, 15, 55, 5])[0]
                reports.append(Report(round=rnd, enterprise=e, park=s.park, above_scale=e.is_above_scale,
                                      industry_section=e.industry.section if e.industry else "", status=status,
                                      submitted_at=timezone.now() if status in Report.REPORTED else None,
                                      approved_by=staff if status == Report.Status.APPROVED else None,
                                      return_reason="税收与上月差异较大，请核实后重新报送"
                                      if status == Report.Status.RETURNED else ""))
                report_keys.append((s, freq, y, m))
    Report.objects.bulk_create(reports, batch_size=2000)

    values: list[ReportValue] = []
    running: dict[tuple[int, str, int], Decimal] = defaultdict(Decimal)  # cumulative per (settlement, code, year)
    quarter_sum: dict[tuple[int, int, int], Decimal] = defaultdict(Decimal)
    for report, (s, kind, y, m) in zip(reports, report_keys, strict=True):
        if report.status == Report.Status.PENDING:
            continue
        e = s.enterprise
        if kind == Frequency.QUARTER:
            months = [x for x in (m - 2, m - 1, m) if (s.pk, s.park_id, y, x) in output]
            rev = sum((output[(s.pk, s.park_id, y, x)] for x in months), Decimal(0)) * Decimal("1.05")
            key = (s.pk, y, 0)
            quarter_sum[key] += _q(rev * Decimal("0.045"))
            values.append(_value(report, indicators["rnd"], quarter_sum[key], quarter_sum[key] - _q(
                rev * Decimal("0.045")), quarter_sum[key]))
            continue
        out = output[(s.pk, s.park_id, y, m)]
        rnd_rng = random.Random(hash((s.pk, y, m)) & 0xFFFFFFFF)
        period = {
            "output": out,
            "revenue": _q(out * Decimal(str(round(rnd_rng.uniform(1.02, 1.12), 3)))),
            "profit": _q(out * Decimal(str(round(rnd_rng.uniform(-0.02, 0.16), 3)))),
        }
        period["tax"] = _q(period["revenue"] * Decimal(str(round(rnd_rng.uniform(0.045, 0.075), 3))))
        period["tax_local"] = _q(period["tax"] * Decimal("0.42"))
        if e.pk % 5 == 0:
            period["fai"] = _q(out * Decimal("0.12"))
        if e.pk % 4 == 0:
            period["export"] = _q(out * Decimal("0.3"))
        for ind in monthly:
            code = ind.code
            if code == "employees":
                base = int(gen.annual(s.park.name, e.is_above_scale, e.pk) / 60) + 8
                heads = Decimal(base + (y - FIRST_YEAR) * 3 + (m % 3))
                values.append(_value(report, ind, heads, heads, heads))
            elif code == "power":
                kwh = _q(out * Decimal("85"), Decimal(1))
                total = running[(s.pk, code, y)] + kwh
                running[(s.pk, code, y)] = total
                values.append(_value(report, ind, kwh, kwh, total))
            elif code in period:
                total = running[(s.pk, code, y)] + period[code]
                running[(s.pk, code, y)] = total
                values.append(_value(report, ind, total, period[code], total))
            elif not ind.required:
                values.append(ReportValue(report=report, indicator=ind, park_id=report.park_id,
                                          enterprise_id=report.enterprise_id, year=y, month=m, no_data=True,
                                          no_data_reason="本期未发生"))
    _insert_values(values)
    _warning_example(latest)

    for code, amount in (("output", "1150000"), ("tax", "62000")):
        Target.objects.create(indicator=indicators[code], year=last[0], region=region, value=Decimal(amount))
    Target.objects.create(indicator=indicators["output"], year=last[0], park=smyz, value=Decimal("720000"))
    cells_built = rollups.rebuild()
    return {"rounds": len(rounds), "reports": len(reports), "values": len(values), "rollups": cells_built}


def _insert_values(values: list[ReportValue]) -> None:
    """Insert the values with one prepared statement (70k rows: bulk_create would compile a query per 76)."""
    columns = ["report_id", "indicator_id", "park_id", "enterprise_id", "year", "month", "value", "no_data",
               "no_data_reason", "explanation", "warning", "period_value", "ytd_value"]
    sql = (f"INSERT INTO {ReportValue._meta.db_table} ({', '.join(columns)}) "
           f"VALUES ({', '.join(['%s'] * len(columns))})")
    rows = [(v.report_id, v.indicator_id, v.park_id, v.enterprise_id, v.year, v.month, v.value, v.no_data,
             v.no_data_reason, v.explanation, v.warning, v.period_value, v.ytd_value) for v in values]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 10000):
            cursor.executemany(sql, rows[start:start + 10000])


def _value(report: Report, ind: Indicator, value: Decimal, period: Decimal, ytd: Decimal) -> ReportValue:
    return ReportValue(report=report, indicator=ind, park_id=report.park_id, enterprise_id=report.enterprise_id,
                       year=report.round.year, month=report.round.month, value=value, period_value=period,
                       ytd_value=ytd)


def _warning_example(rnd: Round) -> None:
    """One submitted report in the latest round carries a warning the enterprise explained."""
    value = (ReportValue.objects.filter(report__round=rnd, report__status=Report.Status.SUBMITTED,
                                        indicator__code="output").order_by("pk").first())
    if value is not None:
        value.warning = "工业总产值较上期增长超过300%"
        value.explanation = "本月新生产线投产，集中交付海外订单"
        value.save(update_fields=["warning", "explanation"])


def load_demo_part(ctx: DemoContext) -> None:
    """The registered loader: the statistics of a fresh demo, reviewed by the demo's district staff."""
    if ctx.fresh:
        load_stats_demo(actor=ctx.actor, staff=ctx.objects["staff"], today=ctx.today)
