"""District staff draft a briefing, edit its 下步工作, issue it (confirming the dialog), and download the .docx:
python-docx reads back an A4 page with GB/T 9704's margins, the official fonts named, the red masthead with its
期号 and the edited text. Screenshots: /tmp/brief-detail-draft.png and /tmp/brief-detail.png (issued)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from docx import Document
from docx.oxml.ns import qn
from playwright.sync_api import Page, expect

from tests.conftest import World, add_statistics
from yuanqu.briefings.models import Briefing

from .conftest import login

pytestmark = pytest.mark.e2e


def test_a_briefing_is_drafted_edited_issued_and_downloaded(page: Page, live_server: Any, e2e_world: World,
                                                           tmp_path: Any) -> None:
    world = add_statistics(e2e_world)
    login(page, live_server.url, world, "region_staff")
    page.goto(f"{live_server.url}/briefings/new/")
    page.select_option("#id_park", label="生命药洲")
    page.select_option("#id_kind", "range")
    page.select_option("#id_year", "2025")
    page.select_option("#id_from_month", "1")
    page.select_option("#id_month", "6")
    page.screenshot(path="/tmp/brief-form.png", full_page=True)
    with page.expect_navigation():
        page.click("#main-form button[type=submit]")
    # The task runs once the request commits (the immediate backend in tests): the draft is written.
    expect(page.locator("#briefing-number")).to_have_text("（草稿，未编号）")
    expect(page.locator(".briefing-title")).to_have_text("生命药洲园区2025年1—6月经济运行简报（快报）")
    expect(page.locator("#briefing-body")).to_contain_text("已审核1/1户")  # 生命药洲's one report of June

    page.fill("#id_section_next_steps", "一是抓好角膜产业化项目投产。\n二是做好统计服务。")
    with page.expect_navigation():
        page.click("#save-edits")
    expect(page.locator("#section-next_steps")).to_contain_text("已修改")
    expect(page.locator("#briefing-body")).to_contain_text("二是做好统计服务。")
    page.screenshot(path="/tmp/brief-detail-draft.png", full_page=True)

    page.once("dialog", lambda dialog: dialog.accept())  # 确定印发这份简报吗？
    with page.expect_navigation():
        page.click("#issue")
    year = timezone.localdate().year
    expect(page.locator("#briefing-number")).to_have_text(f"{year}年第1期")
    expect(page.locator("#briefing-issued")).to_be_visible()
    expect(page.locator("#edit-form")).to_have_count(0)
    expect(page.locator("#issue")).to_have_count(0)
    page.screenshot(path="/tmp/brief-detail.png", full_page=True)

    with page.expect_download() as info:
        page.click("#download-docx")
    doc = Document(info.value.path())
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = (section.top_margin.mm, section.bottom_margin.mm, section.left_margin.mm, section.right_margin.mm)
    assert all(abs(got - want) < 0.5 for got, want in zip(margins, (37, 35, 28, 26), strict=True)), margins
    fonts = {el.get(qn("w:eastAsia")) for el in doc.element.body.iter(qn("w:rFonts"))}
    assert {"方正小标宋简体", "仿宋_GB2312"} <= fonts
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "园区经济运行简报" and str(doc.paragraphs[0].runs[0].font.color.rgb) == "FF0000"
    assert texts[1] == f"{year}年第1期"
    assert "一是抓好角膜产业化项目投产。" in texts and "二是做好统计服务。" in texts
    b = Briefing.objects.get()
    assert (b.lifecycle, b.issue_number) == ("issued", 1)
    assert b.edits["next_steps"] == "一是抓好角膜产业化项目投产。\n二是做好统计服务。"
