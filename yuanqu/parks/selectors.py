"""Scoped reads for park pages that need only the park's own space.

The park list's tenant counts, the vacancy board with its tenants and the enterprises by stage need settlements,
which live a floor higher: they are in ``yuanqu.enterprises.selectors``.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum

from .models import Building


def unit_area_total(building: Building) -> Decimal:
    """The lettable area of a building's units."""
    return building.units.aggregate(total=Sum("area_m2"))["total"] or Decimal(0)
