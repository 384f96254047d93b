"""Parks, buildings and units: forms, field errors, the park page, pinyin search and export."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.helpers import Api, error_codes, read_xlsx
from yuanqu.core.models import AuditEvent
from yuanqu.parks import services
from yuanqu.parks.models import Building, Park, Unit


def _park_form(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "国际特别创新区", "region": "370213", "kind": "innovation_zone", "status": "operating",
        "key_level": "city", "industries": ["65", "27"], "operator_name": "青岛创新运营有限公司",
        "address": "青岛市李沧区九水东路", "longitude": "120.432100", "latitude": "36.160500",
        "land_area_mu": "350.5", "floor_area_m2": "120000", "total_investment_wan": "300000",
        "opened_on": "2021-06-30", "description": "数字经济与高新技术孵化",
    }
    data.update(overrides)
    return data


def _edit_form(park: Park, **overrides: object) -> dict[str, object]:
    current = {f: getattr(park, f) for f in ("name", "kind", "status", "key_level", "operator_name", "address",
                                              "description")}
    current.update({"region": park.region_id, "industries": list(park.industries.values_list("pk", flat=True))})
    for f in ("longitude", "latitude", "land_area_mu", "floor_area_m2", "total_investment_wan", "opened_on"):
        value = getattr(park, f)
        current[f] = "" if value is None else str(value)
    current.update(overrides)
    return current


# --- create and edit ----------------------------------------------------------------------------


def test_it_creates_a_park_from_the_form(world, client_as):
    response = client_as("region_staff").post(reverse("parks:create"), _park_form(), REMOTE_ADDR="10.0.0.8")
    park = Park.objects.get(name="国际特别创新区")
    assert response.status_code == 302 and response["Location"] == reverse("parks:detail", args=[park.pk])
    assert (park.region_id, park.kind, park.land_area_mu, park.total_investment_wan) == (
        "370213", "innovation_zone", Decimal("350.5"), Decimal("300000"))
    assert sorted(park.industries.values_list("pk", flat=True)) == ["27", "65"]
    assert (park.name_pinyin, park.name_initials) == ("guojitebiechuangxinqu", "gjtbcxq")
    event = AuditEvent.objects.get(action="create", object_type="parks.Park", object_id=str(park.pk))
    assert (event.actor, event.ip, event.region_code) == (world.user("region_staff"), "10.0.0.8", "370213")
    assert event.after["industries"] == ["27", "65"]


@pytest.mark.parametrize("field,value", [
    ("land_area_mu", "-1"),
    ("floor_area_m2", "-0.5"),
    ("total_investment_wan", "-100"),
    ("latitude", "91"),
    ("latitude", "-90.5"),
    ("longitude", "180.5"),
    ("longitude", "abc"),
])
def test_it_shows_bad_numbers_beside_their_field(world, client_as, field, value):
    response = client_as("region_staff").post(reverse("parks:create"), _park_form(**{field: value}))
    assert response.status_code == 200
    assert error_codes(response, field), response.context["form"].errors
    assert f'data-error-for="{field}"' in response.content.decode()
    assert not Park.objects.filter(name="国际特别创新区").exists()


def test_it_refuses_a_duplicate_park_name_in_the_region(world, client_as):
    staff = client_as("region_staff")
    response = staff.post(reverse("parks:create"), _park_form(name="信联天地"))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Park.objects.filter(name="信联天地").count() == 1
    # The same name in another district is another park.
    response = Api(world.laoshan_staff).post("/api/parks/", {"name": "信联天地", "region": "370212",
                                                             "kind": "office_tower"})
    assert response.status_code == 201
    assert Park.objects.filter(name="信联天地").count() == 2


def test_it_keeps_a_park_in_the_staffs_region(world, client_as):
    response = client_as("region_staff").post(reverse("parks:create"), _park_form(region="370212"))
    assert error_codes(response, "region") == ["invalid_choice"]
    assert not Park.objects.filter(name="国际特别创新区").exists()


def test_it_edits_a_park_and_audits_the_difference(world, client_as):
    park = world.xltd
    response = client_as("region_staff").post(reverse("parks:edit", args=[park.pk]),
                                              _edit_form(park, address="青岛市李沧区书院路", land_area_mu="12"))
    assert response.status_code == 302
    park.refresh_from_db()
    assert (park.address, park.land_area_mu) == ("青岛市李沧区书院路", Decimal("12"))
    event = AuditEvent.objects.filter(action="update", object_type="parks.Park").latest("id")
    assert set(event.before) == set(event.after) == {"address", "land_area_mu", "updated_at"}
    assert (event.before["address"], event.after["address"]) == ("", "青岛市李沧区书院路")
    assert event.before["land_area_mu"] is None and Decimal(event.after["land_area_mu"]) == 12


def test_it_lets_the_operator_edit_its_park_but_not_move_it(world, client_as):
    operator = client_as("park_operator")
    form = operator.get(reverse("parks:edit", args=[world.xltd.pk])).context["form"]
    assert "region" not in form.fields
    response = operator.post(reverse("parks:edit", args=[world.xltd.pk]),
                             _edit_form(world.xltd, region="370212", operator_name="信联运营公司"))
    assert response.status_code == 302
    world.xltd.refresh_from_db()
    assert (world.xltd.region_id, world.xltd.operator_name) == ("370213", "信联运营公司")
    response = Api(world.user("park_operator")).patch(f"/api/parks/{world.xltd.pk}", {"region": "370212"})
    assert response.status_code == 200 and response.json()["region"] == "370213"
    world.xltd.refresh_from_db()
    assert world.xltd.region_id == "370213"


def test_it_renames_a_park_and_updates_its_search_keys(world, client_as):
    client_as("region_staff").post(reverse("parks:edit", args=[world.smyz.pk]),
                                   _edit_form(world.smyz, name="生命药洲二期"))
    world.smyz.refresh_from_db()
    assert world.smyz.name_initials == "smyzeq"


# --- the park page ------------------------------------------------------------------------------


def _unit_class(html: str, number: str) -> str:
    match = re.search(rf'class="unit-cell unit-(\w+)[^"]*"[^>]*>\s*<strong>{number}</strong>', html)
    assert match, f"unit {number} not on the board"
    return match.group(1)


def _stage_count(html: str, stage: str) -> int:
    match = re.search(rf'data-stage="{stage}".*?id="count-{stage}">(\d+)<', html, re.S)
    assert match
    return int(match.group(1))


@pytest.mark.parametrize("role", ["region_staff", "leader", "park_operator"])
def test_it_shows_buildings_the_vacancy_board_and_stage_counts(world, client_as, role):
    services.unit_update(actor=world.user("region_staff"), unit=world.units[2], status=Unit.Status.RESERVED)
    html = client_as(role).get(reverse("parks:detail", args=[world.xltd.pk])).content.decode()
    assert f'id="building-{world.tower.pk}"' in html and "主塔楼" in html
    assert [_unit_class(html, n) for n in ("1001", "1101", "1201")] == ["leased", "leased", "reserved"]
    counts = [_stage_count(html, s) for s in ("signed", "fitout", "moved_in", "exited")]
    assert counts == [0, 1, 1, 0]
    assert re.search(r'id="kpi-moved-in">1<', html) and re.search(r'id="kpi-signed">2<', html)
    # The enterprises of the default stage (moved in) are listed.
    assert "青岛信达软件有限公司" in html and f'id="settlement-{world.st_xltd.pk}"' in html
    # Only editors get links to edit units.
    assert (reverse("parks:unit_edit", args=[world.units[0].pk]) in html) == (role != "leader")


def test_it_switches_the_stage_tab_with_htmx(world, client_as):
    response = client_as("leader").get(reverse("parks:detail", args=[world.xltd.pk]),
                                       {"part": "stages", "stage": "fitout"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="park-stages"')
    assert f'id="settlement-{world.st_xltd_fitout.pk}"' in html and f'id="settlement-{world.st_xltd.pk}"' not in html


def test_it_shows_the_vacancy_rate(world, client_as):
    html = client_as("region_staff").get(reverse("parks:detail", args=[world.xltd.pk])).content.decode()
    # 3 units of 200 m², one vacant: 33.3 %.
    assert "33.3%" in html


# --- search -------------------------------------------------------------------------------------


def _listed(client, **params: object) -> list[str]:
    response = client.get(reverse("parks:list"), params)
    assert response.status_code == 200
    return [p.name for p in response.context["rows"]]


@pytest.mark.parametrize("q,name", [("xltd", "信联天地"), ("smyz", "生命药洲"), ("XLTD", "信联天地"),
                                    ("xinlian", "信联天地"), ("药洲", "生命药洲"), ("sheng ming", "生命药洲")])
def test_it_finds_parks_by_pinyin_initials_and_name(world, client_as, q, name):
    assert _listed(client_as("region_staff"), q=q) == [name]
    items = Api(world.user("leader")).get("/api/parks/", q=q).json()["items"]
    assert [p["name"] for p in items] == [name]


def test_it_finds_only_parks_in_scope(world, client_as):
    assert _listed(client_as("park_operator"), q="smyz") == []
    assert _listed(client_as("region_staff"), q="lskcy") == []
    assert Api(world.user("park_operator")).get("/api/parks/", q="smyz").json() == {"items": [], "count": 0}


def test_it_filters_and_sorts_the_park_list(world, client_as):
    staff = client_as("region_staff")
    assert _listed(staff, kind="office_tower") == ["信联天地"]
    assert _listed(staff, key_level="province_city_district") == ["生命药洲"]
    assert _listed(staff, sort="name") == ["生命药洲", "信联天地"]  # by pinyin: sheng < xin
    assert _listed(staff, sort="-moved_in") == ["信联天地", "生命药洲"]
    assert _listed(staff, sort="active") == ["生命药洲", "信联天地"]


def test_it_exports_the_park_list(world, client_as):
    response = client_as("leader").get(reverse("parks:list"), {"export": "xlsx"})
    rows = read_xlsx(response)
    by_name = {r[0]: r for r in rows[1:]}
    assert sorted(by_name) == ["信联天地", "生命药洲"]
    assert by_name["信联天地"][-2:] == [2, 1]  # signed, moved in
    assert by_name["生命药洲"][-2:] == [1, 0]
    event = AuditEvent.objects.get(action="export")
    assert (event.object_type, event.after["rows"], event.actor) == ("parks.Park", 2, world.user("leader"))


# --- buildings and units ------------------------------------------------------------------------


def test_it_adds_and_edits_buildings(world, client_as):
    operator = client_as("park_operator")
    response = operator.post(reverse("parks:building_create", args=[world.xltd.pk]),
                             {"name": "裙楼", "floors_above": "5", "floors_below": "2", "height_m": "24"})
    assert response.status_code == 302
    building = Building.objects.get(park=world.xltd, name="裙楼")
    assert (building.floors_above, building.floors_below, building.height_m) == (5, 2, Decimal("24"))

    response = operator.post(reverse("parks:building_create", args=[world.xltd.pk]),
                             {"name": "裙楼", "floors_above": "3", "floors_below": "0"})
    assert response.status_code == 200 and response.context["form"].errors
    assert Building.objects.filter(park=world.xltd, name="裙楼").count() == 1

    response = operator.post(reverse("parks:building_create", args=[world.xltd.pk]),
                             {"name": "塔冠", "floors_above": "-1", "floors_below": "0"})
    assert error_codes(response, "floors_above") == ["min_value"]
    response = operator.post(reverse("parks:building_create", args=[world.xltd.pk]),
                             {"name": "塔冠", "floors_above": "1", "floors_below": "0", "height_m": "-3"})
    assert error_codes(response, "height_m") == ["min_value"]
    assert 'data-error-for="height_m"' in response.content.decode()
    assert not Building.objects.filter(name="塔冠").exists()

    response = operator.post(reverse("parks:building_edit", args=[building.pk]),
                             {"name": "裙楼A", "floors_above": "6", "floors_below": "2"})
    assert response.status_code == 302
    building.refresh_from_db()
    assert (building.name, building.floors_above) == ("裙楼A", 6)


def test_it_adds_units_and_refuses_a_duplicate_number(world, client_as):
    staff = client_as("region_staff")
    url = reverse("parks:unit_create", args=[world.tower.pk])
    response = staff.post(url, {"number": "1301", "floor": "13", "area_m2": "180.5", "status": "vacant"})
    assert response.status_code == 302
    unit = Unit.objects.get(building=world.tower, number="1301")
    assert (unit.floor, unit.area_m2, unit.status) == (13, Decimal("180.5"), "vacant")

    events = AuditEvent.objects.count()
    response = staff.post(url, {"number": "1001", "floor": "10", "area_m2": "99", "status": "vacant"})
    assert response.status_code == 200 and response.context["form"].errors
    assert Unit.objects.filter(building=world.tower, number="1001").count() == 1
    assert AuditEvent.objects.count() == events

    # The same number in another building is fine.
    response = staff.post(reverse("parks:unit_create", args=[world.smyz_building.pk]),
                          {"number": "1301", "floor": "13", "area_m2": "50", "status": "vacant"})
    assert response.status_code == 302


@pytest.mark.parametrize("area", ["0", "-5"])
def test_it_refuses_a_unit_without_area(world, client_as, area):
    response = client_as("region_staff").post(reverse("parks:unit_create", args=[world.tower.pk]),
                                              {"number": "1401", "floor": "14", "area_m2": area, "status": "vacant"})
    assert response.status_code == 200 and response.context["form"].errors
    assert not Unit.objects.filter(number="1401").exists()


def test_it_edits_a_unit(world, client_as):
    unit = world.units[2]
    response = client_as("park_operator").post(reverse("parks:unit_edit", args=[unit.pk]),
                                               {"number": "1201", "floor": "12", "area_m2": "210",
                                                "status": "unavailable"})
    assert response.status_code == 302
    unit.refresh_from_db()
    assert (unit.area_m2, unit.status) == (Decimal("210"), "unavailable")
    response = client_as("park_operator").post(reverse("parks:unit_edit", args=[unit.pk]),
                                               {"number": "1101", "floor": "12", "area_m2": "210",
                                                "status": "vacant"})
    assert response.status_code == 200
    unit.refresh_from_db()
    assert (unit.number, unit.status) == ("1201", "unavailable")
