"""Every write to parks, buildings and units."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from yuanqu.core import archive, audit
from yuanqu.core.models import IndustryCode, Region
from yuanqu.core.roles import EDIT_REGION, Role
from yuanqu.core.scoping import region_within
from yuanqu.core.services import (
    UNSET,
    Unset,
    assign,
    delete_audited,
    require_editable,
    require_role,
    save_created,
    save_updated,
)
from yuanqu.core.text import pinyin_keys

from .models import Building, Park, Unit

if TYPE_CHECKING:
    from yuanqu.accounts.models import User

def _set_search_keys(park: Park) -> None:
    park.name_pinyin, park.name_initials = pinyin_keys(park.name)


def _check_region(*, actor: User, park: Park) -> None:
    if not region_within(park.region_id, actor):
        raise PermissionDenied("park outside the actor's region")


@transaction.atomic
def park_create(
    *,
    actor: User,
    name: str = "",
    region: Region | None = None,
    kind: str = "",
    status: str = Park.Status.OPERATING,
    key_level: str = "",
    operator_name: str = "",
    address: str = "",
    longitude: Decimal | None = None,
    latitude: Decimal | None = None,
    land_area_mu: Decimal | None = None,
    floor_area_m2: Decimal | None = None,
    total_investment_wan: Decimal | None = None,
    opened_on: dt.date | None = None,
    description: str = "",
    industries: Iterable[IndustryCode] = (),
) -> Park:
    """Register a park in the actor's region (district staff only)."""
    require_role(actor, [Role.REGION_STAFF])
    park = Park(
        name=name, region=region, kind=kind, status=status, key_level=key_level, operator_name=operator_name,
        address=address, longitude=longitude, latitude=latitude, land_area_mu=land_area_mu,
        floor_area_m2=floor_area_m2, total_investment_wan=total_investment_wan, opened_on=opened_on,
        description=description,
    )
    _check_region(actor=actor, park=park)
    _set_search_keys(park)
    return save_created(actor=actor, obj=park, m2m={"industries": list(industries)})


@transaction.atomic
def park_update(
    *,
    actor: User,
    park: Park,
    name: str | Unset = UNSET,
    region: Region | Unset = UNSET,
    kind: str | Unset = UNSET,
    status: str | Unset = UNSET,
    key_level: str | Unset = UNSET,
    operator_name: str | Unset = UNSET,
    address: str | Unset = UNSET,
    longitude: Decimal | None | Unset = UNSET,
    latitude: Decimal | None | Unset = UNSET,
    land_area_mu: Decimal | None | Unset = UNSET,
    floor_area_m2: Decimal | None | Unset = UNSET,
    total_investment_wan: Decimal | None | Unset = UNSET,
    opened_on: dt.date | None | Unset = UNSET,
    description: str | Unset = UNSET,
    industries: Iterable[IndustryCode] | None = None,
) -> Park:
    """Change a park's record; only the fields given change.

    Operators may edit their own parks but not move them to another region (a region they give is ignored).
    """
    require_editable(Park.objects, actor, park)
    if actor.role == Role.PARK_OPERATOR:
        region = UNSET
    before = audit.snapshot(park)
    assign(
        park, name=name, region=region, kind=kind, status=status, key_level=key_level, operator_name=operator_name,
        address=address, longitude=longitude, latitude=latitude, land_area_mu=land_area_mu,
        floor_area_m2=floor_area_m2, total_investment_wan=total_investment_wan, opened_on=opened_on,
        description=description,
    )
    _check_region(actor=actor, park=park)
    _set_search_keys(park)
    m2m: dict[str, Iterable[Any]] | None = {"industries": list(industries)} if industries is not None else None
    return save_updated(actor=actor, obj=park, before=before, m2m=m2m)


@transaction.atomic
def building_create(
    *,
    actor: User,
    park: Park,
    name: str = "",
    floors_above: int = 1,
    floors_below: int = 0,
    height_m: Decimal | None = None,
    floor_area_m2: Decimal | None = None,
) -> Building:
    """Add a building to a park the actor may edit."""
    require_editable(Park.objects, actor, park)
    building = Building(park=park, name=name, floors_above=floors_above, floors_below=floors_below,
                        height_m=height_m, floor_area_m2=floor_area_m2)
    return save_created(actor=actor, obj=building)


@transaction.atomic
def building_update(
    *,
    actor: User,
    building: Building,
    name: str | Unset = UNSET,
    floors_above: int | Unset = UNSET,
    floors_below: int | Unset = UNSET,
    height_m: Decimal | None | Unset = UNSET,
    floor_area_m2: Decimal | None | Unset = UNSET,
) -> Building:
    """Change a building's record; only the fields given change."""
    require_editable(Building.objects, actor, building)
    before = audit.snapshot(building)
    assign(building, name=name, floors_above=floors_above, floors_below=floors_below, height_m=height_m,
           floor_area_m2=floor_area_m2)
    return save_updated(actor=actor, obj=building, before=before)


@transaction.atomic
def unit_create(
    *,
    actor: User,
    building: Building,
    number: str = "",
    floor: int | None = None,
    area_m2: Decimal | None = None,
    status: str = Unit.Status.VACANT,
) -> Unit:
    """Add a unit to a building."""
    require_editable(Building.objects, actor, building)
    unit = Unit(building=building, number=number, status=status)
    # Floor and area have no default: left None when not given, so full_clean names what is missing.
    assign(unit, floor=floor, area_m2=area_m2)
    return save_created(actor=actor, obj=unit)


@transaction.atomic
def unit_update(
    *,
    actor: User,
    unit: Unit,
    number: str | Unset = UNSET,
    floor: int | Unset = UNSET,
    area_m2: Decimal | Unset = UNSET,
    status: str | Unset = UNSET,
) -> Unit:
    """Change a unit's number, floor, area or status; only the fields given change."""
    require_editable(Unit.objects, actor, unit)
    before = audit.snapshot(unit)
    assign(unit, number=number, floor=floor, area_m2=area_m2, status=status)
    return save_updated(actor=actor, obj=unit, before=before)


@transaction.atomic
def unit_delete(*, actor: User, unit: Unit) -> None:
    """Remove a unit that no tenant ever occupied."""
    require_editable(Unit.objects, actor, unit)
    delete_audited(actor=actor, obj=unit)



#: Who archives, restores and deletes (core.archive): DESIGN.md's roles.
ARCHIVE_ROLES = EDIT_REGION

def park_archive(*, actor: User, park: Park, reason: str) -> Park:
    """Archive a park with a reason (district staff): it leaves every list, figure and export until restored."""
    return archive.archive(actor=actor, obj=park, reason=reason, roles=ARCHIVE_ROLES)  # type: ignore[no-any-return]


def park_restore(*, actor: User, park: Park) -> Park:
    """Bring an archived park back."""
    return archive.restore(actor=actor, obj=park, roles=ARCHIVE_ROLES)  # type: ignore[no-any-return]


def park_delete(*, actor: User, park: Park) -> None:
    """Delete a park for good, only while it has no history (core.archive.history)."""
    archive.hard_delete(actor=actor, obj=park, roles=ARCHIVE_ROLES)
