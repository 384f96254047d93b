"""The enterprise and unit pickers, and the forms that use them (issue 14 item 4).

The unit picker lists a park's units vacant first, labelled with building, floor, number, area and status; a let
unit cannot be chosen (unless the settlement being edited holds it). Scope: a park outside the user's is a 404, and
the forms still refuse an id outside the scope, in Chinese.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from yuanqu.enterprises.models import Occupancy


def _items(response) -> list[dict]:
    assert response.status_code == 200, response.content
    payload = json.loads(response.content)
    assert payload["count"] == len(payload["items"])
    return payload["items"]


def _ids(response) -> list[int]:
    return [int(i["id"]) for i in _items(response)]


# --- enterprises -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("q", ["信达软件", "xinda", "qingdaoxindaruanjian", "qdxdrj", "xdrj"])
def test_it_finds_an_enterprise_by_name_pinyin_and_initials(world, client_as, q):
    assert _ids(client_as("region_staff").get(reverse("enterprises:pick"), {"q": q})) == [world.ent_xltd.pk]


def test_it_finds_an_enterprise_by_its_code(world, client_as):
    items = _items(client_as("region_staff").get(reverse("enterprises:pick"), {"q": world.ent_xltd.uscc[:10]}))
    assert [(int(i["id"]), i["detail"]) for i in items] == [(world.ent_xltd.pk, world.ent_xltd.uscc)]


def test_each_role_finds_only_the_enterprises_it_may_see(world, client_as):
    url = reverse("enterprises:pick")
    assert _ids(client_as("enterprise_user").get(url)) == [world.ent_xltd.pk]
    assert _ids(client_as("enterprise_user").get(url, {"q": "药研"})) == []
    operator = set(_ids(client_as("park_operator").get(url)))
    assert operator == {world.ent_xltd.pk, world.ent_xltd_fitout.pk}
    staff = set(_ids(client_as("region_staff").get(url, {"q": "青岛"})))
    assert world.ent_smyz.pk in staff and world.ent_laoshan.pk not in staff


def test_it_refuses_a_long_text_in_chinese(world, client_as):
    response = client_as("region_staff").get(reverse("enterprises:pick"), {"q": "x" * 10_000})
    assert response.status_code == 400
    assert json.loads(response.content)["error"] == "搜索词过长（最多 100 个字符）。"


# --- units -----------------------------------------------------------------------------------------------------


def test_it_lists_a_parks_units_vacant_first_with_building_floor_area_and_status(world, client_as):
    items = _items(client_as("park_operator").get(reverse("parks:pick_units", args=[world.xltd.pk])))
    assert [(i["text"], i["detail"], i["disabled"]) for i in items] == [
        ("主塔楼 · 12层 · 1201 · 200㎡ · 空置", "", False),
        ("主塔楼 · 10层 · 1001 · 200㎡ · 已租", "在租：青岛信达软件有限公司", True),
        ("主塔楼 · 11层 · 1101 · 200㎡ · 已租", "在租：青岛装修中科技有限公司", True),
    ]


def test_a_settlement_may_keep_the_units_it_holds(world, client_as):
    url = reverse("parks:pick_units", args=[world.xltd.pk])
    items = _items(client_as("park_operator").get(url, {"settlement": world.st_xltd_fitout.pk}))
    assert {i["text"].split(" · ")[2]: i["disabled"] for i in items} == {"1201": False, "1001": True, "1101": False}
    # a settlement of another park changes nothing
    items = _items(client_as("region_staff").get(url, {"settlement": world.st_smyz.pk}))
    assert [i["disabled"] for i in items] == [False, True, True]


@pytest.mark.parametrize(("q", "numbers"), [("1201", ["1201"]), ("12层", ["1201"]), ("主塔", ["1201", "1001", "1101"]),
                                            ("研发楼", [])])
def test_it_searches_units_by_building_number_and_floor(world, client_as, q, numbers):
    items = _items(client_as("region_staff").get(reverse("parks:pick_units", args=[world.xltd.pk]), {"q": q}))
    assert [i["text"].split(" · ")[2] for i in items] == numbers


def test_an_operator_never_gets_another_parks_units(world, client_as):
    operator = client_as("park_operator")
    ids = _ids(operator.get(reverse("parks:pick_units", args=[world.xltd.pk]), {"q": "01"}))
    assert world.smyz_unit.pk not in ids and world.laoshan_unit.pk not in ids  # both numbered 101
    assert set(ids) == {u.pk for u in world.units}
    assert operator.get(reverse("parks:pick_units", args=[world.smyz.pk])).status_code == 404
    assert client_as("region_staff").get(reverse("parks:pick_units", args=[world.laoshan_park.pk])).status_code == 404
    assert client_as("enterprise_user").get(reverse("parks:pick_units", args=[world.xltd.pk])).status_code == 404


@pytest.mark.parametrize(("path", "params", "status"), [
    (f"/parks/{2**63}/units/pick/", {}, 404),
    ("/parks/abc/units/pick/", {}, 404),
    (None, {"settlement": "abc"}, 400),
    (None, {"settlement": str(2**63)}, 400),
    (None, {"q": "1\x002"}, 400),
])
def test_the_unit_picker_refuses_bad_input(world, client_as, path, params, status):
    url = path or reverse("parks:pick_units", args=[world.xltd.pk])
    response = client_as("region_staff").get(url, params)
    assert response.status_code == status
    if status == 400:
        assert json.loads(response.content)["error"] in ("编号无效。", "搜索词含有无法搜索的字符。")


# --- the forms -------------------------------------------------------------------------------------------------


class _Options(HTMLParser):
    def __init__(self, name: str) -> None:
        super().__init__(convert_charrefs=True)
        self.name, self.inside, self.attrs, self.options = name, False, {}, []

    def handle_starttag(self, tag, attrs):
        if tag == "select" and dict(attrs).get("name") == self.name:
            self.inside, self.attrs = True, dict(attrs)
        elif tag == "option" and self.inside:
            self.options.append("")

    def handle_endtag(self, tag):
        if tag == "select":
            self.inside = False

    def handle_data(self, data):
        if self.inside and self.options:
            self.options[-1] += data.strip()


def _select(response, name: str) -> _Options:
    parser = _Options(name)
    parser.feed(response.content.decode())
    return parser


def test_the_units_form_labels_units_and_offers_vacant_first_without_javascript(world, client_as):
    response = client_as("park_operator").get(reverse("enterprises:settlement_detail", args=[world.st_xltd.pk]))
    select = _select(response, "units")
    assert select.options == ["主塔楼 · 12层 · 1201 · 200㎡ · 空置", "主塔楼 · 10层 · 1001 · 200㎡ · 已租",
                              "主塔楼 · 11层 · 1101 · 200㎡ · 已租"]
    assert select.attrs["data-picker"] == "unit"
    assert select.attrs["data-picker-url"] == (reverse("parks:pick_units", args=[world.xltd.pk])
                                               + f"?settlement={world.st_xltd.pk}")


def test_the_enterprise_form_marks_its_pickers(world, client_as):
    response = client_as("park_operator").get(reverse("enterprises:create"))
    assert _select(response, "industry").attrs["data-picker-url"] == reverse("pick_industry")
    assert _select(response, "park").attrs["data-picker-url"] == reverse("parks:pick") + "?edit=1"
    assert _select(response, "park").options == ["---------", "信联天地"]


def test_a_taken_unit_is_named_with_its_building(world, client_as):
    response = client_as("park_operator").post(
        reverse("enterprises:settlement_units", args=[world.st_xltd_fitout.pk]),
        {"units": [world.units[0].pk], "on": "2024-06-02"}, follow=True)
    assert "主塔楼 1001 已有在租企业。" in [str(m) for m in get_messages(response.wsgi_request)] or \
        "主塔楼 1001 已有在租企业。" in response.content.decode()


def test_the_units_form_refuses_a_unit_of_another_park_in_chinese(world, client_as):
    before = set(Occupancy.objects.filter(active=True).values_list("pk", flat=True))
    response = client_as("park_operator").post(
        reverse("enterprises:settlement_units", args=[world.st_xltd_fitout.pk]),
        {"units": [world.smyz_unit.pk], "on": "2024-06-02"}, follow=True)
    assert response.status_code == 200
    body = response.content.decode() + " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "选择一个有效的选项" in body
    assert "研发楼A" not in body  # the other park's unit is not named back
    assert set(Occupancy.objects.filter(active=True).values_list("pk", flat=True)) == before


@pytest.mark.parametrize(("field", "value"), [("park", "smyz"), ("industry", "9999"), ("park", str(2**63))])
def test_the_enterprise_form_refuses_an_id_outside_the_scope_in_chinese(world, client_as, field, value):
    from tests.bad_input_support import NEW_USCC

    value = str(world.smyz.pk) if value == "smyz" else value
    data = {"uscc": NEW_USCC, "name": "青岛新探针科技有限公司", "region": "370213", "industry": "6513",
            "park": str(world.xltd.pk), "signed_on": "2024-06-01", field: value}
    response = client_as("park_operator").post(reverse("enterprises:create"), data)
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert "生命药洲" not in response.content.decode()
