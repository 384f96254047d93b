"""Reverting an import batch (issue 14 item 1): the rows it added go, the rows it changed get their values back, in
one transaction with one audit event — and nothing at all happens while something depends on its rows."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.conftest import World
from yuanqu.core.models import AuditEvent
from yuanqu.enterprises import services as ent
from yuanqu.enterprises.models import Enterprise, EnterpriseName, Settlement
from yuanqu.investment.models import Lead, Project
from yuanqu.parks import services as park_services
from yuanqu.parks.models import Park
from yuanqu.tabular import engine, services
from yuanqu.tabular.models import ImportBatch

from . import files


def _import(world: World, role: str, entity: str, rows: list[list[Any]], **kw: Any) -> ImportBatch:
    user = world.users[role]
    batch = engine.start_batch(actor=user, entity=entity, filename=f"{entity}.xlsx", data=files.xlsx(("S", rows)),
                               **kw)
    # A short last row (the rename below) is flagged as possibly cut off; these files are meant as they are.
    batch = engine.commit(batch, actor=user, accept_warnings=True)
    assert batch.status == ImportBatch.Status.COMMITTED, batch.error
    return batch


def _state() -> dict[str, Any]:
    """Everything a refused revert must leave as it was."""
    return {
        "enterprises": sorted(Enterprise.objects.values_list("pk", "name", "updated_at")),
        "names": Enterprise.objects.count() + EnterpriseName.objects.count(),
        "settlements": sorted(Settlement.objects.values_list("pk", "stage")),
        "parks": sorted(Park.objects.values_list("pk", "name", "updated_at")),
        "leads": Lead.objects.count(), "projects": Project.objects.count(),
        "events": AuditEvent.objects.count(),
    }


def _enterprise_batch(world: World) -> tuple[ImportBatch, list[str]]:
    """Two new enterprises signed into 信联天地, and the operator's own enterprise renamed."""
    a, b = files.usccs(2, seed=1401)
    rows = [["统一社会信用代码", "企业名称", "园区", "签约日期"],
            [a, "青岛撤销甲有限公司", "信联天地", "2024-03-01"],
            [b, "青岛撤销乙有限公司", "信联天地", "2024-03-02"],
            [world.ent_xltd.uscc, "青岛改名后有限公司", "", ""]]
    return _import(world, "region_staff", "enterprises", rows), [a, b]


def test_it_reverts_an_enterprise_import_exactly(world: World) -> None:
    name_before = world.ent_xltd.name
    settled_before = Settlement.objects.filter(park=world.xltd).count()
    names_before = EnterpriseName.objects.count()
    batch, codes = _enterprise_batch(world)
    assert Enterprise.objects.filter(uscc__in=codes).count() == 2
    assert Enterprise.objects.get(pk=world.ent_xltd.pk).name == "青岛改名后有限公司"
    assert Settlement.objects.filter(park=world.xltd).count() == settled_before + 2
    events = AuditEvent.objects.count()

    services.batch_revert(actor=world.users["region_staff"], batch=batch)

    assert not Enterprise.objects.filter(uscc__in=codes).exists()
    restored = Enterprise.objects.get(pk=world.ent_xltd.pk)
    assert restored.name == name_before and restored.name_pinyin == world.ent_xltd.name_pinyin
    assert EnterpriseName.objects.count() == names_before
    assert Settlement.objects.filter(park=world.xltd).count() == settled_before
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.REVERTED and batch.reverted_by == world.users["region_staff"]
    # one audit event, naming the batch and what it undid
    new = list(AuditEvent.objects.filter(pk__gt=0).order_by("-id")[: AuditEvent.objects.count() - events])
    assert [(e.action, e.object_type, e.object_id) for e in new] == [
        (AuditEvent.Action.REVERT, "tabular.ImportBatch", str(batch.pk))]
    assert new[0].after["deleted"] == {"enterprises.Enterprise": 2, "enterprises.EnterpriseName": 1,
                                       "enterprises.Settlement": 2}
    assert new[0].after["restored"] == {"enterprises.Enterprise": 1}


def test_it_reverts_parks_created_and_updated_through_their_services(world: World) -> None:
    old_area = world.smyz.land_area_mu
    batch = _import(world, "region_staff", "parks", [["园区名称", "园区类型", "占地面积（亩）"],
                                                     ["青岛误导入园一", "孵化器", 10],
                                                     ["青岛误导入园二", "孵化器", 20],
                                                     ["生命药洲", "", 777]])
    assert batch.counts["new"] == 2 and batch.counts["update"] == 1
    assert Park.objects.get(pk=world.smyz.pk).land_area_mu == Decimal(777)
    services.batch_revert(actor=world.users["region_staff"], batch=batch)
    assert not Park.objects.filter(name__startswith="青岛误导入园").exists()
    assert Park.objects.get(pk=world.smyz.pk).land_area_mu == old_area


def test_it_reverts_leads_and_projects(world: World) -> None:
    leads = _import(world, "park_operator", "leads", [["企业名称", "来源", "意向园区"],
                                                      ["青岛撤销线索有限公司", "其他", "信联天地"]])
    projects = _import(world, "region_staff", "projects", [["项目名称", "总投资（万元）"], ["青岛撤销项目", 1000]])
    services.batch_revert(actor=world.users["park_operator"], batch=leads)
    services.batch_revert(actor=world.users["region_staff"], batch=projects)
    assert not Lead.objects.filter(name="青岛撤销线索有限公司").exists()
    assert not Project.objects.filter(name="青岛撤销项目").exists()


def test_a_revert_of_rows_used_since_is_refused_naming_them_and_changes_nothing(world: World) -> None:
    batch, codes = _enterprise_batch(world)
    later = Enterprise.objects.get(uscc=codes[0])
    ent.settlement_create(actor=world.users["region_staff"], enterprise=later, park=world.smyz,
                          signed_on=dt.date(2024, 4, 1))
    before = _state()
    with pytest.raises(services.RevertRefused) as refused:
        services.batch_revert(actor=world.users["region_staff"], batch=batch)
    assert any("青岛撤销甲有限公司" in r and "生命药洲" in r for r in refused.value.reasons), refused.value.reasons
    assert _state() == before
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED


def test_a_revert_of_rows_changed_since_is_refused_and_changes_nothing(world: World) -> None:
    batch = _import(world, "region_staff", "parks", [["园区名称", "园区类型"], ["青岛误导入园三", "孵化器"]])
    park = Park.objects.get(name="青岛误导入园三")
    park_services.park_update(actor=world.users["region_staff"], park=park, name="青岛改过名的园")
    before = _state()
    with pytest.raises(services.RevertRefused) as refused:
        services.batch_revert(actor=world.users["region_staff"], batch=batch)
    assert refused.value.reasons == ["园区“青岛改过名的园”在导入后被修改过。"]
    assert _state() == before


def test_a_revert_of_a_row_it_updated_and_someone_changed_again_is_refused(world: World) -> None:
    batch = _import(world, "region_staff", "parks", [["园区名称", "占地面积（亩）"], ["生命药洲", 555]])
    park_services.park_update(actor=world.users["region_staff"], park=Park.objects.get(pk=world.smyz.pk),
                              land_area_mu=Decimal(556))
    with pytest.raises(services.RevertRefused) as refused:
        services.batch_revert(actor=world.users["region_staff"], batch=batch)
    assert refused.value.reasons == ["园区“生命药洲”在导入后被修改过。"]
    assert Park.objects.get(pk=world.smyz.pk).land_area_mu == Decimal(556)


def test_reverting_twice_is_refused(world: World) -> None:
    batch = _import(world, "region_staff", "parks", [["园区名称", "园区类型"], ["青岛误导入园四", "孵化器"]])
    services.batch_revert(actor=world.users["region_staff"], batch=batch)
    events = AuditEvent.objects.count()
    with pytest.raises(services.RevertRefused) as refused:
        services.batch_revert(actor=world.users["region_staff"], batch=batch)
    assert refused.value.reasons == ["这次导入已经撤销过了。"]
    assert AuditEvent.objects.count() == events


def test_a_revert_after_the_window_is_refused(world: World, settings: Any) -> None:
    settings.IMPORT_REVERT_DAYS = 7
    batch = _import(world, "region_staff", "parks", [["园区名称", "园区类型"], ["青岛误导入园五", "孵化器"]])
    ImportBatch.objects.filter(pk=batch.pk).update(committed_at=timezone.now() - dt.timedelta(days=8))
    batch.refresh_from_db()
    with pytest.raises(services.RevertRefused) as refused:
        services.batch_revert(actor=world.users["region_staff"], batch=batch)
    assert "7天" in refused.value.reasons[0]
    assert Park.objects.filter(name="青岛误导入园五").exists()


def test_a_statistics_import_is_not_reverted_and_says_why(world: World) -> None:
    batch = ImportBatch.objects.create(entity="report_values", filename="h.xlsx", fmt="xlsx", content=b"",
                                       created_by=world.users["region_staff"], region_code="370213",
                                       status=ImportBatch.Status.COMMITTED, committed_at=timezone.now(),
                                       written={"created": [["stats.Report", [1]]]})
    with pytest.raises(services.RevertRefused) as refused:
        services.batch_revert(actor=world.users["region_staff"], batch=batch)
    assert "历史统计数据" in refused.value.reasons[0]


def test_district_staff_revert_an_operators_import_but_not_the_other_way(
        world: World, client_as: Callable[[str], Client]) -> None:
    mine = _import(world, "region_staff", "parks", [["园区名称", "园区类型"], ["青岛误导入园六", "孵化器"]])
    operator = client_as("park_operator")
    assert operator.post(f"/imports/{mine.pk}/revert/").status_code == 404
    assert client_as("leader").post(f"/imports/{mine.pk}/revert/").status_code == 404
    assert Park.objects.filter(name="青岛误导入园六").exists()
    theirs = _import(world, "park_operator", "leads", [["企业名称", "来源", "意向园区"],
                                                       ["青岛运营方线索有限公司", "其他", "信联天地"]])
    assert client_as("region_staff").post(f"/imports/{theirs.pk}/revert/").status_code == 302
    assert not Lead.objects.filter(name="青岛运营方线索有限公司").exists()


def test_the_batch_page_offers_the_revert_and_shows_what_blocks_it(
        world: World, client_as: Callable[[str], Client]) -> None:
    staff = client_as("region_staff")
    batch, codes = _enterprise_batch(world)
    page = staff.get(f"/imports/{batch.pk}/").content.decode()
    assert 'id="revert-submit"' in page and "撤销这次导入" in page
    ent.settlement_create(actor=world.users["region_staff"], enterprise=Enterprise.objects.get(uscc=codes[1]),
                          park=world.smyz, signed_on=dt.date(2024, 4, 1))
    response = staff.post(f"/imports/{batch.pk}/revert/", follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="revert-blockers"' in page and "青岛撤销乙有限公司" in page and "未撤销" in page
    assert Enterprise.objects.filter(uscc__in=codes).count() == 2
    # the blockers are shown once
    assert 'id="revert-blockers"' not in staff.get(f"/imports/{batch.pk}/").content.decode()


def test_the_revert_through_the_page_is_audited_once(world: World, client_as: Callable[[str], Client]) -> None:
    staff = client_as("region_staff")
    f = io.BytesIO(files.xlsx(("S", [["园区名称", "园区类型"], ["青岛误导入园七", "孵化器"]])))
    f.name = "园区.xlsx"
    staff.post("/imports/", {"entity": "parks", "file": f})
    batch = ImportBatch.objects.latest("id")
    staff.post(f"/imports/{batch.pk}/mapping/", {f"col_{k}": v for k, v in batch.mapping.items()})
    staff.post(f"/imports/{batch.pk}/commit/")
    assert Park.objects.filter(name="青岛误导入园七").exists()
    first = AuditEvent.objects.latest("id").pk
    page = staff.post(f"/imports/{batch.pk}/revert/", follow=True).content.decode()
    assert "已撤销" in page and 'id="batch-reverted"' in page
    events = list(AuditEvent.objects.filter(pk__gt=first))
    assert [e.action for e in events] == [AuditEvent.Action.REVERT]
    assert events[0].actor == world.users["region_staff"] and events[0].after["deleted"] == {"parks.Park": 1}
    assert not Park.objects.filter(name="青岛误导入园七").exists()
