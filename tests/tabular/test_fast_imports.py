"""The bulk paths of the settlement and historical-statistics imports (issue 14 item 9) store exactly what the
row-by-row services store, with the same row errors, in scope, with one audit event for the batch — and a bulk
settlement import reverts like any other."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction

from tests.conftest import World
from yuanqu.core.models import AuditEvent
from yuanqu.enterprises.models import Enterprise, Settlement
from yuanqu.parks.models import Park
from yuanqu.stats import rollups, selectors
from yuanqu.stats.models import Indicator, RegionRollup, Report, ReportValue, Rollup, Round
from yuanqu.tabular import engine, services
from yuanqu.tabular.models import ImportBatch
from yuanqu.tabular.registry import get_importer

from . import files


def _commit(actor: Any, entity: str, rows: list[list[Any]]) -> ImportBatch:
    batch = engine.start_batch(actor=actor, entity=entity, filename=f"{entity}.xlsx", data=files.xlsx(("S", rows)))
    assert not engine.mapping_problems(batch), engine.mapping_problems(batch)
    batch = engine.commit(batch, actor=actor, accept_warnings=True)
    assert batch.status == ImportBatch.Status.COMMITTED, batch.error
    return batch


@pytest.fixture
def both_paths() -> Iterator[Any]:
    """Run a block once row by row and once in bulk, each rolled back, and return what each left."""

    def run(entity: str, block: Any) -> tuple[Any, Any]:
        importer: Any = get_importer(entity)
        out = []
        for bulk in (False, True):
            importer.bulk = bulk
            sid = transaction.savepoint()
            try:
                out.append(block())
            finally:
                transaction.savepoint_rollback(sid)
        return out[0], out[1]

    importer: Any = get_importer("settlements")
    stats: Any = get_importer("report_values")
    yield run
    importer.bulk = stats.bulk = True


def _report_rows(batch: ImportBatch) -> list[tuple[Any, ...]]:
    """The batch's row report without the cells: line, status, action, reasons."""
    return [(r[0], r[1], r[2], tuple(r[3])) for r in batch.report]


def _new_events(before: int) -> list[tuple[str, str]]:
    return sorted(AuditEvent.objects.filter(pk__gt=before).values_list("action", "object_type"))


# --- historical statistics ---------------------------------------------------------------------------------------


HEADER = ["统一社会信用代码", "企业名称", "园区", "报告期", "产值(亿元)", "营收", "从业人数", "税收(万元)"]


def _stats_state() -> dict[str, Any]:
    return {
        "values": sorted(ReportValue.objects.values_list(
            "report__round__frequency", "report__round__year", "report__round__month", "enterprise_id", "park_id",
            "indicator_id", "year", "month", "value", "no_data", "no_data_reason", "explanation", "warning",
            "period_value", "ytd_value")),
        "reports": sorted(Report.objects.values_list(
            "round__frequency", "round__year", "round__month", "enterprise_id", "park_id", "status", "approved_by_id",
            "industry_section", "above_scale", "return_reason")),
        "rounds": sorted((r.region_id, r.frequency, r.year, r.month, tuple(sorted(r.indicators.values_list(
            "pk", flat=True)))) for r in Round.objects.all()),
        "rollups": sorted(Rollup.objects.values_list("park_id", "indicator_id", "segment", "year", "month", "value",
                                                     "ytd", "reporters")),
        "regions": sorted(RegionRollup.objects.values_list("region_code", "indicator_id", "segment", "year", "month",
                                                           "value", "ytd", "reporters", "value_parks",
                                                           "ytd_parks")),
    }


def test_it_stores_statistics_in_bulk_exactly_as_row_by_row(world: World, both_paths: Any) -> None:
    staff = world.users["region_staff"]
    e, f = world.ent_xltd, world.ent_xltd_fitout
    # stored before: January and March of 2023 (February's import must re-derive March), and the open round's report
    _commit(staff, "report_values", [HEADER, [e.uscc, e.name, "信联天地", "2023年1月", 0.1, 100, 10, 5],
                                     [e.uscc, e.name, "信联天地", "2023年3月", 0.4, "", "", ""]])
    rows = [
        HEADER,
        [e.uscc, e.name, "信联天地", "2023年1月", 0.2, 100, 10, 5],  # a correction: later months re-derived
        [e.uscc, e.name, "信联天地", "2023年2月", 0.3, 300, 12, "无数据"],
        [f.uscc, f.name, "信联天地", "2023年2月", 0.05, "—", 3, 1],
        [e.uscc, e.name, "信联天地", "2025年6月", 0.5, "", "", ""],  # the open round: its pending report approved
        [f.uscc, f.name, "信联天地", "2023年4月", -1, "", "", ""],  # negative output: an error, nothing written
        [world.ent_smyz.uscc, "", "信联天地", "2023年2月", 1, "", "", ""],  # never settled there: an error
        ["91370200MA0000000X", "", "信联天地", "2023年2月", 1, "", "", ""],  # unknown code
    ]

    def block() -> tuple[Any, ...]:
        events = AuditEvent.objects.latest("pk").pk
        batch = _commit(staff, "report_values", rows)
        return _report_rows(batch), batch.counts, _stats_state(), _new_events(events)

    slow, fast = both_paths("report_values", block)
    assert fast == slow
    statuses = [r[1] for r in fast[0]]
    assert statuses == ["update", "new", "new", "update", "error", "error", "error"], fast[0]
    state = fast[2]
    output = Indicator.objects.get(code="output")
    march = [v for v in state["values"] if v[3] == e.pk and v[5] == output.pk and v[7] == 3]
    assert march[0][13:] == (Decimal("1000"), Decimal("4000"))  # 4000 − February's 3000
    assert not any(v[3] == f.pk and v[7] == 4 for v in state["values"])
    # one event for the upload, one for the batch; none per row on either path
    assert [a for a, _t in fast[3]].count(AuditEvent.Action.IMPORT) == 1


def test_a_figure_after_a_bulk_statistics_import_is_the_brute_force_sum(world: World) -> None:
    staff = world.users["region_staff"]
    ents = [world.ent_xltd, world.ent_xltd_fitout]
    rows = [HEADER] + [[x.uscc, x.name, "信联天地", f"2023年{m}月", round(0.01 * m * (i + 1), 2), 10 * m, 5 + i, ""]
                       for i, x in enumerate(ents) for m in range(1, 7)]
    batch = _commit(staff, "report_values", rows)
    assert batch.counts["new"] == 12 and batch.counts["error"] == 0, batch.report
    output = Indicator.objects.get(code="output")
    parks = Park.objects.filter(pk=world.xltd.pk)
    for month in (1, 4, 6):
        brute = sum(Decimal(str(round(0.01 * month * (i + 1), 2))) * 10000 for i in range(len(ents)))
        stored = sum(v.ytd_value for v in ReportValue.objects.filter(indicator=output, year=2023, month=month,
                                                                     report__status=Report.Status.APPROVED))
        fig = selectors.figure(output, 2023, month, parks)
        assert fig.ytd == stored == brute, (month, fig.ytd, stored, brute)
    cells = set(Rollup.objects.values_list("park_id", "indicator_id", "segment", "year", "month", "value", "ytd",
                                           "reporters"))
    rollups.rebuild()
    assert set(Rollup.objects.values_list("park_id", "indicator_id", "segment", "year", "month", "value", "ytd",
                                          "reporters")) == cells


# --- settlements -------------------------------------------------------------------------------------------------


def _settlements() -> list[tuple[Any, ...]]:
    return sorted(Settlement.objects.values_list("enterprise_id", "park_id", "stage", "signed_on", "fitout_on",
                                                 "moved_in_on", "exited_on", "exit_reason", "note"))


def _new_enterprises(world: World, n: int) -> list[Enterprise]:
    codes = files.usccs(n, seed=1409)
    _commit(world.users["region_staff"], "enterprises",
            [["统一社会信用代码", "企业名称"], *[[c, f"青岛快速导入{i}有限公司"] for i, c in enumerate(codes)]])
    return [Enterprise.objects.get(uscc=c) for c in codes]


@pytest.fixture(params=["chunks", "whole"])
def lookup(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The enterprises of a settlement file looked up chunk by chunk, or (a file of a good share of the table)
    from the keys of every enterprise the user may find, read once (``tabular.fast.KeyLookup``)."""
    from yuanqu.tabular import fast

    if request.param == "whole":
        monkeypatch.setattr(fast, "WHOLE_TABLE_MIN_ROWS", 1)
        monkeypatch.setattr(fast, "WHOLE_TABLE_SHARE", 0)
    return str(request.param)


def test_it_stores_settlements_in_bulk_exactly_as_row_by_row(world: World, both_paths: Any, lookup: str) -> None:
    staff = world.users["region_staff"]
    a, b, c, d, g = _new_enterprises(world, 5)
    rows = [
        ["统一社会信用代码", "园区", "签约日期", "装修日期", "入驻日期", "退出日期", "退出原因", "备注"],
        [a.uscc, "信联天地", "2024-01-02", "", "", "", "", "甲"],
        [b.uscc, "信联天地", "2024-01-02", "2024-02-01", "2024-03-01", "", "", ""],
        [c.uscc, "生命药洲", "2024-01-02", "", "2024-02-01", "2024-05-01", " 迁往外地 ", ""],
        [d.uscc, "信联天地", "2024-01-02", "", "", "2024-03-01", "", ""],  # an exit needs its reason
        [g.uscc, "信联天地", "2024-03-02", "2024-03-05", "2024-03-01", "", "", ""],  # moved in before fit-out
        [world.ent_xltd.uscc, "信联天地", world.st_xltd.signed_on.isoformat(), "", "", "", "", "改备注"],  # stored
        ["91370200MA0000000X", "信联天地", "2024-01-02", "", "", "", "", ""],  # unknown code
    ]

    def block() -> tuple[Any, ...]:
        events = AuditEvent.objects.latest("pk").pk
        batch = _commit(staff, "settlements", rows)
        return _report_rows(batch), batch.counts, _settlements(), [
            e for e in _new_events(events) if e[1] != Settlement._meta.label]

    slow, fast = both_paths("settlements", block)
    assert fast == slow
    assert [r[1] for r in fast[0]] == ["new", "new", "new", "error", "error", "update", "error"], fast[0]
    reasons = {r[0]: r[3] for r in fast[0]}
    assert reasons[5] == ("退出原因: 请填写退出原因。",), reasons[5]
    assert reasons[6] == ("入驻日期不能早于签约日期。", "入驻日期不能早于装修开始日期。"), reasons[6]
    stored = {(s[0], s[1]): s for s in fast[2]}
    assert stored[(c.pk, world.smyz.pk)][2:] == ("exited", *stored[(c.pk, world.smyz.pk)][3:7], "迁往外地", "")
    assert (d.pk, world.xltd.pk) not in stored and (g.pk, world.xltd.pk) not in stored


def test_a_bulk_settlement_import_has_one_event_and_reverts_exactly(world: World) -> None:
    staff = world.users["region_staff"]
    a, b = _new_enterprises(world, 2)
    before = _settlements()
    events = AuditEvent.objects.latest("pk").pk
    batch = _commit(staff, "settlements", [["统一社会信用代码", "园区", "签约日期", "入驻日期"],
                                           [a.uscc, "信联天地", "2024-01-02", "2024-02-01"],
                                           [b.uscc, "生命药洲", "2024-01-03", ""]])
    assert batch.counts["new"] == 2, batch.report
    # the upload, the batch: no event per settlement (DESIGN.md rule 6), and what it wrote kept for a revert
    assert [e for e in _new_events(events) if e[1] == Settlement._meta.label] == [
        (AuditEvent.Action.IMPORT, Settlement._meta.label)]
    assert AuditEvent.objects.filter(pk__gt=events, action=AuditEvent.Action.IMPORT,
                                     object_id=str(batch.pk)).count() == 1
    assert len(_settlements()) == len(before) + 2
    services.batch_revert(actor=staff, batch=batch)
    assert _settlements() == before


def test_an_operator_bulk_settlement_import_stays_in_scope(world: World, lookup: str) -> None:
    operator = world.users["park_operator"]
    before = _settlements()
    rows = [["统一社会信用代码", "园区", "签约日期"],
            [world.ent_smyz.uscc, "信联天地", "2024-05-01"],  # another park's tenant: not found for the operator
            [world.ent_laoshan.uscc, "信联天地", "2024-05-01"],  # another district's
            [world.ent_xltd_fitout.uscc, "生命药洲", "2024-05-01"]]  # a park it does not manage
    batch = engine.commit(engine.start_batch(actor=operator, entity="settlements", filename="s.xlsx",
                                             data=files.xlsx(("S", rows))), actor=operator)
    assert [r[1] for r in batch.report] == ["error", "error", "error"], batch.report
    assert batch.report[0][3] == batch.report[1][3]  # the same words for another park's and another district's
    assert _settlements() == before


def test_a_large_files_report_lists_its_mistakes_not_every_row(
        world: World, monkeypatch: pytest.MonkeyPatch, client_as: Any) -> None:
    monkeypatch.setattr(engine, "REPORT_ROWS_WITH_VALUES", 2)
    codes = files.usccs(5, seed=1411)
    rows = [["统一社会信用代码", "企业名称"], *[[c, f"青岛报告{i}有限公司"] for i, c in enumerate(codes[:4])],
            [codes[4][:-1] + ("0" if codes[4][-1] != "0" else "1"), "青岛校验位错有限公司"]]
    staff = world.users["region_staff"]
    batch = engine.preview(engine.start_batch(actor=staff, entity="enterprises", filename="e.xlsx",
                                              data=files.xlsx(("S", rows))), actor=staff)
    assert batch.counts["total"] == 5 and batch.counts["new"] == 4 and batch.counts["error"] == 1
    assert [(r[0], r[1]) for r in batch.report] == [(2, "new"), (3, "new"), (6, "error")]
    assert batch.counts["listed"] == 3
    page = client_as("region_staff").get(f"/imports/{batch.pk}/").content.decode()
    assert 'id="listed-note"' in page and "共列出 3 行，文件共 5 行" in page
    assert engine.error_rows_xlsx(batch)  # the error row is still there to download and fix
