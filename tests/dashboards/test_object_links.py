"""Park dashboards and enterprise profiles are linked from the park and enterprise lists and detail pages (issue 14
item 6), through ``core.registry.object_links``: each link only for a role that may open the page, and each leads
to a page that opens (the page's own role and scope checks still apply)."""

from __future__ import annotations

import re

import pytest

from yuanqu.core.registry import object_links
from yuanqu.core.roles import Role


def _links(html: str) -> set[str]:
    return set(re.findall(r'class="[^"]*object-link" href="([^"]+)"', html))


@pytest.mark.parametrize("role", [Role.REGION_STAFF, Role.LEADER, Role.PARK_OPERATOR])
def test_the_park_list_and_page_link_each_visible_park_to_its_dashboard(world, client_as, role):
    client = client_as(role)
    listed = _links(client.get("/parks/?page_size=200").content.decode())
    dashboards = {u for u in listed if u.startswith("/dashboards/parks/")}
    assert f"/dashboards/parks/{world.xltd.pk}/" in dashboards
    # Only the parks the list shows: never another district's (nor, for the operator, another operator's) park.
    assert f"/dashboards/parks/{world.laoshan_park.pk}/" not in dashboards
    if role == Role.PARK_OPERATOR:
        assert dashboards == {f"/dashboards/parks/{world.xltd.pk}/"}
    detail = _links(client.get(f"/parks/{world.xltd.pk}/").content.decode())
    assert f"/dashboards/parks/{world.xltd.pk}/" in detail
    for url in dashboards:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", [Role.REGION_STAFF, Role.PARK_OPERATOR])
def test_the_enterprise_list_and_page_link_each_visible_enterprise_to_its_profile(world, client_as, role):
    client = client_as(role)
    listed = {u for u in _links(client.get("/enterprises/?page_size=200").content.decode())
              if u.startswith("/dashboards/enterprises/")}
    assert f"/dashboards/enterprises/{world.ent_xltd.pk}/" in listed
    assert f"/dashboards/enterprises/{world.ent_laoshan.pk}/" not in listed
    detail = _links(client.get(f"/enterprises/{world.ent_xltd.pk}/").content.decode())
    assert f"/dashboards/enterprises/{world.ent_xltd.pk}/" in detail
    for url in listed:
        assert client.get(url).status_code == 200, url


def test_an_enterprise_user_is_linked_to_its_own_profile_and_to_no_park_dashboard(world, client_as):
    client = client_as(Role.ENTERPRISE_USER)
    page = client.get(f"/enterprises/{world.ent_xltd.pk}/")
    assert page.status_code == 200
    links = _links(page.content.decode())
    assert links == {f"/dashboards/enterprises/{world.ent_xltd.pk}/"}
    assert client.get(f"/dashboards/enterprises/{world.ent_xltd.pk}/").status_code == 200
    assert not any(u.startswith("/dashboards/parks/") for u in links)


def test_a_role_without_the_page_gets_no_link(world):
    """The registry asks each link whether the user may open it: an auditor is offered neither."""
    auditor = world.users[Role.AUDITOR]
    assert object_links.for_object("park", auditor, world.xltd) == []
    assert object_links.for_object("enterprise", auditor, world.ent_xltd) == []
