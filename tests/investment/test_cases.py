"""一事一议 / 一企一议 cases through the front door."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from tests.conftest import World
from tests.helpers import error_codes
from yuanqu.investment.models import Case


def today() -> dt.date:
    """Today in the installation's time zone, read when the test runs (not at import)."""
    return timezone.localdate()


def test_it_opens_a_case_about_an_enterprise(world: World, client_as) -> None:
    response = client_as("region_staff").post(reverse("investment:case_create"), {
        "title": "药研 研发补助", "kind": "one_enterprise", "request": "申请研发补助", "enterprise": world.ent_smyz.pk})
    assert response.status_code == 302
    case = Case.objects.get(title="药研 研发补助")
    assert case.park == world.smyz and case.status == "accepted"


def test_it_refuses_a_case_without_a_subject(world: World, client_as) -> None:
    response = client_as("region_staff").post(reverse("investment:case_create"), {
        "title": "无主", "kind": "one_matter", "request": "x"})
    assert response.status_code == 200 and "no_subject" in error_codes(response)


def test_it_refuses_a_subject_outside_the_scope(world: World, client_as) -> None:
    response = client_as("region_staff").post(reverse("investment:case_create"), {
        "title": "越界", "kind": "one_matter", "request": "x", "project": world.project_laoshan.pk})
    assert response.status_code == 200
    assert not Case.objects.filter(title="越界").exists()


def test_it_moves_forward_only(world: World, client_as) -> None:
    case = world.case_smyz
    client = client_as("region_staff")
    client.post(reverse("investment:case_advance", args=[case.pk]), {"status": "agreed"})
    client.post(reverse("investment:case_advance", args=[case.pk]), {"status": "studying"})
    case.refresh_from_db()
    assert case.status == "agreed"


def test_it_records_meetings_but_not_in_the_future(world: World, client_as) -> None:
    case = world.case_smyz
    client = client_as("region_staff")
    url = reverse("investment:case_meeting", args=[case.pk])
    client.post(url, {"on": str(today() + dt.timedelta(days=3)), "minutes": "未来"})
    assert not case.meetings.exists()
    client.post(url, {"on": str(today()), "minutes": "专题会", "decisions": "给予设备补助 10%", "attendees": "副区长"})
    assert case.meetings.get().decisions == "给予设备补助 10%"


def test_it_flags_overdue_measures(world: World, client_as) -> None:
    response = client_as("leader").get(reverse("investment:cases"))
    rows = {c.title: c.overdue_measures for c in response.context["rows"]}
    assert rows["远航数据 用房补贴"] == 1 and rows["角膜项目 设备补助"] == 0
    page = client_as("park_operator").get(reverse("investment:case_detail", args=[world.case_xltd.pk]))
    assert "overdue-marker" in page.content.decode()


def test_operators_read_but_do_not_change_cases(world: World, client_as) -> None:
    client = client_as("park_operator")
    assert client.post(reverse("investment:case_advance", args=[world.case_xltd.pk]),
                       {"status": "studying"}).status_code == 404
    world.case_xltd.refresh_from_db()
    assert world.case_xltd.status == "accepted"
