"""A fact that matches nothing in yuanqu becomes a 招商 lead in one click (district staff): the entity as the
company, the stated investment as the intended one, the document and quote in the note, audited; refused for a
fact that names nobody, twice, or one that matched; an operator cannot (404)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import World, login
from yuanqu.core.models import AuditEvent
from yuanqu.intake import services
from yuanqu.intake.models import Fact, SourceDocument
from yuanqu.investment.models import Lead

TEXT = ("李沧区重点项目建设加速\n发布时间：2025-07-01\n总投资12亿元的海岳智能装备产业园项目签约落地。"
        "截至2025年6月底，信联天地已签约企业9家。全区新增市场主体1200家。")


@pytest.fixture
def doc(world: World) -> SourceDocument:
    return services.document_create(actor=world.users["region_staff"], title="", text=TEXT)


def fact(doc: SourceDocument, entity_part: str) -> Fact:
    return next(f for f in doc.facts.all() if entity_part in f.entity)


def test_one_click_makes_a_lead_with_the_quote_and_the_investment(world: World, doc: SourceDocument) -> None:
    client = login(Client(), world.users["region_staff"])
    unmatched = fact(doc, "海岳")
    page = client.get(reverse("intake:document_detail", args=[doc.pk])).content.decode()
    assert reverse("intake:fact_lead", args=[unmatched.pk]) in page
    assert reverse("intake:fact_lead", args=[fact(doc, "李沧区").pk]) not in page
    response = client.post(reverse("intake:fact_lead", args=[unmatched.pk]), follow=True)
    assert response.status_code == 200
    lead = Lead.objects.get(name__contains="海岳")
    assert lead.intended_investment_wan == Decimal("120000.00")
    assert "李沧区重点项目建设加速" in lead.note and unmatched.quote in lead.note
    assert lead.owner == world.users["region_staff"] and lead.region_id == "370213"
    unmatched.refresh_from_db()
    assert unmatched.lead == lead
    event = AuditEvent.objects.filter(object_type="intake.Fact").get()
    assert event.after["quote"] == unmatched.quote and event.after["lead"] == lead.pk
    assert "线索" in response.content.decode() and lead.name in response.content.decode()


def test_refused_twice_for_a_matched_fact_and_for_no_entity(world: World, doc: SourceDocument) -> None:
    client = login(Client(), world.users["region_staff"])
    unmatched = fact(doc, "海岳")
    client.post(reverse("intake:fact_lead", args=[unmatched.pk]))
    again = client.post(reverse("intake:fact_lead", args=[unmatched.pk]), follow=True).content.decode()
    assert "已根据该数据创建过招商线索" in again
    matched = fact(doc, "信联天地")
    answer = client.post(reverse("intake:fact_lead", args=[matched.pk]), follow=True).content.decode()
    assert "请审核其比对建议" in answer
    generic = fact(doc, "李沧区")  # 全区 in a 李沧区 release: a region, not a company
    answer = client.post(reverse("intake:fact_lead", args=[generic.pk]), follow=True).content.decode()
    assert "没有可作为招商线索的企业或项目名称" in answer
    assert Lead.objects.filter(name__contains="海岳").count() == 1
    assert Lead.objects.count() == 4  # the world's three and the one made


def test_an_operator_gets_404_and_nothing_is_written(world: World, doc: SourceDocument) -> None:
    client = login(Client(), world.users["park_operator"])
    unmatched = fact(doc, "海岳")
    before = Lead.objects.count()
    assert client.post(reverse("intake:fact_lead", args=[unmatched.pk])).status_code == 404
    assert Lead.objects.count() == before


# --- a fact naming a park yuanqu does not hold: register the park ------------------------------------------------


def test_one_click_registers_the_park_a_figure_names(world: World, doc: SourceDocument) -> None:
    from yuanqu.parks.models import Park

    client = login(Client(), world.users["region_staff"])
    unmatched = fact(doc, "海岳")
    assert services.park_name_of(unmatched.entity) == "海岳智能装备产业园"
    page = client.get(reverse("intake:document_detail", args=[doc.pk])).content.decode()
    assert reverse("intake:fact_park", args=[unmatched.pk]) in page
    assert reverse("intake:fact_park", args=[fact(doc, "李沧区").pk]) not in page  # a region is no park
    response = client.post(reverse("intake:fact_park", args=[unmatched.pk]),
                           {"kind": "industrial", "status": "building"}, follow=True)
    park = Park.objects.get(name="海岳智能装备产业园")
    assert (park.kind, park.status, park.region_id) == ("industrial", "building", "370213")
    assert park.total_investment_wan == Decimal("120000.00")  # 总投资12亿元
    assert unmatched.quote in park.description
    unmatched.refresh_from_db()
    assert unmatched.park == park
    event = AuditEvent.objects.filter(object_type="intake.Fact").get()
    assert event.after["park"] == park.pk and event.after["quote"] == unmatched.quote
    assert AuditEvent.objects.filter(object_type="parks.Park", action="create", object_id=str(park.pk)).count() == 1
    assert park.name in response.content.decode()
    # done once: neither a second park nor a lead from the same figure
    again = client.post(reverse("intake:fact_park", args=[unmatched.pk]),
                        {"kind": "industrial", "status": "building"}, follow=True).content.decode()
    assert "已根据该数据创建过园区或招商线索" in again
    assert Park.objects.filter(name="海岳智能装备产业园").count() == 1
    client.post(reverse("intake:fact_lead", args=[unmatched.pk]))
    assert not Lead.objects.filter(name__contains="海岳").exists()


def test_a_park_needs_its_kind_and_status_and_an_operator_cannot(world: World, doc: SourceDocument) -> None:
    from yuanqu.parks.models import Park

    client = login(Client(), world.users["region_staff"])
    unmatched = fact(doc, "海岳")
    answer = client.post(reverse("intake:fact_park", args=[unmatched.pk]), {"kind": "castle", "status": ""},
                         follow=True).content.decode()
    assert "请选择园区类型和状态" in answer
    operator = login(Client(), world.users["park_operator"])
    assert operator.post(reverse("intake:fact_park", args=[unmatched.pk]),
                         {"kind": "industrial", "status": "building"}).status_code == 404
    assert not Park.objects.filter(name="海岳智能装备产业园").exists()
