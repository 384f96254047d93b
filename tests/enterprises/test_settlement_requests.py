"""H1 (issue 12): an enterprise is settled, linked or converted by USCC only through the one scoped lookup.

An operator signs into its park an enterprise that is new (registered then) or already in its scope; any other
code becomes a request that district staff of the enterprise's region approve or reject. The answer never tells
an enterprise registered elsewhere from an unknown code.
"""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse

from tests.conftest import login
from tests.helpers import Api
from yuanqu.core.models import AuditEvent
from yuanqu.enterprises.models import Enterprise, EnterpriseRequest, Settlement
from yuanqu.investment.models import Lead

UNKNOWN = "91350100M000100Y43"  # a valid code no enterprise of the world has


def _settle(api: Api, world, uscc: str):
    return api.post("/api/settlements/", {"uscc": uscc, "park": world.xltd.pk, "signed_on": "2025-01-02"})


def _shape(response) -> tuple[int, list[str], str]:
    body = response.json()
    return response.status_code, sorted(body), body.get("detail", "")


def test_it_files_a_request_instead_of_signing_an_enterprise_of_another_park(world):
    operator = Api(world.user("park_operator"))
    before = Settlement.objects.count()
    response = _settle(operator, world, world.ent_smyz.uscc)
    assert response.status_code == 202, response.json()
    assert Settlement.objects.count() == before
    request = EnterpriseRequest.objects.get(pk=response.json()["id"])
    assert (request.status, request.uscc, request.enterprise, request.park, request.region_id) == (
        "pending", world.ent_smyz.uscc, None, world.xltd, "370213")  # linked to the enterprise once approved
    # Nothing of the enterprise reaches the operator: neither the answer nor its pages.
    assert world.ent_smyz.name not in response.content.decode()
    assert operator.get(f"/api/enterprises/{world.ent_smyz.pk}").status_code == 404
    assert operator.patch(f"/api/enterprises/{world.ent_smyz.pk}", {"name": "改名"}).status_code == 404


def test_it_answers_an_unknown_code_and_one_registered_elsewhere_alike(world, client_as):
    operator = Api(world.user("park_operator"))
    answers = [_shape(_settle(operator, world, code))
               for code in (world.ent_smyz.uscc, world.ent_laoshan.uscc, UNKNOWN)]
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][0] == 202 and "审核" in answers[0][2]
    # The web form says the same for the three, on the same page.
    client = client_as("park_operator")
    texts = []
    for code in (world.ent_smyz.uscc, world.ent_laoshan.uscc, UNKNOWN):
        response = client.post(reverse("enterprises:settlement_create"),
                               {"uscc": code, "park": world.xltd.pk, "signed_on": "2025-01-02"}, follow=True)
        assert response.status_code == 200
        texts.append([str(m) for m in response.context["messages"]])
        assert response.redirect_chain[-1][0] == reverse("enterprises:requests")
    assert texts[0] == texts[1] == texts[2] and texts[0]
    assert Settlement.objects.filter(park=world.xltd, enterprise__in=[world.ent_smyz, world.ent_laoshan]).count() == 0


def test_it_still_signs_an_enterprise_already_in_the_operators_scope(world):
    operator = Api(world.user("park_operator"))
    # ent_xltd_fitout is settled at 信联天地 already: exit it, then sign it again.
    world.st_xltd_fitout.refresh_from_db()
    from yuanqu.enterprises import services as ent

    ent.settlement_advance(actor=world.user("region_staff"), settlement=world.st_xltd_fitout, to_stage="exited",
                           on=dt.date(2025, 1, 1), reason="搬迁")
    response = _settle(operator, world, world.ent_xltd_fitout.uscc)
    assert response.status_code == 201, response.json()


def test_registering_a_code_registered_elsewhere_files_a_request_its_region_decides(world):
    """(A new code files the same request, decided in the park's district: tests/enterprises/
    test_no_existence_oracle.py compares the two answers field by field.)"""
    operator = Api(world.user("park_operator"))
    body = {"name": "青岛新来科技有限公司", "region": "370213", "park": world.xltd.pk, "signed_on": "2025-01-02"}
    response = operator.post("/api/enterprises/", {**body, "uscc": world.ent_laoshan.uscc})
    assert response.status_code == 202, response.json()
    assert "崂山" not in response.content.decode() and "outside" not in response.content.decode()
    assert Enterprise.objects.get(pk=world.ent_laoshan.pk).name == "青岛崂山海洋科技有限公司"
    request = EnterpriseRequest.objects.get(pk=response.json()["id"])
    assert request.region_id == "370212"  # 崂山's staff decide


def test_district_staff_of_the_enterprises_region_approve_and_the_operator_then_sees_it(world, client_as):
    operator = Api(world.user("park_operator"))
    request_id = _settle(operator, world, world.ent_smyz.uscc).json()["id"]
    # The operator cannot approve its own request; 崂山's staff do not see it.
    assert client_as("park_operator").post(reverse("enterprises:request_approve", args=[request_id])).status_code \
        == 404
    laoshan = login(Client(), world.laoshan_staff)
    assert laoshan.post(reverse("enterprises:request_approve", args=[request_id])).status_code == 404
    assert EnterpriseRequest.objects.get(pk=request_id).status == "pending"

    staff = client_as("region_staff")
    page = staff.get(reverse("enterprises:requests"))
    assert page.status_code == 200 and world.ent_smyz.name in page.content.decode()
    response = staff.post(reverse("enterprises:request_approve", args=[request_id]))
    assert response.status_code == 302
    request = EnterpriseRequest.objects.get(pk=request_id)
    assert (request.status, request.decided_by, request.enterprise) == (
        "approved", world.user("region_staff"), world.ent_smyz)
    settlement = Settlement.objects.active().get(enterprise=world.ent_smyz, park=world.xltd)
    assert request.settlement == settlement
    assert operator.get(f"/api/enterprises/{world.ent_smyz.pk}").status_code == 200
    assert AuditEvent.objects.filter(object_type="enterprises.EnterpriseRequest", object_id=str(request_id),
                                     action="update", actor=world.user("region_staff")).exists()


def test_staff_reject_with_a_reason_and_the_enterprise_stays_out_of_sight(world, client_as):
    operator = Api(world.user("park_operator"))
    request_id = _settle(operator, world, world.ent_smyz.uscc).json()["id"]
    staff = client_as("region_staff")
    response = staff.post(reverse("enterprises:request_reject", args=[request_id]), {"reason": ""})
    assert response.status_code == 302
    assert EnterpriseRequest.objects.get(pk=request_id).status == "pending"  # a reason is required
    staff.post(reverse("enterprises:request_reject", args=[request_id]), {"reason": "该企业未与信联天地签约"})
    request = EnterpriseRequest.objects.get(pk=request_id)
    assert (request.status, request.reason) == ("rejected", "该企业未与信联天地签约")
    assert operator.get(f"/api/enterprises/{world.ent_smyz.pk}").status_code == 404
    page = client_as("park_operator").get(reverse("enterprises:requests")).content.decode()
    assert "该企业未与信联天地签约" in page and world.ent_smyz.name not in page


def test_a_request_for_an_unknown_code_cannot_be_approved_until_it_is_registered(world, client_as):
    operator = Api(world.user("park_operator"))
    request_id = _settle(operator, world, UNKNOWN).json()["id"]
    request = EnterpriseRequest.objects.get(pk=request_id)
    assert (request.enterprise, request.region_id) == (None, "370213")  # the park's district decides
    staff = client_as("region_staff")
    response = staff.post(reverse("enterprises:request_approve", args=[request_id]), follow=True)
    assert "未找到" in " ".join(str(m) for m in response.context["messages"])
    assert EnterpriseRequest.objects.get(pk=request_id).status == "pending"


def test_lead_conversion_files_a_request_for_an_enterprise_outside_the_scope(world, client_as):
    lead = world.lead_xltd
    response = client_as("park_operator").post(
        reverse("investment:lead_convert", args=[lead.pk]),
        {"park": world.xltd.pk, "signed_on": "2025-01-02", "uscc": world.ent_smyz.uscc, "name": "远航数据"},
        follow=True)
    assert response.status_code == 200
    assert not Settlement.objects.filter(enterprise=world.ent_smyz, park=world.xltd).exists()
    assert Lead.objects.get(pk=lead.pk).settlement_id is None
    assert EnterpriseRequest.objects.filter(uscc=world.ent_smyz.uscc, park=world.xltd, status="pending").exists()
    assert world.ent_smyz.name not in response.content.decode()
