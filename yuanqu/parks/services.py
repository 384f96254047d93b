"""Every write to parks, buildings and units."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from yuanqu.core import audit
from yuanqu.core.models import IndustryCode
from yuanqu.core.roles import Role
from yuanqu.core.scoping import region_within
from yuanqu.core.services import (
    apply_changes,
    delete_audited,
    require_editable,
    require_role,
    save_created,
    save_updated,
)
from yuanqu.core.text import pinyin_keys

from .models import Building, Park, Unit

PARK_FIELDS = (
    "name", "region", "kind", "status", "key_level", "operator_name", "address", "longitude", "latitude",
    "land_area_mu", "floor_area_m2", "total_investment_wan", "opened_on", "description",
)
BUILDING_FIELDS = ("name", "floors_above", "floors_below", "height_m", "floor_area_m2")
UNIT_FIELDS = ("number", "floor", "area_m2", "status")


def _set_search_keys(park: Park) -> None:
    park.name_pinyin, park.name_initials = pinyin_keys(park.name)


def _check_region(actor: Any, park: Park) -> None:
    if not region_within(park.region_id, actor):
        raise PermissionDenied("park outside the actor's region")


@transaction.atomic
def park_create(*, actor: Any, industries: Iterable[IndustryCode] = (), **data: Any) -> Park:
    """Register a park in the actor's region (district staff only)."""
    require_role(actor, [Role.REGION_STAFF])
    park = Park()
    apply_changes(park, data, PARK_FIELDS)
    _check_region(actor, park)
    _set_search_keys(park)
    return save_created(actor=actor, obj=park, m2m={"industries": list(industries)})


@transaction.atomic
def park_update(*, actor: Any, park: Park, industries: Iterable[IndustryCode] | None = None, **data: Any) -> Park:
    """Change a park's record; operators may edit their own parks but not move them to another region."""
    require_editable(Park.objects, actor, park)
    if actor.role == Role.PARK_OPERATOR:
        data.pop("region", None)
    before = audit.snapshot(park)
    apply_changes(park, data, PARK_FIELDS)
    _check_region(actor, park)
    _set_search_keys(park)
    m2m: dict[str, Iterable[Any]] | None = {"industries": list(industries)} if industries is not None else None
    return save_updated(actor=actor, obj=park, before=before, m2m=m2m)


@transaction.atomic
def building_create(*, actor: Any, park: Park, **data: Any) -> Building:
    """Add a building to a park the actor may edit."""
    require_editable(Park.objects, actor, park)
    building = Building(park=park)
    apply_changes(building, data, BUILDING_FIELDS)
    return save_created(actor=actor, obj=building)


@transaction.atomic
def building_update(*, actor: Any, building: Building, **data: Any) -> Building:
    """Change a building's record."""
    require_editable(Building.objects, actor, building)
    before = audit.snapshot(building)
    apply_changes(building, data, BUILDING_FIELDS)
    return save_updated(actor=actor, obj=building, before=before)


@transaction.atomic
def unit_create(*, actor: Any, building: Building, **data: Any) -> Unit:
    """Add a unit to a building."""
    require_editable(Building.objects, actor, building)
    unit = Unit(building=building)
    apply_changes(unit, data, UNIT_FIELDS)
    return save_created(actor=actor, obj=unit)


@transaction.atomic
def unit_update(*, actor: Any, unit: Unit, **data: Any) -> Unit:
    """Change a unit's number, floor, area or status."""
    require_editable(Unit.objects, actor, unit)
    before = audit.snapshot(unit)
    apply_changes(unit, data, UNIT_FIELDS)
    return save_updated(actor=actor, obj=unit, before=before)


@transaction.atomic
def unit_delete(*, actor: Any, unit: Unit) -> None:
    """Remove a unit that no tenant ever occupied."""
    require_editable(Unit.objects, actor, unit)
    delete_audited(actor=actor, obj=unit)
