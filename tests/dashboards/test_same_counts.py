"""Cockpit, park pages, home page and briefing state the same signed / moved-in counts (one selector), and a
figure for a period is the stock at the period's end (DESIGN rule 11)."""

from __future__ import annotations

import re

from django.urls import reverse

from tests.briefings.test_briefings import request_briefing
from tests.conftest import login
from yuanqu.briefings.models import Briefing


def _card(html: str, card_id: str) -> tuple[int, int]:
    """(moved in, signed) from a card that reads "1 / 2"."""
    found = re.search(rf'id="{card_id}".*?<div class="h1 mb-0">\s*(\d+) / (\d+)\s*<', html, re.S)
    assert found, card_id
    return int(found[1]), int(found[2])


def _briefing_counts(client, park, year: int, month: int) -> tuple[int, int]:
    b = request_briefing(client, park=park.pk, year=year, month=month)
    assert b.status == Briefing.Status.DONE, b.error
    overall = "".join(b.content["sections"][0]["paragraphs"])
    found = re.search(r"信联天地园区(?:已吸引(\d+)家企业入驻|尚无企业入驻)(?:，另有(\d+)家已签约、尚未入驻)?", overall)
    assert found, overall
    moved_in = int(found[1] or 0)
    return moved_in, moved_in + int(found[2] or 0)


def test_every_page_states_the_same_counts(client, world):
    """信联天地: one enterprise moved in, one fitting out (signed 2): cockpit, park dashboard, park page, home
    page and briefing all say 1 / 2."""
    login(client, world.users["region_staff"])
    period = {"year": 2025, "month": 6}
    cockpit = client.get(reverse("dashboards:cockpit"), {**period, "park": world.xltd.pk}).content.decode()
    dashboard = client.get(reverse("dashboards:park", args=[world.xltd.pk]), period).content.decode()
    page = client.get(reverse("parks:detail", args=[world.xltd.pk])).content.decode()
    home = client.get("/")  # the home page (its URL name moves with the site app)
    row = next(p for p in home.context["park_rows"] if p.pk == world.xltd.pk)
    assert _card(cockpit, "kpi-enterprises") == (1, 2)
    assert _card(dashboard, "kpi-enterprises") == (1, 2)
    assert 'id="kpi-moved-in">1<' in page and 'id="kpi-signed">2<' in page
    assert (row.moved_in, row.signed) == (1, 2)
    assert _briefing_counts(client, world.xltd, **period) == (1, 2)


def test_a_past_period_states_the_stock_at_its_end(client, world):
    """May 2024: 青岛信达软件 moved in on 1 June, so at the end of May nobody had moved in yet; both are signed.
    Cockpit, park dashboard and briefing agree, and do not take today's stage."""
    login(client, world.users["region_staff"])
    period = {"year": 2024, "month": 5}
    cockpit = client.get(reverse("dashboards:cockpit"), {**period, "park": world.xltd.pk}).content.decode()
    dashboard = client.get(reverse("dashboards:park", args=[world.xltd.pk]), period).content.decode()
    assert _card(cockpit, "kpi-enterprises") == (0, 2)
    assert _card(dashboard, "kpi-enterprises") == (0, 2)
    assert _briefing_counts(client, world.xltd, **period) == (0, 2)
    # The stage chart of the park dashboard counts the same way: two fitting out at the end of May.
    chart = client.get(reverse("dashboards:park_chart", args=[world.xltd.pk, "settlement_stages"]), period).json()
    assert [d["value"] for d in chart["option"]["series"][0]["data"]] == [0, 2, 0, 0]
