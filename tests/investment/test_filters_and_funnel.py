"""Lead list, project list and board filtered by park, industry section, level, owner and period; the stage funnel."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from tests.conftest import World
from yuanqu.core.models import IndustryCode
from yuanqu.investment import services as inv


def today() -> dt.date:
    """Today in the installation's time zone, read when the test runs (not at import)."""
    return timezone.localdate()


def _names(response) -> set[str]:  # type: ignore[no-untyped-def]
    return {row.name for row in response.context["rows"]}


def _give_industry(world: World) -> IndustryCode:
    code = IndustryCode.objects.filter(level=4, section="C").order_by("code").first()
    assert code is not None
    inv.lead_update(actor=world.users["region_staff"], lead=world.lead_smyz, industry=code)
    return code


def test_it_filters_leads_by_industry_section_and_owner(world: World, client_as) -> None:
    _give_industry(world)
    client = client_as("region_staff")
    assert _names(client.get(reverse("investment:leads"), {"section": "C"})) == {world.lead_smyz.name}
    owned = client.get(reverse("investment:leads"), {"owner": world.users["park_operator"].pk})
    assert _names(owned) == {world.lead_xltd.name}


def test_it_filters_leads_by_period_of_creation(world: World, client_as) -> None:
    client = client_as("region_staff")
    tomorrow = (today() + dt.timedelta(days=1)).isoformat()
    assert _names(client.get(reverse("investment:leads"), {"from": tomorrow})) == set()
    within = client.get(reverse("investment:leads"), {"from": today().isoformat(), "to": today().isoformat()})
    assert world.lead_xltd.name in _names(within) and world.lead_smyz.name in _names(within)


def test_it_reports_a_bad_period_and_ignores_it(world: World, client_as) -> None:
    client = client_as("region_staff")
    response = client.get(reverse("investment:leads"), {"from": "2025-13-01"})
    assert response.status_code == 200
    assert any("2025-13-01" in str(m) for m in get_messages(response.wsgi_request))
    assert world.lead_xltd.name in _names(response)
    backwards = client.get(reverse("investment:leads"), {"from": "2025-12-01", "to": "2025-01-01"})
    assert len(list(get_messages(backwards.wsgi_request))) == 1 and world.lead_xltd.name in _names(backwards)


def test_it_filters_projects_by_level_section_and_signing_period(world: World, client_as) -> None:
    client = client_as("region_staff")
    assert _names(client.get(reverse("investment:projects"), {"level": "city"})) == {world.project_smyz.name}
    signed = client.get(reverse("investment:projects"), {"from": "2025-01-01", "to": "2025-12-31"})
    assert _names(signed) == {world.project_smyz.name}
    assert _names(client.get(reverse("investment:projects"), {"section": "C"})) == set()


def test_it_shows_a_funnel_of_projects_by_stage(world: World, client_as) -> None:
    response = client_as("region_staff").get(reverse("investment:board"))
    stages = {r["stage"]: r for r in response.context["by_stage"]}
    assert stages["talks"]["n"] == 1 and stages["talks"]["amount"] == Decimal("50000")
    assert stages["signed"]["n"] == 1 and stages["signed"]["amount"] == Decimal("20000")
    assert 'id="funnel-stage"' in response.content.decode()


def test_it_filters_the_board_by_level_industry_and_period(world: World, client_as) -> None:
    _give_industry(world)
    client = client_as("region_staff")
    board = client.get(reverse("investment:board"), {"level": "city"})
    by_level = {r["stage"]: r["n"] for r in board.context["by_stage"]}
    assert by_level["signed"] == 1 and by_level["talks"] == 0
    by_section = client.get(reverse("investment:board"), {"section": "C"})
    counts = {c["status"].value: c["count"] for c in by_section.context["columns"]}
    assert sum(counts.values()) == 1
    late = client.get(reverse("investment:board"), {"from": (today() + dt.timedelta(days=1)).isoformat()})
    assert sum(c["count"] for c in late.context["columns"]) == 0


def test_it_keeps_other_parks_out_of_the_operator_funnel(world: World, client_as) -> None:
    response = client_as("park_operator").get(reverse("investment:board"))
    assert sum(r["n"] for r in response.context["by_stage"]) == 1
    assert world.project_smyz.name not in response.content.decode()
