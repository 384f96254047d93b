"""Bad input on the log-in, user administration and API token forms: a Chinese error, nothing stored changes,
and an enterprise of another district cannot be bound to an account."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.bad_input_support import (
    AT_LEAST,
    AT_MOST,
    CHOICE,
    EMAIL,
    HUGE,
    MISSING,
    NEW_USCC,
    NUL,
    REQUIRED,
    TOO_LONG,
    WHOLE_NUMBER,
    assert_form_refused,
    assert_unchanged,
    db_state,
    each_test_rolled_back,  # noqa: F401 (a fixture: each test in a savepoint)
    form_data,
    module_world,  # noqa: F401 (a fixture: the shared world, once per module)
)
from yuanqu.accounts.models import ApiToken, User
from yuanqu.core.models import AuditEvent

NO_ENTERPRISE = "未找到使用该统一社会信用代码登记的企业。"



# --- log-in -------------------------------------------------------------------------------------

@pytest.mark.parametrize("field,value,text", [
    ("username", MISSING, REQUIRED),
    ("username", "", REQUIRED),
    ("password", MISSING, REQUIRED),
    ("username", "u" * 151, TOO_LONG),
    ("username", "staff\x00", NUL),
    ("password", "Pa55word-for-tests\x00", NUL),
])
def test_it_refuses_a_malformed_log_in_by_field(world, field, value, text):
    client = Client()
    response = client.post(reverse("accounts:login"),
                           form_data({"username": "staff", "password": "Pa55word-for-tests"}, field, value))
    assert_form_refused(response, field, text)
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("username,password", [("staff", "wrong"), ("nobody", "Pa55word-for-tests"),
                                               ("STAFF", "Pa55word-for-tests"), ("员工🚀", "x")])
def test_it_refuses_a_wrong_log_in_with_one_message_for_both_causes(world, username, password):
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": username, "password": password})
    assert_form_refused(response, None, "用户名或密码错误。")
    assert "_auth_user_id" not in client.session


# --- users --------------------------------------------------------------------------------------

USER = {"username": "new_staff", "display_name": "新同事", "email": "new@example.cn", "phone": "13800000000",
        "role": "region_staff", "region": "370213", "is_active": "on"}
USER_CASES = [
    ("username", MISSING, REQUIRED),
    ("username", "u" * 151, TOO_LONG),
    ("username", "bad name!", "用户名"),
    ("username", "new\x00staff", NUL),
    ("display_name", "名" * 61, TOO_LONG),
    ("display_name", "新\x00", NUL),
    ("email", "new@", EMAIL),
    ("phone", "1" * 21, TOO_LONG),
    ("role", MISSING, REQUIRED),
    ("role", "region_admin", CHOICE),  # 三权分立: an admin grants business roles only
    ("role", "auditor", CHOICE),
    ("role", "superuser", CHOICE),
    ("region", MISSING, REQUIRED),
    ("region", "370212", CHOICE),
    ("region", "999999", CHOICE),
    ("parks", ["999999999"], CHOICE),
]


@pytest.mark.parametrize("field,value,text", USER_CASES)
def test_it_refuses_a_bad_new_user_by_field(world, client_as, field, value, text):
    client = client_as("region_admin")
    before = db_state()
    response = client.post(reverse("accounts:user_create"), form_data(USER, field, value))
    assert_form_refused(response, field, text)
    assert_unchanged(before)


def test_it_creates_the_user_the_bad_cases_start_from(world, client_as):
    response = client_as("region_admin").post(reverse("accounts:user_create"), USER)
    assert response.status_code == 200 and "form" not in (response.context or {})
    assert User.objects.get(username="new_staff").role == "region_staff"


@pytest.mark.parametrize("data,field,text", [
    ({"role": "park_operator"}, "parks", "园区运营方用户须至少关联一个园区。"),
    ({"role": "enterprise_user"}, None, "企业用户须关联所属企业。"),
    ({"role": "enterprise_user", "enterprise_uscc": NEW_USCC}, "enterprise_uscc", NO_ENTERPRISE),
    ({"role": "enterprise_user", "enterprise_uscc": "不是代码"}, "enterprise_uscc", NO_ENTERPRISE),
    ({"role": "enterprise_user", "enterprise_uscc": "1" * 23}, "enterprise_uscc", TOO_LONG),
    ({"username": "staff"}, "username", "已存在"),
])
def test_it_refuses_a_user_without_the_scope_its_role_needs(world, client_as, data, field, text):
    client = client_as("region_admin")
    before = db_state()
    response = client.post(reverse("accounts:user_create"), {**USER, **data})
    assert_form_refused(response, field, text)
    assert_unchanged(before)


def test_it_refuses_binding_a_user_to_another_districts_enterprise(world, client_as):
    client = client_as("region_admin")
    before = db_state()
    response = client.post(reverse("accounts:user_create"), {**USER, "role": "enterprise_user",
                                                             "enterprise_uscc": world.ent_laoshan.uscc})
    assert_form_refused(response, "enterprise_uscc", NO_ENTERPRISE)
    assert_unchanged(before)


def test_it_refuses_an_operator_for_another_districts_park(world, client_as):
    client = client_as("region_admin")
    before = db_state()
    response = client.post(reverse("accounts:user_create"), {**USER, "role": "park_operator",
                                                             "parks": [str(world.laoshan_park.pk)]})
    assert_form_refused(response, "parks", CHOICE)
    assert "崂山" not in response.content.decode()
    assert_unchanged(before)


def _user_data(user: User) -> dict[str, Any]:
    return {"username": user.username, "display_name": user.display_name, "email": user.email,
            "phone": user.phone, "role": user.role, "region": user.region_id, "is_active": "on",
            "parks": [str(p.pk) for p in user.parks.all()],
            "enterprise_uscc": user.enterprise.uscc if user.enterprise else ""}


@pytest.mark.parametrize("field,value,text", USER_CASES[::3] + [
    ("parks", [], "园区运营方用户须至少关联一个园区。"),
    ("username", "staff", "已存在"),
])
def test_it_refuses_a_bad_user_edit_and_keeps_the_account(world, client_as, field, value, text):
    client = client_as("region_admin")
    target = world.user("park_operator")
    before = db_state()
    response = client.post(reverse("accounts:user_edit", args=[target.pk]), form_data(_user_data(target), field, value))
    assert_form_refused(response, field, text)
    assert_unchanged(before)


def test_it_refuses_an_admin_changing_their_own_account(world, client_as):
    admin = world.user("region_admin")
    client = client_as("region_admin")
    response = client.post(reverse("accounts:user_edit", args=[admin.pk]), {**_user_data(admin), "role": "leader"})
    # An administrator's account, its own too, is managed on the server only (issue 12 H2): a 404, audited.
    assert response.status_code == 404
    admin.refresh_from_db()
    assert admin.role == "region_admin"
    assert AuditEvent.objects.filter(actor=admin, after__refused="user_update").count() == 1


@pytest.mark.parametrize("name", ["accounts:user_edit", "accounts:user_reset_password"])
def test_it_answers_404_for_another_districts_account(world, client_as, name):
    client = client_as("region_admin")
    before = db_state()
    response = client.post(reverse(name, args=[world.laoshan_staff.pk]), USER)
    assert response.status_code == 404
    assert_unchanged(before)


# --- API tokens ---------------------------------------------------------------------------------

@pytest.mark.parametrize("field,value,text", [
    ("name", MISSING, REQUIRED),
    ("name", "", REQUIRED),
    ("name", "令" * 61, TOO_LONG),
    ("name", "脚本\x00", NUL),
    ("days", MISSING, REQUIRED),
    ("days", "0", AT_LEAST),
    ("days", "-30", AT_LEAST),
    ("days", "366", AT_MOST),
    ("days", str(HUGE), AT_MOST),
    ("days", "九十", WHOLE_NUMBER),
])
def test_it_refuses_a_bad_token_request_and_issues_none(world, client_as, field, value, text):
    client = client_as("leader")
    before = db_state()
    response = client.post(reverse("accounts:tokens"), form_data({"name": "报表脚本", "days": "90"}, field, value))
    assert_form_refused(response, field, text)
    assert_unchanged(before)


def test_it_issues_the_token_the_bad_cases_start_from(world, client_as):
    response = client_as("leader").post(reverse("accounts:tokens"), {"name": "报表脚本", "days": "90"})
    assert response.status_code == 200 and response.context["raw"]
    assert ApiToken.objects.filter(user=world.user("leader"), name="报表脚本").count() == 1


def test_it_answers_404_to_revoking_someone_elses_token(world, client_as):
    client_as("region_staff").post(reverse("accounts:tokens"), {"name": "员工脚本", "days": "30"})
    token = ApiToken.objects.get(name="员工脚本")
    client = client_as("leader")
    before = db_state()
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
    assert client.post(reverse("accounts:token_revoke", args=[2**31])).status_code == 404
    assert_unchanged(before)
