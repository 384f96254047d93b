"""The REST API at /api/: parks, enterprises and settlements, with the UI's scopes and services.

Reads go through ``visible_to``; writes through the same services as the forms. An object
outside the caller's scope is a 404, never a 403.
"""


from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query, Router, Schema
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status

from yuanqu.core.models import IndustryCode, Region
from yuanqu.core.roles import Role
from yuanqu.core.scoping import get_visible_or_404
from yuanqu.core.services import require_role
from yuanqu.core.text import normalize_uscc
from yuanqu.enterprises import selectors as ent_selectors
from yuanqu.enterprises import services as ent_services
from yuanqu.enterprises.models import Enterprise, Settlement
from yuanqu.investment import services as inv_services
from yuanqu.investment.models import Case, FollowUp, Lead, Project, StageChange
from yuanqu.parks import services as park_services
from yuanqu.parks.models import Park, Unit
from yuanqu.stats.api import router as stats_router

from .auth import ActiveSessionAuth, TokenAuth
from .schemas import (
    CaseIn,
    CaseOut,
    EnterpriseDetailOut,
    EnterpriseIn,
    EnterpriseOut,
    EnterprisePatch,
    ErrorOut,
    FollowUpIn,
    FollowUpOut,
    LeadIn,
    LeadOut,
    LeadStatusIn,
    ParkIn,
    ParkOut,
    ParkPatch,
    ProjectIn,
    ProjectOut,
    SettlementAdvance,
    SettlementIn,
    SettlementOut,
    SettlementPatch,
    StageChangeIn,
    StageChangeOut,
)

api = NinjaAPI(
    title="yuanqu API",
    version="1",
    description="园区 platform API. Authenticate with `Authorization: Bearer <token>` (tokens are issued on "
    "the API tokens page) or the browser session. Amounts are in 万元 where a field name ends in `_wan`.",
    auth=[TokenAuth(), ActiveSessionAuth()],
    urls_namespace="api",
    docs_decorator=login_required,
)

ERRORS: dict[int, Any] = {404: ErrorOut, 422: ErrorOut}


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """A service refused the input: 422 with the reasons by field, in the user's language."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": _("The input is not valid."), "errors": errors}, status=422)


@api.exception_handler(NinjaValidationError)
def on_schema_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    """The request did not match the schema (missing field, wrong type): 422, by field."""
    errors: dict[str, list[str]] = {}
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "payload", "query", "path")]
        field = ".".join(loc) or "__all__"
        kind = err.get("type", "")
        if kind == "missing":
            msg = _("This field is required.")
        elif "date" in kind:
            msg = _("Enter a valid date (YYYY-MM-DD).")
        elif "decimal" in kind or "int" in kind or "float" in kind:
            msg = _("Enter a number.")
        else:
            msg = _("The value is not valid: %(msg)s") % {"msg": err.get("msg", "")}
        errors.setdefault(field, []).append(msg)
    return api.create_response(request, {"detail": _("The input is not valid."), "errors": errors}, status=422)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    """Outside the caller's scope or role: 404, so nothing is confirmed to exist."""
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


def _ref(model: type[models.Model], value: Any, field: str, queryset: Any = None) -> Any:
    """Resolve a code or id to a row, or a field error naming what was not found."""
    if value in (None, ""):
        return None
    qs = queryset if queryset is not None else model._default_manager.all()
    try:
        return qs.get(pk=value)
    except (model.DoesNotExist, ValueError, TypeError) as exc:  # type: ignore[attr-defined]
        raise ValidationError(
            {field: [_("%(value)s does not exist or is outside your scope.") % {"value": value}]}
        ) from exc


parks = Router(tags=["parks"])
enterprises = Router(tags=["enterprises"])
settlements = Router(tags=["settlements"])


class ParkFilter(Schema):
    """Query parameters of the park list."""

    q: str = ""
    kind: str = ""
    status: str = ""


@parks.get("/", response=list[ParkOut])
@paginate(LimitOffsetPagination)
def list_parks(request: HttpRequest, filters: Query[ParkFilter]) -> Any:
    """Parks the caller may see; ``q`` matches name, pinyin or initials."""
    qs = Park.objects.visible_to(request.user).search(filters.q).prefetch_related("industries")
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return qs.order_by("name_pinyin", "pk")


@parks.get("/{park_id}", response={200: ParkOut, **ERRORS})
def get_park(request: HttpRequest, park_id: int) -> Any:
    """One park."""
    return get_visible_or_404(Park.objects.all(), request.user, pk=park_id)


def _park_data(payload: Schema, *, partial: bool) -> tuple[dict[str, Any], list[IndustryCode] | None]:
    data = payload.dict(exclude_unset=partial)
    codes = data.pop("industries", None)
    industries = [_ref(IndustryCode, c, "industries") for c in codes] if codes is not None else None
    if "region" in data:
        data["region"] = _ref(Region, data["region"], "region")
    return data, industries


@parks.post("/", response={201: ParkOut, **ERRORS})
def create_park(request: HttpRequest, payload: ParkIn) -> Any:
    """Register a park (district staff)."""
    require_role(request.user, [Role.REGION_STAFF])
    data, industries = _park_data(payload, partial=False)
    return Status(201, park_services.park_create(actor=request.user, industries=industries or [], **data))


@parks.patch("/{park_id}", response={200: ParkOut, **ERRORS})
def update_park(request: HttpRequest, park_id: int, payload: ParkPatch) -> Any:
    """Change a park (district staff, or the park's operator)."""
    park = get_visible_or_404(Park.objects.editable_by(request.user), request.user, pk=park_id)
    data, industries = _park_data(payload, partial=True)
    return park_services.park_update(actor=request.user, park=park, industries=industries, **data)


class EnterpriseFilter(Schema):
    """Query parameters of the enterprise list."""

    q: str = ""
    park: int | None = None
    status: str = ""


def _enterprise_out(request: HttpRequest, enterprise: Enterprise) -> Enterprise:
    """The enterprise with its contacts masked for the caller, for EnterpriseDetailOut."""
    enterprise.masked_contacts = [  # type: ignore[attr-defined]
        {"id": c["contact"].pk, "name": c["contact"].name, "title": c["contact"].title, "phone": c["phone"],
         "email": c["email"], "is_primary": c["contact"].is_primary}
        for c in ent_selectors.contacts_for(request.user, enterprise)
    ]
    return enterprise


@enterprises.get("/", response=list[EnterpriseOut])
@paginate(LimitOffsetPagination)
def list_enterprises(request: HttpRequest, filters: Query[EnterpriseFilter]) -> Any:
    """Enterprises the caller may see; ``q`` matches name, pinyin, initials, USCC or a former name."""
    qs = Enterprise.objects.visible_to(request.user).search(filters.q).prefetch_related("former_names")
    if filters.park is not None:
        qs = qs.filter(pk__in=Settlement.objects.visible_to(request.user).filter(park_id=filters.park)
                       .values("enterprise_id"))
    if filters.status:
        qs = qs.filter(status=filters.status)
    return qs.order_by("name_pinyin", "pk")


@enterprises.get("/{enterprise_id}", response={200: EnterpriseDetailOut, **ERRORS})
def get_enterprise(request: HttpRequest, enterprise_id: int) -> Any:
    """One enterprise with its contacts (phones masked unless the caller may see them)."""
    return _enterprise_out(request, get_visible_or_404(Enterprise.objects.all(), request.user, pk=enterprise_id))


def _enterprise_data(data: dict[str, Any]) -> dict[str, Any]:
    if "region" in data:
        data["region"] = _ref(Region, data["region"], "region")
    if "industry" in data:
        data["industry"] = _ref(IndustryCode, data["industry"], "industry")
    return data


@enterprises.post("/", response={201: EnterpriseDetailOut, **ERRORS})
def create_enterprise(request: HttpRequest, payload: EnterpriseIn) -> Any:
    """Register an enterprise; with ``park``, sign it into that park (operators must give one)."""
    require_role(request.user, [Role.REGION_STAFF, Role.PARK_OPERATOR])
    data = _enterprise_data(payload.dict())
    park_id, signed_on = data.pop("park"), data.pop("signed_on")
    park = _ref(Park, park_id, "park", Park.objects.editable_by(request.user)) if park_id else None
    enterprise = ent_services.enterprise_create(actor=request.user, park=park, signed_on=signed_on, **data)
    return Status(201, _enterprise_out(request, enterprise))


@enterprises.patch("/{enterprise_id}", response={200: EnterpriseDetailOut, **ERRORS})
def update_enterprise(request: HttpRequest, enterprise_id: int, payload: EnterprisePatch) -> Any:
    """Change an enterprise; a rename is kept in its name history."""
    enterprise = get_visible_or_404(Enterprise.objects.editable_by(request.user), request.user, pk=enterprise_id)
    data = _enterprise_data(payload.dict(exclude_unset=True))
    enterprise = ent_services.enterprise_update(actor=request.user, enterprise=enterprise, **data)
    return _enterprise_out(request, enterprise)


class SettlementFilter(Schema):
    """Query parameters of the settlement list."""

    park: int | None = None
    enterprise: int | None = None
    stage: str = ""


@settlements.get("/", response=list[SettlementOut])
@paginate(LimitOffsetPagination)
def list_settlements(request: HttpRequest, filters: Query[SettlementFilter]) -> Any:
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
def get_settlement(request: HttpRequest, settlement_id: int) -> Any:
    """One settlement."""
    return get_visible_or_404(Settlement.objects.select_related("enterprise"), request.user, pk=settlement_id)


@settlements.post("/", response={201: SettlementOut, **ERRORS})
def create_settlement(request: HttpRequest, payload: SettlementIn) -> Any:
    """Sign an enterprise into a park (district staff, or the park's operator)."""
    require_role(request.user, [Role.REGION_STAFF, Role.PARK_OPERATOR])
    park = _ref(Park, payload.park, "park", Park.objects.editable_by(request.user))
    if payload.enterprise is not None:
        enterprise = _ref(Enterprise, payload.enterprise, "enterprise", Enterprise.objects.visible_to(request.user))
    else:
        # Signing by USCC: the code is printed on the business licence the enterprise hands over.
        code = normalize_uscc(payload.uscc or "")
        enterprise = Enterprise.objects.filter(uscc=code).first()
        if enterprise is None:
            raise ValidationError({"uscc": [_("No enterprise with this code is registered.")]})
    units = [_ref(Unit, u, "units", Unit.objects.editable_by(request.user)) for u in payload.units]
    settlement = ent_services.settlement_create(actor=request.user, enterprise=enterprise, park=park,
                                                signed_on=payload.signed_on, units=units, note=payload.note)
    return Status(201, settlement)


@settlements.patch("/{settlement_id}", response={200: SettlementOut, **ERRORS})
def update_settlement(request: HttpRequest, settlement_id: int, payload: SettlementPatch) -> Any:
    """Correct dates or the note, or set the units occupied."""
    settlement = get_visible_or_404(Settlement.objects.editable_by(request.user), request.user, pk=settlement_id)
    data = payload.dict(exclude_unset=True)
    unit_ids = data.pop("units", None)
    if data:
        settlement = ent_services.settlement_update(actor=request.user, settlement=settlement, **data)
    if unit_ids is not None:
        units = [_ref(Unit, u, "units", Unit.objects.editable_by(request.user)) for u in unit_ids]
        ent_services.settlement_set_units(actor=request.user, settlement=settlement, units=units,
                                          on=timezone.localdate())
    return Settlement.objects.get(pk=settlement.pk)


@settlements.post("/{settlement_id}/advance", response={200: SettlementOut, **ERRORS})
def advance_settlement(request: HttpRequest, settlement_id: int, payload: SettlementAdvance) -> Any:
    """Move a settlement to a later stage (签约 → 装修 → 入驻 → 退出)."""
    settlement = get_visible_or_404(Settlement.objects.editable_by(request.user), request.user, pk=settlement_id)
    return ent_services.settlement_advance(actor=request.user, settlement=settlement, to_stage=payload.to_stage,
                                           on=payload.on, reason=payload.reason)


leads = Router(tags=["leads"])
projects = Router(tags=["projects"])
cases = Router(tags=["cases"])


class LeadFilter(Schema):
    """Query parameters of the lead list."""

    q: str = ""
    status: str = ""
    park: int | None = None
    pool: bool = False


@leads.get("/", response=list[LeadOut])
@paginate(LimitOffsetPagination)
def list_leads(request: HttpRequest, filters: Query[LeadFilter]) -> Any:
    """Leads the caller may see; ``pool=true`` gives the shared pool (公海)."""
    qs = Lead.objects.visible_to(request.user).search(filters.q)
    if filters.pool:
        qs = qs.pool()
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.park is not None:
        qs = qs.filter(target_park_id=filters.park)
    return qs.order_by("-created_at", "-pk")


@leads.get("/{lead_id}", response={200: LeadOut, **ERRORS})
def get_lead(request: HttpRequest, lead_id: int) -> Any:
    """One lead."""
    return get_visible_or_404(Lead.objects.all(), request.user, pk=lead_id)


@leads.post("/", response={201: LeadOut, **ERRORS})
def create_lead(request: HttpRequest, payload: LeadIn) -> Any:
    """Record a lead; a likely duplicate is refused (422, code ``duplicate``) unless ``allow_duplicate``."""
    require_role(request.user, [Role.REGION_STAFF, Role.PARK_OPERATOR])
    data = payload.dict()
    contacts = data.pop("contacts")
    data["industry"] = _ref(IndustryCode, data["industry"], "industry")
    data["region"] = _ref(Region, data["region"], "region")
    data["target_park"] = _ref(Park, data["target_park"], "target_park", Park.objects.visible_to(request.user))
    lead = inv_services.lead_create(actor=request.user, contacts=contacts, **data)
    return Status(201, lead)


@leads.post("/{lead_id}/claim", response={200: LeadOut, **ERRORS})
def claim_lead(request: HttpRequest, lead_id: int) -> Any:
    """Take a lead from the pool; 422 if someone else claimed it first."""
    lead = get_visible_or_404(Lead.objects.editable_by(request.user), request.user, pk=lead_id)
    return inv_services.lead_claim(actor=request.user, lead=lead)


@leads.post("/{lead_id}/release", response={200: LeadOut, **ERRORS})
def release_lead(request: HttpRequest, lead_id: int) -> Any:
    """Put a lead back into the pool."""
    lead = get_visible_or_404(Lead.objects.editable_by(request.user), request.user, pk=lead_id)
    return inv_services.lead_release(actor=request.user, lead=lead)


@leads.post("/{lead_id}/status", response={200: LeadOut, **ERRORS})
def set_lead_status(request: HttpRequest, lead_id: int, payload: LeadStatusIn) -> Any:
    """Change a lead's status (lost needs a reason)."""
    lead = get_visible_or_404(Lead.objects.editable_by(request.user), request.user, pk=lead_id)
    return inv_services.lead_set_status(actor=request.user, lead=lead, status=payload.status, reason=payload.reason)


@leads.get("/{lead_id}/follow-ups", response={200: list[FollowUpOut], **ERRORS})
def list_follow_ups(request: HttpRequest, lead_id: int) -> Any:
    """A lead's follow-ups, newest first."""
    lead = get_visible_or_404(Lead.objects.all(), request.user, pk=lead_id)
    return list(FollowUp.objects.visible_to(request.user).filter(lead=lead))


@leads.post("/{lead_id}/follow-ups", response={201: FollowUpOut, **ERRORS})
def create_follow_up(request: HttpRequest, lead_id: int, payload: FollowUpIn) -> Any:
    """Log a follow-up on a lead (its date not in the future)."""
    lead = get_visible_or_404(Lead.objects.editable_by(request.user), request.user, pk=lead_id)
    return Status(201, inv_services.follow_up_create(actor=request.user, lead=lead, **payload.dict()))


@projects.get("/", response=list[ProjectOut])
@paginate(LimitOffsetPagination)
def list_projects(request: HttpRequest, stage: str = "", park: int | None = None) -> Any:
    """Projects the caller may see."""
    qs = Project.objects.visible_to(request.user)
    if stage:
        qs = qs.filter(stage=stage)
    if park is not None:
        qs = qs.filter(park_id=park)
    return qs.order_by("-total_investment_wan", "pk")


@projects.get("/{project_id}", response={200: ProjectOut, **ERRORS})
def get_project(request: HttpRequest, project_id: int) -> Any:
    """One project."""
    return get_visible_or_404(Project.objects.all(), request.user, pk=project_id)


@projects.post("/", response={201: ProjectOut, **ERRORS})
def create_project(request: HttpRequest, payload: ProjectIn) -> Any:
    """Register a key project (district staff; a park operator in its own park)."""
    require_role(request.user, [Role.REGION_STAFF, Role.PARK_OPERATOR])
    data = payload.dict()
    data["park"] = _ref(Park, data["park"], "park", Park.objects.editable_by(request.user))
    data["region"] = _ref(Region, data["region"], "region")
    data["industry"] = _ref(IndustryCode, data["industry"], "industry")
    data["investor_enterprise"] = _ref(Enterprise, data["investor_enterprise"], "investor_enterprise",
                                       Enterprise.objects.visible_to(request.user))
    data["investor_lead"] = _ref(Lead, data["investor_lead"], "investor_lead", Lead.objects.visible_to(request.user))
    return Status(201, inv_services.project_create(actor=request.user, **data))


@projects.post("/{project_id}/stage", response={201: StageChangeOut, **ERRORS})
def submit_stage(request: HttpRequest, project_id: int, payload: StageChangeIn) -> Any:
    """Report a stage: staff's applies now, a park operator's awaits approval."""
    project = get_visible_or_404(Project.objects.editable_by(request.user), request.user, pk=project_id)
    return Status(201, inv_services.stage_change_submit(actor=request.user, project=project, **payload.dict()))


@projects.post("/stage-changes/{change_id}/approve", response={200: StageChangeOut, **ERRORS})
def approve_stage(request: HttpRequest, change_id: int) -> Any:
    """Approve a pending stage change (district staff, never their own)."""
    change = get_visible_or_404(StageChange.objects.all(), request.user, pk=change_id)
    return inv_services.stage_change_approve(actor=request.user, change=change)


@cases.get("/", response=list[CaseOut])
@paginate(LimitOffsetPagination)
def list_cases(request: HttpRequest, status: str = "") -> Any:
    """Cases the caller may see."""
    qs = Case.objects.visible_to(request.user)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-pk")


@cases.get("/{case_id}", response={200: CaseOut, **ERRORS})
def get_case(request: HttpRequest, case_id: int) -> Any:
    """One case."""
    return get_visible_or_404(Case.objects.all(), request.user, pk=case_id)


@cases.post("/", response={201: CaseOut, **ERRORS})
def create_case(request: HttpRequest, payload: CaseIn) -> Any:
    """Open a case about an enterprise, a lead or a project (district staff)."""
    require_role(request.user, [Role.REGION_STAFF])
    data = payload.dict()
    data["enterprise"] = _ref(Enterprise, data["enterprise"], "enterprise",
                              Enterprise.objects.visible_to(request.user))
    data["lead"] = _ref(Lead, data["lead"], "lead", Lead.objects.visible_to(request.user))
    data["project"] = _ref(Project, data["project"], "project", Project.objects.visible_to(request.user))
    if not (data["enterprise"] or data["lead"] or data["project"]):
        raise ValidationError({"__all__": [_("Choose the enterprise, lead or project the case is about.")]})
    return Status(201, inv_services.case_create(actor=request.user, **data))


api.add_router("/parks", parks)
api.add_router("/enterprises", enterprises)
api.add_router("/settlements", settlements)
api.add_router("/leads", leads)
api.add_router("/projects", projects)
api.add_router("/cases", cases)
api.add_router("/stats", stats_router)
