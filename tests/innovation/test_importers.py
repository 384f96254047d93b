"""The 科技服务 importers: contracts by registration number (bad rows reported in Chinese, re-import changes
nothing), incubatees (admitted with their rule warnings only when the row gives a reason) and needs."""

from __future__ import annotations

from tests.conftest import World
from tests.tabular import files
from yuanqu.innovation.models import Incubatee, TechContract, TechNeed
from yuanqu.tabular import engine

from .world import innovation_of

CONTRACT_HEADER = ["合同登记号", "合同名称", "合同类别", "技术领域", "签订日期", "登记日期", "卖方", "买方",
                   "合同交易总额（万元）", "技术交易额（万元）", "园区"]


def _import(world: World, entity: str, rows: list[list[object]], role: str = "region_staff"):  # type: ignore[no-untyped-def]
    actor = world.users[role]
    batch = engine.start_batch(actor=actor, entity=entity, filename=f"{entity}.xlsx", data=files.xlsx(("S", rows)))
    return engine.commit(batch, actor=actor)


def test_contracts_import_with_a_bad_row_reported(world: World) -> None:
    rows = [CONTRACT_HEADER,
            ["LC-2025-001", "检测算法开发", "开发", "电子信息", "2025-03-01", "2025-03-15", "青岛某大学", "某公司",
             120, 100, "信联天地"],
            ["LC-2025-002", "超额合同", "转让", "新材料", "2025-03-01", "2025-03-15", "甲", "乙", 50, 80, "信联天地"],
            ["LC-2025-003", "倒签合同", "服务", "农业", "2025-03-10", "2025-03-01", "甲", "乙", 5, 5, "信联天地"]]
    batch = _import(world, "tech_contracts", rows, "park_operator")
    assert batch.counts["new"] == 1 and batch.counts["error"] == 2
    reasons = " ".join(" ".join(r[3]) for r in batch.report if r[1] == "error")
    assert "技术交易额不能超过合同交易总额。" in reasons and "技术合同的登记日期不能早于签订日期。" in reasons
    contract = TechContract.objects.get(registration_no="LC-2025-001")
    assert contract.kind == "development" and contract.field == "electronics" and contract.park == world.xltd
    again = _import(world, "tech_contracts", rows[:2], "park_operator")
    assert again.counts["unchanged"] == 1 and TechContract.objects.filter(registration_no="LC-2025-001").count() == 1


def test_an_operator_cannot_import_into_another_park(world: World) -> None:
    rows = [CONTRACT_HEADER, ["LC-2025-009", "越界", "开发", "电子信息", "2025-03-01", "2025-03-15", "甲", "乙", 1, 1,
                              "生命药洲"]]
    batch = _import(world, "tech_contracts", rows, "park_operator")
    assert batch.counts["error"] == 1 and not TechContract.objects.filter(registration_no="LC-2025-009").exists()


def test_incubatees_import_admitting_only_with_a_reason_for_warnings(world: World) -> None:
    innovation_of(world)["xltd"]["incubatee"].delete()
    header = ["统一社会信用代码", "孵化器", "申请日期", "入孵日期", "使用面积（㎡）", "预警接受理由"]
    refused = _import(world, "incubatees", [header, [world.ent_xltd.uscc, "信联天地", "2025-01-02", "2025-02-01",
                                                     1500, ""]])
    assert refused.counts["error"] == 1 and not Incubatee.objects.filter(enterprise=world.ent_xltd).exists()
    done = _import(world, "incubatees", [header, [world.ent_xltd.uscc, "信联天地", "2025-01-02", "2025-02-01", 1500,
                                                  "特殊设备需要较大场地"]])
    assert done.counts["new"] == 1
    inc = Incubatee.objects.get(enterprise=world.ent_xltd)
    assert inc.status == "incubating" and inc.warnings_reason == "特殊设备需要较大场地"


def test_needs_import_as_drafts(world: World) -> None:
    rows = [["统一社会信用代码", "需求名称", "技术领域", "预算（万元）"],
            [world.ent_smyz.uscc, "细胞培养工艺优化", "生物医药和医疗器械", 40]]
    batch = _import(world, "tech_needs", rows)
    assert batch.counts["new"] == 1
    need = TechNeed.objects.get(title="细胞培养工艺优化")
    assert need.status == "draft" and need.field == "biomedicine" and need.park == world.smyz
