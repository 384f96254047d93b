"""Rules for real government sheets (issue 14 item 2): units in headers, a unit a field cannot take, the values a
preview shows beside the stored ones, dates never defaulted to today, industries named by everyday words, and
header lines that repeat the header."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client

from tests.conftest import World
from yuanqu.core.numbers import NumberError, parse_number, unit_convertible
from yuanqu.enterprises.models import Enterprise, Settlement
from yuanqu.investment.models import Lead
from yuanqu.parks.models import Park
from yuanqu.tabular import engine
from yuanqu.tabular.models import ImportBatch

from . import files
from .test_round_trip import upload


@pytest.mark.parametrize(("value", "source", "target", "expected"), [
    ("1", "公顷", "亩", "15"),
    ("10000", "㎡", "亩", "15"),
    ("1", "平方公里", "亩", "1500"),
    ("3", "亩", "平方米", "2000"),
    ("1", "平方公里", "公顷", "100"),
    ("1", "公顷", "㎡", "10000"),
    ("2.5", "平方公里", "㎡", "2500000"),
    ("1.5", "亿元", "万元", "15000"),
    ("12345", "元", "万元", "1.2345"),
    ("2", "万元", "元", "20000"),
    ("3", "亿元", "元", "300000000"),
    ("1.2", "万人", "人", "12000"),
    ("500", "人", "万人", "0.05"),
])
def test_units_in_headers_convert_exactly(value: str, source: str, target: str, expected: str) -> None:
    assert parse_number(value, unit=target, header_unit=source) == Decimal(expected)
    assert unit_convertible(source, target)


@pytest.mark.parametrize(("source", "target"), [("万元", "亩"), ("万元", "㎡"), ("公顷", "万元"), ("万人", "万元")])
def test_units_of_other_dimensions_do_not_convert(source: str, target: str) -> None:
    assert not unit_convertible(source, target)
    with pytest.raises(NumberError):
        parse_number("1", unit=target, header_unit=source)
    assert not unit_convertible("%", target)


def parks_sheet() -> bytes:
    return files.xlsx(("园区", [["园区名称", "核准面积(公顷)", "面积（万元）"], ["青岛测试园一", 1220, 5],
                               ["青岛测试园二", "3.5", 6]]))


def test_a_column_whose_unit_the_field_cannot_take_is_never_auto_mapped(world: World) -> None:
    staff = world.users["region_staff"]
    batch = engine.start_batch(actor=staff, entity="parks", filename="p.xlsx", data=parks_sheet())
    mapped = {c["header"]: batch.mapping.get(str(c["index"]), "") for c in batch.columns}
    # 面积 is a synonym of 建筑面积 (㎡), but 万元 is no area: left unmapped, whatever the name says
    assert mapped == {"园区名称": "name", "核准面积(公顷)": "land_area_mu", "面积（万元）": ""}
    batch = engine.commit(batch, actor=staff)
    assert batch.status == ImportBatch.Status.COMMITTED, batch.report
    assert Park.objects.get(name="青岛测试园一").land_area_mu == Decimal("18300.00")  # 1220 公顷 × 15
    assert Park.objects.get(name="青岛测试园二").land_area_mu == Decimal("52.50")


def test_mapping_it_by_hand_gives_one_error_for_the_column(world: World, client_as: Callable[[str], Client]) -> None:
    client = client_as("region_staff")
    batch = upload(client, "p.xlsx", parks_sheet(), entity="parks")
    response = client.post(f"/imports/{batch.pk}/mapping/", {"col_0": "name", "col_1": "land_area_mu",
                                                             "col_2": "floor_area_m2"}, follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    errors = re.findall(r"单位是“万元”，无法换算为建筑面积", page)
    assert len(errors) == 2  # once in the page's message, once beside the mapping: not once per row
    assert 'id="mapping-problems"' in page
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.UPLOADED and batch.report == []  # no row was checked
    # the engine itself refuses the same mapping with the one message (CLI, background task)
    batch = engine.preview(batch, actor=world.users["region_staff"])
    assert batch.status == ImportBatch.Status.FAILED and batch.error.count("无法换算") == 1
    assert not Park.objects.filter(name__startswith="青岛测试园").exists()


def test_head_counts_in_wan_ren_are_stored_as_people(world: World) -> None:
    staff = world.users["region_staff"]
    data = files.xlsx(("线索", [["企业名称", "预计用工（万人）"], ["青岛万人用工测试有限公司", 0.12]]))
    batch = engine.start_batch(actor=staff, entity="leads", filename="l.xlsx", data=data)
    batch = engine.commit(batch, actor=staff)
    assert batch.status == ImportBatch.Status.COMMITTED, batch.report
    assert Lead.objects.get(name="青岛万人用工测试有限公司").expected_jobs == 1200


def test_the_preview_shows_the_values_beside_the_stored_ones(world: World, client_as: Callable[[str], Client]) -> None:
    xltd = world.xltd
    stored_area = xltd.floor_area_m2
    data = files.xlsx(("园区", [["园区名称", "建筑面积(万㎡)", "地址"], ["信联天地", 20, xltd.address]]))
    client = client_as("region_staff")
    batch = upload(client, "p.xlsx", data, entity="parks")
    client.post(f"/imports/{batch.pk}/mapping/", {f"col_{k}": v for k, v in batch.mapping.items()})
    batch.refresh_from_db()
    row = batch.report[0]
    assert row[1] == "update", batch.report
    cells = {c[0]: c[1:] for c in row[6]}
    assert cells["建筑面积(㎡)"] == ["200000.00", "" if stored_area is None else format(stored_area, "f"), True]
    assert cells["名称"] == ["信联天地", "信联天地", False]
    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "values-compare" in page and "cell-changed" in page and "200000.00" in page and "现有值" in page


def enterprise_sheet(codes: list[str], date: str = "") -> bytes:
    header = ["统一社会信用代码", "企业名称", "园区"] + (["签约日期"] if date else [])
    rows = [[c, f"青岛签约日期测试{i}有限公司", "信联天地"] + ([date] if date else []) for i, c in enumerate(codes)]
    return files.xlsx(("企业", [header, *rows]))


def test_a_settlement_without_a_signing_date_is_an_error_not_today(world: World) -> None:
    staff = world.users["region_staff"]
    codes = files.usccs(2, seed=808)
    batch = engine.start_batch(actor=staff, entity="enterprises", filename="e.xlsx", data=enterprise_sheet(codes))
    batch = engine.commit(batch, actor=staff)
    assert batch.counts["error"] == 2 and batch.counts["new"] == 0, batch.report
    assert all("签约日期" in r[3][0] and "列映射页" in r[3][0] for r in batch.report)
    assert not Enterprise.objects.filter(uscc__in=codes).exists()


def test_the_user_chooses_the_signing_date_for_empty_cells(world: World, client_as: Callable[[str], Client]) -> None:
    client = client_as("region_staff")
    codes = files.usccs(2, seed=809)
    batch = upload(client, "e.xlsx", enterprise_sheet(codes), entity="enterprises")
    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert 'name="default_signed_on"' in page
    posted = {f"col_{k}": v for k, v in batch.mapping.items()}
    client.post(f"/imports/{batch.pk}/mapping/", {**posted, "default_signed_on": "不是日期"})
    batch.refresh_from_db()
    assert batch.report == [] and "不是日期" in client.get(f"/imports/{batch.pk}/").content.decode()
    client.post(f"/imports/{batch.pk}/mapping/", {**posted, "default_signed_on": "2024-03-01"})
    batch.refresh_from_db()
    assert batch.counts["new"] == 2 and batch.counts["error"] == 0, batch.report
    client.post(f"/imports/{batch.pk}/commit/", {})
    days = set(Settlement.objects.filter(enterprise__uscc__in=codes).values_list("signed_on", flat=True))
    assert days == {dt.date(2024, 3, 1)}


def test_a_date_in_the_sheet_wins_over_the_chosen_default(world: World) -> None:
    staff = world.users["region_staff"]
    codes = files.usccs(1, seed=810)
    batch = engine.start_batch(actor=staff, entity="enterprises", filename="e.xlsx",
                               data=enterprise_sheet(codes, date="2023-05-06"))
    engine.set_mapping(batch, engine.column_mapping(batch), actor=staff, defaults={"signed_on": "2024-03-01"})
    batch = engine.commit(batch, actor=staff)
    assert batch.status == ImportBatch.Status.COMMITTED, batch.report
    assert Settlement.objects.get(enterprise__uscc=codes[0]).signed_on == dt.date(2023, 5, 6)


def test_industries_by_everyday_name_group_level_and_ambiguity(world: World) -> None:
    staff = world.users["region_staff"]
    codes = files.usccs(4, seed=811)
    data = files.xlsx(("企业", [["统一社会信用代码", "企业名称", "所属行业"],
                                [codes[0], "青岛行业甲有限公司", "医药制造业"],
                                [codes[1], "青岛行业乙有限公司", "新材料"],
                                [codes[2], "青岛行业丙有限公司", "jichengdianlu"],
                                [codes[3], "青岛行业丁有限公司", "2710"]]))
    batch = engine.commit(engine.start_batch(actor=staff, entity="enterprises", filename="i.xlsx", data=data),
                          actor=staff)
    by_line = {r[0]: r for r in batch.report}
    assert by_line[2][1] == "warning" and "大类" in by_line[2][3][0] and "27 医药制造业" in by_line[2][3][0]
    assert by_line[3][1] == "error" and all(c in by_line[3][3][0] for c in ("26 ", "30 ", "32 "))
    assert by_line[4][1] == "new" and by_line[5][1] == "new"
    stored = dict(Enterprise.objects.filter(uscc__in=codes).values_list("name", "industry_id"))
    assert stored == {"青岛行业甲有限公司": "27", "青岛行业丙有限公司": "3973", "青岛行业丁有限公司": "2710"}


@pytest.mark.parametrize("second", [
    ["No.", "Park", "Land area"],
    ["序号", "名称", "占地面积"],
    ["(1)", "(2)", "(3)"],
    ["栏次", "甲", "乙"],
])
def test_a_second_header_line_is_no_data_row(world: World, second: list[str]) -> None:
    staff = world.users["region_staff"]
    data = files.xlsx(("园区", [["园区基本情况表", "", ""], ["序号", "园区名称", "占地面积（亩）"], second,
                               [1, "青岛表头测试园", 30], [2, "青岛表头测试园二", 40]]))
    batch = engine.commit(engine.start_batch(actor=staff, entity="parks", filename="h.xlsx", data=data),
                          actor=staff)
    assert batch.header_rows == [2, 3], batch.header_rows
    assert batch.counts["new"] == 2 and batch.counts["error"] == 0, batch.report
    assert Park.objects.get(name="青岛表头测试园").land_area_mu == Decimal("30.00")


def test_a_data_row_right_under_the_header_stays_data(world: World) -> None:
    staff = world.users["region_staff"]
    data = files.xlsx(("园区", [["序号", "园区名称", "占地面积（亩）", "建筑面积（㎡）"],
                               [1, "青岛数据行测试园", 30, 2000]]))
    batch = engine.commit(engine.start_batch(actor=staff, entity="parks", filename="d.xlsx", data=data), actor=staff)
    assert batch.header_rows == [1] and batch.counts["new"] == 1, batch.report


def test_the_industry_picker_finds_everyday_words(client_as: Callable[[str], Client]) -> None:
    response = client_as("region_staff").get("/pick/industry/", {"q": "生物医药", "levels": "2,3"})
    assert response.status_code == 200
    assert [i["id"] for i in response.json()["items"]][:1] == ["27"]
