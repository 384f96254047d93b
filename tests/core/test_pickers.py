"""The industry picker (GB/T 4754 classes by code, name, full pinyin and initials) and the pickers' bad input."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

PATH_6513 = "I 信息传输、软件和信息技术服务业 › 65 软件和信息技术服务业 › 651 软件开发"


def _items(response) -> list[dict]:
    assert response.status_code == 200, response.content
    payload = json.loads(response.content)
    assert payload["count"] == len(payload["items"])
    return payload["items"]


@pytest.mark.parametrize("q", ["6513", "651", "应用软件", "yingyongruanjian", "yyrjkf", "yyrj"])
def test_it_finds_an_industry_by_code_name_pinyin_and_initials(world, client_as, q):
    items = _items(client_as("enterprise_user").get(reverse("pick_industry"), {"q": q}))
    found = {i["id"]: i for i in items}
    assert "6513" in found, [i["text"] for i in items]
    assert found["6513"]["text"] == "6513 应用软件开发"
    assert found["6513"]["detail"] == PATH_6513


def test_it_puts_the_exact_code_first_and_offers_only_classes(world, client_as):
    items = _items(client_as("region_staff").get(reverse("pick_industry"), {"q": "6513"}))
    assert [i["id"] for i in items] == ["6513"]
    items = _items(client_as("region_staff").get(reverse("pick_industry"), {"q": "65"}))
    assert items and all(len(i["id"]) == 4 and i["id"].startswith("65") for i in items)


def test_it_offers_divisions_and_groups_when_asked(world, client_as):
    items = _items(client_as("region_staff").get(reverse("pick_industry"), {"q": "rj", "levels": "2,3"}))
    assert {"65", "651"} <= {i["id"] for i in items}
    assert all(len(i["id"]) in (2, 3) for i in items)


def test_it_limits_the_answer_and_says_there_is_more(world, client_as):
    payload = json.loads(client_as("region_staff").get(reverse("pick_industry")).content)
    assert payload["count"] == 20 and payload["more"] is True


def test_an_unknown_text_finds_nothing(world, client_as):
    payload = json.loads(client_as("region_staff").get(reverse("pick_industry"), {"q": "zzzzqqq"}).content)
    assert payload == {"items": [], "count": 0, "more": False}


@pytest.mark.parametrize(("params", "message"), [
    ({"q": "软\x00件"}, "搜索词含有无法搜索的字符。"),
    ({"q": "软" * 10_000}, "搜索词过长（最多 100 个字符）。"),
    ({"levels": "9"}, "无法识别的行业分类层级。"),
    ({"levels": "abc"}, "无法识别的行业分类层级。"),
])
def test_it_refuses_bad_input_in_chinese(world, client_as, params, message):
    response = client_as("region_staff").get(reverse("pick_industry"), params)
    assert response.status_code == 400
    assert json.loads(response.content) == {"error": message, "items": [], "count": 0, "more": False}


def test_it_needs_a_log_in(world, client):
    response = client.get(reverse("pick_industry"), {"q": "rj"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
