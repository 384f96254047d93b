"""An import goes through its file a chunk at a time (parse → check → write, issue 14 item 9): the result does not
depend on where the chunks end, and no step ever holds more than a chunk of rows.

Each file is imported twice in the same state, once in one chunk and once in chunks of two rows, so that a repeated
key, a row the services refuse, the last row that looks cut off and a name that begins another one fall on chunk
boundaries; reports, counts, stored rows and the batch's revert record must be the same.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction

from tests.conftest import World
from yuanqu.enterprises.models import Designation, Enterprise, Settlement
from yuanqu.stats.models import Report, ReportValue, Rollup
from yuanqu.tabular import engine
from yuanqu.tabular.models import ImportBatch

from . import files


def _both_sizes(monkeypatch: pytest.MonkeyPatch, run: Callable[[], Any]) -> tuple[Any, Any]:
    """``run`` in one chunk and in chunks of two rows, each rolled back."""
    out = []
    for size in (10_000, 2):
        monkeypatch.setattr(engine, "CHUNK_ROWS", size)
        sid = transaction.savepoint()
        try:
            out.append(run())
        finally:
            transaction.savepoint_rollback(sid)
    return out[0], out[1]


def _import(actor: Any, entity: str, rows: list[list[Any]], accept: bool = True) -> ImportBatch:
    batch = engine.start_batch(actor=actor, entity=entity, filename=f"{entity}.xlsx", data=files.xlsx(("S", rows)))
    assert not engine.mapping_problems(batch), engine.mapping_problems(batch)
    return engine.commit(batch, actor=actor, accept_warnings=accept)


def _report(batch: ImportBatch) -> list[tuple[Any, ...]]:
    return [(r[0], r[1], r[2], tuple(r[3]), r[4], tuple(map(tuple, r[6]))) for r in batch.report]


def _written(batch: ImportBatch) -> dict[str, int]:
    """How many rows of each kind the batch's revert record holds (the ids differ between the two runs)."""
    return {label: len(pks) for label, pks in (batch.written or {}).get("created", [])}


ENTERPRISE_HEADER = ["统一社会信用代码", "企业名称", "行业代码", "注册资本(万元)", "高新技术企业", "专精特新"]


def _enterprise_rows(n: int, seed: int) -> list[list[Any]]:
    codes = files.usccs(n, seed=seed)
    rows: list[list[Any]] = [ENTERPRISE_HEADER]
    for i, code in enumerate(codes):
        rows.append([code, f"青岛分段导入{i}有限公司", "6513", 100 + i, "是" if i % 2 else "否",
                     "专精特新小巨人" if i % 3 == 0 else ""])
    return rows


def test_enterprises_come_out_the_same_whatever_the_chunks(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    staff = world.users["region_staff"]
    rows = _enterprise_rows(7, seed=1501)
    rows[3][0] = rows[2][0]  # the same code as the row above, across a chunk boundary: an error
    rows[5][3] = -5  # negative capital: an error
    rows.append([world.ent_xltd.uscc, world.ent_xltd.name, "6513", 200, "否", ""])  # a stored one, changed

    def run() -> tuple[Any, ...]:
        batch = _import(staff, "enterprises", rows)
        assert batch.status == ImportBatch.Status.COMMITTED, batch.error
        stored = sorted(Enterprise.objects.filter(name__startswith="青岛分段导入").values_list(
            "uscc", "name", "industry_id", "registered_capital_wan", "is_high_tech", "srdi_level"))
        designations = sorted(Designation.objects.filter(enterprise__name__startswith="青岛分段导入").values_list(
            "enterprise__uscc", "kind", "recognised_on", "valid_until"))
        return _report(batch), batch.counts, stored, designations, _written(batch)

    whole, chunked = _both_sizes(monkeypatch, run)
    assert chunked == whole
    statuses = [r[1] for r in whole[0]]
    assert statuses.count("error") == 2 and statuses.count("new") == 5, whole[0]
    assert len(whole[2]) == 5 and whole[3], whole


def test_a_cut_off_last_row_found_after_earlier_chunks_were_written_leaves_nothing(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """The last row is known to be the last only at the end: the chunks written before are rolled back when the user
    has not accepted the warning, and the batch stays checked with the report that says why."""
    staff = world.users["region_staff"]
    rows = _enterprise_rows(6, seed=1502)
    rows.append([files.usccs(1, seed=1503)[0], "青岛分段导入末行", "", "", "", ""])  # most cells empty

    def run() -> tuple[Any, ...]:
        before = Enterprise.objects.count()
        batch = _import(staff, "enterprises", rows, accept=False)
        return batch.status, batch.counts, _report(batch), Enterprise.objects.count() - before

    whole, chunked = _both_sizes(monkeypatch, run)
    assert chunked == whole
    status, counts, report, added = whole
    assert status == ImportBatch.Status.PREVIEWED and added == 0
    assert counts["to_accept"] == 1 and report[-1][1] == "warning", report[-1]


def test_a_name_that_begins_a_later_rows_name_is_flagged_across_chunks(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """A new row with its name only, which begins the name of a row two chunks further down (a name cut mid-word)."""
    staff = world.users["region_staff"]
    rows = [["企业名称", "来源", "意向投资额(万元)", "备注"], ["青岛截断测", "", "", ""],
            ["青岛甲乙科技有限公司", "展会", 100, "甲"], ["青岛丙丁科技有限公司", "展会", 200, "乙"],
            ["青岛截断测试生物科技有限公司", "展会", 300, "丙"], ["青岛戊己科技有限公司", "展会", 400, "丁"]]

    def run() -> tuple[Any, ...]:
        batch = engine.preview(engine.start_batch(actor=staff, entity="leads", filename="l.xlsx",
                                                  data=files.xlsx(("S", rows))), actor=staff)
        return _report(batch), batch.counts

    whole, chunked = _both_sizes(monkeypatch, run)
    assert chunked == whole
    first = whole[0][0]
    assert first[1] == "warning" and "青岛截断测试生物科技有限公司" in first[3][0], first
    assert whole[1]["to_accept"] == 1
    assert [r[0] for r in whole[0]] == sorted(r[0] for r in whole[0])  # the report stays in line order


def test_settlements_come_out_the_same_whatever_the_chunks(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    staff = world.users["region_staff"]
    new = _enterprise_rows(5, seed=1505)
    _import(staff, "enterprises", new)
    codes = [r[0] for r in new[1:]]
    rows = [["统一社会信用代码", "园区", "签约日期", "入驻日期", "退出日期", "退出原因"],
            [codes[0], "信联天地", "2024-01-02", "2024-02-01", "", ""],
            [codes[1], "信联天地", "2024-01-02", "", "2024-03-01", ""],  # an exit needs its reason
            [codes[1], "信联天地", "2024-01-05", "", "", ""],  # the same key again
            [codes[2], "生命药洲", "2024-01-02", "2023-12-01", "", ""],  # moved in before signing
            [codes[3], "生命药洲", "2024-01-02", "", "", ""],
            [world.ent_xltd.uscc, "信联天地", world.st_xltd.signed_on.isoformat(), "", "", ""],
            ["91370200MA0000000X", "信联天地", "2024-01-02", "", "", ""]]

    def run() -> tuple[Any, ...]:
        batch = _import(staff, "settlements", rows)
        stored = sorted(Settlement.objects.filter(enterprise__uscc__in=codes).values_list(
            "enterprise__uscc", "park__name", "stage", "signed_on", "moved_in_on", "exited_on"))
        return _report(batch), batch.counts, stored, _written(batch)

    whole, chunked = _both_sizes(monkeypatch, run)
    assert chunked == whole
    assert [r[1] for r in whole[0]] == ["new", "error", "error", "error", "new", "unchanged", "error"], whole[0]


def test_statistics_come_out_the_same_whatever_the_chunks(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """A series split over chunks (January in one, February and March in the next) is derived as one, and each
    rollup cell is computed once, after the last chunk."""
    staff = world.users["region_staff"]
    e, f = world.ent_xltd, world.ent_xltd_fitout
    header = ["统一社会信用代码", "企业名称", "园区", "报告期", "产值(亿元)", "营收", "从业人数"]
    rows = [header,
            [e.uscc, e.name, "信联天地", "2023年1月", 0.1, 100, 10],
            [f.uscc, f.name, "信联天地", "2023年1月", 0.2, 50, 4],
            [e.uscc, e.name, "信联天地", "2023年2月", 0.3, 220, 11],
            [e.uscc, e.name, "信联天地", "2023年2月", 0.9, 1, 1],  # the same key again: an error
            [f.uscc, f.name, "信联天地", "2023年3月", 0.5, 90, 5],
            [e.uscc, e.name, "信联天地", "2023年3月", 0.45, 300, 12]]
    refreshed: list[Any] = []

    def run() -> tuple[Any, ...]:
        refreshed.clear()
        batch = _import(staff, "report_values", rows)
        values = sorted(ReportValue.objects.filter(year=2023, enterprise__in=[e, f]).values_list(
            "enterprise_id", "indicator__code", "month", "value", "period_value", "ytd_value"))
        cells = sorted(Rollup.objects.filter(year=2023, park=world.xltd).values_list(
            "indicator__code", "segment", "month", "value", "ytd", "reporters"))
        reports = sorted(Report.objects.filter(round__year=2023, enterprise__in=[e, f]).values_list(
            "enterprise_id", "round__month", "status"))
        return _report(batch), batch.counts, values, cells, reports, len(refreshed)

    from yuanqu.stats import services as stats_services

    real = stats_services.history_rollups
    monkeypatch.setattr(stats_services, "history_rollups", lambda cells: (refreshed.append(cells), real(cells)))
    whole, chunked = _both_sizes(monkeypatch, run)
    for part, (a, b) in enumerate(zip(whole[:5], chunked[:5], strict=True)):
        assert a == b, (part, [(x, y) for x, y in zip(a, b, strict=False) if x != y] if isinstance(a, list) else (a, b))
    assert whole[5] == chunked[5] == 1  # the rollups once per file, not once per chunk
    assert [r[1] for r in whole[0]].count("error") == 1
    march = [v for v in whole[2] if v[0] == e.pk and v[1] == "output" and v[2] == 3]
    assert march[0][4:] == (march[0][3] - 3000, march[0][3]), march  # 4500 − February's 3000


def test_no_step_holds_more_than_a_chunk(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """The rows are parsed, checked and written a chunk at a time, and the sheet is read as the chunks need it."""
    staff = world.users["region_staff"]
    monkeypatch.setattr(engine, "CHUNK_ROWS", 3)
    sizes: dict[str, list[int]] = {"parse": [], "prefetch": [], "apply": []}
    seen: list[int] = []
    real_parse = engine._parse_rows

    def parse(plan: Any, defaults: Any, pairs: list[Any]) -> Any:
        sizes["parse"].append(len(pairs))
        seen.append(pairs[-1][0])
        return real_parse(plan, defaults, pairs)

    monkeypatch.setattr(engine, "_parse_rows", parse)
    importer: Any = engine.get_importer("enterprises")
    for hook in ("prefetch", "apply"):
        real = getattr(importer, hook)

        def spy(ctx: Any, rows: Any, *rest: Any, _real: Any = real, _hook: str = hook) -> Any:
            sizes[_hook].append(len(rows))
            return _real(ctx, rows, *rest)

        monkeypatch.setattr(importer, hook, spy)
    batch = _import(staff, "enterprises", _enterprise_rows(10, seed=1506))
    assert batch.status == ImportBatch.Status.COMMITTED and batch.counts["new"] == 10, batch.report
    assert sizes["parse"] == [3, 3, 3, 1], sizes
    assert max(sizes["prefetch"]) <= 3 and sum(sizes["apply"]) == 10 and len(sizes["apply"]) == 4, sizes
    assert seen == [4, 7, 10, 11]  # the sheet's rows in order, a chunk after the other
