"""Bad input on the 招商 pages (leads, follow-ups, contacts, projects, cases, settings): a Chinese error,
nothing stored changes, and no out-of-scope object is accepted or named."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.bad_input_support import (
    AT_LEAST,
    AT_MOST,
    BAD_CHECK_USCC,
    CHOICE,
    DATE,
    DIGITS,
    EMAIL,
    FUTURE,
    HUGE,
    NUL,
    NUMBER,
    PHONE,
    REQUIRED,
    TOO_LONG,
    USCC_CHECK,
    USCC_LENGTH,
    WHOLE_NUMBER,
    assert_form_refused,
    assert_message_shown,
    assert_unchanged,
    db_state,
    each_test_rolled_back,  # noqa: F401 (a fixture: each test in a savepoint)
    module_world,  # noqa: F401 (a fixture: the shared world, once per module)
)
from yuanqu.enterprises.models import EnterpriseRequest
from yuanqu.investment.models import Lead, Project

MISSING = object()


def tomorrow() -> str:
    return (timezone.localdate() + dt.timedelta(days=1)).isoformat()


def next_month() -> str:
    today = timezone.localdate()
    return (today.replace(day=28) + dt.timedelta(days=10)).replace(day=1).isoformat()


def _data(base: dict[str, Any], field: str, value: Any) -> dict[str, Any]:
    data = dict(base)
    if value is MISSING:
        data.pop(field, None)
    else:
        data[field] = value() if callable(value) else value
    return data


def _pk(world: Any, ref: Any) -> Any:
    """``ref`` names an object of the world (its pk is posted), or is posted as it is."""
    return str(getattr(world, ref[1:]).pk) if isinstance(ref, str) and ref.startswith("@") else ref


# --- leads --------------------------------------------------------------------------------------

LEAD = {"name": "青岛新航向科技有限公司", "source": "expo", "intended_investment_wan": "800", "expected_jobs": "30"}
LEAD_CASES = [
    ("name", MISSING, REQUIRED),
    ("name", "", REQUIRED),
    ("name", "企" * 151, TOO_LONG),
    ("name", "青岛\x00公司", NUL),
    ("uscc", BAD_CHECK_USCC, USCC_CHECK),
    ("uscc", "9135", USCC_LENGTH),
    ("industry", "9999", CHOICE),
    ("region", "370212", CHOICE),  # 崂山区: outside the user's region
    ("region", "abc", CHOICE),
    ("target_park", "@laoshan_park", CHOICE),
    ("target_park", str(HUGE), CHOICE),
    ("source", "telepathy", CHOICE),
    ("intended_investment_wan", "-1", AT_LEAST),
    ("intended_investment_wan", "五千万", NUMBER),
    ("intended_investment_wan", "9" * 20, DIGITS),
    ("expected_jobs", "-5", AT_LEAST),
    ("expected_jobs", "八十", WHOLE_NUMBER),
    ("expected_jobs", str(HUGE), AT_MOST),
    ("note", "备注\x00", NUL),
]
CREATE_ONLY = [
    ("contact_name", "名" * 61, TOO_LONG),
    ("contact_phone", "打电话", PHONE),
    ("contact_phone", "1" * 21, TOO_LONG),
]


@pytest.mark.parametrize("field,value,text", LEAD_CASES + CREATE_ONLY)
def test_it_refuses_a_bad_new_lead_by_field(world, client_as, field, value, text):
    client = client_as("region_staff")
    before = db_state()
    response = client.post(reverse("investment:lead_create"), _data(LEAD, field, _pk(world, value)))
    assert_form_refused(response, field, text)
    assert_unchanged(before)


def test_it_records_the_lead_the_bad_cases_start_from(world, client_as):
    response = client_as("region_staff").post(reverse("investment:lead_create"), LEAD)
    assert response.status_code == 302
    assert Lead.objects.filter(name=LEAD["name"]).count() == 1


@pytest.mark.parametrize("field,value,text", [
    ("target_park", MISSING, REQUIRED),
    ("target_park", "@smyz", CHOICE),
    ("target_park", "@laoshan_park", CHOICE),
])
def test_it_makes_an_operator_give_its_own_park_for_a_lead(world, client_as, field, value, text):
    client = client_as("park_operator")
    before = db_state()
    response = client.post(reverse("investment:lead_create"),
                           _data({**LEAD, "target_park": str(world.xltd.pk)}, field, _pk(world, value)))
    assert_form_refused(response, field, text)
    assert "崂山科创园" not in response.content.decode()
    assert_unchanged(before)


@pytest.mark.parametrize("field,value,text", LEAD_CASES[::2])
def test_it_refuses_a_bad_lead_edit_and_keeps_the_lead(world, client_as, field, value, text):
    client = client_as("region_staff")
    before = db_state()
    lead = world.lead_smyz
    data = {"name": lead.name, "source": lead.source, "target_park": str(lead.target_park_id),
            "region": lead.region_id, "intended_investment_wan": str(lead.intended_investment_wan)}
    response = client.post(reverse("investment:lead_edit", args=[lead.pk]), _data(data, field, _pk(world, value)))
    assert_form_refused(response, field, text)
    assert_unchanged(before)


FOLLOW_UP = {"kind": "visit", "on": "2025-04-01", "participants": "招商局", "summary": "二次走访"}
FOLLOW_UP_CASES = [
    ("kind", MISSING, REQUIRED),
    ("kind", "telepathy", CHOICE),
    ("on", MISSING, REQUIRED),
    ("on", "2025-13-45", DATE),
    ("on", "下周", DATE),
    ("on", tomorrow, FUTURE),
    ("summary", MISSING, REQUIRED),
    ("summary", "纪要\x00", NUL),
    ("participants", "人" * 301, TOO_LONG),
    ("next_step", "步" * 301, TOO_LONG),
    ("next_step_on", "2025-02-30", DATE),
]


@pytest.mark.parametrize("field,value,text", FOLLOW_UP_CASES)
def test_it_refuses_a_bad_follow_up_by_field(world, client_as, field, value, text):
    client = client_as("park_operator")
    before = db_state()
    response = client.post(reverse("investment:follow_up_create", args=[world.lead_xltd.pk]),
                           _data(FOLLOW_UP, field, value))
    assert_form_refused(response, field, text)
    assert_unchanged(before)


def test_it_logs_the_follow_up_the_bad_cases_start_from(world, client_as):
    response = client_as("park_operator").post(reverse("investment:follow_up_create", args=[world.lead_xltd.pk]),
                                               FOLLOW_UP)
    assert response.status_code == 302
    assert world.lead_xltd.follow_ups.filter(summary="二次走访").count() == 1


@pytest.mark.parametrize("field,value,text", FOLLOW_UP_CASES[:7])
def test_it_refuses_a_bad_project_follow_up_by_field(world, client_as, field, value, text):
    client = client_as("region_staff")
    before = db_state()
    response = client.post(reverse("investment:project_follow_up", args=[world.project_smyz.pk]),
                           _data(FOLLOW_UP, field, value))
    assert_form_refused(response, field, text)
    assert_unchanged(before)


LEAD_CONTACT = {"name": "周杰", "title": "董事长", "phone": "13612345678", "email": "zhoujie@example.cn"}
LEAD_CONTACT_CASES = [
    ("name", MISSING, REQUIRED),
    ("name", "名" * 61, TOO_LONG),
    ("name", "周\x00", NUL),
    ("phone", "一三六", PHONE),
    ("phone", "12", PHONE),
    ("email", "zhoujie", EMAIL),
    ("title", "职" * 61, TOO_LONG),
]


@pytest.mark.parametrize("field,value,text", LEAD_CONTACT_CASES)
def test_it_refuses_a_bad_lead_contact_by_field(world, client_as, field, value, text):
    client = client_as("park_operator")
    before = db_state()
    response = client.post(reverse("investment:contact_create", args=[world.lead_xltd.pk]),
                           _data(LEAD_CONTACT, field, value))
    assert_form_refused(response, field, text)
    assert_unchanged(before)


@pytest.mark.parametrize("field,value,text", LEAD_CONTACT_CASES[::2])
def test_it_refuses_a_bad_lead_contact_edit_and_keeps_the_contact(world, client_as, field, value, text):
    client = client_as("region_staff")
    before = db_state()
    c = world.lead_contact_smyz
    data = {"name": c.name, "title": c.title, "phone": c.phone, "email": c.email}
    response = client.post(reverse("investment:contact_edit", args=[c.pk]), _data(data, field, value))
    assert_form_refused(response, field, text)
    assert_unchanged(before)


@pytest.mark.parametrize("data,text", [
    ({"status": "teleported"}, CHOICE),
    ({}, REQUIRED),
    ({"status": "lost"}, "请填写线索流失原因。"),
    ({"status": "lost", "reason": "   "}, "请填写线索流失原因。"),
    ({"status": "lost", "reason": "因" * 301}, TOO_LONG),
    ({"status": "lost", "reason": "\x00"}, NUL),
])
def test_it_refuses_a_bad_lead_status_with_a_message_and_keeps_the_lead(world, client_as, data, text):
    client = client_as("region_staff")
    before = db_state()
    response = client.post(reverse("investment:lead_status", args=[world.lead_smyz.pk]), data, follow=True)
    assert_message_shown(response, text)
    assert_unchanged(before)


@pytest.mark.parametrize("target,text", [
    (MISSING, REQUIRED),
    ("@lead_laoshan", CHOICE),
    ("@lead_smyz", CHOICE),  # merging a lead into itself
    (str(HUGE), CHOICE),
    ("abc", CHOICE),
])
def test_it_refuses_a_bad_merge_target_and_keeps_both_leads(world, client_as, target, text):
    client = client_as("region_staff")
    before = db_state()
    data = {} if target is MISSING else {"target": _pk(world, target)}
    response = client.post(reverse("investment:lead_merge", args=[world.lead_smyz.pk]), data, follow=True)
    assert_message_shown(response, text)
    assert "崂山" not in response.content.decode()
    assert_unchanged(before)


CONVERT_CASES = [
    ("uscc", MISSING, REQUIRED),
    ("uscc", BAD_CHECK_USCC, USCC_CHECK),
    ("uscc", "1" * 23, TOO_LONG),
    ("name", MISSING, REQUIRED),
    ("name", "企" * 151, TOO_LONG),
    ("name", "青岛\x00", NUL),
    ("park", "@smyz", CHOICE),
    ("park", "@laoshan_park", CHOICE),
    ("signed_on", "2025-13-45", DATE),
    ("signed_on", tomorrow, FUTURE),
]


@pytest.mark.parametrize("field,value,text", CONVERT_CASES)
def test_it_refuses_a_bad_conversion_to_a_settlement(world, client_as, field, value, text):
    client = client_as("park_operator")
    before = db_state()
    base = {"uscc": "91350100M000100Y43", "name": "青岛远航数据科技有限公司", "park": str(world.xltd.pk),
            "signed_on": "2025-04-01"}
    response = client.post(reverse("investment:lead_convert", args=[world.lead_xltd.pk]),
                           _data(base, field, _pk(world, value)))
    assert_form_refused(response, field, text)
    assert_unchanged(before)


def test_it_converts_with_the_data_the_bad_cases_start_from(world, client_as):
    base = {"uscc": "91350100M000100Y43", "name": "青岛远航数据科技有限公司", "park": str(world.xltd.pk),
            "signed_on": "2025-04-01"}
    response = client_as("park_operator").post(reverse("investment:lead_convert", args=[world.lead_xltd.pk]), base)
    assert response.status_code == 302
    # A code outside the operator's scope (here registered nowhere) is accepted as a request district staff decide.
    filed = EnterpriseRequest.objects.get(uscc=base["uscc"], park=world.xltd, status="pending")
    assert filed.registration["name"] == base["name"]


@pytest.mark.parametrize("field,value,text", [
    ("name", MISSING, REQUIRED),
    ("name", "项" * 151, TOO_LONG),
    ("park", MISSING, REQUIRED),
    ("park", "@smyz", CHOICE),
    ("level", "cosmic", CHOICE),
    ("total_investment_wan", MISSING, REQUIRED),
    ("total_investment_wan", "-1", AT_LEAST),
    ("total_investment_wan", "五亿", NUMBER),
    ("total_investment_wan", "9" * 20, DIGITS),
    ("fixed_asset_investment_wan", "-0.5", AT_LEAST),
])
def test_it_refuses_a_bad_conversion_to_a_project(world, client_as, field, value, text):
    client = client_as("park_operator")
    before = db_state()
    base = {"name": "远航数据总部", "park": str(world.xltd.pk), "level": "district", "total_investment_wan": "5000"}
    response = client.post(reverse("investment:lead_convert_project", args=[world.lead_xltd.pk]),
                           _data(base, field, _pk(world, value)))
    assert_form_refused(response, field, text)
    assert_unchanged(before)


# --- projects -----------------------------------------------------------------------------------

PROJECT = {"name": "李沧新材料项目", "level": "district", "region": "370213", "total_investment_wan": "10000"}
PROJECT_CASES = [
    ("name", MISSING, REQUIRED),
    ("name", "项" * 151, TOO_LONG),
    ("name", "项目\x00", NUL),
    ("level", "cosmic", CHOICE),
    ("park", "@laoshan_park", CHOICE),
    ("park", str(HUGE), CHOICE),
    ("region", "370212", CHOICE),
    ("industry", "0000", CHOICE),
    ("investor_enterprise", "@ent_laoshan", CHOICE),
    ("investor_lead", "@lead_laoshan", CHOICE),
    ("total_investment_wan", MISSING, REQUIRED),
    ("total_investment_wan", "-1", AT_LEAST),
    ("total_investment_wan", "1亿", NUMBER),
    ("total_investment_wan", "1" * 20, DIGITS),
    ("fixed_asset_investment_wan", "-1", AT_LEAST),
    ("note", "\x00", NUL),
]


@pytest.mark.parametrize("field,value,text", PROJECT_CASES)
def test_it_refuses_a_bad_new_project_by_field(world, client_as, field, value, text):
    client = client_as("region_staff")
    before = db_state()
    response = client.post(reverse("investment:project_create"),
                           _data({**PROJECT, "park": str(world.smyz.pk)}, field, _pk(world, value)))
    assert_form_refused(response, field, text)
    assert "崂山" not in response.content.decode()
    assert_unchanged(before)


def test_it_registers_the_project_the_bad_cases_start_from(world, client_as):
    response = client_as("region_staff").post(reverse("investment:project_create"),
                                              {**PROJECT, "park": str(world.smyz.pk)})
    assert response.status_code == 302
    assert Project.objects.filter(name=PROJECT["name"]).count() == 1


@pytest.mark.parametrize("data,text", [
    ({"to_stage": "warp", "on": "2025-03-01"}, CHOICE),
    ({"on": "2025-03-01"}, REQUIRED),
    ({"to_stage": "registered"}, REQUIRED),
    ({"to_stage": "registered", "on": "2025-13-45"}, DATE),
    ({"to_stage": "registered", "on": tomorrow}, FUTURE),
    ({"to_stage": "talks", "on": "2025-03-01"}, "项目阶段只能向后推进"),
    ({"to_stage": "terminated", "on": "2025-03-01"}, "请填写项目终止原因。"),
    ({"to_stage": "terminated", "on": "2025-03-01", "reason": "因" * 301}, TOO_LONG),
])
def test_it_refuses_a_bad_stage_change_with_a_message_and_keeps_the_project(world, client_as, data, text):
    client = client_as("region_staff")
    before = db_state()
    data = {k: v() if callable(v) else v for k, v in data.items()}
    response = client.post(reverse("investment:project_stage", args=[world.project_smyz.pk]), data, follow=True)
    assert_message_shown(response, text)
    assert_unchanged(before)


@pytest.mark.parametrize("data,text", [
    ({"signed": "2025-13-45"}, DATE),
    ({"registered": "明年"}, DATE),
])
def test_it_refuses_a_bad_plan_and_keeps_the_planned_dates(world, client_as, data, text):
    client = client_as("region_staff")
    before = db_state()
    response = client.post(reverse("investment:project_plan", args=[world.project_xltd.pk]), data, follow=True)
    assert_message_shown(response, text)
    assert_unchanged(before)


@pytest.mark.parametrize("data,text", [
    ({"planned_wan": "100", "completed_wan": "50"}, REQUIRED),
    ({"month": "2025-13-01", "planned_wan": "100", "completed_wan": "50"}, DATE),
    ({"month": "2025-03-01", "planned_wan": "-100", "completed_wan": "50"}, AT_LEAST),
    ({"month": "2025-03-01", "planned_wan": "100", "completed_wan": "五十"}, NUMBER),
    ({"month": "2025-03-01", "planned_wan": "1" * 20, "completed_wan": "1"}, DIGITS),
    ({"month": next_month, "planned_wan": "100", "completed_wan": "50"}, "不能填报未来月份的完成投资。"),
])
def test_it_refuses_a_bad_month_of_investment_and_keeps_the_months(world, client_as, data, text):
    client = client_as("region_staff")
    before = db_state()
    data = {k: v() if callable(v) else v for k, v in data.items()}
    response = client.post(reverse("investment:project_month", args=[world.project_smyz.pk]), data, follow=True)
    assert_message_shown(response, text)
    assert_unchanged(before)


@pytest.mark.parametrize("reason,text", [("", "请填写退回原因。"), ("   ", "请填写退回原因。")])
def test_it_refuses_returning_a_stage_change_without_a_reason(world, client_as, reason, text):
    client = client_as("region_staff")
    before = db_state()
    response = client.post(reverse("investment:change_return", args=[world.change_xltd.pk]), {"reason": reason},
                           follow=True)
    assert_message_shown(response, text)
    assert_unchanged(before)


def test_it_refuses_deciding_ones_own_change(world, client_as):
    client = client_as("region_staff")
    before = db_state()
    response = client.post(reverse("investment:change_approve", args=[world.change_smyz.pk]), follow=True)
    assert_message_shown(response, "您不能审核本人提交的申请。")
    assert_unchanged(before)


@pytest.mark.parametrize("name", ["investment:change_approve", "investment:change_return"])
def test_it_refuses_deciding_a_decided_change_again(world, client_as, name):
    client = client_as("region_staff")
    assert client.post(reverse("investment:change_approve", args=[world.change_xltd.pk])).status_code == 302
    before = db_state()
    response = client.post(reverse(name, args=[world.change_xltd.pk]), {"reason": "再议"}, follow=True)
    assert_message_shown(response, "该申请已审核完毕。")
    assert_unchanged(before)


# --- cases --------------------------------------------------------------------------------------

CASE = {"title": "新材料 用地指标", "kind": "one_matter", "request": "用地指标"}
CASE_CASES = [
    ("title", MISSING, REQUIRED),
    ("title", "题" * 151, TOO_LONG),
    ("title", "\x00", NUL),
    ("kind", "one_universe", CHOICE),
    ("request", MISSING, REQUIRED),
    ("request", "请求\x00", NUL),
    ("enterprise", "@ent_laoshan", CHOICE),
    ("lead", "@lead_laoshan", CHOICE),
    ("project", "@project_laoshan", CHOICE),
    ("project", str(HUGE), CHOICE),
]


@pytest.mark.parametrize("field,value,text", CASE_CASES)
def test_it_refuses_a_bad_new_case_by_field(world, client_as, field, value, text):
    client = client_as("region_staff")
    before = db_state()
    response = client.post(reverse("investment:case_create"),
                           _data({**CASE, "enterprise": str(world.ent_smyz.pk)}, field, _pk(world, value)))
    assert_form_refused(response, field, text)
    assert "崂山" not in response.content.decode()
    assert_unchanged(before)


def test_it_refuses_a_case_about_nothing(world, client_as):
    client = client_as("region_staff")
    before = db_state()
    response = client.post(reverse("investment:case_create"), CASE)
    assert_form_refused(response, None, "请选择该议事事项涉及的企业、招商线索或项目。")
    assert_unchanged(before)


@pytest.mark.parametrize("status", ["", "accepted", "nonsense", "\x00"])
def test_it_refuses_a_case_status_that_is_not_forward(world, client_as, status):
    client = client_as("region_staff")
    before = db_state()
    response = client.post(reverse("investment:case_advance", args=[world.case_smyz.pk]), {"status": status},
                           follow=True)
    assert_message_shown(response, "议事事项的办理状态只能向后推进。")
    assert_unchanged(before)


@pytest.mark.parametrize("data,text", [
    ({"minutes": "纪要"}, REQUIRED),
    ({"on": "2025-13-45", "minutes": "纪要"}, DATE),
    ({"on": tomorrow, "minutes": "纪要"}, FUTURE),
    ({"on": "2025-03-01"}, REQUIRED),
    ({"on": "2025-03-01", "minutes": "纪要", "attendees": "人" * 301}, TOO_LONG),
    ({"on": "2025-03-01", "minutes": "纪\x00要"}, NUL),
])
def test_it_refuses_a_bad_case_meeting_with_a_message(world, client_as, data, text):
    client = client_as("region_staff")
    before = db_state()
    data = {k: v() if callable(v) else v for k, v in data.items()}
    response = client.post(reverse("investment:case_meeting", args=[world.case_smyz.pk]), data, follow=True)
    assert_message_shown(response, text)
    assert_unchanged(before)


@pytest.mark.parametrize("data,text", [
    ({"owner": "区发改局", "due_on": "2025-06-30"}, REQUIRED),
    ({"text": "措施", "due_on": "2025-06-30"}, REQUIRED),
    ({"text": "措施", "owner": "区发改局"}, REQUIRED),
    ({"text": "措" * 301, "owner": "区发改局", "due_on": "2025-06-30"}, TOO_LONG),
    ({"text": "措施", "owner": "局" * 101, "due_on": "2025-06-30"}, TOO_LONG),
    ({"text": "措施", "owner": "区发改局", "due_on": "2025-06-31"}, DATE),
])
def test_it_refuses_a_bad_case_measure_with_a_message(world, client_as, data, text):
    client = client_as("region_staff")
    before = db_state()
    response = client.post(reverse("investment:case_measure", args=[world.case_smyz.pk]), data, follow=True)
    assert_message_shown(response, text)
    assert_unchanged(before)


@pytest.mark.parametrize("on,text", [("2025-13-45", DATE), (tomorrow, FUTURE), ("今天", DATE)])
def test_it_refuses_a_bad_done_date_for_a_measure(world, client_as, on, text):
    client = client_as("region_staff")
    before = db_state()
    response = client.post(reverse("investment:case_measure_done", args=[world.measure_smyz.pk]),
                           {"on": on() if callable(on) else on}, follow=True)
    assert_message_shown(response, text)
    assert_unchanged(before)


@pytest.mark.parametrize("name,ref", [
    ("investment:case_advance", "case_laoshan"), ("investment:case_meeting", "case_laoshan"),
    ("investment:case_measure", "case_laoshan"), ("investment:case_measure_done", "measure_laoshan"),
    ("investment:lead_status", "lead_laoshan"), ("investment:lead_merge", "lead_laoshan"),
    ("investment:project_stage", "project_laoshan"), ("investment:project_month", "project_laoshan"),
    ("investment:change_return", "change_laoshan"), ("investment:contact_edit", "lead_contact_laoshan"),
])
def test_it_answers_404_to_a_post_on_another_districts_object(world, client_as, name, ref):
    client = client_as("region_staff")
    before = db_state()
    response = client.post(reverse(name, args=[getattr(world, ref).pk]), {"status": "studying", "reason": "x",
                                                                          "on": "2025-03-01", "minutes": "x"})
    assert response.status_code == 404
    assert "崂山" not in response.content.decode()
    assert_unchanged(before)


# --- settings -----------------------------------------------------------------------------------

@pytest.mark.parametrize("value,text", [
    (MISSING, REQUIRED),  # once taken for a GET (RegionSettingForm(request.POST or None))
    ("0", AT_LEAST), ("-30", AT_LEAST), ("3651", AT_MOST), (str(HUGE), AT_MOST),
    ("三十", WHOLE_NUMBER), ("30.5", WHOLE_NUMBER),
])
def test_it_refuses_a_bad_stale_days_setting(world, client_as, value, text):
    client = client_as("region_staff")
    before = db_state()
    response = client.post(reverse("investment:settings"), _data({}, "lead_stale_days", value))
    assert_form_refused(response, "lead_stale_days", text)
    assert_unchanged(before)
