"""/api/figures/: the same figures as the pages, scoped, with their 口径 and provisional flag; bad input is a
Chinese 422, a scope outside the caller's a 404."""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import login
from yuanqu.accounts.services import token_create
from yuanqu.core.roles import Role
from yuanqu.stats import services as stats
from yuanqu.stats.models import Round

URL = "/api/figures/"


def api(world, role: str) -> Client:
    _token, raw = token_create(actor=world.users[role] if isinstance(role, str) else role, name="figures")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def figures(response) -> dict[str, dict]:
    assert response.status_code == 200, response.content
    return {f["key"]: f for f in json.loads(response.content)["figures"]}


def test_it_states_the_scope_figures_with_their_definitions(stats_world):
    """李沧 June 2025 (round open): 3200 万元 from 信联天地 and 生命药洲, never 崂山's 700; the operator of 信联天地
    sees its 1200 only."""
    staff = figures(api(stats_world, Role.REGION_STAFF).get(URL, {"year": 2025, "month": 6}))
    assert Decimal(str(staff["output.value"]["value"])) == Decimal("3200")
    assert Decimal(str(staff["output.ytd"]["value"])) == Decimal("3200")
    assert staff["output.reporters"]["value"] == 2
    assert staff["output.value"]["definition"] and staff["output.value"]["unit"] == "万元"
    assert staff["moved_in"]["definition"].startswith("截至2025年6月30日")
    operator = figures(api(stats_world, Role.PARK_OPERATOR).get(URL, {"year": 2025, "month": 6}))
    assert Decimal(str(operator["output.value"]["value"])) == Decimal("1200")


def test_an_open_round_is_provisional_everywhere_and_a_locked_one_final(stats_world):
    client = api(stats_world, Role.REGION_STAFF)
    body = json.loads(client.get(URL, {"year": 2025, "month": 6}).content)
    assert body["period"]["provisional"] is True and "快报" in body["period"]["mark"]
    indicator_figures = [f for f in body["figures"] if f["group"] == "indicator"]
    assert indicator_figures and all(f["provisional"] and not f["final"] for f in indicator_figures)
    assert "output.like_for_like" in {f["key"] for f in indicator_figures}
    Round.objects.filter(pk=stats_world.round_licang.pk).update(locked=True)
    body = json.loads(client.get(URL, {"year": 2025, "month": 6}).content)
    assert body["period"]["provisional"] is False and body["period"]["mark"] == ""
    # A monthly indicator is final now; a quarterly one has no round of its own for June here, so it is not.
    assert all(f["final"] for f in body["figures"] if f["key"].startswith(("output.", "tax.")))
    assert not any(f["final"] for f in body["figures"] if f["key"].startswith("rnd."))


@pytest.mark.parametrize("role", [Role.REGION_STAFF, Role.PARK_OPERATOR])
def test_a_park_or_enterprise_outside_the_scope_is_a_404(stats_world, role):
    client = api(stats_world, role)
    outside_park = stats_world.laoshan_park if role == Role.REGION_STAFF else stats_world.smyz
    assert client.get(URL, {"park": outside_park.pk}).status_code == 404
    assert client.get(URL, {"enterprise": stats_world.ent_laoshan.pk}).status_code == 404
    assert client.get(URL, {"park": 10**9}).status_code == 404


@pytest.mark.parametrize("role", [Role.ENTERPRISE_USER, Role.REGION_ADMIN, Role.AUDITOR])
def test_roles_without_figures_get_a_404(stats_world, role):
    assert api(stats_world, role).get(URL).status_code == 404


@pytest.mark.parametrize(("params", "field"), [
    ({"year": 2025, "month": 13}, "month"),
    ({"year": 2025, "month": 0}, "month"),
    ({"year": 2025, "quarter": 5}, "quarter"),
    ({"year": 2025, "from_month": 9, "to_month": 3}, "from_month"),
    ({"year": 2099}, "year"),
    ({"year": 2025, "month": 6, "quarter": 2}, "quarter"),
    ({"indicator": "no_such_code"}, "indicator"),
    ({"section": "C\x00"}, "section"),
    ({"group": "stock,no_such_group"}, "group"),
    ({"group": "flow\x00"}, "group"),
])
def test_bad_periods_and_codes_get_a_chinese_422(stats_world, params, field):
    response = api(stats_world, Role.REGION_STAFF).get(URL, params)
    assert response.status_code == 422, response.content
    errors = json.loads(response.content)["errors"]
    assert field in errors, errors
    assert re.search(r"[\u4e00-\u9fff]", errors[field][0]), errors


def test_it_returns_only_the_groups_asked_for(stats_world):
    """``group`` limits the answer to some sets of figures; each figure is the one the full answer states."""
    client = api(stats_world, Role.REGION_STAFF)
    everything = json.loads(client.get(URL, {"year": 2025, "month": 6}).content)["figures"]
    some = json.loads(client.get(URL, {"year": 2025, "month": 6, "group": "flow, indicator"}).content)["figures"]
    assert {f["group"] for f in everything} > {"stock", "flow", "indicator"}
    assert {f["group"] for f in some} == {"flow", "indicator"}
    assert some == [f for f in everything if f["group"] in ("flow", "indicator")]


def test_one_figure_is_the_same_on_every_surface(stats_world, client):
    """June 2025 output 累计: the figures API, the cockpit card, the statistics API and its export agree."""
    staff = stats_world.users[Role.REGION_STAFF]
    login(client, staff)
    from_api = Decimal(str(figures(api(stats_world, Role.REGION_STAFF).get(
        URL, {"year": 2025, "from_month": 1, "to_month": 6}))["output.ytd"]["value"]))
    cockpit = client.get(reverse("dashboards:cockpit"), {"year": 2025, "month": 6}).content.decode()
    card = re.search(r'id="kpi-output".*?<div class="h1 mb-0">([^<]+)<', cockpit, re.S)
    assert card and card[1].strip() == "3200万元"
    assert 'data-provisional="1"' in cockpit and "快报" in cockpit
    aggregates = json.loads(api(stats_world, Role.REGION_STAFF).get(
        "/api/stats/aggregates", {"indicator": "output", "year": 2025, "month": 6}).content)
    assert aggregates["provisional"] is True
    assert Decimal(str(aggregates["total"]["ytd"])) == from_api == Decimal("3200")
    page = client.get(reverse("stats:aggregates"), {"indicator": "output", "year": 2025, "month": 6})
    assert 'data-provisional="1"' in page.content.decode()
    # The cockpit's export of its figures: a real .xlsx read by the real reader.
    from python_calamine import CalamineWorkbook

    sheet = client.get(reverse("dashboards:cockpit"), {"year": 2025, "month": 6, "export": "xlsx"})
    assert sheet.status_code == 200
    rows = CalamineWorkbook.from_filelike(io.BytesIO(sheet.content)).get_sheet_by_index(0).to_python()
    ytd = next(r for r in rows if r[1] == "工业总产值本年累计")
    assert Decimal(str(ytd[2])) == from_api and ytd[3] == "万元" and ytd[4] == "快报" and ytd[5]
    assert any("快报（初步数）" in str(r[1]) for r in rows)


def test_pages_open_on_the_latest_locked_period(stats_world, client):
    """June 2024 locked, June 2025 open: the cockpit and the figures API default to 2024 1—6月, final; the open
    round is one click away, marked 快报."""
    staff = stats_world.users[Role.REGION_STAFF]
    Round.objects.filter(pk=stats_world.round_licang_2024.pk).update(locked=True)
    body = json.loads(api(stats_world, Role.REGION_STAFF).get(URL).content)
    assert (body["period"]["year"], body["period"]["to_month"], body["period"]["provisional"]) == (2024, 6, False)
    login(client, staff)
    page = client.get(reverse("dashboards:cockpit")).content.decode()
    assert "2024年1—6月" in page and 'data-provisional="0"' in page
    assert "year=2025&amp;month=6" in page or "year=2025&month=6" in page


def test_locking_through_the_service_turns_the_period_final(stats_world):
    """The lock service (not a direct update) is what makes a period final."""
    staff = stats_world.users[Role.REGION_STAFF]
    stats.round_lock(actor=staff, rnd=stats_world.round_licang)
    body = json.loads(api(stats_world, Role.REGION_STAFF).get(URL, {"year": 2025, "month": 6}).content)
    assert body["period"]["provisional"] is False
