"""The statistics API: the same services, scopes and checks as the pages."""

from __future__ import annotations

from decimal import Decimal

from tests.conftest import World
from tests.helpers import Api
from yuanqu.stats import services
from yuanqu.stats.models import Report, ReportValue

from .helpers import ind, may_round

ENTRIES = [{"indicator": "output", "value": "１,２００"}, {"indicator": "revenue", "value": 1500},
           {"indicator": "tax", "value": "80"}, {"indicator": "profit", "value": "100"},
           {"indicator": "employees", "value": "120"}]


def test_it_lists_indicators_and_scoped_reports(world: World) -> None:
    ent = Api(world.users["enterprise_user"])
    codes = {i["code"] for i in ent.get("/api/stats/indicators").json()}
    assert {"output", "revenue", "tax", "employees"} <= codes
    items = ent.get("/api/stats/reports").json()["items"]
    assert [r["id"] for r in items] == [world.report_xltd.pk]
    staff = Api(world.users["region_staff"])
    ids = {r["id"] for r in staff.get("/api/stats/reports", round=world.round_licang.pk).json()["items"]}
    assert ids == {world.report_xltd.pk, world.report_smyz.pk}
    assert staff.get("/api/stats/reports", status="approved").json()["items"] == []


def test_it_saves_submits_reviews_and_approves(world: World) -> None:
    ent = Api(world.users["enterprise_user"])
    url = f"/api/stats/reports/{world.report_xltd.pk}"
    response = ent.post(url + "/entries", {"entries": ENTRIES[:1]})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "draft"
    # A second partial save keeps the first one's value.
    response = ent.post(url + "/entries", {"entries": ENTRIES[1:2]})
    assert Decimal(next(v for v in response.json()["values"] if v["indicator"] == "output")["value"]) == 1200
    response = ent.post(url + "/entries", {"entries": ENTRIES[1:], "submit": True})
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    values = {v["indicator"]: v["value"] for v in response.json()["values"]}
    assert Decimal(values["output"]) == Decimal("1200")
    again = ent.post(url + "/entries", {"entries": ENTRIES, "submit": True})
    assert again.status_code == 422
    operator, staff = Api(world.users["park_operator"]), Api(world.users["region_staff"])
    assert operator.post(url + "/approve", {}).status_code == 404
    assert operator.post(url + "/park-review", {}).json()["status"] == "park_reviewed"
    assert staff.post(url + "/approve", {}).json()["status"] == "approved"
    agg = staff.get("/api/stats/aggregates", indicator="output", year=2025, month=6).json()
    row = next(p for p in agg["parks"] if p["park"] == world.xltd.pk)
    assert Decimal(row["ytd"]) == Decimal("1200") and row["reporters"] == 1
    assert Decimal(agg["total"]["ytd"]) == Decimal("1200")


def test_bad_entries_are_422_and_change_nothing(world: World) -> None:
    ent = Api(world.users["enterprise_user"])
    url = f"/api/stats/reports/{world.report_xltd.pk}/entries"
    negative = ent.post(url, {"entries": [{"indicator": "output", "value": "-5"}], "submit": False})
    assert negative.status_code == 422
    assert f"v_{ind('output').pk}" in negative.json()["errors"]
    text = ent.post(url, {"entries": [{"indicator": "revenue", "value": "很多"}]})
    assert text.status_code == 422 and f"v_{ind('revenue').pk}" in text.json()["errors"]
    unknown = ent.post(url, {"entries": [{"indicator": "nope", "value": "1"}]})
    assert unknown.status_code == 422
    assert not ReportValue.objects.filter(report=world.report_xltd).exists()


def test_a_warning_needs_an_explanation_through_the_api_too(world: World) -> None:
    may_round(world, employees="100")
    ent = Api(world.users["enterprise_user"])
    url = f"/api/stats/reports/{world.report_xltd.pk}/entries"
    entries = [e if e["indicator"] != "employees" else {"indicator": "employees", "value": "500"} for e in ENTRIES]
    response = ent.post(url, {"entries": entries, "submit": True})
    assert response.status_code == 422 and f"e_{ind('employees').pk}" in response.json()["errors"]
    entries[-1]["explanation"] = "扩产招聘"
    assert ent.post(url, {"entries": entries, "submit": True}).json()["status"] == "submitted"


def test_submitting_after_the_lock_is_422(world: World) -> None:
    services.round_lock(actor=world.users["region_staff"], rnd=world.round_licang)
    response = Api(world.users["enterprise_user"]).post(f"/api/stats/reports/{world.report_xltd.pk}/entries",
                                                         {"entries": ENTRIES, "submit": True})
    assert response.status_code == 422
    assert Report.objects.get(pk=world.report_xltd.pk).status == Report.Status.PENDING


def test_out_of_scope_reports_are_404(world: World) -> None:
    ent, operator = Api(world.users["enterprise_user"]), Api(world.users["park_operator"])
    assert ent.get(f"/api/stats/reports/{world.report_smyz.pk}").status_code == 404
    assert ent.post(f"/api/stats/reports/{world.report_smyz.pk}/entries", {"entries": ENTRIES}).status_code == 404
    assert operator.post(f"/api/stats/reports/{world.report_smyz.pk}/park-review", {}).status_code == 404
    assert operator.post(f"/api/stats/reports/{world.report_smyz.pk}/return", {"reason": "x"}).status_code == 404
    assert Api(world.users["region_staff"]).get(f"/api/stats/reports/{world.report_laoshan.pk}").status_code == 404
    assert operator.get("/api/stats/aggregates", park=world.smyz.pk).status_code == 404
    assert ent.get("/api/stats/aggregates").status_code == 404


def test_aggregate_parameters_are_checked(world: World) -> None:
    staff = Api(world.users["region_staff"])
    assert staff.get("/api/stats/aggregates", indicator="nope").status_code == 422
    assert staff.get("/api/stats/aggregates", indicator="rnd", year=2025, month=5).status_code == 422
    assert staff.get("/api/stats/aggregates", year=1900, month=6).status_code == 422
    assert staff.get("/api/stats/aggregates", segment="x").status_code == 422
    assert staff.get("/api/stats/aggregates").status_code == 200
