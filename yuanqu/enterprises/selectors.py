"""Scoped reads for enterprise pages, with personal data masked by role."""

from __future__ import annotations

from collections import OrderedDict
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yuanqu.core import audit
from yuanqu.core.numbers import share
from yuanqu.core.pickers import PickerItem
from yuanqu.core.registry import SearchHit, Todo
from yuanqu.core.roles import USER_ADMINS, Role
from yuanqu.core.scoping import region_prefix_q
from yuanqu.core.text import mask_email, mask_phone
from yuanqu.parks.models import Park, Unit
from yuanqu.parks.selectors import unit_label, units_of_park

from .models import (
    Contact,
    Enterprise,
    EnterpriseQuerySet,
    EnterpriseRequest,
    Occupancy,
    Settlement,
    signed_q,
    stage_q,
)


def may_see_personal_data(user: Any, enterprise_id: int) -> bool:
    """Phones and e-mails in full: district staff and the enterprise's own users only."""
    if user.role == Role.REGION_STAFF:
        return True
    return user.role == Role.ENTERPRISE_USER and user.enterprise_id == enterprise_id


def contact_phone(user: Any, contact: Contact) -> str:
    """The contact's phone as ``user`` may see it."""
    if not contact.phone:
        return ""
    return contact.phone if may_see_personal_data(user, contact.enterprise_id) else mask_phone(contact.phone)


def contact_email(user: Any, contact: Contact) -> str:
    """The contact's e-mail as ``user`` may see it."""
    if not contact.email:
        return ""
    return contact.email if may_see_personal_data(user, contact.enterprise_id) else mask_email(contact.email)


def contacts_for(user: Any, enterprise: Enterprise) -> list[dict[str, Any]]:
    """An enterprise's contacts, with phone and e-mail masked as the user's role requires."""
    contacts = list(Contact.objects.visible_to(user).filter(enterprise=enterprise))
    audit_personal_read(user, enterprise, contacts, where="enterprise")
    return [{"contact": c, "phone": contact_phone(user, c), "email": contact_email(user, c)} for c in contacts]


def audit_personal_read(user: Any, enterprise: Enterprise, contacts: list[Contact], *, where: str) -> None:
    """Audit that ``user`` was shown contacts' phones or e-mails in full (not for the enterprise's own users:
    it is their own data)."""
    if user.role == Role.ENTERPRISE_USER or not may_see_personal_data(user, enterprise.pk):
        return
    shown = sorted({f for c in contacts for f in ("phone", "email") if getattr(c, f)})
    if shown:
        audit.record_personal_read(actor=user, obj=enterprise, fields=shown, where=where)


def enterprises_for_list(user: Any) -> QuerySet[Enterprise]:
    """Enterprises the user may see, for the list page."""
    return Enterprise.objects.visible_to(user).select_related("industry", "region")


def settlements_for_list(user: Any) -> QuerySet[Settlement]:
    """Settlements the user may see, for the list page."""
    return Settlement.objects.visible_to(user).select_related("enterprise", "park")


# The tenant side of the park pages (list counts, vacancy board, enterprises by stage): parks cannot
# import settlements, so these reads live here, with the park pages that use them (park_views.py).


def parks_for_list(user: Any) -> QuerySet[Park]:
    """Parks the user may see, with settled and moved-in counts for the list."""
    return Park.objects.visible_to(user).select_related("region").annotate(
        active_count=Count("settlements", filter=signed_q(prefix="settlements__"), distinct=True),
        moved_in_count=Count("settlements", filter=stage_q(Settlement.Stage.MOVED_IN, prefix="settlements__"),
                             distinct=True),
    )


def vacancy_board(park: Park) -> list[dict[str, Any]]:
    """Per building: floors from top to bottom, each with its units and their tenant, plus totals."""
    active = Occupancy.objects.filter(active=True).select_related("settlement__enterprise")
    buildings = park.buildings.prefetch_related(
        Prefetch("units", queryset=Unit.objects.order_by("-floor", "number").prefetch_related(
            Prefetch("occupancies", queryset=active, to_attr="active_occupancies")))
    )
    board = []
    for building in buildings:
        floors: OrderedDict[int, list[Unit]] = OrderedDict()
        totals = {s.value: Decimal(0) for s in Unit.Status}
        for unit in building.units.all():
            floors.setdefault(unit.floor, []).append(unit)
            totals[unit.status] += unit.area_m2
        area = sum(totals.values(), Decimal(0))
        board.append({
            "building": building,
            "floors": list(floors.items()),
            "unit_count": sum(len(u) for u in floors.values()),
            "area": area,
            "vacant_area": totals[Unit.Status.VACANT],
            "vacancy_rate": share(totals[Unit.Status.VACANT], area),
        })
    return board


def park_stage_summary(park: Park, user: Any) -> dict[str, Any]:
    """Counts per settlement stage and the settlements of the chosen stage, for the park page."""
    counts = Settlement.objects.visible_to(user).filter(park=park).counts_by_stage()
    return {"counts": list(counts.items()), "active_total": counts.signed}
#: The one answer of a USCC lookup that found nothing the user may see.
ENTERPRISE_NOT_FOUND = _("No enterprise with this code is registered.")


def enterprises_findable_by(user: Any) -> EnterpriseQuerySet:
    """The enterprises ``user`` may find by USCC: the one scoped lookup of settling, linking, converting and
    importing by code (issue 12 H1).

    - District staff and leaders: those of their region (``visible_to``: registered there or settled in one of
      its parks).
    - Park operators: those in their scope only (ever settled in one of their parks). An enterprise of another
      park or district is not found; signing it into their park files a request
      (:func:`yuanqu.enterprises.services.enterprise_settle_by_uscc`).
    - The system administrator: those registered in its region, to link an enterprise user's account (it sees no
      business data; the accounts of an enterprise are issued by the region it is registered in).
    - Enterprise users: their own. Anyone else: none.
    """
    if getattr(user, "is_authenticated", False) and user.role in USER_ADMINS:
        return Enterprise.objects.filter(region_prefix_q("region__code", user.region_id))
    return Enterprise.objects.visible_to(user)


def enterprise_lookup(*, user: Any, uscc: str) -> Enterprise | None:
    """The enterprise a USCC typed by ``user`` names among those ``user`` may find, or None (also for a code
    registered outside the user's scope)."""
    return enterprises_findable_by(user).by_uscc(uscc).first()


def enterprise_find_by_uscc(*, user: Any, uscc: str, field: str | None = None) -> Enterprise:
    """:func:`enterprise_lookup`, raising the one "not found" error when it finds nothing.

    An unknown code and the code of an enterprise outside the user's scope raise the same error, so the
    lookup never reveals that an out-of-scope enterprise exists. The error names ``field`` when given
    (a service or the API), and no field inside a form's ``clean_<field>``.
    """
    enterprise = enterprise_lookup(user=user, uscc=uscc)
    if enterprise is None:
        error = ValidationError(ENTERPRISE_NOT_FOUND, code="not_found")
        raise ValidationError({field: [error]}) if field else error
    return enterprise


def requests_for_list(user: Any) -> QuerySet[EnterpriseRequest]:
    """The requests ``user`` sees: those its region decides (district roles) and those it filed."""
    return EnterpriseRequest.objects.visible_to(user).select_related("park", "enterprise", "requested_by",
                                                                     "decided_by")


def requests_to_decide(user: Any) -> QuerySet[EnterpriseRequest]:
    """The requests ``user`` may approve or reject: district staff, of their region, never their own."""
    if not getattr(user, "is_authenticated", False) or user.role != Role.REGION_STAFF:
        return EnterpriseRequest.objects.none()
    return EnterpriseRequest.objects.in_region(user.region_id).exclude(requested_by=user)


def request_todos(user: Any) -> list[Todo]:
    """The 工作台 line for settlement requests waiting for the user's decision."""
    n = requests_to_decide(user).filter(status=EnterpriseRequest.Status.PENDING).count()
    return [Todo(str(_("Requests to decide")), n, reverse("enterprises:requests"))] if n else []


def enterprise_picker_items(user: Any, q: str, limit: int) -> list[PickerItem]:
    """The enterprise picker's options: enterprises the user sees by name, pinyin, initials, USCC or former name
    (``limit`` + 1 rows, so the answer can say there are more)."""
    rows = Enterprise.objects.visible_to(user).search(q).order_by("name_pinyin", "pk")[:limit + 1]
    return [PickerItem(id=str(e.pk), text=e.name, detail=e.uscc) for e in rows]


#: Units a picker offers: what can be let. Others are shown, after them, but cannot be chosen.
FREE_STATUSES = (Unit.Status.VACANT, Unit.Status.RESERVED)


def unit_picker_items(user: Any, park: Park, q: str, limit: int, *,
                      settlement: Settlement | None = None) -> list[PickerItem]:
    """The unit picker's options for ``park`` (which the caller found in the user's scope): vacant, then reserved,
    then the rest, labelled ``主塔楼 · 12层 · 1201 · 120㎡ · 空置``. A unit that is let, sold or not for lease cannot
    be chosen unless ``settlement`` occupies it; its tenant is named only when the user may see that enterprise."""
    units = list(units_of_park(Unit.objects.visible_to(user), park, q)[:limit + 1])
    tenants = {o.unit_id: o for o in Occupancy.objects.filter(unit__in=units, active=True)
               .select_related("settlement__enterprise")}
    visible = set(Enterprise.objects.visible_to(user).filter(
        pk__in={o.settlement.enterprise_id for o in tenants.values()}).values_list("pk", flat=True))
    items = []
    for unit in units:
        occupancy = tenants.get(unit.pk)
        own = occupancy is not None and settlement is not None and occupancy.settlement_id == settlement.pk
        detail = ""
        if occupancy is not None:
            enterprise = occupancy.settlement.enterprise
            detail = (str(_("Tenant: %(name)s") % {"name": enterprise.name}) if enterprise.pk in visible
                      else str(_("Let")))
        items.append(PickerItem(id=str(unit.pk), text=unit_label(unit), detail=detail,
                                disabled=not own and (occupancy is not None or unit.status not in FREE_STATUSES)))
    return items


def enterprise_search_hits(user: Any, q: str, limit: int) -> list[SearchHit]:
    """Enterprises the user sees whose name, pinyin, initials, USCC or former name match ``q``."""
    rows = Enterprise.objects.visible_to(user).search(q).order_by("name")[:limit]
    return [SearchHit(kind="enterprise", pk=e.pk, label=e.name, detail=e.uscc,
                      url=reverse("enterprises:detail", args=[e.pk])) for e in rows]
