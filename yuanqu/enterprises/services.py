"""Every write to enterprises, their contacts and their settlements."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yuanqu.core import archive, audit
from yuanqu.core.models import AuditEvent, IndustryCode, Region
from yuanqu.core.registry import changes
from yuanqu.core.roles import EDIT_PARK, EDIT_REGION, Role
from yuanqu.core.scoping import region_within
from yuanqu.core.services import (
    UNSET,
    Unset,
    assign,
    delete_audited,
    record_refusal,
    require_editable,
    require_role,
    save_created,
    save_updated,
)
from yuanqu.core.text import normalize_uscc, pinyin_keys, validate_uscc
from yuanqu.core.validators import validate_text, validate_text_length
from yuanqu.parks.models import Park, Unit

from .models import (
    BUSINESS_SCOPE_MAX_LENGTH,
    DESIGNATION_FIELDS,
    ENTERPRISE_FIELDS,
    LADDER_FIELDS,
    Contact,
    Designation,
    Enterprise,
    EnterpriseName,
    EnterpriseRequest,
    Occupancy,
    Settlement,
)
from .selectors import ENTERPRISE_NOT_FOUND, enterprise_lookup, enterprises_findable_by, requests_to_decide

if TYPE_CHECKING:
    from yuanqu.accounts.models import User

#: ENTERPRISE_FIELDS (the one list every path uses) under their column names (``industry_id``, ``region_id``),
#: for ``values()`` and bulk writes.
ENTERPRISE_COLUMNS = tuple(f"{n}_id" if n in ("industry", "region") else n for n in ENTERPRISE_FIELDS)

#: Who sets designations directly: district staff (issue 12 M7).
DESIGNATION_SETTERS = frozenset({Role.REGION_STAFF})

#: Who registers a new enterprise (a code registered nowhere) directly by settling or importing it: district
#: staff, whose scope is the whole region. Anyone else (a park operator) files a request for every code outside
#: its scope, registered elsewhere or nowhere alike, so the answer never tells whether a code is registered
#: (issue 12 H1: no existence oracle); staff create the enterprise when they approve a request for a new code.
REGISTERS_DIRECTLY = frozenset({Role.REGION_STAFF})


def check_uscc_free(*, actor: User, uscc: str, exclude_pk: Any = None) -> None:
    """Refuse a USCC that is already registered.

    The message names the existing enterprise only when ``actor`` may see it, so the check
    cannot be used to probe for enterprises outside one's scope.
    """
    existing = Enterprise.objects.filter(uscc=uscc).exclude(pk=exclude_pk).first()
    if existing is None:
        return
    if Enterprise.objects.visible_to(actor).filter(pk=existing.pk).exists():
        msg = _("This unified social credit code is already registered to %(name)s.") % {"name": existing.name}
    else:
        msg = _(
            "This unified social credit code is already registered, outside your scope. "
            "Ask district staff to settle the enterprise in your park."
        )
    raise ValidationError({"uscc": [ValidationError(msg, code="uscc_taken")]})


def enterprise_validate(
    *, actor: User, values: Mapping[str, Any], creating: bool, park: Park | None = None, today: dt.date | None = None
) -> dict[str, list[ValidationError]]:
    """The enterprise rules, as errors (message and code) by field; empty when ``values`` may be written.

    ``values`` holds the fields being written (all of them when ``creating``, the changed ones on an update),
    foreign keys as their codes. :func:`enterprise_create`, :func:`enterprise_update` and the importer's fast
    path (:mod:`yuanqu.enterprises.importers`, which bypasses the ORM) all call this, so the rules cannot drift.
    No query is made: the importer runs it on 10⁵ rows. Uniqueness and scope of the USCC are checked apart
    (:func:`check_uscc_free`; the importer looks up a whole file's codes at once).
    """
    errors: dict[str, list[ValidationError]] = {}
    if creating:
        if not values.get("name"):
            errors["name"] = [ValidationError(_("Required for a new enterprise."), code="required")]
        if actor.role == Role.PARK_OPERATOR and park is None:
            errors["park"] = [ValidationError(_("Choose the park the enterprise signs into."), code="required")]
    uscc = values.get("uscc")
    if uscc is not None or creating:
        try:
            validate_uscc(uscc or "")
        except ValidationError as exc:
            errors["uscc"] = exc.error_list
    region = values.get("region")
    # Without a park to sign into, an enterprise registered outside the actor's region would leave their scope
    # the moment it is written.
    if region and park is None and not region_within(str(getattr(region, "pk", region)), actor):
        errors["region"] = [ValidationError(_("This region is outside your scope; give a park you manage."),
                                            code="out_of_scope")]
    designations = [n for n in DESIGNATION_FIELDS if n in values]
    if designations and not creating and actor.role not in DESIGNATION_SETTERS:
        # Official designations change by district staff only (the enterprise files a change request).
        errors.update(_designation_error(designations).error_dict)
    capital = values.get("registered_capital_wan")
    if capital is not None and Decimal(capital) < 0:
        errors["registered_capital_wan"] = [ValidationError(_("Must not be negative."), code="min_value")]
    established = values.get("established_on")
    if established is not None and established > (today or timezone.localdate()):
        errors["established_on"] = [ValidationError(_("The date cannot be in the future."), code="future")]
    scope = values.get("business_scope")
    if scope:
        try:
            validate_text(scope)
            validate_text_length(scope, BUSINESS_SCOPE_MAX_LENGTH)
        except ValidationError as exc:
            errors["business_scope"] = exc.error_list
    return errors


def _validated(*, actor: User, enterprise: Enterprise, names: Iterable[str], creating: bool,
               park: Park | None = None) -> None:
    """Raise the errors of :func:`enterprise_validate` on ``enterprise``'s fields ``names``."""
    values = {n: getattr(enterprise, f"{n}_id" if n in ("industry", "region") else n) for n in names}
    errors = enterprise_validate(actor=actor, values=values, creating=creating, park=park)
    if errors:
        raise ValidationError(errors)  # type: ignore[arg-type]


def _default(name: str) -> Any:
    return Enterprise._meta.get_field(name).get_default()  # type: ignore[union-attr]


def _ladder_clean(values: Mapping[str, Any]) -> None:
    """The former flags' values checked as the model checks them (a choice that is not one is the field's error)."""
    if values:
        Enterprise(**values).clean_fields(exclude=[f.name for f in Enterprise._meta.fields if f.name not in values])


def _not_in_future(field: str, day: dt.date | None) -> None:
    if day is not None and day > timezone.localdate():
        raise ValidationError({field: [ValidationError(_("The date cannot be in the future."), code="future")]})


@transaction.atomic
def enterprise_create(
    *,
    actor: User,
    uscc: str = "",
    name: str = "",
    industry: IndustryCode | None = None,
    region: Region | None = None,
    is_high_tech: bool = False,
    srdi_level: str = "",
    is_above_scale: bool = False,
    listing: str = Enterprise.Listing.UNLISTED,
    is_four_new: bool = False,
    registered_capital_wan: Decimal | None = None,
    established_on: dt.date | None = None,
    status: str = Enterprise.Status.ACTIVE,
    business_scope: str = "",
    park: Park | None = None,
    signed_on: dt.date | None = None,
    units: Iterable[Unit] = (),
    note: str = "",
) -> Enterprise:
    """Register an enterprise; with ``park``, also sign it into that park (a 签约 settlement, with ``units`` and
    ``note``).

    District staff may register any enterprise; a park operator only one it signs into its park (the API, forms,
    importer and lead conversion send an operator's new codes through a request instead:
    :data:`REGISTERS_DIRECTLY`).
    """
    require_role(actor, EDIT_PARK)
    if park is not None:
        require_editable(Park.objects, actor, park)
    enterprise = Enterprise(
        uscc=normalize_uscc(uscc or ""), name=name, industry=industry, region=region, is_high_tech=is_high_tech,
        srdi_level=srdi_level, is_above_scale=is_above_scale, listing=listing, is_four_new=is_four_new,
        registered_capital_wan=registered_capital_wan, established_on=established_on, status=status,
        business_scope=(business_scope or "").strip(),
    )
    _validated(actor=actor, enterprise=enterprise, names=ENTERPRISE_FIELDS, creating=True, park=park)
    # the designations are recorded as history (梯度培育); the flags are their cache, written from it below
    ladder: dict[str, Any] = {n: getattr(enterprise, n) for n in LADDER_FIELDS}
    ladder = {n: v for n, v in ladder.items() if v != _default(n)}
    _ladder_clean(ladder)
    if ladder and actor.role not in DESIGNATION_SETTERS:
        raise _designation_error(ladder)
    assign(enterprise, **{n: _default(n) for n in LADDER_FIELDS})
    check_uscc_free(actor=actor, uscc=enterprise.uscc)
    enterprise.name_pinyin, enterprise.name_initials = pinyin_keys(enterprise.name)
    save_created(actor=actor, obj=enterprise)
    if ladder:
        designation_set_current(actor=actor, enterprise=enterprise, on=timezone.localdate(),
                                source="企业信息登记", **ladder)
    if park is not None:
        # Not settlement_create: the new enterprise enters the operator's scope only with this settlement.
        _settle(actor=actor, enterprise=enterprise, park=park, signed_on=signed_on or timezone.localdate(),
                units=units, note=note)
    return enterprise


@transaction.atomic
def enterprise_update(
    *,
    actor: User,
    enterprise: Enterprise,
    uscc: str | Unset = UNSET,
    name: str | Unset = UNSET,
    industry: IndustryCode | None | Unset = UNSET,
    region: Region | Unset = UNSET,
    is_high_tech: bool | Unset = UNSET,
    srdi_level: str | Unset = UNSET,
    is_above_scale: bool | Unset = UNSET,
    listing: str | Unset = UNSET,
    is_four_new: bool | Unset = UNSET,
    registered_capital_wan: Decimal | None | Unset = UNSET,
    established_on: dt.date | None | Unset = UNSET,
    status: str | Unset = UNSET,
    business_scope: str | Unset = UNSET,
) -> Enterprise:
    """Change an enterprise's record; only the fields given change. A rename keeps the old name in the history.

    Enterprise users may not change their own USCC or registered region (those they give are ignored). A USCC is
    corrected by district staff only (:data:`REGISTERS_DIRECTLY`): a park operator's change is refused with one
    message whatever the code, before any lookup, so the answer never tells whether the new code is registered
    (issue 12: no existence oracle).
    """
    require_editable(Enterprise.objects, actor, enterprise)
    if actor.role == Role.ENTERPRISE_USER:
        uscc = region = UNSET
    if (actor.role not in REGISTERS_DIRECTLY and uscc is not UNSET
            and normalize_uscc(uscc or "") != enterprise.uscc):
        raise ValidationError({"uscc": [ValidationError(
            _("A unified social credit code is corrected by district staff; ask them to change it."),
            code="uscc_staff_only")]})
    before = audit.snapshot(enterprise)
    old_name = enterprise.name
    # the designations are recorded as history (梯度培育); the flags are their cache, written from it below
    given = (("is_high_tech", is_high_tech), ("srdi_level", srdi_level), ("listing", listing))
    ladder: dict[str, Any] = {n: v for n, v in given if v is not UNSET and v != getattr(enterprise, n)}
    _ladder_clean(ladder)
    assign(
        enterprise, uscc=uscc, name=name, industry=industry, region=region, is_above_scale=is_above_scale,
        is_four_new=is_four_new, registered_capital_wan=registered_capital_wan, established_on=established_on,
        status=status, business_scope=business_scope if business_scope is UNSET else (business_scope or "").strip(),
    )
    enterprise.uscc = normalize_uscc(enterprise.uscc)
    after = audit.snapshot(enterprise, m2m=False)
    changed = [n for n, c in zip(ENTERPRISE_FIELDS, ENTERPRISE_COLUMNS, strict=True) if before[c] != after[c]]
    errors = enterprise_validate(actor=actor, values={n: getattr(enterprise, f"{n}_id" if n in ("industry", "region")
                                                               else n) for n in changed} | ladder, creating=False)
    if errors:
        raise ValidationError(errors)  # type: ignore[arg-type]
    check_uscc_free(actor=actor, uscc=enterprise.uscc, exclude_pk=enterprise.pk)
    enterprise.name_pinyin, enterprise.name_initials = pinyin_keys(enterprise.name)
    save_updated(actor=actor, obj=enterprise, before=before)
    if changed:
        changes.changed("enterprise", enterprise.pk)  # policies re-match it once this commits
    if enterprise.name != old_name:
        former = EnterpriseName(enterprise=enterprise, name=old_name, used_until=timezone.localdate())
        save_created(actor=actor, obj=former)
    if ladder:
        designation_set_current(actor=actor, enterprise=enterprise, on=timezone.localdate(),
                                source="企业信息登记", **ladder)
    return enterprise


@transaction.atomic
def contact_create(
    *,
    actor: User,
    enterprise: Enterprise,
    name: str = "",
    title: str = "",
    phone: str = "",
    email: str = "",
    is_primary: bool = False,
) -> Contact:
    """Add a contact person to an enterprise."""
    require_editable(Enterprise.objects, actor, enterprise)
    contact = Contact(enterprise=enterprise, name=name, title=title, phone=phone, email=email, is_primary=is_primary)
    return save_created(actor=actor, obj=contact)


@transaction.atomic
def contact_update(
    *,
    actor: User,
    contact: Contact,
    name: str | Unset = UNSET,
    title: str | Unset = UNSET,
    phone: str | Unset = UNSET,
    email: str | Unset = UNSET,
    is_primary: bool | Unset = UNSET,
) -> Contact:
    """Change a contact person; only the fields given change."""
    require_editable(Contact.objects, actor, contact)
    before = audit.snapshot(contact)
    assign(contact, name=name, title=title, phone=phone, email=email, is_primary=is_primary)
    return save_updated(actor=actor, obj=contact, before=before)


@transaction.atomic
def contact_delete(*, actor: User, contact: Contact) -> None:
    """Remove a contact person."""
    require_editable(Contact.objects, actor, contact)
    delete_audited(actor=actor, obj=contact)


def _unit_taken(unit: Unit) -> str:
    """「主塔楼 1201 已有在租企业。」: the building named with the unit, since numbers repeat across buildings."""
    return _("%(building)s %(unit)s already has an active tenant.") % {"building": unit.building.name,
                                                                       "unit": unit.number}


def _occupy(*, actor: User, settlement: Settlement, units: Iterable[Unit], since: dt.date) -> None:
    for unit in units:
        if unit.building.park_id != settlement.park_id:
            raise ValidationError({"units": [ValidationError(
                _("Unit %(unit)s is not in %(park)s.") % {"unit": unit, "park": settlement.park.name},
                code="unit_park")]})
        taken = Occupancy.objects.filter(unit=unit, active=True).exclude(settlement=settlement).first()
        if taken is not None:
            raise ValidationError({"units": [ValidationError(
                _unit_taken(unit), code="unit_taken")]})
        if Occupancy.objects.filter(unit=unit, active=True, settlement=settlement).exists():
            continue
        occupancy = Occupancy(settlement=settlement, unit=unit, since=since)
        try:
            with transaction.atomic():
                save_created(actor=actor, obj=occupancy)
        except IntegrityError as exc:  # a concurrent request took the unit first
            raise ValidationError({"units": [ValidationError(
                _unit_taken(unit), code="unit_taken")]}
            ) from exc
        if unit.status != Unit.Status.LEASED:
            before = audit.snapshot(unit)
            unit.status = Unit.Status.LEASED
            save_updated(actor=actor, obj=unit, before=before)


def _release(*, actor: User, settlement: Settlement, until: dt.date, units: Iterable[Unit] | None = None) -> None:
    qs = Occupancy.objects.filter(settlement=settlement, active=True).select_related("unit")
    if units is not None:
        qs = qs.filter(unit__in=list(units))
    for occupancy in qs:
        before = audit.snapshot(occupancy)
        occupancy.active = False
        occupancy.until = until
        save_updated(actor=actor, obj=occupancy, before=before)
        unit = occupancy.unit
        before = audit.snapshot(unit)
        unit.status = Unit.Status.VACANT
        save_updated(actor=actor, obj=unit, before=before)


@transaction.atomic
def settlement_create(
    *,
    actor: User,
    enterprise: Enterprise,
    park: Park,
    signed_on: dt.date,
    units: Iterable[Unit] = (),
    note: str = "",
) -> Settlement:
    """Sign an enterprise into a park (签约), optionally with the units it takes."""
    require_role(actor, EDIT_PARK)
    require_editable(Park.objects, actor, park)
    # The one scoped lookup (issue 12 H1): an enterprise outside the actor's scope is signed by request only.
    if not enterprises_findable_by(actor).filter(pk=enterprise.pk).exists():
        raise ValidationError({"enterprise": [ValidationError(ENTERPRISE_NOT_FOUND, code="not_found")]})
    return _settle(actor=actor, enterprise=enterprise, park=park, signed_on=signed_on, units=units, note=note)


@transaction.atomic
def settlement_advance(
    *, actor: User, settlement: Settlement, to_stage: str, on: dt.date, reason: str = ""
) -> Settlement:
    """Move a settlement forward to ``to_stage`` on date ``on``.

    Steps only go forward (a step may be skipped, e.g. 签约 → 退出 when a deal falls through);
    dates may not precede earlier steps or lie in the future; 退出 needs a reason and frees the units.
    """
    require_editable(Settlement.objects, actor, settlement)
    settlement = Settlement.objects.select_for_update().get(pk=settlement.pk)
    order = [s.value for s in Settlement.ORDER]
    if to_stage not in order:
        raise ValidationError({"to_stage": [ValidationError(_("Unknown stage."), code="invalid")]})
    if order.index(to_stage) <= order.index(settlement.stage):
        raise ValidationError({"to_stage": [ValidationError(
            _("A settlement only moves forward; it is already at %(stage)s.")
            % {"stage": settlement.get_stage_display()}, code="backwards")]})
    _not_in_future(Settlement.DATE_FIELD[Settlement.Stage(to_stage)], on)
    if to_stage == Settlement.Stage.EXITED and not reason.strip():
        raise ValidationError({"reason": [ValidationError(_("Give the reason for the exit."), code="required")]})
    before = audit.snapshot(settlement)
    settlement.stage = to_stage
    setattr(settlement, Settlement.DATE_FIELD[Settlement.Stage(to_stage)], on)
    if to_stage == Settlement.Stage.EXITED:
        settlement.exit_reason = reason.strip()
    settlement.full_clean()
    settlement.save()
    audit.record(actor=actor, action=AuditEvent.Action.STAGE, obj=settlement, before=before,
                 after=audit.snapshot(settlement))
    if to_stage == Settlement.Stage.EXITED:
        _release(actor=actor, settlement=settlement, until=on)
        changes.changed("enterprise", settlement.enterprise_id)  # its parks changed
    return settlement


@transaction.atomic
def settlement_set_units(*, actor: User, settlement: Settlement, units: Iterable[Unit], on: dt.date) -> Settlement:
    """Make ``units`` the units the settlement occupies from ``on``: new ones taken, dropped ones freed."""
    require_editable(Settlement.objects, actor, settlement)
    if settlement.stage == Settlement.Stage.EXITED:
        raise ValidationError({"units": [ValidationError(_("An exited settlement occupies no units."),
                                                         code="exited")]})
    wanted = list(units)
    current = set(settlement.occupancies.filter(active=True).values_list("unit_id", flat=True))
    dropped = [u for u in Unit.objects.filter(pk__in=current) if u.pk not in {w.pk for w in wanted}]
    _release(actor=actor, settlement=settlement, until=on, units=dropped)
    _occupy(actor=actor, settlement=settlement, units=[u for u in wanted if u.pk not in current], since=on)
    return settlement


@transaction.atomic
def settlement_update(
    *,
    actor: User,
    settlement: Settlement,
    signed_on: dt.date | Unset = UNSET,
    fitout_on: dt.date | None | Unset = UNSET,
    moved_in_on: dt.date | None | Unset = UNSET,
    exited_on: dt.date | None | Unset = UNSET,
    note: str | None | Unset = UNSET,
) -> Settlement:
    """Correct a settlement's dates or note (the stage itself changes only by advancing).

    Only the fields given change; a ``note`` of None also leaves the note as it is.
    """
    require_editable(Settlement.objects, actor, settlement)
    before = audit.snapshot(settlement)
    dates = {"signed_on": signed_on, "fitout_on": fitout_on, "moved_in_on": moved_in_on, "exited_on": exited_on}
    for field, day in dates.items():
        if day is not UNSET:
            _not_in_future(field, day)
    assign(settlement, **dates)
    if note is not None:
        assign(settlement, note=note)
    return save_updated(actor=actor, obj=settlement, before=before)


# --- Requests district staff decide (issue 12 H1 and M7) ------------------------------------------------------


def _settle(*, actor: User, enterprise: Enterprise, park: Park, signed_on: dt.date, units: Iterable[Unit] = (),
            note: str = "") -> Settlement:
    """Write a settlement; the caller has checked who may (:func:`settlement_create`, or an approval)."""
    _not_in_future("signed_on", signed_on)
    settlement = Settlement(enterprise=enterprise, park=park, signed_on=signed_on, note=note)
    save_created(actor=actor, obj=settlement)
    _occupy(actor=actor, settlement=settlement, units=units, since=signed_on)
    changes.changed("enterprise", enterprise.pk)  # its parks changed
    return settlement


def _valid_code(uscc: str) -> str:
    code = normalize_uscc(uscc or "")
    try:
        validate_uscc(code)
    except ValidationError as exc:
        raise ValidationError({"uscc": exc.error_list}) from exc
    return code


#: The fields of a new enterprise a settlement request may carry (ENTERPRISE_FIELDS but the code itself).
REGISTRATION_FIELDS = tuple(n for n in ENTERPRISE_FIELDS if n != "uscc")


def registration_json(*, actor: User, code: str, park: Park, registration: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of a new enterprise given with a settlement request, checked by the enterprise rules and
    stored as JSON (foreign keys as their codes), for the approver to register it with.

    The check reads nothing from the database, so a code registered elsewhere and one registered nowhere get
    the same errors for the same fields.
    """
    unknown = sorted(set(registration) - set(REGISTRATION_FIELDS))
    if unknown:
        raise TypeError(f"not fields of an enterprise: {', '.join(unknown)}")
    values = {n: registration[n] for n in REGISTRATION_FIELDS if n in registration}
    values["name"] = str(values.get("name") or "").strip()
    errors = enterprise_validate(actor=actor, values={**values, "uscc": code}, creating=True, park=park)
    if errors:
        raise ValidationError(errors)  # type: ignore[arg-type]
    # The model's own field rules (lengths, choices, names' characters), without the uniqueness queries.
    Enterprise(uscc=code, **values).full_clean(validate_unique=False, validate_constraints=False)
    return {n: str(getattr(v, "pk", v)) if n in ("industry", "region") and v is not None else audit._json_value(v)
            for n, v in values.items()}


def registration_values(registration: Mapping[str, Any]) -> dict[str, Any]:
    """A request's stored registration (:func:`registration_json`) as :func:`enterprise_create`'s arguments."""
    values: dict[str, Any] = {}
    for name, raw in registration.items():
        if name == "industry":
            values[name] = IndustryCode.objects.filter(pk=raw).first() if raw else None
        elif name == "region":
            values[name] = Region.objects.filter(pk=raw).first() if raw else None
        else:
            field: Any = Enterprise._meta.get_field(name)
            values[name] = field.to_python(raw)
    return values


@transaction.atomic
def enterprise_request_settle(
    *, actor: User, uscc: str, park: Park, signed_on: dt.date, note: str = "", units: Iterable[Unit] = (),
    registration: Mapping[str, Any] | None = None,
) -> EnterpriseRequest:
    """File a request to sign the enterprise with code ``uscc`` into ``park``, for district staff to decide.

    Filed alike whether the code is registered outside the actor's scope or not at all, so the actor learns
    nothing of an enterprise it may not see: the same checks, queries, answer and stored request, whose deciding
    region and enterprise the requester is never shown. District staff of the enterprise's registered region
    decide (of the park's region for an unregistered code, which they approve by registering it from
    ``registration``, the fields of a new enterprise the requester gave, or once it is registered).
    """
    require_role(actor, EDIT_PARK)
    require_editable(Park.objects, actor, park)
    _not_in_future("signed_on", signed_on)
    code = _valid_code(uscc)
    stored = registration_json(actor=actor, code=code, park=park, registration=registration) if registration \
        else {}
    # Unscoped on purpose: it only picks who decides; the actor never sees the row through the request. The
    # enterprise itself is linked when the request is approved, not now: linking it would cost one more query
    # (the key's check) for a registered code than for an unknown one.
    registered_in = Enterprise.objects.by_uscc(code).values_list("region_id", flat=True).first()
    request = EnterpriseRequest(
        kind=EnterpriseRequest.Kind.SETTLE, region_id=registered_in or park.region_id,
        uscc=code, park=park, signed_on=signed_on, note=note[:500],
        units=sorted(u.pk for u in units if u.building.park_id == park.pk), requested_by=actor,
        registration=stored,
    )
    return save_created(actor=actor, obj=request)


@transaction.atomic
def enterprise_sign_by_uscc(
    *, actor: User, uscc: str, park: Park, signed_on: dt.date, note: str = "", units: Iterable[Unit] = (),
    register: Mapping[str, Any] | None = None,
) -> Settlement | EnterpriseRequest:
    """Sign the enterprise a typed USCC names into ``park``: the one path of settling by code (API, forms,
    lead conversion, registration with a park).

    - An enterprise the actor may find (:func:`~yuanqu.enterprises.selectors.enterprise_lookup`): signed now.
    - District staff (:data:`REGISTERS_DIRECTLY`), a code not registered at all, with ``register`` (the fields of
      a new enterprise): registered and signed.
    - Otherwise: a request district staff decide (:func:`enterprise_request_settle`), carrying ``register``.
      For a park operator that is every code outside its scope, registered elsewhere or nowhere: the same
      answer either way, and an approval of a new code registers it. The enterprise's data stay invisible to
      the actor until approved.
    """
    require_role(actor, EDIT_PARK)
    require_editable(Park.objects, actor, park)
    code = _valid_code(uscc)
    enterprise = enterprise_lookup(user=actor, uscc=code)
    if enterprise is not None:
        return settlement_create(actor=actor, enterprise=enterprise, park=park, signed_on=signed_on, units=units,
                                 note=note)
    if register is not None and actor.role in REGISTERS_DIRECTLY and not Enterprise.objects.by_uscc(code).exists():
        created = enterprise_create(actor=actor, uscc=code, park=park, signed_on=signed_on, units=units, note=note,
                                    **register)
        return Settlement.objects.active().get(enterprise=created, park=park)
    return enterprise_request_settle(actor=actor, uscc=code, park=park, signed_on=signed_on, note=note,
                                     units=units, registration=register)


def _decidable(actor: User, request: EnterpriseRequest) -> EnterpriseRequest:
    if not requests_to_decide(actor).filter(pk=request.pk).exists():
        raise PermissionDenied("request outside the actor's decisions")
    request = EnterpriseRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != EnterpriseRequest.Status.PENDING:
        raise ValidationError(_("This request has been decided already."), code="decided")
    return request


def _decided(*, actor: User, request: EnterpriseRequest, status: str, reason: str = "") -> EnterpriseRequest:
    before = audit.snapshot(request)
    request.status = status
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.reason = reason
    return save_updated(actor=actor, obj=request, before=before)


@transaction.atomic
def enterprise_request_approve(*, actor: User, request: EnterpriseRequest) -> EnterpriseRequest:
    """Approve a request (district staff of its region, not its requester): sign the enterprise into the
    requester's park, or apply the designations the enterprise asked for."""
    request = _decidable(actor, request)
    if request.kind == EnterpriseRequest.Kind.SETTLE:
        assert request.park is not None and request.signed_on is not None
        if not Park.objects.editable_by(request.requested_by).filter(pk=request.park.pk).exists():
            raise ValidationError(_("The requester no longer runs this park."), code="park")
        units = Unit.objects.filter(pk__in=request.units, building__park=request.park).select_related("building")
        # The enterprise as the approver finds it. A code registered nowhere is registered now from the fields
        # the requester gave; without them (or registered elsewhere since) it is "not found".
        enterprise = enterprise_lookup(user=actor, uscc=request.uscc)
        if enterprise is None and request.registration and not Enterprise.objects.by_uscc(request.uscc).exists():
            enterprise = enterprise_create(actor=actor, uscc=request.uscc, park=request.park,
                                           signed_on=request.signed_on, units=units, note=request.note,
                                           **registration_values(request.registration))
            request.settlement = Settlement.objects.active().get(enterprise=enterprise, park=request.park)
        elif enterprise is None:
            raise ValidationError(ENTERPRISE_NOT_FOUND, code="not_found")
        else:
            request.settlement = _settle(actor=actor, enterprise=enterprise, park=request.park,
                                         signed_on=request.signed_on, units=units, note=request.note)
        request.enterprise = enterprise
    else:
        assert request.enterprise is not None
        values = designation_values(request.changes)
        enterprise_update(actor=actor, enterprise=request.enterprise, **values)
    return _decided(actor=actor, request=request, status=EnterpriseRequest.Status.APPROVED)


@transaction.atomic
def enterprise_request_reject(*, actor: User, request: EnterpriseRequest, reason: str) -> EnterpriseRequest:
    """Reject a request, with the reason the requester reads."""
    request = _decidable(actor, request)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [ValidationError(_("Give the reason for rejecting the request."),
                                                          code="required")]})
    return _decided(actor=actor, request=request, status=EnterpriseRequest.Status.REJECTED, reason=reason[:200])


def designation_values(changes: Mapping[str, Any]) -> dict[str, Any]:
    """Designation changes (JSON as stored, or typed) as the model's values; a bad one is a field error."""
    values: dict[str, Any] = {}
    errors: dict[str, list[ValidationError]] = {}
    for name, raw in changes.items():
        if name not in DESIGNATION_FIELDS:
            errors.setdefault("__all__", []).append(ValidationError(
                _("%(field)s is not a designation.") % {"field": name}, code="invalid"))
            continue
        field: Any = Enterprise._meta.get_field(name)
        try:
            value = field.to_python(None if raw == "" and field.null else raw)
            if name == "srdi_level":
                value = value or ""
            if name == "registered_capital_wan" and value is not None and value < 0:
                raise ValidationError(_("Must not be negative."), code="min_value")
            if field.choices and value not in {c[0] for c in field.choices}:
                raise ValidationError(_("Not one of the choices."), code="invalid_choice")
        except ValidationError as exc:
            errors[name] = exc.error_list
            continue
        values[name] = value
    if errors:
        raise ValidationError(errors)  # type: ignore[arg-type]
    return values


def designation_changes(enterprise: Enterprise, values: Mapping[str, Any]) -> dict[str, Any]:
    """The designations ``values`` would change on ``enterprise`` (field → new value), as JSON."""
    typed = designation_values({k: v for k, v in values.items() if k in DESIGNATION_FIELDS})
    return {k: audit._json_value(v) for k, v in typed.items() if getattr(enterprise, k) != v}


def designations_refused(*, actor: User, enterprise: Enterprise, values: Mapping[str, Any]) -> None:
    """Refuse a direct change of designations by anyone but district staff, audited, with a message by field.

    Called by the API and the forms before they write (outside the write's transaction, so the audit record of
    the refusal stays); :func:`enterprise_update` refuses the same again for any other caller.
    """
    changes = designation_changes(enterprise, values) if actor.role not in DESIGNATION_SETTERS else {}
    if changes:
        record_refusal(actor=actor, attempt="designation_update", obj=enterprise)
        raise _designation_error(changes)


def _designation_error(changes: Iterable[str]) -> ValidationError:
    message = _("Designations (high-tech, above designated size, specialised and sophisticated, listing, "
                "registered capital) are set by district staff. File a change request for them to confirm.")
    return ValidationError({name: [ValidationError(message, code="designation")] for name in changes})


@transaction.atomic
def enterprise_change_request(*, actor: User, enterprise: Enterprise, changes: Mapping[str, Any]) -> EnterpriseRequest:
    """The enterprise asks district staff to change its designations (高新, 规上, 专精特新, listing, capital)."""
    require_role(actor, {Role.ENTERPRISE_USER})
    require_editable(Enterprise.objects, actor, enterprise)
    wanted = designation_changes(enterprise, changes)
    if not wanted:
        raise ValidationError(_("Nothing to change: the designations are as given."), code="unchanged")
    request = EnterpriseRequest(kind=EnterpriseRequest.Kind.CHANGE, region_id=enterprise.region_id,
                                uscc=enterprise.uscc, enterprise=enterprise, changes=wanted, requested_by=actor)
    return save_created(actor=actor, obj=request)


#: What the requester is told once a request is filed: one text per kind, whatever the code named.
REQUEST_FILED = {
    EnterpriseRequest.Kind.SETTLE: gettext_lazy(
        "Request filed: district staff will review signing this code into your park."),
    EnterpriseRequest.Kind.CHANGE: gettext_lazy(
        "Change request filed: district staff will confirm the designations."),
}


@transaction.atomic
def enterprise_register(
    *, actor: User, park: Park | None = None, signed_on: dt.date | None = None, **fields: Any,
) -> Enterprise | EnterpriseRequest:
    """Register an enterprise (:func:`enterprise_create`), or file a request to sign it into ``park`` instead
    (:func:`enterprise_request_settle`, carrying the fields given, from which district staff register it when
    they approve), so registering never reads, renames or signs an enterprise the actor may not see:

    - district staff (:data:`REGISTERS_DIRECTLY`): a request only for a code registered outside their scope;
    - a park operator: a request for every code outside its scope, registered elsewhere or nowhere alike, so
      the answer does not tell whether the code is registered (issue 12 H1).
    """
    code = normalize_uscc(fields.get("uscc") or "")
    if park is not None and code and enterprise_lookup(user=actor, uscc=code) is None and (
            actor.role not in REGISTERS_DIRECTLY or Enterprise.objects.by_uscc(code).exists()):
        registration = {k: v for k, v in fields.items() if k != "uscc"}
        return enterprise_request_settle(actor=actor, uscc=code, park=park,
                                         signed_on=signed_on or timezone.localdate(), registration=registration)
    return enterprise_create(actor=actor, park=park, signed_on=signed_on, **fields)



#: Who archives, restores and deletes (core.archive): DESIGN.md's roles.
ARCHIVE_ROLES = EDIT_REGION

def enterprise_archive(*, actor: User, enterprise: Enterprise, reason: str) -> Enterprise:
    """Archive a enterprise with a reason (district staff): it leaves every list, figure and export until restored."""
    return archive.archive(actor=actor, obj=enterprise, reason=reason, roles=ARCHIVE_ROLES)  # type: ignore[no-any-return]


def enterprise_restore(*, actor: User, enterprise: Enterprise) -> Enterprise:
    """Bring an archived enterprise back."""
    return archive.restore(actor=actor, obj=enterprise, roles=ARCHIVE_ROLES)  # type: ignore[no-any-return]


def enterprise_delete(*, actor: User, enterprise: Enterprise) -> None:
    """Delete an enterprise for good, only while it has no history (core.archive.history)."""
    archive.hard_delete(actor=actor, obj=enterprise, roles=ARCHIVE_ROLES)


# --------------------------------------------------------------------------- designations (梯度培育)

#: srdi_level (the cache) from the 专精特新 ladder's designations, highest first.
_SRDI_CACHE = ((Designation.Kind.LITTLE_GIANT, Enterprise.SrdiLevel.LITTLE_GIANT),
               (Designation.Kind.SRDI_SME, Enterprise.SrdiLevel.PROVINCIAL),
               (Designation.Kind.INNOVATIVE_SME, Enterprise.SrdiLevel.INNOVATIVE_SME))


def designation_flags(enterprise: Enterprise, on: dt.date | None = None) -> dict[str, Any]:
    """What the cache fields should hold: the designations in force ``on`` (today)."""
    on = on or timezone.localdate()
    active = list(enterprise.designations.all().active_on(on))
    kinds = {d.kind for d in active}
    srdi = next((level for kind, level in _SRDI_CACHE if kind in kinds), Enterprise.SrdiLevel.NONE)
    listed = sorted((d for d in active if d.kind == Designation.Kind.LISTING and d.listed_on is not None
                     and d.listed_on <= on), key=lambda d: d.listed_on or on)
    return {"is_high_tech": Designation.Kind.HIGH_TECH in kinds, "srdi_level": str(srdi),
            "listing": listed[-1].board if listed else str(Enterprise.Listing.UNLISTED)}


def designation_flags_refresh(*, actor: User | None, enterprise: Enterprise, on: dt.date | None = None) -> Enterprise:
    """Bring the enterprise's cache fields in line with its designations (audited; nothing written when equal).

    Called by every designation service in its transaction; the expiry of a 高企 (or any change of standing with
    the date) is caught by the next write or by :func:`designation_flags_daily` (the figures read the history, not
    the cache). ``on``: the day whose standing the cache takes (today)."""
    enterprise.refresh_from_db()  # the stored state, not an object a preview changed and rolled back
    wanted = designation_flags(enterprise, on)
    current = {n: getattr(enterprise, n) for n in LADDER_FIELDS}
    if current == wanted:
        return enterprise
    before = audit.snapshot(enterprise)
    assign(enterprise, **wanted)
    save_updated(actor=actor, obj=enterprise, before=before)
    changes.changed("enterprise", enterprise.pk)  # policies re-match it once this commits
    return enterprise


#: The audit events of the daily refresh carry this batch name; the last one's day is where the next run starts.
EXPIRY_BATCH = "designation_flags_daily"


def _last_refresh_day() -> dt.date | None:
    event = (AuditEvent.objects.filter(object_type=Designation._meta.label, after__batch=EXPIRY_BATCH)
             .order_by("-at", "-id").first())
    after: Any = event.after if event is not None else None
    try:
        return dt.date.fromisoformat(after["on"]) if after is not None else None
    except (KeyError, TypeError, ValueError):
        return None


@transaction.atomic
def designation_flags_daily(*, today: dt.date | None = None) -> list[int]:
    """Refresh the cache fields (高企, 专精特新, listing) of the enterprises whose designations came into or went out of
    force since the last run (a 高企 past its 有效期, one ended or recognised, a listing dated): a designation whose
    day of change — the day after ``valid_until``, ``ended_on``, ``recognised_on``, ``listed_on`` — falls after the
    last run's day and on or before ``today``; every one on the first run. A system action: each changed enterprise
    is audited with no user, and one event records the run (its day, the enterprises checked and changed), which
    the next run starts from. Returns the ids of the enterprises changed. Run daily (``yuanqu designation_expiry``,
    ``deploy/systemd/yuanqu-designation-expiry.timer``, or the task of the same name)."""
    today = today or timezone.localdate()
    last = _last_refresh_day()
    windows = {"valid_until": dt.timedelta(days=1), "ended_on": dt.timedelta(0), "recognised_on": dt.timedelta(0),
               "listed_on": dt.timedelta(0)}
    turned = Q()
    for name, shift in windows.items():
        # the designation's standing changes at the end of ``name + shift - 1``: the day ``name + shift`` reads it
        window = Q(**{f"{name}__lte": today - shift})
        if last is not None:
            window &= Q(**{f"{name}__gt": last - shift})
        turned |= window
    ids = sorted(set(Designation.objects.filter(turned).values_list("enterprise_id", flat=True)))
    changed: list[int] = []
    for enterprise in Enterprise.objects.filter(pk__in=ids).order_by("pk"):
        before = {n: getattr(enterprise, n) for n in LADDER_FIELDS}
        refreshed = designation_flags_refresh(actor=None, enterprise=enterprise, on=today)  # writes only a change
        if {n: getattr(refreshed, n) for n in LADDER_FIELDS} != before:
            changed.append(enterprise.pk)
    audit.record(actor=None, username="system", action=AuditEvent.Action.UPDATE,
                 object_type=Designation._meta.label, object_repr="认定状态每日刷新",
                 after={"batch": EXPIRY_BATCH, "on": today.isoformat(), "since": last.isoformat() if last else None,
                        "checked": len(ids), "changed": len(changed)})
    return changed


def _designation_editable(actor: User, enterprise: Enterprise) -> None:
    """District staff of a region that sees the enterprise; anyone else, or an enterprise out of scope, is refused
    (out of scope: the same answer as a missing one)."""
    require_role(actor, EDIT_REGION)
    require_editable(Enterprise.objects, actor, enterprise)


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@transaction.atomic
def designation_grant(
    *,
    actor: User,
    enterprise: Enterprise,
    kind: str,
    recognised_on: dt.date | None,
    level: str = "",
    certificate_no: str = "",
    valid_until: dt.date | None = None,
    source: str = "",
    board: str = "",
    coaching_on: dt.date | None = None,
) -> Designation:
    """Record a designation of ``enterprise`` (a 认定, or a 上市后备 with its target ``board``).

    A recognition without an end date is valid for :data:`Designation.VALID_YEARS` (高企: 3 years, to the day
    before). A renewal of a kind already held ends the former designation the day the new one is recognised
    (``superseded``); a second 上市后备 while one is in progress is refused.
    """
    _designation_editable(actor, enterprise)
    _not_in_future("recognised_on", recognised_on)
    _not_in_future("coaching_on", coaching_on)
    if kind not in Designation.Kind.values:
        raise ValidationError({"kind": [ValidationError(_("Not one of the choices."), code="invalid_choice")]})
    if valid_until is None and recognised_on is not None and kind in Designation.VALID_YEARS:
        valid_until = _add_years(recognised_on, Designation.VALID_YEARS[kind]) - dt.timedelta(days=1)
    if kind == Designation.Kind.LISTING and coaching_on is not None and recognised_on is None:
        recognised_on = coaching_on
    open_one = (Designation.objects.filter(enterprise=enterprise, kind=kind, ended_on__isnull=True,
                                           listed_on__isnull=True).first())
    if open_one is not None:
        # a renewal (重新认定) comes in the current one's last year or after it, never beside it
        if (kind == Designation.Kind.LISTING or recognised_on is None
                or (open_one.recognised_on is not None and recognised_on <= open_one.recognised_on)
                or (open_one.valid_until is not None
                    and recognised_on < open_one.valid_until - dt.timedelta(days=365))):
            raise ValidationError({"kind": [ValidationError(
                _("The enterprise already holds this designation; a renewal is recognised after the current one."),
                code="held")]})
        before = audit.snapshot(open_one)
        open_one.ended_on, open_one.end_reason = recognised_on, Designation.EndReason.SUPERSEDED
        save_updated(actor=actor, obj=open_one, before=before)
    designation = Designation(enterprise=enterprise, kind=kind, level=level or "", certificate_no=certificate_no or "",
                              recognised_on=recognised_on, valid_until=valid_until, source=source or "",
                              board=board or "", coaching_on=coaching_on)
    save_created(actor=actor, obj=designation)
    designation_flags_refresh(actor=actor, enterprise=enterprise)
    return designation


@transaction.atomic
def designation_revoke(*, actor: User, designation: Designation, on: dt.date,
                       reason: str = Designation.EndReason.REVOKED) -> Designation:
    """End a designation on ``on``: revoked (撤销), or a 上市后备 withdrawn (终止上市辅导/撤回申报)."""
    _designation_editable(actor, designation.enterprise)
    _not_in_future("on", on)
    if designation.ended_on is not None:
        raise ValidationError({"on": [ValidationError(_("This designation has already ended."), code="ended")]})
    if reason not in (Designation.EndReason.REVOKED, Designation.EndReason.WITHDRAWN):
        raise ValidationError({"reason": [ValidationError(_("Not one of the choices."), code="invalid_choice")]})
    if designation.recognised_on is not None and on < designation.recognised_on:
        raise ValidationError({"on": [ValidationError(_("The end cannot be before the recognition."),
                                                      code="before_recognised")]})
    before = audit.snapshot(designation)
    designation.ended_on, designation.end_reason = on, reason
    save_updated(actor=actor, obj=designation, before=before)
    designation_flags_refresh(actor=actor, enterprise=designation.enterprise)
    return designation


@transaction.atomic
def listing_advance(*, actor: User, designation: Designation, to_stage: str, on: dt.date) -> Designation:
    """Move a 上市后备 to its next step (辅导 → 申报 → 上市), dated ``on``; steps keep their order."""
    _designation_editable(actor, designation.enterprise)
    _not_in_future("on", on)
    if designation.kind != Designation.Kind.LISTING:
        raise ValidationError({"to_stage": [ValidationError(_("Only a listing reserve has listing steps."),
                                                            code="not_listing")]})
    if designation.ended_on is not None or designation.listed_on is not None:
        raise ValidationError({"to_stage": [ValidationError(_("This listing has ended."), code="ended")]})
    order = list(Designation.STAGE_DATE)
    if to_stage not in order:
        raise ValidationError({"to_stage": [ValidationError(_("Not one of the choices."), code="invalid_choice")]})
    current = designation.stage
    if current != Designation.Stage.RESERVE and order.index(to_stage) <= order.index(current):
        raise ValidationError({"to_stage": [ValidationError(
            _("The listing is already at this step or beyond."), code="backwards")]})
    last = max((d for d in (designation.recognised_on, designation.coaching_on, designation.filed_on) if d),
               default=None)
    if last is not None and on < last:
        raise ValidationError({"on": [ValidationError(_("The date cannot be before the previous step."),
                                                      code="before_previous")]})
    before = audit.snapshot(designation)
    for stage in order[: order.index(to_stage) + 1]:  # a skipped step (listed without 申报 recorded) takes ``on``
        if getattr(designation, Designation.STAGE_DATE[stage]) is None:
            setattr(designation, Designation.STAGE_DATE[stage], on)
    save_updated(actor=actor, obj=designation, before=before)
    designation_flags_refresh(actor=actor, enterprise=designation.enterprise)
    return designation


#: srdi_level values (the former flag) as the designation they stand for.
_SRDI_KIND = {level: kind for kind, level in _SRDI_CACHE}


def flag_designation(kind: str, *, on: dt.date, source: str, board: str = "") -> Designation:
    """The designation (unsaved, no enterprise yet) that a former flag set on ``on`` stands for: valid for the
    kind's years, a listing on ``board`` with its steps all on ``on``."""
    d = Designation(kind=kind, recognised_on=on, source=source, board=board)
    if kind in Designation.VALID_YEARS:
        d.valid_until = _add_years(on, Designation.VALID_YEARS[kind]) - dt.timedelta(days=1)
    if kind == Designation.Kind.LISTING:
        d.coaching_on = d.filed_on = d.listed_on = on
    return d


def flag_designations(*, on: dt.date, source: str, is_high_tech: bool = False, srdi_level: str = "",
                      listing: str = "") -> list[Designation]:
    """The designations a new enterprise holds when created with these former flags: what
    :func:`designation_set_current` grants an enterprise that holds none (the enterprise importer's bulk path writes
    them with the rows; its flags then equal :func:`designation_flags`)."""
    out = []
    if is_high_tech:
        out.append(flag_designation(Designation.Kind.HIGH_TECH, on=on, source=source))
    kind = _SRDI_KIND.get(Enterprise.SrdiLevel(srdi_level or ""))
    if kind is not None:
        out.append(flag_designation(kind, on=on, source=source))
    if listing not in ("", Enterprise.Listing.UNLISTED):
        out.append(flag_designation(Designation.Kind.LISTING, on=on, source=source, board=str(listing)))
    return out


@transaction.atomic
def designation_set_current(*, actor: User, enterprise: Enterprise, on: dt.date, source: str,
                            is_high_tech: bool | Unset = UNSET, srdi_level: str | Unset = UNSET,
                            listing: str | Unset = UNSET) -> Enterprise:
    """Record a change of the former flags (an enterprise record saved by the API or an import, an approved change
    request) as designations: a flag set grants the designation on ``on``, a flag cleared ends it (revoked).

    The flags are then refreshed from the history, so they never disagree with it.
    """
    _designation_editable(actor, enterprise)
    held = {d.kind: d for d in Designation.objects.filter(enterprise=enterprise).active_on(on)}

    def end(d: Designation) -> None:
        before = audit.snapshot(d)
        d.ended_on, d.end_reason = max(on, d.recognised_on or on), Designation.EndReason.REVOKED
        save_updated(actor=actor, obj=d, before=before)

    def grant(kind: str, board: str = "") -> None:
        if kind in held:
            return
        open_one = Designation.objects.filter(enterprise=enterprise, kind=kind, ended_on__isnull=True,
                                              listed_on__isnull=True).first()
        if open_one is not None:  # held but expired: this records a renewal
            end(open_one)
        d = flag_designation(kind, on=on, source=source, board=board)
        d.enterprise = enterprise
        save_created(actor=actor, obj=d)
        held[kind] = d

    if is_high_tech is not UNSET:
        if is_high_tech:
            grant(Designation.Kind.HIGH_TECH)
        elif Designation.Kind.HIGH_TECH in held:
            end(held.pop(Designation.Kind.HIGH_TECH))
    if srdi_level is not UNSET:
        wanted_kind = _SRDI_KIND.get(Enterprise.SrdiLevel(srdi_level or ""))
        for kind in _SRDI_KIND.values():
            if kind != wanted_kind and kind in held and (wanted_kind is None or
                                                          list(_SRDI_KIND.values()).index(kind)
                                                          < list(_SRDI_KIND.values()).index(wanted_kind)):
                end(held.pop(kind))  # lower the level: the higher designations end
        if wanted_kind is not None:
            grant(wanted_kind)
    if listing is not UNSET:
        listed = [d for d in Designation.objects.filter(enterprise=enterprise, kind=Designation.Kind.LISTING,
                                                         listed_on__isnull=False, ended_on__isnull=True)]
        if listing in ("", Enterprise.Listing.UNLISTED):
            for d in listed:
                end(d)
        elif not any(d.board == listing for d in listed):
            for d in listed:
                end(d)
            held.pop(Designation.Kind.LISTING, None)
            grant(Designation.Kind.LISTING, board=str(listing))
    enterprise.refresh_from_db()
    return designation_flags_refresh(actor=actor, enterprise=enterprise)


@transaction.atomic
def designation_update(*, actor: User, designation: Designation, level: str | Unset = UNSET,
                       certificate_no: str | Unset = UNSET, valid_until: dt.date | None | Unset = UNSET,
                       source: str | Unset = UNSET) -> Designation:
    """Correct a designation's level, certificate number, end of validity or source (its kind, enterprise and
    dates of steps change only by granting, ending and advancing)."""
    _designation_editable(actor, designation.enterprise)
    before = audit.snapshot(designation)
    assign(designation, level=level, certificate_no=certificate_no, valid_until=valid_until, source=source)
    save_updated(actor=actor, obj=designation, before=before)
    designation_flags_refresh(actor=actor, enterprise=designation.enterprise)
    return designation
