"""The park pages that show tenants: the park list (with tenant counts) and the park detail page.

They read settlements and occupancies, which live in this app, a floor above parks; so they live here and are
mounted under the parks' URL names (``parks:list``, ``parks:detail``) by the project's urls.py.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from yuanqu.core.archive import archived_page, may_archive
from yuanqu.core.listing import Column, Filter, ListSpec, run_list
from yuanqu.core.pickers import PICKER_LIMIT, PickerInputError, picker_error, picker_id, picker_query, picker_response
from yuanqu.core.roles import Role
from yuanqu.core.scoping import get_visible_or_404
from yuanqu.core.services import require_page_role
from yuanqu.core.types import AuthedRequest
from yuanqu.parks import services as park_services
from yuanqu.parks.models import Park, Unit

from . import selectors
from .models import Settlement


def _spec() -> ListSpec:
    return ListSpec(
        filters=[
            Filter("kind", _("Kind"), Park.Kind.choices),
            Filter("status", _("Status"), Park.Status.choices),
            Filter("key_level", _("Key-project level"), [c for c in Park.Level.choices if c[0]]),
        ],
        sorts={
            "name": ("name_pinyin",),
            "opened_on": ("opened_on",),
            "active": ("active_count",),
            "moved_in": ("moved_in_count",),
            "investment": ("total_investment_wan",),
        },
        default_sort="name",
        search=lambda qs, q: qs.search(q),
        columns=lambda r: [
            Column(_("Name"), lambda p: p.name),
            Column(_("Region"), lambda p: p.region.name),
            Column(_("Kind"), lambda p: p.get_kind_display()),
            Column(_("Status"), lambda p: p.get_status_display()),
            Column(_("Key-project level"), lambda p: p.get_key_level_display() if p.key_level else ""),
            Column(_("Operator"), lambda p: p.operator_name),
            Column(_("Address"), lambda p: p.address),
            Column(_("Land area (mu)"), lambda p: p.land_area_mu),
            Column(_("Floor area (m²)"), lambda p: p.floor_area_m2),
            Column(_("Total investment (10k yuan)"), lambda p: p.total_investment_wan),
            Column(_("Opening date"), lambda p: p.opened_on),
            # Names with their GB/T 4754 codes, as the park importer reads a list cell back.
            Column(_("Focus industries"), lambda p: "、".join(
                f"{i.name}({i.code})" for i in sorted(p.industries.all(), key=lambda i: i.code))),
            Column(_("Enterprises signed"), lambda p: p.active_count),
            Column(_("Enterprises moved in"), lambda p: p.moved_in_count),
        ],
        export_name="parks",
    )


@login_required
def park_list(request: AuthedRequest) -> HttpResponse:
    """The parks the user may see, with filters, pinyin search, sorting, pagination and export."""
    require_page_role(request.user, Role.REGION_STAFF, Role.LEADER, Role.PARK_OPERATOR)
    if request.GET.get("archived") == "1":
        return archived_page(request, Park.objects.archived().visible_to(request.user), title=_("Parks"),
                             list_url="parks:list", roles=park_services.ARCHIVE_ROLES)
    return run_list(request, selectors.parks_for_list(request.user), _spec(), "parks/park_list.html",
                    {"can_create": request.user.role == Role.REGION_STAFF, "archived_filter": True})


def _stage_context(request: AuthedRequest, park: Park, stage: str) -> dict[str, object]:
    summary = selectors.park_stage_summary(park, request.user)
    if stage not in Settlement.Stage.values:
        stage = Settlement.Stage.MOVED_IN
    settlements = (Settlement.objects.visible_to(request.user).filter(park=park, stage=stage)
                   .select_related("enterprise").order_by("enterprise__name_pinyin"))
    return {
        "park": park,
        "summary": summary,
        "stage": stage,
        "settlements": settlements,
        "can_advance": Park.objects.editable_by(request.user).filter(pk=park.pk).exists(),
        "today": timezone.localdate(),
    }


@login_required
def park_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """A park: its record, buildings, vacancy board and enterprises by settlement stage."""
    park = get_visible_or_404(Park.objects.select_related("region"), request.user, pk=pk)
    ctx = _stage_context(request, park, request.GET.get("stage", Settlement.Stage.MOVED_IN))
    if request.htmx and request.GET.get("part") == "stages":
        return render(request, "parks/_stages.html", ctx)
    ctx.update({
        "board": selectors.vacancy_board(park),
        "can_edit": Park.objects.editable_by(request.user).filter(pk=park.pk).exists(),
        "archive_url": reverse("parks:archive", args=[park.pk])
        if may_archive(request.user, park, park_services.ARCHIVE_ROLES) else "",
        "industries": park.industries.all(),
        "Unit": Unit,
    })
    return render(request, "parks/park_detail.html", ctx)


def stages_partial(request: AuthedRequest, park: Park, stage: str, error: str = "") -> HttpResponse:
    """The enterprises-by-stage block, re-rendered after a settlement moves (htmx)."""
    return render(request, "parks/_stages.html", {**_stage_context(request, park, stage), "error": error})


#: A park's units are offered a few more at a time than other pickers' rows: a floor of a tower holds 10–20.
UNIT_PICKER_LIMIT = 2 * PICKER_LIMIT


@login_required
@require_GET
def pick_units(request: AuthedRequest, pk: int) -> JsonResponse:
    """The unit picker of a park the user may see: vacant and reserved units first, each labelled with its
    building, floor, number, area and status; ``settlement=<id>`` (one of the park's the user sees) keeps its own
    units choosable. A park outside the scope is a 404, as its page is."""
    park = get_visible_or_404(Park.objects.all(), request.user, pk=pk)
    try:
        q = picker_query(request.GET)
        settlement_id = picker_id(request.GET.get("settlement"), required=False)
    except PickerInputError as exc:
        return picker_error(exc)
    settlement = (Settlement.objects.visible_to(request.user).filter(park=park, pk=settlement_id).first()
                  if settlement_id else None)
    return picker_response(selectors.unit_picker_items(request.user, park, q, UNIT_PICKER_LIMIT,
                                                       settlement=settlement), limit=UNIT_PICKER_LIMIT)
