"""An enterprise files a service request; its park's operator handles it past a deadline warning and closes it;
the enterprise rates it 不满意 and a rectification task, due in 15 working days, appears."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.conftest import World
from yuanqu.support import calendar, services
from yuanqu.support.models import Rectification, ResponseRule, ServiceRequest

from .conftest import login

pytestmark = pytest.mark.e2e


def _reference_data() -> None:
    """The calendar and the response-time rules come from a data migration; the browser tests flush them."""
    if not ResponseRule.objects.exists():
        importlib.import_module("yuanqu.support.migrations.0002_calendar_2026_and_rules").load(apps, None)


def test_an_enterprise_request_is_handled_past_a_warning_closed_and_rated_poorly(
        page: Page, live_server: Any, e2e_world: World) -> None:
    _reference_data()
    operator = e2e_world.user("park_operator")
    services.service_create(actor=operator, name="物业报修", category="property", park=e2e_world.xltd,
                            default_rule=ResponseRule.objects.get(code="utility"), handlers=[operator])
    base = live_server.url

    # The enterprise files the request.
    login(page, base, e2e_world, "enterprise_user")
    page.goto(f"{base}/support/new/")
    page.select_option("#id_service", label="物业报修")
    page.fill("#id_title", "12层空调不制冷")
    page.fill("#id_description", "1201室空调不制冷，影响办公。")
    with page.expect_navigation():
        page.click("#main-form button[type=submit]")
    expect(page.locator("#request-status")).to_have_text("已分派")
    req = ServiceRequest.objects.get(title="12层空调不制冷")
    assert req.handler == operator

    # Time passes: 21 of its 24 hours are gone, and the timer warns its handler.
    now = timezone.now()
    ServiceRequest.objects.filter(pk=req.pk).update(accepted_at=now - dt.timedelta(hours=21),
                                                   due_at=now + dt.timedelta(hours=3),
                                                   warn_at=now - dt.timedelta(hours=1))
    assert services.check_deadlines() == (1, 0)

    # The operator sees it in the queue as due soon, starts and closes it.
    page.context.clear_cookies()
    login(page, base, e2e_world, "park_operator")
    page.goto(f"{base}/support/queue/")
    row = page.locator(f'#request-table tr[data-id="{req.pk}"]')
    expect(row.locator(".warning-marker")).to_have_text("即将到期")
    row.locator("a").first.click()
    expect(page.locator("#timeline .event-warned")).to_contain_text("临期预警")
    with page.expect_navigation():
        page.click("#start-button")
    expect(page.locator("#request-status")).to_have_text("办理中")
    page.fill("#close-text", "更换压缩机电容，已恢复制冷。")
    with page.expect_navigation():
        page.click("#close-button")
    expect(page.locator("#request-status")).to_have_text("办结")

    # The enterprise rates it 不满意; a rectification task appears, due in 15 working days.
    page.context.clear_cookies()
    login(page, base, e2e_world, "enterprise_user")
    page.goto(f"{base}/support/requests/{req.pk}/")
    with page.expect_navigation():
        page.click("#rate-link")
    page.select_option("#id_level", label="不满意")
    page.select_option("#id_speed", "2")
    page.select_option("#id_quality", "3")
    page.select_option("#id_attitude", "3")
    page.fill("#id_comment", "临近时限才处理，期间无人告知进度。")
    with page.expect_navigation():
        page.click("#main-form button[type=submit]")
    expect(page.locator("#rating-level")).to_have_text("不满意")
    due = calendar.add_workdays(timezone.localdate(), 15)
    expect(page.locator("#rectification-due")).to_have_text(due.isoformat())
    expect(page.locator("#rate-link")).to_have_count(0)
    rect = Rectification.objects.get(request=req)
    assert rect.status == "open" and rect.owner == operator

    # The operator finds it among the rectifications.
    page.context.clear_cookies()
    login(page, base, e2e_world, "park_operator")
    page.goto(f"{base}/support/rectifications/")
    expect(page.locator(f'#rectification-table tr[data-id="{rect.pk}"]')).to_contain_text("不满意")
