"""The investment part of the Licang demo loads through the services and states the article's figures."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum

from tests.conftest import World
from yuanqu.investment.demo import load_investment_demo
from yuanqu.investment.models import Case, Lead, Project


def test_the_investment_demo_loads_the_articles_projects(world: World) -> None:
    staff = world.users["region_staff"]
    load_investment_demo(actor=staff, staff=staff, parks={
        "rmjf": world.smyz, "ldug": world.smyz, "smyz": world.smyz, "xltd": world.xltd, "tscx": world.smyz})
    pair = Project.objects.filter(name__in=["人民金服青岛中心", "中化云谷"])
    assert pair.aggregate(s=Sum("total_investment_wan"))["s"] == Decimal("1020000")
    ldug = Project.objects.get(name="联东U谷青岛中心")
    assert ldug.total_investment_wan == Decimal("300000") and ldug.stage == "started"
    statuses = set(Lead.objects.filter(name__endswith="（演示）").values_list("status", flat=True))
    assert statuses == set(Lead.Status.values)
    assert Lead.objects.filter(name__endswith="（演示）", follow_ups__isnull=False).distinct().count() >= 6
    assert Case.objects.filter(measures__isnull=False).exists()
