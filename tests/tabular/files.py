"""Real spreadsheet files written by the tests: .xlsx (xlsxwriter), .xls (xlwt), .ods (odfpy), .csv."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from collections.abc import Sequence
from typing import Any

import xlsxwriter
import xlwt
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P

from yuanqu.core.demo import make_uscc

Rows = Sequence[Sequence[Any]]
Merge = tuple[int, int, int, int]


def xlsx(*sheets: tuple[str, Rows], merged: Sequence[Merge] = (), hidden: Sequence[str] = ()) -> bytes:
    """A workbook; ``merged`` ranges apply to the first sheet; sheets named in ``hidden`` are hidden."""
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False})
    date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
    for n, (name, rows) in enumerate(sheets):
        ws = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if isinstance(v, dt.date):
                    ws.write_datetime(r, c, dt.datetime.combine(v, dt.time()), date_fmt)
                elif v is None or v == "":
                    continue
                elif isinstance(v, str):
                    ws.write_string(r, c, v)
                else:
                    ws.write(r, c, v)
        if n == 0:
            for r0, c0, r1, c1 in merged:
                first = rows[r0][c0] if r0 < len(rows) and c0 < len(rows[r0]) else ""
                ws.merge_range(r0, c0, r1, c1, first)
        if name in hidden:
            ws.hide()
    book.close()
    return buf.getvalue()


def xls(rows: Rows, merged: Sequence[Merge] = ()) -> bytes:
    """A legacy .xls (BIFF8) workbook of one sheet."""
    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("Sheet1")
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    skip = set()
    for r0, c0, r1, c1 in merged:
        ws.write_merge(r0, r1, c0, c1, rows[r0][c0])
        skip |= {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if (r, c) in skip or v is None or v == "":
                continue
            if isinstance(v, dt.date):
                ws.write(r, c, dt.datetime.combine(v, dt.time()), date_style)
            else:
                ws.write(r, c, v)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def ods(rows: Rows) -> bytes:
    """An OpenDocument spreadsheet of one sheet (text and numbers)."""
    doc = OpenDocumentSpreadsheet()
    table = Table(name="Sheet1")
    for row in rows:
        tr = TableRow()
        for v in row:
            if isinstance(v, int | float) and not isinstance(v, bool):
                cell = TableCell(valuetype="float", value=v)
                cell.addElement(P(text=str(v)))
            else:
                cell = TableCell(valuetype="string")
                cell.addElement(P(text="" if v is None else str(v)))
            tr.addElement(cell)
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
    buf = io.BytesIO()
    doc.write(buf)
    return buf.getvalue()


def csv_file(rows: Rows, encoding: str = "utf-8", bom: bool = False) -> bytes:
    buf = io.StringIO()
    csv.writer(buf).writerows([["" if v is None else str(v) for v in row] for row in rows])
    data = buf.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def usccs(n: int, seed: int = 7, region: str = "370213") -> list[str]:
    rng = random.Random(seed)
    return [make_uscc(rng, region) for _ in range(n)]


def fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def messy_enterprises(codes: Sequence[str]) -> tuple[list[list[Any]], list[Merge]]:
    """A sheet as a district office publishes it: a title, a unit line, a two-level merged header,
    full-width digits, Chinese numerals, thousands separators, several date forms, "—" for nothing,
    a total row and a note under the table."""
    rows: list[list[Any]] = [
        ["2024年李沧区重点企业名录", "", "", "", "", "", "", ""],
        ["填报单位：李沧区发展和改革局", "", "", "", "", "", "", ""],
        ["序号", "单位名称", "社会信用代码", "基本情况", "", "", "注册资金（亿元）", "成立时间"],
        ["", "", "", "所属行业", "是否高企", "规上企业", "", ""],
        [1, "青岛一号生物科技有限公司", fullwidth(codes[0]), "6513", "是", "否", 0.05, "2023.06"],
        [2, "青岛二号医药有限公司", codes[1].lower(), "6513", "否", "是", "0.1", "2023年6月"],
        [3, "青岛三号材料有限公司", codes[2], "—", "/", "无", "一点五", "2023-6-1"],
        [4, "青岛四号装备有限公司", codes[3], "6513", "√", "×", "1,200", 44927],
        ["合计", "", "", "", "", "", 1201.65, ""],
        ["注：数据来源于区市场监管局，截至2024年底。", "", "", "", "", "", "", ""],
    ]
    merged = [(0, 0, 0, 7), (2, 3, 2, 5), (2, 0, 3, 0), (2, 1, 3, 1), (2, 2, 3, 2), (2, 6, 3, 6), (2, 7, 3, 7)]
    return rows, merged
