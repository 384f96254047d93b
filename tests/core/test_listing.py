"""Every list (core.listing): a page number that does not exist shows the nearest page and says so."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse


def _notice(html: str) -> str:
    match = re.search(r'id="page-notice">([^<]*)<', html)
    return match.group(1) if match else ""


@pytest.mark.parametrize(("page", "notice"), [
    ("1", ""),
    ("01", ""),
    ("2", "没有第“2”页，现显示第 1 页（共 1 页）。"),
    ("99999999999999999999999", "没有第“99999999999999999999”页，现显示第 1 页（共 1 页）。"),
    ("第一页", "没有第“第一页”页，现显示第 1 页（共 1 页）。"),
])
def test_a_page_that_does_not_exist_is_named(world, client_as, page, notice):
    response = client_as("region_staff").get(reverse("parks:list"), {"page": page})
    assert response.status_code == 200
    assert _notice(response.content.decode()) == notice
    assert re.findall(r'data-id="(\d+)"', response.content.decode())  # the page shown still lists the parks
