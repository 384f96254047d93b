"""A published 认定名单 (序号, 企业名称, 证书编号, 发证日期: no codes, no kind column) imported in the browser: the
names find the registered enterprises, the clerk picks the list's kind on the mapping page. Screenshots go to
test-artifacts/."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import World
from tests.tabular import files
from yuanqu.enterprises.models import Designation

from .conftest import ARTIFACTS, login

pytestmark = pytest.mark.e2e


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"designations-{name}.png"), full_page=True)


def test_a_list_without_codes_is_imported_by_name(page: Page, live_server: Any, e2e_world: World,
                                                  tmp_path: Any) -> None:
    rows: list[list[Any]] = [["2023年第一批认定报备高新技术企业名单"], ["序号", "企业名称", "证书编号", "发证日期"],
                             [1, e2e_world.ent_xltd.name, "GR202337100101", "2023-11-29"],
                             [2, e2e_world.ent_laoshan.name, "GR202337100102", "2023-11-29"]]
    sheet = tmp_path / "高企名单.xlsx"
    sheet.write_bytes(files.xlsx(("Sheet1", rows), merged=[(0, 0, 0, 3)]))

    login(page, live_server.url, e2e_world, "region_staff")
    page.goto(f"{live_server.url}/imports/")
    page.select_option("#id_entity", "designations")
    page.set_input_files("#id_file", str(sheet))
    with page.expect_navigation():
        page.click("#upload-submit")

    expect(page.locator('select[aria-label="企业名称"]')).to_have_value("enterprise")
    kind = page.locator("#default-kind")
    expect(kind).to_have_value("")
    kind.select_option(label="高新技术企业")
    page.locator("#default-level").select_option(label="国家级")
    shot(page, "1-mapping")
    with page.expect_navigation():
        page.click("#preview-submit")

    # 崂山's enterprise is not this clerk's to see: an error, in the words used for a name nobody has
    expect(page.locator("[data-count=new] .count")).to_have_text("1")
    expect(page.locator("[data-count=error] .count")).to_have_text("1")
    expect(page.locator("#row-table")).to_contain_text(e2e_world.ent_xltd.uscc)
    expect(page.locator("#row-table")).to_contain_text("范围内没有")
    shot(page, "2-preview")
    with page.expect_navigation():
        page.click("#commit-submit")
    granted = Designation.objects.get(enterprise=e2e_world.ent_xltd, recognised_on=dt.date(2023, 11, 29))
    assert (granted.kind, granted.level, granted.certificate_no) == ("high_tech", "national", "GR202337100101")
    assert not Designation.objects.filter(enterprise=e2e_world.ent_laoshan, certificate_no="GR202337100102").exists()
    shot(page, "3-committed")
