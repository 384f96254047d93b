"""Scoped reads for park pages that need only the park's own space.

The park list's tenant counts, the vacancy board with its tenants and the enterprises by stage need settlements,
which live a floor higher: they are in ``yuanqu.enterprises.selectors``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Sum
from django.urls import reverse

from yuanqu.core.registry import SearchHit

from .models import Building

if TYPE_CHECKING:
    from yuanqu.accounts.models import User


def unit_area_total(building: Building) -> Decimal:
    """The lettable area of a building's units."""
    return building.units.aggregate(total=Sum("area_m2"))["total"] or Decimal(0)


def park_search_hits(user: User, q: str, limit: int) -> list[SearchHit]:
    """Parks the user sees whose name, pinyin or initials match ``q`` (the header's search box)."""
    from .models import Park

    rows = Park.objects.visible_to(user).search(q).select_related("region").order_by("name")[:limit]
    return [SearchHit(kind="park", pk=p.pk, label=p.name, detail=f"{p.region.name} · {p.get_status_display()}",
                      url=reverse("parks:detail", args=[p.pk])) for p in rows]
