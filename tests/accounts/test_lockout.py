"""Lock-out by user name + address and by address (issue 12, M8), through the log-in form.

On the code before django-axes each of these failed: the lock was per account only, so a locked ``admin`` was
locked from every address, an unknown user name was never locked (the lock-out message told which names exist),
and one address could try any number of user names.
"""

from __future__ import annotations

import datetime as dt

from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import TEST_PASSWORD
from tests.helpers import error_codes, error_text
from yuanqu.core.models import AuditEvent

LOGIN = "/accounts/login/"
ATTACKER, OFFICE = "198.51.100.66", "203.0.113.10"


def _post(username: str, password: str, ip: str) -> tuple[Client, object]:
    client = Client()
    return client, client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def _fail(username: str, ip: str, times: int) -> None:
    for _ in range(times):
        _post(username, "wrong-password", ip)


def test_the_limits_are_the_documented_defaults():
    assert (settings.LOGIN_MAX_FAILURES, settings.LOGIN_IP_MAX_FAILURES, settings.LOGIN_LOCK_MINUTES) == (5, 20, 15)


def test_an_attacker_cannot_lock_admin_out_from_everywhere(world):
    _fail("region_admin", ATTACKER, settings.LOGIN_MAX_FAILURES)
    # From the attacker's address even the right password is refused now ...
    client, response = _post("region_admin", TEST_PASSWORD, ATTACKER)
    assert response.status_code == 429 and error_codes(response) == ["locked"]
    assert "_auth_user_id" not in client.session
    # ... but the administrator, at another address, logs in.
    client, response = _post("region_admin", TEST_PASSWORD, OFFICE)
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_the_lockout_message_is_the_same_whether_the_user_name_exists_or_not(world):
    _fail("leader", ATTACKER, settings.LOGIN_MAX_FAILURES)
    _fail("no-such-user", OFFICE, settings.LOGIN_MAX_FAILURES)
    _c, existing = _post("leader", "wrong-password", ATTACKER)
    _c, unknown = _post("no-such-user", "wrong-password", OFFICE)
    assert existing.status_code == unknown.status_code == 429
    assert error_codes(existing) == error_codes(unknown) == ["locked"]
    assert error_text(existing) == error_text(unknown) == "您所在地址登录失败次数过多，请稍后再试。"
    # Before the limit, too, both answer alike.
    _c, first_existing = _post("staff", "wrong-password", "192.0.2.1")
    _c, first_unknown = _post("nobody-else", "wrong-password", "192.0.2.2")
    assert error_text(first_existing) == error_text(first_unknown) == "用户名或密码错误。"


def test_one_address_cannot_try_thirty_user_names(world):
    names = ["leader", "staff", "region_admin", "auditor", "park_operator", "enterprise_user"] + [
        f"guess{i:02d}" for i in range(24)]
    assert len(set(names)) == 30
    answers = [_post(name, "Spring2024!", ATTACKER)[1] for name in names]
    refused_as_locked = [r for r in answers if r.status_code == 429]
    # The failure that reaches the limit is answered with the lock-out already.
    assert len(answers) - len(refused_as_locked) == settings.LOGIN_IP_MAX_FAILURES - 1
    assert all(error_codes(r) == ["locked"] for r in refused_as_locked)
    # The address is stopped for every name, a right password included; other addresses are not.
    client, response = _post("park_operator", TEST_PASSWORD, ATTACKER)
    assert response.status_code == 429 and "_auth_user_id" not in client.session
    assert _post("park_operator", TEST_PASSWORD, OFFICE)[1].status_code == 302
    # Every try is in the audit log, the locked ones marked so.
    reasons = list(AuditEvent.objects.filter(action="login_failed", ip=ATTACKER).values_list("after__reason",
                                                                                            flat=True))
    assert reasons.count("bad credentials") == settings.LOGIN_IP_MAX_FAILURES - 1
    assert reasons.count("locked") == 30 - settings.LOGIN_IP_MAX_FAILURES + 1 + 1


def test_a_good_log_in_clears_only_its_own_user_name_and_address(world):
    _fail("park_operator", ATTACKER, settings.LOGIN_MAX_FAILURES - 1)
    _fail("guess", ATTACKER, 3)
    assert _post("park_operator", TEST_PASSWORD, ATTACKER)[1].status_code == 302
    assert not AccessAttempt.objects.filter(username="park_operator").exists()
    # The address's failures with other names stay counted.
    assert AccessAttempt.objects.get(username="guess", ip_address=ATTACKER).failures_since_start == 3


def test_the_lock_ends_after_the_lock_minutes(world):
    _fail("leader", ATTACKER, settings.LOGIN_MAX_FAILURES)
    assert _post("leader", TEST_PASSWORD, ATTACKER)[1].status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=settings.LOGIN_LOCK_MINUTES,
                                                                            seconds=1))
    assert _post("leader", TEST_PASSWORD, ATTACKER)[1].status_code == 302


def test_a_password_reset_unlocks_the_user_name(world, client_as):
    _fail("leader", ATTACKER, settings.LOGIN_MAX_FAILURES)
    assert world.user("leader").is_locked
    response = client_as("region_admin").post(reverse("accounts:user_reset_password", args=[world.user("leader").pk]))
    new_password = response.context["password"]
    assert not world.user("leader").is_locked
    assert _post("leader", new_password, ATTACKER)[1].status_code == 302
