"""The REST API: parks, enterprises and settlements with the UI's scopes and validation; paging; OpenAPI."""

from __future__ import annotations

import datetime as dt
import json
import random

import pytest
from django.test import Client
from django.utils import timezone

from tests.conftest import login
from tests.helpers import Api
from yuanqu.core.demo import make_uscc
from yuanqu.core.models import AuditEvent
from yuanqu.enterprises import services as ent
from yuanqu.enterprises.models import Enterprise, EnterpriseName, Settlement
from yuanqu.parks.models import Park, Unit

NEW_USCC = "91350100M000100Y43"


@pytest.fixture
def staff(world) -> Api:
    return Api(world.user("region_staff"))


@pytest.fixture
def operator(world) -> Api:
    return Api(world.user("park_operator"))


# --- parks --------------------------------------------------------------------------------------


def test_it_lists_and_shows_parks_in_scope(world, staff, operator):
    body = staff.get("/api/parks/").json()
    assert body["count"] == 2 and [p["name"] for p in body["items"]] == ["生命药洲", "信联天地"]
    assert [p["name"] for p in operator.get("/api/parks/").json()["items"]] == ["信联天地"]
    detail = staff.get(f"/api/parks/{world.smyz.pk}").json()
    assert (detail["region"], detail["kind"], detail["key_level"]) == ("370213", "industrial", "province_city_district")
    assert operator.get(f"/api/parks/{world.smyz.pk}").status_code == 404
    assert staff.get(f"/api/parks/{world.laoshan_park.pk}").status_code == 404
    assert staff.get("/api/parks/", kind="office_tower").json()["count"] == 1


def test_it_creates_and_updates_a_park(world, staff):
    response = staff.post("/api/parks/", {
        "name": "联东U谷青岛中心", "region": "370213", "kind": "industrial", "status": "building",
        "total_investment_wan": "300000", "industries": ["34", "35"], "opened_on": "2023-02-01",
        "latitude": "36.18", "longitude": "120.41"})
    assert response.status_code == 201, response.json()
    body = response.json()
    park = Park.objects.get(pk=body["id"])
    assert (park.name_initials, str(park.total_investment_wan), body["industries"]) == (
        "ldugqdzx", "300000.00", ["34", "35"])
    assert AuditEvent.objects.get(action="create", object_type="parks.Park", object_id=str(park.pk)).channel == "api"

    response = staff.patch(f"/api/parks/{park.pk}", {"status": "operating", "industries": ["34"]})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["industries"], response.json()["name"]) == (
        "operating", ["34"], "联东U谷青岛中心")
    event = AuditEvent.objects.filter(action="update", object_type="parks.Park").get()
    assert (event.before["status"], event.after["status"]) == ("building", "operating")
    assert (event.before["industries"], event.after["industries"]) == (["34", "35"], ["34"])


@pytest.mark.parametrize("payload,fields", [
    ({"region": "370213", "kind": "industrial"}, {"name"}),
    ({"name": "X园", "kind": "industrial"}, {"region"}),
    ({"name": "X园", "region": "370213", "kind": "industrial", "opened_on": "2023-02-30"}, {"opened_on"}),
    ({"name": "X园", "region": "370213", "kind": "industrial", "land_area_mu": "lots"}, {"land_area_mu"}),
    ({"name": "X园", "region": "999999", "kind": "industrial"}, {"region"}),
    ({"name": "X园", "region": "370212", "kind": "industrial"}, None),  # another district: 404
    ({"name": "X园", "region": "370213", "kind": "castle"}, {"kind"}),
    ({"name": "X园", "region": "370213", "kind": "industrial", "land_area_mu": "-3"}, {"land_area_mu"}),
    ({"name": "X园", "region": "370213", "kind": "industrial", "latitude": "95"}, {"latitude"}),
    ({"name": "X园", "region": "370213", "kind": "industrial", "industries": ["0000"]}, {"industries"}),
    ({"name": "信联天地", "region": "370213", "kind": "industrial"}, {"__all__"}),
])
def test_it_refuses_a_bad_park_by_field(world, staff, payload, fields):
    count = Park.objects.count()
    response = staff.post("/api/parks/", payload)
    if fields is None:
        assert response.status_code == 404
    else:
        assert response.status_code == 422, response.content
        assert set(response.json()["errors"]) == fields
        assert response.json()["detail"]
    assert Park.objects.count() == count


def test_it_refuses_park_writes_to_roles_without_them(world):
    for role in ("leader", "park_operator", "enterprise_user"):
        response = Api(world.user(role)).post("/api/parks/", {"name": "X园", "region": "370213",
                                                               "kind": "industrial"})
        assert response.status_code == 404
    assert Api(world.user("leader")).patch(f"/api/parks/{world.xltd.pk}", {"name": "改名"}).status_code == 404
    assert not Park.objects.filter(name__in=["X园", "改名"]).exists()


# --- enterprises --------------------------------------------------------------------------------


def test_an_operators_new_enterprise_becomes_a_request_staff_register_from(world, operator):
    """Issue 12 (no existence oracle): an operator's code outside its scope, even one registered nowhere, files a
    request (202) carrying what it typed; district staff approving it register the enterprise and sign it."""
    response = operator.post("/api/enterprises/", {"uscc": NEW_USCC.lower(), "name": "青岛接口注册有限公司",
                                                   "region": "370213", "industry": "6513", "park": world.xltd.pk,
                                                   "signed_on": "2024-10-08", "registered_capital_wan": "50.5"})
    assert response.status_code == 202, response.json()
    body = response.json()
    assert (body["kind"], body["status"], body["uscc"]) == ("settle", "pending", NEW_USCC)
    assert not Enterprise.objects.filter(uscc=NEW_USCC).exists()


def test_it_makes_an_operator_give_its_own_park(world, operator):
    response = operator.post("/api/enterprises/", {"uscc": NEW_USCC, "name": "甲", "region": "370213"})
    assert response.status_code == 422 and list(response.json()["errors"]) == ["park"]
    response = operator.post("/api/enterprises/", {"uscc": NEW_USCC, "name": "甲", "region": "370213",
                                                   "park": world.smyz.pk})
    assert response.status_code == 422 and list(response.json()["errors"]) == ["park"]
    assert not Enterprise.objects.filter(uscc=NEW_USCC).exists()


@pytest.mark.parametrize("payload,fields", [
    ({"uscc": "91350100M000100Y44"}, {"uscc"}),
    ({"uscc": "91350100M000100Y4"}, {"uscc"}),
    ({"uscc": "91350100M000100I43"}, {"uscc"}),
    ({"region": "990000"}, {"region"}),
    ({"industry": "9999"}, {"industry"}),
    ({"established_on": "2999-01-01"}, {"established_on"}),
    ({"established_on": "yesterday"}, {"established_on"}),
    ({"registered_capital_wan": "-1"}, {"registered_capital_wan"}),
    ({"status": "bankrupt"}, {"status"}),
    ({"name": None}, {"name"}),
])
def test_it_refuses_a_bad_enterprise_by_field(world, staff, payload, fields):
    body = {"uscc": NEW_USCC, "name": "青岛坏输入有限公司", "region": "370213", **payload}
    body = {k: v for k, v in body.items() if v is not None}
    count = Enterprise.objects.count()
    response = staff.post("/api/enterprises/", body)
    assert response.status_code == 422, response.content
    assert set(response.json()["errors"]) == fields
    assert all(isinstance(m, str) and m for msgs in response.json()["errors"].values() for m in msgs)
    assert Enterprise.objects.count() == count


def test_it_names_a_duplicate_only_inside_the_scope(world, staff, operator):
    response = staff.post("/api/enterprises/", {"uscc": world.ent_smyz.uscc, "name": "重复", "region": "370213"})
    assert response.status_code == 422 and world.ent_smyz.name in response.json()["errors"]["uscc"][0]
    response = operator.post("/api/enterprises/", {"uscc": world.ent_smyz.uscc, "name": "重复", "region": "370213",
                                                   "park": world.xltd.pk, "signed_on": "2024-01-01"})
    # Outside the operator's scope: a request to sign it, for district staff (issue 12 H1), naming nothing.
    assert response.status_code == 202 and response.json()["kind"] == "settle"
    assert world.ent_smyz.name not in response.content.decode()


def test_it_updates_an_enterprise_and_keeps_its_former_name(world, staff):
    response = staff.patch(f"/api/enterprises/{world.ent_smyz.pk}", {"name": "青岛角膜科技有限公司",
                                                                     "srdi_level": "little_giant"})
    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["srdi_level"]) == ("青岛角膜科技有限公司", "little_giant")
    assert body["former_names"] == [{"name": "青岛药研生物有限公司", "used_until": timezone.localdate().isoformat()}]
    assert EnterpriseName.objects.filter(enterprise=world.ent_smyz).count() == 1
    response = staff.patch(f"/api/enterprises/{world.ent_smyz.pk}", {"uscc": "91350100M000100Y44"})
    assert response.status_code == 422 and list(response.json()["errors"]) == ["uscc"]
    world.ent_smyz.refresh_from_db()
    assert world.ent_smyz.uscc != "91350100M000100Y44"


def test_it_lists_enterprises_with_search_and_filters(world, staff):
    assert [e["name"] for e in staff.get("/api/enterprises/", q="xdrj").json()["items"]] == ["青岛信达软件有限公司"]
    by_park = staff.get("/api/enterprises/", park=world.xltd.pk).json()
    assert sorted(e["name"] for e in by_park["items"]) == ["青岛信达软件有限公司", "青岛装修中科技有限公司"]
    assert staff.get("/api/enterprises/", park=world.laoshan_park.pk).json()["count"] == 0
    assert staff.get("/api/enterprises/", status="revoked").json()["count"] == 0
    assert staff.get(f"/api/enterprises/{world.ent_laoshan.pk}").status_code == 404


def test_it_pages_with_limit_and_offset(world, staff):
    for i in range(12):
        ent.enterprise_create(actor=world.user("region_staff"), uscc=make_uscc(random.Random(500 + i), "370213"),
                              name=f"青岛分页{i:02d}有限公司", region=world.licang)
    first = staff.get("/api/enterprises/", q="分页", limit=5).json()
    assert first["count"] == 12 and len(first["items"]) == 5
    third = staff.get("/api/enterprises/", q="分页", limit=5, offset=10).json()
    assert len(third["items"]) == 2
    seen = [e["id"] for page in range(3) for e in staff.get("/api/enterprises/", q="分页", limit=5,
                                                              offset=page * 5).json()["items"]]
    assert len(seen) == len(set(seen)) == 12
    assert staff.get("/api/enterprises/", limit=-1).status_code == 422


# --- settlements --------------------------------------------------------------------------------


def test_it_creates_a_settlement_by_uscc_with_units(world, staff):
    response = staff.post("/api/settlements/", {"uscc": world.ent_smyz.uscc.lower(), "park": world.xltd.pk,
                                                   "signed_on": "2024-09-09", "units": [world.units[2].pk],
                                                   "note": "二期"})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["enterprise"], body["enterprise_name"], body["stage"], body["units"], body["note"]) == (
        world.ent_smyz.pk, "青岛药研生物有限公司", "signed", [world.units[2].pk], "二期")
    assert Unit.objects.get(pk=world.units[2].pk).status == "leased"
    assert staff.get(f"/api/settlements/{body['id']}").json()["id"] == body["id"]


def test_it_refuses_a_taken_unit_or_a_second_active_settlement(world, operator, staff):
    response = operator.post("/api/settlements/", {"enterprise": world.ent_xltd_fitout.pk, "park": world.xltd.pk,
                                                   "signed_on": "2024-09-09"})
    assert response.status_code == 422 and list(response.json()["errors"]) == ["__all__"]
    response = staff.post("/api/settlements/", {"enterprise": world.ent_smyz.pk, "park": world.xltd.pk,
                                                "signed_on": "2024-09-09", "units": [world.units[0].pk]})
    assert response.status_code == 422 and list(response.json()["errors"]) == ["units"]
    response = operator.post("/api/settlements/", {"enterprise": world.ent_smyz.pk, "park": world.xltd.pk,
                                                   "signed_on": "2024-09-09"})
    assert response.status_code == 422 and list(response.json()["errors"]) == ["enterprise"]
    response = operator.post("/api/settlements/", {"uscc": NEW_USCC, "park": world.xltd.pk,
                                                   "signed_on": "2024-09-09"})
    assert response.status_code == 202 and response.json()["kind"] == "settle"  # a request, no settlement
    response = operator.post("/api/settlements/", {"enterprise": world.ent_xltd.pk, "park": world.smyz.pk,
                                                   "signed_on": "2024-09-09"})
    assert response.status_code == 422 and list(response.json()["errors"]) == ["park"]
    assert Settlement.objects.count() == 4


def test_it_corrects_dates_and_units_of_a_settlement(world, operator):
    url = f"/api/settlements/{world.st_xltd_fitout.pk}"
    response = operator.patch(url, {"fitout_on": "2024-04-15", "units": [world.units[1].pk, world.units[2].pk]})
    assert response.status_code == 200, response.json()
    assert (response.json()["fitout_on"], sorted(response.json()["units"])) == (
        "2024-04-15", sorted([world.units[1].pk, world.units[2].pk]))
    response = operator.patch(url, {"fitout_on": "2024-01-15"})
    assert response.status_code == 422
    response = operator.patch(url, {"fitout_on": (timezone.localdate() + dt.timedelta(days=2)).isoformat()})
    assert response.status_code == 422 and list(response.json()["errors"]) == ["fitout_on"]
    assert Settlement.objects.get(pk=world.st_xltd_fitout.pk).fitout_on == dt.date(2024, 4, 15)


def test_it_advances_a_settlement(world, operator):
    url = f"/api/settlements/{world.st_xltd.pk}/advance"
    assert operator.post(url, {"to_stage": "fitout", "on": "2024-07-01"}).status_code == 422
    response = operator.post(url, {"to_stage": "exited"})
    assert response.status_code == 422 and list(response.json()["errors"]) == ["on"]
    response = operator.post(url, {"to_stage": "exited", "on": "2024-08-01"})
    assert response.status_code == 422 and list(response.json()["errors"]) == ["reason"]
    response = operator.post(url, {"to_stage": "exited", "on": "2024-08-01", "reason": "扩租搬迁"})
    assert response.status_code == 200
    assert (response.json()["stage"], response.json()["exit_reason"], response.json()["units"]) == (
        "exited", "扩租搬迁", [])
    assert operator.post(f"/api/settlements/{world.st_smyz.pk}/advance",
                         {"to_stage": "fitout", "on": "2024-07-01"}).status_code == 404
    assert Settlement.objects.get(pk=world.st_smyz.pk).stage == "signed"


def test_it_lists_settlements_with_filters(world, staff):
    assert staff.get("/api/settlements/").json()["count"] == 3
    assert [s["id"] for s in staff.get("/api/settlements/", stage="fitout").json()["items"]] == [
        world.st_xltd_fitout.pk]
    assert staff.get("/api/settlements/", park=world.smyz.pk).json()["count"] == 1
    assert staff.get("/api/settlements/", enterprise=world.ent_laoshan.pk).json()["count"] == 0


# --- schema, sessions, OpenAPI ------------------------------------------------------------------


def test_it_reports_schema_errors_by_field(world, staff):
    response = staff.post(f"/api/settlements/{world.st_xltd_fitout.pk}/advance", {"on": "not-a-date"})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"to_stage", "on"}
    response = staff.client.post("/api/parks/", "{not json", content_type="application/json",
                                 headers=staff._headers())
    assert response.status_code == 400, response.status_code


def test_it_accepts_the_session_but_enforces_csrf_on_writes(world):
    client = login(Client(enforce_csrf_checks=True), world.user("region_staff"))
    assert client.get("/api/parks/").status_code == 200
    response = client.post("/api/parks/", json.dumps({"name": "跨站园", "region": "370213", "kind": "industrial"}),
                           content_type="application/json")
    assert response.status_code == 403, response.status_code
    assert not Park.objects.filter(name="跨站园").exists()


def test_it_publishes_the_openapi_document_to_logged_in_users(world, client_as):
    response = client_as("leader").get("/api/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in ("/api/parks/", "/api/parks/{park_id}", "/api/enterprises/", "/api/enterprises/{enterprise_id}",
                 "/api/settlements/", "/api/settlements/{settlement_id}",
                 "/api/settlements/{settlement_id}/advance"):
        assert path in paths
    assert set(paths["/api/parks/{park_id}"]) == {"get", "patch"}
    assert "bearer" in json.dumps(response.json()["components"]["securitySchemes"]).lower()
    assert client_as("leader").get("/api/docs").status_code == 200
    assert Client().get("/api/openapi.json").status_code == 302


def test_it_answers_another_districts_uscc_like_an_unknown_one_through_the_api(world, operator):
    before = sorted(Settlement.objects.values_list("pk", flat=True))
    outside = operator.post("/api/settlements/", {"uscc": world.ent_laoshan.uscc, "park": world.xltd.pk,
                                                  "signed_on": "2024-09-09"})
    unknown = operator.post("/api/settlements/", {"uscc": NEW_USCC, "park": world.xltd.pk,
                                                  "signed_on": "2024-09-09"})
    # Both a request for district staff (issue 12 H1): the same answer but for its id and the code typed.
    def same(response):
        return response.status_code, {k: v for k, v in response.json().items() if k not in ("id", "uscc")}

    assert same(outside) == same(unknown)
    assert unknown.status_code == 202 and world.ent_laoshan.name not in outside.content.decode()
    assert sorted(Settlement.objects.values_list("pk", flat=True)) == before
