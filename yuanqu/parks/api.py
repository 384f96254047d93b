"""The parks endpoints of the REST API (/api/parks/), mounted from :class:`yuanqu.parks.apps.ParksConfig`."""

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from yuanqu.api.api import ERRORS, Pagination, resolve_ref
from yuanqu.api.schemas import Id, In, not_null
from yuanqu.core.models import IndustryCode, Region
from yuanqu.core.roles import Role
from yuanqu.core.scoping import get_visible_or_404
from yuanqu.core.services import require_role
from yuanqu.core.types import AuthedRequest
from yuanqu.core.validators import TEXT_MAX_LENGTH

from . import services as park_services
from .models import Park


class ParkIn(In):
    """Fields to create a park (all) or update it (any)."""

    name: str = Field(max_length=100)
    region: str = Field(description="6-digit NBS division code, e.g. 370213")
    kind: str
    status: str = "operating"
    key_level: str = ""
    industries: list[str] = Field(default_factory=list, description="GB/T 4754-2017 codes")
    operator_name: str = ""
    address: str = ""
    longitude: Decimal | None = None
    latitude: Decimal | None = None
    land_area_mu: Decimal | None = None
    floor_area_m2: Decimal | None = None
    total_investment_wan: Decimal | None = Field(None, description="万元")
    opened_on: dt.date | None = None
    description: str = Field("", max_length=TEXT_MAX_LENGTH)


class ParkPatch(In):
    """Fields to change on a park; omitted fields stay as they are, and null clears only what may be empty."""

    # Not nullable: an explicit null is refused (422); the None default only marks the field as not given.
    name: str = not_null(max_length=100)
    region: str = not_null()
    kind: str = not_null()
    status: str = not_null()
    key_level: str = not_null()
    industries: list[str] = not_null()
    operator_name: str = not_null()
    address: str = not_null()
    longitude: Decimal | None = None
    latitude: Decimal | None = None
    land_area_mu: Decimal | None = None
    floor_area_m2: Decimal | None = None
    total_investment_wan: Decimal | None = None
    opened_on: dt.date | None = None
    description: str = not_null(max_length=TEXT_MAX_LENGTH)


class ParkOut(Schema):
    """A park as the API returns it."""

    id: int
    name: str
    region: str = Field(alias="region_id")
    kind: str
    status: str
    key_level: str
    operator_name: str
    address: str
    longitude: Decimal | None
    latitude: Decimal | None
    land_area_mu: Decimal | None
    floor_area_m2: Decimal | None
    total_investment_wan: Decimal | None
    opened_on: dt.date | None
    description: str
    industries: list[str]

    @staticmethod
    def resolve_industries(obj: object) -> list[str]:
        return list(obj.industries.values_list("code", flat=True))  # type: ignore[attr-defined]


parks = Router(tags=["parks"])


class ParkFilter(In):
    """Query parameters of the park list."""

    q: str = ""
    kind: str = ""
    status: str = ""


@parks.get("/", response=list[ParkOut])
@paginate(Pagination)
def list_parks(request: AuthedRequest, filters: Query[ParkFilter]) -> Any:
    """Parks the caller may see; ``q`` matches name, pinyin or initials."""
    qs = Park.objects.visible_to(request.user).search(filters.q).prefetch_related("industries")
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return qs.order_by("name_pinyin", "pk")


@parks.get("/{park_id}", response={200: ParkOut, **ERRORS})
def get_park(request: AuthedRequest, park_id: Id) -> Any:
    """One park."""
    return get_visible_or_404(Park.objects.all(), request.user, pk=park_id)


def _park_data(payload: Schema, *, partial: bool) -> tuple[dict[str, Any], list[IndustryCode] | None]:
    data = payload.dict(exclude_unset=partial)
    codes = data.pop("industries", None)
    industries = [resolve_ref(IndustryCode, c, "industries") for c in codes] if codes is not None else None
    if "region" in data:
        data["region"] = resolve_ref(Region, data["region"], "region")
    return data, industries


@parks.post("/", response={201: ParkOut, **ERRORS})
def create_park(request: AuthedRequest, payload: ParkIn) -> Any:
    """Register a park (district staff)."""
    require_role(request.user, [Role.REGION_STAFF])
    data, industries = _park_data(payload, partial=False)
    return Status(201, park_services.park_create(actor=request.user, industries=industries or [], **data))


@parks.patch("/{park_id}", response={200: ParkOut, **ERRORS})
def update_park(request: AuthedRequest, park_id: Id, payload: ParkPatch) -> Any:
    """Change a park (district staff, or the park's operator)."""
    park = get_visible_or_404(Park.objects.editable_by(request.user), request.user, pk=park_id)
    data, industries = _park_data(payload, partial=True)
    return park_services.park_update(actor=request.user, park=park, industries=industries, **data)
