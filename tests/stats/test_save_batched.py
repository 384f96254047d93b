"""``report_save`` writes every value of a report and rederives their series in a few statements (issue 13, the
reporting deadline): what it stores must be what the one-indicator-at-a-time rule (``services.rederive``) and a
full rollup rebuild give, its audit must state the values as stored, and concurrent submissions of one report
must give one submission."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from tests.conftest import approve_entries, build_world
from yuanqu.core.models import AuditEvent
from yuanqu.stats import rollups, services
from yuanqu.stats.models import Indicator, RegionRollup, Report, ReportValue, Rollup
from yuanqu.stats.services import Entry


def ind(code: str) -> Indicator:
    return Indicator.objects.get(code=code)


def entries(**values: str) -> dict[int, Entry]:
    base = {"output": "1000", "revenue": "1100", "tax": "60", "profit": "90", "employees": "50"}
    base.update(values)
    return {ind(k).pk: Entry(value=Decimal(v), explanation="核实无误") for k, v in base.items()}


def _derived() -> dict[tuple[int, int], tuple[Decimal | None, Decimal | None]]:
    return {(v.report_id, v.indicator_id): (v.period_value, v.ytd_value) for v in ReportValue.objects.all()}


def _cells() -> tuple[dict[tuple[object, ...], tuple[object, ...]], dict[tuple[object, ...], tuple[object, ...]]]:
    parks = {(r.park_id, r.indicator_id, r.year, r.month, r.segment): (r.value, r.ytd, r.reporters)
             for r in Rollup.objects.all()}
    regions = {(r.region_code, r.indicator_id, r.year, r.month, r.segment):
               (r.value, r.ytd, r.reporters, r.value_parks, r.ytd_parks) for r in RegionRollup.objects.all()}
    return parks, regions


def test_an_earlier_month_corrected_rederives_later_approved_months_and_their_rollups(world):
    """April is entered after May was approved: May's 当月 (a 累计 indicator) moves, and so do the cells May's
    approved values feed; both equal what rederiving one indicator at a time and rebuilding the rollups give."""
    staff, user = world.users["region_staff"], world.users["enterprise_user"]
    may = services.round_open(actor=staff, region=world.licang, frequency="month", year=2025, month=5,
                              deadline=dt.date(2025, 6, 10))
    may_report = approve_entries(world, Report.objects.get(round=may, enterprise=world.ent_xltd),
                                 entries(output="1000"))
    output_may = ReportValue.objects.get(report=may_report, indicator=ind("output"))
    assert output_may.period_value == Decimal("1000")  # January to May, no earlier month known
    april = services.round_open(actor=staff, region=world.licang, frequency="month", year=2025, month=4,
                                deadline=dt.date(2025, 5, 10))
    april_report = Report.objects.get(round=april, enterprise=world.ent_xltd)
    services.report_save(actor=user, report=april_report, entries=entries(output="700"), submit=True)

    output_may.refresh_from_db()
    assert output_may.period_value == Decimal("300") and output_may.ytd_value == Decimal("1000")
    stored, cells = _derived(), _cells()
    for indicator in Indicator.objects.filter(frequency="month"):
        services.rederive(enterprise_id=world.ent_xltd.pk, park_id=world.xltd.pk, indicator=indicator, year=2025)
    assert _derived() == stored
    rollups.rebuild()
    rollups.rebuild_regions()
    assert _cells() == cells
    assert rollups.region_mismatches() == []


def test_a_draft_saved_again_updates_its_values_in_place_and_the_audit_states_them_as_stored(world):
    user = world.users["enterprise_user"]
    report = world.report_xltd
    services.report_save(actor=user, report=report, entries=entries(output="1000.5"), submit=False)
    first = {v.indicator_id: v.pk for v in ReportValue.objects.filter(report=report)}
    services.report_save(actor=user, report=report,
                         entries={**entries(output="1234.56789"), ind("power").pk: Entry(no_data=True,
                                                                                         no_data_reason="停产")},
                         submit=True)
    values = {v.indicator_id: v for v in ReportValue.objects.filter(report=report)}
    assert {k: values[k].pk for k in first} == first  # updated in place, not deleted and inserted
    assert values[ind("power").pk].no_data and values[ind("power").pk].no_data_reason == "停产"
    assert ReportValue.objects.filter(report=report).count() == len(values)
    event = AuditEvent.objects.filter(object_type="stats.Report", object_id=str(report.pk)).latest("id")
    read_back = {v.indicator.code: ("无数据" if v.no_data else (str(v.value) if v.value is not None else None))
                 for v in ReportValue.objects.filter(report=report).select_related("indicator")}
    assert event.after["values"] == read_back
    assert read_back["output"] == "1234.5679"  # numeric(20, 4) rounds half away from zero, and so did the audit
    assert event.before["values"]["output"] == "1000.5000"


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_of_one_report_give_one_submission():
    """Four tabs submit the same report at once: one submission, the others are told it is submitted already."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers itself (BEGIN IMMEDIATE)")
    from tests.conftest import reload_reference_tables

    reload_reference_tables()
    world = build_world()
    user, report = world.users["enterprise_user"], world.report_xltd
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def tab(n: int) -> None:
        try:
            barrier.wait()
            services.report_save(actor=user, report=report, entries=entries(output=str(1000 + n)), submit=True)
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(exc.code or "")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=tab, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "submitted", "submitted", "submitted"]  # the error's code: submitted already
    report.refresh_from_db()
    assert report.status == Report.Status.SUBMITTED
    assert ReportValue.objects.filter(report=report, indicator=ind("output")).count() == 1
    events = AuditEvent.objects.filter(object_type="stats.Report", object_id=str(report.pk),
                                       after__status=Report.Status.SUBMITTED)
    assert events.count() == 1
