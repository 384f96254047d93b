"""The 产业链 endpoints of the REST API, mounted from :class:`yuanqu.chains.apps.ChainsConfig`: the chains a caller
may see, and a chain's four-chain rows (industry, innovation, talent, ecosystem per node, with its gaps) read through
:func:`yuanqu.chains.selectors.four_chains`, the function the page and the briefing read. Same scope as the pages:
an object outside the caller's scope is a 404."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from yuanqu.api.api import ERRORS, Pagination
from yuanqu.api.schemas import Id
from yuanqu.core.scoping import get_visible_or_404
from yuanqu.core.types import AuthedRequest

from . import selectors
from .models import Chain

chains = Router(tags=["chains"])


class ChainOut(Schema):
    """A chain of a region."""

    id: int
    name: str
    description: str
    region: str = Field(alias="region_id")


class FourQuery(Schema):
    year: int | None = Field(None, ge=1980, le=2100, description="the last full year when left out")


class IndustryOut(Schema):
    enterprises: int
    above_scale: int
    output_wan: Decimal | None
    tax_wan: Decimal | None
    status: str = Field(description="missing (缺失), weak (薄弱) or sound")
    gap: bool


class InnovationOut(Schema):
    platforms: int
    rd_wan: Decimal | None
    rd_intensity_pct: Decimal | None
    contracts: int
    contract_tech_wan: Decimal
    patents: int
    gap: bool


class TalentOut(Schema):
    doctors: int
    masters: int
    senior_titles: int
    introduced: int
    awards: int
    gap: bool


class EcosystemOut(Schema):
    providers: int
    funds: int
    financings: int
    financing_wan: Decimal
    gap: bool


class FourRowOut(Schema):
    """One node of the four-chain view; amounts in 万元."""

    node: int
    name: str
    parent: int | None
    depth: int
    importance: str
    year: int
    industry: IndustryOut
    innovation: InnovationOut
    talent: TalentOut
    ecosystem: EcosystemOut


@chains.get("/", response=list[ChainOut])
@paginate(Pagination)
def list_chains(request: AuthedRequest) -> Any:
    """The chains the caller may see (district roles and the region's park operators)."""
    return Chain.objects.visible_to(request.user).order_by("name", "pk")


@chains.get("/{chain_id}/four", response={200: list[FourRowOut], **ERRORS})
def get_chain_four(request: AuthedRequest, chain_id: Id, params: Query[FourQuery]) -> Any:
    """The four-chain rows of a chain, one per node in tree order, as the caller may see them."""
    chain = get_visible_or_404(Chain.objects.all(), request.user, pk=chain_id)
    return [r.as_dict() for r in selectors.four_chains(chain, request.user, params.year)]
