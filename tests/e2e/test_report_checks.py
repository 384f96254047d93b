"""The report form's live check in a browser: 本月 and 本年累计 follow what is typed, the warning names the figures
beside it, and the explanation typed while a check answers is never lost."""

from __future__ import annotations

import time
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import World
from tests.stats.helpers import ind, may_round
from yuanqu.stats import selectors

from .conftest import login
from .test_stats_journey import shot

pytestmark = pytest.mark.e2e


def test_it_derives_this_month_as_typed_and_keeps_the_explanation_typed_meanwhile(
    page: Page, live_server: Any, e2e_world: World, monkeypatch: pytest.MonkeyPatch,
) -> None:
    world = e2e_world
    # A slow network: each check answers half a second late, while the user is typing the explanation.
    history_for = selectors.history_for

    def slow_history_for(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.5)
        return history_for(*args, **kwargs)

    monkeypatch.setattr(selectors, "history_for", slow_history_for)
    may_round(world)  # May 2025 approved: 工业总产值 累计 1,000 万元, the first month of the year, so May alone 1,000
    login(page, live_server.url, world, "enterprise_user")
    page.goto(f"{live_server.url}/stats/reports/{world.report_xltd.pk}/fill/")
    out = ind("output").pk
    expect(page.locator(f"#prev-alone-{out}")).to_have_text("当月 1,000 万元")

    # Typed key by key, no change event: the figures and the warning follow once typing pauses.
    page.locator(f"#id_v_{out}").press_sequentially("5,400", delay=60)
    expect(page.locator(f"#period-{out}")).to_have_text("4,400 万元")
    expect(page.locator(f"#ytd-{out}")).to_have_text("5,400 万元")
    expect(page.locator(f"#warning-{out}")).to_have_text(
        "⚠ 工业总产值本月 4,400 万元，约为上月（1,000 万元）的 4.4 倍。")
    explanation = page.locator(f"#id_e_{out}")
    expect(explanation).to_be_visible()

    # Leaving the value for the explanation fires one more check (change); what is typed meanwhile stays.
    page.locator(f"#id_v_{out}").fill("5,500")
    explanation.click()
    explanation.press_sequentially("新产线投产", delay=30)  # done before the check answers
    expect(page.locator(f"#warning-{out}")).to_contain_text("约为上月（1,000 万元）的 4.5 倍")
    expect(explanation).to_have_value("新产线投产")
    expect(explanation).to_be_focused()
    shot(page, "live-check")


def test_it_shows_the_error_of_a_no_data_reason_beside_it(page: Page, live_server: Any, e2e_world: World) -> None:
    """The 无数据 reason's error (here: too long, typed past the field's limit by a script) is shown under it;
    it was once only summed up as "see the messages beside the fields" with none there."""
    world = e2e_world
    login(page, live_server.url, world, "enterprise_user")
    page.goto(f"{live_server.url}/stats/reports/{world.report_xltd.pk}/fill/")
    out = ind("output").pk
    page.locator(f"#id_v_{out}").fill("1200")
    page.locator(f"#id_n_{ind('revenue').pk}").check()
    page.evaluate(f"document.getElementById('id_r_{ind('revenue').pk}').removeAttribute('maxlength')")
    page.locator(f"#id_r_{ind('revenue').pk}").fill("因" * 201)
    page.locator("#save-draft").click()
    error = page.locator(f"[data-error-for='r_{ind('revenue').pk}']")
    expect(error).to_be_visible()
    expect(error).to_contain_text("确保该变量包含不超过 200 个字符")
    shot(page, "no-data-reason-error")
