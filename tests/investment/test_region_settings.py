"""District staff set N, the days before an idle lead returns to the pool: a business rule, so not the system
administrator's (三权分立, issue 12 M5)."""

from __future__ import annotations

from django.urls import reverse

from tests.conftest import World, login
from yuanqu.investment.models import RegionSetting

URL = reverse("investment:settings")


def test_it_lets_district_staff_set_the_days(world: World, client_as) -> None:
    client = client_as("region_staff")
    assert client.get(URL).context["form"].initial["lead_stale_days"] == 30
    assert client.post(URL, {"lead_stale_days": "45"}).status_code == 302
    assert RegionSetting.stale_days_for(world.licang.code) == 45
    assert client.get(URL).context["form"].initial["lead_stale_days"] == 45


def test_it_refuses_the_system_administrator(world: World, client_as) -> None:
    client_as("region_staff").post(URL, {"lead_stale_days": "45"})
    assert client_as("region_admin").post(URL, {"lead_stale_days": "20"}).status_code == 404
    assert RegionSetting.stale_days_for(world.licang.code) == 45


def test_it_refuses_zero_days_and_keeps_the_setting(world: World, client_as) -> None:
    client = client_as("region_staff")
    client.post(URL, {"lead_stale_days": "45"})
    for bad in ("0", "-3", "abc", ""):
        response = client.post(URL, {"lead_stale_days": bad})
        assert response.status_code == 200 and "lead_stale_days" in response.context["form"].errors
    assert RegionSetting.stale_days_for(world.licang.code) == 45


def test_it_refuses_other_roles(world: World, client_as) -> None:
    for role in ("leader", "park_operator", "enterprise_user", "auditor"):
        assert client_as(role).post(URL, {"lead_stale_days": "5"}).status_code == 404
    assert not RegionSetting.objects.exists()


def test_it_changes_only_the_region_of_the_user(world: World) -> None:
    from django.test import Client

    client = login(Client(), world.laoshan_staff)
    assert client.post(URL, {"lead_stale_days": "7"}).status_code == 302
    assert RegionSetting.stale_days_for(world.laoshan.code) == 7
    assert RegionSetting.stale_days_for(world.licang.code) == 30


def test_it_offers_the_page_in_the_menu_of_staff_only(world: World, client_as) -> None:
    for role, shown in (("region_staff", True), ("region_admin", False), ("leader", False)):
        nav = client_as(role).get(reverse("home"), follow=True).context["nav"]
        assert any(href == URL for _key, _label, href in nav) is shown
