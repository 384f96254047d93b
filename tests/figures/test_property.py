"""Property tests of the figures layer: over random worlds, every figure equals a brute-force count over the raw rows.

A world is settlements with random dated stages and exits in the three parks of the shared fixture, and
monthly reports of 工业总产值 in every status over rounds open and locked. For random scopes (a district
user, a park operator, a park filter) and random periods (a month, a range from January, a quarter, a year),
the stock figures at the period's end, the flow figures within it, the indicator's value, 累计, reporters
and its provisional flag, and the like-for-like growth of a provisional period are each recomputed here by
looping over the rows, with no query but a plain ``values_list``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yuanqu.core.numbers import growth_pct
from yuanqu.enterprises.models import Enterprise, Settlement
from yuanqu.figures import selectors as fig
from yuanqu.figures.periods import Period
from yuanqu.parks.models import Park
from yuanqu.stats import rollups
from yuanqu.stats.models import Indicator, Report, ReportValue, Round

START = dt.date(2023, 1, 1)
DAYS = (dt.date(2025, 12, 31) - START).days
STATUSES = [s.value for s in Report.Status]

settlement_st = st.fixed_dictionaries({
    "park": st.integers(0, 2),
    "signed": st.integers(0, DAYS),
    # Days to each later step, or None: the step was not reached (or skipped, for fit-out).
    "fitout": st.one_of(st.none(), st.integers(1, 200)),
    "moved_in": st.one_of(st.none(), st.integers(1, 200)),
    "exited": st.one_of(st.none(), st.integers(1, 400)),
})
# Few months, so that the same enterprise often reports the same month of both years (同口径 needs it).
MONTHS = st.sampled_from([1, 3, 6, 12])
#: For each month of both years: no round, an open one or a locked one.
rounds_st = st.lists(st.sampled_from(["none", "open", "locked", "locked"]), min_size=8, max_size=8)
# One cell per (enterprise, round), in order: approved most often, every other status too.
report_st = st.fixed_dictionaries({"status": st.sampled_from([*STATUSES, *["approved"] * 8]),
                                   "value": st.integers(0, 5000), "ytd": st.integers(0, 50000)})
period_st = st.one_of(
    st.builds(Period.month, st.sampled_from([2024, 2025]), MONTHS),
    st.builds(Period.to_month, st.sampled_from([2024, 2025]), MONTHS),
    st.builds(Period.to_month, st.sampled_from([2024, 2025]), st.integers(1, 12)),
    st.builds(Period.quarter, st.sampled_from([2024, 2025]), st.integers(1, 4)),
    st.builds(Period.whole_year, st.sampled_from([2024, 2025])),
)


def _stage_at(row: dict[str, Any], on: dt.date) -> str | None:
    """The stage of a settlement at the end of ``on``: the latest step dated on or before it."""
    stage = None
    for name in ("signed", "fitout", "moved_in", "exited"):
        day = row[f"{name}_on"]
        if day is not None and day <= on:
            stage = name
    return stage


def _make_settlements(world: Any, rows: list[dict[str, Any]]) -> None:
    parks = [world.xltd, world.smyz, world.laoshan_park]
    for i, spec in enumerate(rows):
        e = Enterprise.objects.create(uscc=f"91370213MAP{i:07d}", name=f"性质测试企业{i}", region_id="370213",
                                      industry_id="6513")
        signed = START + dt.timedelta(days=spec["signed"])
        dates: dict[str, dt.date | None] = {"signed_on": signed, "fitout_on": None, "moved_in_on": None,
                                            "exited_on": None}
        on, stage = signed, "signed"
        for step in ("fitout", "moved_in", "exited"):
            if spec[step] is not None:
                on = on + dt.timedelta(days=spec[step])
                if on >= dt.date.today():
                    break
                dates[f"{step}_on"], stage = on, step
        Settlement.objects.create(enterprise=e, park=parks[spec["park"]], stage=stage, **dates)


def _make_reports(world: Any, rounds: list[str], reports: list[dict[str, Any]]) -> None:
    output = Indicator.objects.get(code="output")
    made: list[Round] = []
    pairs = [(y, m) for y in (2024, 2025) for m in (1, 3, 6, 12)]
    for (year, month), state in zip(pairs, rounds, strict=True):
        if state == "none":
            continue
        rnd, _new = Round.objects.get_or_create(region_id="370213", frequency="month", year=year, month=month,
                                                defaults={"deadline": dt.date(2026, 1, 10)})
        rnd.locked = state == "locked"
        rnd.save(update_fields=["locked"])
        made.append(rnd)
    enterprises = list(Settlement.objects.filter(park__region_id="370213").select_related("enterprise", "park")
                       .order_by("pk"))
    if not made or not enterprises:
        return
    cells = [(s, r) for r in made for s in enterprises]
    for spec, (settlement, rnd) in zip(reports, cells, strict=False):
        report, created = Report.objects.get_or_create(
            round=rnd, enterprise=settlement.enterprise,
            defaults={"park": settlement.park, "status": spec["status"], "industry_section": "I",
                      "above_scale": spec["value"] % 2 == 0})
        if not created or spec["status"] == Report.Status.PENDING:
            continue
        ReportValue.objects.create(report=report, indicator=output, park=report.park, enterprise=report.enterprise,
                                   year=rnd.year, month=rnd.month, value=Decimal(spec["ytd"]),
                                   period_value=Decimal(spec["value"]), ytd_value=Decimal(spec["ytd"]))
    rollups.rebuild()


def _scope(world: Any, which: int) -> fig.FigureScope:
    if which == 0:
        return fig.scope_for(world.users["region_staff"])
    if which == 1:
        return fig.scope_for(world.users["park_operator"])
    return fig.scope_for(world.users["region_staff"], park=world.smyz.pk)


def _brute_indicator(scope: fig.FigureScope, period: Period) -> dict[str, Any]:
    park_ids = set(scope.parks.values_list("pk", flat=True))
    rows = [r for r in ReportValue.objects.filter(indicator__code="output").values_list(
        "park_id", "enterprise_id", "year", "month", "period_value", "ytd_value", "report__status")
        if r[0] in park_ids and r[6] == Report.Status.APPROVED]

    def total(year: int) -> Decimal | None:
        if period.first == 1:
            cells = [r[5] for r in rows if r[2] == year and r[3] == period.last]
        else:
            cells = [r[4] for r in rows if r[2] == year and period.first <= r[3] <= period.last]
        return sum(cells, Decimal(0)) if cells else None

    reporters = sum(1 for r in rows if r[2] == period.year and r[3] == period.last)
    # A period from January is stated by its last month's round (the 累计); any other by every month's.
    needed = {period.last} if period.first == 1 else set(period.months)
    rounds = {(m, locked) for y, m, locked in Round.objects.filter(region_id="370213", frequency="month")
              .values_list("year", "month", "locked") if y == period.year and m in needed}
    final = len(rounds) == len(needed) and all(locked for _m, locked in rounds)
    # 同口径: the enterprises approved at the period's last month in both years.
    both = ({r[1] for r in rows if r[2] == period.year and r[3] == period.last}
            & {r[1] for r in rows if r[2] == period.year - 1 and r[3] == period.last})

    def same(year: int) -> Decimal | None:
        if period.first == 1:
            cells = [r[5] for r in rows if r[1] in both and r[2] == year and r[3] == period.last]
        else:
            cells = [r[4] for r in rows if r[1] in both and r[2] == year and period.first <= r[3] <= period.last]
        return sum(cells, Decimal(0)) if cells else None

    return {"value": total(period.year), "last_year": total(period.year - 1), "reporters": reporters,
            "final": final, "like_for_like": growth_pct(same(period.year), same(period.year - 1))}


@pytest.mark.django_db(transaction=False)
def test_it_counts_every_figure_as_a_brute_force_count_over_the_raw_rows(world):
    @settings(max_examples=80, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(settlements=st.lists(settlement_st, min_size=1, max_size=10),
           rounds=rounds_st, reports=st.lists(report_st, min_size=10, max_size=100), period=period_st,
           which=st.integers(0, 2))
    def check(settlements: list[dict[str, Any]], rounds: list[str], reports: list[dict[str, Any]],
              period: Period, which: int) -> None:
        with transaction.atomic():
            _make_settlements(world, settlements)
            _make_reports(world, rounds, reports)
            scope = _scope(world, which)
            park_ids = set(scope.parks.values_list("pk", flat=True))
            raw = [dict(zip(("park_id", "signed_on", "fitout_on", "moved_in_on", "exited_on"), r, strict=True))
                   for r in Settlement.objects.values_list("park_id", "signed_on", "fitout_on", "moved_in_on",
                                                           "exited_on")
                   if r[0] in park_ids]
            end = min(period.end, dt.date.today())
            stages = [_stage_at(r, end) for r in raw]
            stock = fig.stock(scope, period)
            assert stock["signed"].value == sum(1 for s in stages if s in ("signed", "fitout", "moved_in"))
            assert stock["moved_in"].value == stages.count("moved_in")
            assert stock["fitout"].value == stages.count("fitout")
            assert stock["waiting"].value == sum(1 for s in stages if s in ("signed", "fitout"))

            def within(day: dt.date | None) -> bool:
                return day is not None and period.start <= day <= period.end

            flow = fig.flows(scope, period)
            assert flow["new_signed"].value == sum(1 for r in raw if within(r["signed_on"]))
            assert flow["new_moved_in"].value == sum(1 for r in raw if within(r["moved_in_on"]))
            assert flow["exits"].value == sum(1 for r in raw if within(r["exited_on"]))

            got = fig.indicator(scope, period, "output")
            want = _brute_indicator(scope, period)
            assert got is not None
            assert (got.value, got.last_year, got.reporters) == (want["value"], want["last_year"],
                                                                  want["reporters"])
            assert got.final == want["final"]
            assert all(f.final == want["final"] for f in got.figures())
            if not want["final"]:
                assert got.like_for_like == want["like_for_like"]
            transaction.set_rollback(True)

    check()


def test_it_refuses_periods_that_cannot_be_stated():
    from yuanqu.figures.periods import PeriodError, parse

    today = dt.date(2026, 12, 2)
    for params, field in (({"year": 2027}, "year"), ({"year": 2026, "month": 0}, "month"),
                          ({"year": 2026, "month": 13}, "month"), ({"year": 2026, "quarter": 5}, "quarter"),
                          ({"year": 2026, "from_month": 11, "to_month": 2}, "from_month"),
                          ({"year": "二〇二六"}, "year"), ({"month": 3}, "year"),
                          ({"year": 2026, "month": 3, "quarter": 1}, "quarter")):
        with pytest.raises(PeriodError) as caught:
            parse(params, today=today)
        assert caught.value.field == field, params
        assert any("\u4e00" <= ch <= "\u9fff" for ch in caught.value.message), caught.value.message
    assert parse({"year": 2026, "month": 12}, today=today) == Period.month(2026, 12)
    assert parse({"year": 2026, "from_month": 1, "to_month": 8}, today=today).label == "2026年1—8月"
    assert parse({"year": 2026, "quarter": 3}, today=today).label == "2026年第三季度"
    assert parse({}, today=today) is None


def test_parks_of_the_fixture_are_three(world):
    """The property test draws from these three parks (two in 李沧, one in 崂山)."""
    assert Park.objects.count() == 3


@pytest.mark.django_db
def test_it_gives_like_for_like_growth_over_the_enterprises_approved_in_both_years(world):
    """An open June 2025 round: 信联天地's two enterprises approved in both Junes, 生命药洲's only this year.
    Raw growth counts the newcomer; 同口径 growth compares the two that reported both years."""
    _make_settlements(world, [])
    output = Indicator.objects.get(code="output")
    values = {(world.ent_xltd, 2024): 1000, (world.ent_xltd, 2025): 1100, (world.ent_xltd_fitout, 2024): 500,
              (world.ent_xltd_fitout, 2025): 400, (world.ent_smyz, 2025): 2000}
    for year, locked in ((2024, True), (2025, False)):
        rnd, _ = Round.objects.get_or_create(region_id="370213", frequency="month", year=year, month=6,
                                             defaults={"deadline": dt.date(2025, 7, 10)})
        Round.objects.filter(pk=rnd.pk).update(locked=locked)
        for (enterprise, y), amount in values.items():
            if y != year:
                continue
            park = world.smyz if enterprise == world.ent_smyz else world.xltd
            report, _ = Report.objects.update_or_create(round=rnd, enterprise=enterprise,
                                                        defaults={"park": park, "status": "approved"})
            ReportValue.objects.filter(report=report).delete()
            ReportValue.objects.create(report=report, indicator=output, park=park, enterprise=enterprise, year=y,
                                       month=6, value=amount, period_value=amount, ytd_value=amount)
    rollups.rebuild()
    got = fig.indicator(fig.scope_for(world.users["region_staff"]), Period.month(2025, 6), "output")
    assert got is not None and got.provisional
    assert got.value == 3500 and got.last_year == 1500
    assert got.yoy == growth_pct(3500, 1500)
    assert got.like_for_like == growth_pct(1500, 1500) == 0
    assert got.like_for_like_reporters == 2
    keys = {f.key for f in got.figures()}
    assert "output.like_for_like" in keys and all(not f.final for f in got.figures())
