"""The API and archiving (issue 14 item 1): an archived park, enterprise, lead or project leaves its API list (with
the rows of an archived park or enterprise), and reading it by id is a 404, as its page is; restoring brings it back.
/api/figures/ drops an archived enterprise's statistics as the cockpit does."""

from __future__ import annotations

import json
from decimal import Decimal

from tests.conftest import World
from tests.figures.test_api import URL, api, figures
from tests.helpers import Api
from yuanqu.core.roles import Role
from yuanqu.enterprises import services as ent
from yuanqu.investment import services as inv
from yuanqu.parks import services as park_services


def _ids(response) -> list[int]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content
    body = json.loads(response.content)
    assert body["count"] == len(body["items"])
    return [row["id"] for row in body["items"]]


def test_an_archived_enterprise_leaves_the_api_lists_and_reads_as_404(world: World) -> None:
    staff, client = world.users["region_staff"], Api(world.user("region_staff"))
    e = world.ent_smyz
    enterprises, settlements = _ids(client.get("/api/enterprises/")), _ids(client.get("/api/settlements/"))
    own = [s.pk for s in e.settlements.all()]
    assert e.pk in enterprises and own and set(own) <= set(settlements)
    assert client.get(f"/api/enterprises/{e.pk}").status_code == 200

    ent.enterprise_archive(actor=staff, enterprise=e, reason="误导入")
    assert _ids(client.get("/api/enterprises/")) == [i for i in enterprises if i != e.pk]
    assert _ids(client.get("/api/settlements/")) == [i for i in settlements if i not in own]
    assert client.get(f"/api/enterprises/{e.pk}").status_code == 404
    assert client.get(f"/api/settlements/{own[0]}").status_code == 404
    assert client.patch(f"/api/enterprises/{e.pk}", {"name": "改名有限公司"}).status_code == 404

    ent.enterprise_restore(actor=staff, enterprise=e)
    assert _ids(client.get("/api/enterprises/")) == enterprises
    assert client.get(f"/api/enterprises/{e.pk}").status_code == 200


def test_an_archived_park_leaves_the_api_lists_with_its_settlements(world: World) -> None:
    staff, client = world.users["region_staff"], Api(world.user("region_staff"))
    parks, settlements = _ids(client.get("/api/parks/")), _ids(client.get("/api/settlements/"))
    in_park = [s.pk for s in world.smyz.settlements.all()]
    assert world.smyz.pk in parks and in_park

    park_services.park_archive(actor=staff, park=world.smyz, reason="重复录入")
    assert _ids(client.get("/api/parks/")) == [i for i in parks if i != world.smyz.pk]
    assert _ids(client.get("/api/settlements/")) == [i for i in settlements if i not in in_park]
    assert client.get(f"/api/parks/{world.smyz.pk}").status_code == 404

    park_services.park_restore(actor=staff, park=world.smyz)
    assert _ids(client.get("/api/parks/")) == parks


def test_archived_leads_and_projects_leave_the_api_and_read_as_404(world: World) -> None:
    operator, client = world.users["park_operator"], Api(world.user("park_operator"))
    leads, projects = _ids(client.get("/api/leads/")), _ids(client.get("/api/projects/"))
    lead, project = world.lead_xltd, world.project_xltd
    assert lead.pk in leads and project.pk in projects

    inv.lead_archive(actor=operator, lead=lead, reason="重复线索")
    inv.project_archive(actor=operator, project=project, reason="项目取消")
    assert _ids(client.get("/api/leads/")) == [i for i in leads if i != lead.pk]
    assert _ids(client.get("/api/projects/")) == [i for i in projects if i != project.pk]
    assert client.get(f"/api/leads/{lead.pk}").status_code == 404
    assert client.get(f"/api/projects/{project.pk}").status_code == 404
    # The district sees neither either.
    district = Api(world.user("region_staff"))
    assert lead.pk not in _ids(district.get("/api/leads/"))
    assert district.get(f"/api/projects/{project.pk}").status_code == 404

    inv.lead_restore(actor=operator, lead=lead)
    inv.project_restore(actor=operator, project=project)
    assert _ids(client.get("/api/leads/")) == leads
    assert _ids(client.get("/api/projects/")) == projects


def test_api_figures_drop_an_archived_enterprise_statistics(stats_world: World) -> None:
    """李沧 June 2025: 3200 万元 (信联天地 1200 + 生命药洲 2000); with 生命药洲's enterprise archived, 1200 from one
    reporter."""
    client = api(stats_world, Role.REGION_STAFF)
    before = figures(client.get(URL, {"year": 2025, "month": 6}))
    assert Decimal(str(before["output.ytd"]["value"])) == Decimal("3200")
    ent.enterprise_archive(actor=stats_world.users["region_staff"], enterprise=stats_world.ent_smyz, reason="核查")
    after = figures(client.get(URL, {"year": 2025, "month": 6}))
    assert Decimal(str(after["output.value"]["value"])) == Decimal("1200")
    assert Decimal(str(after["output.ytd"]["value"])) == Decimal("1200")
    assert after["output.reporters"]["value"] == 1
    ent.enterprise_restore(actor=stats_world.users["region_staff"], enterprise=stats_world.ent_smyz)
    again = figures(client.get(URL, {"year": 2025, "month": 6}))
    assert {k: v["value"] for k, v in again.items()} == {k: v["value"] for k, v in before.items()}
