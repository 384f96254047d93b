"""Scoped reads for park pages that need only the park's own space.

The park list's tenant counts, the vacancy board with its tenants and the enterprises by stage need settlements,
which live a floor higher: they are in ``yuanqu.enterprises.selectors``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Case, IntegerField, Q, QuerySet, Sum, Value, When
from django.urls import reverse
from django.utils.translation import gettext as _

from yuanqu.core.pickers import PickerItem
from yuanqu.core.registry import SearchHit

from .models import Building, Park, Unit

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


def park_picker_items(parks: QuerySet[Park], q: str) -> list[PickerItem]:
    """The park picker's options: ``parks`` (already scoped) matching ``q`` by name, pinyin or initials."""
    rows = parks.search(q).select_related("region").order_by("name_pinyin", "pk")[:21]  # type: ignore[attr-defined]
    return [PickerItem(id=str(p.pk), text=p.name, detail=f"{p.region.name} · {p.get_status_display()}")
            for p in rows]


def floor_label(floor: int) -> str:
    """``12`` → 12层, ``-1`` → 地下1层."""
    if floor < 0:
        return _("Basement %(n)d") % {"n": -floor}
    return _("Floor %(n)d") % {"n": floor}


def unit_label(unit: Unit) -> str:
    """What a picker shows of a unit: ``主塔楼 · 12层 · 1201 · 120㎡ · 空置`` (the building read with the unit)."""
    area = f"{unit.area_m2.normalize():f}"
    return " · ".join((unit.building.name, floor_label(unit.floor), unit.number, f"{area}㎡",
                       str(unit.get_status_display())))


#: The order of units in a picker: what can be let first.
FREE_FIRST = Case(When(status=Unit.Status.VACANT, then=Value(0)), When(status=Unit.Status.RESERVED, then=Value(1)),
                  default=Value(2), output_field=IntegerField())


def units_of_park(units: QuerySet[Unit], park: Park, q: str = "") -> QuerySet[Unit]:
    """The units of ``park`` among ``units`` (already scoped), vacant first, then reserved, then the rest, each by
    building, floor and number; ``q`` matches the building's name, the unit's number or its floor (``12层``)."""
    qs = units.filter(building__park=park).select_related("building")
    for word in q.split():
        digits = word.removesuffix("层").removesuffix("F").removesuffix("f")
        match = Q(building__name__icontains=word) | Q(number__icontains=word)
        if digits.lstrip("-").isdigit() and len(digits) < 5:
            match |= Q(floor=int(digits))
        qs = qs.filter(match)
    return qs.annotate(free_rank=FREE_FIRST).order_by("free_rank", "building__name", "floor", "number", "pk")
