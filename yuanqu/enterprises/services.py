"""Every write to enterprises, their contacts and their settlements."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yuanqu.core import audit
from yuanqu.core.models import AuditEvent
from yuanqu.core.roles import EDIT_PARK, Role
from yuanqu.core.services import (
    apply_changes,
    delete_audited,
    require_editable,
    require_role,
    save_created,
    save_updated,
)
from yuanqu.core.text import normalize_uscc, pinyin_keys
from yuanqu.parks.models import Park, Unit

from .models import Contact, Enterprise, EnterpriseName, Occupancy, Settlement

ENTERPRISE_FIELDS = (
    "uscc", "name", "industry", "region", "is_high_tech", "srdi_level", "is_above_scale", "listing",
    "is_four_new", "registered_capital_wan", "established_on", "status",
)
CONTACT_FIELDS = ("name", "title", "phone", "email", "is_primary")


def check_uscc_free(*, actor: Any, uscc: str, exclude_pk: Any = None) -> None:
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


def _not_in_future(field: str, day: dt.date | None) -> None:
    if day is not None and day > timezone.localdate():
        raise ValidationError({field: [ValidationError(_("The date cannot be in the future."), code="future")]})


@transaction.atomic
def enterprise_create(
    *,
    actor: Any,
    park: Park | None = None,
    signed_on: dt.date | None = None,
    **data: Any,
) -> Enterprise:
    """Register an enterprise; with ``park``, also sign it into that park (a 签约 settlement).

    District staff may register any enterprise; a park operator only one it signs into its park.
    """
    require_role(actor, EDIT_PARK)
    if actor.role == Role.PARK_OPERATOR and park is None:
        raise ValidationError({"park": [ValidationError(_("Choose the park the enterprise signs into."),
                                                        code="required")]})
    if park is not None:
        require_editable(Park.objects, actor, park)
    enterprise = Enterprise()
    apply_changes(enterprise, data, ENTERPRISE_FIELDS)
    enterprise.uscc = normalize_uscc(enterprise.uscc or "")
    check_uscc_free(actor=actor, uscc=enterprise.uscc)
    _not_in_future("established_on", enterprise.established_on)
    enterprise.name_pinyin, enterprise.name_initials = pinyin_keys(enterprise.name)
    save_created(actor=actor, obj=enterprise)
    if park is not None:
        settlement_create(actor=actor, enterprise=enterprise, park=park, signed_on=signed_on or timezone.localdate())
    return enterprise


@transaction.atomic
def enterprise_update(*, actor: Any, enterprise: Enterprise, **data: Any) -> Enterprise:
    """Change an enterprise's record. A rename keeps the old name in the name history.

    Enterprise users may not change their own USCC or registered region.
    """
    require_editable(Enterprise.objects, actor, enterprise)
    if actor.role == Role.ENTERPRISE_USER:
        data.pop("uscc", None)
        data.pop("region", None)
    before = audit.snapshot(enterprise)
    old_name = enterprise.name
    apply_changes(enterprise, data, ENTERPRISE_FIELDS)
    enterprise.uscc = normalize_uscc(enterprise.uscc)
    check_uscc_free(actor=actor, uscc=enterprise.uscc, exclude_pk=enterprise.pk)
    _not_in_future("established_on", enterprise.established_on)
    enterprise.name_pinyin, enterprise.name_initials = pinyin_keys(enterprise.name)
    save_updated(actor=actor, obj=enterprise, before=before)
    if enterprise.name != old_name:
        former = EnterpriseName(enterprise=enterprise, name=old_name, used_until=timezone.localdate())
        save_created(actor=actor, obj=former)
    return enterprise


@transaction.atomic
def contact_create(*, actor: Any, enterprise: Enterprise, **data: Any) -> Contact:
    """Add a contact person to an enterprise."""
    require_editable(Enterprise.objects, actor, enterprise)
    contact = Contact(enterprise=enterprise)
    apply_changes(contact, data, CONTACT_FIELDS)
    return save_created(actor=actor, obj=contact)


@transaction.atomic
def contact_update(*, actor: Any, contact: Contact, **data: Any) -> Contact:
    """Change a contact person."""
    require_editable(Contact.objects, actor, contact)
    before = audit.snapshot(contact)
    apply_changes(contact, data, CONTACT_FIELDS)
    return save_updated(actor=actor, obj=contact, before=before)


@transaction.atomic
def contact_delete(*, actor: Any, contact: Contact) -> None:
    """Remove a contact person."""
    require_editable(Contact.objects, actor, contact)
    delete_audited(actor=actor, obj=contact)


def _occupy(*, actor: Any, settlement: Settlement, units: Iterable[Unit], since: dt.date) -> None:
    for unit in units:
        if unit.building.park_id != settlement.park_id:
            raise ValidationError({"units": [ValidationError(
                _("Unit %(unit)s is not in %(park)s.") % {"unit": unit, "park": settlement.park.name},
                code="unit_park")]})
        taken = Occupancy.objects.filter(unit=unit, active=True).exclude(settlement=settlement).first()
        if taken is not None:
            raise ValidationError({"units": [ValidationError(
                _("Unit %(unit)s already has an active tenant.") % {"unit": unit.number}, code="unit_taken")]})
        if Occupancy.objects.filter(unit=unit, active=True, settlement=settlement).exists():
            continue
        occupancy = Occupancy(settlement=settlement, unit=unit, since=since)
        try:
            with transaction.atomic():
                save_created(actor=actor, obj=occupancy)
        except IntegrityError as exc:  # a concurrent request took the unit first
            raise ValidationError({"units": [ValidationError(
                _("Unit %(unit)s already has an active tenant.") % {"unit": unit.number}, code="unit_taken")]}
            ) from exc
        if unit.status != Unit.Status.LEASED:
            before = audit.snapshot(unit)
            unit.status = Unit.Status.LEASED
            save_updated(actor=actor, obj=unit, before=before)


def _release(*, actor: Any, settlement: Settlement, until: dt.date, units: Iterable[Unit] | None = None) -> None:
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
    actor: Any,
    enterprise: Enterprise,
    park: Park,
    signed_on: dt.date,
    units: Iterable[Unit] = (),
    note: str = "",
) -> Settlement:
    """Sign an enterprise into a park (签约), optionally with the units it takes."""
    require_role(actor, EDIT_PARK)
    require_editable(Park.objects, actor, park)
    _not_in_future("signed_on", signed_on)
    settlement = Settlement(enterprise=enterprise, park=park, signed_on=signed_on, note=note)
    save_created(actor=actor, obj=settlement)
    _occupy(actor=actor, settlement=settlement, units=units, since=signed_on)
    return settlement


@transaction.atomic
def settlement_advance(
    *, actor: Any, settlement: Settlement, to_stage: str, on: dt.date, reason: str = ""
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
    return settlement


@transaction.atomic
def settlement_set_units(*, actor: Any, settlement: Settlement, units: Iterable[Unit], on: dt.date) -> Settlement:
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
def settlement_update(*, actor: Any, settlement: Settlement, note: str | None = None, **dates: Any) -> Settlement:
    """Correct a settlement's dates or note (the stage itself changes only by advancing)."""
    require_editable(Settlement.objects, actor, settlement)
    before = audit.snapshot(settlement)
    for field in ("signed_on", "fitout_on", "moved_in_on", "exited_on"):
        if field in dates:
            _not_in_future(field, dates[field])
            setattr(settlement, field, dates[field])
    if note is not None:
        settlement.note = note
    return save_updated(actor=actor, obj=settlement, before=before)
