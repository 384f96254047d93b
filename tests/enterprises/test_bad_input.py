"""Bad input on the enterprise, contact and settlement forms: a Chinese error, nothing stored changes, no leak."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.bad_input_support import (
    BAD_CHECK_USCC,
    CHOICE,
    DATE,
    DIGITS,
    EMAIL,
    FUTURE,
    NEW_USCC,
    NUL,
    NUMBER,
    PHONE,
    REQUIRED,
    TOO_LONG,
    USCC_CHARS,
    USCC_CHECK,
    USCC_LENGTH,
    assert_form_refused,
    assert_message_shown,
    assert_unchanged,
    db_state,
    each_test_rolled_back,  # noqa: F401 (a fixture: each test in a savepoint)
    module_world,  # noqa: F401 (a fixture: the shared world, once per module)
)
from yuanqu.enterprises.models import Enterprise, EnterpriseRequest, Settlement

MISSING = object()


def tomorrow() -> str:
    return (timezone.localdate() + dt.timedelta(days=1)).isoformat()


def _data(base: dict[str, Any], field: str, value: Any) -> dict[str, Any]:
    data = dict(base)
    if value is MISSING:
        data.pop(field, None)
    else:
        data[field] = value() if callable(value) else value
    return data


ENTERPRISE = {"uscc": NEW_USCC, "name": "青岛坏输入科技有限公司", "region": "370213", "status": "active"}

# Each row: field, value, the Chinese text the field's error must contain.
ENTERPRISE_CASES = [
    ("uscc", MISSING, REQUIRED),
    ("uscc", "", REQUIRED),
    ("uscc", BAD_CHECK_USCC, USCC_CHECK),
    ("uscc", NEW_USCC[:17], USCC_LENGTH),
    ("uscc", NEW_USCC + "1", USCC_LENGTH),
    ("uscc", "91350100M000100I43", USCC_CHARS),
    ("uscc", "9135010０M000100Y4\x00", USCC_CHARS),
    ("name", MISSING, REQUIRED),
    ("name", "", REQUIRED),
    ("name", "企" * 151, TOO_LONG),
    ("name", "青岛\x00有限公司", NUL),
    ("region", MISSING, REQUIRED),
    ("region", "110101", CHOICE),  # 北京东城区: outside the staff's province
    ("region", "000000", CHOICE),
    ("industry", "9999", CHOICE),
    ("industry", "65", CHOICE),  # a division, not a class (小类)
    ("status", "bankrupt", CHOICE),
    # listing and 专精特新 are designations now (梯度培育): their bad input is tested in tests/ladder/
    ("registered_capital_wan", "-1", "不能为负数。"),
    ("registered_capital_wan", "五百万", NUMBER),
    ("registered_capital_wan", "1" * 20, DIGITS),
    ("established_on", "2025-13-45", DATE),
    ("established_on", "2015-02-29", DATE),
    ("established_on", tomorrow, FUTURE),
    ("business_scope", "经" * 2001, TOO_LONG),
    ("business_scope", "一般项目：技术服务\x00", NUL),
]
CREATE_ONLY_CASES = [
    ("signed_on", "2024-02-30", DATE),
    ("park", "999999999", CHOICE),
    ("park", "abc", CHOICE),
]


@pytest.mark.parametrize("field,value,text", ENTERPRISE_CASES + CREATE_ONLY_CASES)
def test_it_refuses_a_bad_new_enterprise_by_field(world, client_as, field, value, text):
    client = client_as("region_staff")
    before = db_state()
    response = client.post(reverse("enterprises:create"), _data(ENTERPRISE, field, value))
    assert_form_refused(response, field, text)
    assert_unchanged(before)


def test_it_registers_the_enterprise_the_bad_cases_start_from(world, client_as):
    response = client_as("region_staff").post(reverse("enterprises:create"), ENTERPRISE)
    assert response.status_code == 302
    assert Enterprise.objects.get(uscc=NEW_USCC).name == ENTERPRISE["name"]


@pytest.mark.parametrize("park", ["laoshan_park", "smyz"])
def test_it_refuses_an_operators_new_enterprise_in_a_park_not_its_own_without_naming_it(world, client_as, park):
    client = client_as("park_operator")
    before = db_state()
    target = getattr(world, park)
    response = client.post(reverse("enterprises:create"), {**ENTERPRISE, "park": target.pk, "signed_on": "2024-05-01"})
    assert_form_refused(response, "park", CHOICE)
    assert target.name not in response.content.decode()
    assert_unchanged(before)


def test_it_refuses_a_signing_date_in_the_future_for_a_new_enterprise(world, client_as):
    client = client_as("park_operator")
    before = db_state()
    response = client.post(reverse("enterprises:create"), {**ENTERPRISE, "park": world.xltd.pk,
                                                           "signed_on": tomorrow()})
    assert_form_refused(response, "signed_on", FUTURE)
    assert_unchanged(before)


def test_it_does_not_name_another_districts_enterprise_whose_uscc_is_typed(world, client_as):
    client = client_as("region_staff")
    before = db_state()
    response = client.post(reverse("enterprises:create"), {**ENTERPRISE, "uscc": world.ent_laoshan.uscc})
    assert response.status_code == 200 and response.context["form"].errors["uscc"]
    assert world.ent_laoshan.name not in response.content.decode()
    assert_unchanged(before)


def _edit_data(e: Enterprise) -> dict[str, Any]:
    return {"uscc": e.uscc, "name": e.name, "region": e.region_id, "status": e.status,
            "industry": e.industry_id or ""}


@pytest.mark.parametrize("field,value,text", ENTERPRISE_CASES[1::2])
def test_it_refuses_a_bad_enterprise_edit_and_keeps_every_field(world, client_as, field, value, text):
    client = client_as("region_staff")
    before = db_state()
    response = client.post(reverse("enterprises:edit", args=[world.ent_smyz.pk]),
                           _data(_edit_data(world.ent_smyz), field, value))
    assert_form_refused(response, field, text)
    assert_unchanged(before)


@pytest.mark.parametrize("field,value,text", [
    ("name", "", REQUIRED),
    ("name", "企" * 151, TOO_LONG),
    ("name", "\x00", NUL),
    ("registered_capital_wan", "-0.01", "不能为负数。"),
    ("established_on", tomorrow, FUTURE),
    ("status", "bankrupt", CHOICE),
    ("business_scope", "经" * 2001, TOO_LONG),
    ("business_scope", "技术服务\x00", NUL),
])
def test_it_refuses_a_bad_edit_by_the_enterprise_user(world, client_as, field, value, text):
    client = client_as("enterprise_user")
    before = db_state()
    data = _edit_data(world.ent_xltd)
    data.pop("uscc")
    data.pop("region")
    response = client.post(reverse("enterprises:edit", args=[world.ent_xltd.pk]), _data(data, field, value))
    assert_form_refused(response, field, text)
    assert_unchanged(before)


def test_it_renames_with_the_edit_data_the_bad_cases_start_from(world, client_as):
    data = {**_edit_data(world.ent_smyz), "name": "青岛药研生物科技有限公司"}
    assert client_as("region_staff").post(reverse("enterprises:edit", args=[world.ent_smyz.pk]),
                                          data).status_code == 302
    assert Enterprise.objects.get(pk=world.ent_smyz.pk).name == "青岛药研生物科技有限公司"


@pytest.mark.parametrize("pk", [lambda w: w.ent_laoshan.pk, lambda w: 2**31 - 1, lambda w: 2**64])
def test_it_answers_404_to_an_edit_of_another_districts_or_a_missing_enterprise(world, client_as, pk):
    client = client_as("region_staff")
    before = db_state()
    response = client.post(reverse("enterprises:edit", args=[pk(world)]), {**ENTERPRISE, "name": "改名"})
    assert response.status_code == 404
    assert world.ent_laoshan.name not in response.content.decode()
    assert_unchanged(before)


# --- contacts -----------------------------------------------------------------------------------

CONTACT = {"name": "刘洋", "title": "总经理", "phone": "13811112222", "email": "liuyang@example.cn"}
CONTACT_CASES = [
    ("name", MISSING, REQUIRED),
    ("name", "", REQUIRED),
    ("name", "名" * 61, TOO_LONG),
    ("name", "刘\x00洋", NUL),
    ("title", "职" * 61, TOO_LONG),
    ("phone", "一三八", PHONE),
    ("phone", "138-abc-2222", PHONE),
    ("phone", "123", PHONE),
    ("phone", "1" * 21, TOO_LONG),
    ("phone", "138\x00", NUL),
    ("email", "not-an-email", EMAIL),
    ("email", "刘洋@", EMAIL),
]


@pytest.mark.parametrize("field,value,text", CONTACT_CASES)
def test_it_refuses_a_bad_new_contact_by_field(world, client_as, field, value, text):
    client = client_as("region_staff")
    before = db_state()
    response = client.post(reverse("enterprises:contact_create", args=[world.ent_xltd.pk]),
                           _data(CONTACT, field, value))
    assert_form_refused(response, field, text)
    assert_unchanged(before)


def test_it_adds_the_contact_the_bad_cases_start_from(world, client_as):
    response = client_as("region_staff").post(reverse("enterprises:contact_create", args=[world.ent_xltd.pk]),
                                              CONTACT)
    assert response.status_code == 302
    assert world.ent_xltd.contacts.filter(name="刘洋").count() == 1


@pytest.mark.parametrize("field,value,text", CONTACT_CASES[1::2])
def test_it_refuses_a_bad_contact_edit_and_keeps_the_contact(world, client_as, field, value, text):
    client = client_as("region_staff")
    before = db_state()
    c = world.contact_xltd
    data = {"name": c.name, "title": c.title, "phone": c.phone, "email": c.email, "is_primary": "on"}
    response = client.post(reverse("enterprises:contact_edit", args=[c.pk]), _data(data, field, value))
    assert_form_refused(response, field, text)
    assert_unchanged(before)


@pytest.mark.parametrize("name", ["enterprises:contact_edit", "enterprises:contact_delete"])
def test_it_answers_404_to_a_post_on_another_districts_contact(world, client_as, name):
    client = client_as("region_staff")
    before = db_state()
    response = client.post(reverse(name, args=[world.contact_laoshan.pk]), CONTACT)
    assert response.status_code == 404
    assert "王强" not in response.content.decode()
    assert_unchanged(before)


# --- settlements --------------------------------------------------------------------------------

def _sign(world) -> dict[str, Any]:
    return {"uscc": world.ent_smyz.uscc, "park": str(world.xltd.pk), "signed_on": "2024-09-09", "note": "二期"}


SETTLEMENT_CASES = [
    ("uscc", MISSING, REQUIRED),
    ("uscc", "", REQUIRED),
    ("uscc", BAD_CHECK_USCC, USCC_CHECK),
    ("uscc", "123", USCC_LENGTH),
    ("uscc", "1" * 23, TOO_LONG),
    ("park", MISSING, REQUIRED),
    ("park", "999999999", CHOICE),
    ("park", str(2**63), CHOICE),
    ("signed_on", MISSING, REQUIRED),
    ("signed_on", "2025-13-45", DATE),
    ("signed_on", tomorrow, FUTURE),
    ("note", "备注\x00", NUL),
]


@pytest.mark.parametrize("field,value,text", SETTLEMENT_CASES)
def test_it_refuses_a_bad_signing_by_field(world, client_as, field, value, text):
    client = client_as("park_operator")
    before = db_state()
    response = client.post(reverse("enterprises:settlement_create"), _data(_sign(world), field, value))
    assert_form_refused(response, field, text)
    assert_unchanged(before)


def test_it_signs_with_the_data_the_bad_cases_start_from(world, client_as):
    # 生命药洲's enterprise is outside the operator's scope: the good data file a request (issue 12 H1).
    response = client_as("park_operator").post(reverse("enterprises:settlement_create"), _sign(world))
    assert response.status_code == 302 and response["Location"] == reverse("enterprises:requests")
    assert EnterpriseRequest.objects.filter(uscc=world.ent_smyz.uscc, park=world.xltd, note="二期").count() == 1
    response = client_as("region_staff").post(reverse("enterprises:settlement_create"), _sign(world))
    assert response.status_code == 302
    assert Settlement.objects.filter(enterprise=world.ent_smyz, park=world.xltd).count() == 1


@pytest.mark.parametrize("park", ["smyz", "laoshan_park"])
def test_it_refuses_an_operators_signing_into_a_park_not_its_own(world, client_as, park):
    client = client_as("park_operator")
    before = db_state()
    response = client.post(reverse("enterprises:settlement_create"),
                           {**_sign(world), "park": str(getattr(world, park).pk)})
    assert_form_refused(response, "park", CHOICE)
    assert getattr(world, park).name not in response.content.decode()
    assert_unchanged(before)


def test_it_refuses_signing_an_enterprise_twice_into_a_park(world, client_as):
    client = client_as("park_operator")
    before = db_state()
    response = client.post(reverse("enterprises:settlement_create"), {**_sign(world), "uscc": world.ent_xltd.uscc})
    assert_form_refused(response, None, "该企业已在本园区入驻。")
    assert_unchanged(before)


ADVANCE_CASES = [
    ({"to_stage": "teleported", "on": "2024-07-01"}, CHOICE),
    ({"on": "2024-07-01"}, REQUIRED),
    ({"to_stage": "moved_in"}, REQUIRED),
    ({"to_stage": "moved_in", "on": "2024-13-01"}, DATE),
    ({"to_stage": "moved_in", "on": tomorrow}, FUTURE),
    ({"to_stage": "moved_in", "on": "2024-01-01"}, "日期"),  # before fit-out started
    ({"to_stage": "signed", "on": "2024-07-01"}, "入驻阶段只能向后推进"),
    ({"to_stage": "exited", "on": "2024-07-01"}, "退出"),
    ({"to_stage": "exited", "on": "2024-07-01", "reason": "原" * 201}, TOO_LONG),
]


@pytest.mark.parametrize("data,text", ADVANCE_CASES)
def test_it_refuses_a_bad_advance_with_a_message_and_keeps_the_settlement(world, client_as, data, text):
    client = client_as("park_operator")
    before = db_state()
    data = {k: v() if callable(v) else v for k, v in data.items()}
    response = client.post(reverse("enterprises:settlement_advance", args=[world.st_xltd_fitout.pk]), data,
                           follow=True)
    assert_message_shown(response, text)
    assert_unchanged(before)


@pytest.mark.parametrize("data,text", ADVANCE_CASES[:5])
def test_it_shows_a_bad_advance_in_the_park_pages_stage_block(world, client_as, data, text):
    client = client_as("park_operator")
    before = db_state()
    data = {k: v() if callable(v) else v for k, v in data.items()}
    response = client.post(reverse("enterprises:settlement_advance", args=[world.st_xltd_fitout.pk]),
                           {**data, "view_stage": "fitout"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert text in response.content.decode()
    assert_unchanged(before)


@pytest.mark.parametrize("data,text", [
    ({"units": ["999999999"], "on": "2024-07-01"}, CHOICE),
    ({"units": ["abc"], "on": "2024-07-01"}, "不是一个有效的值"),
    ({"on": "2024-02-30"}, DATE),
    ({"units": []}, REQUIRED),
])
def test_it_refuses_bad_units_with_a_message_and_keeps_the_occupancy(world, client_as, data, text):
    client = client_as("park_operator")
    before = db_state()
    response = client.post(reverse("enterprises:settlement_units", args=[world.st_xltd_fitout.pk]), data,
                           follow=True)
    assert_message_shown(response, text)
    assert_unchanged(before)


def test_it_refuses_another_districts_unit_without_naming_it(world, client_as):
    client = client_as("region_staff")
    before = db_state()
    response = client.post(reverse("enterprises:settlement_units", args=[world.st_smyz.pk]),
                           {"units": [str(world.laoshan_unit.pk)], "on": "2024-07-01"}, follow=True)
    assert_message_shown(response, CHOICE)
    assert "1号楼" not in response.content.decode() and "崂山" not in response.content.decode()
    assert_unchanged(before)


@pytest.mark.parametrize("name", ["enterprises:settlement_advance", "enterprises:settlement_units"])
def test_it_answers_404_to_a_post_on_another_districts_settlement(world, client_as, name):
    client = client_as("region_staff")
    before = db_state()
    response = client.post(reverse(name, args=[world.st_laoshan.pk]), {"to_stage": "fitout", "on": "2024-07-01"})
    assert response.status_code == 404
    assert_unchanged(before)
