"""Bad input on briefings: a Chinese error beside the field (or as a message), no briefing queued, nothing changed.

The request form reads its period with ``figures.periods.parse``: a month 0 or 13, a quarter 5, a range across
years and a period in the future are refused with parse's Chinese message, never turned into an empty document.
The edit form and the issue button refuse what a draft cannot take, and an issued briefing refuses every edit.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from tests.bad_input_support import (
    CHOICE,
    HUGE,
    MISSING,
    NUL,
    REQUIRED,
    TOO_LONG,
    assert_form_refused,
    assert_message_shown,
    assert_unchanged,
    db_state,
    each_test_rolled_back,  # noqa: F401 (a fixture: each test in a savepoint)
    form_data,
    module_world,  # noqa: F401 (a fixture: the shared world, once per module)
)
from yuanqu.briefings import services
from yuanqu.briefings.models import Briefing
from yuanqu.figures.periods import Period

LAST_YEAR = timezone.localdate().year - 1


def _base(world: Any) -> dict[str, str]:
    return {"park": str(world.xltd.pk), "kind": "range", "year": str(LAST_YEAR), "from_month": "1", "month": "12"}


@pytest.mark.parametrize("role,changes,field,text", [
    ("region_staff", {"year": MISSING}, "year", REQUIRED),
    ("region_staff", {"year": "1999"}, "year", "年份应在2000至2100之间，收到1999。"),
    ("region_staff", {"year": "明年"}, "year", "年份应为整数，收到「明年」。"),
    ("region_staff", {"year": str(HUGE)}, "year", TOO_LONG),
    ("region_staff", {"year": "\x00"}, "year", NUL),
    ("region_staff", {"month": MISSING}, "month", REQUIRED),
    ("region_staff", {"month": "0"}, "month", "截止月份应在1至12之间，收到0。"),
    ("region_staff", {"month": "13"}, "month", "截止月份应在1至12之间，收到13。"),
    ("region_staff", {"month": "\x00"}, "month", NUL),
    ("region_staff", {"kind": "month", "month": "0"}, "month", "月份应在1至12之间，收到0。"),
    ("region_staff", {"kind": "month", "month": "13"}, "month", "月份应在1至12之间，收到13。"),
    ("region_staff", {"kind": "month", "month": MISSING}, "month", REQUIRED),
    ("region_staff", {"kind": "quarter", "quarter": "5"}, "quarter", "季度应在1至4之间，收到5。"),
    ("region_staff", {"kind": "quarter", "quarter": "0"}, "quarter", "季度应在1至4之间，收到0。"),
    ("region_staff", {"kind": "quarter", "quarter": MISSING}, "quarter", REQUIRED),
    ("region_staff", {"kind": "decade"}, "kind", CHOICE),
    # A range across years (November to February): refused, with the way out named.
    ("region_staff", {"from_month": "11", "month": "2"}, "from_month", "跨年的区间请分年查询。"),
    ("region_staff", {"from_month": "13"}, "from_month", "起始月份应在1至12之间，收到13。"),
    ("region_staff", {"park": "999999999"}, "park", CHOICE),
    ("region_staff", {"park": "@laoshan_park"}, "park", CHOICE),
    ("park_operator", {"park": MISSING}, "park", REQUIRED),
    ("park_operator", {"park": "@smyz"}, "park", CHOICE),
    ("leader", {"park": "@laoshan_park"}, "park", CHOICE),
])
def test_it_refuses_a_bad_briefing_request_by_field(world, client_as, role, changes, field, text):
    client = client_as(role)
    before = db_state()
    data = _base(world)
    for name, value in changes.items():
        if isinstance(value, str) and value.startswith("@"):
            value = str(getattr(world, value[1:]).pk)
        data = form_data(data, name, value)
    response = client.post(reverse("briefings:create"), data)
    assert_form_refused(response, field, text)
    assert "崂山" not in response.content.decode()
    assert_unchanged(before)


@pytest.mark.parametrize("changes", [
    {"year": str(timezone.localdate().year + 1)},
    {"year": str(timezone.localdate().year + 1), "kind": "year"},
    {"year": str(timezone.localdate().year + 1), "kind": "quarter", "quarter": "1"},
    {"year": str(timezone.localdate().year + 1), "kind": "month", "month": "1"},
])
def test_it_refuses_a_period_in_the_future(world, client_as, changes):
    client = client_as("region_staff")
    before = db_state()
    response = client.post(reverse("briefings:create"), {**_base(world), **changes})
    assert_form_refused(response, None, "尚未开始，没有数据可以统计。")
    assert_unchanged(before)


@pytest.mark.parametrize("today_month,changes,field", [
    (6, {"month": "7"}, "month"),  # 1—7月 in June
    (5, {"kind": "quarter", "quarter": "2"}, "quarter"),  # the second quarter in May
    (6, {"kind": "year"}, "year"),
])
def test_it_refuses_a_period_that_has_not_ended(world, client_as, monkeypatch, today_month, changes, field):
    client = client_as("region_staff")
    before = db_state()
    # Today pinned within the year, so a later month of the same year exists whatever the real date is.
    today = timezone.localdate().replace(month=today_month, day=15)
    monkeypatch.setattr("yuanqu.briefings.forms.timezone.localdate", lambda: today)
    response = client.post(reverse("briefings:create"), {**_base(world), "year": str(today.year), **changes})
    assert_form_refused(response, field, "该时段尚未结束。")
    assert_unchanged(before)


def test_it_queues_the_briefing_the_bad_cases_start_from(world, client_as):
    before = Briefing.objects.count()
    response = client_as("region_staff").post(reverse("briefings:create"), _base(world))
    assert response.status_code == 302
    assert Briefing.objects.count() == before + 1


@pytest.mark.parametrize("pk", [2**31, 0])
@pytest.mark.parametrize("name", ["regenerate", "edit", "issue"])
def test_it_answers_404_to_a_missing_briefing(world, client_as, pk, name):
    client = client_as("region_staff")
    before = db_state()
    assert client.post(reverse(f"briefings:{name}", args=[pk])).status_code == 404
    assert_unchanged(before)


# --- A draft's edit form and the issue button ---


def _written(world: Any) -> Briefing:
    """A written draft of 信联天地 (the task runs when the request commits)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        b = services.briefing_request(actor=world.users["region_staff"], period=Period.to_month(LAST_YEAR, 12),
                                      park=world.xltd)
    b.refresh_from_db()
    assert b.status == Briefing.Status.DONE, b.error
    return b


def _edit_data(b: Briefing, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"bulletin_name": b.bulletin_name, "issuer": b.issuer_name}
    data.update({f"section_{s['key']}": "\n".join(s["paragraphs"]) for s in b.sections()})
    for name, value in changes.items():
        data = form_data(data, name, value)
    return data


@pytest.mark.parametrize("changes,field,text", [
    ({"bulletin_name": MISSING}, "bulletin_name", REQUIRED),
    ({"bulletin_name": "简" * 41}, "bulletin_name", TOO_LONG),
    ({"issuer": ""}, "issuer", REQUIRED),
    ({"issuer": "办" * 61}, "issuer", TOO_LONG),
    ({"section_next_steps": "一是\x00二是"}, "section_next_steps", NUL),
    ({"section_overall": "字" * 5001}, "section_overall", "一节最多5000字"),
])
def test_it_refuses_a_bad_edit_by_field(world, client_as, changes, field, text):
    b = _written(world)
    client = client_as("region_staff")
    before = db_state()
    response = client.post(reverse("briefings:edit", args=[b.pk]), _edit_data(b, **changes))
    assert_form_refused(response, field, text)
    assert_unchanged(before)


def test_it_refuses_to_edit_an_issued_briefing_and_loses_nothing(world, client_as):
    b = _written(world)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.briefing_issue(actor=world.users["region_staff"], briefing=b)
    client = client_as("region_staff")
    before = db_state()
    response = client.post(reverse("briefings:edit", args=[b.pk]),
                           _edit_data(b, section_next_steps="改过的下步工作"), follow=True)
    assert_message_shown(response, f"该简报已印发为{LAST_YEAR + 1}年第1期，不能再修改")
    assert_unchanged(before)


def test_it_refuses_to_issue_twice(world, client_as):
    b = _written(world)
    client = client_as("region_staff")
    assert client.post(reverse("briefings:issue", args=[b.pk])).status_code == 302
    before = db_state()
    response = client.post(reverse("briefings:issue", args=[b.pk]), follow=True)
    assert_message_shown(response, "该简报已印发，期号为")
    assert_unchanged(before)


def test_it_refuses_to_issue_a_briefing_still_being_written(world, client_as):
    b = services.briefing_request(actor=world.users["region_staff"], period=Period.to_month(LAST_YEAR, 12),
                                  park=world.xltd)  # the task never runs: no commit in this test
    client = client_as("region_staff")
    before = db_state()
    response = client.post(reverse("briefings:issue", args=[b.pk]), follow=True)
    assert_message_shown(response, "简报正在生成")
    assert_unchanged(before)
