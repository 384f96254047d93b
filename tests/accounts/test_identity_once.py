"""What a session still owes (a second factor, a new password) is worked out once per request, not once by the
identity middleware and again by the menu, and worked out again when the request itself changed it."""

from __future__ import annotations

from types import SimpleNamespace

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_otp import user_has_device

from tests.conftest import login
from yuanqu.accounts.identity import OTP_VERIFY, PASSWORD_CHANGE, pending_step_for_request


def _device_queries(queries: list[dict[str, str]]) -> int:
    return sum(1 for q in queries if "otp_" in q["sql"])


def test_a_page_asks_for_the_users_devices_once(world):
    user = world.users["park_operator"]  # no second factor required: its devices are looked up on every request
    client = login(Client(), user)
    with CaptureQueriesContext(connection) as one_lookup:
        user_has_device(user)
    assert _device_queries(one_lookup.captured_queries) >= 1
    with CaptureQueriesContext(connection) as page:
        response = client.get("/parks/")
    assert response.status_code == 200 and response.context["nav"], "a page with its menu"
    assert _device_queries(page.captured_queries) == _device_queries(one_lookup.captured_queries)


def test_it_is_worked_out_again_once_the_request_verified_or_changed_the_password(world):
    user = world.users["region_staff"]  # must verify a second factor; has an authenticator (tests/conftest.py)
    login(Client(), user)
    verified = {"now": False}
    user.is_verified = lambda: verified["now"]
    request = SimpleNamespace(user=user)
    assert pending_step_for_request(request) == OTP_VERIFY
    verified["now"] = True
    assert pending_step_for_request(request) is None
    user.must_change_password = True
    assert pending_step_for_request(request) == PASSWORD_CHANGE
