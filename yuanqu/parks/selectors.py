"""Scoped reads for park pages: vacancy board and enterprises by settlement stage."""

from __future__ import annotations

from collections import OrderedDict
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, QuerySet, Sum

from yuanqu.core.numbers import share
from yuanqu.enterprises.models import Occupancy, Settlement, signed_q, stage_q

from .models import Building, Park, Unit


def parks_for_list(user: Any) -> QuerySet[Park]:
    """Parks the user may see, with settled and moved-in counts for the list."""
    return Park.objects.visible_to(user).select_related("region").annotate(
        active_count=Count("settlements", filter=signed_q(prefix="settlements__"), distinct=True),
        moved_in_count=Count("settlements", filter=stage_q(Settlement.Stage.MOVED_IN, prefix="settlements__"),
                             distinct=True),
    )


def vacancy_board(park: Park) -> list[dict[str, Any]]:
    """Per building: floors from top to bottom, each with its units and their tenant, plus totals."""
    active = Occupancy.objects.filter(active=True).select_related("settlement__enterprise")
    buildings = park.buildings.prefetch_related(
        Prefetch("units", queryset=Unit.objects.order_by("-floor", "number").prefetch_related(
            Prefetch("occupancies", queryset=active, to_attr="active_occupancies")))
    )
    board = []
    for building in buildings:
        floors: OrderedDict[int, list[Unit]] = OrderedDict()
        totals = {s.value: Decimal(0) for s in Unit.Status}
        for unit in building.units.all():
            floors.setdefault(unit.floor, []).append(unit)
            totals[unit.status] += unit.area_m2
        area = sum(totals.values(), Decimal(0))
        board.append({
            "building": building,
            "floors": list(floors.items()),
            "unit_count": sum(len(u) for u in floors.values()),
            "area": area,
            "vacant_area": totals[Unit.Status.VACANT],
            "vacancy_rate": share(totals[Unit.Status.VACANT], area),
        })
    return board


def stage_summary(park: Park, user: Any) -> dict[str, Any]:
    """Counts per settlement stage and the settlements of the chosen stage, for the park page."""
    counts = Settlement.objects.visible_to(user).filter(park=park).counts_by_stage()
    return {"counts": list(counts.items()), "active_total": counts.signed}


def unit_area_total(building: Building) -> Decimal:
    """The lettable area of a building's units."""
    return building.units.aggregate(total=Sum("area_m2"))["total"] or Decimal(0)
