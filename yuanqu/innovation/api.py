"""The 科技服务 endpoints of the REST API (/api/tech-contracts/, /api/incubatees/, /api/tech-needs/), mounted from
:class:`yuanqu.innovation.apps.InnovationConfig`. Same services and scope as the pages."""

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from yuanqu.api.api import ERRORS, Pagination, resolve_ref
from yuanqu.api.schemas import Id, In
from yuanqu.core.roles import EDIT_PARK
from yuanqu.core.scoping import get_visible_or_404
from yuanqu.core.services import require_role
from yuanqu.core.types import AuthedRequest
from yuanqu.enterprises.models import Enterprise
from yuanqu.parks.models import Park

from . import services
from .models import Incubatee, Match, TechContract, TechNeed


class ContractIn(In):
    """A technology contract to register; amounts in 万元."""

    registration_no: str = Field(max_length=40)
    title: str = Field(max_length=200)
    kind: str
    field: str
    ip_type: str = "none"
    signed_on: dt.date
    registered_on: dt.date
    seller: Id | None = None
    seller_name: str = Field("", max_length=150)
    seller_in_district: bool = False
    buyer: Id | None = None
    buyer_name: str = Field("", max_length=150)
    buyer_in_district: bool = False
    total_wan: Decimal = Field(description="合同交易总额, 万元", max_digits=14, decimal_places=2)
    tech_wan: Decimal = Field(description="技术交易额, 万元", max_digits=14, decimal_places=2)
    park: Id | None = None
    match: Id | None = None


class ContractOut(Schema):
    """A technology contract as the API returns it."""

    id: int
    registration_no: str
    title: str
    kind: str
    field: str
    ip_type: str
    signed_on: dt.date
    registered_on: dt.date
    seller_name: str
    seller_in_district: bool
    buyer_name: str
    buyer_in_district: bool
    total_wan: Decimal
    tech_wan: Decimal
    park: int | None = Field(alias="park_id")
    region: str = Field(alias="region_id")


class IncubateeOut(Schema):
    """An incubatee as the API returns it."""

    id: int
    incubator: int = Field(alias="incubator_id")
    enterprise: int = Field(alias="enterprise_id")
    status: str
    track: str
    applied_on: dt.date
    entered_on: dt.date | None
    ended_on: dt.date | None
    criterion: str
    area_m2: Decimal


class NeedOut(Schema):
    """A technology need as the API returns it."""

    id: int
    enterprise: int = Field(alias="enterprise_id")
    title: str
    field: str
    status: str
    budget_wan: Decimal | None
    deadline: dt.date | None


class ListFilter(In):
    """Query parameters of the lists."""

    q: str = Field("", max_length=200)
    park: Id | None = None


contracts = Router(tags=["tech-contracts"])
incubatees = Router(tags=["incubatees"])
needs = Router(tags=["tech-needs"])


@contracts.get("/", response=list[ContractOut])
@paginate(Pagination)
def list_tech_contracts(request: AuthedRequest, filters: Query[ListFilter]) -> Any:
    """Technology contracts the caller may see (an enterprise: those it sold or bought)."""
    qs = TechContract.objects.visible_to(request.user).search(filters.q)
    if filters.park is not None:
        qs = qs.filter(park_id=filters.park)
    return qs.order_by("-registered_on", "-pk")


@contracts.get("/{contract_id}", response={200: ContractOut, **ERRORS})
def get_tech_contract(request: AuthedRequest, contract_id: Id) -> Any:
    """One technology contract."""
    return get_visible_or_404(TechContract.objects.all(), request.user, pk=contract_id)


@contracts.post("/", response={201: ContractOut, **ERRORS})
def create_tech_contract(request: AuthedRequest, payload: ContractIn) -> Any:
    """Register a technology contract; 技术交易额 above 合同交易总额, a negative amount or a registration before the
    signing are refused (422)."""
    require_role(request.user, EDIT_PARK)
    data = payload.dict()
    visible_ents = Enterprise.objects.visible_to(request.user)
    data["seller"] = resolve_ref(Enterprise, data["seller"], "seller", visible_ents)
    data["buyer"] = resolve_ref(Enterprise, data["buyer"], "buyer", visible_ents)
    data["park"] = resolve_ref(Park, data["park"], "park", Park.objects.visible_to(request.user))
    data["match"] = resolve_ref(Match, data["match"], "match", Match.objects.editable_by(request.user))
    return Status(201, services.contract_create(actor=request.user, **data))


@incubatees.get("/", response=list[IncubateeOut])
@paginate(Pagination)
def list_incubatees(request: AuthedRequest, filters: Query[ListFilter]) -> Any:
    """Incubatees the caller may see (an enterprise: its own record)."""
    qs = Incubatee.objects.visible_to(request.user).search(filters.q)
    if filters.park is not None:
        qs = qs.filter(incubator__park_id=filters.park)
    return qs.order_by("-applied_on", "-pk")


@incubatees.get("/{incubatee_id}", response={200: IncubateeOut, **ERRORS})
def get_incubatee(request: AuthedRequest, incubatee_id: Id) -> Any:
    """One incubatee."""
    return get_visible_or_404(Incubatee.objects.all(), request.user, pk=incubatee_id)


@needs.get("/", response=list[NeedOut])
@paginate(Pagination)
def list_tech_needs(request: AuthedRequest, filters: Query[ListFilter]) -> Any:
    """Technology needs the caller may see."""
    qs = TechNeed.objects.visible_to(request.user).search(filters.q)
    if filters.park is not None:
        qs = qs.filter(park_id=filters.park)
    return qs.order_by("-created_at", "-pk")
