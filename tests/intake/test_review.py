"""From a pasted text to reviewed updates: matching, comparison, accept/edit/reject through the services, a target
changed since extraction, and scope (a park operator sees its parks' facts; out of scope is a 404)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from tests.conftest import World, login
from yuanqu.core.models import AuditEvent
from yuanqu.intake import services
from yuanqu.intake.models import Fact, Proposal, SourceDocument
from yuanqu.investment import services as inv
from yuanqu.investment.models import Project

TEXT = ("李沧区园区建设提速\n发布时间：2025-07-01\n截至2025年6月底，信联天地已签约企业9家。"
        "总投资6亿元的信联天地数字总部项目加快建设，生命药洲角膜产业化项目总投资2亿元。")


@pytest.fixture
def doc(world: World) -> SourceDocument:
    return services.document_create(actor=world.users["region_staff"], title="", text=TEXT)


def proposal_of(doc: SourceDocument, field: str) -> Proposal:
    return Proposal.objects.get(fact__document=doc, field=field)


def test_it_keeps_the_document_and_compares_each_fact_with_the_registry(world: World, doc: SourceDocument) -> None:
    assert doc.title == "李沧区园区建设提速" and doc.published_on == dt.date(2025, 7, 1)
    signed = proposal_of(doc, "signed")
    assert (signed.park, signed.value, signed.held, signed.as_of) == (world.xltd, 9, 2, dt.date(2025, 6, 30))
    assert signed.agrees is False
    projects = {p.project: (p.value, p.held) for p in Proposal.objects.filter(field="project_investment")}
    assert projects == {world.project_xltd: (Decimal("60000"), Decimal("50000")),
                        world.project_smyz: (Decimal("20000"), Decimal("20000"))}
    event = AuditEvent.objects.filter(object_type="intake.SourceDocument").get()
    assert event.after["facts"] == 3 and event.after["proposals"] == 3
    assert Project.objects.get(pk=world.project_xltd.pk).total_investment_wan == Decimal("50000")  # nothing applied


def test_the_page_marks_each_quote_in_the_text(world: World, doc: SourceDocument) -> None:
    page = login(Client(), world.users["region_staff"]).get(reverse("intake:document_detail", args=[doc.pk]))
    html = page.content.decode()
    marks = re.findall(r'<mark id="q-(\d+)" class="intake-quote">([^<]*)</mark>', html)
    assert [m[1] for m in marks] == [f.quote for f in Fact.objects.filter(document=doc)]
    assert html.count('class="badge bg-red-lt disagree"') == 2 and html.count('class="badge bg-green-lt agree"') == 1


def test_accepting_applies_through_the_project_service_with_the_quote_in_the_audit(world: World,
                                                                                   doc: SourceDocument) -> None:
    client = login(Client(), world.users["region_staff"])
    proposal = Proposal.objects.get(fact__document=doc, project=world.project_xltd)
    response = client.post(reverse("intake:proposal_review", args=[proposal.pk]), {"decision": "accept"})
    assert response.status_code == 302
    assert Project.objects.get(pk=world.project_xltd.pk).total_investment_wan == Decimal("60000")
    proposal.refresh_from_db()
    assert proposal.status == "applied" and proposal.reviewed_by == world.users["region_staff"]
    project_event = AuditEvent.objects.filter(object_type="investment.Project", object_id=str(world.project_xltd.pk),
                                              action="update").latest("id")
    assert project_event.after["total_investment_wan"] == "60000.00"
    review = AuditEvent.objects.filter(object_type="intake.Proposal").latest("id")
    assert review.after["quote"] == "总投资6亿元的信联天地数字总部项目加快建设"
    assert review.after["status"] == "applied" and review.after["document_id"] == doc.pk


def test_editing_applies_the_reviewers_value_and_rejecting_writes_nothing(world: World, doc: SourceDocument) -> None:
    proposal = Proposal.objects.get(fact__document=doc, project=world.project_xltd)
    services.proposal_review(actor=world.users["region_staff"], proposal=proposal, decision="edit", value="58000")
    assert Project.objects.get(pk=world.project_xltd.pk).total_investment_wan == Decimal("58000")
    assert Proposal.objects.get(pk=proposal.pk).status == "edited"
    signed = proposal_of(doc, "signed")
    services.proposal_review(actor=world.users["region_staff"], proposal=signed, decision="reject", note="口径不同")
    signed.refresh_from_db()
    assert signed.status == "rejected" and signed.note == "口径不同"
    with pytest.raises(ValidationError, match="已审核"):
        services.proposal_review(actor=world.users["region_staff"], proposal=signed, decision="accept")


def test_a_count_is_confirmed_never_written(world: World, doc: SourceDocument) -> None:
    signed = proposal_of(doc, "signed")
    before = AuditEvent.objects.exclude(object_type="intake.Proposal").count()
    services.proposal_review(actor=world.users["region_staff"], proposal=signed, decision="accept")
    assert Proposal.objects.get(pk=signed.pk).status == "accepted"
    assert AuditEvent.objects.exclude(object_type="intake.Proposal").count() == before


def test_a_target_changed_since_extraction_shows_the_new_value_and_asks_again(world: World,
                                                                               doc: SourceDocument) -> None:
    proposal = Proposal.objects.get(fact__document=doc, project=world.project_xltd)
    # another user changes the project after the text was read
    inv.project_update(actor=world.users["region_staff"], project=Project.objects.get(pk=world.project_xltd.pk),
                       total_investment_wan=Decimal("55000"))
    client = login(Client(), world.users["region_staff"])
    url = reverse("intake:proposal_review", args=[proposal.pk])
    response = client.post(url, {"decision": "accept"})
    assert response.status_code == 409
    assert "55000" in response.content.decode().split('id="current-value">')[1].split("<")[0]
    assert Project.objects.get(pk=world.project_xltd.pk).total_investment_wan == Decimal("55000")
    assert Proposal.objects.get(pk=proposal.pk).status == "proposed"
    response = client.post(url, {"decision": "accept", "expected": "55000"})
    assert response.status_code == 302
    assert Project.objects.get(pk=world.project_xltd.pk).total_investment_wan == Decimal("60000")


def test_an_operator_sees_only_its_parks_facts_and_gets_404_for_the_others(world: World,
                                                                           doc: SourceDocument) -> None:
    operator = world.users["park_operator"]
    own = services.document_create(actor=operator, title="", text=TEXT)
    assert {f.park for f in Fact.objects.visible_to(operator)} == {world.xltd}
    client = login(Client(), operator)
    html = client.get(reverse("intake:document_detail", args=[own.pk])).content.decode()
    rows = re.findall(r'<tr id="fact-\d+" data-id="(\d+)"', html)
    assert sorted(int(r) for r in rows) == sorted(Fact.objects.filter(document=own, park=world.xltd)
                                                  .values_list("pk", flat=True))
    assert client.get(reverse("intake:document_detail", args=[doc.pk])).status_code == 404  # staff's document
    assert not Proposal.objects.filter(fact__document=own, project=world.project_smyz).exists()  # not its scope
    smyz = Proposal.objects.get(fact__document=doc, project=world.project_smyz)
    response = client.post(reverse("intake:proposal_review", args=[smyz.pk]), {"decision": "accept"})
    assert response.status_code == 404
    assert Proposal.objects.get(pk=smyz.pk).status == "proposed"
    with pytest.raises(PermissionDenied):
        services.proposal_review(actor=operator, proposal=smyz, decision="accept")


def test_the_discrepancies_view_lists_undecided_disagreements(world: World, doc: SourceDocument) -> None:
    client = login(Client(), world.users["leader"])
    html = client.get(reverse("intake:discrepancies")).content.decode()
    ids = sorted(int(i) for i in re.findall(r'<tr data-id="(\d+)"', html))
    expected = sorted(Proposal.objects.filter(fact__document=doc).exclude(project=world.project_smyz)
                      .values_list("pk", flat=True))
    assert ids == expected


def test_the_dictionary_holds_the_names_the_user_may_see(world: World) -> None:
    operator = {(t.kind, t.name) for t in services.registry_targets(world.users["park_operator"])}
    assert ("park", "信联天地") in operator and ("project", "信联天地数字总部项目") in operator
    assert ("enterprise", "青岛信达软件有限公司") in operator
    assert ("park", "生命药洲") not in operator and ("enterprise", "青岛药研生物有限公司") not in operator
