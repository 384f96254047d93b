"""The 产业链 endpoints of the REST API through the front door (a bearer token, as scripts call it): a chain's nodes
with the map's figures, the links (listed, confirmed, rejected), the targets (listed, turned into a lead) and the
four-chain records; bad input is refused in Chinese and changes nothing; an operator sees its parks' rows only and
gets 404 on the rest (tests/chains/world.py lays the rows out)."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from yuanqu.accounts.services import token_create
from yuanqu.chains import selectors
from yuanqu.chains.models import ChainLink, ChainTarget
from yuanqu.core.models import AuditEvent
from yuanqu.investment.models import Lead

from ..test_scope_matrix import OPERATOR, STAFF
from .world import chains_of


def api(user: Any) -> Client:
    _token, raw = token_create(actor=user, name="chains-api")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.content
    payload = response.json()
    assert payload["count"] == len(payload["items"])
    return [row["id"] for row in payload["items"]]


def chinese(response: Any) -> str:
    text = json.dumps(response.json(), ensure_ascii=False)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text), text
    return text


def test_a_chains_nodes_carry_the_maps_figures(world):
    rows = chains_of(world)
    staff = world.users[STAFF]
    chain, node = rows["xltd"]["chain"], rows["xltd"]["node"]
    figures = selectors.chain_figures(chain, staff, 2025)
    got = api(staff).get(f"/api/chains/{chain.pk}/nodes", {"year": 2025}).json()
    assert [r["id"] for r in got] == list(figures)
    row = next(r for r in got if r["id"] == node.pk)
    # One confirmed 李沧 enterprise against a target of 3 on a core node: 薄弱; two suggestions to decide.
    assert (row["enterprises"], row["status"], row["suggested"], row["targets_open"]) == (1, "weak", 2, 1)
    assert row["year"] == 2025 and row["importance"] == "core" and row["status_label"] == "薄弱"
    assert all(r["digital_classes"] == [] for r in got)
    from yuanqu.chains import services
    services.node_update(actor=staff, node=node, digital_classes=services.parse_digital_classes("0401 0301"))
    got = api(staff).get(f"/api/chains/{chain.pk}/nodes", {"year": 2025}).json()
    assert next(r for r in got if r["id"] == node.pk)["digital_classes"] == ["0301", "0401"]
    c = api(staff)
    for bad in ({"year": 1900}, {"year": "abc"}):
        chinese(r := c.get(f"/api/chains/{chain.pk}/nodes", bad))
        assert r.status_code == 422
    assert c.get(f"/api/chains/{2**63}/nodes").status_code in (404, 422)
    # 崂山's chain is outside 李沧's operator: 404, not 403.
    assert api(world.users[OPERATOR]).get(f"/api/chains/{rows['laoshan']['chain'].pk}/nodes").status_code == 404


def test_links_list_by_scope_and_filters_and_staff_decide_them(world):
    rows = chains_of(world)
    staff, operator = world.users[STAFF], world.users[OPERATOR]
    node = rows["xltd"]["node"]
    licang_links = {link.enterprise_id: link.pk for link in ChainLink.objects.filter(node=node)}
    assert set(ids(api(staff).get("/api/chains/links/", {"node": node.pk}))) == set(licang_links.values())
    # The operator of 信联天地: its two enterprises' links, not 生命药洲's nor 崂山's.
    seen = ids(api(operator).get("/api/chains/links/"))
    assert sorted(seen) == sorted([licang_links[world.ent_xltd.pk], licang_links[world.ent_xltd_fitout.pk]])
    suggested = ids(api(staff).get("/api/chains/links/", {"chain": node.chain_id, "status": "suggested"}))
    assert sorted(suggested) == sorted([licang_links[world.ent_xltd_fitout.pk], licang_links[world.ent_smyz.pk]])

    c = api(staff)
    target = licang_links[world.ent_smyz.pk]
    r = c.post(f"/api/chains/links/{target}/confirm")
    assert r.status_code == 200 and r.json()["status"] == "confirmed" and r.json()["enterprise"] == world.ent_smyz.pk
    assert AuditEvent.objects.filter(object_type="chains.ChainLink", object_id=str(target), action="update").exists()
    r = c.post(f"/api/chains/links/{target}/reject")
    assert r.status_code == 200 and ChainLink.objects.get(pk=target).status == "rejected"

    # Bad input: unknown status, out-of-range ids; nothing changes.
    before = list(ChainLink.objects.order_by("pk").values_list("pk", "status"))
    chinese(r := c.get("/api/chains/links/", {"status": "maybe"}))
    assert r.status_code == 422
    for bad in (0, 2**63):
        chinese(r := c.post(f"/api/chains/links/{bad}/confirm"))
        assert r.status_code in (404, 422)
    assert c.get("/api/chains/links/", {"node": 0}).status_code == 422
    # An operator may see its enterprise's link but not decide it, nor touch 生命药洲's: 404 either way.
    o = api(operator)
    for pk in (licang_links[world.ent_xltd.pk], target, rows["laoshan"]["link"].pk):
        chinese(r := o.post(f"/api/chains/links/{pk}/confirm"))
        assert r.status_code == 404
    assert list(ChainLink.objects.order_by("pk").values_list("pk", "status")) == before


def test_a_target_becomes_a_lead_once(world):
    rows = chains_of(world)
    staff, operator = world.users[STAFF], world.users[OPERATOR]
    mine, theirs = rows["xltd"]["target"], rows["laoshan"]["target"]
    assert ids(api(staff).get("/api/chains/targets/")) == [mine.pk]
    assert ids(api(operator).get("/api/chains/targets/")) == [mine.pk]  # the region's chains, not 崂山's
    assert ids(api(staff).get("/api/chains/targets/", {"node": rows["laoshan"]["node"].pk})) == []
    assert ids(api(staff).get("/api/chains/targets/", {"chain": mine.node.chain_id, "status": "open"})) == [mine.pk]

    # An operator of 信联天地: 404 on 崂山's target and on its region's (only district staff turn targets into leads).
    o = api(operator)
    for pk in (theirs.pk, mine.pk):
        chinese(r := o.post(f"/api/chains/targets/{pk}/lead"))
        assert r.status_code == 404
    assert ChainTarget.objects.get(pk=mine.pk).lead_id is None

    c = api(staff)
    r = c.post(f"/api/chains/targets/{mine.pk}/lead")
    assert r.status_code == 201, r.content
    lead = Lead.objects.get(pk=r.json()["lead"])
    assert r.json()["target"] == mine.pk and lead.name == mine.name and lead.owner == staff
    assert ChainTarget.objects.get(pk=mine.pk).status == "lead"
    # Twice: the service refuses, in Chinese; no second lead.
    leads = Lead.objects.count()
    r = c.post(f"/api/chains/targets/{mine.pk}/lead")
    assert r.status_code == 422 and "已" in chinese(r)
    assert Lead.objects.count() == leads
    chinese(r := c.get("/api/chains/targets/", {"status": "won"}))
    assert r.status_code == 422


def test_the_four_chain_records_by_scope_node_and_year(world):
    rows = chains_of(world)
    staff, operator = world.users[STAFF], world.users[OPERATOR]
    from yuanqu.chains import services

    services.talent_record(actor=staff, enterprise=world.ent_smyz, year=2025, doctors=7)
    node = rows["xltd"]["node"]
    platform, provider = rows["xltd"]["platform"], rows["xltd"]["provider"]
    c = api(staff)
    got = c.get("/api/chains/platforms/", {"node": node.pk, "year": 2020}).json()["items"]
    assert [p["id"] for p in got] == [platform.pk] and got[0]["nodes"] == [node.pk]
    assert ids(c.get("/api/chains/platforms/", {"year": 2021})) == []
    assert ids(c.get("/api/chains/providers/", {"chain": node.chain_id})) == [provider.pk]
    # 崂山's provider is of another region: neither staff of 李沧 nor its operator see it.
    assert ids(api(operator).get("/api/chains/providers/")) == [provider.pk]
    talent = c.get("/api/chains/talent/", {"year": 2025}).json()["items"]
    assert sorted(t["enterprise"] for t in talent) == sorted([world.ent_xltd.pk, world.ent_smyz.pk])
    # The operator: its park's enterprise's talent only, not 生命药洲's.
    talent = api(operator).get("/api/chains/talent/").json()
    assert talent["count"] == 1 and talent["items"][0]["enterprise"] == world.ent_xltd.pk
    assert ids(api(operator).get("/api/chains/platforms/")) == [platform.pk]
    for url, bad in (("platforms", {"year": 1900}), ("talent", {"year": 3000}), ("providers", {"node": -1})):
        chinese(r := c.get(f"/api/chains/{url}/", bad))
        assert r.status_code == 422
