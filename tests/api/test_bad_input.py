"""Bad input on every write endpoint of the REST API (and the integer parameters of its lists).

What the API promises (yuanqu/api/api.py): a refused input is a 422 with a Chinese ``detail`` and the errors by
field, in Chinese; an object outside the caller's scope is a 404 (in a path) or the same "does not exist or is
outside your scope" error as a missing id (in a body), so nothing confirms it exists; never a 500; and a
refused request stores nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.bad_input_support import (
    API_DATE,
    API_INVALID,
    API_NOT_FOUND,
    API_OUT_OF_SCOPE,
    AT_LEAST,
    AT_MOST,
    BAD_CHECK_USCC,
    EMOJI,
    HUGE,
    NEW_USCC,
    NUMBER,
    REQUIRED,
    TOO_LONG,
    USCC_CHECK,
    api_post,
    assert_api_refused,
    assert_unchanged,
    db_state,
    each_test_rolled_back,  # noqa: F401 (a fixture: each test in a savepoint)
    module_world,  # noqa: F401 (a fixture: the shared world, once per module)
)
from yuanqu.enterprises.models import Enterprise
from yuanqu.parks.models import Park

ENGLISH = re.compile(r"[A-Za-z]{4,}")


def assert_chinese(messages: list[str], echoed: Any = ()) -> None:
    """Every message is Chinese: no English word is left in it (the format YYYY-MM-DD and the user's own
    input, which a message may quote, aside)."""
    for message in messages:
        rest = message.replace("YYYY-MM-DD", "").replace("Email", "")
        for value in echoed:
            rest = rest.replace(str(value), "")
        assert not ENGLISH.search(rest), f"English in the message: {message!r}"


@pytest.fixture
def api(client_as: Callable[[str], Client]) -> Callable[[str], Client]:
    """A session-authenticated API client for a role (a 500 raises, so it fails the test with its traceback)."""
    return client_as


# --- endpoints: the path (from the world) and a body the endpoint accepts --------------------------

ENDPOINTS: dict[str, tuple[str, str, Callable[[Any], str], Callable[[Any], dict[str, Any]]]] = {
    "park": ("post", "region_staff", lambda w: "/api/parks/",
             lambda w: {"name": "接口新园", "region": "370213", "kind": "industrial"}),
    "enterprise": ("post", "region_staff", lambda w: "/api/enterprises/",
                   lambda w: {"uscc": NEW_USCC, "name": "青岛接口坏输入有限公司", "region": "370213"}),
    "settlement": ("post", "region_staff", lambda w: "/api/settlements/",
                   lambda w: {"enterprise": w.ent_xltd.pk, "park": w.smyz.pk, "signed_on": "2024-09-09"}),
    "advance": ("post", "region_staff", lambda w: f"/api/settlements/{w.st_smyz.pk}/advance",
                lambda w: {"to_stage": "fitout", "on": "2024-07-01"}),
    "lead": ("post", "region_staff", lambda w: "/api/leads/",
             lambda w: {"name": "青岛接口线索科技有限公司", "target_park": w.smyz.pk}),
    "lead_status": ("post", "region_staff", lambda w: f"/api/leads/{w.lead_smyz.pk}/status",
                    lambda w: {"status": "contacted"}),
    "follow_up": ("post", "region_staff", lambda w: f"/api/leads/{w.lead_smyz.pk}/follow-ups",
                  lambda w: {"kind": "call", "on": "2025-03-01", "summary": "电话沟通"}),
    "project": ("post", "region_staff", lambda w: "/api/projects/",
                lambda w: {"name": "接口新项目", "park": w.smyz.pk, "total_investment_wan": "1000"}),
    "stage": ("post", "region_staff", lambda w: f"/api/projects/{w.project_smyz.pk}/stage",
              lambda w: {"to_stage": "registered", "on": "2025-03-01"}),
    "case": ("post", "region_staff", lambda w: "/api/cases/",
             lambda w: {"title": "接口案件", "kind": "one_matter", "request": "用地", "project": w.project_smyz.pk}),
    "entries": ("post", "region_staff", lambda w: f"/api/stats/reports/{w.report_smyz.pk}/entries",
                lambda w: {"entries": [{"indicator": "output", "value": "100"}]}),
    "return": ("post", "region_staff", lambda w: f"/api/stats/reports/{w.report_smyz.pk}/return",
               lambda w: {"reason": "数据有误"}),
    "park_patch": ("patch", "region_staff", lambda w: f"/api/parks/{w.smyz.pk}", lambda w: {"address": "李沧区"}),
    "enterprise_patch": ("patch", "region_staff", lambda w: f"/api/enterprises/{w.ent_smyz.pk}",
                         lambda w: {"is_high_tech": True}),
    "settlement_patch": ("patch", "region_staff", lambda w: f"/api/settlements/{w.st_smyz.pk}",
                         lambda w: {"note": "更正"}),
}
REQUIRED_FIELDS = {
    "park": {"name", "region", "kind"}, "enterprise": {"uscc", "name", "region"},
    "settlement": {"park", "signed_on"}, "advance": {"to_stage", "on"}, "lead": {"name"},
    "lead_status": {"status"}, "follow_up": {"kind", "on", "summary"},
    "project": {"name", "total_investment_wan"}, "stage": {"to_stage", "on"}, "case": {"title", "kind", "request"},
    "entries": {"entries"}, "return": {"reason"},
}


def _call(api: Callable[[str], Client], world: Any, key: str, body: Any, role: str | None = None) -> Any:
    method, default_role, path, _base = ENDPOINTS[key]
    return api_post(api(role or default_role), path(world), body, method)


@pytest.mark.parametrize("key", sorted(set(ENDPOINTS) - {"return"}))  # a pending report cannot be returned
def test_it_accepts_the_body_the_bad_cases_start_from(world, api, key):
    """Each base body is valid, so every refusal below comes from its one bad part."""
    response = _call(api, world, key, ENDPOINTS[key][3](world))
    assert response.status_code in (200, 201), response.content


@pytest.mark.parametrize("key", sorted(REQUIRED_FIELDS))
@pytest.mark.parametrize("body", [{}, [], "null", '"text"', "42"], ids=["empty", "array", "null", "string", "number"])
def test_it_names_every_required_field_of_an_empty_or_shapeless_body(world, api, key, body):
    before = db_state()
    response = _call(api, world, key, body)
    errors = assert_api_refused(response, None)["errors"]
    if body == {}:
        assert REQUIRED_FIELDS[key] == set(errors), errors
        assert all(errors[f] == [REQUIRED] for f in REQUIRED_FIELDS[key]), errors
    assert any(REQUIRED in m for msgs in errors.values() for m in msgs), errors
    assert_chinese([m for msgs in errors.values() for m in msgs])
    assert_unchanged(before)


@pytest.mark.parametrize("key", sorted(ENDPOINTS))
def test_it_answers_malformed_json_in_chinese(world, api, key):
    before = db_state()
    response = _call(api, world, key, '{"name": "未闭合')
    assert response.status_code == 400
    assert response.json()["detail"] == API_INVALID
    assert_chinese([m for msgs in response.json()["errors"].values() for m in msgs])
    assert_unchanged(before)


@pytest.mark.parametrize("key", ["park_patch", "enterprise_patch", "settlement_patch"])
def test_it_changes_nothing_for_an_empty_patch(world, api, key):
    before = db_state()
    response = _call(api, world, key, {})
    assert response.status_code == 200
    assert_unchanged(before)


# Each row: endpoint, the change to its base body, the field the error must be on, the Chinese text it contains.
FIELD_CASES = [
    # parks
    ("park", {"name": ""}, "name", None),
    ("park", {"kind": "castle"}, "kind", "不是有效选项"),
    ("park", {"status": "haunted"}, "status", "不是有效选项"),
    ("park", {"opened_on": "2025-13-45"}, "opened_on", API_DATE),
    ("park", {"opened_on": "2023-02-29"}, "opened_on", API_DATE),
    ("park", {"land_area_mu": "-3"}, "land_area_mu", AT_LEAST),
    ("park", {"floor_area_m2": "很多"}, "floor_area_m2", NUMBER),
    ("park", {"total_investment_wan": HUGE}, "total_investment_wan", "确认总共不超过"),
    ("park", {"longitude": "200"}, "longitude", "确保该值小于或等于"),
    ("park", {"industries": ["0000"]}, "industries", API_OUT_OF_SCOPE),
    ("park", {"region": "999999"}, "region", API_OUT_OF_SCOPE),
    ("park", {"operator_name": "司" * 101}, "operator_name", TOO_LONG),
    ("park", {"address": "路" * 201}, "address", TOO_LONG),
    ("park", {"name": "园" * 101}, "name", None),
    ("park", {"name": None}, "name", REQUIRED),
    ("park", {"region": 370213}, "region", None),
    ("park", {"industries": "34"}, "industries", None),
    ("park", {"total_investment_wan": "NaN"}, "total_investment_wan", NUMBER),
    # enterprises
    ("enterprise", {"uscc": BAD_CHECK_USCC}, "uscc", USCC_CHECK),
    ("enterprise", {"uscc": "91350100M000100I43"}, "uscc", "统一社会信用代码只能由数字和除"),
    ("enterprise", {"region": "990000"}, "region", API_OUT_OF_SCOPE),
    ("enterprise", {"industry": "9999"}, "industry", API_OUT_OF_SCOPE),
    ("enterprise", {"established_on": "2999-01-01"}, "established_on", "日期不能晚于今天。"),
    ("enterprise", {"established_on": "2025-13-45"}, "established_on", API_DATE),
    ("enterprise", {"registered_capital_wan": "-1"}, "registered_capital_wan", "不能为负数。"),
    ("enterprise", {"registered_capital_wan": "五百万"}, "registered_capital_wan", NUMBER),
    ("enterprise", {"listing": "moon"}, "listing", "不是有效选项"),
    ("enterprise", {"srdi_level": "unicorn"}, "srdi_level", "不是有效选项"),
    ("enterprise", {"status": "bankrupt"}, "status", "不是有效选项"),
    ("enterprise", {"park": HUGE}, "park", AT_MOST),
    ("enterprise", {"is_high_tech": "也许"}, "is_high_tech", None),
    ("enterprise", {"name": "企" * 151}, "name", None),
    ("enterprise", {"business_scope": "经" * 2001}, "business_scope", TOO_LONG),
    # settlements
    ("settlement", {"signed_on": "2024-02-30"}, "signed_on", API_DATE),
    ("settlement", {"signed_on": "2999-01-01"}, "signed_on", "日期不能晚于今天。"),
    ("settlement", {"enterprise": HUGE}, "enterprise", AT_MOST),
    ("settlement", {"park": HUGE}, "park", AT_MOST),
    ("settlement", {"park": "abc"}, "park", NUMBER),
    ("settlement", {"units": [HUGE]}, "units.0", AT_MOST),
    # A broken code is named as broken; a well-formed code the caller may not see files a request (issue 12 H1).
    ("settlement", {"enterprise": None, "uscc": BAD_CHECK_USCC}, "uscc", "校验码"),
    ("advance", {"to_stage": "teleported"}, "to_stage", "无法识别的入驻阶段。"),
    ("advance", {"on": "2999-01-01"}, "fitout_on", "日期不能晚于今天。"),
    ("advance", {"on": "2024-13-01"}, "on", API_DATE),
    ("advance", {"to_stage": "exited"}, "reason", "请填写退出原因。"),
    ("advance", {"to_stage": "signed"}, "to_stage", "入驻阶段只能向后推进"),
    # leads
    ("lead", {"source": "telepathy"}, "source", "不是有效选项"),
    ("lead", {"intended_investment_wan": "-1"}, "intended_investment_wan", AT_LEAST),
    ("lead", {"expected_jobs": -1}, "expected_jobs", AT_LEAST),
    ("lead", {"expected_jobs": HUGE}, "expected_jobs", "确保该值小于或等于"),
    ("lead", {"expected_jobs": "八十"}, "expected_jobs", NUMBER),
    ("lead", {"target_park": HUGE}, "target_park", AT_MOST),
    ("lead", {"region": "999999"}, "region", API_OUT_OF_SCOPE),
    ("lead", {"uscc": BAD_CHECK_USCC}, "uscc", USCC_CHECK),
    ("lead", {"contacts": [{}]}, "contacts.0.name", REQUIRED),
    ("lead", {"contacts": [{"name": "钱", "email": "钱@"}]}, "email", "输入一个有效的 Email 地址。"),
    ("lead", {"contacts": [{"name": "钱", "phone": "打电话"}]}, "phone",
                 "请输入仅由数字组成的手机或固定电话号码"),
    ("lead", {"name": "企" * 151}, "name", None),
    ("lead_status", {"status": "teleported"}, "status", "无法识别的状态。"),
    ("lead_status", {"status": "lost"}, "reason", "请填写线索流失原因。"),
    ("lead_status", {"status": "lost", "reason": "   "}, "reason", "请填写线索流失原因。"),
    ("follow_up", {"kind": "telepathy"}, "kind", "不是有效选项"),
    ("follow_up", {"on": "2999-01-01"}, "on", "日期不能晚于今天。"),
    ("follow_up", {"on": "yesterday"}, "on", API_DATE),
    ("follow_up", {"participants": "人" * 301}, "participants", TOO_LONG),
    ("follow_up", {"next_step_on": "2025-02-30"}, "next_step_on", API_DATE),
    # projects
    ("project", {"total_investment_wan": "-1"}, "total_investment_wan", AT_LEAST),
    ("project", {"fixed_asset_investment_wan": "-1"}, "fixed_asset_investment_wan", AT_LEAST),
    ("project", {"total_investment_wan": "五亿"}, "total_investment_wan", NUMBER),
    ("project", {"level": "cosmic"}, "level", "不是有效选项"),
    ("project", {"park": HUGE}, "park", AT_MOST),
    ("project", {"investor_enterprise": HUGE}, "investor_enterprise", AT_MOST),
    ("project", {"investor_lead": HUGE}, "investor_lead", AT_MOST),
    ("project", {"industry": "0000"}, "industry", API_OUT_OF_SCOPE),
    ("project", {"name": "项" * 151}, "name", None),
    ("stage", {"to_stage": "warp"}, "to_stage", "无法识别的入驻阶段。"),
    ("stage", {"on": "2999-01-01"}, "on", "日期不能晚于今天。"),
    ("stage", {"to_stage": "talks"}, "to_stage", "项目阶段只能向后推进"),
    ("stage", {"to_stage": "terminated"}, "reason", "请填写项目终止原因。"),
    ("stage", {"on": "2025-13-45"}, "on", API_DATE),
    # cases
    ("case", {"kind": "one_universe"}, "kind", "不是有效选项"),
    ("case", {"project": None}, "__all__", "请选择该议事事项涉及的企业、招商线索或项目。"),
    ("case", {"project": HUGE}, "project", AT_MOST),
    ("case", {"enterprise": HUGE}, "enterprise", AT_MOST),
    ("case", {"lead": -1}, "lead", AT_LEAST),
    ("case", {"title": "题" * 151}, "title", None),
    # statistics
    ("entries", {"entries": [{"indicator": "output", "value": "很多"}]}, None, "应为数字"),
    ("entries", {"entries": [{"indicator": "output", "value": "-5"}]}, None, "不能为负数。"),
    ("entries", {"entries": [{"indicator": "output", "value": "1" * 30}]}, None, "数值过大。"),
    ("entries", {"entries": [{"indicator": "output", "value": "1.234567"}]}, None, "最多保留4位小数。"),
    ("entries", {"entries": [{"indicator": "nope", "value": "1"}]}, "entries", "nope"),
    ("entries", {"entries": [{"indicator": "output", "value": HUGE}]}, None, "数值过大。"),
    ("entries", {"entries": [{"indicator": "output", "value": "1", "explanation": "说" * 501}]}, None,
                 TOO_LONG),
    ("entries", {"entries": None}, "entries", None),
    ("return", {"reason": ""}, "reason", "请填写退回原因。"),
    ("return", {"reason": "   "}, "reason", "请填写退回原因。"),
    ("return", {"reason": None}, "reason", None),
]


@pytest.mark.parametrize("key,change,field,text", FIELD_CASES)
def test_it_refuses_a_bad_field_in_chinese_and_stores_nothing(world, api, key, change, field, text):
    body = {**ENDPOINTS[key][3](world), **change}
    before = db_state()
    response = _call(api, world, key, body)
    errors = assert_api_refused(response, field)["errors"]
    messages = errors[field] if field else [m for msgs in errors.values() for m in msgs]
    if text is not None:
        assert any(text in m for m in messages), errors
    assert_chinese(messages, echoed=[v for v in change.values() if isinstance(v, str)]
                   + [e["indicator"] for e in change.get("entries") or []])
    assert_unchanged(before)


# --- PATCH: null for a field that cannot be empty -----------------------------------------------

@pytest.mark.parametrize("key,field", [
    ("park_patch", "kind"),
    ("park_patch", "status"),
    ("enterprise_patch", "region"),
    ("enterprise_patch", "status"),
    ("enterprise_patch", "listing"),
    ("enterprise_patch", "is_high_tech"),
    ("settlement_patch", "signed_on"),
    ("park_patch", "name"),  # once a 500 (pinyin_keys(None))
    ("park_patch", "region"),
    ("enterprise_patch", "name"),
    ("enterprise_patch", "uscc"),  # once a 500 (normalize_uscc(None))
    ("settlement_patch", "note"),
])
def test_it_refuses_null_for_a_field_that_cannot_be_empty_and_keeps_the_row(world, api, key, field):
    before = db_state()
    response = _call(api, world, key, {field: None})
    assert response.json()["errors"][field] == [REQUIRED]
    assert_unchanged(before)


@pytest.mark.parametrize("key,change", [
    ("park_patch", {"name": "园" * 101}),
    ("park_patch", {"land_area_mu": "-1"}),
    ("park_patch", {"opened_on": "2025-13-45"}),
    ("park_patch", {"kind": "castle"}),
    ("park_patch", {"name": "信联天地"}),  # taken in the region
    ("enterprise_patch", {"uscc": BAD_CHECK_USCC}),
    ("enterprise_patch", {"registered_capital_wan": "-1"}),
    ("enterprise_patch", {"established_on": "2999-01-01"}),
    ("enterprise_patch", {"status": "bankrupt"}),
    ("enterprise_patch", {"business_scope": "经" * 2001}),
    ("enterprise_patch", {"business_scope": "技术服务\x00"}),
    ("settlement_patch", {"signed_on": "2999-01-01"}),
    ("settlement_patch", {"units": [HUGE]}),
    ("settlement_patch", {"signed_on": "2024-13-01"}),
])
def test_it_refuses_a_bad_patch_and_keeps_every_field(world, api, key, change):
    before = db_state()
    response = _call(api, world, key, change)
    assert response.status_code == 422, response.content
    assert response.json()["detail"] == API_INVALID
    assert_unchanged(before)


# --- NUL characters and emoji in text -----------------------------------------------------------

@pytest.mark.parametrize("key,field", [
    ("park", "name"), ("park", "description"), ("enterprise", "name"), ("enterprise", "business_scope"),
    ("lead", "name"), ("follow_up", "summary"),
    ("project", "name"), ("case", "request"), ("settlement", "note"), ("return", "reason"), ("park_patch", "address"),
])
def test_it_refuses_a_nul_character_in_text(world, api, key, field):
    body = {**ENDPOINTS[key][3](world), field: "文本\x00文本"}
    before = db_state()
    response = _call(api, world, key, body)
    assert_api_refused(response, field)
    assert_unchanged(before)


def test_it_keeps_an_emoji_in_a_name(world, api):
    response = _call(api, world, "park", {"name": EMOJI, "region": "370213", "kind": "industrial"})
    assert response.status_code == 201
    assert Park.objects.get(pk=response.json()["id"]).name == EMOJI


# --- ids outside the caller's scope -------------------------------------------------------------

@pytest.mark.parametrize("key,role,field,ref", [
    ("settlement", "region_staff", "park", "laoshan_park"),
    ("settlement", "region_staff", "enterprise", "ent_laoshan"),
    ("settlement", "park_operator", "park", "smyz"),
    ("lead", "region_staff", "target_park", "laoshan_park"),
    ("lead", "park_operator", "target_park", "smyz"),
    ("project", "region_staff", "park", "laoshan_park"),
    ("project", "region_staff", "investor_enterprise", "ent_laoshan"),
    ("project", "region_staff", "investor_lead", "lead_laoshan"),
    ("case", "region_staff", "project", "project_laoshan"),
    ("case", "region_staff", "enterprise", "ent_laoshan"),
    ("case", "region_staff", "lead", "lead_laoshan"),
    ("enterprise", "park_operator", "park", "smyz"),
])
def test_it_refuses_an_out_of_scope_id_exactly_as_a_missing_one(world, api, key, role, field, ref):
    """The error for another district's object is the error for an id that does not exist: nothing leaks."""
    obj = getattr(world, ref)
    base = ENDPOINTS[key][3](world)
    if key == "settlement" and field == "park" and role == "park_operator":
        base["enterprise"] = world.ent_xltd_fitout.pk
    if key == "lead" and role == "park_operator":
        base["target_park"] = world.xltd.pk
    if key == "enterprise":
        base.update({"signed_on": "2024-09-09"})
    before = db_state()
    out_of_scope = _call(api, world, key, {**base, field: obj.pk}, role)
    missing = _call(api, world, key, {**base, field: 2**31 - 1}, role)
    errors = assert_api_refused(out_of_scope, field)["errors"]
    assert_api_refused(missing, field)
    assert errors[field] == [m.replace(str(2**31 - 1), str(obj.pk)) for m in missing.json()["errors"][field]]
    assert str(getattr(obj, "name", getattr(obj, "title", "")) or "?") not in out_of_scope.content.decode()
    assert_unchanged(before)


@pytest.mark.parametrize("method,path", [
    ("patch", lambda w: f"/api/parks/{w.laoshan_park.pk}"),
    ("patch", lambda w: f"/api/enterprises/{w.ent_laoshan.pk}"),
    ("patch", lambda w: f"/api/settlements/{w.st_laoshan.pk}"),
    ("post", lambda w: f"/api/settlements/{w.st_laoshan.pk}/advance"),
    ("post", lambda w: f"/api/leads/{w.lead_laoshan.pk}/claim"),
    ("post", lambda w: f"/api/leads/{w.lead_laoshan.pk}/release"),
    ("post", lambda w: f"/api/leads/{w.lead_laoshan.pk}/status"),
    ("post", lambda w: f"/api/leads/{w.lead_laoshan.pk}/follow-ups"),
    ("post", lambda w: f"/api/projects/{w.project_laoshan.pk}/stage"),
    ("post", lambda w: f"/api/projects/stage-changes/{w.change_laoshan.pk}/approve"),
    ("post", lambda w: f"/api/stats/reports/{w.report_laoshan.pk}/entries"),
    ("post", lambda w: f"/api/stats/reports/{w.report_laoshan.pk}/return"),
    ("post", lambda w: f"/api/stats/reports/{w.report_laoshan.pk}/approve"),
    ("post", lambda w: f"/api/stats/reports/{w.report_laoshan.pk}/park-review"),
    ("patch", lambda w: f"/api/parks/{HUGE}"),
    ("post", lambda w: f"/api/leads/{HUGE}/claim"),
    ("post", lambda w: f"/api/projects/stage-changes/{HUGE}/approve"),
    ("post", lambda w: f"/api/stats/reports/{HUGE}/park-review"),
])
def test_it_answers_404_for_an_object_outside_the_scope_or_missing(world, api, method, path):
    # A body the endpoint's schema accepts: a body it refuses is a 422 before any lookup, for any id alike.
    body = {"name": "改名", "status": "lost", "reason": "x", "to_stage": "fitout", "on": "2025-01-01", "kind": "call",
            "summary": "x", "entries": []}
    before = db_state()
    response = api_post(api("region_staff"), path(world), body, method)
    assert response.status_code == 404, response.content
    assert response.json() == {"detail": API_NOT_FOUND, "errors": {}} or response.json()["detail"] == API_NOT_FOUND
    assert "崂山" not in response.content.decode()
    assert_unchanged(before)


# --- integer parameters of the lists ------------------------------------------------------------

@pytest.mark.parametrize("path,param", [
    ("/api/parks/", "limit"), ("/api/parks/", "offset"), ("/api/enterprises/", "park"), ("/api/settlements/", "park"),
    ("/api/settlements/", "enterprise"), ("/api/leads/", "park"), ("/api/projects/", "park"),
    ("/api/stats/reports", "round"), ("/api/stats/reports", "park"), ("/api/stats/reports", "enterprise"),
    ("/api/figures/", "park"), ("/api/figures/", "enterprise"), ("/api/stats/aggregates", "park"),
])
def test_it_answers_an_integer_parameter_beyond_64_bits_without_a_server_error(world, api, path, param):
    """Once a 500 on SQLite (OverflowError binding the integer); now the schema's bound refuses it, by name."""
    response = api("region_staff").get(path, {param: str(HUGE)})
    assert response.status_code == 422, response.status_code
    assert response.json()["detail"] == API_INVALID
    assert any(AT_MOST in m for m in response.json()["errors"][param]), response.json()


@pytest.mark.parametrize("path,params,status", [
    ("/api/parks/", {"limit": "abc"}, 422),
    ("/api/parks/", {"limit": "-1"}, 422),
    ("/api/parks/", {"offset": "-1"}, 422),
    ("/api/enterprises/", {"park": "abc"}, 422),
    ("/api/leads/", {"pool": "maybe"}, 422),
    ("/api/stats/aggregates", {"year": str(HUGE), "month": "6"}, 422),
    ("/api/stats/aggregates", {"year": "2025", "month": str(HUGE)}, 422),
    ("/api/stats/aggregates", {"park": str(HUGE)}, 422),
    ("/api/parks/", {"limit": "1001"}, 422),
    ("/api/parks/", {"q": "园\x00"}, 422),
    ("/api/enterprises/", {"q": "\x00"}, 422),
    ("/api/leads/", {"q": "\x00"}, 422),
    ("/api/stats/aggregates", {"indicator": "\x00"}, 422),
    ("/api/stats/reports", {"round": "abc"}, 422),
])
def test_it_refuses_a_nonsense_list_parameter_in_chinese(world, api, path, params, status):
    response = api("region_staff").get(path, params)
    assert response.status_code == status, response.content
    body = response.json()
    assert body["detail"] in (API_INVALID, API_NOT_FOUND)
    assert_chinese([m for msgs in body.get("errors", {}).values() for m in msgs])


def test_it_refuses_a_duplicate_uscc_without_naming_another_districts_enterprise(world, api):
    before = db_state()
    response = _call(api, world, "enterprise", {"uscc": world.ent_laoshan.uscc, "name": "重复", "region": "370213"})
    assert_api_refused(response, "uscc")
    assert world.ent_laoshan.name not in response.content.decode()
    assert Enterprise.objects.filter(name="重复").count() == 0
    assert_unchanged(before)
