"""Real public government tables (tests/tabular/data/SOURCES.md) imported as published: title, two-row headers
with 序号 / 栏次 / repeated names / a unit line, units converted, list cells, notes, and the cut-off rows of the
issue flagged for the user to accept."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.test import Client

from tests.conftest import World
from yuanqu.core.pickers import industry_match
from yuanqu.investment.models import Project
from yuanqu.parks.models import Park
from yuanqu.tabular import clean, engine, reader
from yuanqu.tabular.models import ImportBatch
from yuanqu.tabular.table import find_table

from . import gov_sheets
from .test_round_trip import upload


def start(world: World, entity: str, name: str, data: bytes, role: str = "region_staff") -> ImportBatch:
    return engine.start_batch(actor=world.users[role], entity=entity, filename=name, data=data)


def by_header(batch: ImportBatch) -> dict[str, str]:
    return {c["header"]: batch.mapping.get(str(c["index"]), "") for c in batch.columns}


def test_it_imports_the_2018_catalogue_of_shandong_zones(world: World) -> None:
    staff = world.users["region_staff"]
    batch = start(world, "parks", "国家级开发区四至范围公告目录.xlsx", gov_sheets.shandong_zones())
    assert batch.header_rows == [2, 3]  # 开发区 merged over 名称 and 类型, then the 序号 line
    assert by_header(batch)["开发区 名称"] == "name" and by_header(batch)["开发区 类型"] == "kind"
    batch = engine.commit(batch, actor=staff)
    assert batch.status == ImportBatch.Status.COMMITTED, (batch.error, batch.report)
    assert batch.counts["new"] == 9 and batch.counts["error"] == batch.counts["warning"] == 0, batch.report
    assert sorted(why for _line, why in batch.skipped) == ["note", "note"]
    names = [n for n, _kind in gov_sheets.SHANDONG_ZONES]
    parks = Park.objects.filter(name__in=names)
    assert parks.count() == 9 and set(parks.values_list("kind", flat=True)) == {Park.Kind.DEV_ZONE}


def test_a_name_cut_from_another_rows_name_must_be_accepted(world: World) -> None:
    staff = world.users["region_staff"]
    batch = start(world, "parks", "目录.xlsx", gov_sheets.shandong_zones(cut_name="烟台经济技术"))
    batch = engine.preview(batch, actor=staff)
    flagged = [r for r in batch.report if r[1] == "warning"]
    assert [r[4] for r in flagged] == ["烟台经济技术"], batch.report
    assert "烟台经济技术开发区" in flagged[0][3][0] and "截断" in flagged[0][3][0]
    assert batch.counts["to_accept"] == 1
    before = Park.objects.count()
    batch = engine.commit(batch, actor=staff)  # not accepted: nothing written, the batch stays checked
    assert batch.status == ImportBatch.Status.PREVIEWED and Park.objects.count() == before
    batch = engine.commit(batch, actor=staff, accept_warnings=True)
    assert batch.status == ImportBatch.Status.COMMITTED and Park.objects.count() == before + 10


def test_it_reads_the_first_development_zones_under_a_column_number_line(world: World) -> None:
    staff = world.users["region_staff"]
    batch = start(world, "parks", "首批国家级经开区.xlsx", gov_sheets.first_etdz())
    assert batch.header_rows == [2, 3]  # the 栏次 line 甲 乙 1 2 3 is no data row
    mapping = engine.column_mapping(batch)
    date_col = next(str(c["index"]) for c in batch.columns if c["header"] == "批准设立时间")
    assert date_col not in mapping  # 批准设立时间 is not an opening date by name; the user maps it by hand
    engine.set_mapping(batch, {**mapping, date_col: "opened_on"}, actor=staff)
    batch = engine.commit(batch, actor=staff)
    assert batch.status == ImportBatch.Status.COMMITTED, (batch.error, batch.report)
    assert batch.counts["new"] == 11 and batch.counts["error"] == 0, batch.report
    opened = dict(Park.objects.filter(name__endswith="经济技术开发区").values_list("name", "opened_on"))
    assert opened["大连经济技术开发区"] == dt.date(1984, 9, 25)
    assert opened["青岛经济技术开发区"] == dt.date(1984, 10, 1)
    assert opened["湛江经济技术开发区"] is None  # "—": no date given
    assert Park.objects.get(name="天津经济技术开发区").address == "天津市"


def test_a_cut_off_last_row_is_imported_only_when_the_user_accepts_it(
        world: World, client_as: Callable[[str], Client]) -> None:
    client = client_as("region_staff")
    batch = upload(client, "首批经开区.xlsx", gov_sheets.first_etdz(truncated=True), entity="parks")
    client.post(f"/imports/{batch.pk}/mapping/", {f"col_{k}": v for k, v in batch.mapping.items()})
    batch.refresh_from_db()
    row = next(r for r in batch.report if r[4] == "湛江经济技")
    assert row[1] == "warning" and "截断" in row[3][0], batch.report
    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert 'id="accept-warnings"' in page
    before = Park.objects.count()
    response = client.post(f"/imports/{batch.pk}/commit/", {})
    assert response.status_code == 302 and "status=warning" in response["Location"]
    assert Park.objects.count() == before
    client.post(f"/imports/{batch.pk}/commit/", {"accept_warnings": "1"})
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED and Park.objects.count() == before + 11


def test_areas_in_square_kilometres_and_industry_lists(world: World) -> None:
    staff = world.users["region_staff"]
    batch = start(world, "parks", "青岛开发区.xlsx", gov_sheets.qingdao_zones())
    assert batch.header_rows == [2, 3]  # the English line repeats the header
    assert by_header(batch) == {"序号": "", "园区名称": "name", "设立时间": "", "规划面积(平方公里)": "land_area_mu",
                                "主导产业": "industries"}
    batch = engine.preview(batch, actor=staff)
    first = next(r for r in batch.report if r[4] == "青岛高新技术产业开发区")
    # 生物化工 may be chemicals (26) or medicines (27): the user must choose, the row says which
    assert first[1] == "error" and "生物化工" in first[3][0], first
    assert "26 化学原料和化学制品制造业" in first[3][0] and "27 医药制造业" in first[3][0]


def test_a_chosen_code_in_the_list_cell_settles_it(world: World) -> None:
    staff = world.users["region_staff"]
    rows = [gov_sheets.QINGDAO_ZONES_HEADER,
            [1, "青岛高新技术产业开发区", "1992年6月", 67, "家电、计算机和通讯、医疗机械、生物化工(26)、汽车零部件"],
            [2, "青岛经济技术开发区", "1984年10月", 478, "—"]]
    data = gov_sheets.workbook("青岛市国家级开发区基本情况", rows[:1], rows[1:])
    batch = engine.commit(start(world, "parks", "青岛开发区.xlsx", data), actor=staff)
    assert batch.status == ImportBatch.Status.COMMITTED, (batch.error, batch.report)
    assert batch.counts["new"] == 1 and batch.counts["warning"] == 1, batch.report
    hi_tech = Park.objects.get(name="青岛高新技术产业开发区")
    assert hi_tech.land_area_mu == Decimal("100500.00")  # 67 km² × 1500 亩/km², exactly
    assert Park.objects.get(name="青岛经济技术开发区").land_area_mu == Decimal("717000.00")
    assert sorted(hi_tech.industries.values_list("code", flat=True)) == ["26", "358", "3670", "385", "39"]
    warning = next(r for r in batch.report if r[1] == "warning")[3]
    # named only at group / division level: said so (汽车零部件 reaches a class, 26 was chosen by code)
    assert any("家电" in w and "中类" in w for w in warning)
    assert any("计算机和通讯" in w and "大类" in w for w in warning)
    assert not any("汽车零部件" in w or "生物化工" in w for w in warning)
    cells = {c[0]: c[1] for c in next(r for r in batch.report if r[1] == "warning")[6]}
    assert cells["占地面积(亩)"] == "100500.00"
    assert "385 家用电力器具制造" in cells["主导产业"]


def test_project_investments_in_yi_yuan_are_stored_in_wan_yuan(world: World) -> None:
    staff = world.users["region_staff"]
    batch = start(world, "projects", "2014年市级重点项目.xlsx", gov_sheets.qingdao_projects_2014())
    assert batch.header_rows == [2, 3]  # the header printed twice
    batch = engine.commit(batch, actor=staff)
    assert batch.status == ImportBatch.Status.COMMITTED, (batch.error, batch.report)
    assert batch.counts["new"] == 2 and batch.counts["error"] == 0, batch.report
    stored = dict(Project.objects.filter(name__in=[n for n, _ in gov_sheets.QINGDAO_2014_PROJECTS])
                  .values_list("name", "total_investment_wan"))
    assert stored == {"万达东方影都影视基地项目": Decimal("3000000.00"),
                      "橡胶新材料与高性能轮胎绿色生产联合体示范基地项目": Decimal("581000.00")}
    assert set(Project.objects.filter(name__in=stored).values_list("level", flat=True)) == {"city"}


def test_a_unit_line_under_the_header_names_the_unit(world: World) -> None:
    staff = world.users["region_staff"]
    batch = start(world, "projects", "2017年省重点项目.xlsx", gov_sheets.shandong_projects_2017())
    column = next(c for c in batch.columns if c["header"].startswith("总投资"))
    assert column["unit"] == "亿元" and batch.mapping[str(column["index"])] == "total_investment_wan"
    batch = engine.commit(batch, actor=staff)
    assert (batch.counts["new"], batch.counts["error"]) == (1, 1), batch.report
    assert Project.objects.get(name="济南至青岛高速公路改扩建工程").total_investment_wan == Decimal("3006000.00")
    assert Project.objects.get(name="济南至青岛高速公路改扩建工程").level == "province"
    error = next(r for r in batch.report if r[1] == "error")
    assert error[4].startswith("上海庙") and not Project.objects.filter(name__startswith="上海庙").exists()


def test_the_statistical_bulletin_table_reads_with_its_units_and_industries(world: World) -> None:
    data = gov_sheets.licang_2019_table1()
    rows, merged = reader.read_rows(data, "xlsx", "Sheet1")
    table = find_table(rows, {"行业": "industry", "总量": "value"}, merged=merged)
    assert [c.header for c in table.columns] == ["行业", "总量(亿元)", "增长(%)"]
    assert [c.unit for c in table.columns] == ["", "亿元", "%"]
    assert len(table.rows) == 10 and [why for _l, why in table.skipped] == ["note"]
    from yuanqu.core.numbers import parse_number

    values: dict[str, Any] = {
        r[0]: None if clean.is_empty(r[1]) else parse_number(r[1], unit="万元", header_unit="亿元")
        for _l, r in table.rows}
    assert values["全区生产总值"] == Decimal("5180300") and values["农林牧渔业"] is None
    codes = {name: industry_match(name).code for name, _v, _g in gov_sheets.LICANG_2019_TABLE1[3:9]}
    assert codes == {"建筑业": "E", "批发和零售业": "F", "交通运输、仓储和邮政业": "G", "住宿和餐饮业": "H",
                     "金融业": "J",
                     "房地产业": "70"}  # 门类 K and 大类 70 share the name: the deeper one
