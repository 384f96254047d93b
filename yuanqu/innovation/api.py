"""The 科技服务 endpoints of the REST API, mounted from :class:`yuanqu.innovation.apps.InnovationConfig`:
incubators (with the recognition checklist of a year), incubatees (apply, move on, graduate), technology
contracts, needs and achievements (post, publish, withdraw), matches (with follow-ups), international partners
and cooperation projects. Same services and scope as the pages: reads through ``visible_to``, writes through
``services``; an object outside the caller's scope is a 404."""

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from yuanqu.api.api import ERRORS, Pagination, resolve_ref
from yuanqu.api.schemas import Id, In, Year
from yuanqu.core.registry import providers
from yuanqu.core.roles import EDIT_ENTERPRISE, EDIT_PARK
from yuanqu.core.scoping import get_visible_or_404
from yuanqu.core.services import require_role
from yuanqu.core.types import AuthedRequest
from yuanqu.core.validators import TEXT_MAX_LENGTH
from yuanqu.enterprises.models import Enterprise
from yuanqu.parks.models import Park

from . import services
from .models import (
    Achievement,
    CoopActivity,
    CoopAgreement,
    CoopProject,
    Incubatee,
    Incubator,
    Match,
    MatchFollowUp,
    Mentor,
    Partner,
    TechContract,
    TechNeed,
)


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


class IncubatorOut(Schema):
    """An incubator's profile; areas in m², the fund in 万元."""

    id: int
    name: str
    park: int = Field(alias="park_id")
    region: str = Field(alias="park.region_id")
    programme: str
    level: str
    kind: str
    industry: str
    area_m2: Decimal
    public_area_m2: Decimal
    fund_wan: Decimal
    staff: int
    recognised_on: dt.date | None


class CriterionOut(Schema):
    """One criterion of 第八条: what it asks, what the incubator has, whether it is met, the gap, the article."""

    code: str
    label: str
    required: str
    actual: str
    met: bool
    gap: str
    basis: str


class ChecklistOut(Schema):
    """The incubator against the recognition criteria at the end of ``year`` (``as_of``: today for this year)."""

    year: int
    as_of: dt.date
    variant: str = Field(description="empty, or “specialised” for the 专业 thresholds")
    met: int
    total: int
    incubatees: int = Field(description="在孵 at ``as_of``")
    rows: list[CriterionOut]


class IncubatorDetailOut(IncubatorOut):
    """An incubator with its current counts and the recognition checklist of a year, as its page shows them."""

    mentors: int
    in_incubation: int = Field(description="incubatees now in incubation (在孵 or in annual review)")
    incubatees_by_status: dict[str, int]
    checklist: ChecklistOut


class IncubateeOut(Schema):
    """An incubatee as the API returns it; ``warnings`` are the admission rules it breached, accepted with
    ``warnings_reason``."""

    id: int
    incubator: int = Field(alias="incubator_id")
    enterprise: int = Field(alias="enterprise_id")
    status: str
    track: str
    applied_on: dt.date
    entered_on: dt.date | None
    ended_on: dt.date | None
    end_reason: str
    criterion: str
    area_m2: Decimal
    warnings: list[str]
    warnings_reason: str


class IncubateeIn(In):
    """An enterprise's application to an incubator (recorded by its operator or district staff)."""

    incubator: Id
    enterprise: Id
    applied_on: dt.date
    track: str = "general"
    area_m2: Decimal = Field(Decimal(0), ge=0, max_digits=14, decimal_places=2,
                            description="incubation area used, m²")


class IncubateeAdvanceIn(In):
    """A move of an incubatee: entering 在孵 checks the admission rules as of ``on`` (a breach needs
    ``accept_reason``); leaving (overdue, moved_out, cancelled, accelerator) needs ``reason``."""

    status: str
    on: dt.date
    reason: str = Field("", max_length=300)
    accept_reason: str = Field("", max_length=500)


class GraduateIn(In):
    """A graduation by a criterion met (empty: the first met); ``acquired`` records an acquisition."""

    on: dt.date
    criterion: str = ""
    acquired: bool = False
    note: str = Field("", max_length=300)


class NeedOut(Schema):
    """A technology need as the API returns it."""

    id: int
    enterprise: int = Field(alias="enterprise_id")
    park: int | None = Field(alias="park_id")
    region: str = Field(alias="region_id")
    title: str
    field: str
    description: str
    status: str
    budget_wan: Decimal | None
    deadline: dt.date | None


class NeedIn(In):
    """A technology need to post (a draft unless ``publish``); ``enterprise`` defaults to the caller's own."""

    enterprise: Id | None = None
    title: str = Field(max_length=200)
    field: str
    description: str = Field("", max_length=TEXT_MAX_LENGTH)
    budget_wan: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2, description="万元")
    deadline: dt.date | None = None
    park: Id | None = None
    publish: bool = False


class AchievementOut(Schema):
    """A technology achievement on offer."""

    id: int
    owner_kind: str
    enterprise: int | None = Field(alias="enterprise_id")
    owner_name: str
    park: int | None = Field(alias="park_id")
    region: str = Field(alias="region_id")
    title: str
    field: str
    maturity: str
    ip_type: str
    terms: str
    description: str
    status: str


class AchievementIn(In):
    """An achievement to offer (a draft unless ``publish``); an enterprise user offers its own enterprise's."""

    owner_kind: str
    enterprise: Id | None = None
    owner_name: str = Field("", max_length=150)
    title: str = Field(max_length=200)
    field: str
    maturity: str = "lab"
    ip_type: str = "none"
    terms: str = Field("", max_length=300)
    description: str = Field("", max_length=TEXT_MAX_LENGTH)
    park: Id | None = None
    publish: bool = False


class ListingStatusIn(In):
    """Publish (``published``) or withdraw (``withdrawn``) a listing."""

    status: str


class MatchOut(Schema):
    """A need matched with an achievement: intent → negotiating → signed → registered."""

    id: int
    need: int = Field(alias="need_id")
    achievement: int = Field(alias="achievement_id")
    status: str
    note: str


class MatchFollowUpOut(Schema):
    id: int
    on: dt.date
    summary: str
    author: int = Field(alias="author_id")


class MatchDetailOut(MatchOut):
    """A match with its follow-ups (newest first) and the registered contracts the caller may see."""

    follow_ups: list[MatchFollowUpOut]
    contracts: list[int]


class MatchIn(In):
    """Match a published need with a published achievement (意向)."""

    need: Id
    achievement: Id
    note: str = Field("", max_length=TEXT_MAX_LENGTH)


class MatchAdvanceIn(In):
    """Move a match forward: ``negotiating`` or ``signed`` (it is registered with its contract)."""

    status: str


class MatchFollowUpIn(In):
    on: dt.date
    summary: str = Field(max_length=2000)


class PartnerOut(Schema):
    """A foreign partner organisation of the district or a park."""

    id: int
    name: str
    country: str
    kind: str
    park: int | None = Field(alias="park_id")
    region: str = Field(alias="region_id")
    contact_name: str
    contact_email: str


class CoopAgreementOut(Schema):
    id: int
    title: str
    signed_on: dt.date
    ends_on: dt.date | None
    scope_text: str


class CoopActivityOut(Schema):
    id: int
    kind: str
    title: str
    starts_on: dt.date
    ends_on: dt.date | None
    participants: str


class CoopProjectOut(Schema):
    """A cooperation project; ``enterprises``: the linked enterprises the caller may see."""

    id: int
    partner: int = Field(alias="partner_id")
    title: str
    starts_on: dt.date
    description: str
    enterprises: list[int]

    @staticmethod
    def resolve_enterprises(obj: Any) -> list[int]:
        return [e.pk for e in obj.visible_enterprises]  # prefetched by coop_projects_seen


def coop_projects_seen(user: Any) -> Any:
    """Cooperation projects ``user`` may see, each with the linked enterprises ``user`` may see
    (``visible_enterprises``): another district's enterprise in a joint project is not named."""
    return CoopProject.objects.visible_to(user).prefetch_related(Prefetch(
        "enterprises", queryset=Enterprise.objects.visible_to(user).order_by("pk"), to_attr="visible_enterprises"))


class PartnerDetailOut(PartnerOut):
    """A partner with its agreements, activities and projects (each read through its own scope)."""

    agreements: list[CoopAgreementOut]
    activities: list[CoopActivityOut]
    projects: list[CoopProjectOut]

    @staticmethod
    def resolve_agreements(obj: Partner, context: dict[str, Any]) -> list[CoopAgreement]:
        return list(CoopAgreement.objects.visible_to(context["request"].user).filter(partner=obj))

    @staticmethod
    def resolve_activities(obj: Partner, context: dict[str, Any]) -> list[CoopActivity]:
        return list(CoopActivity.objects.visible_to(context["request"].user).filter(partner=obj))

    @staticmethod
    def resolve_projects(obj: Partner, context: dict[str, Any]) -> list[CoopProject]:
        return list(coop_projects_seen(context["request"].user).filter(partner=obj))


class ListFilter(In):
    """Query parameters of the lists."""

    q: str = Field("", max_length=200)
    park: Id | None = None


class IncubatorFilter(ListFilter):
    level: str = ""
    programme: str = ""


class IncubateeFilter(ListFilter):
    status: str = ""


class ListingFilter(ListFilter):
    """Needs and achievements: by technology field and status (draft, published, withdrawn)."""

    field: str = ""
    status: str = ""


class AchievementFilter(ListingFilter):
    owner_kind: str = Field("", description="enterprise, university or institute")


class MatchFilter(In):
    status: str = ""
    need: Id | None = None
    achievement: Id | None = None


class PartnerFilter(ListFilter):
    kind: str = ""


class CoopProjectFilter(In):
    q: str = Field("", max_length=200)
    partner: Id | None = None


class YearQuery(In):
    year: Year | None = Field(None, description="the checklist's year; default: the last complete year")


contracts = Router(tags=["tech-contracts"])
incubators = Router(tags=["incubators"])
incubatees = Router(tags=["incubatees"])
needs = Router(tags=["tech-needs"])
achievements = Router(tags=["achievements"])
matches = Router(tags=["tech-matches"])
partners = Router(tags=["partners"])
coop_projects = Router(tags=["coop-projects"])


# --------------------------------------------------------------------------- technology contracts


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


# --------------------------------------------------------------------------- incubators


@incubators.get("/", response=list[IncubatorOut])
@paginate(Pagination)
def list_incubators(request: AuthedRequest, filters: Query[IncubatorFilter]) -> Any:
    """Incubators the caller may see (district roles: their region's; an operator: its parks')."""
    qs = Incubator.objects.visible_to(request.user).select_related("park")
    if filters.q:
        qs = qs.filter(name__icontains=filters.q)
    if filters.park is not None:
        qs = qs.filter(park_id=filters.park)
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.programme:
        qs = qs.filter(programme=filters.programme)
    return qs.order_by("name", "pk")


@incubators.get("/{incubator_id}", response={200: IncubatorDetailOut, **ERRORS})
def get_incubator(request: AuthedRequest, incubator_id: Id, params: Query[YearQuery]) -> Any:
    """One incubator: its profile, mentors and incubatees now, and the recognition checklist of ``year`` (the
    last complete year unless given) against 第八条 — criterion, required, actual, met, gap — as its page shows
    it (computed in ``figures``)."""
    incubator = get_visible_or_404(Incubator.objects.select_related("park"), request.user, pk=incubator_id)
    today = timezone.localdate()
    year = params.year if params.year is not None else today.year - 1
    if year > today.year:
        raise ValidationError({"year": [_("The year cannot be in the future.")]})
    checklist = providers.get("innovation.checklist")(incubator, year)
    by_status = dict(Incubatee.objects.visible_to(request.user).filter(incubator=incubator).order_by()
                     .values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    return {
        **IncubatorOut.from_orm(incubator).model_dump(by_alias=True),
        "mentors": Mentor.objects.visible_to(request.user).filter(incubator=incubator).count(),
        "in_incubation": sum(by_status.get(s, 0) for s in Incubatee.IN_INCUBATION),
        "incubatees_by_status": by_status,
        "checklist": {**checklist, "rows": [dataclasses.asdict(r) for r in checklist["rows"]]},
    }


# --------------------------------------------------------------------------- incubatees


@incubatees.get("/", response=list[IncubateeOut])
@paginate(Pagination)
def list_incubatees(request: AuthedRequest, filters: Query[IncubateeFilter]) -> Any:
    """Incubatees the caller may see (an enterprise: its own record)."""
    qs = Incubatee.objects.visible_to(request.user).search(filters.q)
    if filters.park is not None:
        qs = qs.filter(incubator__park_id=filters.park)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return qs.order_by("-applied_on", "-pk")


@incubatees.get("/{incubatee_id}", response={200: IncubateeOut, **ERRORS})
def get_incubatee(request: AuthedRequest, incubatee_id: Id) -> Any:
    """One incubatee."""
    return get_visible_or_404(Incubatee.objects.all(), request.user, pk=incubatee_id)


@incubatees.post("/", response={201: IncubateeOut, **ERRORS})
def create_incubatee(request: AuthedRequest, payload: IncubateeIn) -> Any:
    """Record an enterprise's application to an incubator the caller runs (status ``applied``)."""
    require_role(request.user, EDIT_PARK)
    data = payload.dict()
    data["incubator"] = resolve_ref(Incubator, data["incubator"], "incubator",
                                    Incubator.objects.editable_by(request.user))
    data["enterprise"] = resolve_ref(Enterprise, data["enterprise"], "enterprise",
                                     Enterprise.objects.visible_to(request.user))
    return Status(201, services.incubatee_apply(actor=request.user, **data))


@incubatees.post("/{incubatee_id}/advance", response={200: IncubateeOut, **ERRORS})
def advance_incubatee(request: AuthedRequest, incubatee_id: Id, payload: IncubateeAdvanceIn) -> Any:
    """Move an incubatee on. Admitting it (assessing → incubating) despite a breach of the admission rules needs
    ``accept_reason``, else 422 naming each breach (code ``warnings``); the accepted breaches are kept."""
    incubatee = get_visible_or_404(Incubatee.objects.editable_by(request.user), request.user, pk=incubatee_id)
    return services.incubatee_advance(actor=request.user, incubatee=incubatee, **payload.dict())


@incubatees.post("/{incubatee_id}/graduate", response={200: IncubateeOut, **ERRORS})
def graduate_incubatee(request: AuthedRequest, incubatee_id: Id, payload: GraduateIn) -> Any:
    """Graduate an incubatee by a criterion met; 422 naming what is missing when none is."""
    incubatee = get_visible_or_404(Incubatee.objects.editable_by(request.user), request.user, pk=incubatee_id)
    return services.incubatee_graduate(actor=request.user, incubatee=incubatee, **payload.dict())


# --------------------------------------------------------------------------- needs and achievements


def _filter_listings(qs: Any, filters: ListingFilter) -> Any:
    qs = qs.search(filters.q)
    if filters.park is not None:
        qs = qs.filter(park_id=filters.park)
    if filters.field:
        qs = qs.filter(field=filters.field)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return qs.order_by("-created_at", "-pk")


@needs.get("/", response=list[NeedOut])
@paginate(Pagination)
def list_tech_needs(request: AuthedRequest, filters: Query[ListingFilter]) -> Any:
    """Technology needs the caller may see (an enterprise: its own)."""
    return _filter_listings(TechNeed.objects.visible_to(request.user), filters)


@needs.get("/{need_id}", response={200: NeedOut, **ERRORS})
def get_tech_need(request: AuthedRequest, need_id: Id) -> Any:
    """One technology need."""
    return get_visible_or_404(TechNeed.objects.all(), request.user, pk=need_id)


@needs.post("/", response={201: NeedOut, **ERRORS})
def create_tech_need(request: AuthedRequest, payload: NeedIn) -> Any:
    """Post a technology need (a draft unless ``publish``): an enterprise user for its own enterprise (the
    default); staff or an operator for an enterprise in their scope."""
    require_role(request.user, EDIT_ENTERPRISE)
    data = payload.dict()
    enterprise_id = data.pop("enterprise")
    if enterprise_id is None:
        enterprise_id = request.user.enterprise_id
    if enterprise_id is None:
        raise ValidationError({"enterprise": [_("This field is required.")]})
    data["enterprise"] = resolve_ref(Enterprise, enterprise_id, "enterprise",
                                     Enterprise.objects.visible_to(request.user))
    data["park"] = resolve_ref(Park, data["park"], "park", Park.objects.visible_to(request.user))
    return Status(201, services.need_create(actor=request.user, **data))


@needs.post("/{need_id}/status", response={200: NeedOut, **ERRORS})
def set_tech_need_status(request: AuthedRequest, need_id: Id, payload: ListingStatusIn) -> Any:
    """Publish or withdraw a need (a withdrawn one may be published again)."""
    need = get_visible_or_404(TechNeed.objects.editable_by(request.user), request.user, pk=need_id)
    return services.listing_set_status(actor=request.user, listing=need, status=payload.status)


@achievements.get("/", response=list[AchievementOut])
@paginate(Pagination)
def list_achievements(request: AuthedRequest, filters: Query[AchievementFilter]) -> Any:
    """Technology achievements the caller may see (an enterprise: its own), by field, owner kind and status."""
    qs = Achievement.objects.visible_to(request.user)
    if filters.owner_kind:
        qs = qs.filter(owner_kind=filters.owner_kind)
    return _filter_listings(qs, filters)


@achievements.get("/{achievement_id}", response={200: AchievementOut, **ERRORS})
def get_achievement(request: AuthedRequest, achievement_id: Id) -> Any:
    """One achievement."""
    return get_visible_or_404(Achievement.objects.all(), request.user, pk=achievement_id)


@achievements.post("/", response={201: AchievementOut, **ERRORS})
def create_achievement(request: AuthedRequest, payload: AchievementIn) -> Any:
    """Offer an achievement of an enterprise, a university or an institute (an enterprise user: its own)."""
    require_role(request.user, EDIT_ENTERPRISE)
    data = payload.dict()
    data["enterprise"] = resolve_ref(Enterprise, data["enterprise"], "enterprise",
                                     Enterprise.objects.visible_to(request.user))
    data["park"] = resolve_ref(Park, data["park"], "park", Park.objects.visible_to(request.user))
    return Status(201, services.achievement_create(actor=request.user, **data))


@achievements.post("/{achievement_id}/status", response={200: AchievementOut, **ERRORS})
def set_achievement_status(request: AuthedRequest, achievement_id: Id, payload: ListingStatusIn) -> Any:
    """Publish or withdraw an achievement."""
    item = get_visible_or_404(Achievement.objects.editable_by(request.user), request.user, pk=achievement_id)
    return services.listing_set_status(actor=request.user, listing=item, status=payload.status)


# --------------------------------------------------------------------------- matches


def _match_detail(request: AuthedRequest, match: Match) -> dict[str, Any]:
    return {
        **MatchOut.from_orm(match).model_dump(by_alias=True),
        "follow_ups": list(MatchFollowUp.objects.visible_to(request.user).filter(match=match)),
        "contracts": list(TechContract.objects.visible_to(request.user).filter(match=match).order_by("pk")
                          .values_list("pk", flat=True)),
    }


@matches.get("/", response=list[MatchOut])
@paginate(Pagination)
def list_tech_matches(request: AuthedRequest, filters: Query[MatchFilter]) -> Any:
    """Matches the caller may see (an enterprise: those of its needs and achievements)."""
    qs = Match.objects.visible_to(request.user)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.need is not None:
        qs = qs.filter(need_id=filters.need)
    if filters.achievement is not None:
        qs = qs.filter(achievement_id=filters.achievement)
    return qs.order_by("-created_at", "-pk")


@matches.get("/{match_id}", response={200: MatchDetailOut, **ERRORS})
def get_tech_match(request: AuthedRequest, match_id: Id) -> Any:
    """One match with its follow-ups and registered contracts."""
    return _match_detail(request, get_visible_or_404(Match.objects.all(), request.user, pk=match_id))


@matches.post("/", response={201: MatchDetailOut, **ERRORS})
def create_tech_match(request: AuthedRequest, payload: MatchIn) -> Any:
    """Match a published need with a published achievement (意向); a pair matched already is refused."""
    require_role(request.user, EDIT_PARK)
    need = resolve_ref(TechNeed, payload.need, "need", TechNeed.objects.visible_to(request.user))
    achievement = resolve_ref(Achievement, payload.achievement, "achievement",
                              Achievement.objects.visible_to(request.user))
    match = services.match_create(actor=request.user, need=need, achievement=achievement, note=payload.note)
    return Status(201, _match_detail(request, match))


@matches.post("/{match_id}/advance", response={200: MatchDetailOut, **ERRORS})
def advance_tech_match(request: AuthedRequest, match_id: Id, payload: MatchAdvanceIn) -> Any:
    """Move a match forward (negotiating, signed); 登记 comes with its registered contract."""
    match = get_visible_or_404(Match.objects.editable_by(request.user), request.user, pk=match_id)
    return _match_detail(request, services.match_advance(actor=request.user, match=match, status=payload.status))


@matches.post("/{match_id}/follow-ups", response={201: MatchFollowUpOut, **ERRORS})
def create_tech_match_follow_up(request: AuthedRequest, match_id: Id, payload: MatchFollowUpIn) -> Any:
    """Record a call, visit or meeting on a match (its date not in the future)."""
    match = get_visible_or_404(Match.objects.editable_by(request.user), request.user, pk=match_id)
    return Status(201, services.match_follow_up_create(actor=request.user, match=match, **payload.dict()))


# --------------------------------------------------------------------------- international cooperation


@partners.get("/", response=list[PartnerOut])
@paginate(Pagination)
def list_partners(request: AuthedRequest, filters: Query[PartnerFilter]) -> Any:
    """International partners the caller may see."""
    qs = Partner.objects.visible_to(request.user).search(filters.q)
    if filters.park is not None:
        qs = qs.filter(park_id=filters.park)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    return qs.order_by("name", "pk")


@partners.get("/{partner_id}", response={200: PartnerDetailOut, **ERRORS})
def get_partner(request: AuthedRequest, partner_id: Id) -> Any:
    """One partner with its agreements, activities and cooperation projects."""
    return get_visible_or_404(Partner.objects.all(), request.user, pk=partner_id)


@coop_projects.get("/", response=list[CoopProjectOut])
@paginate(Pagination)
def list_coop_projects(request: AuthedRequest, filters: Query[CoopProjectFilter]) -> Any:
    """Cooperation projects the caller may see (an enterprise: those it takes part in)."""
    qs = coop_projects_seen(request.user)
    if filters.q:
        qs = qs.filter(title__icontains=filters.q)
    if filters.partner is not None:
        qs = qs.filter(partner_id=filters.partner)
    return qs.order_by("-starts_on", "-pk")


@coop_projects.get("/{project_id}", response={200: CoopProjectOut, **ERRORS})
def get_coop_project(request: AuthedRequest, project_id: Id) -> Any:
    """One cooperation project."""
    return get_visible_or_404(coop_projects_seen(request.user), request.user, pk=project_id)
