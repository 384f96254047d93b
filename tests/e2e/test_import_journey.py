"""Import journey: upload a messy sheet, fix a mapping, preview with errors, download and fix the error rows,
import them again, commit. Screenshots of each page go to test-artifacts/."""

from __future__ import annotations

import io
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from python_calamine import CalamineWorkbook

from tests.conftest import World
from tests.tabular import files
from yuanqu.core.models import AuditEvent
from yuanqu.enterprises.models import Enterprise

from .conftest import ARTIFACTS, login

pytestmark = pytest.mark.e2e


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"import-{name}.png"), full_page=True)


def test_it_imports_a_messy_sheet_end_to_end(page: Page, live_server: Any, e2e_world: World, tmp_path: Any) -> None:
    codes = files.usccs(4, seed=777)
    wrong = codes[2][:-1] + ("0" if codes[2][-1] != "0" else "1")
    rows = [
        ["2024年重点企业名录（演示）", "", "", "", "", ""],
        ["序号", "单位名称", "登记代码", "基本情况", "", "注册资金（亿元）"],
        ["", "", "", "所属行业", "成立时间", ""],
        [1, "青岛浏览器一号科技有限公司", codes[0], "6513", "2023.06", 0.05],
        [2, "青岛浏览器二号科技有限公司", files.fullwidth(codes[1]), "6513", "2023年6月", "0.1"],
        [3, "青岛浏览器三号科技有限公司", wrong, "6513", "2023-13-01", "0.2"],
        [4, "青岛浏览器四号科技有限公司", codes[3], "9999", "2022-01-01", "1.2"],
        ["合计", "", "", "", "", 0.35],
        ["注：演示数据。", "", "", "", "", ""],
    ]
    merged = [(0, 0, 0, 5), (1, 3, 1, 4), (1, 0, 2, 0), (1, 1, 2, 1), (1, 2, 2, 2), (1, 5, 2, 5)]
    sheet = tmp_path / "重点企业名录.xlsx"
    sheet.write_bytes(files.xlsx(("名录", rows), merged=merged))

    login(page, live_server.url, e2e_world, "region_staff")
    page.goto(f"{live_server.url}/imports/")
    expect(page.locator("#upload-form")).to_be_visible()
    shot(page, "1-upload")
    page.select_option("#id_entity", "enterprises")
    page.set_input_files("#id_file", str(sheet))
    with page.expect_navigation():
        page.click("#upload-submit")

    # the mapping: 登记代码 is not recognised; the user maps it to the USCC
    code_select = page.locator('select[aria-label="登记代码"]')
    expect(code_select).to_have_value("")
    expect(page.locator('select[aria-label="单位名称"]')).to_have_value("name")
    expect(page.locator('select[aria-label="基本情况 成立时间"]')).to_have_value("established_on")
    code_select.select_option("uscc")
    shot(page, "2-mapping")
    with page.expect_navigation():
        page.click("#preview-submit")

    # the preview: two new rows, two rows with errors, reasons in Chinese; nothing saved yet
    expect(page.locator("[data-count=new] .count")).to_have_text("2")
    expect(page.locator("[data-count=error] .count")).to_have_text("2")
    expect(page.locator("#row-table")).to_contain_text("校验码")
    expect(page.locator("#row-table")).to_contain_text("不是有效日期")
    expect(page.locator("#row-table")).to_contain_text("无法识别行业")
    shot(page, "3-preview")
    assert not Enterprise.objects.filter(name__startswith="青岛浏览器").exists()

    with page.expect_download() as info:
        page.click("#download-errors")
    errors = CalamineWorkbook.from_path(info.value.path()).get_sheet_by_index(0).to_python()
    assert errors[0][-1] == "原因" and len(errors) == 3
    header = errors[0]
    uscc_col, date_col, industry_col = header.index("统一社会信用代码"), header.index("成立日期"), \
        header.index("行业代码")

    with page.expect_navigation():
        page.click("#commit-submit")
    expect(page.locator("#batch-status")).to_have_text("已导入")
    shot(page, "4-committed")
    assert Enterprise.objects.filter(name__startswith="青岛浏览器").count() == 2

    # fix the error rows and import that file
    errors[1][uscc_col], errors[1][date_col] = codes[2], "2023-12-01"
    errors[2][industry_col] = "6513"
    fixed = tmp_path / "错误行-已改正.xlsx"
    fixed.write_bytes(files.xlsx(("错误行", errors)))
    page.goto(f"{live_server.url}/imports/")
    page.set_input_files("#id_file", str(fixed))
    with page.expect_navigation():
        page.click("#upload-submit")
    expect(page.locator('select[aria-label="统一社会信用代码"]')).to_have_value("uscc")
    with page.expect_navigation():
        page.click("#preview-submit")
    expect(page.locator("[data-count=new] .count")).to_have_text("2")
    expect(page.locator("[data-count=error] .count")).to_have_text("0")
    with page.expect_navigation():
        page.click("#commit-submit")
    expect(page.locator("#batch-status")).to_have_text("已导入")
    shot(page, "5-fixed")

    stored = {e.uscc: e for e in Enterprise.objects.filter(name__startswith="青岛浏览器")}
    assert set(stored) == set(codes)
    assert str(stored[codes[3]].registered_capital_wan) == "12000.00"  # 1.2 亿元
    assert stored[codes[2]].established_on.isoformat() == "2023-12-01"
    assert AuditEvent.objects.filter(action="import").count() == 2

    page.goto(f"{live_server.url}/imports/")
    expect(page.locator("#batch-table")).to_contain_text("重点企业名录.xlsx")
    shot(page, "6-history")
    _ = io
