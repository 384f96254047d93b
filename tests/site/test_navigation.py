"""The grouped side menu, the header's global search and each role's 工作台 (to-dos).

The menu's groups and entries come from the apps' registrations; the page's own entry is the one highlighted (one,
never two); the search returns only what the user's scope holds; the to-dos count what a brute-force query counts.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import World, login
from yuanqu.core.registry import NAV_GROUPS, NavRegistry
from yuanqu.core.roles import Role
from yuanqu.stats.models import Report

GROUP_KEYS = [g.key for g in NAV_GROUPS]


def _active(html: str) -> list[str]:
    """The hrefs of the menu entries marked as the current page."""
    return re.findall(r'<li class="nav-item active"><a class="nav-link" href="([^"]+)" aria-current="page">', html)


@pytest.mark.parametrize("role", [Role.REGION_STAFF, Role.LEADER, Role.PARK_OPERATOR, Role.ENTERPRISE_USER,
                                  Role.REGION_ADMIN, Role.AUDITOR])
def test_it_groups_every_entry_of_a_role_in_menu_order(client_as, role: Role) -> None:
    """Each entry of the flat menu sits in exactly one group; groups come in the product's order, none empty."""
    response = client_as(role).get(reverse("home"), follow=True)
    groups = response.context["nav_groups"]
    flat = [href for _k, _l, href in response.context["nav"]]
    grouped = [item["href"] for g in groups for item in g["items"]]
    assert sorted(grouped) == sorted(flat) and len(grouped) == len(set(grouped))
    keys = [g["key"] for g in groups]
    assert keys == sorted(keys, key=GROUP_KEYS.index) and all(g["items"] for g in groups)
    html = response.content.decode()
    for g in groups:
        assert f'id="nav-group-{g["key"]}"' in html


def test_region_staff_see_the_product_areas_as_groups(client_as) -> None:
    groups = client_as(Role.REGION_STAFF).get(reverse("home")).context["nav_groups"]
    assert [g["key"] for g in groups] == ["workbench", "registry", "investment", "economy", "innovation", "policies",
                                         "chains", "analysis", "system"]


@pytest.mark.parametrize(("url_name", "expected"), [
    ("home", "home"),
    ("parks:list", "parks:list"),
    ("stats:indicators", "stats:indicators"),      # under /stats/, but its own entry, not 经济统计's
    ("stats:aggregates", "stats:aggregates"),
    ("investment:projects", "investment:projects"),  # under /investment/, not the leads entry
    ("investment:due", "investment:due"),
    ("investment:settings", "investment:settings"),
    ("enterprises:requests", "enterprises:requests"),
    ("enterprises:settlements", "enterprises:settlements"),
    ("stats:rounds", "stats:aggregates"),           # a page without an entry: its section's entry
])
def test_it_highlights_exactly_the_pages_own_entry(client_as, url_name: str, expected: str) -> None:
    html = client_as(Role.REGION_STAFF).get(reverse(url_name)).content.decode()
    assert _active(html) == [reverse(expected)]


def test_a_detail_page_highlights_its_list(world: World, client_as) -> None:
    html = client_as(Role.REGION_STAFF).get(reverse("investment:project_detail", args=[world.project_xltd.pk]))
    assert _active(html.content.decode()) == [reverse("investment:projects")]


def test_the_menu_refuses_an_unknown_group() -> None:
    with pytest.raises(ValueError, match="unknown group"):
        NavRegistry().register(key="x", label="X", url_name="home", roles={Role.LEADER}, order=1, group="misc")


# --------------------------------------------------------------------------- global search


def _hits(client, q: str) -> list[str]:
    response = client.get(reverse("search"), {"q": q})
    assert response.status_code == 200
    return [hit.label for g in response.context["groups"] for hit in g["hits"]]


def test_search_finds_parks_by_pinyin_initials_and_enterprises_by_uscc(world: World, client_as) -> None:
    staff = client_as(Role.REGION_STAFF)
    assert _hits(staff, "smyz") == [world.smyz.name]
    assert _hits(staff, world.ent_smyz.uscc) == [world.ent_smyz.name]
    assert world.lead_smyz.name in _hits(staff, "康和医疗")
    assert _hits(staff, "角膜产业化") == [world.project_smyz.name]


def test_search_shows_only_what_the_scope_holds(world: World, client_as) -> None:
    """崂山's park, enterprise, lead and project match "崂山" but are another district's; the operator of 信联天地
    does not see 生命药洲's tenant even by its exact USCC."""
    staff = client_as(Role.REGION_STAFF)
    assert _hits(staff, "崂山") == []
    assert sorted(_hits(login(Client(), world.laoshan_staff), "崂山")) == sorted(
        [world.laoshan_park.name, world.ent_laoshan.name, world.lead_laoshan.name, world.project_laoshan.name])
    operator = client_as(Role.PARK_OPERATOR)
    assert _hits(operator, world.ent_smyz.uscc) == []
    assert _hits(operator, world.ent_xltd.uscc) == [world.ent_xltd.name]
    enterprise = client_as(Role.ENTERPRISE_USER)
    own = world.user(Role.ENTERPRISE_USER).enterprise
    assert _hits(enterprise, "青岛") == [own.name]


@pytest.mark.parametrize("q", ["", "a", "\x00\x00", "青" * 500, "%_'\"<script>", "9" * 40])
def test_search_takes_any_input_without_error(client_as, q: str) -> None:
    response = client_as(Role.REGION_STAFF).get(reverse("search"), {"q": q})
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("</header>")[1]


def test_search_needs_a_login(client) -> None:
    response = client.get(reverse("search"), {"q": "smyz"})
    assert response.status_code == 302 and "smyz" not in response.content.decode()


# --------------------------------------------------------------------------- 工作台


def _todos(client) -> dict[str, int]:
    return {str(t.label): t.count for t in client.get(reverse("home")).context["todos"]}


def test_the_operator_workbench_counts_reports_waiting_for_its_review(stats_world: World, client_as) -> None:
    operator = client_as(Role.PARK_OPERATOR)
    user = stats_world.user(Role.PARK_OPERATOR)
    brute = sum(1 for r in Report.objects.select_related("round")
                if r.park_id in set(user.parks.values_list("pk", flat=True)) and r.status == Report.Status.SUBMITTED
                and not r.round.locked)
    assert brute > 0
    assert _todos(operator)["待初审的填报"] == brute


def test_the_staff_workbench_counts_reports_waiting_for_approval_in_its_region_only(stats_world: World,
                                                                                    client_as) -> None:
    """The one park-reviewed report is 崂山's: its staff see it waiting, 李沧's staff see nothing waiting."""
    def brute(staff) -> int:
        return sum(1 for r in Report.objects.select_related("round", "park__region")
                   if r.park.region.code.startswith(staff.region.code) and r.status == Report.Status.PARK_REVIEWED
                   and not r.round.locked)

    laoshan = login(Client(), stats_world.laoshan_staff)
    assert brute(stats_world.laoshan_staff) == 1
    assert _todos(laoshan)["待审核的填报"] == 1
    assert f'{reverse("stats:reports")}?status=park_reviewed' in laoshan.get(reverse("home")).content.decode()
    assert brute(stats_world.user(Role.REGION_STAFF)) == 0
    assert "待审核的填报" not in _todos(client_as(Role.REGION_STAFF))


def test_the_enterprise_workbench_counts_only_its_own_reports(stats_world: World, client_as) -> None:
    user = stats_world.user(Role.ENTERPRISE_USER)
    brute = sum(1 for r in Report.objects.select_related("round")
                if r.enterprise_id == user.enterprise_id and r.status in Report.EDITABLE and not r.round.locked)
    assert brute > 0
    assert _todos(client_as(Role.ENTERPRISE_USER))["待填写的填报"] == brute
