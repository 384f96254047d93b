"""The enterprise list and its export say where each enterprise is: its parks with their stages (only the ones the
viewer may see), its region by name, and a stage filter that means the same settlement as the park filter."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests.conftest import World
from tests.helpers import read_xlsx
from yuanqu.enterprises import services


@pytest.fixture
def two_parks(world: World) -> World:
    """青岛装修中科技 (signed at 信联天地, the operator's park) is also signed and moved in at 生命药洲."""
    staff = world.user("region_staff")
    s = services.settlement_create(actor=staff, enterprise=world.ent_xltd_fitout, park=world.smyz,
                                   signed_on=dt.date(2025, 1, 6))
    services.settlement_advance(actor=staff, settlement=s, to_stage="moved_in", on=dt.date(2025, 2, 3))
    return world


def _export(client, **params: object) -> dict[str, dict[str, object]]:
    rows = read_xlsx(client.get(reverse("enterprises:list"), {"export": "xlsx", **params}))
    return {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}


def test_the_export_names_parks_with_stages_and_the_region(two_parks: World, client_as) -> None:
    w = two_parks
    rows = _export(client_as("region_staff"))
    fitout = rows[w.ent_xltd_fitout.uscc]
    stages = {s.park.name: s.get_stage_display() for s in w.ent_xltd_fitout.settlements.select_related("park")}
    assert set(fitout["园区及入驻阶段"].split("；")) == {f"{p}（{st}）" for p, st in stages.items()}
    assert len(stages) == 2
    assert (fitout["注册地"], fitout["注册地名称"]) == ("370213", "李沧区")
    assert fitout["所属行业"] == w.ent_xltd_fitout.industry.name


def test_an_operator_sees_only_its_own_parks_in_the_column(two_parks: World, client_as) -> None:
    w = two_parks
    operator = client_as("park_operator")
    column = _export(operator)[w.ent_xltd_fitout.uscc]["园区及入驻阶段"]
    assert w.xltd.name in column and w.smyz.name not in column
    page = operator.get(reverse("enterprises:list")).content.decode()
    assert w.smyz.name not in page
    # the same enterprise, as district staff see it: both parks
    assert w.smyz.name in client_as("region_staff").get(reverse("enterprises:list")).content.decode()


def _listed(client, **params: object) -> list[str]:
    response = client.get(reverse("enterprises:list"), params)
    assert response.status_code == 200
    return sorted(e.name for e in response.context["rows"])


def test_park_and_stage_filter_one_and_the_same_settlement(two_parks: World, client_as) -> None:
    w = two_parks
    staff = client_as("region_staff")
    assert _listed(staff, stage="moved_in") == sorted([w.ent_xltd.name, w.ent_xltd_fitout.name])
    # 装修中 is moved in at 生命药洲 but only fitting out at 信联天地: not a 信联天地 moved-in enterprise
    assert _listed(staff, park=w.xltd.pk, stage="moved_in") == [w.ent_xltd.name]
    assert _listed(staff, park=w.xltd.pk, stage="fitout") == [w.ent_xltd_fitout.name]
    assert _listed(staff, stage="nonsense") == _listed(staff)  # an unknown stage is ignored, never a 500
    # the operator's stage filter sees only its park's settlements: 装修中's move-in at 生命药洲 is not one
    assert _listed(client_as("park_operator"), stage="moved_in") == [w.ent_xltd.name]
