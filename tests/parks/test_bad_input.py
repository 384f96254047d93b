"""Bad input on the park, building and unit forms: a Chinese error beside the field, and nothing stored changes."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.bad_input_support import (
    AT_LEAST,
    AT_MOST,
    CHOICE,
    DATE,
    DIGITS,
    EMOJI,
    HUGE,
    MISSING,
    NUL,
    NUMBER,
    REQUIRED,
    TOO_LONG,
    WHOLE_NUMBER,
    assert_form_refused,
    assert_unchanged,
    db_state,
    each_test_rolled_back,  # noqa: F401 (a fixture: each test in a savepoint)
    form_data,
    module_world,  # noqa: F401 (a fixture: the shared world, once per module)
)
from yuanqu.parks.models import Building, Park, Unit

PARK = {"name": "新建产业园", "region": "370213", "kind": "industrial", "status": "operating"}
BUILDING = {"name": "二号楼", "floors_above": "10", "floors_below": "1"}
UNIT = {"number": "1208", "floor": "12", "area_m2": "150", "status": "vacant"}



# Each row: field, value, the Chinese text the field's error must contain.
PARK_CASES = [
    ("name", MISSING, REQUIRED),
    ("name", "", REQUIRED),
    ("name", "   ", REQUIRED),
    ("name", "园" * 101, TOO_LONG),
    ("name", "坏\x00园", NUL),
    ("kind", MISSING, REQUIRED),
    ("kind", "castle", CHOICE),
    ("status", "closed_forever", CHOICE),
    ("key_level", "galactic", CHOICE),
    ("industries", ["0000"], CHOICE),
    ("industries", ["'; DROP TABLE"], CHOICE),
    ("operator_name", "司" * 101, TOO_LONG),
    ("operator_name", "\x00", NUL),
    ("address", "路" * 201, TOO_LONG),
    ("address", "李沧区\x00路", NUL),
    ("description", "简介\x00", NUL),
    ("longitude", "东经120度", NUMBER),
    ("longitude", "200", AT_MOST),
    ("longitude", "-181", AT_LEAST),
    ("latitude", "95", AT_MOST),
    ("latitude", "-90.5", AT_LEAST),
    ("land_area_mu", "-3", AT_LEAST),
    ("land_area_mu", "很多", NUMBER),
    ("land_area_mu", "NaN", NUMBER),
    ("land_area_mu", "Infinity", NUMBER),
    ("floor_area_m2", "-0.01", AT_LEAST),
    ("floor_area_m2", str(HUGE) * 2, DIGITS),
    ("total_investment_wan", "-5", AT_LEAST),
    ("total_investment_wan", "55亿", NUMBER),
    ("opened_on", "2025-13-45", DATE),
    ("opened_on", "2023-02-30", DATE),
    ("opened_on", "昨天", DATE),
]
REGION_CASES = [
    ("region", MISSING, REQUIRED),
    ("region", "370212", CHOICE),  # 崂山区: another district
    ("region", "999999", CHOICE),
    ("region", "37021\x00", NUL),
]


@pytest.mark.parametrize("field,value,text", PARK_CASES + REGION_CASES)
def test_it_refuses_a_bad_new_park_by_field(world, client_as, field, value, text):
    before = db_state()
    response = client_as("region_staff").post(reverse("parks:create"), form_data(PARK, field, value))
    assert_form_refused(response, field, text)
    assert_unchanged(before)


def test_it_creates_the_park_the_bad_cases_start_from(world, client_as):
    """The base data is valid, so every refusal above is caused by its one bad field."""
    response = client_as("region_staff").post(reverse("parks:create"), PARK)
    assert response.status_code == 302
    assert Park.objects.filter(name=PARK["name"], region_id="370213").count() == 1


def test_it_keeps_an_emoji_in_a_park_name(world, client_as):
    response = client_as("region_staff").post(reverse("parks:create"), {**PARK, "name": EMOJI})
    assert response.status_code == 302
    assert Park.objects.get(name=EMOJI).region_id == "370213"


def test_it_refuses_a_park_name_taken_in_the_region(world, client_as):
    before = db_state()
    response = client_as("region_staff").post(reverse("parks:create"), {**PARK, "name": "信联天地"})
    assert_form_refused(response, None, "该行政区划内已有同名园区。")
    assert_unchanged(before)


def _park_edit_data(park: Park) -> dict[str, Any]:
    return {"name": park.name, "region": park.region_id, "kind": park.kind, "status": park.status,
            "key_level": park.key_level}


# An edit runs the same form as a create: a sample of the table shows the stored park stays as it was.
EDIT_SAMPLE = [0, 3, 4, 6, 9, 13, 16, 17, 21, 26, 29, 33]


@pytest.mark.parametrize("field,value,text", [(PARK_CASES + REGION_CASES)[i] for i in EDIT_SAMPLE])
def test_it_refuses_a_bad_park_edit_and_keeps_the_park(world, client_as, field, value, text):
    before = db_state()
    response = client_as("region_staff").post(reverse("parks:edit", args=[world.smyz.pk]),
                                              form_data(_park_edit_data(world.smyz), field, value))
    assert_form_refused(response, field, text)
    assert_unchanged(before)


@pytest.mark.parametrize("field,value,text", [
    ("name", "", REQUIRED),
    ("name", "园" * 101, TOO_LONG),
    ("kind", "castle", CHOICE),
    ("land_area_mu", "-1", AT_LEAST),
    ("opened_on", "2025-13-45", DATE),
])
def test_it_refuses_a_bad_park_edit_by_its_operator(world, client_as, field, value, text):
    before = db_state()
    data = _park_edit_data(world.xltd)
    data.pop("region")
    response = client_as("park_operator").post(reverse("parks:edit", args=[world.xltd.pk]),
                                               form_data(data, field, value))
    assert_form_refused(response, field, text)
    assert_unchanged(before)


def test_it_ignores_a_region_an_operator_slips_into_a_park_edit(world, client_as):
    """An operator's form has no region: a posted region of another district moves nothing."""
    data = {**_park_edit_data(world.xltd), "region": "370212"}
    response = client_as("park_operator").post(reverse("parks:edit", args=[world.xltd.pk]), data)
    assert response.status_code == 302
    assert Park.objects.get(pk=world.xltd.pk).region_id == "370213"


def test_it_renames_a_park_with_the_edit_data_the_bad_cases_start_from(world, client_as):
    data = {**_park_edit_data(world.smyz), "name": "生命药洲二期"}
    assert client_as("region_staff").post(reverse("parks:edit", args=[world.smyz.pk]), data).status_code == 302
    assert Park.objects.get(pk=world.smyz.pk).name == "生命药洲二期"


# --- buildings ----------------------------------------------------------------------------------

BUILDING_CASES = [
    ("name", MISSING, REQUIRED),
    ("name", "", REQUIRED),
    ("name", "楼" * 61, TOO_LONG),
    ("name", "主\x00楼", NUL),
    ("floors_above", MISSING, REQUIRED),
    ("floors_above", "十层", WHOLE_NUMBER),
    ("floors_above", "2.5", WHOLE_NUMBER),
    ("floors_above", "-1", AT_LEAST),
    ("floors_above", str(HUGE), AT_MOST),
    ("floors_below", "-2", AT_LEAST),
    ("height_m", "-186", AT_LEAST),
    ("height_m", "高", NUMBER),
    ("height_m", "1234567", DIGITS),
    ("floor_area_m2", "-1", AT_LEAST),
    ("floor_area_m2", "三万平方米", NUMBER),
]


@pytest.mark.parametrize("field,value,text", BUILDING_CASES)
def test_it_refuses_a_bad_new_building_by_field(world, client_as, field, value, text):
    before = db_state()
    response = client_as("park_operator").post(reverse("parks:building_create", args=[world.xltd.pk]),
                                               form_data(BUILDING, field, value))
    assert_form_refused(response, field, text)
    assert_unchanged(before)


def test_it_adds_the_building_the_bad_cases_start_from(world, client_as):
    response = client_as("park_operator").post(reverse("parks:building_create", args=[world.xltd.pk]), BUILDING)
    assert response.status_code == 302
    assert Building.objects.filter(park=world.xltd, name="二号楼").count() == 1


def test_it_refuses_a_building_name_taken_in_the_park(world, client_as):
    before = db_state()
    response = client_as("park_operator").post(reverse("parks:building_create", args=[world.xltd.pk]),
                                               {**BUILDING, "name": "主塔楼"})
    assert_form_refused(response, None, "本园区已有同名楼宇。")
    assert_unchanged(before)


@pytest.mark.parametrize("field,value,text", BUILDING_CASES[1::2])
def test_it_refuses_a_bad_building_edit_and_keeps_the_building(world, client_as, field, value, text):
    before = db_state()
    data = {"name": "主塔楼", "floors_above": "45", "floors_below": "0", "height_m": "186"}
    response = client_as("park_operator").post(reverse("parks:building_edit", args=[world.tower.pk]),
                                               form_data(data, field, value))
    assert_form_refused(response, field, text)
    assert_unchanged(before)


# --- units --------------------------------------------------------------------------------------

UNIT_CASES = [
    ("number", MISSING, REQUIRED),
    ("number", "", REQUIRED),
    ("number", "1" * 21, TOO_LONG),
    ("number", "12\x0008", NUL),
    ("floor", MISSING, REQUIRED),
    ("floor", "十二", WHOLE_NUMBER),
    ("floor", str(HUGE), AT_MOST),
    ("floor", str(-HUGE - 1), AT_LEAST),
    ("area_m2", MISSING, REQUIRED),
    ("area_m2", "-150", AT_LEAST),
    ("area_m2", "150平米", NUMBER),
    ("area_m2", "123456789012", DIGITS),
    ("status", "haunted", CHOICE),
]


@pytest.mark.parametrize("field,value,text", UNIT_CASES)
def test_it_refuses_a_bad_new_unit_by_field(world, client_as, field, value, text):
    before = db_state()
    response = client_as("park_operator").post(reverse("parks:unit_create", args=[world.tower.pk]),
                                               form_data(UNIT, field, value))
    assert_form_refused(response, field, text)
    assert_unchanged(before)


def test_it_adds_the_unit_the_bad_cases_start_from(world, client_as):
    response = client_as("park_operator").post(reverse("parks:unit_create", args=[world.tower.pk]), UNIT)
    assert response.status_code == 302
    assert Unit.objects.filter(building=world.tower, number="1208").count() == 1


def test_it_refuses_a_unit_of_zero_area(world, client_as):
    before = db_state()
    response = client_as("park_operator").post(reverse("parks:unit_create", args=[world.tower.pk]),
                                               {**UNIT, "area_m2": "0"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "area_m2" in response.context["form"].errors or "__all__" in response.context["form"].errors
    assert_unchanged(before)


def test_it_refuses_a_unit_number_taken_in_the_building(world, client_as):
    before = db_state()
    response = client_as("park_operator").post(reverse("parks:unit_create", args=[world.tower.pk]),
                                               {**UNIT, "number": "1001"})
    assert_form_refused(response, None, "本楼宇已有相同房号的房源。")
    assert_unchanged(before)


@pytest.mark.parametrize("field,value,text", UNIT_CASES[1::2])
def test_it_refuses_a_bad_unit_edit_and_keeps_the_unit(world, client_as, field, value, text):
    before = db_state()
    unit = world.units[2]
    data = {"number": unit.number, "floor": str(unit.floor), "area_m2": str(unit.area_m2), "status": unit.status}
    response = client_as("park_operator").post(reverse("parks:unit_edit", args=[unit.pk]),
                                               form_data(data, field, value))
    assert_form_refused(response, field, text)
    assert_unchanged(before)


@pytest.mark.parametrize("name,args", [
    ("parks:edit", lambda w: [w.laoshan_park.pk]),
    ("parks:building_create", lambda w: [w.laoshan_park.pk]),
    ("parks:building_edit", lambda w: [w.laoshan_building.pk]),
    ("parks:unit_create", lambda w: [w.laoshan_building.pk]),
    ("parks:unit_edit", lambda w: [w.laoshan_unit.pk]),
    ("parks:edit", lambda w: [2**31]),
    ("parks:unit_edit", lambda w: [2**31]),
    ("parks:edit", lambda w: [2**64]),
    ("parks:building_create", lambda w: [2**64]),
])
def test_it_answers_404_to_a_post_on_another_districts_or_a_missing_object(world, client_as, name, args):
    before = db_state()
    response = client_as("region_staff").post(reverse(name, args=args(world)), {**PARK, **BUILDING, **UNIT})
    assert response.status_code == 404
    assert "崂山" not in response.content.decode()
    assert_unchanged(before)
