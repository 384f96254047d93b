"""The support part of the demo: catalogues at 信联天地 and 生命药洲 and the district's, requests in every state."""

from __future__ import annotations

from django.utils import timezone

from tests.conftest import World
from yuanqu.core.roles import Role
from yuanqu.support.demo import load_support_demo
from yuanqu.support.models import Rating, Rectification, RequestEvent, Service, ServiceRequest


def test_the_demo_has_catalogues_and_requests_in_every_state(world: World) -> None:
    staff = world.users[Role.REGION_STAFF]
    load_support_demo(actor=staff, staff=staff, operator=world.users[Role.PARK_OPERATOR],
                      enterprise_user=world.users[Role.ENTERPRISE_USER], today=timezone.localdate(),
                      parks={"xltd": world.xltd, "smyz": world.smyz})
    assert set(Service.objects.values_list("park__name", flat=True)) == {"信联天地", "生命药洲", None}
    assert set(ServiceRequest.objects.values_list("status", flat=True)) == set(ServiceRequest.Status.values)
    assert ServiceRequest.objects.overdue().filter(escalated_at__isnull=False).exists()
    assert RequestEvent.objects.filter(kind="warned").exists()
    assert ServiceRequest.objects.filter(closed_at__gt=timezone.now() - timezone.timedelta(days=365)).exists()
    late = [r for r in ServiceRequest.objects.filter(closed_at__isnull=False) if not r.on_time]
    assert late, "a request closed late"
    assert set(Rating.objects.values_list("level", flat=True)) == {5, 4, 3, 2}
    assert Rectification.objects.get().status == "open"
    assert ServiceRequest.objects.filter(park=world.smyz).count() == 3
