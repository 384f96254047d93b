"""The park picker: parks the user may see by name, full pinyin and initials; ``edit=1``: those it may edit."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [int(i["id"]) for i in json.loads(response.content)["items"]]


@pytest.mark.parametrize("q", ["信联", "xinlian", "xltd", "XLTD", "ltd"])
def test_it_finds_a_park_by_name_pinyin_and_initials(world, client_as, q):
    assert _ids(client_as("region_staff").get(reverse("parks:pick"), {"q": q})) == [world.xltd.pk]


def test_each_role_gets_only_its_parks(world, client_as):
    url = reverse("parks:pick")
    assert set(_ids(client_as("region_staff").get(url))) == {world.xltd.pk, world.smyz.pk}
    assert _ids(client_as("park_operator").get(url)) == [world.xltd.pk]
    assert _ids(client_as("park_operator").get(url, {"q": "smyz"})) == []
    assert _ids(client_as("enterprise_user").get(url)) == []
    assert _ids(client_as("leader").get(url, {"edit": "1"})) == []  # reads, edits nothing
    assert world.laoshan_park.pk not in _ids(client_as("region_staff").get(url, {"q": "崂山"}))


def test_it_refuses_a_nul_in_chinese(world, client_as):
    response = client_as("region_staff").get(reverse("parks:pick"), {"q": "\x00"})
    assert response.status_code == 400
    assert json.loads(response.content)["error"] == "搜索词含有无法搜索的字符。"


def test_the_park_form_marks_its_industries_as_a_picker(world, client_as):
    page = client_as("region_staff").get(reverse("parks:edit", args=[world.xltd.pk])).content.decode()
    assert 'data-picker="industry"' in page and "levels=2,3" in page
