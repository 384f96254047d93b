"""The park dashboard and the enterprise profile (企业画像)."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from yuanqu.dashboards import selectors
from yuanqu.investment import services as inv


def test_the_park_dashboard_shows_occupancy_completion_and_pipeline(client_as, stats_world):
    client = client_as("park_operator")
    response = client.get(reverse("dashboards:park", args=[stats_world.xltd.pk]) + "?year=2025&month=6")
    assert response.status_code == 200
    s = response.context["summary"]
    assert s["units"]["n"] == 3 and s["settled"] == 1 and s["signed"] == 2
    assert s["completion"].expected == 1 and s["completion"].reported == 1
    assert s["output"]["ytd"] == 1200
    assert s["leads_open"] == 1 and s["projects"] == 1
    for name in selectors.PARK_CHARTS:
        url = reverse("dashboards:park_chart", args=[stats_world.xltd.pk, name]) + "?year=2025&month=6"
        payload = client.get(url).json()
        assert not payload["empty"], name
        assert "生命药洲" not in str(payload), name


def test_another_park_is_404_for_the_operator(client_as, stats_world):
    client = client_as("park_operator")
    assert client.get(reverse("dashboards:park", args=[stats_world.smyz.pk])).status_code == 404
    assert client.get(reverse("dashboards:park_chart", args=[stats_world.smyz.pk, "unit_status"])).status_code == 404


def test_the_enterprise_user_sees_its_profile_against_the_park_median(client_as, stats_world):
    client = client_as("enterprise_user")
    response = client.get(reverse("dashboards:enterprise", args=[stats_world.ent_xltd.pk]) + "?year=2025")
    assert response.status_code == 200
    codes = [row["code"] for row in response.context["profile"]]
    assert codes[:3] == ["output", "revenue", "tax"]
    payload = client.get(reverse("dashboards:enterprise_chart", args=[stats_world.ent_xltd.pk, "output"])
                         + "?year=2025").json()
    own, median = payload["option"]["series"]
    assert [p["value"] for p in own["data"]] == [1000, 1200]
    assert [p["value"] for p in median["data"]] == [1000, 1200]  # the only reporter of its park
    assert "信联天地" in response.content.decode()  # settlement history
    # Its projects and cases are for district roles and operators only.
    assert response.context["projects"] is None


def test_another_enterprise_is_404_for_the_enterprise_user(client_as, stats_world):
    client = client_as("enterprise_user")
    assert client.get(reverse("dashboards:enterprise", args=[stats_world.ent_smyz.pk])).status_code == 404
    assert client.get(reverse("dashboards:enterprise_chart", args=[stats_world.ent_smyz.pk, "output"])
                      ).status_code == 404


def test_staff_see_projects_and_cases_on_the_profile(client_as, stats_world):
    w = stats_world
    staff = w.users["region_staff"]
    project = inv.project_create(actor=staff, name="信达软件二期", park=w.xltd, level="district",
                                 total_investment_wan=Decimal("800"), investor_enterprise=w.ent_xltd)
    case = inv.case_create(actor=staff, title="信达软件 人才补贴", kind="one_enterprise", request="人才公寓",
                           enterprise=w.ent_xltd)
    response = client_as("region_staff").get(reverse("dashboards:enterprise", args=[w.ent_xltd.pk]))
    assert response.status_code == 200
    assert list(response.context["projects"]) == [project] and list(response.context["cases"]) == [case]
    # The enterprise's own user sees its profile without the district's pipeline.
    own = client_as("enterprise_user").get(reverse("dashboards:enterprise", args=[w.ent_xltd.pk]))
    assert own.status_code == 200
    assert own.context["projects"] is None and own.context["cases"] is None


def test_the_figures_list_filters_and_exports(client_as, stats_world):
    client = client_as("leader")
    url = reverse("dashboards:figures") + "?indicator=tax&year=2025&month=6"
    html = client.get(url).content.decode()
    assert "青岛信达软件有限公司" in html and "青岛药研生物有限公司" in html
    html = client.get(url + f"&park={stats_world.xltd.pk}").content.decode()
    assert "青岛药研生物有限公司" not in html
    export = client.get(url + "&export=csv")
    assert export.status_code == 200 and "青岛信达软件有限公司" in export.content.decode("utf-8")
