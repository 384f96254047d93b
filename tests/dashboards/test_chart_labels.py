"""The dashboards' money is worded by the server: chart JSON carries each money item's label and each money
axis's unit (yuanqu/static/yuanqu/dashboards.js shows them and has no money rule of its own)."""

from __future__ import annotations

import re
from pathlib import Path

from django.urls import reverse

from tests.conftest import add_statistics, login


def _chart(client, name: str, **params):
    response = client.get(reverse("dashboards:chart", args=[name]), {"year": 2025, "month": 6, **params})
    assert response.status_code == 200
    return response.json()


def test_money_charts_carry_the_server_labels(client, world):
    add_statistics(world)
    login(client, world.users["region_staff"])
    by_park = _chart(client, "output_by_park")
    data = by_park["option"]["series"][0]["data"]
    assert [(d["name"], d["value"], d["yqLabel"]) for d in data] == [
        ("信联天地", 1200.0, "1200万元"), ("生命药洲", 2000.0, "2000万元")]
    assert by_park["option"]["xAxis"]["yqUnit"] == {"divisor": 1, "unit": "万"}
    # The map's tooltip states each park's output the same way.
    points = {d["name"]: d["yqLabel"] for d in _chart(client, "park_map")["option"]["series"][0]["data"]}
    assert points == {"信联天地": "1200万元", "生命药洲": "2000万元"}


def test_only_money_series_and_axes_are_labelled(client, world):
    add_statistics(world)
    login(client, world.users["region_staff"])
    stages = _chart(client, "project_stages")["option"]
    counts, amounts = stages["series"]
    assert all("yqLabel" not in d for d in counts["data"])
    assert all(d["yqLabel"].endswith("元") for d in amounts["data"])
    assert "yqUnit" not in stages["yAxis"][0] and stages["yAxis"][1]["yqUnit"]["unit"] in ("万", "亿")


def test_the_script_has_no_money_rule_of_its_own():
    source = (Path(__file__).resolve().parents[2] / "yuanqu/static/yuanqu/dashboards.js").read_text()
    script = re.sub(r"/\*.*?\*/", "", source, flags=re.S)  # the code, without its comments
    assert "yqLabel" in script and "yqUnit" in script
    assert "10000" not in script and "万元" not in script and "亿元" not in script
