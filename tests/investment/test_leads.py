"""Leads through the front door: create, duplicates and merge, the pool, status, stale return, conversion."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import World, login
from tests.helpers import error_codes, error_text, read_xlsx
from yuanqu.core.demo import make_uscc
from yuanqu.core.models import AuditEvent
from yuanqu.enterprises.models import Enterprise, EnterpriseRequest, Settlement
from yuanqu.investment import services
from yuanqu.investment.models import FollowUp, Lead, RegionSetting


def today() -> dt.date:
    """Today in the installation's time zone, read when the test runs (not at import)."""
    return timezone.localdate()


def claimed_long_ago(lead: Lead) -> None:
    """Test set-up: the lead was claimed before its last follow-up (2025-03-01)."""
    Lead.objects.filter(pk=lead.pk).update(owned_since=timezone.make_aware(dt.datetime(2025, 2, 1)))


def test_it_creates_a_lead_owned_by_its_creator(world: World, client_as) -> None:
    client = client_as("region_staff")
    response = client.post(reverse("investment:lead_create"), {
        "name": "青岛星河新材料有限公司", "target_park": world.smyz.pk, "source": "expo",
        "intended_investment_wan": "8000", "expected_jobs": "120", "contact_name": "孙丽",
        "contact_phone": "138-0000-9999"})
    assert response.status_code == 302
    lead = Lead.objects.get(name="青岛星河新材料有限公司")
    assert lead.owner == world.users["region_staff"] and lead.status == "new"
    assert lead.region_id == "370213" and lead.intended_investment_wan == Decimal("8000")
    assert lead.contacts.get().phone == "13800009999"
    assert AuditEvent.objects.filter(object_type="investment.Lead", object_id=str(lead.pk), action="create").exists()


def test_it_puts_a_lead_in_the_pool_on_request(world: World, client_as) -> None:
    client_as("region_staff").post(reverse("investment:lead_create"), {
        "name": "青岛池中科技有限公司", "source": "online", "to_pool": "on"})
    lead = Lead.objects.get(name="青岛池中科技有限公司")
    assert lead.owner is None
    assert lead.name in client_as("leader").get(reverse("investment:pool")).content.decode()


def test_it_refuses_a_negative_investment_and_a_bad_uscc(world: World, client_as) -> None:
    response = client_as("region_staff").post(reverse("investment:lead_create"), {
        "name": "负数公司", "source": "other", "intended_investment_wan": "-1", "uscc": "91370213MA3C000000"})
    assert response.status_code == 200
    assert error_text(response, "intended_investment_wan")
    assert error_text(response, "uscc")
    assert not Lead.objects.filter(name="负数公司").exists()


def test_it_makes_an_operator_target_its_own_park(world: World, client_as) -> None:
    response = client_as("park_operator").post(reverse("investment:lead_create"), {
        "name": "越界公司", "source": "other", "target_park": world.smyz.pk})
    assert response.status_code == 200 and error_text(response, "target_park")
    assert not Lead.objects.filter(name="越界公司").exists()


@pytest.mark.parametrize("field", ["name", "uscc", "phone"])
def test_it_detects_duplicates_on_create_and_offers_them(world: World, client_as, field: str) -> None:
    code = make_uscc(random.Random(7), "370213")
    services.lead_create(actor=world.users["region_staff"], name="青岛海川科技（集团）有限公司", uscc=code,
                         contacts=[{"name": "周", "phone": "13900008888"}])
    data = {"name": "别的名字公司", "source": "other"}
    if field == "name":
        data["name"] = "青岛 海川科技集团"
    elif field == "uscc":
        data["uscc"] = code.lower()
    else:
        data.update(contact_name="周", contact_phone="13900008888")
    client = client_as("region_staff")
    response = client.post(reverse("investment:lead_create"), data)
    assert response.status_code == 200
    assert "duplicate" in error_codes(response)
    assert "青岛海川科技（集团）有限公司" in response.content.decode()
    assert Lead.objects.filter(name=data["name"]).count() == 0
    response = client.post(reverse("investment:lead_create"), {**data, "allow_duplicate": "on"})
    assert response.status_code == 302


def test_it_merges_a_duplicate_keeping_every_follow_up(world: World, client_as) -> None:
    staff = world.users["region_staff"]
    source = services.lead_create(actor=staff, name="青岛重复一号有限公司",
                                  contacts=[{"name": "甲", "phone": "13000000001"}])
    services.follow_up_create(actor=staff, lead=source, kind="call", on=today(), summary="电话")
    target = world.lead_smyz
    before = FollowUp.objects.filter(lead__in=[source, target]).count()
    response = client_as("region_staff").post(reverse("investment:lead_merge", args=[source.pk]),
                                              {"target": target.pk})
    assert response.status_code == 302 and response["Location"].endswith(f"/leads/{target.pk}/")
    assert not Lead.objects.filter(pk=source.pk).exists()
    assert target.follow_ups.count() == before
    assert target.contacts.filter(phone="13000000001").exists()
    assert AuditEvent.objects.filter(object_type="investment.Lead", object_id=str(source.pk), action="delete",
                                     after__merged_into=target.pk).exists()


def test_it_lets_staff_claim_from_the_pool_and_release(world: World, client_as) -> None:
    lead = world.lead_smyz
    client = client_as("region_staff")
    client.post(reverse("investment:lead_claim", args=[lead.pk]))
    lead.refresh_from_db()
    assert lead.owner == world.users["region_staff"]
    client.post(reverse("investment:lead_release", args=[lead.pk]))
    lead.refresh_from_db()
    assert lead.owner is None


def test_it_fails_the_second_claim_cleanly(world: World, client_as) -> None:
    lead = world.lead_smyz
    first = world.users["region_staff"]
    services.lead_claim(actor=first, lead=lead)
    # The second user loaded the lead while it was still in the pool.
    stale_copy = Lead.objects.get(pk=lead.pk)
    stale_copy.owner = None
    from yuanqu.accounts.services import user_create_on_server
    from yuanqu.core.roles import Role

    other = user_create_on_server(role=Role.REGION_STAFF, region=world.licang, username="staff2",
                                  password="Pa55word-for-tests", must_change_password=False)[0]
    with pytest.raises(ValidationError) as exc:
        services.lead_claim(actor=other, lead=stale_copy)
    assert exc.value.code == "claimed"
    lead.refresh_from_db()
    assert lead.owner == first
    client = login(Client(), other)
    response = client.post(reverse("investment:lead_claim", args=[lead.pk]), follow=True)
    assert [str(m) for m in response.context["messages"]] == ["该线索刚刚已被他人认领，或已不在公海中。"]
    lead.refresh_from_db()
    assert lead.owner == first


def test_it_refuses_lost_without_a_reason(world: World, client_as) -> None:
    lead = world.lead_xltd
    client = client_as("park_operator")
    response = client.post(reverse("investment:lead_status", args=[lead.pk]), {"status": "lost", "reason": " "},
                           follow=True)
    lead.refresh_from_db()
    assert lead.status != "lost"
    assert "alert" in response.content.decode()
    client.post(reverse("investment:lead_status", args=[lead.pk]), {"status": "lost", "reason": "选址外地"})
    lead.refresh_from_db()
    assert lead.status == "lost" and lead.lost_reason == "选址外地"


def test_the_database_refuses_lost_without_a_reason(world: World) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Lead.objects.filter(pk=world.lead_xltd.pk).update(status="lost", lost_reason="")


def test_it_logs_a_follow_up_and_refuses_a_future_date(world: World, client_as) -> None:
    lead = world.lead_smyz
    client = client_as("region_staff")
    url = reverse("investment:follow_up_create", args=[lead.pk])
    response = client.post(url, {"kind": "leader_docking", "on": str(today() + dt.timedelta(days=1)),
                                 "summary": "未来"})
    assert response.status_code == 200 and "future" in error_codes(response, "on")
    response = client.post(url, {"kind": "leader_docking", "on": str(today()), "participants": "区长 王某",
                                 "summary": "一对一对接", "next_step": "考察", "next_step_on": str(today())})
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.status == "contacted" and lead.last_follow_up_on == today() and lead.next_step_on == today()


def test_it_refuses_a_next_step_before_the_follow_up(world: World, client_as) -> None:
    response = client_as("region_staff").post(reverse("investment:follow_up_create", args=[world.lead_smyz.pk]), {
        "kind": "call", "on": str(today()), "summary": "x", "next_step_on": str(today() - dt.timedelta(days=2))})
    assert response.status_code == 200
    assert not FollowUp.objects.filter(lead=world.lead_smyz).exists()


def test_it_lists_my_due_follow_ups_with_a_count_in_the_navigation(world: World, client_as) -> None:
    client = client_as("park_operator")
    response = client.get(reverse("investment:due"))
    assert world.lead_xltd.name in response.content.decode()
    assert any("(1)" in label for _key, label, _href in response.context["nav"])
    assert world.lead_xltd.name not in client_as("region_staff").get(reverse("investment:due")).content.decode()


def test_it_returns_stale_leads_to_the_pool(world: World, client_as) -> None:
    lead = world.lead_xltd  # last follow-up 2025-03-01
    claimed_long_ago(lead)
    assert lead.name in client_as("region_staff").get(reverse("investment:stale")).content.decode()
    fresh = world.lead_laoshan  # claimed today
    call_command("return_stale_leads")
    lead.refresh_from_db()
    fresh.refresh_from_db()
    assert lead.owner is None and fresh.owner is not None
    assert AuditEvent.objects.filter(object_id=str(lead.pk), object_type="investment.Lead",
                                     actor_username="system").exists()


def test_it_uses_the_region_setting_for_n(world: World) -> None:
    lead = world.lead_xltd
    claimed_long_ago(lead)
    day = lead.last_follow_up_on
    assert services.return_stale_leads(today=day + dt.timedelta(days=20)) == 0
    RegionSetting.objects.create(region=world.licang, lead_stale_days=10)
    assert services.return_stale_leads(today=day + dt.timedelta(days=20)) == 1


def test_the_task_returns_stale_leads(world: World) -> None:
    from yuanqu.investment.tasks import return_stale_leads

    claimed_long_ago(world.lead_xltd)
    result = return_stale_leads.enqueue()
    assert result.return_value >= 1
    world.lead_xltd.refresh_from_db()
    assert world.lead_xltd.owner is None


def test_it_converts_a_lead_into_an_enterprise_and_a_settlement(world: World, client_as) -> None:
    lead = world.lead_xltd
    code = make_uscc(random.Random(55), "370213")
    form = {"uscc": code, "name": "青岛远航数据科技有限公司", "park": world.xltd.pk, "signed_on": str(today())}
    response = client_as("park_operator").post(reverse("investment:lead_convert", args=[lead.pk]), form)
    assert response.status_code == 302, response.context["form"].errors
    # A code outside the operator's scope, new or not, is a request district staff decide (issue 12 H1); the
    # approval registers the new enterprise from the lead, and converting again links the lead to it.
    assert not Enterprise.objects.filter(uscc=code).exists()
    assert Lead.objects.get(pk=lead.pk).settlement_id is None
    filed = EnterpriseRequest.objects.get(uscc=code, park=world.xltd, status="pending")
    client_as("region_staff").post(reverse("enterprises:request_approve", args=[filed.pk]))
    assert EnterpriseRequest.objects.get(pk=filed.pk).status == "approved"
    response = client_as("park_operator").post(reverse("investment:lead_convert", args=[lead.pk]), form)
    assert response.status_code == 302, response.context["form"].errors
    lead.refresh_from_db()
    enterprise = Enterprise.objects.get(uscc=code)
    assert enterprise.name == "青岛远航数据科技有限公司" and enterprise.industry == lead.industry
    assert lead.status == "signed" and lead.enterprise == enterprise
    assert lead.settlement == Settlement.objects.get(enterprise=enterprise, park=world.xltd, stage="signed")
    page = client_as("park_operator").get(reverse("parks:detail", args=[world.xltd.pk]),
                                          {"stage": "signed"}).content.decode()
    assert "青岛远航数据科技有限公司" in page


def test_it_converts_into_an_existing_enterprise(world: World, client_as) -> None:
    lead = world.lead_smyz
    client_as("region_staff").post(reverse("investment:lead_convert", args=[lead.pk]), {
        "uscc": world.ent_xltd.uscc.lower(), "name": "x", "park": world.smyz.pk, "signed_on": str(today())})
    lead.refresh_from_db()
    assert lead.enterprise == world.ent_xltd and lead.settlement.park == world.smyz


def test_it_does_not_convert_into_an_enterprise_of_another_district(world: World, client_as) -> None:
    """The lookup is scoped: 崂山's enterprise is not found for 李沧, and its code cannot be registered again: the
    conversion files a request for 崂山's staff instead (issue 12 H1), and the lead waits."""
    lead = world.lead_smyz
    settlements = sorted(Settlement.objects.values_list("pk", flat=True))
    response = client_as("region_staff").post(reverse("investment:lead_convert", args=[lead.pk]), {
        "uscc": world.ent_laoshan.uscc, "name": "x", "park": world.smyz.pk, "signed_on": str(today())}, follow=True)
    assert response.redirect_chain == [(reverse("investment:lead_detail", args=[lead.pk]), 302)]
    assert world.ent_laoshan.name not in response.content.decode()
    assert EnterpriseRequest.objects.get(uscc=world.ent_laoshan.uscc).region_id == "370212"
    lead.refresh_from_db()
    assert (lead.enterprise, lead.settlement, lead.status) == (None, None, world.lead_smyz.status)
    assert sorted(Settlement.objects.values_list("pk", flat=True)) == settlements


def test_it_refuses_converting_with_a_bad_code_or_into_a_foreign_park(world: World, client_as) -> None:
    lead = world.lead_xltd
    client = client_as("park_operator")
    url = reverse("investment:lead_convert", args=[lead.pk])
    response = client.post(url, {"uscc": "123", "name": "x", "park": world.xltd.pk, "signed_on": str(today())})
    assert response.status_code == 200 and error_text(response, "uscc")
    response = client.post(url, {"uscc": make_uscc(random.Random(56)), "name": "x", "park": world.smyz.pk,
                                 "signed_on": str(today())})
    assert response.status_code == 200 and error_text(response, "park")
    lead.refresh_from_db()
    assert lead.settlement is None


def test_it_masks_lead_contact_phones_for_non_staff(world: World, client_as) -> None:
    url = reverse("investment:lead_detail", args=[world.lead_xltd.pk])
    assert "13611112222" in client_as("region_staff").get(url).content.decode()
    for role in ("leader", "park_operator"):
        page = client_as(role).get(url).content.decode()
        assert "13611112222" not in page and "136****2222" in page


def test_it_exports_filters_and_searches_leads(world: World, client_as) -> None:
    client = client_as("region_staff")
    rows = read_xlsx(client.get(reverse("investment:leads"), {"export": "xlsx"}))
    names = {r[0] for r in rows[1:]}
    assert names == {world.lead_xltd.name, world.lead_smyz.name}
    page = client.get(reverse("investment:leads"), {"q": "kh"}).content.decode()  # 康和
    assert world.lead_smyz.name in page and world.lead_xltd.name not in page
    page = client.get(reverse("investment:leads"), {"source": "expo"}).content.decode()
    assert world.lead_smyz.name in page and world.lead_xltd.name not in page


def test_the_board_counts_and_sums_by_status(world: World, client_as) -> None:
    response = client_as("leader").get(reverse("investment:board"))
    columns = {c["status"].value: c for c in response.context["columns"]}
    assert columns["contacted"]["count"] == 1 and columns["contacted"]["amount"] == Decimal("5000")
    assert columns["new"]["count"] == 1 and columns["new"]["amount"] == Decimal("12000")
    assert world.lead_laoshan.name not in response.content.decode()


def test_enterprise_users_see_no_leads(world: World, client_as) -> None:
    client = client_as("enterprise_user")
    assert client.get(reverse("investment:leads")).status_code == 404
    assert client.get(reverse("investment:lead_detail", args=[world.lead_xltd.pk])).status_code == 404


def test_the_board_shows_the_funnel_by_park(world: World, client_as) -> None:
    response = client_as("region_staff").get(reverse("investment:board"))
    parks = {r["label"]: r["n"] for r in response.context["by_park"]}
    assert parks == {"信联天地": 1, "生命药洲": 1}
