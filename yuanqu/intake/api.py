"""The intake's endpoints (/api/intake/): extract facts from a text, keep documents, review proposals."""

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from yuanqu.api.api import ERRORS, Pagination
from yuanqu.api.schemas import Id, In
from yuanqu.core.roles import EDIT_PARK, Role
from yuanqu.core.scoping import get_visible_or_404
from yuanqu.core.services import require_role
from yuanqu.core.types import AuthedRequest

from . import extract as ex
from . import selectors, services
from .models import TEXT_LIMIT, Fact, Proposal, SourceDocument

READERS = [Role.REGION_STAFF, Role.LEADER, Role.PARK_OPERATOR]


class ExtractIn(In):
    """A text to read; nothing is stored."""

    text: str = Field(max_length=TEXT_LIMIT)
    published_on: dt.date | None = Field(None, description="the date periods such as 今年 are read against")


class FactOut(Schema):
    """One fact, in the shape ``yuanqu extract-facts`` prints."""

    entity: str
    metric: str
    value: float | list[float]
    unit: str
    period: str
    quote: str
    qualifier: str


class DocumentIn(In):
    """A source document to keep, with its text."""

    title: str = Field("", max_length=200)
    publisher: str = Field("", max_length=100)
    published_on: dt.date | None = None
    address: str = Field("", max_length=500)
    text: str = Field(max_length=TEXT_LIMIT)


class DocumentOut(Schema):
    """A source document (without its text)."""

    id: int
    title: str
    publisher: str
    published_on: dt.date | None
    address: str
    kind: str
    is_demo: bool
    created_at: dt.datetime


class StoredFactOut(Schema):
    """A stored fact with its place in the text and its proposal, if any."""

    id: int
    position: int
    entity: str
    metric: str
    value: Decimal
    value_high: Decimal | None
    unit: str
    period: str
    period_inferred: bool
    qualifier: str
    quote: str
    start: int
    end: int
    proposal: int | None = None

    @staticmethod
    def resolve_proposal(obj: Fact) -> int | None:
        return getattr(getattr(obj, "proposal", None), "pk", None)


class ProposalOut(Schema):
    """A proposal: its target, the value the text gives and the one yuanqu holds, and its outcome."""

    id: int
    fact: int = Field(alias="fact_id")
    document: int = Field(alias="fact.document_id")
    park: int | None = Field(alias="park_id")
    project: int | None = Field(alias="project_id")
    field: str
    value: Decimal | None
    held: Decimal | None
    agrees: bool | None = Field(description="whether the text and yuanqu agree, to the precision the text states")
    as_of: dt.date | None
    status: str
    quote: str = Field(alias="fact.quote")


class ReviewIn(In):
    """A decision on a proposal; ``expected`` confirms a target that changed since extraction."""

    decision: str = Field(description="accept, edit or reject")
    value: Decimal | None = Field(None, ge=0, max_digits=18, decimal_places=2)
    expected: Decimal | None = Field(None, max_digits=18, decimal_places=2)
    note: str = Field("", max_length=300)


router = Router(tags=["intake"])


@router.post("/extract", response={200: list[FactOut], **ERRORS})
def extract_facts(request: AuthedRequest, payload: ExtractIn) -> Any:
    """The facts of a text, matched against the names the caller may see; nothing is stored."""
    require_role(request.user, READERS)
    text = services.check_text(payload.text)
    names = services.registry_names(services.registry_targets(request.user))
    return [f.as_json() for f in ex.extract(text, names=names, published=payload.published_on)]


@router.get("/documents", response=list[DocumentOut])
@paginate(Pagination)
def list_documents(request: AuthedRequest) -> Any:
    """The source documents the caller may see, newest first."""
    return SourceDocument.objects.visible_to(request.user).order_by("-created_at", "-pk")


@router.post("/documents", response={201: DocumentOut, **ERRORS})
def create_document(request: AuthedRequest, payload: DocumentIn) -> Any:
    """Keep a text with its facts and proposals (nothing in the registry changes)."""
    require_role(request.user, EDIT_PARK)
    document = services.document_create(actor=request.user, **payload.dict())
    return Status(201, document)


@router.get("/documents/{document_id}", response={200: DocumentOut, **ERRORS})
def get_document(request: AuthedRequest, document_id: Id) -> Any:
    """One source document."""
    return get_visible_or_404(SourceDocument.objects.all(), request.user, pk=document_id)


@router.get("/documents/{document_id}/facts", response={200: list[StoredFactOut], **ERRORS})
def document_facts(request: AuthedRequest, document_id: Id) -> Any:
    """The document's facts the caller may see."""
    document = get_visible_or_404(SourceDocument.objects.all(), request.user, pk=document_id)
    return list(selectors.facts_of(request.user, document))


class ProposalQuery(Schema):
    status: Literal["proposed", "accepted", "edited", "rejected", "applied"] | None = None
    discrepancies: bool = False


@router.get("/proposals", response=list[ProposalOut])
@paginate(Pagination)
def list_proposals(request: AuthedRequest, filters: Query[ProposalQuery]) -> Any:
    """Proposals the caller may see; ``discrepancies=true``: undecided ones where text and yuanqu differ. A status
    that is none of the proposal's statuses is refused (422), never passed to the database."""
    user = request.user
    qs = selectors.discrepancies_for(user) if filters.discrepancies else selectors.proposals_for(user)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return qs.order_by("pk")


@router.get("/proposals/{proposal_id}", response={200: ProposalOut, **ERRORS})
def get_proposal(request: AuthedRequest, proposal_id: Id) -> Any:
    """One proposal."""
    return get_visible_or_404(Proposal.objects.select_related("fact"), request.user, pk=proposal_id)


@router.post("/proposals/{proposal_id}/review", response={200: ProposalOut, **ERRORS})
def review_proposal(request: AuthedRequest, proposal_id: Id, payload: ReviewIn) -> Any:
    """Accept, edit or reject; a target changed since extraction is refused (422) with its current value in
    ``errors.expected`` until the call repeats with that value as ``expected``."""
    require_role(request.user, EDIT_PARK)
    proposal = get_visible_or_404(Proposal.objects.editable_by(request.user), request.user, pk=proposal_id)
    try:
        return services.proposal_review(actor=request.user, proposal=proposal, decision=payload.decision,
                                        value=payload.value, expected=payload.expected, note=payload.note)
    except services.StaleProposal as stale:
        raise ValidationError({"expected": [ValidationError(
            _("The record changed since the text was read; it now holds %(value)s. Send that value as expected "
              "to apply all the same.") % {"value": stale.current}, code="stale")]}) from None
