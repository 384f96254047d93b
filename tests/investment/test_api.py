"""The investment API: same services, same scopes, same validation as the pages."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tests.conftest import World
from tests.helpers import Api
from yuanqu.investment.models import Lead


def today() -> dt.date:
    """Today in the installation's time zone, read when the test runs (not at import)."""
    return timezone.localdate()


def test_it_creates_claims_and_follows_up_a_lead(world: World) -> None:
    staff = Api(world.users["region_staff"])
    response = staff.post("/api/leads/", {"name": "青岛接口测试有限公司", "source": "online", "claim": False,
                                          "intended_investment_wan": "300",
                                          "contacts": [{"name": "钱", "phone": "13500001234"}]})
    assert response.status_code == 201, response.content
    lead_id = response.json()["id"]
    assert response.json()["owner"] is None
    assert any(r["id"] == lead_id for r in staff.get("/api/leads/", pool="true").json()["items"])
    assert staff.post(f"/api/leads/{lead_id}/claim", {}).json()["owner"] == world.users["region_staff"].pk
    again = staff.post(f"/api/leads/{lead_id}/claim", {})
    assert again.status_code == 422
    response = staff.post(f"/api/leads/{lead_id}/follow-ups", {"kind": "leader_docking", "on": str(today()),
                                                               "participants": "区委书记", "summary": "对接"})
    assert response.status_code == 422 and "leader" in response.json()["errors"]  # the leader is not named
    assert not staff.get(f"/api/leads/{lead_id}/follow-ups").json()
    response = staff.post(f"/api/leads/{lead_id}/follow-ups", {"kind": "leader_docking", "on": str(today()),
                                                               "leader": "区委书记", "summary": "对接"})
    assert response.status_code == 201 and response.json()["leader"] == "区委书记"
    assert len(staff.get(f"/api/leads/{lead_id}/follow-ups").json()) == 1


def test_it_refuses_bad_lead_input(world: World) -> None:
    staff = Api(world.users["region_staff"])
    assert staff.post("/api/leads/", {"name": "负", "intended_investment_wan": "-1"}).status_code == 422
    dup = staff.post("/api/leads/", {"name": "青岛康和医疗器械有限公司"})
    assert dup.status_code == 422
    lead = world.lead_smyz
    assert staff.post(f"/api/leads/{lead.pk}/status", {"status": "lost"}).status_code == 422
    future = staff.post(f"/api/leads/{lead.pk}/follow-ups", {"kind": "call", "on": str(today() + dt.timedelta(1)),
                                                             "summary": "x"})
    assert future.status_code == 422 and "on" in future.json()["errors"]
    lead.refresh_from_db()
    assert lead.status == "new" and not lead.follow_ups.exists()


def test_it_hides_out_of_scope_leads_and_changes_nothing(world: World) -> None:
    operator = Api(world.users["park_operator"])
    lead = world.lead_smyz
    assert operator.get(f"/api/leads/{lead.pk}").status_code == 404
    assert operator.post(f"/api/leads/{lead.pk}/claim", {}).status_code == 404
    assert Lead.objects.get(pk=lead.pk).owner is None


def test_an_operator_submits_and_staff_approve_a_stage(world: World) -> None:
    operator, staff = Api(world.users["park_operator"]), Api(world.users["region_staff"])
    change_id = world.change_xltd.pk
    assert operator.post(f"/api/projects/stage-changes/{change_id}/approve", {}).status_code == 404
    response = staff.post(f"/api/projects/stage-changes/{change_id}/approve", {})
    assert response.status_code == 200 and response.json()["status"] == "approved"
    assert staff.get(f"/api/projects/{world.project_xltd.pk}").json()["stage"] == "signed"
    back = staff.post(f"/api/projects/{world.project_xltd.pk}/stage", {"to_stage": "talks", "on": str(today())})
    assert back.status_code == 422


def test_it_opens_cases_through_the_api(world: World) -> None:
    staff = Api(world.users["region_staff"])
    response = staff.post("/api/cases/", {"title": "接口案件", "kind": "one_matter", "request": "x",
                                          "project": world.project_smyz.pk})
    assert response.status_code == 201 and response.json()["park"] == world.smyz.pk
    assert staff.post("/api/cases/", {"title": "无主", "kind": "one_matter", "request": "x"}).status_code == 422
    foreign = staff.post("/api/cases/", {"title": "越界", "kind": "one_matter", "request": "x",
                                         "project": world.project_laoshan.pk})
    assert foreign.status_code == 422
