"""Self-declared designations (issue 12, M7).

高新技术企业, 规上, 专精特新, listing status and registered capital change only by district staff, or by the
enterprise as a request that district staff confirm; the API and the form refuse a direct change by the
enterprise with a clear message.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.helpers import Api
from yuanqu.enterprises.models import Enterprise, EnterpriseRequest

CHANGES = [
    {"is_high_tech": True},
    {"is_above_scale": True},
    {"srdi_level": "little_giant"},
    {"listing": "star"},
    {"registered_capital_wan": "99999"},
]


@pytest.mark.parametrize("change", CHANGES)
def test_the_enterprise_cannot_set_its_own_designations_in_the_api(world, change):
    api = Api(world.user("enterprise_user"))
    before = Enterprise.objects.filter(pk=world.ent_xltd.pk).values().get()
    response = api.patch(f"/api/enterprises/{world.ent_xltd.pk}", {**change, "name": world.ent_xltd.name})
    assert response.status_code == 422, response.json()
    field = next(iter(change))
    assert list(response.json()["errors"]) == [field]
    assert "区级业务人员" in response.json()["errors"][field][0]
    assert Enterprise.objects.filter(pk=world.ent_xltd.pk).values().get() == before


def test_the_enterprise_still_edits_the_rest_of_its_record(world):
    api = Api(world.user("enterprise_user"))
    response = api.patch(f"/api/enterprises/{world.ent_xltd.pk}", {"is_four_new": True, "is_high_tech": False})
    assert response.status_code == 200, response.json()  # is_high_tech unchanged: not a change
    assert Enterprise.objects.get(pk=world.ent_xltd.pk).is_four_new


@pytest.mark.parametrize("role", ["region_staff", "park_operator"])
def test_district_staff_set_designations_and_the_operator_does_not(world, role):
    response = Api(world.user(role)).patch(f"/api/enterprises/{world.ent_xltd.pk}", {"is_high_tech": True})
    if role == "region_staff":
        assert response.status_code == 200 and Enterprise.objects.get(pk=world.ent_xltd.pk).is_high_tech
    else:
        assert response.status_code == 422 and list(response.json()["errors"]) == ["is_high_tech"]
        assert not Enterprise.objects.get(pk=world.ent_xltd.pk).is_high_tech


def test_the_enterprise_files_a_change_request_that_staff_confirm(world, client_as):
    e = world.ent_xltd
    page = client_as("enterprise_user").get(reverse("enterprises:edit", args=[e.pk])).content.decode()
    # 高企, 专精特新 and listing are designations with dates (梯度培育), granted by staff: no box to tick (issue 14)
    assert 'name="is_above_scale"' in page
    assert not any(f'name="{n}"' in page for n in ("is_high_tech", "srdi_level", "listing"))
    form = {"name": e.name, "industry": e.industry_id, "status": "active", "registered_capital_wan": "500",
            "established_on": "2015-05-01", "is_high_tech": "on", "is_above_scale": "on", "is_four_new": "on"}
    response = client_as("enterprise_user").post(reverse("enterprises:edit", args=[e.pk]), form, follow=True)
    assert response.status_code == 200
    assert "确认" in " ".join(str(m) for m in response.context["messages"])
    e.refresh_from_db()
    # the rest is saved, the designation waits; a 高企 posted past the form is not a field of it
    assert (e.is_above_scale, e.is_four_new, e.is_high_tech) == (False, True, False)
    request = EnterpriseRequest.objects.get(kind="change", enterprise=e)
    assert (request.status, request.changes, request.region_id) == ("pending", {"is_above_scale": True}, "370213")
    staff = client_as("region_staff")
    assert "规上" in staff.get(reverse("enterprises:requests")).content.decode()
    assert client_as("enterprise_user").post(reverse("enterprises:request_approve", args=[request.pk])) \
        .status_code == 404
    assert staff.post(reverse("enterprises:request_approve", args=[request.pk])).status_code == 302
    e.refresh_from_db()
    assert e.is_above_scale and EnterpriseRequest.objects.get(pk=request.pk).status == "approved"


def test_the_enterprise_files_a_change_request_in_the_api(world):
    api = Api(world.user("enterprise_user"))
    response = api.post(f"/api/enterprises/{world.ent_xltd.pk}/change-requests",
                        {"registered_capital_wan": "800", "srdi_level": "provincial"})
    assert response.status_code == 202, response.json()
    request = EnterpriseRequest.objects.get(pk=response.json()["id"])
    assert request.changes == {"registered_capital_wan": "800", "srdi_level": "provincial"}
    assert Enterprise.objects.get(pk=world.ent_xltd.pk).registered_capital_wan == Decimal("500")
    # Another enterprise's record: 404, nothing filed.
    assert api.post(f"/api/enterprises/{world.ent_smyz.pk}/change-requests",
                    {"is_high_tech": True}).status_code == 404
    assert api.post(f"/api/enterprises/{world.ent_xltd.pk}/change-requests", {"srdi_level": "x"}).status_code == 422
