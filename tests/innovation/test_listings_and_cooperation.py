"""Technology needs and achievements (publish, withdraw, match, follow up) and international cooperation."""

from __future__ import annotations

from django.contrib.messages import get_messages
from django.urls import reverse

from tests.conftest import World
from yuanqu.innovation.models import CoopAgreement, Match, Partner, TechNeed

from .world import innovation_of


def test_an_enterprise_posts_publishes_and_withdraws_its_need(world: World, client_as) -> None:
    client = client_as("enterprise_user")
    response = client.post(reverse("innovation:need_create"), {
        "enterprise": world.ent_xltd.pk, "title": "数据中台", "field": "electronics", "budget_wan": "30"})
    need = TechNeed.objects.get(title="数据中台")
    assert response.status_code == 302 and need.status == "draft" and need.park == world.xltd
    client.post(reverse("innovation:need_status", args=[need.pk]), {"status": "published"})
    need.refresh_from_db()
    assert need.status == "published"
    client.post(reverse("innovation:need_status", args=[need.pk]), {"status": "withdrawn"})
    need.refresh_from_db()
    assert need.status == "withdrawn"


def test_an_enterprise_cannot_post_for_another(world: World, client_as) -> None:
    response = client_as("enterprise_user").post(reverse("innovation:need_create"), {
        "enterprise": world.ent_smyz.pk, "title": "越权", "field": "electronics"})
    assert response.status_code == 200
    assert not TechNeed.objects.filter(title="越权").exists()


def test_a_negative_budget_is_refused(world: World, client_as) -> None:
    response = client_as("enterprise_user").post(reverse("innovation:need_create"), {
        "enterprise": world.ent_xltd.pk, "title": "负预算", "field": "electronics", "budget_wan": "-3"})
    assert response.status_code == 200 and "金额不能为负数。" in response.content.decode()


def test_a_match_moves_forward_only_with_follow_ups(world: World, client_as) -> None:
    match = innovation_of(world)["xltd"]["match"]
    client = client_as("park_operator")
    client.post(reverse("innovation:match_advance", args=[match.pk]), {"status": "signed"})
    back = client.post(reverse("innovation:match_advance", args=[match.pk]), {"status": "negotiating"})
    assert "只能向前" in " ".join(str(m) for m in get_messages(back.wsgi_request))
    assert Match.objects.get(pk=match.pk).status == "signed"
    client.post(reverse("innovation:match_follow_up", args=[match.pk]), {"on": "2025-06-01", "summary": "洽谈"})
    assert match.follow_ups.get().summary == "洽谈"


def test_only_published_listings_are_matched(world: World, client_as) -> None:
    objs = innovation_of(world)["xltd"]
    need = objs["need"]
    need.matches.all().delete()
    TechNeed.objects.filter(pk=need.pk).update(status="withdrawn")
    back = client_as("region_staff").post(reverse("innovation:match_create", args=[need.pk]),
                                          {"achievement": objs["achievement"].pk})
    assert "只有已发布的需求和成果才能对接" in " ".join(str(m) for m in get_messages(back.wsgi_request))
    assert not need.matches.exists()


def test_a_partner_with_an_agreement_and_a_bad_term(world: World, client_as) -> None:
    client = client_as("park_operator")
    response = client.post(reverse("innovation:partner_create"), {
        "name": "某大学", "country": "德国", "kind": "university", "park": world.xltd.pk})
    partner = Partner.objects.get(name="某大学")
    assert response.status_code == 302 and partner.region_id == world.xltd.region_id
    back = client.post(reverse("innovation:partner_agreement", args=[partner.pk]), {
        "title": "合作备忘录", "signed_on": "2025-05-01", "ends_on": "2024-05-01"})
    assert "合作期限的结束日期早于开始日期" in " ".join(str(m) for m in get_messages(back.wsgi_request))
    client.post(reverse("innovation:partner_agreement", args=[partner.pk]), {
        "title": "合作备忘录", "signed_on": "2025-05-01", "ends_on": "2028-05-01"})
    assert CoopAgreement.objects.get(partner=partner).title == "合作备忘录"


def test_an_operator_needs_a_park_for_a_partner(world: World, client_as) -> None:
    response = client_as("park_operator").post(reverse("innovation:partner_create"), {
        "name": "无园区", "country": "日本", "kind": "company"})
    assert response.status_code == 200 and not Partner.objects.filter(name="无园区").exists()
