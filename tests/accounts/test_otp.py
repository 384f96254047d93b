"""The second factor (issue 12, M6): TOTP with django-otp, enrolment at first log-in, recovery codes, the reset on
the server. Every log-in here goes through the real forms; codes are computed from the device's stored key, as
the phone computes them.

On the code before django-otp, the first test failed: region staff reached every page with a password alone.
"""

from __future__ import annotations

import base64
import re
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import TEST_PASSWORD, otp_device, totp_code
from tests.helpers import error_codes
from yuanqu.accounts import services
from yuanqu.accounts.models import ApiToken, UserSession
from yuanqu.core.models import AuditEvent

REQUIRED = ["region_admin", "auditor", "region_staff", "leader"]
OPTIONAL = ["park_operator", "enterprise_user"]
LOGIN, SETUP, VERIFY = "/accounts/login/", "/accounts/2fa/setup/", "/accounts/2fa/verify/"


def _password_login(world, role: str, ip: str = "203.0.113.5") -> Client:
    client = Client(REMOTE_ADDR=ip)
    response = client.post(LOGIN, {"username": world.user(role).username, "password": TEST_PASSWORD})
    assert response.status_code == 302, response.status_code
    return client


def _pages_without_arguments() -> list[str]:
    """Every URL of the project that takes no argument, but the log-in page and the API."""
    paths: list[str] = []

    def walk(resolver: URLResolver, ns: str) -> None:
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                walk(p, f"{ns}:{p.namespace}" if ns and p.namespace else (p.namespace or ns))
            elif isinstance(p, URLPattern) and p.name and not p.pattern.converters and "(?P" not in str(p.pattern):
                name = f"{ns}:{p.name}" if ns else p.name
                try:
                    paths.append(reverse(name))
                except Exception:  # a pattern with a regex group or an optional part
                    continue

    walk(get_resolver(), "")
    always_open = {LOGIN, "/accounts/logout/", "/i18n/setlang/", "/healthz"}
    return sorted({p for p in paths if not p.startswith("/api/")} - always_open)


@pytest.mark.parametrize("role", REQUIRED)
def test_a_required_role_without_a_device_is_sent_to_enrolment_and_reaches_no_page(world, role):
    client = _password_login(world, role)
    pages = _pages_without_arguments()
    assert len(pages) > 20 and "/parks/" in pages and "/audit/" in pages
    for path in pages:
        response = client.get(path)
        if path == SETUP:
            assert response.status_code == 200
            continue
        assert response.status_code == 302, (path, response.status_code)
        assert response["Location"].startswith(SETUP), (path, response["Location"])
    # Nor a page with an argument, nor a write, nor the API through the session.
    assert client.get(f"/parks/{world.xltd.pk}/")["Location"].startswith(SETUP)
    assert client.post("/accounts/tokens/", {"name": "x", "days": "30"})["Location"].startswith(SETUP)
    assert not ApiToken.objects.exists()
    assert client.get("/api/parks/").status_code == 401


@pytest.mark.parametrize("role", OPTIONAL)
def test_an_optional_role_without_a_device_goes_straight_in(world, role):
    client = _password_login(world, role)
    assert client.get("/").status_code in (200, 302)
    assert client.get(reverse("accounts:tokens")).status_code == 200


def test_it_enrols_with_a_qr_code_and_the_key_then_shows_ten_recovery_codes_once(world):
    client = _password_login(world, "region_staff")
    page = client.get(SETUP)
    html = page.content.decode()
    device = TOTPDevice.objects.get(user=world.user("region_staff"))
    assert not device.confirmed
    secret = base64.b32encode(device.bin_key).decode()
    assert "<svg" in html and "otpauth://" not in html  # the QR code is drawn here, no external service
    shown = re.search(r'id="otp-secret">([A-Z2-7 ]+)<', html)
    assert shown and shown.group(1).replace(" ", "") == secret
    assert client.get(SETUP).context["secret"] == page.context["secret"]  # a reload keeps the key being scanned
    response = client.post(SETUP, {"code": totp_code(device)})
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10 == len(set(codes))
    assert all(f"<li>{c}</li>" in response.content.decode() for c in codes)
    device.refresh_from_db()
    assert device.confirmed
    assert sorted(StaticToken.objects.filter(device__user=world.user("region_staff")).values_list("token", flat=True)
                  ) == sorted(services.recovery_code_hash(c) for c in codes)
    # The session is verified now; the codes are not shown again.
    assert client.get("/parks/").status_code == 200
    assert not any(c in client.get(reverse("accounts:security")).content.decode() for c in codes)
    assert client.get(SETUP)["Location"] == reverse("accounts:security")
    event = AuditEvent.objects.filter(action="update", object_id=str(world.user("region_staff").pk)).latest("id")
    assert event.after == {"second_factor": "totp", "recovery_codes": 10}
    assert secret not in str(event.after) and device.key not in str(event.after)


def test_it_refuses_a_wrong_code_at_enrolment(world):
    client = _password_login(world, "leader")
    client.get(SETUP)
    response = client.post(SETUP, {"code": "000000"})
    assert error_codes(response, "code") == ["otp_invalid"]
    assert not TOTPDevice.objects.filter(user=world.user("leader"), confirmed=True).exists()
    assert client.get("/parks/")["Location"].startswith(SETUP)


def test_a_wrong_code_is_refused_at_log_in(world):
    otp_device(world.user("region_staff"))
    client = _password_login(world, "region_staff")
    assert client.get("/parks/")["Location"] == VERIFY + "?next=%2Fparks%2F"
    for wrong in ("000000", "12345", "abcdefgh", ""):
        response = client.post(VERIFY, {"code": wrong})
        assert response.status_code == 200
    assert error_codes(response, "code") in (["required"], ["otp_invalid"], ["otp_throttled"])
    assert client.get("/parks/")["Location"].startswith(VERIFY)
    reasons = AuditEvent.objects.filter(action="login_failed", actor=world.user("region_staff")).values_list(
        "after__reason", flat=True)
    assert "bad second factor" in reasons


def test_the_right_code_computed_from_the_key_passes(world):
    device = otp_device(world.user("region_staff"))
    client = _password_login(world, "region_staff")
    code = totp_code(device)
    response = client.post(VERIFY + "?next=/parks/", {"code": code})
    assert response.status_code == 302 and response["Location"] == "/parks/"
    assert client.get("/parks/").status_code == 200
    event = AuditEvent.objects.filter(action="login", actor=world.user("region_staff")).latest("id")
    assert event.after == {"factor": "totp"}
    # The same code cannot be replayed in another session.
    other = _password_login(world, "region_staff", ip="203.0.113.6")
    assert error_codes(other.post(VERIFY, {"code": code}), "code") == ["otp_invalid"]
    assert other.get("/parks/")["Location"].startswith(VERIFY)


def test_a_recovery_code_works_once(world):
    user = world.user("leader")
    otp_device(user)
    codes = services.recovery_codes_issue(user=user)
    client = _password_login(world, "leader")
    response = client.post(VERIFY, {"code": codes[3].upper()})
    assert response.status_code == 302
    assert client.get("/parks/").status_code == 200
    assert StaticToken.objects.filter(device__user=user).count() == 9
    event = AuditEvent.objects.filter(action="login", actor=user).latest("id")
    assert event.after == {"factor": "recovery code", "recovery_codes_left": 9}
    again = _password_login(world, "leader", ip="203.0.113.9")
    assert error_codes(again.post(VERIFY, {"code": codes[3]}), "code") == ["otp_invalid"]
    assert again.get("/parks/")["Location"].startswith(VERIFY)


def test_the_database_holds_no_recovery_code_in_the_clear(world):
    """Recovery codes are stored as a keyed hash: no stored value is a code or contains one, in any case, and a
    stored value typed as a code is refused (it is not the code)."""
    user = world.user("leader")
    otp_device(user)
    codes = services.recovery_codes_issue(user=user)
    stored = list(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert len(stored) == 10 and all(t.startswith("$") and len(t) == 16 for t in stored)
    with connection.cursor() as cursor:  # every column of the table, as a copy of the database would show it
        cursor.execute(f"SELECT * FROM {StaticToken._meta.db_table}")
        dump = " ".join(str(v) for row in cursor.fetchall() for v in row).lower()
    assert not any(c.lower() in dump for c in codes)
    client = _password_login(world, "leader")
    assert error_codes(client.post(VERIFY, {"code": stored[0]}), "code") == ["otp_invalid"]
    # (the wrong code throttled the device for a second: lift that, it is not what this test is about)
    StaticDevice.objects.filter(user=user).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    # The code itself works, once.
    assert client.post(VERIFY, {"code": codes[0]}).status_code == 302
    again = _password_login(world, "leader", ip="203.0.113.7")
    assert error_codes(again.post(VERIFY, {"code": codes[0]}), "code") == ["otp_invalid"]


def test_the_migration_hashes_codes_stored_in_the_clear_and_they_keep_working(world):
    from django.apps import apps as django_apps

    migration = __import__("yuanqu.accounts.migrations.0005_hash_recovery_codes", fromlist=["hash_plain_codes"])
    user = world.user("leader")
    otp_device(user)
    device = StaticDevice.objects.create(user=user, name="old")
    StaticToken.objects.create(device=device, token="abcdefgh")  # as django-otp stored it before
    migration.hash_plain_codes(django_apps, SimpleNamespace(connection=connection))
    migration.hash_plain_codes(django_apps, SimpleNamespace(connection=connection))  # twice changes nothing more
    assert list(StaticToken.objects.filter(device=device).values_list("token", flat=True)) == [
        services.recovery_code_hash("abcdefgh")]
    client = _password_login(world, "leader")
    assert client.post(VERIFY, {"code": "ABCDEFGH"}).status_code == 302
    assert not StaticToken.objects.filter(device=device).exists()


def test_an_optional_role_can_enrol_from_its_security_page_and_then_must_verify(world):
    client = _password_login(world, "park_operator")
    page = client.get(reverse("accounts:security")).content.decode()
    assert reverse("accounts:otp_setup") in page
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=world.user("park_operator"))
    assert client.post(SETUP, {"code": totp_code(device)}).status_code == 200
    later = _password_login(world, "park_operator", ip="203.0.113.8")
    assert later.get("/parks/")["Location"].startswith(VERIFY)


def test_new_recovery_codes_replace_the_old_ones(world, client_as):
    user = world.user("auditor")
    old = services.recovery_codes_issue(user=user)
    client = client_as("auditor")
    response = client.post(reverse("accounts:recovery_codes"))
    new = response.context["codes"]
    assert len(new) == 10 and not set(new) & set(old)
    assert sorted(StaticToken.objects.filter(device__user=user).values_list("token", flat=True)) == sorted(
        services.recovery_code_hash(c) for c in new)


def test_the_server_command_resets_the_second_factor_and_ends_the_sessions(world, capsys):
    user = world.user("region_staff")
    device = otp_device(user)
    services.recovery_codes_issue(user=user)
    client = _password_login(world, "region_staff")
    assert client.post(VERIFY, {"code": totp_code(device)}).status_code == 302
    assert UserSession.objects.filter(user=user).count() == 1
    call_command("resetotp", "staff")
    assert "staff" in capsys.readouterr().out
    assert not TOTPDevice.objects.filter(user=user).exists() and not StaticDevice.objects.filter(user=user).exists()
    assert client.get("/parks/")["Location"].startswith(LOGIN)  # the session ended
    assert _password_login(world, "region_staff", ip="203.0.113.7").get("/parks/")["Location"].startswith(SETUP)
    event = AuditEvent.objects.filter(action="update", object_id=str(user.pk)).latest("id")
    assert event.actor is None and event.after == {"second_factor": "reset on the server"}
    with pytest.raises(CommandError):
        call_command("resetotp", "no-such-user")


def test_no_web_page_resets_another_users_second_factor(world, client_as):
    otp_device(world.user("leader"))
    admin = client_as("region_admin")
    for path in ("/accounts/2fa/setup/", "/accounts/2fa/recovery-codes/", "/accounts/security/"):
        admin.post(path, {"user": world.user("leader").pk, "code": "000000"})
    assert TOTPDevice.objects.filter(user=world.user("leader"), confirmed=True).count() == 1


def test_an_api_token_works_without_a_second_factor(world):
    _token, raw = services.token_create(actor=world.user("region_staff"), name="脚本")
    response = Client().get("/api/parks/", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
