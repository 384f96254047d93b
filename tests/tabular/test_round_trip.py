"""Export → import changes nothing; the same file twice gives one change set; an interrupted commit leaves nothing."""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client

from tests.conftest import World
from yuanqu.core.models import AuditEvent
from yuanqu.enterprises.models import Enterprise, EnterpriseName, Settlement
from yuanqu.tabular import engine
from yuanqu.tabular.models import ImportBatch

from . import files


def upload(client: Client, name: str, data: bytes, entity: str = "enterprises", **extra: str) -> ImportBatch:
    f = io.BytesIO(data)
    f.name = name
    response = client.post("/imports/", {"entity": entity, "file": f, **extra})
    assert response.status_code == 302, response.content.decode()[:2000]
    batch = ImportBatch.objects.latest("id")
    return batch


def preview_and_commit(client: Client, batch: ImportBatch) -> ImportBatch:
    mapping = {f"col_{k}": v for k, v in batch.mapping.items()}
    assert client.post(f"/imports/{batch.pk}/mapping/", mapping).status_code == 302
    batch.refresh_from_db()
    assert batch.status == "previewed", batch.error
    assert client.post(f"/imports/{batch.pk}/commit/").status_code == 302
    batch.refresh_from_db()
    return batch


def snapshot() -> list[tuple]:
    return list(Enterprise.objects.order_by("uscc").values_list(
        "uscc", "name", "industry_id", "region_id", "status", "registered_capital_wan", "established_on",
        "is_high_tech", "srdi_level", "is_above_scale", "listing", "is_four_new", "name_pinyin", "business_scope"))


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_it_round_trips_an_export_without_changes(world: World, client_as: Callable[[str], Client], fmt: str) -> None:
    staff = client_as("region_staff")
    e = world.ent_xltd
    e.srdi_level, e.is_high_tech, e.listing, e.is_four_new = "little_giant", True, "star", True
    e.business_scope = "一般项目：软件开发；信息系统集成服务。\n许可项目：第二类增值电信业务。"
    e.save()
    Enterprise.objects.filter(pk=world.ent_smyz.pk).update(name="=HYPERLINK(\"x\")有限公司",
                                                           registered_capital_wan=Decimal("350.5"))
    before = snapshot()
    export = staff.get(f"/enterprises/?export={fmt}")
    assert export.status_code == 200
    batch = upload(staff, f"enterprises.{fmt}", export.content)
    assert not engine.mapping_problems(batch)
    batch = preview_and_commit(staff, batch)
    assert batch.status == "committed", batch.error
    assert batch.counts["unchanged"] == batch.counts["total"] == 3, batch.report
    assert snapshot() == before


def test_it_updates_in_place_from_an_edited_export(world: World, client_as: Callable[[str], Client]) -> None:
    from python_calamine import CalamineWorkbook

    staff = client_as("region_staff")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(staff.get("/enterprises/?export=xlsx").content)) \
        .get_sheet_by_index(0).to_python()
    header = rows[0]
    name_col, capital_col = header.index("名称"), next(i for i, h in enumerate(header) if h.startswith("注册资本"))
    target = next(r for r in rows[1:] if r[0] == world.ent_xltd.uscc)
    target[name_col] = "青岛信达软件科技有限公司"
    target[capital_col] = "1,000"
    batch = preview_and_commit(staff, upload(staff, "edited.xlsx", files.xlsx(("企业", rows))))
    assert (batch.counts["update"], batch.counts["unchanged"]) == (1, 2), batch.report
    world.ent_xltd.refresh_from_db()
    assert world.ent_xltd.name == "青岛信达软件科技有限公司"
    assert world.ent_xltd.registered_capital_wan == Decimal("1000.00")
    assert world.ent_xltd.name_pinyin.startswith("qingdaoxinda")
    assert EnterpriseName.objects.filter(enterprise=world.ent_xltd, name="青岛信达软件有限公司").exists()


def test_the_same_file_twice_gives_one_change_set(world: World) -> None:
    staff = world.users["region_staff"]
    codes = files.usccs(5, seed=21)
    data = files.xlsx(("S", [["统一社会信用代码", "企业名称", "注册资本（万元）"]]
                       + [[c, f"青岛重复导入{i}有限公司", 100 + i] for i, c in enumerate(codes)]))
    first = engine.commit(engine.start_batch(actor=staff, entity="enterprises", filename="a.xlsx", data=data),
                          actor=staff)
    assert first.counts["new"] == 5
    state = snapshot()
    writes = AuditEvent.objects.exclude(action__in=["login", "export"]).count()
    second = engine.commit(engine.start_batch(actor=staff, entity="enterprises", filename="a.xlsx", data=data),
                           actor=staff)
    assert second.status == "committed"
    assert (second.counts["new"], second.counts["update"], second.counts["unchanged"]) == (0, 0, 5)
    assert snapshot() == state
    # the second batch is on record (its upload and its import), but changed nothing
    new_events = AuditEvent.objects.exclude(action__in=["login", "export"]).order_by("-id")[:2]
    assert AuditEvent.objects.exclude(action__in=["login", "export"]).count() == writes + 2
    assert [(e.action, e.object_type, e.object_id) for e in new_events] == [
        ("import", "enterprises.Enterprise", str(second.pk)), ("create", "tabular.ImportBatch", str(second.pk))]
    event = AuditEvent.objects.filter(action="import").latest("id")
    assert event.after["new"] == 0 and event.after["file"] == "a.xlsx" and event.actor == staff


def test_one_audit_event_names_the_batch(world: World) -> None:
    staff = world.users["region_staff"]
    codes = files.usccs(3, seed=5)
    data = files.csv_file([["信用代码", "公司名称"]] + [[c, f"青岛审计{i}有限公司"] for i, c in enumerate(codes)])
    before = AuditEvent.objects.count()
    batch = engine.commit(engine.start_batch(actor=staff, entity="enterprises", filename="审计.csv", data=data),
                          actor=staff)
    events = AuditEvent.objects.filter(pk__gt=0).order_by("-id")[: AuditEvent.objects.count() - before]
    # the upload is recorded on the batch; the rows written, however many, by one import event
    assert [e.action for e in events] == ["import", "create"]
    assert (events[1].object_type, events[1].object_id, events[1].after["filename"]) == (
        "tabular.ImportBatch", str(batch.pk), "审计.csv")
    event = events[0]
    assert event.object_id == str(batch.pk) and event.object_repr == "审计.csv"
    assert event.after["rows"] == 3 and event.after["new"] == 3 and event.actor_username == "staff"


def test_an_interrupted_commit_leaves_nothing(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    staff = world.users["region_staff"]
    codes = files.usccs(12_000, seed=99)
    data = files.csv_file([["统一社会信用代码", "企业名称", "园区", "签约日期"]]
                          + [[c, f"青岛中断{i}有限公司", "信联天地", "2024-01-15"] for i, c in enumerate(codes)])
    ent_before, st_before = Enterprise.objects.count(), Settlement.objects.count()

    def boom(done: int) -> None:
        if done >= 5000:  # after the first chunk is written, before the rest
            raise KeyboardInterrupt("killed while committing")

    monkeypatch.setattr(engine, "_after_chunk", boom)
    batch = engine.start_batch(actor=staff, entity="enterprises", filename="big.csv", data=data)
    audit_before = AuditEvent.objects.count()  # the upload's event is on record; the commit must add none
    with pytest.raises(KeyboardInterrupt):
        engine.commit(batch, actor=staff)
    assert Enterprise.objects.count() == ent_before
    assert Settlement.objects.count() == st_before
    assert AuditEvent.objects.count() == audit_before
    assert not Enterprise.objects.filter(uscc__in=codes[:10]).exists()
    batch.refresh_from_db()
    assert batch.status == "failed" and "未导入任何数据" in batch.error
    assert connection.in_atomic_block  # the test's own transaction is still usable
