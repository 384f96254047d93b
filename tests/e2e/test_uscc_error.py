"""A wrong USCC check digit is reported beside the field, and nothing is created."""

from __future__ import annotations

import random
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import World
from yuanqu.core.demo import make_uscc
from yuanqu.enterprises.models import Enterprise

from .conftest import login

pytestmark = pytest.mark.e2e


def test_it_shows_the_uscc_error_beside_the_field(page: Page, live_server: Any, e2e_world: World) -> None:
    valid = make_uscc(random.Random(2024), "370213")
    invalid = valid[:-1] + ("0" if valid[-1] != "0" else "1")  # same code, wrong check digit
    before = Enterprise.objects.count()

    login(page, live_server.url, e2e_world, "region_staff")
    page.goto(f"{live_server.url}/enterprises/new/")
    page.fill("#id_uscc", invalid)
    page.fill("#id_name", "青岛校验位错误有限公司")
    with page.expect_navigation():
        page.click("#main-form button[type=submit]")

    error = page.locator("#field-uscc [data-error-for=uscc]")
    expect(error).to_be_visible()
    expect(error).not_to_be_empty()
    expect(page.locator("#id_uscc")).to_have_value(invalid)  # the input is kept
    expect(page.locator("#id_name")).to_have_value("青岛校验位错误有限公司")
    expect(page.locator("[data-error-for=name]")).to_have_count(0)
    assert "/enterprises/new/" in page.url
    assert Enterprise.objects.count() == before
    assert not Enterprise.objects.filter(name="青岛校验位错误有限公司").exists()
