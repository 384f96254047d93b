"""Bad input on the briefing request form: a Chinese error beside the field, and no briefing is queued."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.bad_input_support import (
    CHOICE,
    HUGE,
    MISSING,
    REQUIRED,
    assert_form_refused,
    assert_unchanged,
    db_state,
    each_test_rolled_back,  # noqa: F401 (a fixture: each test in a savepoint)
    form_data,
    module_world,  # noqa: F401 (a fixture: the shared world, once per module)
)
from yuanqu.briefings.models import Briefing


def _base(world: Any) -> dict[str, str]:
    return {"park": str(world.xltd.pk), "year": str(timezone.localdate().year - 1), "month": "12"}


@pytest.mark.parametrize("role,field,value,text", [
    ("region_staff", "year", MISSING, REQUIRED),
    ("region_staff", "year", "1999", CHOICE),
    ("region_staff", "year", "明年", CHOICE),
    ("region_staff", "year", str(HUGE), CHOICE),
    ("region_staff", "month", MISSING, REQUIRED),
    ("region_staff", "month", "0", CHOICE),
    ("region_staff", "month", "13", CHOICE),
    ("region_staff", "month", "\x00", CHOICE),
    ("region_staff", "park", "999999999", CHOICE),
    ("region_staff", "park", "@laoshan_park", CHOICE),
    ("park_operator", "park", MISSING, REQUIRED),
    ("park_operator", "park", "@smyz", CHOICE),
    ("leader", "park", "@laoshan_park", CHOICE),
])
def test_it_refuses_a_bad_briefing_request_by_field(world, client_as, role, field, value, text):
    client = client_as(role)
    before = db_state()
    if isinstance(value, str) and value.startswith("@"):
        value = str(getattr(world, value[1:]).pk)
    response = client.post(reverse("briefings:create"), form_data(_base(world), field, value))
    assert_form_refused(response, field, text)
    assert "崂山" not in response.content.decode()
    assert_unchanged(before)


def test_it_refuses_a_period_that_has_not_ended(world, client_as, monkeypatch):
    client = client_as("region_staff")
    before = db_state()
    # Today pinned to mid-year, so a later month of the same year exists whatever the real date is.
    today = timezone.localdate().replace(month=6, day=15)
    monkeypatch.setattr("yuanqu.briefings.forms.timezone.localdate", lambda: today)
    response = client.post(reverse("briefings:create"), {"year": str(today.year), "month": "7"})
    assert_form_refused(response, "month", "该时段尚未结束。")
    assert_unchanged(before)


def test_it_queues_the_briefing_the_bad_cases_start_from(world, client_as):
    before = Briefing.objects.count()
    response = client_as("region_staff").post(reverse("briefings:create"), _base(world))
    assert response.status_code == 302
    assert Briefing.objects.count() == before + 1


@pytest.mark.parametrize("pk", [2**31, 0])
def test_it_answers_404_to_regenerating_a_missing_briefing(world, client_as, pk):
    client = client_as("region_staff")
    before = db_state()
    assert client.post(reverse("briefings:regenerate", args=[pk])).status_code == 404
    assert_unchanged(before)
