"""District staff compute the 2025 亩均 evaluation and publish it; the enterprise finds its B in 我的亩均评价 and
appeals (its floor is partly sublet); staff uphold the appeal with the corrected area, and the class becomes A."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import World
from tests.evaluation.world import SMYZ, XLTD, december_round, move_in
from yuanqu.evaluation import services
from yuanqu.evaluation.models import Appeal, Result

from .conftest import login

pytestmark = pytest.mark.e2e


def test_an_evaluation_is_published_appealed_and_the_class_changes(
    page: Page, live_server: Any, e2e_world: World,
) -> None:
    staff = e2e_world.user("region_staff")
    move_in(e2e_world)
    december_round(e2e_world, {e2e_world.ent_xltd.pk: XLTD, e2e_world.ent_smyz.pk: SMYZ}, lock=True)
    for enterprise in (e2e_world.ent_xltd, e2e_world.ent_smyz):
        services.input_save(actor=staff, enterprise=enterprise, year=2025, production_year=2019)
    run = services.evaluation_create(actor=staff, method=services.method_create(actor=staff, year=2025))
    base = live_server.url
    login(page, base, e2e_world, "region_staff")
    page.goto(f"{base}/")
    page.get_by_role("link", name="亩均效益评价").first.click()
    with page.expect_navigation():
        page.locator("#list-table a", has_text="2025年亩均效益评价").click()
    with page.expect_navigation():
        page.locator("#compute-button").click()
    with page.expect_navigation():
        page.locator("#publish-button").click()
    expect(page.locator("#run-stage")).to_contain_text("公示中")
    expect(page.locator("#grade-chart")).to_have_attribute("data-loaded", "1")
    expect(page.locator(f"[data-grade-of='{e2e_world.ent_xltd.pk}']")).to_have_text("B")

    page.context.clear_cookies()
    login(page, base, e2e_world, "enterprise_user")
    page.get_by_role("link", name="我的亩均评价").click()
    with page.expect_navigation():
        page.locator("#list-table a").first.click()
    expect(page.locator("#result-grade")).to_have_text("B类")
    page.fill("#appeal-form textarea", "本企业部分楼层已转租，实际使用面积约0.1亩。")
    with page.expect_navigation():
        page.locator("#appeal-button").click()
    expect(page.locator("[data-appeal]")).to_contain_text("待处理")

    page.context.clear_cookies()
    login(page, base, e2e_world, "region_staff")
    page.goto(f"{base}/evaluation/{run.pk}/")
    form = page.locator(".decide-form")
    form.locator("select[name=upheld]").select_option("1")
    form.locator("textarea[name=decision]").fill("核实转租备案，申诉成立。")
    form.locator("input[name=land_parcel_mu]").fill("0.1")
    with page.expect_navigation():
        form.locator("button").click()
    expect(page.locator(f"[data-grade-of='{e2e_world.ent_xltd.pk}']")).to_have_text("A")
    result = Result.objects.get(evaluation=run, enterprise=e2e_world.ent_xltd)
    assert (result.grade, result.grade_before_appeal) == ("A", "B")
    assert Appeal.objects.get(result=result).status == Appeal.Status.UPHELD
