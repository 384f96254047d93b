"""The 梯度培育 endpoints: designations (list, grant, end, advance a listing) and the candidates for a next step.
Same services and scope as the pages: reads through ``visible_to``, writes through the enterprises' designation
services (district staff); an object outside the caller's scope is a 404."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from yuanqu.api.api import ERRORS, Pagination, resolve_ref
from yuanqu.api.schemas import Id, In, Year
from yuanqu.core.roles import EDIT_REGION, TENANT_READERS
from yuanqu.core.scoping import get_visible_or_404
from yuanqu.core.services import require_role
from yuanqu.core.types import AuthedRequest
from yuanqu.enterprises import services
from yuanqu.enterprises.models import Designation, Enterprise

from . import rules

designations = Router(tags=["梯度培育"])


class DesignationIn(In):
    """A designation to record: ``kind`` (tech_sme, innovative_sme, high_tech, srdi_sme, little_giant, champion,
    gazelle, unicorn, listing), ``level`` (national, provincial, city, district), a 上市后备's ``board``."""

    enterprise: Id
    kind: str = Field(max_length=20)
    recognised_on: dt.date
    level: str = Field("", max_length=12)
    certificate_no: str = Field("", max_length=60)
    valid_until: dt.date | None = None
    source: str = Field("", max_length=100)
    board: str = Field("", max_length=20)
    coaching_on: dt.date | None = None


class DesignationOut(Schema):
    """A designation with its dates; ``stage`` for a 上市后备 (reserve, coaching, filed, listed)."""

    id: int
    enterprise: int = Field(alias="enterprise_id")
    kind: str
    level: str
    certificate_no: str
    recognised_on: dt.date | None
    valid_until: dt.date | None
    ended_on: dt.date | None
    end_reason: str
    source: str
    board: str
    stage: str
    coaching_on: dt.date | None
    filed_on: dt.date | None
    listed_on: dt.date | None


class DesignationFilter(In):
    kind: str = Field("", max_length=20)
    enterprise: Id | None = None
    park: Id | None = None
    active: bool | None = None


class EndIn(In):
    on: dt.date
    reason: str = Field("revoked", max_length=12)


class AdvanceIn(In):
    to_stage: str = Field(max_length=12)
    on: dt.date


class CheckOut(Schema):
    condition: str
    value: str
    holds: bool | None


class CandidateOut(Schema):
    enterprise: int
    name: str
    target: str
    eligible: bool
    checks: list[CheckOut]


class CandidateFilter(In):
    step: str = Field("high_tech", max_length=20)
    year: Year | None = None
    park: Id | None = None
    all: bool = False


@designations.get("/", response=list[DesignationOut])
@paginate(Pagination)
def list_designations(request: AuthedRequest, filters: Query[DesignationFilter]) -> Any:
    """Designations of the enterprises the caller may see."""
    qs = Designation.objects.visible_to(request.user)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.enterprise is not None:
        qs = qs.filter(enterprise_id=filters.enterprise)
    if filters.park is not None:
        qs = qs.filter(enterprise__in=Enterprise.objects.filter(settlements__park_id=filters.park).values("pk"))
    if filters.active is not None:
        active = Designation.objects.active_on(timezone.localdate()).values("pk")
        qs = qs.filter(pk__in=active) if filters.active else qs.exclude(pk__in=active)
    return qs.order_by("-recognised_on", "-pk")


@designations.get("/candidates", response={200: list[CandidateOut], **ERRORS})
def list_candidates(request: AuthedRequest, filters: Query[CandidateFilter]) -> Any:
    """Candidates for the next step ``step`` by the approved figures of ``year`` (last year by default), each
    condition with the value read; with ``all``, every enterprise that could start the step."""
    require_role(request.user, TENANT_READERS)
    if filters.step not in rules.STEP_BY_TARGET:
        raise ValidationError({"step": [f"目标梯度不是可选值之一；可选：{'、'.join(rules.STEP_BY_TARGET)}。"]})
    ents = Enterprise.objects.visible_to(request.user)
    if filters.park is not None:
        ents = ents.filter(settlements__park_id=filters.park).distinct()
    year = filters.year or timezone.localdate().year - 1
    return [rules.as_row(c) for c in rules.candidates(ents, filters.step, year, everyone=filters.all)]


@designations.get("/{designation_id}", response={200: DesignationOut, **ERRORS})
def get_designation(request: AuthedRequest, designation_id: Id) -> Any:
    """One designation."""
    return get_visible_or_404(Designation.objects.all(), request.user, pk=designation_id)


@designations.post("/", response={201: DesignationOut, **ERRORS})
def create_designation(request: AuthedRequest, payload: DesignationIn) -> Any:
    """Record a designation of an enterprise the caller sees (district staff)."""
    require_role(request.user, EDIT_REGION)
    data = payload.dict()
    data["enterprise"] = resolve_ref(Enterprise, data["enterprise"], "enterprise",
                                     Enterprise.objects.visible_to(request.user))
    return Status(201, services.designation_grant(actor=request.user, **data))


@designations.post("/{designation_id}/end", response={200: DesignationOut, **ERRORS})
def end_designation(request: AuthedRequest, designation_id: Id, payload: EndIn) -> Any:
    """End a designation (revoked) or withdraw a listing (withdrawn)."""
    designation = get_visible_or_404(Designation.objects.editable_by(request.user), request.user, pk=designation_id)
    return services.designation_revoke(actor=request.user, designation=designation, on=payload.on,
                                       reason=payload.reason)


@designations.post("/{designation_id}/advance", response={200: DesignationOut, **ERRORS})
def advance_listing(request: AuthedRequest, designation_id: Id, payload: AdvanceIn) -> Any:
    """Move a 上市后备 to its next step (coaching, filed, listed), dated ``on``."""
    designation = get_visible_or_404(Designation.objects.editable_by(request.user), request.user, pk=designation_id)
    return services.listing_advance(actor=request.user, designation=designation, to_stage=payload.to_stage,
                                    on=payload.on)
