"""The intake API: extract (nothing stored), documents, proposals, review with a changed target, bad input."""

from __future__ import annotations

import json
from decimal import Decimal

from django.test import Client

from tests.conftest import World
from yuanqu.accounts.services import token_create
from yuanqu.intake.models import Proposal, SourceDocument
from yuanqu.investment import services as inv
from yuanqu.investment.models import Project

TEXT = "截至2025年6月底，信联天地已签约企业9家。总投资6亿元的信联天地数字总部项目加快建设。"


def api(world: World, role: str = "region_staff") -> Client:
    _token, raw = token_create(actor=world.users[role], name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def post(client: Client, url: str, body: dict[str, object]) -> tuple[int, object]:
    response = client.post(url, data=json.dumps(body), content_type="application/json")
    return response.status_code, json.loads(response.content)


def test_it_extracts_the_facts_in_the_published_shape_and_stores_nothing(world: World) -> None:
    status, body = post(api(world), "/api/intake/extract", {"text": "生命药洲已吸引52家企业入驻，投资10-15亿元。"})
    assert status == 200
    assert body == [
        {"entity": "生命药洲", "metric": "入驻企业", "value": 52, "unit": "家", "period": "",
         "quote": "生命药洲已吸引52家企业入驻", "qualifier": ""},
        {"entity": "生命药洲", "metric": "投资", "value": [10, 15], "unit": "亿元", "period": "",
         "quote": "投资10-15亿元", "qualifier": ""}]
    assert not SourceDocument.objects.exists()


def test_bad_text_is_refused_with_a_chinese_message(world: World) -> None:
    client = api(world)
    for text, code in (("", 422), ("没有任何数字。", 422), ("园区\u0001产值", 422)):
        status, body = post(client, "/api/intake/extract", {"text": text})
        assert status == code and body["errors"]["text"], (text, body)  # type: ignore[index]
    status, body = post(client, "/api/intake/documents", {"text": "园区营商环境持续优化。"})
    assert status == 422 and "没有数字" in json.dumps(body, ensure_ascii=False)
    assert not SourceDocument.objects.exists()


def test_a_document_is_kept_and_its_proposal_reviewed_through_the_services(world: World) -> None:
    client = api(world)
    status, doc = post(client, "/api/intake/documents", {"title": "园区简讯", "text": TEXT})
    assert status == 201
    facts = json.loads(client.get(f"/api/intake/documents/{doc['id']}/facts").content)  # type: ignore[index]
    assert [(f["metric"], f["value"]) for f in facts] == [("签约企业", "9.000000"), ("总投资", "6.000000")]
    proposal = Proposal.objects.get(project=world.project_xltd)
    listed = json.loads(client.get("/api/intake/proposals?discrepancies=true").content)
    assert {p["id"] for p in listed["items"]} == set(Proposal.objects.values_list("pk", flat=True))
    # someone changes the project meanwhile: the review is refused with the current value, then confirmed
    inv.project_update(actor=world.users["region_staff"], project=Project.objects.get(pk=world.project_xltd.pk),
                       total_investment_wan=Decimal("55000"))
    url = f"/api/intake/proposals/{proposal.pk}/review"
    status, body = post(client, url, {"decision": "accept"})
    assert status == 422 and "55000" in body["errors"]["expected"][0]  # type: ignore[index]
    status, body = post(client, url, {"decision": "accept", "expected": "55000"})
    assert status == 200 and body["status"] == "applied"  # type: ignore[index]
    assert Project.objects.get(pk=world.project_xltd.pk).total_investment_wan == Decimal("60000")
    status, body = post(client, url, {"decision": "reject"})
    assert status == 422


def test_a_proposal_outside_the_callers_parks_is_404(world: World) -> None:
    post(api(world), "/api/intake/documents", {"text": "生命药洲角膜产业化项目总投资2亿元。"})
    proposal = Proposal.objects.get()
    client = api(world, "park_operator")
    assert client.get(f"/api/intake/proposals/{proposal.pk}").status_code == 404
    status, _body = post(client, f"/api/intake/proposals/{proposal.pk}/review", {"decision": "accept"})
    assert status == 404 and Proposal.objects.get().status == "proposed"
    assert json.loads(client.get("/api/intake/proposals").content)["items"] == []


def test_a_proposal_status_that_is_none_of_its_statuses_is_refused(world: World) -> None:
    """A status filter outside the proposal's statuses (a NUL inside it, which PostgreSQL refuses outright, or a
    typo) is a 422, not a query; a real one filters."""
    client = api(world)
    post(client, "/api/intake/documents", {"title": "园区简讯", "text": TEXT})
    for bad in ("propo\x00sed", "proposd"):
        response = client.get("/api/intake/proposals", {"status": bad})
        assert response.status_code == 422, (bad, response.content)
    listed = json.loads(client.get("/api/intake/proposals", {"status": "proposed"}).content)
    expected = set(Proposal.objects.filter(status="proposed").values_list("pk", flat=True))
    assert expected and {p["id"] for p in listed["items"]} == expected
    assert json.loads(client.get("/api/intake/proposals", {"status": "rejected"}).content)["items"] == []
