"""The 惠企政策 and 履约 endpoints of the REST API (/api/policies/…), mounted from PoliciesConfig."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

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

from . import compliance, services
from .models import Agreement, Application, Clause

router = Router(tags=["policies"])


class ClauseOut(Schema):
    """A clause with its 申兑指南 and its rule (JsonLogic)."""

    id: int
    policy_id: int
    policy_title: str = Field(alias="policy.title")
    number: str
    title: str
    benefit: str
    status: str
    version: int
    stats_year: int
    rule: dict[str, Any]
    amount_rule: dict[str, Any]
    cap_yuan: Decimal | None
    beneficiaries: str
    conditions_text: str
    payout_days: int
    office: str
    phone: str
    no_application: bool


class TraceOut(Schema):
    position: str
    condition: str
    facts: list[dict[str, Any]]
    passed: bool | None
    result: str


class EvaluationOut(Schema):
    """Eligible / not eligible / unknown (data missing), and the trace of every condition."""

    outcome: str
    label: str
    trace: list[TraceOut]


class ApplicationOut(Schema):
    id: int
    clause_id: int
    version: int = Field(alias="version.number")
    enterprise_id: int
    origin: str
    status: str
    outcome: str
    budget_year: int
    computed_yuan: Decimal | None
    amount_yuan: Decimal | None
    submitted_at: dt.datetime
    review_due: dt.date | None
    payment_due: dt.date | None


class ApplyIn(In):
    """Apply for a clause: for which enterprise (an enterprise user: its own), with a note on the evidence."""

    enterprise: Id | None = None
    evidence_note: str = Field("", max_length=TEXT_MAX_LENGTH)


class CheckOut(Schema):
    year: int
    indicator: str
    target: Decimal
    unit: str
    actual: Decimal | None
    pct: Decimal | None
    status: str
    label: str
    source: str


class AgreementOut(Schema):
    id: int
    title: str
    enterprise_id: int
    project_id: int | None
    case_id: int | None
    park_id: int | None
    land_area_mu: Decimal | None
    signed_on: dt.date
    full_production_on: dt.date | None
    stage: str


class AgreementDetailOut(AgreementOut):
    status: str
    status_label: str
    exposure_yuan: Decimal
    commitments: list[CheckOut]


@router.get("/clauses/", response=list[ClauseOut])
@paginate(Pagination)
def list_policy_clauses(request: AuthedRequest, status: str = "") -> Any:
    """Clauses of the policies the caller may see."""
    qs = Clause.objects.visible_to(request.user).select_related("policy")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("policy_id", "number", "pk")


@router.get("/clauses/{clause_id}/evaluate", response={200: EvaluationOut, **ERRORS})
def evaluate_policy_clause(request: AuthedRequest, clause_id: Id, enterprise: Id | None = None) -> Any:
    """The clause's rule evaluated for an enterprise the caller may see (an enterprise user: its own)."""
    clause = get_visible_or_404(Clause.objects.all(), request.user, pk=clause_id)
    ent_id = enterprise if enterprise is not None else request.user.enterprise_id
    ent = get_visible_or_404(Enterprise.objects.all(), request.user, pk=ent_id)
    return services.evaluate_for(clause, [ent])[ent.pk].as_dict()


@router.post("/clauses/{clause_id}/apply", response={201: ApplicationOut, **ERRORS})
def apply_policy_clause(request: AuthedRequest, clause_id: Id, payload: ApplyIn) -> Any:
    """Apply for a published clause (the enterprise itself, or district staff on its behalf)."""
    require_role(request.user, (Role.ENTERPRISE_USER, Role.REGION_STAFF))
    clause = get_visible_or_404(Clause.objects.all(), request.user, pk=clause_id)
    ent_id = payload.enterprise if payload.enterprise is not None else request.user.enterprise_id
    ent = resolve_ref(Enterprise, ent_id, "enterprise", Enterprise.objects.visible_to(request.user))
    if ent is None:
        from django.core.exceptions import ValidationError

        raise ValidationError({"enterprise": ["请选择申报企业。"]})
    app = services.application_submit(actor=request.user, clause=clause, enterprise=ent,
                                      evidence_note=payload.evidence_note)
    return Status(201, Application.objects.select_related("version").get(pk=app.pk))


@router.get("/applications/", response=list[ApplicationOut])
@paginate(Pagination)
def list_policy_applications(request: AuthedRequest, status: str = "") -> Any:
    """Applications the caller may see."""
    qs = Application.objects.visible_to(request.user).select_related("version")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-submitted_at", "-pk")


@router.get("/applications/{application_id}", response={200: ApplicationOut, **ERRORS})
def get_policy_application(request: AuthedRequest, application_id: Id) -> Any:
    """One application."""
    return get_visible_or_404(Application.objects.select_related("version"), request.user, pk=application_id)


@router.get("/agreements/", response=list[AgreementOut])
@paginate(Pagination)
def list_agreements(request: AuthedRequest) -> Any:
    """Investment agreements the caller may see."""
    return Agreement.objects.visible_to(request.user).order_by("-signed_on", "-pk")


@router.get("/agreements/{agreement_id}", response={200: AgreementDetailOut, **ERRORS})
def get_agreement(request: AuthedRequest, agreement_id: Id) -> Any:
    """One agreement with each commitment's actual and status, the overall status and the money at stake."""
    agreement = get_visible_or_404(Agreement.objects.all(), request.user, pk=agreement_id)
    result = compliance.check_agreement(agreement)
    return {
        **{f: getattr(agreement, f) for f in ("id", "title", "enterprise_id", "project_id", "case_id", "park_id",
                                              "land_area_mu", "signed_on", "full_production_on", "stage")},
        "status": result.status, "status_label": result.label, "exposure_yuan": result.exposure_total,
        "commitments": [{"year": ch.commitment.year, "indicator": ch.commitment.indicator,
                         "target": ch.commitment.target, "unit": ch.commitment.unit, "actual": ch.actual,
                         "pct": ch.pct, "status": ch.status, "label": ch.label, "source": ch.source}
                        for ch in result.checks],
    }
