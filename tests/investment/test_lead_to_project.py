"""A signed lead becomes a project (besides an enterprise and settlement); the lead page links to it."""

from __future__ import annotations

import random

from django.urls import reverse

from tests.conftest import World
from yuanqu.core.demo import make_uscc
from yuanqu.investment import services as inv
from yuanqu.investment.models import Lead, Project


def _url(lead: Lead) -> str:
    return reverse("investment:lead_convert_project", kwargs={"pk": lead.pk})


def test_it_turns_a_lead_into_a_project_linked_from_the_lead(world: World, client_as) -> None:
    client = client_as("park_operator")
    response = client.post(_url(world.lead_xltd), {"name": "远航数据 总部项目", "park": world.xltd.pk,
                                                   "level": "district", "total_investment_wan": "5000"})
    assert response.status_code == 302
    project = Project.objects.get(name="远航数据 总部项目")
    assert project.investor_lead == world.lead_xltd and project.park == world.xltd
    world.lead_xltd.refresh_from_db()
    assert world.lead_xltd.status == "signed"
    page = client.get(reverse("investment:lead_detail", kwargs={"pk": world.lead_xltd.pk})).content.decode()
    assert 'id="lead-projects"' in page and "远航数据 总部项目" in page


def test_it_names_the_enterprise_a_converted_lead_became(world: World, client_as) -> None:
    lead = world.lead_smyz
    staff = world.users["region_staff"]
    settlement = inv.lead_convert(actor=staff, lead=lead, park=world.smyz, signed_on=lead.created_at.date(),
                                  uscc=make_uscc(random.Random(4754)))
    response = client_as("region_staff").post(_url(lead), {"name": "康和 器械项目", "level": "city",
                                                           "total_investment_wan": "12000"})
    assert response.status_code == 302
    project = Project.objects.get(name="康和 器械项目")
    assert project.investor_enterprise == settlement.enterprise and project.park == world.smyz


def test_it_refuses_a_negative_investment_and_creates_nothing(world: World, client_as) -> None:
    before = Project.objects.count()
    response = client_as("park_operator").post(_url(world.lead_xltd), {
        "name": "负数", "park": world.xltd.pk, "level": "district", "total_investment_wan": "-1"})
    assert response.status_code == 200 and "total_investment_wan" in response.context["form"].errors
    assert Project.objects.count() == before
    world.lead_xltd.refresh_from_db()
    assert world.lead_xltd.status != "signed"


def test_it_refuses_a_lost_lead(world: World, client_as) -> None:
    inv.lead_set_status(actor=world.users["region_staff"], lead=world.lead_smyz, status="lost", reason="转投他区")
    response = client_as("region_staff").post(_url(world.lead_smyz), {
        "name": "流失", "level": "district", "total_investment_wan": "1"})
    assert response.status_code == 200
    assert "lost" in [e.code for e in response.context["form"].non_field_errors().as_data()]
    assert not Project.objects.filter(name="流失").exists()


def test_it_refuses_the_wrong_role_and_the_wrong_park(world: World, client_as) -> None:
    data = {"name": "越界", "level": "district", "total_investment_wan": "1"}
    assert client_as("leader").post(_url(world.lead_xltd), data).status_code == 404
    assert client_as("park_operator").post(_url(world.lead_smyz), data).status_code == 404
    assert not Project.objects.filter(name="越界").exists()


def test_it_refuses_to_merge_away_a_lead_that_became_a_project(world: World, client_as) -> None:
    client = client_as("region_staff")
    inv.lead_convert_project(actor=world.users["region_staff"], lead=world.lead_smyz, name="康和 项目",
                             total_investment_wan="100")
    client.post(reverse("investment:lead_merge", kwargs={"pk": world.lead_smyz.pk}), {"target": world.lead_xltd.pk})
    assert Lead.objects.filter(pk=world.lead_smyz.pk).exists()
    assert Project.objects.get(name="康和 项目").investor_lead_id == world.lead_smyz.pk
