"""The investment-promotion endpoints of the REST API (/api/leads/, /api/projects/, /api/cases/), mounted from
:class:`yuanqu.investment.apps.InvestmentConfig`."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from yuanqu.api.api import ERRORS, Pagination, resolve_ref
from yuanqu.api.schemas import Count, Id, In
from yuanqu.core.models import IndustryCode, Region
from yuanqu.core.roles import Role
from yuanqu.core.scoping import get_visible_or_404
from yuanqu.core.services import require_role
from yuanqu.core.types import AuthedRequest
from yuanqu.core.validators import TEXT_MAX_LENGTH
from yuanqu.enterprises.models import Enterprise
from yuanqu.parks.models import Park

from . import services as inv_services
from .models import Case, FollowUp, Lead, Project, StageChange


class LeadContactIn(In):
    """A contact person given with a new lead."""

    name: str = Field(max_length=60)
    title: str = ""
    phone: str = ""
    email: str = ""


class LeadIn(In):
    """Fields to record a lead (招商线索)."""

    name: str = Field(max_length=150)
    uscc: str = ""
    industry: str | None = Field(None, description="GB/T 4754-2017 class code")
    region: str | None = Field(None, description="6-digit code; defaults to the target park's")
    target_park: Id | None = None
    source: str = "other"
    intended_investment_wan: Decimal | None = Field(None, description="万元")
    expected_jobs: Count | None = None
    note: str = Field("", max_length=TEXT_MAX_LENGTH)
    contacts: list[LeadContactIn] = Field(default_factory=list, max_length=50)
    claim: bool = Field(True, description="own the lead (false: put it in the shared pool)")
    allow_duplicate: bool = False


class LeadStatusIn(In):
    """A status change; ``reason`` is required for lost."""

    status: str
    reason: str = Field("", max_length=TEXT_MAX_LENGTH)


class LeadOut(Schema):
    """A lead as the API returns it (contacts masked unless the caller may see them)."""

    id: int
    name: str
    uscc: str
    industry: str | None = Field(alias="industry_id")
    region: str = Field(alias="region_id")
    target_park: int | None = Field(alias="target_park_id")
    source: str
    status: str
    lost_reason: str
    intended_investment_wan: Decimal | None
    expected_jobs: int | None
    owner: int | None = Field(alias="owner_id")
    last_follow_up_on: dt.date | None
    next_step_on: dt.date | None
    enterprise: int | None = Field(alias="enterprise_id")
    settlement: int | None = Field(alias="settlement_id")


class FollowUpIn(In):
    """A follow-up on a lead."""

    kind: str
    on: dt.date
    participants: str = ""
    leader: str = Field("", max_length=100, description="对接领导：kind 为 leader_docking 时必填")
    summary: str = Field(max_length=TEXT_MAX_LENGTH)
    next_step: str = ""
    next_step_on: dt.date | None = None


class FollowUpOut(Schema):
    """A follow-up as the API returns it."""

    id: int
    lead: int = Field(alias="lead_id")
    kind: str
    on: dt.date
    participants: str
    leader: str
    summary: str
    next_step: str
    next_step_on: dt.date | None


class ProjectIn(In):
    """Fields to register a key project."""

    name: str = Field(max_length=150)
    level: str = "district"
    park: Id | None = None
    region: str | None = None
    industry: str | None = None
    investor_enterprise: Id | None = None
    investor_lead: Id | None = None
    total_investment_wan: Decimal = Field(description="万元")
    fixed_asset_investment_wan: Decimal | None = Field(None, description="万元")
    note: str = Field("", max_length=TEXT_MAX_LENGTH)


class ProjectOut(Schema):
    """A project as the API returns it."""

    id: int
    name: str
    level: str
    park: int | None = Field(alias="park_id")
    region: str = Field(alias="region_id")
    stage: str
    terminated_reason: str
    total_investment_wan: Decimal
    fixed_asset_investment_wan: Decimal | None


class StageChangeIn(In):
    """A stage change (evidence files are uploaded through the web page)."""

    to_stage: str
    on: dt.date
    reason: str = Field("", max_length=TEXT_MAX_LENGTH)


class StageChangeOut(Schema):
    """A stage change and where it stands."""

    id: int
    project: int = Field(alias="project_id")
    to_stage: str
    on: dt.date
    status: str
    reason: str
    return_reason: str


class CaseIn(In):
    """Fields to open a case (一事一议 / 一企一议)."""

    title: str = Field(max_length=150)
    kind: str
    request: str = Field(max_length=TEXT_MAX_LENGTH)
    enterprise: Id | None = None
    lead: Id | None = None
    project: Id | None = None


class CaseOut(Schema):
    """A case as the API returns it."""

    id: int
    title: str
    kind: str
    request: str
    status: str
    enterprise: int | None = Field(alias="enterprise_id")
    lead: int | None = Field(alias="lead_id")
    project: int | None = Field(alias="project_id")
    park: int | None = Field(alias="park_id")


leads = Router(tags=["leads"])
projects = Router(tags=["projects"])
cases = Router(tags=["cases"])


class LeadFilter(In):
    """Query parameters of the lead list."""

    q: str = Field("", max_length=200)
    status: str = ""
    park: Id | None = None
    pool: bool = False


@leads.get("/", response=list[LeadOut])
@paginate(Pagination)
def list_leads(request: AuthedRequest, filters: Query[LeadFilter]) -> Any:
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
def get_lead(request: AuthedRequest, lead_id: Id) -> Any:
    """One lead."""
    return get_visible_or_404(Lead.objects.all(), request.user, pk=lead_id)


@leads.post("/", response={201: LeadOut, **ERRORS})
def create_lead(request: AuthedRequest, payload: LeadIn) -> Any:
    """Record a lead; a likely duplicate is refused (422, code ``duplicate``) unless ``allow_duplicate``."""
    require_role(request.user, [Role.REGION_STAFF, Role.PARK_OPERATOR])
    data = payload.dict()
    contacts = data.pop("contacts")
    data["industry"] = resolve_ref(IndustryCode, data["industry"], "industry")
    data["region"] = resolve_ref(Region, data["region"], "region")
    data["target_park"] = resolve_ref(Park, data["target_park"], "target_park", Park.objects.visible_to(request.user))
    lead = inv_services.lead_create(actor=request.user, contacts=contacts, **data)
    return Status(201, lead)


@leads.post("/{lead_id}/claim", response={200: LeadOut, **ERRORS})
def claim_lead(request: AuthedRequest, lead_id: Id) -> Any:
    """Take a lead from the pool; 422 if someone else claimed it first."""
    lead = get_visible_or_404(Lead.objects.editable_by(request.user), request.user, pk=lead_id)
    return inv_services.lead_claim(actor=request.user, lead=lead)


@leads.post("/{lead_id}/release", response={200: LeadOut, **ERRORS})
def release_lead(request: AuthedRequest, lead_id: Id) -> Any:
    """Put a lead back into the pool."""
    lead = get_visible_or_404(Lead.objects.editable_by(request.user), request.user, pk=lead_id)
    return inv_services.lead_release(actor=request.user, lead=lead)


@leads.post("/{lead_id}/status", response={200: LeadOut, **ERRORS})
def set_lead_status(request: AuthedRequest, lead_id: Id, payload: LeadStatusIn) -> Any:
    """Change a lead's status (lost needs a reason)."""
    lead = get_visible_or_404(Lead.objects.editable_by(request.user), request.user, pk=lead_id)
    return inv_services.lead_set_status(actor=request.user, lead=lead, status=payload.status, reason=payload.reason)


@leads.get("/{lead_id}/follow-ups", response={200: list[FollowUpOut], **ERRORS})
def list_follow_ups(request: AuthedRequest, lead_id: Id) -> Any:
    """A lead's follow-ups, newest first."""
    lead = get_visible_or_404(Lead.objects.all(), request.user, pk=lead_id)
    return list(FollowUp.objects.visible_to(request.user).filter(lead=lead))


@leads.post("/{lead_id}/follow-ups", response={201: FollowUpOut, **ERRORS})
def create_follow_up(request: AuthedRequest, lead_id: Id, payload: FollowUpIn) -> Any:
    """Log a follow-up on a lead (its date not in the future)."""
    lead = get_visible_or_404(Lead.objects.editable_by(request.user), request.user, pk=lead_id)
    return Status(201, inv_services.follow_up_create(actor=request.user, lead=lead, **payload.dict()))


@projects.get("/", response=list[ProjectOut])
@paginate(Pagination)
def list_projects(request: AuthedRequest, stage: str = "", park: Id | None = None) -> Any:
    """Projects the caller may see."""
    qs = Project.objects.visible_to(request.user)
    if stage:
        qs = qs.filter(stage=stage)
    if park is not None:
        qs = qs.filter(park_id=park)
    return qs.order_by("-total_investment_wan", "pk")


@projects.get("/{project_id}", response={200: ProjectOut, **ERRORS})
def get_project(request: AuthedRequest, project_id: Id) -> Any:
    """One project."""
    return get_visible_or_404(Project.objects.all(), request.user, pk=project_id)


@projects.post("/", response={201: ProjectOut, **ERRORS})
def create_project(request: AuthedRequest, payload: ProjectIn) -> Any:
    """Register a key project (district staff; a park operator in its own park)."""
    require_role(request.user, [Role.REGION_STAFF, Role.PARK_OPERATOR])
    data = payload.dict()
    data["park"] = resolve_ref(Park, data["park"], "park", Park.objects.editable_by(request.user))
    data["region"] = resolve_ref(Region, data["region"], "region")
    data["industry"] = resolve_ref(IndustryCode, data["industry"], "industry")
    data["investor_enterprise"] = resolve_ref(Enterprise, data["investor_enterprise"], "investor_enterprise",
                                              Enterprise.objects.visible_to(request.user))
    data["investor_lead"] = resolve_ref(Lead, data["investor_lead"], "investor_lead",
                                        Lead.objects.visible_to(request.user))
    return Status(201, inv_services.project_create(actor=request.user, **data))


@projects.post("/{project_id}/stage", response={201: StageChangeOut, **ERRORS})
def submit_stage(request: AuthedRequest, project_id: Id, payload: StageChangeIn) -> Any:
    """Report a stage: staff's applies now, a park operator's awaits approval."""
    project = get_visible_or_404(Project.objects.editable_by(request.user), request.user, pk=project_id)
    return Status(201, inv_services.stage_change_submit(actor=request.user, project=project, **payload.dict()))


@projects.post("/stage-changes/{change_id}/approve", response={200: StageChangeOut, **ERRORS})
def approve_stage(request: AuthedRequest, change_id: Id) -> Any:
    """Approve a pending stage change (district staff, never their own)."""
    change = get_visible_or_404(StageChange.objects.all(), request.user, pk=change_id)
    return inv_services.stage_change_approve(actor=request.user, change=change)


@cases.get("/", response=list[CaseOut])
@paginate(Pagination)
def list_cases(request: AuthedRequest, status: str = "") -> Any:
    """Cases the caller may see."""
    qs = Case.objects.visible_to(request.user)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-pk")


@cases.get("/{case_id}", response={200: CaseOut, **ERRORS})
def get_case(request: AuthedRequest, case_id: Id) -> Any:
    """One case."""
    return get_visible_or_404(Case.objects.all(), request.user, pk=case_id)


@cases.post("/", response={201: CaseOut, **ERRORS})
def create_case(request: AuthedRequest, payload: CaseIn) -> Any:
    """Open a case about an enterprise, a lead or a project (district staff)."""
    require_role(request.user, [Role.REGION_STAFF])
    data = payload.dict()
    data["enterprise"] = resolve_ref(Enterprise, data["enterprise"], "enterprise",
                                     Enterprise.objects.visible_to(request.user))
    data["lead"] = resolve_ref(Lead, data["lead"], "lead", Lead.objects.visible_to(request.user))
    data["project"] = resolve_ref(Project, data["project"], "project", Project.objects.visible_to(request.user))
    if not (data["enterprise"] or data["lead"] or data["project"]):
        raise ValidationError({"__all__": [_("Choose the enterprise, lead or project the case is about.")]})
    return Status(201, inv_services.case_create(actor=request.user, **data))
