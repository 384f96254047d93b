"""Input hygiene (issue 12, L2–L6): names, text, dates and numbers, the same in forms, the API and importers;
and the export escaping of cells a spreadsheet would read as formulas.

The validators live in ``yuanqu.core.validators``; ``TimeStamped.clean_fields`` applies them to every domain
row a service or a ModelForm saves, ``yuanqu.api.schemas.In`` to every API input, ``tabular``'s FieldSpec to
every imported cell.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.bad_input_support import (
    API_INVALID,
    assert_form_refused,
    assert_unchanged,
    db_state,
    each_test_rolled_back,  # noqa: F401 (a fixture: each test in a savepoint)
    module_world,  # noqa: F401 (a fixture: the shared world, once per module)
)
from tests.tabular import files
from yuanqu.core import validators
from yuanqu.core.export import csv_bytes, safe_cell
from yuanqu.core.numbers import NumberError, parse_number
from yuanqu.enterprises.models import Enterprise
from yuanqu.investment.models import Lead
from yuanqu.parks.models import Park
from yuanqu.tabular import engine

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE
ZWSP = "\u200b"  # ZERO WIDTH SPACE
BIDI_TEXT = "文字方向控制字符"
ZERO_WIDTH_TEXT = "零宽字符"
ONLY_SPACES = "名称不能只有空格。"

BAD_NAMES = [
    pytest.param(f"信联天地{RLO}gpj.exe", BIDI_TEXT, id="rlo"),
    pytest.param("信联\u2066天地\u2069", BIDI_TEXT, id="isolate"),
    pytest.param(f"信联{ZWSP}天地", ZERO_WIDTH_TEXT, id="zwsp"),
    pytest.param("信联\u200d天地", ZERO_WIDTH_TEXT, id="zwj"),
    pytest.param("\ufeff信联天地", ZERO_WIDTH_TEXT, id="bom"),
    pytest.param("信联\x07天地", "控制字符", id="bell"),
    pytest.param("信联\n天地", "控制字符", id="newline"),
]


# --- the validators -----------------------------------------------------------------------------

@pytest.mark.parametrize("name,text", BAD_NAMES)
def test_the_name_validator_refuses_invisible_characters_and_names_them(name, text):
    with pytest.raises(ValidationError) as exc:
        validators.validate_name(name)
    message = " ".join(exc.value.messages)
    assert text in message and "U+" in message


def test_the_name_validator_strips_and_refuses_only_spaces():
    assert validators.clean_name("\u3000 青岛生命药洲 \t") == "青岛生命药洲"
    assert validators.clean_name(" \u3000 ") == ""  # a required field then refuses it as empty
    with pytest.raises(ValidationError, match=ONLY_SPACES):
        validators.validate_name(" \u3000 ")


def test_free_text_keeps_line_breaks_but_not_nul_or_bidi():
    validators.validate_text("第一行\n第二行\t缩进")
    for bad in ("备注\x00", f"备注{RLO}"):
        with pytest.raises(ValidationError):
            validators.validate_text(bad)
    with pytest.raises(ValidationError, match="不能超过 10000 个字符"):
        validators.validate_text_length("字" * 10_001)


@pytest.mark.parametrize("day,ok", [
    (dt.date(1900, 1, 1), False), (dt.date(1977, 12, 31), False), (dt.date(1978, 1, 1), True),
    (dt.date(2024, 6, 30), True), (dt.date(9999, 12, 31), False),
])
def test_event_dates_lie_within_sensible_bounds(day, ok):
    if ok:
        validators.validate_date_range(day)
    else:
        with pytest.raises(ValidationError):
            validators.validate_date_range(day)
    validators.validate_founding_date(dt.date(1903, 8, 15))  # an old brewery's founding date is real


@pytest.mark.parametrize("typed,value", [
    ("1,234,567", Decimal("1234567")), ("1，234.5", Decimal("1234.5")), ("-1,234", Decimal("-1234")),
    ("1234", Decimal("1234")), ("1,234万", Decimal("1234")),
])
def test_the_number_parser_reads_thousands_separators(typed, value):
    assert parse_number(typed, unit="万元") == value


@pytest.mark.parametrize("typed", ["1,2,3", "12,34", "1,234,56", "1,234.5,6", "1，2，3"])
def test_the_number_parser_refuses_ambiguous_separators(typed):
    with pytest.raises(NumberError) as exc:
        parse_number(typed)
    assert exc.value.code == "separators"
    assert "分隔符位置不对" in str(exc.value)


@pytest.mark.parametrize("cell", [
    "=1+1", " =1+1", "\u3000=1+1", "\n=1+1", "\r=1", "\t=1", "＝SUM(A1)", "＋1", "－1", "＠SUM(A1)",
    f"{ZWSP}=1+1", "\ufeff=HYPERLINK(\"x\")", f"{RLO}=1", "\u00a0@SUM(A1)", "-2+3",
])
def test_export_escapes_every_cell_a_spreadsheet_would_read_as_a_formula(cell):
    assert safe_cell(cell) == "'" + cell


def test_the_csv_export_escapes_a_full_width_formula():
    assert csv_bytes(["名称"], [["＝1+1"], [" =1"]]).decode("utf-8-sig").splitlines()[1:] == ["'＝1+1", "' =1"]


@pytest.mark.parametrize("cell", ["信联天地", "a=b", "1+1", "李沧区 -3 号"])
def test_export_leaves_ordinary_text_alone(cell):
    assert safe_cell(cell) == cell


# --- the same refusals in a form, the API and the importer --------------------------------------

PARK = {"name": "青岛卫生园", "region": "370213", "kind": "industrial", "status": "operating"}


@pytest.mark.parametrize("name,text", BAD_NAMES[:4] + [pytest.param("  \u3000 ", "此项为必填项", id="spaces")])
def test_the_park_form_refuses_a_bad_name(world, client_as, name, text):
    before = db_state()
    response = client_as("region_staff").post(reverse("parks:create"), {**PARK, "name": name})
    assert_form_refused(response, "name", text)
    assert_unchanged(before)


def test_the_park_form_strips_the_name(world, client_as):
    response = client_as("region_staff").post(reverse("parks:create"), {**PARK, "name": "\u3000青岛卫生园 "})
    assert response.status_code == 302
    assert Park.objects.filter(name="青岛卫生园").count() == 1


def test_the_park_form_refuses_a_1900_opening_date_and_a_huge_description(world, client_as):
    client = client_as("region_staff")
    before = db_state()
    assert_form_refused(client.post(reverse("parks:create"), {**PARK, "opened_on": "1900-01-01"}), "opened_on",
                        "日期不能早于 1978-01-01")
    assert_form_refused(client.post(reverse("parks:create"), {**PARK, "description": "字" * 10_001}),
                        "description", "不能超过 10000 个字符")
    assert_unchanged(before)


@pytest.mark.parametrize("name,text", BAD_NAMES + [pytest.param("   ", "不能为空", id="spaces")])
def test_the_api_refuses_a_bad_name(world, client_as, name, text):
    before = db_state()
    response = client_as("region_staff").post("/api/parks/", json.dumps({**PARK, "name": name}),
                                              content_type="application/json")
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["detail"] == API_INVALID
    assert any(text in m for m in body["errors"]["name"]), body
    assert_unchanged(before)


def test_the_api_strips_a_name_and_refuses_a_9999_date(world, client_as):
    client = client_as("region_staff")
    response = client.post("/api/leads/", json.dumps({"name": "  青岛卫生线索有限公司\u3000"}),
                           content_type="application/json")
    assert response.status_code == 201, response.content
    assert Lead.objects.filter(name="青岛卫生线索有限公司").count() == 1
    response = client.post(f"/api/leads/{response.json()['id']}/follow-ups", json.dumps(
        {"kind": "call", "on": "2025-03-01", "summary": "电话", "next_step_on": "9999-12-31"}),
        content_type="application/json")
    assert response.status_code == 422
    assert any("日期不能晚于" in m for m in response.json()["errors"]["next_step_on"])


@pytest.mark.parametrize("name,text", BAD_NAMES[:5])
def test_the_enterprise_importer_refuses_a_bad_name_by_row(world, name, text):
    staff = world.users["region_staff"]
    uscc = files.usccs(1, seed=903)[0]
    data = files.xlsx(("S", [["统一社会信用代码", "企业名称"], [uscc, name]]))
    batch = engine.start_batch(actor=staff, entity="enterprises", filename="e.xlsx", data=data)
    batch = engine.commit(batch, actor=staff)
    assert batch.counts["error"] == 1 and batch.counts.get("new", 0) == 0, batch.counts
    assert text in json.dumps(batch.report, ensure_ascii=False)
    assert not Enterprise.objects.filter(uscc=uscc).exists()


def test_the_enterprise_importer_refuses_an_ambiguous_number(world):
    staff = world.users["region_staff"]
    uscc = files.usccs(1, seed=904)[0]
    data = files.xlsx(("S", [["统一社会信用代码", "企业名称", "注册资本（万元）"],
                             [uscc, "青岛卫生导入有限公司", "1,2,3"]]))
    batch = engine.commit(engine.start_batch(actor=staff, entity="enterprises", filename="e.xlsx", data=data),
                          actor=staff)
    assert batch.counts["error"] == 1, batch.counts
    assert "分隔符位置不对" in json.dumps(batch.report, ensure_ascii=False)
    assert not Enterprise.objects.filter(uscc=uscc).exists()


def test_the_settlement_importer_refuses_a_1900_signing_date(world):
    staff = world.users["region_staff"]
    data = files.xlsx(("S", [["统一社会信用代码", "园区", "签约日期"],
                             [world.ent_smyz.uscc, "信联天地", "1900-01-01"]]))
    before = db_state()
    batch = engine.commit(engine.start_batch(actor=staff, entity="settlements", filename="s.xlsx", data=data),
                          actor=staff)
    assert batch.counts["error"] == 1, batch.counts
    assert "日期不能早于 1978-01-01" in json.dumps(batch.report, ensure_ascii=False)
    assert not world.ent_smyz.settlements.filter(park=world.xltd).exists()
    assert before["enterprises.Settlement"] == db_state()["enterprises.Settlement"]
