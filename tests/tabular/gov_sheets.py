"""Real public government tables, rebuilt as .xlsx the way offices publish them (openpyxl): a title row, a
two-row header whose second row repeats it (序号, a 栏次 line or the names again), units in the header, and
notes under the table. Sources, dates and what was left out: ``tests/tabular/data/SOURCES.md``.

Every value below is as published; nothing is invented. Where the source gives no value the cell holds "—",
as the published tables do.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

Rows = Sequence[Sequence[Any]]


def workbook(title: str, header: Rows, rows: Rows, notes: Sequence[str] = (), *, sheet: str = "Sheet1",
             merges: Sequence[str] = ()) -> bytes:
    """One sheet: the title merged across the table, the header rows, the data, then the notes."""
    width = max(len(r) for r in [*header, *rows])
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    for r in header:
        ws.append(list(r))
    for r in rows:
        ws.append(list(r))
    for note in notes:
        ws.append([note])
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=width)
    for rng in merges:
        ws.merge_cells(rng)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# 1. 国家级开发区四至范围公告目录（2018年版）, 山东省 (自然资源部、住房和城乡建设部, 2018): the zones the report names.
SHANDONG_ZONES = [
    ("东营综合保税区", "海关特殊监管区域"),
    ("东营经济技术开发区", "经济技术开发区"),
    ("黄河三角洲农业高新技术产业示范区", "其他类型开发区"),
    ("潍坊滨海经济技术开发区", "经济技术开发区"),
    ("招远经济技术开发区", "经济技术开发区"),
    ("烟台经济技术开发区", "经济技术开发区"),
    ("烟台保税港区", "海关特殊监管区域"),
    ("烟台高新技术产业开发区", "高新技术产业开发区"),
    ("威海火炬高技术产业开发区", "高新技术产业开发区"),
]


def shandong_zones(*, cut_name: str = "") -> bytes:
    """The zones with a two-row header (merged 开发区 over 名称 and 类型; the second row led by 序号); with
    ``cut_name`` an extra row holding only that name, as a sheet pasted short leaves it."""
    header = [["序号", "开发区", "", "所在省份"], ["序号", "名称", "类型", "所在省份"]]
    rows: list[list[Any]] = [[n, name, kind, "山东省"] for n, (name, kind) in enumerate(SHANDONG_ZONES, start=1)]
    if cut_name:
        rows.insert(3, [len(rows) + 1, cut_name, "", ""])
    return workbook("国家级开发区四至范围公告目录（2018年版）山东省（节选）", header, rows,
                    ["注：依据《中国开发区审核公告目录（2018年版）》，由自然资源部、住房和城乡建设部核对四至范围后形成。",
                     "资料来源：经济导报（2018年8月15日）对该目录山东部分的报道；本表为节选。"],
                    sheet="山东省", merges=["B2:C2", "A2:A3", "D2:D3"])


# 2. The first national economic and technological development zones (国务院批准, 1984—1985), in the order the
#    source lists the cities; the approval dates the sources give (大连 1984-09-25, 青岛 1984年10月), "—" elsewhere.
FIRST_ETDZ = [
    ("大连经济技术开发区", "辽宁省大连市", "1984-09-25"),
    ("秦皇岛经济技术开发区", "河北省秦皇岛市", "—"),
    ("天津经济技术开发区", "天津市", "—"),
    ("烟台经济技术开发区", "山东省烟台市", "—"),
    ("青岛经济技术开发区", "山东省青岛市", "1984年10月"),
    ("连云港经济技术开发区", "江苏省连云港市", "—"),
    ("南通经济技术开发区", "江苏省南通市", "—"),
    ("宁波经济技术开发区", "浙江省宁波市", "—"),
    ("福州经济技术开发区", "福建省福州市", "—"),
    ("广州经济技术开发区", "广东省广州市", "—"),
    ("湛江经济技术开发区", "广东省湛江市", "—"),
]


def first_etdz(*, truncated: bool = False) -> bytes:
    """The eleven zones; a 栏次 line (甲 乙 1 2 3) under the header. ``truncated``: the last row cut off after a
    few characters of its name, its other cells empty, as the issue's sheet had it."""
    header = [["序号", "开发区名称", "类型", "所在地", "批准设立时间"], ["甲", "乙", 1, 2, 3]]
    rows: list[list[Any]] = [[n, name, "国家级经济技术开发区", place, day]
                             for n, (name, place, day) in enumerate(FIRST_ETDZ, start=1)]
    if truncated:
        rows[-1] = [11, "湛江经济技", "", "", ""]
    return workbook("1984—1985年国务院批准设立的首批国家级经济技术开发区", header, rows,
                    ["注：1984、1985两年内国务院先后批准在11个沿海开放城市兴办经济技术开发区。"])


# 3. Two Qingdao zones with their areas in 平方公里 and their pillar industries as one list cell.
QINGDAO_ZONES_HEADER = ["序号", "园区名称", "设立时间", "规划面积(平方公里)", "主导产业"]


def qingdao_zones() -> bytes:
    header = [QINGDAO_ZONES_HEADER, ["No.", "Name", "Established", "Planned area (km²)", "Industries"]]
    rows = [
        [1, "青岛高新技术产业开发区", "1992年6月", 67, "家电、计算机和通讯、医疗机械、生物化工、汽车零部件"],
        [2, "青岛经济技术开发区", "1984年10月", 478, "—"],
    ]
    return workbook("青岛市国家级开发区基本情况", header, rows,
                    ["说明：青岛经济技术开发区面积为2012年区划调整后的总面积（478平方千米）。"])


# 4. 2014年青岛市市级重点建设项目（节选） (青岛市发展改革委, 2014-05): the projects named with their investment.
QINGDAO_2014_PROJECTS = [
    ("万达东方影都影视基地项目", 300),
    ("橡胶新材料与高性能轮胎绿色生产联合体示范基地项目", 58.1),
]


def qingdao_projects_2014() -> bytes:
    names = ["序号", "项目名称", "项目级别", "总投资（亿元）", "进展情况"]
    header = [names, names]
    rows = [[1, QINGDAO_2014_PROJECTS[0][0], "市重点", QINGDAO_2014_PROJECTS[0][1], "主体施工"],
            [2, QINGDAO_2014_PROJECTS[1][0], "市重点", QINGDAO_2014_PROJECTS[1][1], "规划方案设计"]]
    return workbook("2014年青岛市市级重点建设项目（节选）", header, rows,
                    ["注：全市市级重点建设项目200个，总投资5833亿元；本表为节选。"])


# 5. 2017年山东省重点建设项目（节选） (山东省发展改革委, 2017-04-24): 济青高速改扩建 300.6亿元; the UHV line, whose
#    investment the source does not give.
def shandong_projects_2017() -> bytes:
    header = [["序号", "项目名称", "项目级别", "建设规模", "总投资"], ["", "", "", "", "（亿元）"]]
    rows = [[1, "济南至青岛高速公路改扩建工程", "省重点", "全长309公里，双向四车道拓宽为双向八车道", 300.6],
            [2, "上海庙-山东±800kV特高压直流输电工程", "省重点", "—", "—"]]
    return workbook("2017年山东省重点建设项目（节选）", header, rows,
                    ["注：全省省重点建设项目120个，总投资4200亿元。"], merges=["A2:A3", "B2:B3", "C2:C3", "D2:D3"])


# 6. 2019年青岛市李沧区国民经济和社会发展统计公报, 表1 (李沧区统计局).
LICANG_2019_TABLE1 = [
    ("全区生产总值", 518.03, 8.0),
    ("农林牧渔业", "-", "-"),
    ("工业", 103.43, 4.2),
    ("建筑业", 50.08, 51.8),
    ("批发和零售业", 69.80, 3.2),
    ("交通运输、仓储和邮政业", 12.56, 8.1),
    ("住宿和餐饮业", 13.59, 3.0),
    ("金融业", 34.39, 11.0),
    ("房地产业", 85.93, 4.0),
    ("其他服务业", 148.25, 6.5),
]


def licang_2019_table1() -> bytes:
    header = [["行业", "总量(亿元)", "增长(%)"]]
    return workbook("表1：2019年全区分行业增加值及增速", header, [list(r) for r in LICANG_2019_TABLE1],
                    ["资料来源：2019年青岛市李沧区国民经济和社会发展统计公报（李沧区统计局）。"])
