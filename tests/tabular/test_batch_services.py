"""The import batch's transitions are services: each in one transaction, the user's acts audited, a failed commit
leaving the batch's mapping and row report and the data as they were."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Q

from tests.conftest import World
from yuanqu.core.models import AuditEvent
from yuanqu.enterprises.models import Enterprise
from yuanqu.tabular import engine
from yuanqu.tabular.models import ImportBatch

from . import files


def _events(batch: ImportBatch) -> list[tuple[str, str]]:
    return list(AuditEvent.objects.filter(Q(object_type="tabular.ImportBatch") | Q(action="import"),
                                          object_id=str(batch.pk)).order_by("id").values_list("action", "object_type"))


def _sheet(n: int, seed: int) -> bytes:
    codes = files.usccs(n, seed=seed)
    return files.xlsx(("名录", [["统一社会信用代码", "企业名称"]] + [[c, f"青岛批次{seed}-{i}有限公司"]
                                                          for i, c in enumerate(codes)]),
                      ("其他", [["统一社会信用代码", "企业名称"], [codes[0], "另一表"]]))


def test_each_act_of_the_user_on_a_batch_is_audited(world: World) -> None:
    staff = world.users["region_staff"]
    batch = engine.start_batch(actor=staff, entity="enterprises", filename="批次.xlsx", data=_sheet(3, 9101))
    assert _events(batch) == [("create", "tabular.ImportBatch")]
    upload = AuditEvent.objects.filter(object_type="tabular.ImportBatch", object_id=str(batch.pk)).get()
    assert upload.actor == staff and upload.after["filename"] == "批次.xlsx" and upload.region_code == "370213"

    engine.analyse(batch, actor=staff, sheet="其他")
    engine.analyse(batch, actor=staff, sheet="名录")
    chosen = AuditEvent.objects.filter(object_type="tabular.ImportBatch", object_id=str(batch.pk)).latest("id")
    assert (chosen.action, chosen.before["sheet"], chosen.after["sheet"]) == ("update", "其他", "名录")
    engine.set_mapping(batch, {"0": "uscc"}, actor=staff)
    engine.set_mapping(batch, {"0": "uscc", "1": "name"}, actor=staff)
    mapped = AuditEvent.objects.filter(object_type="tabular.ImportBatch", object_id=str(batch.pk)).latest("id")
    assert mapped.action == "update" and mapped.actor == staff
    assert (mapped.before["mapping"], mapped.after["mapping"]) == ({"0": "uscc"}, {"0": "uscc", "1": "name"})

    engine.preview(batch, actor=staff)  # the engine checking rows is not an act on the data: no event
    engine.commit(batch, actor=staff)
    assert _events(batch) == [("create", "tabular.ImportBatch")] + [("update", "tabular.ImportBatch")] * 4 + [
        ("import", "enterprises.Enterprise")]
    batch.refresh_from_db()
    assert batch.status == "committed" and batch.counts["new"] == 3, (batch.counts, batch.report, batch.header_rows)


def test_another_users_batch_cannot_be_mapped(world: World) -> None:
    staff = world.users["region_staff"]
    batch = engine.start_batch(actor=staff, entity="enterprises", filename="a.xlsx", data=_sheet(1, 9102))
    with pytest.raises(Exception) as err:
        engine.set_mapping(batch, {"0": "uscc"}, actor=world.users["park_operator"])
    assert type(err.value).__name__ == "PermissionDenied"
    batch.refresh_from_db()
    assert batch.mapping_source == "auto" and len(_events(batch)) == 1


def test_a_failed_commit_leaves_the_batch_and_the_data_as_they_were(world: World,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    staff = world.users["region_staff"]
    batch = engine.preview(engine.start_batch(actor=staff, entity="enterprises", filename="f.xlsx",
                                              data=_sheet(4, 9103)), actor=staff)
    checked = ImportBatch.objects.get(pk=batch.pk)
    enterprises = Enterprise.objects.count()

    def refuse(done: int) -> None:
        raise ValidationError("存储失败")

    monkeypatch.setattr(engine, "_after_chunk", refuse)
    batch = engine.commit(batch, actor=staff)
    stored = ImportBatch.objects.get(pk=batch.pk)
    assert stored.status == "failed" and "存储失败" in stored.error
    assert (stored.counts, stored.report, stored.mapping, stored.committed_at) == (
        checked.counts, checked.report, checked.mapping, None)
    assert Enterprise.objects.count() == enterprises
    assert _events(batch) == [("create", "tabular.ImportBatch")]


def test_an_upload_that_cannot_be_analysed_stores_nothing(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """The batch is stored with its analysis in one step: never half-made."""
    staff = world.users["region_staff"]
    batches, events = ImportBatch.objects.count(), AuditEvent.objects.count()

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the table cannot be read")

    monkeypatch.setattr(engine, "propose_mapping", broken)
    with pytest.raises(RuntimeError):
        engine.start_batch(actor=staff, entity="enterprises", filename="x.xlsx", data=_sheet(1, 9104))
    assert (ImportBatch.objects.count(), AuditEvent.objects.count()) == (batches, events)
