"""Region staff at their first log-in: password, then the authenticator is set up from the QR page (the code is
computed from the key the page shows, as a phone would), recovery codes are shown once; the next log-in asks for a
code; the password is changed on its own page. Screenshots of the three pages go to test-artifacts/."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django_otp.oath import hotp
from playwright.sync_api import Page, expect

from tests.conftest import TEST_PASSWORD, World, otp_device, totp_code
from yuanqu.accounts.models import User

from .conftest import ARTIFACTS

pytestmark = pytest.mark.e2e


def _code_from_key(shown_key: str) -> str:
    """What an authenticator app shows now for a key typed in from the page (RFC 6238, 30 s, 6 digits)."""
    import time

    key = base64.b32decode(shown_key.replace(" ", ""))
    return str(hotp(key, int(time.time()) // 30, 6)).zfill(6)


def _password_step(page: Page, base_url: str, username: str, password: str = TEST_PASSWORD) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("#login-form button[type=submit]")


def test_staff_set_up_the_second_factor_then_need_it_and_change_the_password(
        page: Page, live_server: Any, e2e_world: World) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    base = live_server.url
    _password_step(page, base, "staff")
    assert "/accounts/2fa/setup/" in page.url
    expect(page.locator("#otp-qr svg")).to_be_visible()
    expect(page.locator("#main-nav li")).to_have_count(0)  # no menu before the second factor
    page.screenshot(path=str(ARTIFACTS / "identity-otp-setup.png"), full_page=True)
    # Nothing else opens meanwhile.
    page.goto(f"{base}/parks/")
    assert "/accounts/2fa/setup/" in page.url

    page.fill("#id_code", _code_from_key(page.locator("#otp-secret").inner_text()))
    with page.expect_navigation():
        page.click("#otp-setup-form button[type=submit]")
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    with page.expect_navigation():
        page.click("#recovery-codes-done")
    expect(page.locator("#whoami")).to_be_visible()

    # The next log-in asks for the code.
    page.context.clear_cookies()
    _password_step(page, base, "staff")
    assert "/accounts/2fa/verify/" in page.url
    page.fill("#id_code", "000000")
    with page.expect_navigation():
        page.click("#otp-verify-form button[type=submit]")
    expect(page.locator("[data-error-for=code]")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "identity-otp-verify.png"), full_page=True)
    page.wait_for_timeout(1100)  # django-otp's throttle after one wrong code: 1 s
    device = otp_device(User.objects.get(username="staff"))
    page.fill("#id_code", totp_code(device))
    with page.expect_navigation():
        page.click("#otp-verify-form button[type=submit]")
    expect(page.locator("#whoami")).to_be_visible()

    page.click("#security-link")
    expect(page.locator("#security-otp")).to_contain_text("已启用")
    page.goto(f"{base}/accounts/password/")
    page.fill("#id_old_password", TEST_PASSWORD)
    page.fill("#id_new_password1", "Zhongwen-Mima-2026")
    page.fill("#id_new_password2", "Zhongwen-Mima-2025")
    with page.expect_navigation():
        page.click("#password-change-form button[type=submit]")
    expect(page.locator("[data-error-for=new_password2]")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "identity-password-change.png"), full_page=True)
    page.fill("#id_old_password", TEST_PASSWORD)
    page.fill("#id_new_password1", "Zhongwen-Mima-2026")
    page.fill("#id_new_password2", "Zhongwen-Mima-2026")
    with page.expect_navigation():
        page.click("#password-change-form button[type=submit]")
    expect(page.locator(".alert-success")).to_be_visible()
    assert User.objects.get(username="staff").check_password("Zhongwen-Mima-2026")
