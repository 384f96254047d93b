"""A park operator edits a contact: phone and e-mail are shown masked, and saving keeps them (issue 12 M2)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import World
from yuanqu.core.models import AuditEvent
from yuanqu.enterprises.models import Contact

from .conftest import login

pytestmark = pytest.mark.e2e


def test_the_operator_sees_and_keeps_masked_contact_data(page: Page, live_server: Any, e2e_world: World) -> None:
    contact = e2e_world.contact_xltd
    login(page, live_server.url, e2e_world, "park_operator")
    page.goto(f"{live_server.url}/enterprises/contacts/{contact.pk}/edit/")
    expect(page.locator("#id_phone")).to_have_value("138****5678")
    expect(page.locator("#id_email")).to_have_value("z***@example.cn")
    assert "13812345678" not in page.content() and "zhangwei@example.cn" not in page.content()
    if os.environ.get("YUANQU_SCREENSHOTS"):
        page.screenshot(path=str(Path(os.environ["YUANQU_SCREENSHOTS"]) / "contact-masked.png"), full_page=True)
    page.fill("#id_title", "总经理")
    with page.expect_navigation():
        page.click("#main-form button[type=submit]")
    stored = Contact.objects.get(pk=contact.pk)
    assert (stored.title, stored.phone, stored.email) == ("总经理", "13812345678", "zhangwei@example.cn")
    update = AuditEvent.objects.filter(object_type="enterprises.Contact", object_id=str(contact.pk),
                                       action="update").get()
    assert update.after == {"title": "总经理", "updated_at": update.after["updated_at"]}
