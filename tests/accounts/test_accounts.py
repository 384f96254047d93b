"""Log-in (audited, locked after repeated failures) and the region admin's user management (三权分立)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from tests.conftest import TEST_PASSWORD
from tests.helpers import error_codes
from yuanqu.accounts import services
from yuanqu.accounts.models import User
from yuanqu.core.models import AuditEvent


def _login(username: str, password: str, ip: str = "203.0.113.5") -> tuple[Client, object]:
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=ip)
    return client, response


# --- log-in -------------------------------------------------------------------------------------


def test_it_logs_in_and_audits_it_with_the_ip(world):
    client, response = _login("park_operator", TEST_PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("parks:list")).status_code == 200
    event = AuditEvent.objects.filter(action="login").get()
    assert (event.actor, event.actor_username, event.role, event.ip, event.region_code) == (
        world.user("park_operator"), "park_operator", "park_operator", "203.0.113.5", "370213")
    assert event.after == {"factor": "password"}


def test_it_follows_a_safe_next_url_only(world):
    client = Client()
    url = reverse("accounts:login")
    response = client.post(url + "?next=/parks/", {"username": "leader", "password": TEST_PASSWORD})
    assert response["Location"] == "/parks/"
    client = Client()
    response = client.post(url + "?next=https://evil.example/", {"username": "leader", "password": TEST_PASSWORD})
    assert response["Location"] == reverse("home")


@pytest.mark.parametrize("username", ["leader", "nobody"])
def test_it_refuses_a_wrong_password_and_audits_the_failure(world, username):
    client, response = _login(username, "wrong-password", ip="198.51.100.23")
    assert response.status_code == 200
    assert error_codes(response) == ["invalid_login"]
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.filter(action="login_failed").get()
    assert (event.actor, event.actor_username, event.ip) == (None, username, "198.51.100.23")
    assert event.after == {"reason": "bad credentials"}
    if username == "leader":
        assert event.region_code == "370213" and event.object_id == str(world.user("leader").pk)


def test_it_locks_the_user_name_after_repeated_failures_from_one_address(world):
    """The lock-out itself, by user name + address and by address, is tested in test_lockout.py."""
    assert settings.LOGIN_MAX_FAILURES == 5
    for _ in range(settings.LOGIN_MAX_FAILURES):
        _login("leader", "wrong-password")
    assert User.objects.get(username="leader").is_locked
    client, response = _login("leader", TEST_PASSWORD)
    assert response.status_code == 429
    assert error_codes(response) == ["locked"]
    assert "_auth_user_id" not in client.session
    reasons = [e.after["reason"] for e in AuditEvent.objects.filter(action="login_failed").order_by("id")]
    assert reasons == ["bad credentials"] * (settings.LOGIN_MAX_FAILURES - 1) + ["locked", "locked"]
    assert not AuditEvent.objects.filter(action="login").exists()
    # Another account is not affected.
    assert _login("staff", TEST_PASSWORD)[1].status_code == 302


def test_it_forgets_failures_after_a_good_log_in(world):
    for _ in range(settings.LOGIN_MAX_FAILURES - 1):
        _login("leader", "wrong-password")
    assert _login("leader", TEST_PASSWORD)[1].status_code == 302
    _login("leader", "wrong-password")
    assert not User.objects.get(username="leader").is_locked


def test_it_unlocks_an_account_with_a_password_reset(world, client_as):
    for _ in range(settings.LOGIN_MAX_FAILURES):
        _login("leader", "wrong-password")
    response = client_as("region_admin").post(reverse("accounts:user_reset_password",
                                                      args=[world.user("leader").pk]))
    password = response.context["password"]
    assert f'id="one-time-password">{password}<' in response.content.decode()
    assert _login("leader", password)[1].status_code == 302


def test_it_logs_out_by_post_only_and_audits_it(world):
    client, _ = _login("leader", TEST_PASSWORD)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response["Location"] == reverse("accounts:login")
    assert AuditEvent.objects.filter(action="logout", actor=world.user("leader")).count() == 1
    assert client.get(reverse("parks:list")).status_code == 302


def test_it_refuses_an_inactive_user(world):
    User.objects.filter(username="leader").update(is_active=False)
    client, response = _login("leader", TEST_PASSWORD)
    assert response.status_code == 200 and "_auth_user_id" not in client.session


# --- user management ----------------------------------------------------------------------------


def _user_form(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {"username": "new_staff", "display_name": "区发改局", "email": "fgj@example.cn",
                               "phone": "", "role": "region_staff", "region": "370213", "is_active": "on"}
    data.update(overrides)
    return data


def test_it_creates_a_business_user_and_shows_the_password_once(world, client_as):
    admin = client_as("region_admin")
    response = admin.post(reverse("accounts:user_create"), _user_form())
    assert response.status_code == 200
    password = response.context["password"]
    assert len(password) >= 12
    assert f'id="one-time-password">{password}<' in response.content.decode()
    user = User.objects.get(username="new_staff")
    assert (user.role, user.region_id, user.display_name) == ("region_staff", "370213", "区发改局")
    assert user.check_password(password) and password not in user.password
    event = AuditEvent.objects.get(action="create", object_type="accounts.User", object_id=str(user.pk))
    assert event.actor == world.user("region_admin") and "password" not in event.after
    assert password not in str(event.after)
    # The password is not shown again anywhere.
    assert password not in admin.get(reverse("accounts:users")).content.decode()
    assert password not in admin.get(reverse("accounts:user_edit", args=[user.pk])).content.decode()
    assert Client().post(reverse("accounts:login"), {"username": "new_staff", "password": password}).status_code == 302


def test_it_creates_an_operator_with_its_parks_and_an_enterprise_user(world, client_as):
    admin = client_as("region_admin")
    admin.post(reverse("accounts:user_create"), _user_form(username="op2", role="park_operator",
                                                           parks=[world.smyz.pk]))
    assert list(User.objects.get(username="op2").parks.all()) == [world.smyz]
    admin.post(reverse("accounts:user_create"), _user_form(username="ent2", role="enterprise_user",
                                                           enterprise_uscc=world.ent_smyz.uscc.lower()))
    assert User.objects.get(username="ent2").enterprise == world.ent_smyz


@pytest.mark.parametrize("role", ["region_admin", "auditor"])
def test_it_cannot_grant_the_admin_or_auditor_role(world, client_as, role):
    admin = client_as("region_admin")
    response = admin.post(reverse("accounts:user_create"), _user_form(role=role))
    assert error_codes(response, "role") == ["invalid_choice"]
    assert not User.objects.filter(username="new_staff").exists()
    # Nor by turning an existing business account into one.
    leader = world.user("leader")
    response = admin.post(reverse("accounts:user_edit", args=[leader.pk]),
                          _user_form(username="leader", role=role))
    assert error_codes(response, "role") == ["invalid_choice"]
    assert User.objects.get(pk=leader.pk).role == "leader"
    # And the service refuses it too, whatever calls it.
    with pytest.raises(ValidationError) as exc:
        services.user_create(actor=world.user("region_admin"), username="x", role=role, region=world.licang)
    assert exc.value.error_dict["role"][0].code == "role_not_grantable"


def test_it_cannot_change_its_own_account(world, client_as):
    me = world.user("region_admin")
    response = client_as("region_admin").post(reverse("accounts:user_edit", args=[me.pk]),
                                              _user_form(username="region_admin", role="region_staff"))
    # An administrator's account (its own too) is managed on the server only (issue 12 H2).
    assert response.status_code == 404
    me.refresh_from_db()
    assert me.role == "region_admin"
    with pytest.raises(PermissionDenied):
        services.user_reset_password(actor=me, user=me)


def test_it_cannot_change_another_admin_or_the_auditor(world):
    with pytest.raises(ValidationError) as exc:
        services.user_update(actor=world.user("region_admin"), user=world.user("auditor"), display_name="x")
    assert exc.value.code == "protected_account"


def test_it_manages_users_of_its_region_only(world, client_as):
    admin = client_as("region_admin")
    response = admin.post(reverse("accounts:user_create"), _user_form(region="370212"))
    assert error_codes(response, "region") == ["invalid_choice"]
    response = admin.post(reverse("accounts:user_create"), _user_form(role="park_operator",
                                                                      parks=[world.laoshan_park.pk]))
    assert error_codes(response, "parks") == ["invalid_choice"]
    assert not User.objects.filter(username="new_staff").exists()
    # The service refuses them too.
    with pytest.raises(ValidationError) as exc:
        services.user_create(actor=world.user("region_admin"), username="x", role="region_staff",
                             region=world.laoshan)
    assert exc.value.error_dict["region"][0].code == "region"
    with pytest.raises(ValidationError) as exc:
        services.user_create(actor=world.user("region_admin"), username="x", role="park_operator",
                             region=world.licang, parks=[world.laoshan_park])
    assert exc.value.error_dict["parks"][0].code == "park_region"
    # Users of another region are not listed, and cannot be edited.
    names = [u.username for u in admin.get(reverse("accounts:users")).context["rows"]]
    assert "leader" in names and "laoshan_staff" not in names
    assert admin.get(reverse("accounts:user_edit", args=[world.laoshan_staff.pk])).status_code == 404


def test_it_requires_an_enterprise_for_an_enterprise_user_and_a_park_for_an_operator(world, client_as):
    admin = client_as("region_admin")
    response = admin.post(reverse("accounts:user_create"), _user_form(role="enterprise_user"))
    assert response.status_code == 200
    assert "required" in error_codes(response)
    response = admin.post(reverse("accounts:user_create"), _user_form(role="enterprise_user",
                                                                      enterprise_uscc="91350100M000100Y43"))
    assert error_codes(response, "enterprise_uscc")
    response = admin.post(reverse("accounts:user_create"), _user_form(role="park_operator"))
    assert error_codes(response, "parks") == ["required"]
    assert not User.objects.filter(username="new_staff").exists()


def test_it_edits_a_users_role_and_scope(world, client_as):
    leader = world.user("leader")
    response = client_as("region_admin").post(reverse("accounts:user_edit", args=[leader.pk]),
                                              _user_form(username="leader", role="park_operator",
                                                         parks=[world.xltd.pk, world.smyz.pk]))
    assert response.status_code == 302
    leader.refresh_from_db()
    assert leader.role == "park_operator"
    assert set(leader.parks.all()) == {world.xltd, world.smyz}
    event = AuditEvent.objects.filter(action="update", object_type="accounts.User").latest("id")
    assert (event.before["role"], event.after["role"]) == ("leader", "park_operator")
    assert sorted(event.after["parks"]) == sorted([world.xltd.pk, world.smyz.pk])


def test_it_lets_only_the_admin_manage_users(world, client_as):
    for role in ("region_staff", "auditor", "leader"):
        assert client_as(role).post(reverse("accounts:user_create"), _user_form()).status_code == 404
    with pytest.raises(PermissionDenied):
        services.user_create(actor=world.user("region_staff"), username="x", role="leader", region=world.licang)
    assert not User.objects.filter(username__in=["new_staff", "x"]).exists()
