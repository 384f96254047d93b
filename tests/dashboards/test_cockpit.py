"""The region cockpit: KPI cards, chart data with click-through links, period and park filters, scope."""

from __future__ import annotations

from urllib.parse import urlparse

from django.urls import reverse

from yuanqu.dashboards import selectors

PERIOD = "year=2025&month=6"


def chart(client, name, query=PERIOD):
    response = client.get(reverse("dashboards:chart", args=[name]) + "?" + query)
    assert response.status_code == 200, name
    return response.json()


def items(payload):
    return [d for s in payload["option"].get("series", []) for d in s.get("data", []) if d]


def test_it_shows_the_kpi_cards_with_year_on_year_change(client_as, stats_world):
    response = client_as("leader").get(reverse("dashboards:cockpit") + "?" + PERIOD)
    assert response.status_code == 200
    kpi = response.context["kpi"]
    assert kpi["parks"] == 2
    assert kpi["output"]["ytd"] == 3200 and kpi["output"]["last_year_ytd"] == 1000
    assert kpi["output"]["yoy"] == 220
    assert kpi["tax"]["ytd"] == 230
    assert kpi["settled"] == 1 and kpi["signed"] == 3
    html = response.content.decode()
    assert "3200万元" in html and "同比增长220%" in html and "同比增长130%" in html


def test_every_chart_holds_data_and_links_to_the_list_behind_it(client_as, stats_world):
    client = client_as("region_staff")
    for name in selectors.COCKPIT_CHARTS:
        payload = chart(client, name)
        assert not payload["empty"], name
        data = items(payload)
        assert data, name
        for item in data:
            assert item["link"], (name, item)
            assert client.get(item["link"]).status_code == 200, (name, item["link"])


def test_the_output_bar_opens_the_park_enterprise_values(client_as, stats_world):
    client = client_as("region_staff")
    bars = {d["name"]: d for d in items(chart(client, "output_by_park"))}
    assert bars["生命药洲"]["value"] == 2000 and bars["信联天地"]["value"] == 1200
    page = client.get(bars["信联天地"]["link"])
    html = page.content.decode()
    assert "青岛信达软件有限公司" in html and "青岛药研生物有限公司" not in html


def test_the_pipeline_funnel_opens_the_leads_of_that_status(client_as, stats_world):
    client = client_as("region_staff")
    funnel = {d["name"]: d for d in items(chart(client, "pipeline"))}
    new = funnel["新线索"] if "新线索" in funnel else next(iter(funnel.values()))
    query = urlparse(new["link"]).query
    assert "status=" in query
    assert client.get(new["link"]).status_code == 200


def test_the_trend_compares_with_last_year(client_as, stats_world):
    payload = chart(client_as("region_staff"), "output_trend")
    this_year, last_year = payload["option"]["series"]
    assert this_year["data"][5]["value"] == 1200 + 2000  # June: the only month reported, so the period is 累计
    assert last_year["data"][5]["value"] == 1000


def test_a_park_operator_sees_only_its_parks(client_as, stats_world):
    client = client_as("park_operator")
    response = client.get(reverse("dashboards:cockpit") + "?" + PERIOD)
    assert response.context["kpi"]["parks"] == 1
    assert response.context["kpi"]["output"]["ytd"] == 1200
    names = [d["name"] for d in items(chart(client, "output_by_park"))]
    assert names == ["信联天地"]
    assert [d["name"] for d in items(chart(client, "park_map"))] == ["信联天地"]
    assert all("生命药洲" not in d.get("name", "") for d in items(chart(client, "top_output")))
    assert "生命药洲" not in str(chart(client, "industry_mix"))
    # Another park as a filter: 404, for the page and for its chart data.
    assert client.get(reverse("dashboards:cockpit") + f"?park={stats_world.smyz.pk}").status_code == 404
    assert client.get(reverse("dashboards:chart", args=["top_tax"]) + f"?park={stats_world.smyz.pk}").status_code == 404


def test_the_park_filter_narrows_every_figure(client_as, stats_world):
    client = client_as("region_staff")
    response = client.get(reverse("dashboards:cockpit") + f"?{PERIOD}&park={stats_world.smyz.pk}")
    assert response.context["kpi"]["output"]["ytd"] == 2000
    assert [d["name"] for d in items(chart(client, "output_by_park", f"{PERIOD}&park={stats_world.smyz.pk}"))] == [
        "生命药洲"]


def test_an_unknown_chart_or_a_wrong_role_is_404(client_as, stats_world):
    assert client_as("region_staff").get(reverse("dashboards:chart", args=["nope"])).status_code == 404
    assert client_as("enterprise_user").get(reverse("dashboards:cockpit")).status_code == 404
    assert client_as("auditor").get(reverse("dashboards:chart", args=["pipeline"])).status_code == 404


def test_a_bad_period_falls_back_to_the_latest_approved_month(client_as, stats_world):
    response = client_as("region_staff").get(reverse("dashboards:cockpit") + "?year=abc&month=13")
    assert (response.context["scope"].year, response.context["scope"].month) == (2025, 6)
