"""Scope of what the matrix cannot probe from the shared world, and the operator filing outside its parks.

A rectification needs a 差评 by an enterprise user of the request's enterprise: here 生命药洲's enterprise gets one,
so a rectification lies in 生命药洲, outside the 信联天地 operator's parks."""

from __future__ import annotations

from django.urls import reverse

from tests.conftest import World, login
from yuanqu.accounts.services import user_create_on_server
from yuanqu.core.models import AuditEvent
from yuanqu.core.roles import Role
from yuanqu.support import services
from yuanqu.support.models import Rectification

from .world import add_support


def _smyz_rectification(world: World) -> Rectification:
    sw = add_support(world)
    staff = world.users[Role.REGION_STAFF]
    smyz_user = user_create_on_server(role=Role.ENTERPRISE_USER, region=world.licang, username="smyz_user",
                                      enterprise=world.ent_smyz, must_change_password=False)[0]
    services.request_assign(actor=staff, request=sw.req_smyz, handler=staff)
    services.request_close(actor=staff, request=sw.req_smyz, result="已对接")
    services.request_rate(actor=smyz_user, request=sw.req_smyz, level=1, speed=1, quality=1, attitude=1,
                          comment="没有解决")
    return Rectification.objects.get(request=sw.req_smyz)


def test_a_rectification_outside_the_scope_is_a_404_and_nothing_changes(world: World, client):
    rect = _smyz_rectification(world)
    url = reverse("support:rectification_done", args=[rect.pk])
    for role in (Role.PARK_OPERATOR, Role.ENTERPRISE_USER, Role.LEADER, Role.REGION_ADMIN, Role.AUDITOR):
        before = AuditEvent.objects.exclude(after__has_key="refused").count()
        response = login(client, world.users[role]).post(url, {"text": "越权整改"})
        assert response.status_code == 404, role
        assert AuditEvent.objects.exclude(after__has_key="refused").count() == before
    laoshan = login(client, world.laoshan_staff).post(url, {"text": "越权整改"})
    assert laoshan.status_code == 404
    rect.refresh_from_db()
    assert rect.status == "open" and rect.result == ""
    done = login(client, world.users[Role.REGION_STAFF]).post(url, {"text": "已约谈检测机构"})
    assert done.status_code == 302
    rect.refresh_from_db()
    assert rect.status == "done"


def test_the_rectification_list_shows_exactly_the_scope(world: World, client):
    rect = _smyz_rectification(world)
    staff_page = login(client, world.users[Role.REGION_STAFF]).get(reverse("support:rectifications"))
    assert staff_page.content.decode().count('data-id="') == 1 and f'data-id="{rect.pk}"' in staff_page.content.decode()
    operator_page = login(client, world.users[Role.PARK_OPERATOR]).get(reverse("support:rectifications"))
    assert 'data-id="' not in operator_page.content.decode()
    assert login(client, world.laoshan_staff).get(reverse("support:rectifications")).content.decode().count(
        'data-id="') == 0
