"""Every write of 科技服务: incubators and incubatees (admission rules, graduation), technology listings, matches
and contracts, international cooperation. Keyword-only, atomic, validated, audited (``core.services``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from yuanqu.core import audit
from yuanqu.core.models import Region
from yuanqu.core.registry import providers
from yuanqu.core.roles import CONFIGURERS, EDIT_ENTERPRISE, EDIT_PARK, Role
from yuanqu.core.scoping import region_contains, region_within
from yuanqu.core.services import UNSET, Unset, assign, require_editable, require_role, save_created, save_updated
from yuanqu.enterprises.models import Enterprise, Settlement
from yuanqu.parks.models import Park

from .models import (
    Achievement,
    Activity,
    CoopActivity,
    CoopAgreement,
    CoopBase,
    CoopProject,
    FinancingEvent,
    Incubatee,
    IncubateeYear,
    Incubator,
    IncubatorYear,
    ListingStatus,
    Match,
    MatchFollowUp,
    Mentor,
    Partner,
    TechContract,
    TechNeed,
    Threshold,
    Track,
)

if TYPE_CHECKING:
    from yuanqu.accounts.models import User

Rule = Threshold.Rule


def _error(field: str, message: str, code: str = "invalid") -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code)]})


def _not_in_future(field: str, day: dt.date | None) -> None:
    if day is not None and day > timezone.localdate():
        raise _error(field, _("The date cannot be in the future."), "future")


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from ``start`` to ``end`` (2024-01-31 → 2024-02-29 is 0; → 2024-03-01 is 1)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if end.day < start.day else months


def _visible_park(actor: User, park: Park | None, field: str = "park") -> None:
    if park is not None and not Park.objects.visible_to(actor).filter(pk=park.pk).exists():
        raise _error(field, _("This park is outside your scope."), "scope")


def _visible_enterprise(actor: User, enterprise: Enterprise | None, field: str = "enterprise") -> None:
    if enterprise is not None and not Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists():
        raise _error(field, _("No enterprise in your scope has this code."), "scope")


# --------------------------------------------------------------------------- incubators


@transaction.atomic
def incubator_create(
    *, actor: User, park: Park, name: str = "", programme: str = Incubator.Programme.INCUBATOR,
    level: str = Incubator.Level.NONE, kind: str = Incubator.Kind.GENERAL, industry: str = "",
    area_m2: Decimal = Decimal(0), public_area_m2: Decimal = Decimal(0), fund_wan: Decimal = Decimal(0),
    staff: int = 0, recognised_on: dt.date | None = None,
) -> Incubator:
    """Declare a park's incubation programme (one per park), with its profile."""
    require_role(actor, EDIT_PARK)
    _visible_park(actor, park)
    if Incubator.objects.filter(park=park).exists():
        raise _error("park", _("This park has an incubation programme already."), "duplicate")
    incubator = Incubator(park=park, name=name or park.name, programme=programme, level=level, kind=kind,
                          industry=industry, area_m2=area_m2, public_area_m2=public_area_m2, fund_wan=fund_wan,
                          staff=staff, recognised_on=recognised_on)
    return save_created(actor=actor, obj=incubator)


@transaction.atomic
def incubator_update(
    *, actor: User, incubator: Incubator, name: str | Unset = UNSET, programme: str | Unset = UNSET,
    level: str | Unset = UNSET, kind: str | Unset = UNSET, industry: str | Unset = UNSET,
    area_m2: Decimal | Unset = UNSET, public_area_m2: Decimal | Unset = UNSET, fund_wan: Decimal | Unset = UNSET,
    staff: int | Unset = UNSET, recognised_on: dt.date | None | Unset = UNSET,
) -> Incubator:
    """Change an incubator's profile."""
    require_editable(Incubator.objects, actor, incubator)
    before = audit.snapshot(incubator)
    assign(incubator, name=name, programme=programme, level=level, kind=kind, industry=industry, area_m2=area_m2,
           public_area_m2=public_area_m2, fund_wan=fund_wan, staff=staff, recognised_on=recognised_on)
    return save_updated(actor=actor, obj=incubator, before=before)


@transaction.atomic
def mentor_create(*, actor: User, incubator: Incubator, name: str, fields_of_expertise: str = "",
                  organisation: str = "") -> Mentor:
    """Add a 创业导师 to an incubator."""
    require_editable(Incubator.objects, actor, incubator)
    return save_created(actor=actor, obj=Mentor(incubator=incubator, name=name,
                                                 fields_of_expertise=fields_of_expertise, organisation=organisation))


@transaction.atomic
def incubator_year_set(*, actor: User, incubator: Incubator, year: int, income_service_wan: Decimal = Decimal(0),
                       income_property_wan: Decimal = Decimal(0), income_investment_wan: Decimal = Decimal(0),
                       income_other_wan: Decimal = Decimal(0)) -> IncubatorYear:
    """Record (or correct) an incubator's income of a year, split as the 火炬统计 return asks."""
    require_editable(Incubator.objects, actor, incubator)
    row = IncubatorYear.objects.filter(incubator=incubator, year=year).first()
    values = {"income_service_wan": income_service_wan, "income_property_wan": income_property_wan,
              "income_investment_wan": income_investment_wan, "income_other_wan": income_other_wan}
    if row is None:
        return save_created(actor=actor, obj=IncubatorYear(incubator=incubator, year=year, **values))
    before = audit.snapshot(row)
    assign(row, **values)
    return save_updated(actor=actor, obj=row, before=before)


@transaction.atomic
def activity_create(*, actor: User, incubator: Incubator, kind: str, title: str, on: dt.date, attendance: int = 0,
                    incubatees: Iterable[Incubatee] = ()) -> Activity:
    """Record a training, roadshow or matchmaking event with its attendance (the incubatees that came count)."""
    require_editable(Incubator.objects, actor, incubator)
    _not_in_future("on", on)
    chosen = list(incubatees)
    if any(i.incubator_id != incubator.pk for i in chosen):
        raise _error("incubatees", _("Only this incubator's incubatees can attend."))
    attendance = max(attendance, len(chosen))
    return save_created(actor=actor, obj=Activity(incubator=incubator, kind=kind, title=title, on=on,
                                                  attendance=attendance), m2m={"incubatees": chosen})


# --------------------------------------------------------------------------- incubatees: admission


@dataclass(frozen=True)
class Check:
    """One rule checked on an incubatee: whether it holds, and what it found."""

    code: str
    ok: bool
    message: str


def admission_checks(incubatee: Incubatee, on: dt.date) -> list[Check]:
    """The rules of the 2018 办法 for an incubatee entering (or staying in) incubation on ``on``."""
    ent, track = incubatee.enterprise, incubatee.track
    checks = []
    inside = Settlement.objects.filter(enterprise=ent, park_id=incubator_park_id(incubatee)).exclude(
        stage=Settlement.Stage.EXITED).exists()
    checks.append(Check("registered_inside", inside, _("Registered and settled inside the incubator") if inside else
                        _("The enterprise is not settled in the incubator's park.")))
    limit_age = int(Threshold.value_of(Rule.ADMIT_MAX_AGE_MONTHS, track))
    if ent.established_on is None:
        checks.append(Check("founded", False, _("The founding date is not recorded, so its age cannot be checked.")))
    else:
        age = months_between(ent.established_on, on)
        checks.append(Check("founded", age <= limit_age,
                            _("Founded %(age)d months before entry (at most %(limit)d)") % {"age": age,
                                                                                             "limit": limit_age}))
    limit_area = Threshold.value_of(Rule.ADMIT_MAX_AREA_M2, track)
    checks.append(Check("area", incubatee.area_m2 <= limit_area,
                        _("Uses %(area)s m² (at most %(limit)s m²)") % {"area": _num(incubatee.area_m2),
                                                                        "limit": _num(limit_area)}))
    if incubatee.entered_on is not None:
        limit_months = int(Threshold.value_of(Rule.MAX_INCUBATION_MONTHS, track))
        months = months_between(incubatee.entered_on, on)
        checks.append(Check("duration", months <= limit_months,
                            _("In incubation for %(months)d months (at most %(limit)d)") % {
                                "months": months, "limit": limit_months}))
    return checks


def incubator_park_id(incubatee: Incubatee) -> int:
    return int(Incubator.objects.filter(pk=incubatee.incubator_id).values_list("park_id", flat=True).get())


def _num(value: Decimal) -> str:
    """An amount as messages state it: at most two decimals, no trailing zeros (2407.04, 500)."""
    text = f"{Decimal(value).quantize(Decimal('0.01')):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@transaction.atomic
def incubatee_apply(*, actor: User, incubator: Incubator, enterprise: Enterprise, applied_on: dt.date,
                    track: str = Track.GENERAL, area_m2: Decimal = Decimal(0)) -> Incubatee:
    """An enterprise applies to an incubator (recorded by the operator or district staff)."""
    require_editable(Incubator.objects, actor, incubator)
    _visible_enterprise(actor, enterprise)
    _not_in_future("applied_on", applied_on)
    if Incubatee.objects.filter(incubator=incubator, enterprise=enterprise,
                                status__in=("applied", "assessing", "incubating", "review")).exists():
        raise _error("enterprise", _("This enterprise is already in this incubator."), "duplicate")
    return save_created(actor=actor, obj=Incubatee(incubator=incubator, enterprise=enterprise, applied_on=applied_on,
                                                   track=track, area_m2=area_m2))


def _move(incubatee: Incubatee, to: str) -> None:
    if to not in Incubatee.MOVES.get(incubatee.status, ()):
        raise _error("status", _("An incubatee in “%(current)s” cannot move to “%(target)s”.") % {
            "current": incubatee.get_status_display(), "target": Incubatee.Status(to).label}, "order")


@transaction.atomic
def incubatee_advance(*, actor: User, incubatee: Incubatee, status: str, on: dt.date, reason: str = "",
                      accept_reason: str = "") -> Incubatee:
    """Move an incubatee on (graduation has its own service, :func:`incubatee_graduate`).

    Entering 在孵 checks the admission rules as of ``on``; a breach is a warning the reviewer accepts with
    ``accept_reason`` (kept on the record with the reviewer), or the move is refused naming each breach.
    Leaving (超期, 迁出, 注销, 转加速器) needs a reason.
    """
    require_editable(Incubatee.objects, actor, incubatee)
    _not_in_future("on", on)
    if status == Incubatee.Status.GRADUATED:
        return incubatee_graduate(actor=actor, incubatee=incubatee, on=on)
    if status not in Incubatee.Status.values:
        raise _error("status", _("Unknown status."))
    _move(incubatee, status)
    before = audit.snapshot(incubatee)
    reason, accept_reason = reason.strip(), accept_reason.strip()
    if status == Incubatee.Status.INCUBATING and incubatee.status == Incubatee.Status.ASSESSING:
        if on < incubatee.applied_on:
            raise _error("on", _("Entry cannot precede the application."))
        incubatee.entered_on = on
        breaches = [c.message for c in admission_checks(incubatee, on) if not c.ok]
        if breaches and not accept_reason:
            raise _error("accept_reason", _("The admission breaches the rules: %(breaches)s. Give a reason to admit "
                                            "it all the same.") % {"breaches": "；".join(breaches)}, "warnings")
        incubatee.warnings = breaches
        incubatee.warnings_reason = accept_reason if breaches else ""
        incubatee.reviewed_by = actor
    elif status == Incubatee.Status.INCUBATING:  # back from the annual review
        incubatee.last_review_on = on
    elif status in Incubatee.ENDED:
        if not reason:
            raise _error("reason", _("Give the reason."), "required")
        if incubatee.entered_on and on < incubatee.entered_on:
            raise _error("on", _("Incubation cannot end before it began."))
        incubatee.ended_on, incubatee.end_reason = on, reason
    incubatee.status = status
    return save_updated(actor=actor, obj=incubatee, before=before)


@transaction.atomic
def incubatee_update(*, actor: User, incubatee: Incubatee, track: str | Unset = UNSET,
                     area_m2: Decimal | Unset = UNSET) -> Incubatee:
    """Correct an incubatee's track or area (the admission checks use them)."""
    require_editable(Incubatee.objects, actor, incubatee)
    before = audit.snapshot(incubatee)
    assign(incubatee, track=track, area_m2=area_m2)
    return save_updated(actor=actor, obj=incubatee, before=before)


# --------------------------------------------------------------------------- incubatees: graduation


def enterprise_year_value(enterprise: Enterprise, year: int, code: str) -> Decimal | None:
    """An enterprise's approved statistic of a year (its 累计 to December) from the figures layer, or None."""
    value: Decimal | None = providers.get("enterprise_year_value")(enterprise, year, code)
    return value


def revenue_by_year(incubatee: Incubatee, years: Iterable[int]) -> dict[int, tuple[Decimal, str]]:
    """Revenue by year: the approved statistics where they exist, else what the incubatee declared (万元)."""
    declared = dict(IncubateeYear.objects.filter(incubatee=incubatee, revenue_wan__isnull=False)
                    .values_list("year", "revenue_wan"))
    out: dict[int, tuple[Decimal, str]] = {}
    for year in years:
        reported = enterprise_year_value(incubatee.enterprise, year, "revenue")
        if reported is not None:
            out[year] = (reported, "reported")
        elif year in declared:
            out[year] = (Decimal(declared[year]), "declared")
    return out


def graduation_checks(incubatee: Incubatee, on: dt.date, *, acquired: bool = False) -> list[Check]:
    """The four graduation criteria of the 2018 办法, each met or not, with what was found."""
    ent = incubatee.enterprise
    out = [Check(Incubatee.Criterion.HIGH_TECH, ent.is_high_tech,
                 _("A high-tech enterprise") if ent.is_high_tech else _("Not a high-tech enterprise"))]
    limit = Threshold.value_of(Rule.GRAD_FINANCING_WAN)
    raised = FinancingEvent.objects.filter(incubatee__enterprise=ent, round__in=FinancingEvent.EQUITY,
                                           on__lte=on).aggregate(s=Sum("amount_wan"))["s"] or Decimal(0)
    out.append(Check(Incubatee.Criterion.FINANCING, raised > limit,
                     _("Angel/VC investment %(raised)s (10k yuan) in total, needs more than %(limit)s") % {
                         "raised": _num(raised), "limit": _num(limit)}))
    limit = Threshold.value_of(Rule.GRAD_REVENUE_2Y_WAN)
    first = (incubatee.entered_on or incubatee.applied_on).year - 1
    revenue = revenue_by_year(incubatee, range(first, on.year + 1))
    best = max((revenue[y][0] + revenue[y + 1][0] for y in revenue if y + 1 in revenue), default=None)
    if best is None:
        message = _("No revenue for two consecutive years (reported or declared)")
    else:
        message = _("Revenue of two consecutive years %(best)s (10k yuan) at most, needs more than %(limit)s") % {
            "best": _num(best), "limit": _num(limit)}
    out.append(Check(Incubatee.Criterion.REVENUE, best is not None and best > limit, message))
    listed = ent.listing != Enterprise.Listing.UNLISTED
    out.append(Check(Incubatee.Criterion.ACQUIRED_LISTED, listed or acquired,
                     _("Listed or acquired") if listed or acquired else _("Neither acquired nor listed")))
    return out


@transaction.atomic
def incubatee_graduate(*, actor: User, incubatee: Incubatee, on: dt.date, criterion: str = "",
                       acquired: bool = False, note: str = "") -> Incubatee:
    """Graduate an incubatee by one criterion met (the first met when none is named); refused naming what is
    missing when none is. ``acquired`` records an acquisition (兼并、收购), which the registry does not hold."""
    require_editable(Incubatee.objects, actor, incubatee)
    _not_in_future("on", on)
    _move(incubatee, Incubatee.Status.GRADUATED)
    checks = graduation_checks(incubatee, on, acquired=acquired)
    met = [c for c in checks if c.ok]
    if criterion:
        if criterion not in Incubatee.Criterion.values:
            raise _error("criterion", _("Unknown criterion."))
        chosen = next((c for c in checks if c.code == criterion), None)
        if chosen is None or not chosen.ok:
            raise _error("criterion", _("This criterion is not met: %(why)s.") % {
                "why": chosen.message if chosen else criterion}, "not_met")
    elif not met:
        raise _error("criterion", _("No graduation criterion is met: %(missing)s.") % {
            "missing": "；".join(c.message for c in checks)}, "not_met")
    else:
        criterion = met[0].code
    before = audit.snapshot(incubatee)
    incubatee.status, incubatee.criterion, incubatee.ended_on = Incubatee.Status.GRADUATED, criterion, on
    incubatee.end_reason = note.strip() or str(Incubatee.Criterion(criterion).label)
    return save_updated(actor=actor, obj=incubatee, before=before)


@transaction.atomic
def financing_create(*, actor: User, incubatee: Incubatee, on: dt.date, round: str, amount_wan: Decimal,
                     investor: str) -> FinancingEvent:
    """Record an investment an incubatee received."""
    require_editable(Incubatee.objects, actor, incubatee)
    _not_in_future("on", on)
    if amount_wan is None or amount_wan < 0:
        raise _error("amount_wan", _("Amounts cannot be negative."))
    return save_created(actor=actor, obj=FinancingEvent(incubatee=incubatee, on=on, round=round,
                                                        amount_wan=amount_wan, investor=investor))


@transaction.atomic
def incubatee_year_set(*, actor: User, incubatee: Incubatee, year: int, patents_applied: int = 0,
                       patents_granted: int = 0, software_copyrights: int = 0, valid_ip: int = 0,
                       revenue_wan: Decimal | None = None, rd_wan: Decimal | None = None) -> IncubateeYear:
    """Record (or correct) an incubatee's IP of a year and the revenue and R&D it declared."""
    require_editable(Incubatee.objects, actor, incubatee)
    if year > timezone.localdate().year:
        raise _error("year", _("The year cannot be in the future."), "future")
    values = {"patents_applied": patents_applied, "patents_granted": patents_granted,
              "software_copyrights": software_copyrights, "valid_ip": valid_ip, "revenue_wan": revenue_wan,
              "rd_wan": rd_wan}
    row = IncubateeYear.objects.filter(incubatee=incubatee, year=year).first()
    if row is None:
        return save_created(actor=actor, obj=IncubateeYear(incubatee=incubatee, year=year, **values))
    before = audit.snapshot(row)
    assign(row, **values)
    return save_updated(actor=actor, obj=row, before=before)


@transaction.atomic
def incubatee_mentors_set(*, actor: User, incubatee: Incubatee, mentors: Iterable[Mentor]) -> Incubatee:
    """Assign the incubator's mentors to an incubatee."""
    require_editable(Incubatee.objects, actor, incubatee)
    chosen = list(mentors)
    if any(m.incubator_id != incubatee.incubator_id for m in chosen):
        raise _error("mentors", _("Only this incubator's mentors can be assigned."))
    before = audit.snapshot(incubatee, m2m=True)
    return save_updated(actor=actor, obj=incubatee, before=before, m2m={"mentors": chosen})


# --------------------------------------------------------------------------- technology contracts


def _contract_checks(contract: TechContract) -> None:
    errors: dict[str, list[ValidationError]] = {}
    for name in ("total_wan", "tech_wan"):
        value = getattr(contract, name)
        if value is not None and value < 0:
            errors.setdefault(name, []).append(ValidationError(_("Amounts cannot be negative."), code="negative"))
    if (contract.total_wan is not None and contract.tech_wan is not None and contract.tech_wan >= 0
            and contract.tech_wan > contract.total_wan):
        errors.setdefault("tech_wan", []).append(ValidationError(
            _("The technology transaction amount cannot exceed the contract total."), code="exceeds"))
    if contract.signed_on and contract.registered_on and contract.registered_on < contract.signed_on:
        errors.setdefault("registered_on", []).append(ValidationError(
            _("A contract cannot be registered before it is signed."), code="order"))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def contract_create(
    *, actor: User, registration_no: str, title: str, kind: str, signed_on: dt.date, registered_on: dt.date,
    seller_name: str = "", buyer_name: str = "", total_wan: Decimal, tech_wan: Decimal, field: str,
    ip_type: str = "none", seller: Enterprise | None = None, buyer: Enterprise | None = None,
    seller_in_district: bool = False, buyer_in_district: bool = False, park: Park | None = None,
    region: Region | None = None, match: Match | None = None,
) -> TechContract:
    """Register a technology contract. A party that is an enterprise of the registry is in the district when it is
    registered there; the amounts are checked (技术交易额 ≤ 合同交易总额, none negative, registered after signed)."""
    require_role(actor, EDIT_PARK)
    _visible_park(actor, park)
    _visible_enterprise(actor, seller, "seller")
    _visible_enterprise(actor, buyer, "buyer")
    if actor.role == Role.PARK_OPERATOR and park is None:
        raise _error("park", _("Choose the park the contract is for."), "required")
    region_code = region.pk if region is not None else (park.region_id if park is not None else actor.region_id)
    if not region_within(region_code, actor):
        raise _error("region", _("This region is outside your scope."), "scope")
    if match is not None and not Match.objects.editable_by(actor).filter(pk=match.pk).exists():
        raise _error("match", _("This match is outside your scope."), "scope")
    _not_in_future("registered_on", registered_on)
    if seller is not None:
        seller_name = seller_name or seller.name
        seller_in_district = seller_in_district or region_contains(region_code[:6], seller.region_id)
    if buyer is not None:
        buyer_name = buyer_name or buyer.name
        buyer_in_district = buyer_in_district or region_contains(region_code[:6], buyer.region_id)
    contract = TechContract(region_id=region_code, park=park, registration_no=registration_no.strip(), title=title,
                            kind=kind, signed_on=signed_on, registered_on=registered_on, seller=seller,
                            seller_name=seller_name, seller_in_district=seller_in_district, buyer=buyer,
                            buyer_name=buyer_name, buyer_in_district=buyer_in_district, total_wan=total_wan,
                            tech_wan=tech_wan, field=field, ip_type=ip_type, match=match)
    _contract_checks(contract)
    save_created(actor=actor, obj=contract)
    if match is not None and match.status != Match.Status.REGISTERED:
        _match_set_status(actor=actor, match=match, status=Match.Status.REGISTERED)
    return contract


@transaction.atomic
def contract_update(
    *, actor: User, contract: TechContract, title: str | Unset = UNSET, kind: str | Unset = UNSET,
    signed_on: dt.date | Unset = UNSET, registered_on: dt.date | Unset = UNSET, total_wan: Decimal | Unset = UNSET,
    tech_wan: Decimal | Unset = UNSET, field: str | Unset = UNSET, ip_type: str | Unset = UNSET,
    seller_name: str | Unset = UNSET, buyer_name: str | Unset = UNSET, seller_in_district: bool | Unset = UNSET,
    buyer_in_district: bool | Unset = UNSET,
) -> TechContract:
    """Correct a registered contract (same checks as registering it)."""
    require_editable(TechContract.objects, actor, contract)
    before = audit.snapshot(contract)
    assign(contract, title=title, kind=kind, signed_on=signed_on, registered_on=registered_on, total_wan=total_wan,
           tech_wan=tech_wan, field=field, ip_type=ip_type, seller_name=seller_name, buyer_name=buyer_name,
           seller_in_district=seller_in_district, buyer_in_district=buyer_in_district)
    _not_in_future("registered_on", contract.registered_on)
    _contract_checks(contract)
    return save_updated(actor=actor, obj=contract, before=before)


# --------------------------------------------------------------------------- listings and matches


def _listing_place(actor: User, enterprise: Enterprise | None, park: Park | None) -> tuple[str, Park | None]:
    """The region and park of a listing: the enterprise's active park when none is given."""
    if park is None and enterprise is not None:
        settled = Settlement.objects.filter(enterprise=enterprise).exclude(stage=Settlement.Stage.EXITED)
        park = Park.objects.filter(pk__in=settled.values("park")).order_by("pk").first()
    if actor.role == Role.PARK_OPERATOR and park is None:
        raise _error("park", _("Choose the park the listing is for."), "required")
    if actor.role == Role.PARK_OPERATOR:
        _visible_park(actor, park)
    region = park.region_id if park is not None else (enterprise.region_id if enterprise else actor.region_id)
    return str(region), park


@transaction.atomic
def need_create(*, actor: User, enterprise: Enterprise, title: str, field: str, description: str = "",
                budget_wan: Decimal | None = None, deadline: dt.date | None = None, park: Park | None = None,
                publish: bool = False) -> TechNeed:
    """Post an enterprise's technology need (a draft, or published at once)."""
    require_role(actor, EDIT_ENTERPRISE)
    if actor.role == Role.ENTERPRISE_USER and enterprise.pk != actor.enterprise_id:
        raise _error("enterprise", _("No enterprise in your scope has this code."), "scope")
    _visible_enterprise(actor, enterprise)
    region, park = _listing_place(actor, enterprise, park)
    if budget_wan is not None and budget_wan < 0:
        raise _error("budget_wan", _("Amounts cannot be negative."))
    need = TechNeed(region_id=region, park=park, enterprise=enterprise, title=title, field=field,
                    description=description, budget_wan=budget_wan, deadline=deadline,
                    status=ListingStatus.PUBLISHED if publish else ListingStatus.DRAFT)
    return save_created(actor=actor, obj=need)


@transaction.atomic
def achievement_create(*, actor: User, owner_kind: str, title: str, field: str, owner_name: str = "",
                       enterprise: Enterprise | None = None, maturity: str = Achievement.Maturity.LAB,
                       ip_type: str = "none", terms: str = "", description: str = "", park: Park | None = None,
                       publish: bool = False) -> Achievement:
    """Offer a technology achievement of an enterprise, a university or an institute."""
    require_role(actor, EDIT_ENTERPRISE)
    if actor.role == Role.ENTERPRISE_USER:
        owner_kind, enterprise = Achievement.OwnerKind.ENTERPRISE, actor.enterprise
    _visible_enterprise(actor, enterprise)
    if owner_kind == Achievement.OwnerKind.ENTERPRISE and enterprise is None:
        raise _error("enterprise", _("Choose the enterprise that owns it."), "required")
    if enterprise is not None:
        owner_name = owner_name or enterprise.name
    if not owner_name.strip():
        raise _error("owner_name", _("Name the owner."), "required")
    region, park = _listing_place(actor, enterprise, park)
    item = Achievement(region_id=region, park=park, owner_kind=owner_kind, enterprise=enterprise,
                       owner_name=owner_name, title=title, field=field, maturity=maturity, ip_type=ip_type,
                       terms=terms, description=description,
                       status=ListingStatus.PUBLISHED if publish else ListingStatus.DRAFT)
    return save_created(actor=actor, obj=item)


@transaction.atomic
def listing_set_status(*, actor: User, listing: TechNeed | Achievement, status: str) -> TechNeed | Achievement:
    """Publish or withdraw a need or an achievement (a withdrawn one may be published again)."""
    require_editable(type(listing).objects, actor, listing)
    if status not in (ListingStatus.PUBLISHED, ListingStatus.WITHDRAWN):
        raise _error("status", _("Unknown status."))
    before = audit.snapshot(listing)
    listing.status = status
    return save_updated(actor=actor, obj=listing, before=before)


@transaction.atomic
def match_create(*, actor: User, need: TechNeed, achievement: Achievement, note: str = "") -> Match:
    """Match a published need with a published achievement (意向)."""
    require_role(actor, EDIT_PARK)
    for field, obj in (("need", need), ("achievement", achievement)):
        if not type(obj).objects.visible_to(actor).filter(pk=obj.pk).exists():
            raise _error(field, _("This listing is outside your scope."), "scope")
        if obj.status != ListingStatus.PUBLISHED:
            raise _error(field, _("Only published listings can be matched."), "status")
    if Match.objects.filter(need=need, achievement=achievement).exists():
        raise _error("achievement", _("These two are matched already."), "duplicate")
    return save_created(actor=actor, obj=Match(need=need, achievement=achievement, note=note))


def _match_set_status(*, actor: User, match: Match, status: str) -> Match:
    before = audit.snapshot(match)
    match.status = status
    return save_updated(actor=actor, obj=match, before=before)


@transaction.atomic
def match_advance(*, actor: User, match: Match, status: str) -> Match:
    """Move a match on (意向 → 洽谈 → 签约); 登记 comes with the registered contract."""
    require_editable(Match.objects, actor, match)
    if status not in Match.ORDER[:3] or Match.ORDER.index(status) <= Match.ORDER.index(match.status):
        raise _error("status", _("A match moves forward only: intent, negotiating, signed; it is registered with "
                                 "its contract."), "order")
    return _match_set_status(actor=actor, match=match, status=status)


@transaction.atomic
def match_follow_up_create(*, actor: User, match: Match, on: dt.date, summary: str) -> MatchFollowUp:
    """Record a call, visit or meeting on a match."""
    require_editable(Match.objects, actor, match)
    _not_in_future("on", on)
    return save_created(actor=actor, obj=MatchFollowUp(match=match, on=on, summary=summary, author=actor))


# --------------------------------------------------------------------------- international cooperation


@transaction.atomic
def partner_create(*, actor: User, name: str, country: str, kind: str, contact_name: str = "",
                   contact_email: str = "", park: Park | None = None) -> Partner:
    """Record a foreign partner organisation of the district or of a park."""
    require_role(actor, EDIT_PARK)
    _visible_park(actor, park)
    if actor.role == Role.PARK_OPERATOR and park is None:
        raise _error("park", _("Choose the park the partner works with."), "required")
    region = park.region_id if park is not None else actor.region_id
    return save_created(actor=actor, obj=Partner(region_id=region, park=park, name=name, country=country, kind=kind,
                                                 contact_name=contact_name, contact_email=contact_email))


@transaction.atomic
def agreement_create(*, actor: User, partner: Partner, title: str, signed_on: dt.date,
                     ends_on: dt.date | None = None, scope_text: str = "") -> CoopAgreement:
    """Record an agreement signed with a partner."""
    require_editable(Partner.objects, actor, partner)
    _not_in_future("signed_on", signed_on)
    return save_created(actor=actor, obj=CoopAgreement(partner=partner, title=title, signed_on=signed_on,
                                                       ends_on=ends_on, scope_text=scope_text))


@transaction.atomic
def coop_activity_create(*, actor: User, partner: Partner, kind: str, title: str, starts_on: dt.date,
                         ends_on: dt.date | None = None, participants: str = "") -> CoopActivity:
    """Record a cooperation activity with a partner."""
    require_editable(Partner.objects, actor, partner)
    return save_created(actor=actor, obj=CoopActivity(partner=partner, kind=kind, title=title, starts_on=starts_on,
                                                      ends_on=ends_on, participants=participants))


@transaction.atomic
def coop_project_create(*, actor: User, partner: Partner, title: str, starts_on: dt.date,
                        enterprises: Iterable[Enterprise] = (), description: str = "") -> CoopProject:
    """A cooperation project linking enterprises with a partner."""
    require_editable(Partner.objects, actor, partner)
    chosen = list(enterprises)
    for ent in chosen:
        _visible_enterprise(actor, ent, "enterprises")
    return save_created(actor=actor, obj=CoopProject(partner=partner, title=title, starts_on=starts_on,
                                                     description=description), m2m={"enterprises": chosen})


@transaction.atomic
def coop_base_create(*, actor: User, name: str, kind: str, level: str, park: Park | None = None,
                     recognised_on: dt.date | None = None) -> CoopBase:
    """Record a cooperation base and the level it is recognised at."""
    require_role(actor, EDIT_PARK)
    _visible_park(actor, park)
    if actor.role == Role.PARK_OPERATOR and park is None:
        raise _error("park", _("Choose the park of the base."), "required")
    _not_in_future("recognised_on", recognised_on)
    region = park.region_id if park is not None else actor.region_id
    return save_created(actor=actor, obj=CoopBase(region_id=region, park=park, name=name, kind=kind, level=level,
                                                  recognised_on=recognised_on))



@transaction.atomic
def threshold_set(*, actor: User, threshold: Threshold, value: Decimal, basis: str | Unset = UNSET) -> Threshold:
    """Change one incubation threshold (a business rule: district staff only), audited with its old value."""
    require_role(actor, CONFIGURERS)
    if value is None or value < 0:
        raise _error("value", _("The threshold cannot be negative."))
    before = audit.snapshot(threshold)
    assign(threshold, value=value, basis=basis)
    return save_updated(actor=actor, obj=threshold, before=before)
