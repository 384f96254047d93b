"""The service-request figures against a hand-worked case, through the figures layer, its API and the cockpit.

In 2026 (the whole year), 李沧区:
- A (信联天地, 一般): accepted Mon 2 Mar 09:00, due Wed 11 Mar (7 working days), closed Thu 5 Mar: on time; 满意.
- B (信联天地, 一般): accepted Mon 2 Mar, closed Fri 20 Mar: late; 不满意 → a rectification, open.
- C (生命药洲, 一般): accepted Mon 1 Jun, due Wed 10 Jun, still open: overdue.
- D (崂山科创园): another district's, never counted in 李沧's figures.
So for district staff: received 3, closed 2 (66.7%), on time 1 of 2 (50%), overdue 1, rated 2, 满意率 50%,
average 3.0, 差评 1, 整改中 1. For the 信联天地 operator: received 2, closed 2, overdue 0.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import World
from yuanqu.core.roles import Role
from yuanqu.figures import selectors as fs
from yuanqu.figures import service_requests
from yuanqu.figures.periods import Period
from yuanqu.support import services
from yuanqu.support.models import ResponseRule

YEAR = Period.whole_year(2026)


def at(text: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(text))


@pytest.fixture
def case(world: World) -> World:
    staff, operator = world.users[Role.REGION_STAFF], world.users[Role.PARK_OPERATOR]
    ent_user = world.users[Role.ENTERPRISE_USER]
    general = ResponseRule.objects.get(code="general")
    xltd = services.service_create(actor=staff, name="工商代办", category="registration", park=world.xltd,
                                   default_rule=general, handlers=[operator])
    smyz = services.service_create(actor=staff, name="检验检测", category="testing", park=world.smyz,
                                   default_rule=general)
    laoshan = services.service_create(actor=world.laoshan_staff, name="物业", category="property",
                                      park=world.laoshan_park, default_rule=general)
    a = services.request_create(actor=ent_user, enterprise=world.ent_xltd, service=xltd, title="A", description="a",
                                now=at("2026-03-02T09:00"))
    services.request_close(actor=operator, request=a, result="done", now=at("2026-03-05T10:00"))
    services.request_rate(actor=ent_user, request=a, level=4, speed=4, quality=4, attitude=4)
    b = services.request_create(actor=ent_user, enterprise=world.ent_xltd, service=xltd, title="B", description="b",
                                now=at("2026-03-02T09:00"))
    assert timezone.localtime(b.due_at) == at("2026-03-11T23:59:59")
    services.request_close(actor=operator, request=b, result="done", now=at("2026-03-20T10:00"))
    services.request_rate(actor=ent_user, request=b, level=2, speed=2, quality=2, attitude=2, comment="太慢")
    services.request_create(actor=staff, enterprise=world.ent_smyz, service=smyz, title="C", description="c",
                            now=at("2026-06-01T09:00"))
    services.request_create(actor=world.laoshan_staff, enterprise=world.ent_laoshan, service=laoshan, title="D",
                            description="d", now=at("2026-06-01T09:00"))
    return world


def values(user, park=None) -> dict:
    scope = fs.scope_for(user, park=park)
    return {k: f.value for k, f in service_requests.figures(scope, YEAR).items()}


def test_it_computes_the_hand_worked_figures_for_district_staff(case: World):
    v = values(case.users[Role.REGION_STAFF])
    assert v["support_received"] == 3 and v["support_closed"] == 2
    assert round(v["support_close_rate"], 1) == Decimal("66.7")
    assert v["support_on_time_rate"] == 50 and v["support_overdue"] == 1
    assert v["support_rated"] == 2 and v["support_satisfaction"] == 50 and v["support_score"] == Decimal("3.0")
    assert v["support_poor"] == 1 and v["support_rectifying"] == 1


def test_an_operator_and_a_park_see_their_own(case: World):
    v = values(case.users[Role.PARK_OPERATOR])
    assert (v["support_received"], v["support_closed"], v["support_overdue"]) == (2, 2, 0)
    smyz = values(case.users[Role.REGION_STAFF], park=case.smyz)
    assert (smyz["support_received"], smyz["support_closed"], smyz["support_overdue"]) == (1, 0, 1)
    assert smyz["support_on_time_rate"] is None  # nothing closed: no rate, not 0%
    laoshan = values(case.laoshan_staff)
    assert laoshan["support_received"] == 1


def test_a_past_period_counts_as_of_its_end(case: World):
    march = fs.scope_for(case.users[Role.REGION_STAFF])
    v = {k: f.value for k, f in service_requests.figures(march, Period.month(2026, 3)).items()}
    assert (v["support_received"], v["support_closed"], v["support_on_time_rate"]) == (2, 2, 50)
    # At the end of March B was closed (late) and C not yet accepted: nothing overdue then.
    assert v["support_overdue"] == 0
    june = {k: f.value for k, f in service_requests.figures(march, Period.month(2026, 6)).items()}
    assert june["support_received"] == 1 and june["support_overdue"] == 1


def test_the_breakdown_by_park_and_by_service(case: World):
    scope = fs.scope_for(case.users[Role.REGION_STAFF])
    rows = service_requests.breakdown(scope, YEAR, "park")
    assert [(r["park"], r["received"], r["closed"], r["on_time_rate"], r["rated"], r["satisfaction"])
            for r in rows] == [("信联天地", 2, 2, 50, 2, 50), ("生命药洲", 1, 0, None, 0, None)]
    by_service = service_requests.breakdown(scope, YEAR, "detail")
    assert [(r["service"], r["park"]) for r in by_service] == [("工商代办", "信联天地"), ("检验检测", "生命药洲")]


def test_the_api_and_the_cockpit_show_the_same_numbers(case: World, client_as):
    payload = json.loads(client_as(Role.REGION_STAFF).get("/api/figures/?year=2026&from_month=1&to_month=12").content)
    support = {f["key"]: f for f in payload["figures"] if f["group"] == "support"}
    assert support["support_received"]["value"] == 3 and support["support_overdue"]["value"] == 1
    assert "12345" in support["support_on_time_rate"]["definition"]
    page = client_as(Role.REGION_STAFF).get(reverse("dashboards:cockpit") + "?year=2026&month=12").content.decode()
    assert 'id="section-support"' in page and "服务诉求办结率与满意度" in page
    start = page.index('id="fig-support_received"')
    assert '<div class="h2 mb-0 figure-value">3<' in page[start:start + 400]
    park = client_as(Role.PARK_OPERATOR).get(
        reverse("dashboards:park", args=[case.xltd.pk]) + "?year=2026&month=12").content.decode()
    start = park.index('id="fig-support_received"')
    assert '<div class="h2 mb-0 figure-value">2<' in park[start:start + 400]
    assert "工商代办" in park
