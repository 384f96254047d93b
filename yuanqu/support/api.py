"""The enterprise-service endpoints of the REST API (/api/support/…), mounted from
:class:`yuanqu.support.apps.SupportConfig`: the catalogue, requests (list, read, file) and the rating."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from yuanqu.api.api import ERRORS, Pagination, resolve_ref
from yuanqu.api.schemas import Id, In
from yuanqu.core.roles import Role
from yuanqu.core.scoping import get_visible_or_404
from yuanqu.core.services import require_role
from yuanqu.core.types import AuthedRequest
from yuanqu.core.validators import TEXT_MAX_LENGTH
from yuanqu.enterprises.models import Enterprise

from . import services
from .models import ResponseRule, Service, ServiceRequest

router = Router(tags=["support"])


class ServiceOut(Schema):
    """A service of the catalogue."""

    id: int
    name: str
    category: str
    park: int | None = Field(alias="park_id")
    region: str = Field(alias="region_id")
    default_rule: str = Field(alias="default_rule.code")
    active: bool


class RequestIn(In):
    """A request to file; ``enterprise`` defaults to the caller's own (enterprise users)."""

    service: Id
    title: str = Field(max_length=100)
    description: str = Field(max_length=TEXT_MAX_LENGTH)
    enterprise: Id | None = None
    priority: str = Field("", description="a response-time rule code (urgent, utility, general, complex); "
                                          "empty: the service's default")
    contact_name: str = Field("", max_length=60)
    contact_phone: str = Field("", max_length=20)


class RequestOut(Schema):
    """A request as the API returns it."""

    id: int
    number: str
    title: str
    status: str
    service: int = Field(alias="service_id")
    priority: str = Field(alias="rule.code")
    enterprise: int = Field(alias="enterprise_id")
    park: int | None = Field(alias="park_id")
    handler: int | None = Field(alias="handler_id")
    accepted_at: dt.datetime
    due_at: dt.datetime
    closed_at: dt.datetime | None
    on_time: bool | None


class RatingIn(In):
    """好差评: level 5 非常满意 … 1 非常不满意, and 1–5 per dimension."""

    level: int = Field(ge=1, le=5)
    speed: int = Field(ge=1, le=5)
    quality: int = Field(ge=1, le=5)
    attitude: int = Field(ge=1, le=5)
    comment: str = Field("", max_length=TEXT_MAX_LENGTH)


class RatingOut(Schema):
    id: int
    request: int = Field(alias="request_id")
    level: int
    speed: int
    quality: int
    attitude: int
    rectification_due_on: dt.date | None = None


@router.get("/services", response=list[ServiceOut])
@paginate(Pagination)
def list_support_services(request: AuthedRequest) -> Any:
    """The services the caller may see."""
    return Service.objects.visible_to(request.user).select_related("default_rule").order_by("pk")


@router.get("/requests", response=list[RequestOut])
@paginate(Pagination)
def list_service_requests(request: AuthedRequest, status: str = "") -> Any:
    """The requests the caller may see."""
    qs = ServiceRequest.objects.visible_to(request.user).select_related("rule")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-accepted_at", "-pk")


@router.get("/requests/{request_id}", response={200: RequestOut, **ERRORS})
def get_service_request(request: AuthedRequest, request_id: Id) -> Any:
    """One request."""
    return get_visible_or_404(ServiceRequest.objects.select_related("rule"), request.user, pk=request_id)


@router.post("/requests", response={201: RequestOut, **ERRORS})
def create_service_request(request: AuthedRequest, payload: RequestIn) -> Any:
    """File a request: an enterprise user for its own enterprise; staff or a park's operator for an enterprise in
    their scope (404 outside it)."""
    require_role(request.user, [Role.ENTERPRISE_USER, Role.PARK_OPERATOR, Role.REGION_STAFF])
    data = payload.dict()
    enterprise_id = data.pop("enterprise") or request.user.enterprise_id
    if request.user.role == Role.ENTERPRISE_USER:
        enterprise_id = request.user.enterprise_id
    enterprise = get_visible_or_404(Enterprise.objects.all(), request.user, pk=enterprise_id)
    data["service"] = resolve_ref(Service, data["service"], "service", Service.objects.visible_to(request.user))
    code = data.pop("priority")
    data["rule"] = None
    if code:
        data["rule"] = ResponseRule.objects.filter(code=code).first()
        if data["rule"] is None:
            raise ValidationError({"priority": [_("%(value)s does not exist or is outside your scope.")
                                                % {"value": code}]})
    return Status(201, services.request_create(actor=request.user, enterprise=enterprise, **data))


@router.post("/requests/{request_id}/rating", response={201: RatingOut, **ERRORS})
def rate_service_request(request: AuthedRequest, request_id: Id, payload: RatingIn) -> Any:
    """The requester's rating of a closed request, once (422 otherwise); a 差评 opens a rectification."""
    require_role(request.user, [Role.ENTERPRISE_USER])
    req = get_visible_or_404(ServiceRequest.objects.all(), request.user, pk=request_id)
    rating = services.request_rate(actor=request.user, request=req, **payload.dict())
    rect = getattr(rating, "rectification", None)
    return Status(201, {"id": rating.pk, "request_id": req.pk, "level": rating.level, "speed": rating.speed,
                        "quality": rating.quality, "attitude": rating.attitude,
                        "rectification_due_on": rect.due_on if rect is not None else None})
