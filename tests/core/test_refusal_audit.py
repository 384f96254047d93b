"""Every refused attempt to exceed a role is audited (等保三级 安全审计; issue 12 deliverable 2): a page or an
endpoint the role may not use answers 404, and the auditor reads who tried what."""

from __future__ import annotations

import json

from django.test import Client
from django.urls import reverse

from yuanqu.accounts.services import token_create
from yuanqu.core.models import AuditEvent
from yuanqu.stats.models import Indicator


def _refusals(user) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(actor=user, after__has_key="refused").order_by("id"))


def test_a_page_refused_for_the_role_is_audited(world, client_as):
    user = world.users["enterprise_user"]
    response = client_as("enterprise_user").get(reverse("dashboards:cockpit"))
    assert response.status_code == 404
    events = _refusals(user)
    assert [e.after["refused"] for e in events] == [f"GET {reverse('dashboards:cockpit')}"]
    assert events[0].region_code == user.region_id or events[0].region_code


def test_an_api_write_refused_for_the_role_is_audited_and_writes_nothing(world):
    user = world.users["enterprise_user"]
    _token, raw = token_create(actor=user, name="试探", days=1)
    response = Client().post("/api/parks/", data=json.dumps({"name": "越权园区", "kind": "industrial",
                                                             "region": "370213"}),
                             content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 404
    assert [e.after["refused"] for e in _refusals(user)] == ["POST /api/parks/"]
    assert not AuditEvent.objects.filter(object_type="parks.Park", object_repr__contains="越权园区").exists()


def test_an_anonymous_request_is_not_a_refusal_of_anyone(world):
    before = AuditEvent.objects.filter(after__has_key="refused").count()
    Client().get(reverse("dashboards:cockpit"))
    assert AuditEvent.objects.filter(after__has_key="refused").count() == before


def test_a_refusal_already_audited_where_it_was_decided_is_recorded_once(world, client_as):
    admin = world.users["region_admin"]
    indicator = Indicator.objects.get(code="output")
    client_as("region_admin").post(reverse("stats:indicator_edit", args=[indicator.pk]),
                                   {"code": "output", "name": "被改的产值", "unit": "万元"})
    assert len(_refusals(admin)) == 1


def test_a_page_within_the_role_is_not_a_refusal(world, client_as):
    staff = world.users["region_staff"]
    assert client_as("region_staff").get(reverse("dashboards:cockpit")).status_code == 200
    assert _refusals(staff) == []
