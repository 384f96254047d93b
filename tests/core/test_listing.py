"""Every list's page size (``?per_page=``) and page jump (跳至 [ ] 页), from ``core/listing.py`` and the shared
pagination template: bad values give a page and say so, never a server error; the filters, sort and size survive
paging, the jump and the filter form; an export is every row whatever the page size. The long list here is the
statistics reports list (62 rows), and the audit log shows the same controls."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.conftest import World
from tests.helpers import data_values, hidden_inputs, read_csv
from tests.stats.helpers import new_enterprise
from yuanqu.core.listing import PER_PAGE_CHOICES, page_number, page_size
from yuanqu.stats.models import Report

LIST = reverse("stats:reports")


def ids(response: Any) -> list[int]:
    return [int(v) for v in data_values(response)]


@pytest.fixture
def many(world: World) -> list[Report]:
    """60 more reports at 生命药洲 (62 in 李沧's June round): three pages of 25."""
    return [Report.objects.create(round=world.round_licang, enterprise=new_enterprise(world, 100 + n),
                                  park=world.smyz, industry_section="I") for n in range(60)]


def test_the_bounds_of_size_and_page():
    assert PER_PAGE_CHOICES == (25, 50, 100, 200)
    assert [page_size(v, 24) for v in ("24", "25", "200", "201", "10000000000000", "abc", "", None, "-1", "30")] == \
        [24, 25, 200, 200, 200, 24, 24, 24, 24, 24]
    assert [page_number(v, 3) for v in ("1", "3", "4", "0", "-7", "x", "", None, "9" * 5000)] == \
        [1, 3, 3, 1, 1, None, None, None, 3]


@pytest.mark.parametrize("per_page, size", [
    ("", 25), ("50", 50), ("100", 62), ("200", 62), ("abc", 25), ("0", 25), ("-5", 25), ("30", 25),
    (str(10 ** 9), 62), ("9" * 5000, 62), ("２５", 25),
])
def test_the_page_size_is_one_offered_or_bounded(world, client_as, many, per_page, size):
    response = client_as("region_staff").get(f"{LIST}?sort=enterprise&per_page={per_page}")
    assert response.status_code == 200
    assert len(ids(response)) == size and response.context["total"] == 62
    shown = response.context["per_page"]
    assert shown in (25, 50, 100, 200)
    # The size in force is marked, and the others are links that keep the rest of the query.
    assert data_values(response, "per-page") == ["25", "50", "100", "200"]
    html = response.content.decode()
    assert f'<strong class="mx-1" data-per-page="{shown}"' in html
    other = 100 if shown != 100 else 50
    assert f'href="?sort=enterprise&amp;per_page={other}" data-per-page="{other}"' in html


@pytest.mark.parametrize("asked, number, note", [
    ("2", 2, False), ("3", 3, False), ("-1", 1, True), ("0", 1, True), ("999", 3, True), ("abc", 1, True),
    ("9" * 5000, 3, True), ("", 1, False),
])
def test_a_page_out_of_range_shows_the_nearest_and_says_so(world, client_as, many, asked, number, note):
    response = client_as("region_staff").get(f"{LIST}?page={asked}")
    assert response.status_code == 200
    assert response.context["page_obj"].number == number
    assert len(ids(response)) == (12 if number == 3 else 25)
    text = " ".join(response.content.decode().split())
    assert ("现显示第" in text) is note
    if note:
        assert f"现显示第 {number} 页" in text


def test_the_page_jump_keeps_the_filters_and_the_page_size(world, client_as, many):
    client = client_as("region_staff")
    query = f"park={world.smyz.pk}&sort=enterprise&per_page=50&page=2"
    response = client.get(f"{LIST}?{query}")
    hidden = hidden_inputs(response.content.decode(), "page-jump")
    assert sorted(hidden) == sorted([("park", str(world.smyz.pk)), ("sort", "enterprise"), ("per_page", "50")])
    # Submitting the jump form is a GET with those and the page typed.
    jumped = client.get(LIST, dict(hidden) | {"page": "1"})
    assert jumped.context["page_obj"].number == 1 and jumped.context["per_page"] == 50
    assert ids(jumped) == ids(client.get(f"{LIST}?park={world.smyz.pk}&sort=enterprise&per_page=50"))
    # The filter form keeps the page size too.
    assert ("per_page", "50") in hidden_inputs(response.content.decode(), "list-filters")


def test_the_export_is_every_row_whatever_the_page_size(world, client_as, many):
    response = client_as("region_staff").get(f"{LIST}?per_page=25&page=2&export=csv")
    assert response.status_code == 200
    assert len(read_csv(response)) == 1 + 62


def test_every_list_has_the_page_size_and_jump(world, client_as, many):
    """The shared template: another list (the audit log, long in any world) offers them too."""
    response = client_as("auditor").get(reverse("core:audit") + "?per_page=100&page=abc")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="page-jump"' in html and '<strong class="mx-1" data-per-page="100"' in html
    assert len(ids(response)) == min(100, response.context["total"])
