"""The four-chain importers: talent headcounts by enterprise and year (a bad row reported in Chinese, re-import
changes nothing, an edited file updates in place), enterprise–node links and targets by chain and node names, and
platforms by name and kind."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from tests.conftest import World
from tests.tabular import files
from yuanqu.chains import services
from yuanqu.chains.models import ChainLink, ChainTarget, InnovationPlatform, TalentHeadcount
from yuanqu.tabular import engine

TALENT = ["统一社会信用代码", "年度", "博士", "硕士", "高级职称", "省级引进人才"]


def _import(world: World, entity: str, rows: list[list[object]], role: str = "region_staff"):  # type: ignore[no-untyped-def]
    actor = world.users[role]
    batch = engine.start_batch(actor=actor, entity=entity, filename=f"{entity}.xlsx", data=files.xlsx(("S", rows)))
    return engine.commit(batch, actor=actor)


def test_talent_imports_all_or_nothing_and_updates_in_place(world: World) -> None:
    rows = [TALENT, [world.ent_xltd.uscc, 2025, 3, 10, 4, 1], [world.ent_smyz.uscc, 2025, -2, 1, 0, 0]]
    batch = _import(world, "chain_talent", rows)
    assert batch.counts["error"] == 1 and batch.counts["new"] == 1
    assert not TalentHeadcount.objects.filter(enterprise=world.ent_smyz).exists()
    t = TalentHeadcount.objects.get(enterprise=world.ent_xltd, year=2025)
    assert (t.doctors, t.masters, t.senior_titles, t.introduced_provincial) == (3, 10, 4, 1)
    assert _import(world, "chain_talent", rows[:2]).counts["unchanged"] == 1
    _import(world, "chain_talent", [TALENT, [world.ent_xltd.uscc, 2025, 5, 10, 4, 1]])
    assert TalentHeadcount.objects.get(pk=t.pk).doctors == 5 and TalentHeadcount.objects.count() == 1
    # 崂山's enterprise is outside 李沧 staff's scope: the row fails, nothing stored
    batch = _import(world, "chain_talent", [TALENT, [world.ent_laoshan.uscc, 2025, 1, 1, 1, 0]])
    assert batch.counts["error"] == 1 and not TalentHeadcount.objects.filter(enterprise=world.ent_laoshan).exists()


def test_links_targets_and_platforms_import(world: World) -> None:
    staff = world.users["region_staff"]
    chain = services.chain_create(actor=staff, name="导入链")
    node = services.node_create(actor=staff, chain=chain, name="导入环节", importance="core")
    batch = _import(world, "chain_links", [["统一社会信用代码", "产业链", "环节"],
                                           [world.ent_xltd.uscc, "导入链", "导入环节"],
                                           [world.ent_smyz.uscc, "导入链", "没有的环节"]])
    assert batch.counts["error"] == 1 and ChainLink.objects.get(node=node).status == "confirmed"
    reasons = " ".join(" ".join(r[3]) for r in batch.report if r[1] == "error")
    assert "没有的环节" in reasons
    _import(world, "chain_targets", [["产业链", "环节", "目标企业", "所在地"],
                                     ["导入链", "导入环节", "某CDMO公司", "苏州"]])
    assert ChainTarget.objects.get(node=node).location == "苏州"
    _import(world, "chain_platforms", [["平台名称", "平台类型", "级别", "认定年份", "统一社会信用代码"],
                                       ["导入实验室", "重点实验室", "省级", 2021, world.ent_xltd.uscc]])
    p = InnovationPlatform.objects.get(name="导入实验室")
    assert (p.kind, p.level, p.enterprise) == ("key_lab", "provincial", world.ent_xltd)
    # an operator may not import chain data at all
    with pytest.raises(PermissionDenied):
        _import(world, "chain_platforms", [["平台名称", "平台类型", "级别", "认定年份", "依托单位"],
                                           ["越权平台", "重点实验室", "省级", 2021, "某大学"]], "park_operator")
    assert not InnovationPlatform.objects.filter(name="越权平台").exists()
