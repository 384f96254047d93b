"""Issue 12's findings M6 (identity) and M8 (lock-out), each as the probe found it, through the front door only.

These use nothing but the log-in form, plain URLs and the shared world, so the same file runs on the code before
the fix: there every test here failed (checked on main 7552144's successor d7f8210, see the branch's report).
The detailed behaviour is tested in test_otp.py, test_passwords.py and test_lockout.py.
"""

from __future__ import annotations

from django.test import Client

from tests.conftest import TEST_PASSWORD
from yuanqu.accounts import services

LOGIN = "/accounts/login/"


def _sign_in(username: str, password: str = TEST_PASSWORD, ip: str = "203.0.113.40") -> tuple[Client, int]:
    """The log-in form, then, where the app asks for it, the code of the user's enrolled authenticator."""
    client = Client(REMOTE_ADDR=ip)
    status = client.post(LOGIN, {"username": username, "password": password}).status_code
    if status == 302 and client.get("/parks/").get("Location", "").startswith("/accounts/2fa/verify/"):
        from tests.conftest import otp_device, totp_code  # only where the app has second factors
        from yuanqu.accounts.models import User

        client.post("/accounts/2fa/verify/", {"code": totp_code(otp_device(User.objects.get(username=username)))})
    return client, status


def _enrol(username: str) -> None:
    """Give the user an authenticator, where the app has second factors."""
    try:
        from tests.conftest import otp_device
        from yuanqu.accounts.models import User
    except ImportError:  # the code before the fix: no second factor at all
        return
    otp_device(User.objects.get(username=username))


def test_m6_region_staff_need_a_second_factor(world):
    client, status = _sign_in("staff")
    assert status == 302
    response = client.get("/parks/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/")


def test_m6_users_can_change_their_own_password(world):
    client, _status = _sign_in("park_operator")
    response = client.post("/accounts/password/", {"old_password": TEST_PASSWORD, "new_password1": "Neu-Pw-2025-x",
                                                   "new_password2": "Neu-Pw-2025-x"})
    assert response.status_code == 302
    assert _sign_in("park_operator", "Neu-Pw-2025-x", ip="203.0.113.41")[1] == 302


def test_m6_an_issued_password_must_be_changed(world, client_as):
    issued = client_as("region_admin").post(f"/accounts/users/{world.user('park_operator').pk}/reset-password/"
                                            ).context["password"]
    client, _status = _sign_in("park_operator", issued)
    assert client.get("/parks/")["Location"].startswith("/accounts/password/")


def test_m6_api_tokens_do_not_survive_a_password_reset(world, client_as):
    _token, raw = services.token_create(actor=world.user("park_operator"), name="脚本")
    client_as("region_admin").post(f"/accounts/users/{world.user('park_operator').pk}/reset-password/")
    assert Client().get("/api/parks/", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_m6_the_auditor_has_one_session_at_a_time(world):
    _enrol("auditor")
    first, _s = _sign_in("auditor", ip="203.0.113.42")
    assert first.get("/audit/").status_code == 200
    second, _s = _sign_in("auditor", ip="203.0.113.43")
    assert second.get("/audit/").status_code == 200
    assert first.get("/audit/").status_code == 302


def test_m8_one_address_cannot_try_thirty_user_names(world):
    statuses = [Client(REMOTE_ADDR="198.51.100.50").post(LOGIN, {"username": f"user{i}", "password": "x"}).status_code
                for i in range(30)]
    assert statuses.count(429) >= 10
    assert Client(REMOTE_ADDR="198.51.100.50").post(LOGIN, {"username": "leader", "password": TEST_PASSWORD}
                                                     ).status_code == 429


def test_m8_the_lockout_message_does_not_tell_which_user_names_exist(world):
    pages = {}
    for username, ip in (("leader", "198.51.100.51"), ("no-such-user", "198.51.100.52")):
        for _ in range(6):
            response = Client(REMOTE_ADDR=ip).post(LOGIN, {"username": username, "password": "wrong"})
        pages[username] = (response.status_code, response.context["form"].errors.as_json())
    assert pages["leader"] == pages["no-such-user"]


def test_m8_nobody_can_keep_admin_locked_out_from_everywhere(world):
    for _ in range(10):
        Client(REMOTE_ADDR="198.51.100.53").post(LOGIN, {"username": "region_admin", "password": "wrong"})
    client = Client(REMOTE_ADDR="203.0.113.44")
    assert client.post(LOGIN, {"username": "region_admin", "password": TEST_PASSWORD}).status_code == 302
