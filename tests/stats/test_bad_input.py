"""Bad input on the statistics pages (the report form, rounds, the dictionary, targets, review): a Chinese error
beside the field or as a message, and nothing stored changes."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.bad_input_support import (
    AT_LEAST,
    AT_MOST,
    CHOICE,
    DATE,
    HUGE,
    MISSING,
    NUL,
    NUMBER,
    REQUIRED,
    TOO_LONG,
    WHOLE_NUMBER,
    assert_form_refused,
    assert_message_shown,
    assert_unchanged,
    db_state,
    each_test_rolled_back,  # noqa: F401 (a fixture: each test in a savepoint)
    form_data,
    module_world,  # noqa: F401 (a fixture: the shared world, once per module)
)
from yuanqu.stats.models import Indicator, Round, Target

STATS_NUMBER = "应为数字"



def _ind(code: str) -> Indicator:
    return Indicator.objects.get(code=code)


# --- the enterprise's report --------------------------------------------------------------------

@pytest.mark.parametrize("prefix,value,text", [
    ("v", "很多", STATS_NUMBER),
    ("v", "1e5", STATS_NUMBER),
    ("v", "NaN", STATS_NUMBER),
    ("v", "12\x0034", STATS_NUMBER),
    ("v", "--5", STATS_NUMBER),
    ("v", "12.345678", "最多保留4位小数。"),
    ("v", "1" * 30, "数值过大。"),
    ("v", "-5", "不能为负数。"),
    ("r", "因" * 201, TOO_LONG),  # the 无数据 reason's errors were once not shown on the page
    ("r", "无\x00", NUL),
    ("e", "说" * 501, TOO_LONG),
    ("e", "说明\x00", NUL),
])
def test_it_refuses_a_bad_report_value_and_keeps_the_report(world, client_as, prefix, value, text):
    client = client_as("enterprise_user")
    before = db_state()
    field = f"{prefix}_{_ind('output').pk}"
    data = {"action": "save", f"v_{_ind('output').pk}": "1200", field: value}
    response = client.post(reverse("stats:report_fill", args=[world.report_xltd.pk]), data)
    assert_form_refused(response, field, text)
    assert "报表未保存：请查看各栏旁的提示。" in response.content.decode()
    assert_unchanged(before)


def test_it_saves_the_draft_the_bad_report_cases_start_from(world, client_as):
    data = {"action": "save", f"v_{_ind('output').pk}": "1200"}
    response = client_as("enterprise_user").post(reverse("stats:report_fill", args=[world.report_xltd.pk]), data)
    assert response.status_code == 302
    assert world.report_xltd.values.get(indicator__code="output").value == 1200


@pytest.mark.parametrize("indicator", ["", "abc", str(HUGE), "999999999", "-1"])
def test_it_answers_404_to_a_live_check_of_an_unknown_indicator(world, client_as, indicator):
    client = client_as("enterprise_user")
    before = db_state()
    response = client.post(reverse("stats:report_check", args=[world.report_xltd.pk]), {"indicator": indicator})
    assert response.status_code == 404
    assert_unchanged(before)


@pytest.mark.parametrize("value,text", [("很多", STATS_NUMBER), ("-5", "不能为负数。"), ("1" * 30, "数值过大。")])
def test_it_shows_the_live_check_error_in_chinese_and_stores_nothing(world, client_as, value, text):
    client = client_as("enterprise_user")
    before = db_state()
    pk = _ind("output").pk
    response = client.post(reverse("stats:report_check", args=[world.report_xltd.pk]),
                           {"indicator": str(pk), f"v_{pk}": value})
    assert response.status_code == 200
    assert text in response.content.decode()
    assert_unchanged(before)


# --- review actions -----------------------------------------------------------------------------

@pytest.mark.parametrize("role,reason", [("region_staff", ""), ("region_staff", "   "), ("park_operator", "")])
def test_it_refuses_returning_a_report_without_a_reason(world, client_as, role, reason):
    client = client_as(role)
    before = db_state()
    response = client.post(reverse("stats:report_return", args=[world.report_xltd.pk]), {"reason": reason},
                           follow=True)
    assert_message_shown(response, "请填写退回原因。")
    assert_unchanged(before)


def test_it_refuses_approving_a_report_not_yet_reviewed(world, client_as):
    client = client_as("region_staff")
    before = db_state()
    response = client.post(reverse("stats:report_approve", args=[world.report_xltd.pk]), follow=True)
    assert response.status_code == 200
    assert [m for m in response.context["messages"] if m.level_tag == "error"]
    assert_unchanged(before)


@pytest.mark.parametrize("reason", ["", "  "])
def test_it_refuses_reopening_a_period_without_a_reason(world, client_as, reason):
    client = client_as("region_staff")
    before = db_state()
    response = client.post(reverse("stats:round_reopen", args=[world.round_licang.pk]), {"reason": reason},
                           follow=True)
    assert_message_shown(response, "请填写解锁该报告期的原因。")
    assert_unchanged(before)


@pytest.mark.parametrize("name,ref", [
    ("stats:report_return", "report_laoshan"), ("stats:report_approve", "report_laoshan"),
    ("stats:report_park_review", "report_laoshan"), ("stats:report_remind", "report_laoshan"),
    ("stats:report_fill", "report_laoshan"), ("stats:report_check", "report_laoshan"),
    ("stats:round_reopen", "round_laoshan"), ("stats:round_lock", "round_laoshan"),
    ("stats:round_remind", "round_laoshan"),
])
def test_it_answers_404_to_a_post_on_another_districts_report_or_round(world, client_as, name, ref):
    client = client_as("region_staff")
    before = db_state()
    response = client.post(reverse(name, args=[getattr(world, ref).pk]), {"reason": "x", "indicator": "1"})
    assert response.status_code == 404
    assert "崂山" not in response.content.decode()
    assert_unchanged(before)


# --- rounds -------------------------------------------------------------------------------------

ROUND = {"frequency": "month", "year": "2025", "month": "5", "deadline": "2025-06-10"}
ROUND_CASES = [
    ("frequency", MISSING, REQUIRED),
    ("frequency", "weekly", CHOICE),
    ("year", MISSING, REQUIRED),
    ("year", "1999", AT_LEAST),
    ("year", "2101", AT_MOST),
    ("year", "二〇二五", WHOLE_NUMBER),
    ("year", str(HUGE), AT_MOST),
    ("month", MISSING, REQUIRED),
    ("month", "0", AT_LEAST),
    ("month", "13", AT_MOST),
    ("month", "5.5", WHOLE_NUMBER),
    ("deadline", MISSING, REQUIRED),
    ("deadline", "2025-13-45", DATE),
    ("indicators", ["999999999"], CHOICE),
]


@pytest.mark.parametrize("field,value,text", ROUND_CASES)
def test_it_refuses_a_bad_new_round_by_field(world, client_as, field, value, text):
    client = client_as("region_staff")
    before = db_state()
    response = client.post(reverse("stats:round_create"), form_data(ROUND, field, value))
    assert_form_refused(response, field, text)
    assert_unchanged(before)


def test_it_opens_the_round_the_bad_cases_start_from(world, client_as):
    response = client_as("region_staff").post(reverse("stats:round_create"), ROUND)
    assert response.status_code == 302
    assert Round.objects.filter(region=world.licang, year=2025, month=5).count() == 1


@pytest.mark.parametrize("data,field,text", [
    ({"frequency": "quarter", "month": "5"}, "month", "的报告期不能在5月结束。"),
    ({"year": "2099", "month": "12"}, "year", "该报告期尚未开始。"),
    ({"month": "6"}, None, "该报告期已开启填报轮次。"),
])
def test_it_refuses_a_round_for_an_impossible_or_taken_period(world, client_as, data, field, text):
    client = client_as("region_staff")
    before = db_state()
    response = client.post(reverse("stats:round_create"), {**ROUND, **data})
    assert_form_refused(response, field, text)
    assert_unchanged(before)


def test_it_refuses_indicators_of_another_frequency_in_a_round(world, client_as):
    client = client_as("region_staff")
    yearly = Indicator.objects.exclude(frequency="month").filter(active=True).first()
    assert yearly is not None, "the dictionary has an indicator reported quarterly or yearly"
    before = db_state()
    response = client.post(reverse("stats:round_create"), {**ROUND, "indicators": [str(yearly.pk)]})
    assert_form_refused(response, "indicators", "以下指标的报送频率不同")
    assert_unchanged(before)


# --- the indicator dictionary -------------------------------------------------------------------

INDICATOR = {"code": "new_metric", "name": "新指标", "unit": "万元", "frequency": "month", "aggregation": "sum",
             "basis": "cumulative", "audience": "all", "change_action": "warn", "decimals": "2",
             "sort_order": "100", "required": "on", "active": "on"}
INDICATOR_CASES = [
    ("code", MISSING, REQUIRED),
    ("code", "产值 指标", "输入由字母，数字，下划线或连字符号组成的有效"),
    ("code", "c" * 31, TOO_LONG),
    ("name", MISSING, REQUIRED),
    ("name", "名" * 61, TOO_LONG),
    ("name", "指\x00标", NUL),
    ("unit", MISSING, REQUIRED),
    ("unit", "单" * 21, TOO_LONG),
    ("frequency", "weekly", CHOICE),
    ("aggregation", "median", CHOICE),
    ("basis", "whatever", CHOICE),
    ("audience", "aliens", CHOICE),
    ("change_action", "explode", CHOICE),
    ("decimals", "-1", AT_LEAST),
    ("decimals", "5", AT_MOST),
    ("decimals", "两位", WHOLE_NUMBER),
    ("decimals", str(HUGE), AT_MOST),
    ("sort_order", "-1", AT_LEAST),
    ("min_value", "最小", NUMBER),
    ("max_value", "1" * 30, "确认总共不超过"),
    ("change_threshold_pct", "-5", AT_LEAST),
    ("part_of", "999999999", CHOICE),
    ("audience_industry", "C27151", TOO_LONG),
]


@pytest.mark.parametrize("field,value,text", INDICATOR_CASES)
def test_it_refuses_a_bad_new_indicator_by_field(world, client_as, field, value, text):
    client = client_as("region_staff")
    before = db_state()
    response = client.post(reverse("stats:indicator_create"), form_data(INDICATOR, field, value))
    assert_form_refused(response, field, text)
    assert_unchanged(before)


def test_it_adds_the_indicator_the_bad_cases_start_from(world, client_as):
    response = client_as("region_staff").post(reverse("stats:indicator_create"), INDICATOR)
    assert response.status_code == 302
    assert Indicator.objects.get(code="new_metric").name == "新指标"


@pytest.mark.parametrize("data,field,text", [
    ({"code": "output"}, "code", "已存在"),
    ({"audience": "flag"}, "audience_flag", "请选择需报送该指标的企业标识。"),
    ({"audience": "industry"}, "audience_industry", "请填写需报送该指标的企业的行业代码（或其前缀）。"),
])
def test_it_refuses_a_taken_code_or_an_audience_without_its_detail(world, client_as, data, field, text):
    client = client_as("region_staff")
    before = db_state()
    response = client.post(reverse("stats:indicator_create"), {**INDICATOR, **data})
    assert_form_refused(response, field, text)
    assert_unchanged(before)


def test_it_refuses_a_minimum_above_the_maximum(world, client_as):
    client = client_as("region_staff")
    before = db_state()
    response = client.post(reverse("stats:indicator_create"), {**INDICATOR, "min_value": "10", "max_value": "5"})
    assert response.status_code == 200 and response.context["form"].errors
    text = " ".join(str(m) for msgs in response.context["form"].errors.values() for m in msgs)
    assert "Constraint" not in text and "constraint" not in text, text
    assert_unchanged(before)


def _indicator_data(ind: Indicator) -> dict[str, Any]:
    data = {f: getattr(ind, f) for f in ("code", "name", "unit", "frequency", "aggregation", "basis", "department",
                                         "audience", "audience_flag", "audience_industry", "change_action",
                                         "decimals", "sort_order")}
    data.update({"required": "on" if ind.required else "", "active": "on" if ind.active else ""})
    for f in ("min_value", "max_value", "change_threshold_pct"):
        data[f] = "" if getattr(ind, f) is None else str(getattr(ind, f))
    data["part_of"] = ind.part_of_id or ""
    return {k: ("" if v is None else str(v)) for k, v in data.items()}


@pytest.mark.parametrize("field,value,text", INDICATOR_CASES[::3] + [
    ("code", "revenue", "已存在"), ("part_of", "@self", CHOICE)])
def test_it_refuses_a_bad_indicator_edit_and_keeps_the_indicator(world, client_as, field, value, text):
    client = client_as("region_staff")
    ind = _ind("output")
    before = db_state()
    if value == "@self":
        value = str(ind.pk)
    response = client.post(reverse("stats:indicator_edit", args=[ind.pk]),
                           form_data(_indicator_data(ind), field, value))
    assert_form_refused(response, field, text)
    assert_unchanged(before)


# --- targets ------------------------------------------------------------------------------------

def _target(world: Any) -> dict[str, str]:
    return {"indicator": str(_ind("output").pk), "year": "2025", "park": str(world.xltd.pk), "value": "50000"}


@pytest.mark.parametrize("field,value,text", [
    ("indicator", MISSING, REQUIRED),
    ("indicator", "999999999", CHOICE),
    ("indicator", str(HUGE), CHOICE),
    ("year", MISSING, REQUIRED),
    ("year", "1999", AT_LEAST),
    ("year", "明年", WHOLE_NUMBER),
    ("park", "@laoshan_park", CHOICE),
    ("park", "abc", CHOICE),
    ("value", MISSING, REQUIRED),
    ("value", "", REQUIRED),
    ("value", "-1", "目标值不能为负数。"),
    ("value", "1" * 30, "数值过大。"),
])
def test_it_refuses_a_bad_target_by_field(world, client_as, field, value, text):
    client = client_as("region_staff")
    before = db_state()
    if value == "@laoshan_park":
        value = str(world.laoshan_park.pk)
    response = client.post(reverse("stats:target_set"), form_data(_target(world), field, value))
    assert_form_refused(response, field, text)
    assert "崂山" not in response.content.decode()
    assert_unchanged(before)


def test_it_sets_the_target_the_bad_cases_start_from(world, client_as):
    response = client_as("region_staff").post(reverse("stats:target_set"), _target(world))
    assert response.status_code == 302
    assert Target.objects.get(park=world.xltd, year=2025).value == 50000


@pytest.mark.parametrize("params", [
    {"year": "abc"}, {"month": "13"}, {"year": str(HUGE), "month": str(HUGE)}, {"indicator": "\x00"},
    {"segment": "<script>"}, {"year": "-1", "month": "-1"},
])
def test_it_shows_the_aggregates_page_for_nonsense_parameters(world, client_as, params):
    response = client_as("region_staff").get(reverse("stats:aggregates"), params)
    assert response.status_code == 200
    assert "value=\"<script>" not in response.content.decode()


@pytest.mark.parametrize("park", ["abc", str(HUGE), "-1"])
def test_it_answers_404_to_the_aggregates_of_a_nonsense_park(world, client_as, park):
    assert client_as("region_staff").get(reverse("stats:aggregates"), {"park": park}).status_code == 404
