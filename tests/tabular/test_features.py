"""Sheet choice and hidden sheets, saved mappings, templates, the CLI, and the other entities' importers."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from python_calamine import CalamineWorkbook

from tests.conftest import World
from yuanqu.core.numbers import parse_number
from yuanqu.core.text import pinyin_keys
from yuanqu.enterprises.models import Enterprise
from yuanqu.investment.models import Lead, Project
from yuanqu.parks.models import Park, Unit
from yuanqu.tabular import clean, engine
from yuanqu.tabular.fast import fast_pinyin_keys

from . import files


def test_hidden_sheets_are_ignored_and_a_sheet_can_be_chosen(world: World) -> None:
    staff = world.users["region_staff"]
    a, b = files.usccs(2, seed=41)
    data = files.xlsx(("说明", [["本表说明", ""]]), ("隐藏", [["企业名称", "信用代码"], ["隐藏企业", a]]),
                      ("名录", [["企业名称", "信用代码"], ["青岛选中有限公司", b]]), hidden=["隐藏"])
    batch = engine.start_batch(actor=staff, entity="enterprises", filename="s.xlsx", data=data)
    assert batch.sheets == ["说明", "名录"]
    engine.analyse(batch, actor=staff, sheet="名录")
    batch = engine.commit(batch, actor=staff)
    assert batch.counts["new"] == 1
    assert Enterprise.objects.filter(uscc=b).exists() and not Enterprise.objects.filter(uscc=a).exists()


def test_a_confirmed_mapping_is_reused_for_the_same_header(world: World) -> None:
    staff = world.users["region_staff"]
    header = [["代码", "单位", "备用"]]
    first = engine.start_batch(actor=staff, entity="enterprises", filename="a.csv",
                               data=files.csv_file(header + [[files.usccs(1, seed=3)[0], "甲公司", "x"]]))
    engine.set_mapping(first, {"0": "uscc", "1": "name"}, actor=staff)
    second = engine.start_batch(actor=staff, entity="enterprises", filename="b.csv",
                                data=files.csv_file(header + [[files.usccs(1, seed=4)[0], "乙公司", "y"]]))
    assert second.mapping_source == "saved"
    assert second.mapping == {"0": "uscc", "1": "name"}


def test_mapping_comes_with_a_confidence(world: World) -> None:
    staff = world.users["region_staff"]
    data = files.csv_file([["纳税人名称", "社会统一信用代码", "注册资本金额（亿元）", "行业名"], ["甲", "x", "1", "y"]])
    batch = engine.start_batch(actor=staff, entity="enterprises", filename="c.csv", data=data)
    by_header = {c["header"]: (batch.mapping.get(str(c["index"])), c["confidence"]) for c in batch.columns}
    assert by_header["纳税人名称"] == ("name", 1.0)
    assert by_header["社会统一信用代码"] == ("uscc", 1.0)
    assert by_header["注册资本金额（亿元）"][0] == "registered_capital_wan" and by_header["注册资本金额（亿元）"][1] < 1
    assert [c["unit"] for c in batch.columns if c["header"].startswith("注册资本")] == ["亿元"]


def test_error_rows_download_with_a_reason_and_reimport(world: World, client_as: Callable[[str], Client]) -> None:
    staff = client_as("region_staff")
    good, bad = files.usccs(2, seed=51)
    wrong = bad[:-1] + ("0" if bad[-1] != "0" else "1")
    data = files.xlsx(("S", [["统一社会信用代码", "企业名称", "成立日期"], [good, "青岛好有限公司", "2020-01-01"],
                             [wrong, "青岛错有限公司", "2020-13-01"]]))
    f = io.BytesIO(data)
    f.name = "混合.xlsx"
    staff.post("/imports/", {"entity": "enterprises", "file": f})
    from yuanqu.tabular.models import ImportBatch

    batch = ImportBatch.objects.latest("id")
    staff.post(f"/imports/{batch.pk}/mapping/", {f"col_{k}": v for k, v in batch.mapping.items()})
    page = staff.get(f"/imports/{batch.pk}/?status=error").content.decode()
    assert "校验码" in page and "不是有效日期" in page
    download = staff.get(f"/imports/{batch.pk}/errors/")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(download.content)).get_sheet_by_index(0).to_python()
    assert rows[0][-1] == "原因" and rows[1][0] == wrong and rows[1][-1].startswith("第3行")
    staff.post(f"/imports/{batch.pk}/commit/")
    assert Enterprise.objects.filter(uscc=good).exists()
    assert not Enterprise.objects.filter(name="青岛错有限公司").exists()
    rows[1][0], rows[1][2] = bad, "2020-12-01"
    f = io.BytesIO(files.xlsx(("错误行", rows)))
    f.name = "改正.xlsx"
    staff.post("/imports/", {"entity": "enterprises", "file": f})
    fixed = ImportBatch.objects.latest("id")
    assert "原因" not in fixed.mapping.values()
    fixed = engine.commit(fixed, actor=world.users["region_staff"])
    assert fixed.counts["new"] == 1 and fixed.counts["error"] == 0
    assert Enterprise.objects.get(uscc=bad).name == "青岛错有限公司"


def test_the_template_has_comments_and_drop_downs(world: World, client_as: Callable[[str], Client]) -> None:
    response = client_as("region_staff").get("/imports/template/?entity=enterprises")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<dataValidation " in sheet and "lists!" in sheet
    assert any(n.startswith("xl/comments") for n in archive.namelist())
    header = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()[0]
    assert header[:2] == ["统一社会信用代码", "名称"] and "注册资本(万元)" in header
    # an empty template imports as nothing, without errors
    batch = engine.start_batch(actor=world.users["region_staff"], entity="enterprises", filename="t.xlsx",
                               data=response.content)
    assert engine.commit(batch, actor=world.users["region_staff"]).counts["total"] == 0


def test_the_cli_imports_with_a_progress_bar(world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    codes = files.usccs(3, seed=61)
    path = tmp_path / "命令行.csv"
    path.write_bytes(files.csv_file([["统一社会信用代码", "企业名称"]] + [[c, f"青岛命令行{i}有限公司"]
                                                                   for i, c in enumerate(codes)], "gbk"))
    call_command("import", str(path), "--entity", "enterprises", "--user", "staff")
    out = capsys.readouterr()
    assert "new 3" in out.out and "写入" in out.err
    assert Enterprise.objects.filter(uscc__in=codes).count() == 3


@pytest.mark.parametrize("text,unit,header_unit,expected", [
    ("1,234.5", "万元", "", "1234.5"), ("１２３４", "万元", "", "1234"), ("五十五亿元", "万元", "", "550000"),
    ("55亿", "万元", "", "550000"), (2.5, "万元", "亿元", "25000"), ("3万平方米", "㎡", "", "30000"),
    ("一千二百", "", "", "1200"), ("12.5%", "", "", "0.125"), ("800", "万元", "元", "0.08"),
])
def test_numbers_as_people_write_them(text: object, unit: str, header_unit: str, expected: str) -> None:
    assert parse_number(text, unit=unit, header_unit=header_unit) == Decimal(expected)


@pytest.mark.parametrize("text,expected", [
    ("2023.06", "2023-06-01"), ("2023年6月", "2023-06-01"), ("2023-6-1", "2023-06-01"), (45078, "2023-06-01"),
    ("2023/06/01", "2023-06-01"), ("二〇二三年六月一日", "2023-06-01"), ("２０２３年６月", "2023-06-01"),
    ("20230601", "2023-06-01"),
])
def test_dates_as_people_write_them(text: object, expected: str) -> None:
    assert clean.parse_date(text).isoformat() == expected


def test_fast_pinyin_keys_match_the_phrase_mode() -> None:
    names = ["青岛银行股份有限公司", "重庆长安汽车", "联东U谷青岛中心", "人民金服青岛中心·中化云谷", "生命药洲",
             "青岛（演示）海洋科技有限公司", "绿色能源", "行长银行", "厦门重工123号", "ABC数据"]
    assert [fast_pinyin_keys(n) for n in names] == [pinyin_keys(n) for n in names]


def test_fast_pinyin_keys_match_on_many_names_sharing_their_endings() -> None:
    """Cached remainders (生物科技有限公司 …) give the same keys as cutting each name whole."""
    import random

    rng = random.Random(5)
    chars = "青岛重庆长安行银华海泰恒瑞丰达鑫源博创新远航康盛和信誉景明德嘉宏兴合安晟弘元光正通宇汇隆昌祥富乐都"
    tails = ["生物科技有限公司", "银行股份有限公司", "重工集团有限公司", "长安汽车", "行业协会", "科技有限公司", "",
             "医药有限责任公司", "数据科技", "重庆分行", "长江实业"]
    names = ["".join(rng.choice(chars) for _ in range(rng.randint(1, 6))) + rng.choice(tails) for _ in range(3000)]
    assert [fast_pinyin_keys(n) for n in names] == [pinyin_keys(n) for n in names]
    assert [fast_pinyin_keys(n) for n in reversed(names)] == [pinyin_keys(n) for n in reversed(names)]


def test_parks_units_leads_and_projects_import(world: World) -> None:
    staff = world.users["region_staff"]

    def run(entity: str, rows: list[list[object]]) -> dict[str, int]:
        batch = engine.start_batch(actor=staff, entity=entity, filename=f"{entity}.xlsx", data=files.xlsx(("S", rows)))
        assert not engine.mapping_problems(batch), (entity, batch.columns)
        batch = engine.commit(batch, actor=staff)
        assert batch.status == "committed", batch.error
        return batch.counts

    counts = run("parks", [["园区名称", "园区类型", "占地面积（万亩）", "建筑面积(万平方米)", "总投资（亿元）"],
                           ["青岛导入园", "孵化器", 0.1, 3, 30], ["信联天地", "商务楼宇", "", "", 12]])
    assert (counts["new"], counts["update"]) == (1, 1)
    park = Park.objects.get(name="青岛导入园")
    assert park.land_area_mu == Decimal("1000.00") and park.floor_area_m2 == Decimal("30000.00")
    assert park.total_investment_wan == Decimal("300000.00")
    counts = run("units", [["园区", "楼宇", "房号", "楼层", "面积（㎡）", "状态"],
                           ["信联天地", "主塔楼", "1501", 15, "1,200", "空置"], ["信联天地", "副楼", "1", 1, 10, ""]])
    assert (counts["new"], counts["error"]) == (1, 1)
    assert Unit.objects.get(number="1501").area_m2 == Decimal("1200.00")
    counts = run("leads", [["企业名称", "意向园区", "意向投资额（亿元）", "预计用工"],
                           ["青岛导入线索有限公司", "信联天地", 1.5, 30]])
    assert counts["new"] == 1
    assert Lead.objects.get(name="青岛导入线索有限公司").intended_investment_wan == Decimal("15000.00")
    counts = run("projects", [["项目名称", "园区", "项目级别", "总投资（亿元）"],
                              ["导入项目", "信联天地", "区重点", 2], ["信联天地数字总部项目", "信联天地", "区重点", 6]])
    assert (counts["new"], counts["update"]) == (1, 1)
    assert Project.objects.get(name="信联天地数字总部项目").total_investment_wan == Decimal("60000.00")


def test_large_files_run_as_tasks_with_a_progress_bar(world: World, client_as: Callable[[str], Client]) -> None:
    from django.test import override_settings

    from yuanqu.tabular.models import ImportBatch

    staff = client_as("region_staff")
    codes = files.usccs(3, seed=71)
    f = io.BytesIO(files.csv_file([["统一社会信用代码", "企业名称"]] + [[c, f"青岛任务{i}有限公司"]
                                                                 for i, c in enumerate(codes)]))
    f.name = "任务.csv"
    staff.post("/imports/", {"entity": "enterprises", "file": f})
    batch = ImportBatch.objects.latest("id")
    with override_settings(TABULAR_SYNC_MAX_BYTES=0):  # everything is "large": the task backend runs it
        staff.post(f"/imports/{batch.pk}/mapping/", {"col_0": "uscc", "col_1": "name"})
        batch.refresh_from_db()
        assert batch.status == "previewed" and batch.percent == 100
        staff.post(f"/imports/{batch.pk}/commit/")
    batch.refresh_from_db()
    assert batch.status == "committed"
    assert Enterprise.objects.filter(uscc__in=codes).count() == 3
    progress = staff.get(f"/imports/{batch.pk}/progress/", headers={"HX-Request": "true"})
    assert progress.status_code == 200 and progress["HX-Refresh"] == "true"
    assert 'role="progressbar"' in progress.content.decode()
