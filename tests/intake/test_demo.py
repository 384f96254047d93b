"""The intake's demo document states the registry's figures as of 2023-02-10 and one that disagrees."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tests.conftest import World
from yuanqu.intake import services
from yuanqu.intake.demo import DEMO_PUBLISHED, DEMO_TEXT
from yuanqu.intake.extract import Name, extract


def test_the_demo_text_states_the_articles_figures() -> None:
    names = [Name("生命药洲", "生命药洲"), Name("信联天地", "信联天地")]
    found = [(f.entity, f.metric, f.value, f.unit) for f in extract(DEMO_TEXT, published=DEMO_PUBLISHED, names=names)]
    assert ("生命药洲", "入驻企业", 52, "家") in found and ("信联天地", "签约企业", 118, "家") in found
    assert ("生命药洲", "占地", 280, "亩") in found
    assert "演示" in DEMO_TEXT.splitlines()[0]


def test_the_demo_document_shows_one_discrepancy(world: World) -> None:
    from yuanqu.parks.services import park_update

    staff = world.users["region_staff"]
    park_update(actor=staff, park=world.smyz, land_area_mu=Decimal("260"))
    doc = services.document_create(actor=staff, title="演示", text=DEMO_TEXT, published_on=DEMO_PUBLISHED,
                                   is_demo=True)
    land = doc.facts.get(metric="占地").proposal
    assert (land.value, land.held, land.as_of) == (Decimal("280"), Decimal("260"), dt.date(2023, 2, 10))
