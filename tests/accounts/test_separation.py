"""三权分立 that holds (issue 12, H2 and M5).

Admin and auditor accounts are created, reset and unlocked on the server only; the system administrator keeps to
business accounts and technical settings; every refused attempt to exceed a role is audited.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from tests.conftest import TEST_PASSWORD
from tests.helpers import error_codes
from yuanqu.accounts.lockout import username_locked
from yuanqu.accounts.models import User
from yuanqu.accounts.services import user_create_on_server
from yuanqu.core.models import AuditEvent
from yuanqu.enterprises import services as ent
from yuanqu.investment.models import RegionSetting
from yuanqu.stats.models import Indicator


def _refusals(actor: User) -> list[AuditEvent]:
    return [e for e in AuditEvent.objects.filter(actor=actor).order_by("id") if (e.after or {}).get("refused")]


def _log_in(username: str, password: str) -> int:
    return Client().post(reverse("accounts:login"), {"username": username, "password": password}).status_code


# --- H2: nobody resets, unlocks or edits an admin or auditor account through the web -----------------------


@pytest.mark.parametrize("target", ["auditor", "region_admin"])
def test_the_web_app_never_resets_an_admin_or_auditor_password(world, client_as, target):
    admin = world.user("region_admin")
    # A second admin of the region: the first must not take it over either.
    victim = world.user(target) if target == "auditor" else user_create_on_server(
        role="region_admin", region=world.licang, username="admin2", password=TEST_PASSWORD)[0]
    response = client_as("region_admin").post(reverse("accounts:user_reset_password", args=[victim.pk]))
    assert response.status_code == 404
    assert "password" not in (response.context or {})
    assert _log_in(victim.username, TEST_PASSWORD) == 302  # the password is the one it had
    refused = _refusals(admin)
    assert len(refused) == 1
    assert (refused[0].object_type, refused[0].object_id, refused[0].region_code) == (
        "accounts.User", str(victim.pk), "370213")


def test_the_web_app_never_edits_the_auditor(world, client_as):
    auditor = world.user("auditor")
    admin = client_as("region_admin")
    assert admin.get(reverse("accounts:user_edit", args=[auditor.pk])).status_code == 404
    response = admin.post(reverse("accounts:user_edit", args=[auditor.pk]),
                          {"username": "auditor", "display_name": "x", "email": "evil@example.cn", "role": "leader",
                           "region": "370213", "is_active": ""})
    assert response.status_code == 404
    auditor.refresh_from_db()
    assert (auditor.is_active, auditor.email, auditor.role) == (True, "", "auditor")
    assert len(_refusals(world.user("region_admin"))) == 2


@pytest.mark.parametrize("role", ["region_staff", "leader", "park_operator", "enterprise_user", "auditor"])
def test_no_other_role_reaches_the_reset(world, client_as, role):
    response = client_as(role).post(reverse("accounts:user_reset_password", args=[world.user("auditor").pk]))
    assert response.status_code == 404
    assert _log_in("auditor", TEST_PASSWORD) == 302


def _lock_out(username: str) -> None:
    """Fail a log-in from this address until the user name is locked for it (django-axes)."""
    for _ in range(settings.LOGIN_MAX_FAILURES):
        _log_in(username, "wrong-password")
    assert username_locked(username)


def test_resetpassword_on_the_server_resets_and_unlocks_an_auditor(world):
    _lock_out("auditor")
    out = io.StringIO()
    call_command("resetpassword", "auditor", stdout=out)
    password = out.getvalue().strip().rsplit(" ", 1)[-1]
    auditor = User.objects.get(username="auditor")
    assert auditor.check_password(password) and not username_locked("auditor")
    assert auditor.must_change_password  # a password someone else set
    assert _log_in("auditor", password) == 302
    event = AuditEvent.objects.filter(object_type="accounts.User", object_id=str(auditor.pk),
                                      actor__isnull=True, after__password="reset").latest("id")
    assert event.region_code == "370213"
    assert password not in str(event.before) + str(event.after)
    with pytest.raises(CommandError):
        call_command("resetpassword", "nobody", stdout=io.StringIO())


def test_unlock_on_the_server_keeps_the_password(world):
    _lock_out("region_admin")
    assert _log_in("region_admin", TEST_PASSWORD) != 302
    call_command("unlock", "region_admin", stdout=io.StringIO())
    assert _log_in("region_admin", TEST_PASSWORD) == 302
    assert AuditEvent.objects.filter(object_id=str(world.user("region_admin").pk), actor__isnull=True,
                                     after={"unlocked": "on the server"}).exists()


# --- M5: the system administrator keeps out of business rules -----------------------------------------------


def test_the_admin_cannot_edit_indicators_or_investment_settings(world, client_as):
    admin = client_as("region_admin")
    indicator = Indicator.objects.get(code="output")
    assert admin.get(reverse("stats:indicator_create")).status_code == 404
    response = admin.post(reverse("stats:indicator_edit", args=[indicator.pk]),
                          {"code": "output", "name": "被改的产值", "unit": "万元"})
    assert response.status_code == 404
    assert Indicator.objects.get(pk=indicator.pk).name != "被改的产值"
    response = admin.post(reverse("investment:settings"), {"lead_stale_days": "3"})
    assert response.status_code == 404
    assert not RegionSetting.objects.filter(region_id="370213", lead_stale_days=3).exists()
    assert len(_refusals(world.user("region_admin"))) == 3
    # District staff keep them.
    staff = client_as("region_staff")
    assert staff.get(reverse("stats:indicator_create")).status_code == 200
    assert staff.post(reverse("investment:settings"), {"lead_stale_days": "3"}).status_code == 302


def test_the_admin_links_an_enterprise_user_to_an_enterprise_of_its_region_only(world, client_as):
    # 崂山's enterprise, once signed into a 李沧 park: findable in 李沧, but registered in another district.
    filed = ent.enterprise_sign_by_uscc(actor=world.user("region_staff"), uscc=world.ent_laoshan.uscc,
                                        park=world.smyz, signed_on=dt.date(2024, 5, 1))
    ent.enterprise_request_approve(actor=world.laoshan_staff, request=filed)
    admin = client_as("region_admin")
    data = {"username": "ent_other", "display_name": "", "email": "", "phone": "", "role": "enterprise_user",
            "region": "370213", "is_active": "on", "enterprise_uscc": world.ent_laoshan.uscc}
    response = admin.post(reverse("accounts:user_create"), data)
    assert response.status_code == 200
    assert error_codes(response, "enterprise_uscc") == ["not_found"]
    assert not User.objects.filter(username="ent_other").exists()
    # An enterprise registered in the region is fine.
    response = admin.post(reverse("accounts:user_create"), {**data, "enterprise_uscc": world.ent_smyz.uscc})
    assert response.status_code == 200 and User.objects.get(username="ent_other").enterprise == world.ent_smyz
