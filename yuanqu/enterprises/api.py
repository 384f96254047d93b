"""The enterprise and settlement endpoints of the REST API (/api/enterprises/, /api/settlements/), mounted
from :class:`yuanqu.enterprises.apps.EnterprisesConfig`."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from yuanqu.api.api import ERRORS, Pagination, resolve_ref
from yuanqu.api.schemas import Id, In, not_null
from yuanqu.core.models import IndustryCode, Region
from yuanqu.core.roles import EDIT_PARK, ENTERPRISE_SIDE
from yuanqu.core.scoping import get_visible_or_404
from yuanqu.core.services import require_role
from yuanqu.core.types import AuthedRequest
from yuanqu.core.validators import TEXT_MAX_LENGTH
from yuanqu.parks.models import Park, Unit

from . import selectors as ent_selectors
from . import services as ent_services
from .models import BUSINESS_SCOPE_MAX_LENGTH, Enterprise, EnterpriseRequest, Settlement
from .selectors import enterprises_findable_by
from .services import REQUEST_FILED


class EnterpriseIn(In):
    """Fields to register an enterprise; ``park`` signs it into that park at once."""

    uscc: str = Field(description="统一社会信用代码, 18 characters, GB 32100-2015")
    name: str = Field(max_length=150)
    industry: str | None = Field(None, description="GB/T 4754-2017 class (小类) code")
    region: str
    is_high_tech: bool = False
    srdi_level: str = ""
    is_above_scale: bool = False
    listing: str = "unlisted"
    is_four_new: bool = False
    registered_capital_wan: Decimal | None = Field(None, description="万元")
    established_on: dt.date | None = None
    status: str = "active"
    business_scope: str = Field("", max_length=BUSINESS_SCOPE_MAX_LENGTH, description="经营范围")
    park: Id | None = None
    signed_on: dt.date | None = None


class EnterprisePatch(In):
    """Fields to change on an enterprise; a new name goes into its name history. Null clears only what may be
    empty (industry, registered capital, founding date); for the rest it is refused."""

    uscc: str = not_null()
    name: str = not_null(max_length=150)
    industry: str | None = None
    region: str = not_null()
    is_high_tech: bool = not_null()
    srdi_level: str = not_null()
    is_above_scale: bool = not_null()
    listing: str = not_null()
    is_four_new: bool = not_null()
    registered_capital_wan: Decimal | None = None
    established_on: dt.date | None = None
    status: str = not_null()
    business_scope: str = not_null(max_length=BUSINESS_SCOPE_MAX_LENGTH, description="经营范围")


class FormerNameOut(Schema):
    """A former name and the last day it was used."""

    name: str
    used_until: dt.date


class ContactOut(Schema):
    """A contact; phone and e-mail are masked unless the caller may see them."""

    id: int
    name: str
    title: str
    phone: str
    email: str
    is_primary: bool


class EnterpriseOut(Schema):
    """An enterprise as the API returns it."""

    id: int
    uscc: str
    name: str
    industry: str | None = Field(alias="industry_id")
    region: str = Field(alias="region_id")
    is_high_tech: bool
    srdi_level: str
    is_above_scale: bool
    listing: str
    is_four_new: bool
    registered_capital_wan: Decimal | None
    established_on: dt.date | None
    status: str
    business_scope: str
    former_names: list[FormerNameOut]

    @staticmethod
    def resolve_former_names(obj: object) -> list[object]:
        return list(obj.former_names.all())  # type: ignore[attr-defined]


class EnterpriseDetailOut(EnterpriseOut):
    """An enterprise with its contacts (masked by role)."""

    contacts: list[ContactOut] = []

    @staticmethod
    def resolve_contacts(obj: object) -> list[dict[str, object]]:
        return getattr(obj, "masked_contacts", [])


class SettlementIn(In):
    """Sign an enterprise into a park: by its id (if visible to the caller) or by its USCC."""

    enterprise: Id | None = None
    uscc: str | None = Field(None, description="统一社会信用代码 of a registered enterprise")
    park: Id
    signed_on: dt.date
    units: list[Id] = Field(default_factory=list, max_length=1000)
    note: str = Field("", max_length=TEXT_MAX_LENGTH)


class RequestOut(Schema):
    """A request filed for district staff to decide (202): signing an enterprise the caller may not see into its
    park, or the enterprise's own change of designations. Nothing of the enterprise is in it but the code typed."""

    id: int
    kind: str
    status: str
    uscc: str
    park: int | None = Field(alias="park_id")
    signed_on: dt.date | None
    changes: dict[str, Any]
    detail: str

    @staticmethod
    def resolve_detail(obj: object) -> str:
        return str(REQUEST_FILED[obj.kind])  # type: ignore[attr-defined]


class ChangeRequestIn(In):
    """Designations the enterprise asks district staff to change; only the fields given are asked for."""

    is_high_tech: bool | None = None
    srdi_level: str | None = None
    is_above_scale: bool | None = None
    listing: str | None = None
    registered_capital_wan: Decimal | None = Field(None, description="万元")


class SettlementAdvance(In):
    """Move a settlement to a later stage on a date; 退出 (exited) needs a reason."""

    to_stage: str
    on: dt.date
    reason: str = Field("", max_length=200)


class SettlementPatch(In):
    """Correct a settlement's dates or note, or set the units it occupies (null clears a later step's date)."""

    signed_on: dt.date = not_null()
    fitout_on: dt.date | None = None
    moved_in_on: dt.date | None = None
    exited_on: dt.date | None = None
    note: str = not_null(max_length=TEXT_MAX_LENGTH)
    units: list[Id] = not_null(max_length=1000)


class SettlementOut(Schema):
    """A settlement as the API returns it."""

    id: int
    enterprise: int = Field(alias="enterprise_id")
    enterprise_name: str
    park: int = Field(alias="park_id")
    stage: str
    signed_on: dt.date
    fitout_on: dt.date | None
    moved_in_on: dt.date | None
    exited_on: dt.date | None
    exit_reason: str
    note: str
    units: list[int]

    @staticmethod
    def resolve_enterprise_name(obj: object) -> str:
        return obj.enterprise.name  # type: ignore[attr-defined]

    @staticmethod
    def resolve_units(obj: object) -> list[int]:
        return list(obj.occupancies.filter(active=True).values_list("unit_id", flat=True))  # type: ignore[attr-defined]


enterprises = Router(tags=["enterprises"])
settlements = Router(tags=["settlements"])


class EnterpriseFilter(In):
    """Query parameters of the enterprise list."""

    q: str = Field("", max_length=200)
    park: Id | None = None
    status: str = ""


def _enterprise_out(request: AuthedRequest, enterprise: Enterprise) -> Enterprise:
    """The enterprise with its contacts masked for the caller, for EnterpriseDetailOut."""
    enterprise.masked_contacts = [  # type: ignore[attr-defined]
        {"id": c["contact"].pk, "name": c["contact"].name, "title": c["contact"].title, "phone": c["phone"],
         "email": c["email"], "is_primary": c["contact"].is_primary}
        for c in ent_selectors.contacts_for(request.user, enterprise)
    ]
    return enterprise


@enterprises.get("/", response=list[EnterpriseOut])
@paginate(Pagination)
def list_enterprises(request: AuthedRequest, filters: Query[EnterpriseFilter]) -> Any:
    """Enterprises the caller may see; ``q`` matches name, pinyin, initials, USCC or a former name."""
    qs = Enterprise.objects.visible_to(request.user).search(filters.q).prefetch_related("former_names")
    if filters.park is not None:
        qs = qs.filter(pk__in=Settlement.objects.visible_to(request.user).filter(park_id=filters.park)
                       .values("enterprise_id"))
    if filters.status:
        qs = qs.filter(status=filters.status)
    return qs.order_by("name_pinyin", "pk")


@enterprises.get("/{enterprise_id}", response={200: EnterpriseDetailOut, **ERRORS})
def get_enterprise(request: AuthedRequest, enterprise_id: Id) -> Any:
    """One enterprise with its contacts (phones masked unless the caller may see them)."""
    return _enterprise_out(request, get_visible_or_404(Enterprise.objects.all(), request.user, pk=enterprise_id))


def _enterprise_data(data: dict[str, Any]) -> dict[str, Any]:
    if "region" in data:
        data["region"] = resolve_ref(Region, data["region"], "region")
    if "industry" in data:
        data["industry"] = resolve_ref(IndustryCode, data["industry"], "industry")
    return data


@enterprises.post("/", response={201: EnterpriseDetailOut, 202: RequestOut, **ERRORS})
def create_enterprise(request: AuthedRequest, payload: EnterpriseIn) -> Any:
    """Register an enterprise; with ``park``, sign it into that park (operators must give one).

    A code already registered outside the caller's scope, with a park: 202, a request district staff decide.
    """
    require_role(request.user, EDIT_PARK)
    data = _enterprise_data(payload.dict())
    park_id, signed_on = data.pop("park"), data.pop("signed_on")
    park = resolve_ref(Park, park_id, "park", Park.objects.editable_by(request.user)) if park_id else None
    result = ent_services.enterprise_register(actor=request.user, park=park, signed_on=signed_on, **data)
    if isinstance(result, EnterpriseRequest):
        return Status(202, result)
    return Status(201, _enterprise_out(request, result))


@enterprises.patch("/{enterprise_id}", response={200: EnterpriseDetailOut, **ERRORS})
def update_enterprise(request: AuthedRequest, enterprise_id: Id, payload: EnterprisePatch) -> Any:
    """Change an enterprise; a rename is kept in its name history."""
    enterprise = get_visible_or_404(Enterprise.objects.editable_by(request.user), request.user, pk=enterprise_id)
    data = _enterprise_data(payload.dict(exclude_unset=True))
    # 高新, 规上, 专精特新, listing and capital: district staff's; anyone else's change is refused (audited), 422.
    ent_services.designations_refused(actor=request.user, enterprise=enterprise, values=data)
    enterprise = ent_services.enterprise_update(actor=request.user, enterprise=enterprise, **data)
    return _enterprise_out(request, enterprise)


@enterprises.post("/{enterprise_id}/change-requests", response={202: RequestOut, **ERRORS})
def request_designation_change(request: AuthedRequest, enterprise_id: Id, payload: ChangeRequestIn) -> Any:
    """The enterprise asks district staff to change its designations (高新, 规上, 专精特新, listing, capital)."""
    enterprise = get_visible_or_404(Enterprise.objects.editable_by(request.user), request.user, pk=enterprise_id)
    require_role(request.user, ENTERPRISE_SIDE)
    changes = payload.dict(exclude_unset=True)
    return Status(202, ent_services.enterprise_change_request(actor=request.user, enterprise=enterprise,
                                                             changes=changes))


class SettlementFilter(In):
    """Query parameters of the settlement list."""

    park: Id | None = None
    enterprise: Id | None = None
    stage: str = ""


@settlements.get("/", response=list[SettlementOut])
@paginate(Pagination)
def list_settlements(request: AuthedRequest, filters: Query[SettlementFilter]) -> Any:
    """Settlements the caller may see."""
    qs = Settlement.objects.visible_to(request.user).select_related("enterprise")
    if filters.park is not None:
        qs = qs.filter(park_id=filters.park)
    if filters.enterprise is not None:
        qs = qs.filter(enterprise_id=filters.enterprise)
    if filters.stage:
        qs = qs.filter(stage=filters.stage)
    return qs.order_by("-signed_on", "-pk")


@settlements.get("/{settlement_id}", response={200: SettlementOut, **ERRORS})
def get_settlement(request: AuthedRequest, settlement_id: Id) -> Any:
    """One settlement."""
    return get_visible_or_404(Settlement.objects.select_related("enterprise"), request.user, pk=settlement_id)


@settlements.post("/", response={201: SettlementOut, 202: RequestOut, **ERRORS})
def create_settlement(request: AuthedRequest, payload: SettlementIn) -> Any:
    """Sign an enterprise into a park (district staff, or the park's operator).

    By ``enterprise`` id: one the caller may see. By ``uscc`` (printed on the business licence): an enterprise in
    the caller's scope is signed (201); any other code, registered elsewhere or not at all, files a request that
    district staff decide (202, the same answer for both).
    """
    require_role(request.user, EDIT_PARK)
    park = resolve_ref(Park, payload.park, "park", Park.objects.editable_by(request.user))
    units = [resolve_ref(Unit, u, "units", Unit.objects.editable_by(request.user)) for u in payload.units]
    if payload.enterprise is not None:
        enterprise = resolve_ref(Enterprise, payload.enterprise, "enterprise", enterprises_findable_by(request.user))
        return Status(201, ent_services.settlement_create(
            actor=request.user, enterprise=enterprise, park=park, signed_on=payload.signed_on, units=units,
            note=payload.note))
    result = ent_services.enterprise_sign_by_uscc(actor=request.user, uscc=payload.uscc or "", park=park,
                                                  signed_on=payload.signed_on, units=units, note=payload.note)
    return Status(202 if isinstance(result, EnterpriseRequest) else 201, result)


@settlements.patch("/{settlement_id}", response={200: SettlementOut, **ERRORS})
def update_settlement(request: AuthedRequest, settlement_id: Id, payload: SettlementPatch) -> Any:
    """Correct dates or the note, or set the units occupied."""
    settlement = get_visible_or_404(Settlement.objects.editable_by(request.user), request.user, pk=settlement_id)
    data = payload.dict(exclude_unset=True)
    unit_ids = data.pop("units", None)
    if data:
        settlement = ent_services.settlement_update(actor=request.user, settlement=settlement, **data)
    if unit_ids is not None:
        units = [resolve_ref(Unit, u, "units", Unit.objects.editable_by(request.user)) for u in unit_ids]
        ent_services.settlement_set_units(actor=request.user, settlement=settlement, units=units,
                                          on=timezone.localdate())
    return Settlement.objects.get(pk=settlement.pk)


@settlements.post("/{settlement_id}/advance", response={200: SettlementOut, **ERRORS})
def advance_settlement(request: AuthedRequest, settlement_id: Id, payload: SettlementAdvance) -> Any:
    """Move a settlement to a later stage (签约 → 装修 → 入驻 → 退出)."""
    settlement = get_visible_or_404(Settlement.objects.editable_by(request.user), request.user, pk=settlement_id)
    return ent_services.settlement_advance(actor=request.user, settlement=settlement, to_stage=payload.to_stage,
                                           on=payload.on, reason=payload.reason)
