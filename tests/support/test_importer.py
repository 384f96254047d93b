"""The service catalogue imported from a spreadsheet: idempotent, by park and name, with Chinese cell errors (rows
with errors are left out and reported, as every importer of the engine does)."""

from __future__ import annotations

from tests.conftest import World
from tests.tabular import files
from yuanqu.support.models import Service
from yuanqu.tabular import engine

HEADER = ["服务事项", "服务类别", "园区", "紧急程度", "服务内容"]
ROWS = [["会议室预订", "物业服务", "信联天地", "一般", "大中小会议室"],
        ["专利申请辅导", "知识产权", "信联天地", "复杂疑难", "发明专利"],
        ["人才公寓", "人才服务", "信联天地", "一般", "公寓申请"]]


def _run(world: World, rows: list[list[object]], role: str = "park_operator"):
    actor = world.users[role]
    batch = engine.start_batch(actor=actor, entity="support_services", filename="服务目录.xlsx",
                               data=files.xlsx(("目录", [HEADER, *rows])))
    return engine.commit(batch, actor=actor)


def test_it_imports_the_catalogue_and_a_second_import_changes_nothing(world: World) -> None:
    batch = _run(world, ROWS)
    assert batch.status == "committed", batch.error
    assert batch.counts["new"] == 3
    room = Service.objects.get(name="会议室预订")
    assert (room.park, room.category, room.default_rule.code) == (world.xltd, "property", "general")
    again = _run(world, ROWS)
    assert again.counts["new"] == 0 and again.counts["unchanged"] == 3
    assert Service.objects.filter(park=world.xltd).count() == 3


def test_bad_rows_are_left_out_and_say_why_in_chinese(world: World) -> None:
    batch = _run(world, [*ROWS, ["加急报修", "物业服务", "信联天地", "特急", "电梯"],
                         ["越权服务", "物业服务", "生命药洲", "一般", "无"]])
    assert batch.counts["new"] == 3 and batch.counts["error"] == 2
    assert not Service.objects.filter(name__in=["加急报修", "越权服务"]).exists()
    text = str(batch.report)
    assert "特急 不是紧急程度" in text and "生命药洲" in text
