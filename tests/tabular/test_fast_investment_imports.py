"""The bulk paths of the lead and project imports (issue 14 item 9) store exactly what the row-by-row services
store (the leads' owner, keys and pinyin, the projects' empty stage rows), with the same row errors, in the user's
scope, with one audit event for the batch instead of one per row — and a bulk import reverts exactly."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from tests.conftest import World
from yuanqu.core.models import AuditEvent
from yuanqu.investment import services as inv
from yuanqu.investment.models import Lead, Project, ProjectStage
from yuanqu.tabular import engine, services
from yuanqu.tabular.models import ImportBatch
from yuanqu.tabular.registry import get_importer

from . import files
from .test_fast_imports import _commit, _report_rows


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

    yield run
    for entity in ("leads", "projects"):
        importer: Any = get_importer(entity)
        importer.bulk = True


def _new_events(before: int) -> list[tuple[str, str, str]]:
    """The audit events since ``before``: action, object type and the object's name (ids differ between runs)."""
    return sorted(AuditEvent.objects.filter(pk__gt=before).values_list("action", "object_type", "object_repr"))


def _written(batch: ImportBatch) -> tuple[Any, ...]:
    """What the batch kept for a revert, by label: how many rows it created, which fields of which rows it changed."""
    return (sorted((label, len(pks)) for label, pks in batch.written.get("created", [])),
            sorted((label, sorted(tuple(sorted(v[1])) for v in rows.values()))
                   for label, rows in batch.written.get("updated", {}).items()))


LEAD_COLUMNS = ("name", "name_key", "name_pinyin", "name_initials", "uscc", "industry_id", "region_id",
                "target_park_id", "source", "status", "lost_reason", "intended_investment_wan", "expected_jobs",
                "owner_id", "last_follow_up_on", "next_step_on", "note", "enterprise_id", "settlement_id",
                "archived_at", "archived_by_id", "archive_reason")


def _leads() -> list[tuple[Any, ...]]:
    return sorted(((*row[:-1], row[-1] is not None) for row in Lead.objects.values_list(*LEAD_COLUMNS, "owned_since")),
                  key=repr)


PROJECT_COLUMNS = ("name", "investor_enterprise_id", "investor_lead_id", "park_id", "region_id", "industry_id", "level",
                   "total_investment_wan", "fixed_asset_investment_wan", "stage", "terminated_reason", "note",
                   "archived_at", "archived_by_id", "archive_reason")


def _projects() -> dict[str, Any]:
    return {"projects": sorted(Project.objects.values_list(*PROJECT_COLUMNS), key=repr),
            "stages": sorted(ProjectStage.objects.values_list("project__name", "stage", "planned_on", "actual_on"),
                             key=repr)}


# --- leads -------------------------------------------------------------------------------------------------------

LEAD_HEADER = ["企业名称", "统一社会信用代码", "来源", "意向园区", "行业", "意向投资额（万元）", "预计用工", "备注"]


def test_it_stores_leads_in_bulk_exactly_as_row_by_row(world: World, both_paths: Any) -> None:
    staff = world.users["region_staff"]
    u1, u2, u3, u4, stored_code = files.usccs(5, seed=1421)
    # a stored lead with a code: a new row with that code is a duplicate of it
    inv.lead_update(actor=staff, lead=world.lead_smyz, uscc=stored_code)
    rows = [
        LEAD_HEADER,
        ["青岛快线一号科技有限公司", u1, "展会", "信联天地", "2710", 1200.5, 30, "甲"],  # 2
        ["青岛快线二号科技有限公司", "", "", "", "", "", "", ""],  # 3: no park, no code
        ["青岛海川科技有限公司", "", "", "生命药洲", "", "", "", ""],  # 4
        ["青岛海川科技（集团）有限公司", "", "", "", "", "", "", ""],  # 5: the same normalised name as row 4
        ["青岛快线三号科技有限公司", u2, "", "", "", "", "", ""],  # 6
        ["青岛快线四号科技有限公司", u2, "", "", "", "", "", ""],  # 7: row 6's code
        ["青岛快线五号科技有限公司", stored_code, "", "", "", "", "", ""],  # 8: a stored lead's code
        ["青岛康和医疗器械", u3, "", "", "", "", "", "改备注"],  # 9: the stored lead, by its normalised name
        ["青岛快线六号科技有限公司", u3, "", "", "", "", "", ""],  # 10: the code row 9 gives the stored lead
        ["青岛快线七号科技有限公司", u4[:-1] + ("0" if u4[-1] != "0" else "1"), "其他", "", "", "", "", ""],  # bad code
        ["青" * 151, "", "其他", "", "", "", "", ""],  # 12: too long
        ["青岛\u200b零宽科技有限公司", "", "其他", "", "", "", "", ""],  # 13: a zero-width character
        ["青岛快线八号科技有限公司", "", "其他", "不存在园", "", "", "", ""],  # 14: unknown park
        ["青岛快线九号科技有限公司", "", "其他", "", "", -5, "", ""],  # 15: negative amount
        ["青岛快线一号科技有限公司", "", "其他", "", "", "", "", ""],  # 16: row 2 again
        ["青岛快线十号科技有限公司", "", "其他", "", "", "", 10**20, ""],  # 17: jobs beyond the column
        [world.lead_laoshan.name, "", "其他", "", "", "", "", ""],  # 18: another district's lead: a new one here
        ["庄" * 120, "", "其他", "", "", "", "", ""],  # 19: its pinyin is longer than the column
    ]

    def block() -> tuple[Any, ...]:
        events = AuditEvent.objects.latest("pk").pk
        batch = _commit(staff, "leads", rows)
        return _report_rows(batch), batch.counts, _leads(), _new_events(events), _written(batch)

    slow, fast = both_paths("leads", block)
    assert fast[:3] == slow[:3]
    assert fast[4] == slow[4]
    statuses = {r[0]: r[1] for r in fast[0]}
    assert [line for line, s in statuses.items() if s == "new"] == [2, 3, 4, 6, 18], "\n".join(map(str, fast[0]))
    assert statuses[9] == "update"
    reasons = {r[0]: r[3] for r in fast[0]}
    assert "青岛海川科技有限公司" in reasons[5][0] and "青岛快线三号科技有限公司" in reasons[7][0]
    assert world.lead_smyz.name in reasons[8][0] and world.lead_smyz.name in reasons[10][0]
    assert all(reasons[n] for n in (11, 12, 13, 14, 15, 16, 17, 19)), reasons
    # the row-by-row path writes an event per lead; the bulk path one for the batch (and one per changed lead)
    created = [e for e in slow[3] if e[0] == AuditEvent.Action.CREATE and e[1].startswith("investment.")]
    assert [e[1] for e in created] == ["investment.Lead"] * 5
    assert fast[3] == sorted(set(slow[3]) - set(created))
    assert [e for e in fast[3] if e[0] == AuditEvent.Action.IMPORT] == [
        (AuditEvent.Action.IMPORT, "investment.Lead", "leads.xlsx")]
    new = {r[0]: r for r in fast[2] if r[0] == "青岛快线一号科技有限公司"}
    lead = new["青岛快线一号科技有限公司"]
    assert lead[LEAD_COLUMNS.index("owner_id")] == staff.pk and lead[LEAD_COLUMNS.index("status")] == "new"
    assert lead[LEAD_COLUMNS.index("industry_id")] == "2710" and lead[-1] is True  # owned since the import


def test_an_operator_bulk_lead_import_stays_in_scope(world: World, both_paths: Any) -> None:
    operator = world.users["park_operator"]
    rows = [["企业名称", "意向园区"],
            ["青岛运营方线索有限公司", "信联天地"],
            ["青岛运营方无园区有限公司", ""],  # an operator's lead names its park
            ["青岛运营方别园有限公司", "生命药洲"],  # a park it does not manage
            [world.lead_smyz.name, "信联天地"]]  # another park's lead: not seen, so a new one of its own

    def block() -> tuple[Any, ...]:
        before = _leads()
        batch = _commit(operator, "leads", rows)
        return _report_rows(batch), [r for r in _leads() if r not in before]

    slow, fast = both_paths("leads", block)
    assert fast == slow
    assert [r[1] for r in fast[0]] == ["new", "error", "error", "new"], fast[0]
    assert fast[0][1][3] == ("意向园区: 请选择该线索的意向园区。",), fast[0]
    assert {r[LEAD_COLUMNS.index("target_park_id")] for r in fast[1]} == {world.xltd.pk}
    assert {r[LEAD_COLUMNS.index("owner_id")] for r in fast[1]} == {operator.pk}


# --- projects ----------------------------------------------------------------------------------------------------

PROJECT_HEADER = ["项目名称", "园区", "项目级别", "行业", "总投资（万元）", "固定资产投资（万元）", "备注"]


def test_it_stores_projects_in_bulk_exactly_as_row_by_row(world: World, both_paths: Any) -> None:
    staff = world.users["region_staff"]
    rows = [
        PROJECT_HEADER,
        ["青岛快线一号项目", "信联天地", "市重点", "2710", 30000, 12000.5, "甲"],  # 2
        ["青岛快线二号项目", "", "", "", 800, "", ""],  # 3: no park: the district's
        [world.project_xltd.name, "信联天地", "省重点", "", 50000, "", "改备注"],  # 4: stored
        ["青岛快线三号项目", "", "", "", "", "", ""],  # 5: no total investment
        ["青岛快线四号项目", "", "", "", -1, "", ""],  # 6: negative
        ["青岛快线五号项目", "不存在园", "", "", 100, "", ""],  # 7: unknown park
        ["青" * 151, "", "", "", 100, "", ""],  # 8: too long
        ["青岛\u202e快线项目", "", "", "", 100, "", ""],  # 9: a direction override
        ["青岛快线一号项目", "", "", "", 100, "", ""],  # 10: row 2 again
        [world.project_laoshan.name, "", "", "", 100, "", ""],  # 11: another district's: a new one here
        ["青岛快线六号项目", "", "", "", 100, -3, ""],  # 12: negative fixed-asset investment
    ]

    def block() -> tuple[Any, ...]:
        events = AuditEvent.objects.latest("pk").pk
        batch = _commit(staff, "projects", rows)
        return _report_rows(batch), batch.counts, _projects(), _new_events(events), _written(batch)

    slow, fast = both_paths("projects", block)
    assert fast[:3] == slow[:3]
    assert fast[4] == slow[4]
    assert [r[1] for r in fast[0]] == ["new", "new", "update", "error", "error", "error", "error", "error", "error",
                                       "new", "error"], fast[0]
    assert fast[0][3][3] == ("总投资: 这个值不能为 null。",), fast[0]
    created = [e for e in slow[3] if e[0] == AuditEvent.Action.CREATE and e[1].startswith("investment.")]
    assert sorted({e[1] for e in created}) == ["investment.Project", "investment.ProjectStage"]
    assert len(created) == 3 * (1 + len(Project.ORDER))
    assert fast[3] == sorted(set(slow[3]) - set(created))
    assert [e for e in fast[3] if e[0] == AuditEvent.Action.IMPORT] == [
        (AuditEvent.Action.IMPORT, "investment.Project", "projects.xlsx")]
    stages = [s for s in fast[2]["stages"] if s[0] == "青岛快线一号项目"]
    assert sorted(s[1] for s in stages) == sorted(Project.ORDER)


def test_an_operator_bulk_project_import_stays_in_scope(world: World, both_paths: Any) -> None:
    operator = world.users["park_operator"]
    rows = [["项目名称", "园区", "总投资（万元）"],
            ["青岛运营方项目", "信联天地", 100],
            ["青岛运营方无园区项目", "", 100],  # an operator's project names its park
            ["青岛运营方别园项目", "生命药洲", 100],  # a park it does not manage
            [world.project_smyz.name, "信联天地", 100]]  # another park's project: not seen, so a new one

    def block() -> tuple[Any, ...]:
        before = _projects()["projects"]
        batch = _commit(operator, "projects", rows)
        return _report_rows(batch), [r for r in _projects()["projects"] if r not in before]

    slow, fast = both_paths("projects", block)
    assert fast == slow
    assert [r[1] for r in fast[0]] == ["new", "error", "error", "new"], fast[0]
    assert fast[0][1][3] == ("园区: 请选择项目所在园区。",), fast[0]
    assert {r[PROJECT_COLUMNS.index("park_id")] for r in fast[1]} == {world.xltd.pk}


# --- revert and chunks -------------------------------------------------------------------------------------------


def test_bulk_lead_and_project_imports_have_one_event_each_and_revert_exactly(world: World) -> None:
    staff = world.users["region_staff"]
    leads, projects = _leads(), _projects()
    events = AuditEvent.objects.latest("pk").pk
    lead_batch = _commit(staff, "leads", [LEAD_HEADER, [world.lead_smyz.name, "", "", "", "", 1, "", ""],
                                          *[[f"青岛撤销快线{i}有限公司", "", "", "信联天地", "", 10 * i, i, ""]
                                            for i in range(1, 6)]])
    project_batch = _commit(staff, "projects", [PROJECT_HEADER, *[[f"青岛撤销快线项目{i}", "信联天地", "", "", 100 * i,
                                                                   "", ""] for i in range(1, 4)]])
    assert lead_batch.counts["new"] == 5 and lead_batch.counts["update"] == 1, lead_batch.report
    assert project_batch.counts["new"] == 3, project_batch.report
    # one event per batch, and one for the changed lead (through its service): none per new row
    assert [(a, t) for a, t, _r in _new_events(events) if t.startswith("investment.")] == sorted([
        (AuditEvent.Action.IMPORT, "investment.Lead"), (AuditEvent.Action.IMPORT, "investment.Project"),
        (AuditEvent.Action.UPDATE, "investment.Lead")])
    assert len(_leads()) == len(leads) + 5 and len(_projects()["stages"]) == len(projects["stages"]) + 3 * 7
    services.batch_revert(actor=staff, batch=project_batch)
    services.batch_revert(actor=staff, batch=lead_batch)
    assert _leads() == leads
    assert _projects() == projects


def test_a_run_in_chunks_finds_what_an_earlier_chunk_wrote(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """The engine checks and writes a file chunk by chunk: each prefetch replaces its lookups, and a row of a later
    chunk is a duplicate of a lead an earlier chunk wrote, as in one run of the whole file."""
    staff = world.users["region_staff"]
    a, b = files.usccs(2, seed=1422)
    rows = [["企业名称", "统一社会信用代码"], ["青岛分块甲有限公司", a], ["青岛分块乙有限公司", b],
            ["青岛分块丙有限公司", a], ["青岛分块丁有限公司", ""]]
    outcomes = []
    for size in (engine.CHUNK_ROWS, 2):
        monkeypatch.setattr(engine, "CHUNK_ROWS", size)
        sid = transaction.savepoint()
        try:
            batch = engine.start_batch(actor=staff, entity="leads", filename="l.xlsx", data=files.xlsx(("S", rows)))
            batch = engine.commit(batch, actor=staff)
            assert batch.status == ImportBatch.Status.COMMITTED, batch.error
            leads = sorted(Lead.objects.filter(name__startswith="青岛分块").values_list("name", "uscc"))
            created = sorted(dict(batch.written["created"])["investment.Lead"])
            assert created == sorted(Lead.objects.filter(name__startswith="青岛分块").values_list("pk", flat=True))
            outcomes.append((_report_rows(batch), batch.counts, leads))
        finally:
            transaction.savepoint_rollback(sid)
    assert outcomes[0] == outcomes[1]
    report, _counts, leads = outcomes[1]
    assert len(leads) == 3  # the third row repeats the first's code: an error in either run
    assert [line for line, status, *_rest in report if status == "error"] == [4]
