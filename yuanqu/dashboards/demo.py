"""The dashboards' share of the Licang demo: park coordinates for the map (approximate, for the demo only)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from yuanqu.core.demo import DemoContext
from yuanqu.parks import services as parks
from yuanqu.parks.models import Park

if TYPE_CHECKING:
    from yuanqu.accounts.models import User

#: Approximate WGS-84 positions inside 李沧区, so the cockpit's park map has something to draw.
COORDINATES = {
    "生命药洲": ("120.4520", "36.1790"),
    "信联天地": ("120.4285", "36.1630"),
    "国际特别创新区": ("120.4150", "36.1905"),
    "人民金服青岛中心·中化云谷": ("120.4405", "36.1500"),
    "联东U谷青岛中心": ("120.4700", "36.1705"),
}


def load_dashboard_demo(*, actor: User, region_code: str = "370213") -> int:
    """Give the demo parks their coordinates (through the park service, audited); returns how many changed."""
    changed = 0
    for park in Park.objects.filter(region_id=region_code, name__in=COORDINATES, longitude__isnull=True):
        lng, lat = COORDINATES[park.name]
        parks.park_update(actor=actor, park=park, longitude=Decimal(lng), latitude=Decimal(lat))
        changed += 1
    return changed


def load_demo_part(ctx: DemoContext) -> None:
    """The registered loader: coordinates for the parks of a fresh demo."""
    if ctx.fresh:
        load_dashboard_demo(actor=ctx.actor, region_code=ctx.region.code)
