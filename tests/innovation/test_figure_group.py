"""科技服务 as a figure group of the figures layer: one section on the cockpit (by park) and on a park's dashboard
(by technology field), and a paragraph of the briefing with each figure's 口径 in its 附注.

Hand-worked case, 2025: the three contracts of ``innovation_of`` (100万元 each, 信联天地, 生命药洲 and 崂山's park)
plus one of 50万元 registered at 生命药洲 on 9 May; so for 李沧 staff 3 contracts and 250万元 (信联天地 100,
生命药洲 150), of which 200万元 技术交易额; for 生命药洲's dashboard 2 contracts and 150万元 in two fields.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import TestCase
from django.urls import reverse

from tests.conftest import World
from yuanqu.briefings.models import Briefing
from yuanqu.figures import selectors as fs
from yuanqu.figures.periods import Period
from yuanqu.innovation import services

from .world import innovation_of


@pytest.fixture
def case(world: World) -> World:
    innovation_of(world)
    services.contract_create(actor=world.users["region_staff"], registration_no="X-2025-2", title="转让",
                             kind="transfer", signed_on=dt.date(2025, 5, 1), registered_on=dt.date(2025, 5, 9),
                             seller_name="外地", buyer=world.ent_smyz, total_wan=Decimal(50), tech_wan=Decimal(40),
                             field="biomedicine", park=world.smyz)
    return world


def _row_cells(page: str, section: str) -> list[list[str]]:
    """The breakdown table of a section, as text cells per row."""
    import re

    start = page.index(f'id="section-{section}"')
    table = page[page.index("<tbody>", start):page.index("</tbody>", start)]
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)]


def test_the_group_counts_the_scopes_contracts_and_incubation(case: World) -> None:
    group = next(g for g in fs.groups() if g.key == "innovation")
    staff = group.figures(fs.scope_for(case.users["region_staff"]), Period.whole_year(2025))
    assert (staff["contracts"].value, staff["contract_amount"].value) == (3, Decimal(250))
    assert staff["contract_tech_amount"].value == Decimal(200)
    operator = group.figures(fs.scope_for(case.users["park_operator"]), Period.whole_year(2025))
    assert (operator["contracts"].value, operator["contract_amount"].value) == (1, Decimal(100))
    assert "incubatees" in staff and staff["incubatees"].unit == "家"


def test_the_cockpit_shows_it_by_park_and_a_park_dashboard_by_field(case: World, client_as) -> None:
    cockpit = client_as("region_staff").get(reverse("dashboards:cockpit"), {"year": 2025, "month": 12})
    page = cockpit.content.decode()
    assert "科技服务：技术合同与孵化培育" in page
    assert _row_cells(page, "innovation") == [["生命药洲", "2", "150", "120"], ["信联天地", "1", "100", "80"]]
    park = client_as("region_staff").get(reverse("dashboards:park", args=[case.smyz.pk]),
                                         {"year": 2025, "month": 12}).content.decode()
    assert _row_cells(park, "innovation") == [["电子信息", "1", "100", "80"], ["生物医药和医疗器械", "1", "50", "40"]]
    # The operator's cockpit of its own park never shows another park's contracts.
    own = client_as("park_operator").get(reverse("dashboards:park", args=[case.xltd.pk]),
                                         {"year": 2025, "month": 12}).content.decode()
    assert [int(row[1]) for row in _row_cells(own, "innovation")] == [1]


def test_a_briefing_states_the_figures_in_a_section_with_their_definitions(case: World, client) -> None:
    from tests.conftest import login

    login(client, case.users["region_staff"])
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("briefings:create"), {"year": 2025, "month": 12})
    assert response.status_code == 302
    briefing = Briefing.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
    assert briefing.status == Briefing.Status.DONE, briefing.error
    sections = {s["key"]: s for s in briefing.content["sections"]}
    text = "".join(sections["services"]["paragraphs"])
    assert sections["services"]["heading"] == "科技服务、企业服务和惠企政策"
    assert "技术合同登记数3项" in text and "技术合同成交额250万元" in text
    assert any(note.startswith("技术合同成交额：") for note in briefing.content["notes"])
    assert Decimal(briefing.content["figures"]["contract_amount"]["value"]) == Decimal(250)
